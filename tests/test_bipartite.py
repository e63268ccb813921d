"""Bipartite networks: flow, codelength and search against the official Infomap.

The official ``infomap`` package is the oracle: node flows to 1e-9, the
codelength of each package's partition scored by the other to 1e-9, and the
codelength each search finds to 1e-6.
"""

from __future__ import annotations

import os
import warnings

import numpy as np
import pytest

import infomap_py
from infomap_py.network import Network

infomap = pytest.importorskip("infomap", reason="the official infomap package is the oracle "
                                                "for these tests and is not installed")

START = 18  # primary nodes 0..17, feature nodes 18..29


def example_links() -> tuple[list[tuple[int, int, float]], int]:
    """The links and the bipartite start id of the official bipartite.net."""
    path = os.path.join(os.path.dirname(infomap.__file__), "datasets", "data", "bipartite.net")
    links, start, in_links = [], None, False
    with open(path) as lines:
        for line in lines:
            if line.lower().startswith("*bipartite"):
                start, in_links = int(line.split()[1]), True
            elif in_links and line.strip() and not line.startswith("#"):
                u, v, w = line.split()[:3]
                links.append((int(u), int(v), float(w)))
    return links, start


def planted_links(both_ways: bool = False, seed: int = 7) -> list[tuple[int, int, float]]:
    """3 groups of 6 primary nodes, each linked to the 4 features of its own
    group (random weights), plus a few noise links to other groups' features."""
    rng = np.random.default_rng(seed)
    links = []
    for node in range(START):
        group = node // 6
        own = START + 4 * group + rng.choice(4, size=3, replace=False)
        links += [(node, int(f), float(rng.uniform(0.5, 2.0))) for f in own]
        if rng.random() < 0.4:
            links.append((node, int(START + rng.integers(12)), float(rng.uniform(0.1, 0.4))))
    if both_ways:
        links += [(v, u, w * float(rng.uniform(0.5, 1.5))) for u, v, w in links]
    return links


def network_of(links, start, directed) -> Network:
    ids = sorted({u for u, _, _ in links} | {v for _, v, _ in links})
    index = {node: i for i, node in enumerate(ids)}
    return Network(np.array([index[u] for u, _, _ in links], dtype=np.int64),
                   np.array([index[v] for _, v, _ in links], dtype=np.int64),
                   np.array([w for _, _, w in links]), len(ids), directed, ids,
                   bipartite_start_id=start)


def official(links, start, options, partition=None, two_level=True):
    """Run the official Infomap; return ``(node flow by id, codelength, paths by id)``."""
    kwargs = dict(options)
    model = kwargs.pop("flow_model", "undirected")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        im = infomap.Infomap(two_level=two_level, silent=True, flow_model=model,
                             no_infomap=partition is not None, num_trials=5, **kwargs)
        for u, v, w in links:
            im.add_link(u, v, w)
        im.bipartite_start_id = start
        im.run(initial_partition=partition)
        flow = {node.node_id: node.flow for node in im.tree if node.is_leaf}
        paths = {node.node_id: tuple(node.path) for node in im.tree if node.is_leaf}
        return flow, im.codelength, paths


OPTIONS = [
    {},
    {"skip_adjust_bipartite_flow": True},
    {"bipartite_teleportation": True},
    {"flow_model": "directed"},
    {"flow_model": "directed", "skip_adjust_bipartite_flow": True},
    {"flow_model": "directed", "to_nodes": True},
    {"flow_model": "directed", "markov_time": 1.5},
    {"flow_model": "rawdir"},
    {"flow_model": "undirdir"},
    {"flow_model": "outdirdir"},
]

#: Options that need links back from the feature nodes (the two-step walk).
BOTH_WAYS_OPTIONS = [
    {"flow_model": "directed", "bipartite_teleportation": True},
    {"flow_model": "directed", "bipartite_teleportation": True, "to_nodes": True},
    {"flow_model": "directed", "bipartite_teleportation": True, "recorded_teleportation": True},
    {"flow_model": "directed", "recorded_teleportation": True},
    {"flow_model": "directed", "recorded_teleportation": True,
     "skip_adjust_bipartite_flow": True},
    # The official adds the link flow to the node flow before normalising it.
    {"flow_model": "undirdir"},
    {"flow_model": "outdirdir"},
]

#: Links both ways where no node has the start id 5: the official then moves
#: every link's flow to its target (an undirected link and its reverse count
#: as one link from the lower id), and the two-step walk teleports nowhere.
NO_START_LINKS = [(1, 6, 1.0), (2, 6, 1.0), (2, 7, 1.0), (3, 7, 1.0), (3, 8, 1.0),
                  (4, 8, 1.0), (1, 8, 0.5), (6, 1, 1.0), (7, 3, 1.0), (8, 4, 2.0)]

#: Links both ways where primary node 2 has none out (it is dangling), so the
#: two-step walk's last step loses flow: the official normalises the node flow.
DANGLING_LINKS = [(5, 2, 1.0), (4, 6, 2.0), (3, 6, 0.5), (5, 3, 2.0), (1, 5, 0.5),
                  (1, 6, 0.5), (6, 3, 1.0), (3, 5, 0.5)]

CASES = ([("example", o) for o in OPTIONS] + [("planted", o) for o in OPTIONS]
         + [("planted-both-ways", o) for o in BOTH_WAYS_OPTIONS]
         + [("dangling", o) for o in BOTH_WAYS_OPTIONS]
         + [("no-start", o) for o in OPTIONS + BOTH_WAYS_OPTIONS])


def case_links(name):
    if name == "example":
        return example_links()
    if name == "dangling":
        return DANGLING_LINKS, 5
    if name == "no-start":
        return NO_START_LINKS, 5
    return planted_links(both_ways=name == "planted-both-ways"), START


def ours_options(options):
    return dict(options, teleportation=0.15) if options.get("flow_model") else dict(options)


def case_id(case):
    name, options = case
    return name + ":" + (",".join(f"{k}={v}" for k, v in options.items()) or "default")


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_flow_and_codelength_of_partitions_equal_official(case):
    name, options = case
    links, start = case_links(name)
    directed = options.get("flow_model", "undirected") != "undirected"
    network = network_of(links, start, directed)
    ids = list(network.nodes)

    their_flow, their_length, their_paths = official(links, start, options)
    flow = infomap_py.compute_flow(network, **options)
    np.testing.assert_allclose(flow.node_flow, [their_flow[i] for i in ids], rtol=0, atol=1e-9)
    features = network.node_ids >= start
    if name != "no-start" and not options.get("skip_adjust_bipartite_flow") and not options.get(
            "bipartite_teleportation"):
        assert not flow.node_flow[features].any()

    # Their partition scored by us.
    their_labels = [their_paths[i][0] for i in ids]
    assert abs(infomap_py.codelength(network, their_labels, **options) - their_length) <= 1e-9

    # Our search, scored by them.
    ours = infomap_py.cluster(network, two_level=True, trials=5, **options)
    mine = {node: int(label) for node, label in zip(ids, ours.labels)}
    _, scored, _ = official(links, start, options, partition=mine)
    assert abs(ours.codelength - scored) <= 1e-9
    assert ours.codelength <= their_length + 1e-6


def write_tree(path, ids, paths):
    with open(path, "w") as out:
        for node, p in zip(ids, paths):
            out.write(f"{':'.join(map(str, p))} 0 \"{node}\" {node}\n")


@pytest.mark.parametrize("case", [("planted", {}), ("planted", {"flow_model": "directed"}),
                                  ("example", {"skip_adjust_bipartite_flow": True})],
                         ids=case_id)
def test_multilevel_codelength_equals_official(case, tmp_path):
    name, options = case
    links, start = case_links(name)
    network = network_of(links, start, options.get("flow_model", "undirected") != "undirected")
    ids = list(network.nodes)
    _, their_length, their_paths = official(links, start, options, two_level=False)
    paths = [their_paths[i] for i in ids]
    assert abs(infomap_py.codelength(network, paths, **options) - their_length) <= 1e-9

    ours = infomap_py.cluster(network, trials=5, **options)
    tree_file = tmp_path / "ours.tree"
    write_tree(tree_file, ids, [ours.paths[i] for i in range(len(ids))])
    kwargs = dict(options)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        im = infomap.Infomap(silent=True, no_infomap=True, cluster_data=str(tree_file),
                             flow_model=kwargs.pop("flow_model", "undirected"), **kwargs)
        for u, v, w in links:
            im.add_link(u, v, w)
        im.bipartite_start_id = start
        im.run()
        assert abs(ours.codelength - im.codelength) <= 1e-9
    # The searches may end in different trees; ours must be as short.
    assert ours.codelength <= their_length + 1e-6


def test_bipartite_start_id_marks_features_of_any_input():
    links, start = example_links()
    plain = network_of(links, None, False)
    marked = infomap_py.compute_flow(plain, bipartite_start_id=start)
    assert np.array_equal(marked.node_flow, infomap_py.compute_flow(
        network_of(links, start, False)).node_flow)
    edges = np.array([[u, v, w] for u, v, w in links])
    from_array = infomap_py.compute_flow(edges, bipartite_start_id=start)
    assert from_array.node_flow[start:].sum() == 0.0 and from_array.node_flow.sum() == 1.0


def test_two_step_walk_needs_links_back_to_primary_nodes():
    links, start = example_links()
    with pytest.raises(ValueError, match="bipartite_teleportation needs links from feature"):
        infomap_py.compute_flow(network_of(links, start, True), flow_model="directed",
                                bipartite_teleportation=True)


def test_degenerate_bipartite_flow_is_refused():
    links, start = example_links()
    with pytest.raises(ValueError, match="bipartite flow is zero on every node"):
        infomap_py.compute_flow(network_of(links, start, True), flow_model="directed",
                                recorded_teleportation=True)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"bipartite_start_id": 2.5}, TypeError, "bipartite_start_id must be an integer"),
    ({"bipartite_start_id": True}, TypeError, "bipartite_start_id must be an integer"),
    ({"bipartite_start_id": 2**64}, ValueError, "bipartite_start_id must fit in int64"),
    ({"bipartite_teleportation": 1}, TypeError, "bipartite_teleportation must be True or"),
    ({"skip_adjust_bipartite_flow": "yes"}, TypeError, "skip_adjust_bipartite_flow must be"),
])
def test_bad_arguments(kwargs, error, match):
    links, start = example_links()
    network = network_of(links, start, False)
    for function in (infomap_py.compute_flow, infomap_py.cluster):
        with pytest.raises(error, match=match):
            function(network, **kwargs)
    with pytest.raises(error, match=match):
        infomap_py.codelength(network, [0] * 5, **kwargs)


def bipartite_graph(links, start, labels=None):
    """A networkx graph of ``links`` whose nodes carry the ``bipartite`` attribute."""
    import networkx as nx

    label = labels or (lambda node: node)
    G = nx.Graph()
    ids = sorted({u for u, _, _ in links} | {v for _, v, _ in links})
    G.add_nodes_from((label(i), {"bipartite": int(i >= start)}) for i in ids)
    G.add_weighted_edges_from((label(u), label(v), w) for u, v, w in links)
    return G


@pytest.mark.parametrize("labels", [None, lambda i: f"n{i}"], ids=["int-labels", "str-labels"])
def test_networkx_bipartite_attribute_makes_a_bipartite_network(labels):
    links, start = planted_links(), START
    G = bipartite_graph(links, start, labels)
    network = infomap_py.convert.to_network(G)
    assert network.bipartite_start_id == start
    # The official adapter ignores the attribute: tell it the start id.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        im = infomap.Infomap(two_level=True, silent=True, num_trials=5)
        mapping = im.add_networkx_graph(G)
        im.bipartite_start_id = start
        im.run()
        theirs = {mapping[node.node_id]: node.flow for node in im.tree if node.is_leaf}
        their_length = im.codelength
        their_modules = {mapping[n]: m for n, m in im.get_modules().items()}
    flow = infomap_py.compute_flow(G)
    np.testing.assert_allclose(flow.node_flow, [theirs[n] for n in G.nodes()], rtol=0, atol=1e-9)
    assert abs(infomap_py.codelength(G, their_modules) - their_length) <= 1e-9
    assert infomap_py.cluster(G, two_level=True, trials=5).codelength <= their_length + 1e-6


def test_networkx_bipartite_attribute_errors():
    import networkx as nx

    G = nx.Graph([(0, 2), (1, 2)])
    nx.set_node_attributes(G, {0: 0, 1: 1, 2: 0}, "bipartite")
    with pytest.raises(ValueError, match="primary node 2 comes after feature node 1"):
        infomap_py.compute_flow(G)
    nx.set_node_attributes(G, {0: 0, 1: 0, 2: "x"}, "bipartite")
    with pytest.raises(ValueError, match="must be 0 \\(primary\\) or 1 .* got 'x' on node 2"):
        infomap_py.compute_flow(G)
    del G.nodes[2]["bipartite"]
    with pytest.raises(ValueError, match="got None on node 2"):
        infomap_py.compute_flow(G)
    nx.set_node_attributes(G, 0, "bipartite")
    assert infomap_py.convert.to_network(G).bipartite_start_id is None


def example_path() -> str:
    return os.path.join(os.path.dirname(infomap.__file__), "datasets", "data", "bipartite.net")


@pytest.fixture
def bipartite_reader(monkeypatch):
    """Make the CLI read bipartite.net as the bipartite Network it is (the
    file reader's own *Bipartite support is tested with the reader)."""
    import infomap_py.io

    links, start = example_links()
    monkeypatch.setattr(infomap_py.io, "read_network",
                        lambda path, directed=None: network_of(links, start, bool(directed)))


def node_rows(path, skip_header=True):
    """The data rows of an output file (no comments), split into fields."""
    text = path.read_text().splitlines()
    return [line.split() for line in text if line and not line.startswith(("#", "*"))]


def official_cli(out, *flags):
    import subprocess

    subprocess.run(["infomap", example_path(), str(out), "--silent", *flags], check=True)


@pytest.mark.parametrize("flags", [[], ["-d"], ["--skip-adjust-bipartite-flow"],
                                   ["--bipartite-teleportation"]], ids=" ".join)
def test_cli_flow_options_equal_official(flags, tmp_path, bipartite_reader):
    from infomap_py.cli import main

    assert main([example_path(), str(tmp_path / "ours"), "-2", "-o", "clu", "--silent",
                 *flags]) == 0
    official_cli(tmp_path / "theirs", "-2", "-o", "clu", *flags)
    ours = {int(r[0]): float(r[2]) for r in node_rows(tmp_path / "ours" / "bipartite.clu")}
    theirs = {int(r[0]): float(r[2]) for r in node_rows(tmp_path / "theirs" / "bipartite.clu")}
    assert ours.keys() == theirs.keys()
    for node in ours:
        assert abs(ours[node] - theirs[node]) <= 1e-6
    header = (tmp_path / "ours" / "bipartite.clu").read_text()
    assert "# bipartite start id 4" in header


def test_cli_hide_bipartite_nodes_as_official(tmp_path, bipartite_reader):
    import json

    from infomap_py.cli import main

    formats = "clu,tree,ftree,json,csv"
    assert main([example_path(), str(tmp_path / "ours"), "-o", formats, "--silent",
                 "--hide-bipartite-nodes"]) == 0
    official_cli(tmp_path / "theirs", "-o", formats, "--hide-bipartite-nodes")

    def ids(folder):
        found = {
            "clu": {int(r[0]) for r in node_rows(folder / "bipartite.clu")},
            "tree": {int(r[-1]) for r in node_rows(folder / "bipartite.tree")},
            "ftree": {int(r[-1]) for r in node_rows(folder / "bipartite.ftree")
                      if r[-1].strip('"') == r[-1] and ":" in r[0]},
            "json": {n["id"] for n in json.loads((folder / "bipartite.json").read_text())["nodes"]},
            "csv": {int(line.rsplit(",", 1)[1]) for line in
                    (folder / "bipartite.csv").read_text().splitlines()[1:]},
        }
        return found

    ours, theirs = ids(tmp_path / "ours"), ids(tmp_path / "theirs")
    assert ours == theirs
    assert ours["clu"] == {1, 2, 3} and ours["ftree"] == {1, 2, 3, 4, 5}


def test_cli_bipartite_errors_are_one_line(tmp_path, bipartite_reader, capsys):
    from infomap_py.cli import main

    assert main([example_path(), str(tmp_path), "-d", "--bipartite-teleportation",
                 "--silent"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "bipartite_teleportation needs links" in err
    with pytest.raises(SystemExit) as exit_info:
        main([example_path(), str(tmp_path), "--hide-bipartite-nodes=yes"])
    assert exit_info.value.code == 2
    assert "--hide-bipartite-nodes: ignored explicit argument" in capsys.readouterr().err
