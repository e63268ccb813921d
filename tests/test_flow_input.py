"""The flow and input options of the official CLI, checked against the official package.

``-f precomputed``, ``--use-node-weights-as-flow``, the power iteration's
``--max-flow-iterations``/``--min-flow-iterations``/``--flow-tolerance``,
``--weight-threshold``, ``--no-self-links``, ``-k``, ``--node-limit``,
``--assign-to-neighbouring-module`` and the JSON network format: the
command-line tool's codelength equals the official Infomap's on the same
file and options, and the API's node flow equals the official node flow.
"""

from __future__ import annotations

import json
import re
import warnings

import networkx as nx
import numpy as np
import pytest

import infomap_py
from infomap_py.cli import main
from infomap_py.io import read_network

PAJEK = """\
*Vertices 8
1 "a" 0.2
2 "b" 0.1
3 "c" 0.2
4 "d" 0.25
5 "e" 0.15
6 "f" 0.05
7 "g" 0.03
8 "h" 0.02
*Arcs
1 2 0.1
2 3 0.1
3 1 0.15
4 5 0.1
5 6 0.1
6 4 0.12
1 4 0.03
4 1 0.02
3 3 0.05
6 7 0.01
7 8 0.02
8 6 0.015
"""

#: A link list with a self-link, light links and nodes only light links reach.
LINKS = """\
1 2
2 3
3 1
3 3 2
4 5
5 6
6 4
1 4 0.5
6 7 0.3
7 8 0.2
"""


def official(path, **options):
    """The official two-level run on ``path``: ``(codelength, {id: module}, {id: flow})``."""
    import infomap

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        im = infomap.Infomap(silent=True, two_level=True, num_trials=1, seed=123, **options)
        im.read_file(str(path))
        im.run()
        if im.have_memory:  # a state or multilayer network: the codelength is compared
            return im.codelength, {}, {}
        modules = dict(im.get_modules())
        flow = {node.node_id: node.flow for node in im.tree if node.is_leaf}
        return im.codelength, modules, flow


def ours(capsys, path, out, *args) -> float:
    """Run our CLI two-level on ``path``; return the codelength it reports."""
    capsys.readouterr()
    assert main([str(path), str(out), "-2", *args]) == 0
    err = capsys.readouterr().err
    return float(re.search(r"codelength ([0-9.]+) bits", err).group(1))


OPTION_SETS = [
    # (CLI options, official keywords)
    (["-f", "precomputed"], dict(flow_model="precomputed")),
    (["-f", "precomputed", "--markov-time", "2"], dict(flow_model="precomputed",
                                                        markov_time=2)),
    (["--use-node-weights-as-flow"], dict(use_node_weights_as_flow=True)),
    (["-d", "--use-node-weights-as-flow"], dict(directed=True, use_node_weights_as_flow=True)),
    (["-d", "-p", "0.01", "--max-flow-iterations", "30"],
     dict(directed=True, teleportation_probability=0.01, max_flow_iterations=30)),
    (["-d", "-p", "0.05", "--min-flow-iterations", "300", "--flow-tolerance", "1e-4"],
     dict(directed=True, teleportation_probability=0.05, min_flow_iterations=300,
          flow_tolerance=1e-4)),
    (["-d", "--flow-tolerance", "1e-3", "--min-flow-iterations", "2"],
     dict(directed=True, flow_tolerance=1e-3, min_flow_iterations=2)),
    (["-d", "--regularized", "--max-flow-iterations", "3"],
     dict(directed=True, regularized=True, max_flow_iterations=3)),
    (["-d", "--regularized", "--flow-tolerance", "1e-3", "--min-flow-iterations", "0"],
     dict(directed=True, regularized=True, flow_tolerance=1e-3, min_flow_iterations=0)),
    (["--weight-threshold", "0.1"], dict(weight_threshold=0.1)),
    (["-d", "--no-self-links"], dict(directed=True, no_self_links=True)),
]


@pytest.mark.parametrize(("args", "options"), OPTION_SETS,
                         ids=[" ".join(a) for a, _ in OPTION_SETS])
def test_pajek_options_match_the_official(tmp_path, capsys, args, options):
    path = tmp_path / "net.net"
    path.write_text(PAJEK)
    length, _, flow = official(path, **options)
    assert ours(capsys, path, tmp_path / "out", *args) == pytest.approx(length, abs=2e-9)
    # The API's node flow with the same options equals the official's.
    keywords = {k: v for k, v in options.items() if k not in ("directed",
                                                               "teleportation_probability")}
    if "teleportation_probability" in options:
        keywords["teleportation"] = options["teleportation_probability"]
    directed = options.get("directed", False) or "flow_model" in options
    network = read_network(path, directed=directed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # the capped flow does not converge
        ours_flow = infomap_py.compute_flow(network, **keywords).node_flow
    theirs = np.array([flow.get(i, 0.0) for i in network.node_ids.tolist()])
    np.testing.assert_allclose(ours_flow, theirs, rtol=0, atol=1e-9)


@pytest.mark.parametrize("args", [["--weight-threshold", "0.4"], ["--no-self-links"],
                                  ["-d", "--weight-threshold", "0.25", "--no-self-links"]])
def test_link_list_filters_match_the_official(tmp_path, capsys, args):
    # Nodes only dropped links reach leave the network, as in the official.
    path = tmp_path / "links.txt"
    path.write_text(LINKS)
    options = {}
    for flag, key in (("--weight-threshold", "weight_threshold"),):
        if flag in args:
            options[key] = float(args[args.index(flag) + 1])
    options.update(no_self_links="--no-self-links" in args, directed="-d" in args)
    length, modules, _ = official(path, **options)
    assert ours(capsys, path, tmp_path / "out", *args, "-o", "clu") == pytest.approx(
        length, abs=2e-9)
    clu = (tmp_path / "out" / "links.clu").read_text().split("\n")
    ids = {int(line.split()[0]) for line in clu if line and not line.startswith("#")}
    assert ids == set(modules)


def test_flow_cap_reports_a_flow_that_did_not_converge():
    G = nx.DiGraph([(0, 1), (1, 2), (2, 0), (2, 3)])
    with pytest.warns(RuntimeWarning, match="after 30 steps"):
        capped = infomap_py.compute_flow(G, teleportation=0.001, max_flow_iterations=30)
    assert capped.flow_iterations == 30 and not capped.flow_converged
    with pytest.warns(RuntimeWarning, match="after 30 steps.*tolerance 1e-15"):
        infomap_py.cluster(G, teleportation=0.001, max_flow_iterations=30)
    loose = infomap_py.compute_flow(G, teleportation=0.3, flow_tolerance=1e-3,
                                    min_flow_iterations=1)
    exact = infomap_py.compute_flow(G, teleportation=0.3)
    assert loose.flow_converged and loose.flow_iterations < exact.flow_iterations
    assert exact.flow_iterations >= 50


def test_node_limit_reads_the_nodes_up_to_the_limit(tmp_path, capsys):
    # The official 2.16 accepts --node-limit but reads every node; ours does
    # what its help says, which equals the official run on the truncated file.
    path = tmp_path / "net.net"
    path.write_text(PAJEK)
    truncated = tmp_path / "small.net"
    lines = PAJEK.splitlines()
    keep = [line for line in lines if line.startswith("*") or all(
        int(tok) <= 5 for tok in line.split()[:1 if '"' in line else 2])]
    truncated.write_text("\n".join(keep).replace("*Vertices 8", "*Vertices 5") + "\n")
    length, modules, _ = official(truncated, directed=True)
    got = ours(capsys, path, tmp_path / "out", "-d", "--node-limit", "5", "-o", "clu")
    assert got == pytest.approx(length, abs=2e-9)
    clu = (tmp_path / "out" / "net.clu").read_text().split("\n")
    assert {int(line.split()[0]) for line in clu if line and line[0] != "#"} == set(modules)
    full, _, _ = official(path, directed=True, node_limit=5)
    assert full != pytest.approx(length, abs=1e-6)


def test_assign_to_neighbouring_module_matches_the_official(tmp_path, capsys):
    path = tmp_path / "links.txt"
    path.write_text(LINKS)
    clu = tmp_path / "given.clu"
    clu.write_text("1 1\n2 1\n4 2\n5 2\n")  # 3, 6, 7, 8 missing
    for extra in ([], ["--assign-to-neighbouring-module"]):
        length, modules, _ = official(
            path, cluster_data=str(clu), no_infomap=True,
            assign_to_neighbouring_module=bool(extra))
        got = ours(capsys, path, tmp_path / "out", "-c", str(clu), "--no-infomap", *extra)
        assert got == pytest.approx(length, abs=2e-9)
    assert len(set(modules.values())) == 2  # every missing node found a neighbour's module


JSON_NETWORKS = {
    "standard": {
        "format": "infomap-network", "version": "1.0", "directed": True,
        "nodes": [{"id": i, "name": f"n{i}", "weight": 1 + i % 3} for i in range(1, 8)],
        "edges": [{"source": s, "target": t, "weight": w} for s, t, w in
                  [(1, 2, 1), (2, 3, 2), (3, 1, 1), (4, 5, 1), (5, 6, 1), (6, 4, 1),
                   (1, 4, 0.5), (6, 7, 0.3)]]},
    "paths": {
        "format": "infomap-network", "version": "1.0",
        "nodes": [{"id": i, "path": [1 if i <= 2 else 2, i]} for i in range(1, 7)],
        "edges": [{"source": s, "target": t} for s, t in
                  [(1, 2), (2, 3), (3, 1), (4, 5), (5, 6), (6, 4), (1, 4)]]},
    "state": {
        "format": "infomap-network", "version": "1.0", "type": "state",
        "nodes": [{"id": i, "name": f"p{i}"} for i in range(1, 5)],
        "states": [{"id": s, "node": p} for s, p in
                   [(1, 1), (2, 2), (3, 3), (4, 1), (5, 4), (6, 2)]],
        "edges": [{"source": s, "target": t, "weight": w} for s, t, w in
                  [(1, 2, 1), (2, 3, 1), (3, 1, 1), (4, 5, 1), (5, 6, 1), (6, 4, 1),
                   (1, 5, 0.2)]]},
    "bipartite": {
        "format": "infomap-network", "version": "1.0", "type": "bipartite",
        "bipartiteStartId": 5,
        "edges": [{"source": s, "target": t} for s, t in
                  [(1, 5), (2, 5), (2, 6), (3, 6), (3, 7), (4, 7), (1, 7)]]},
    "multilayer": {
        "format": "infomap-network", "version": "1.0", "type": "multilayer",
        "multilayer": "intra-inter",
        "edges": [{"source": s, "target": t, "layers": ls} for s, t, ls in
                  [(1, 2, [1]), (2, 3, [1]), (3, 1, [1]), (1, 4, [2]), (4, 2, [2]),
                   (1, 1, [1, 2])]]},
}


# A directed bipartite network is left out: its Pajek form already differs
# from the official (a search that keeps one module), which is not the reader's.
@pytest.mark.parametrize(("name", "args"), [(name, args) for name in JSON_NETWORKS
                                            for args in ([], ["-d"])
                                            if not (name == "bipartite" and args)])
def test_json_networks_match_the_official(tmp_path, capsys, name, args):
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(JSON_NETWORKS[name]))
    length, _, _ = official(path, directed=bool(args))
    assert ours(capsys, path, tmp_path / "out", *args) == pytest.approx(length, abs=2e-9)


def test_json_paths_are_the_initial_partition(tmp_path, capsys):
    path = tmp_path / "paths.json"
    path.write_text(json.dumps(JSON_NETWORKS["paths"]))
    length, modules, _ = official(path, no_infomap=True)
    assert sorted(set(modules.values())) == [1, 2]
    assert ours(capsys, path, tmp_path / "out", "--no-infomap") == pytest.approx(length,
                                                                              abs=2e-9)


def test_deprecated_include_self_links_is_accepted_with_a_note(tmp_path, capsys):
    path = tmp_path / "links.txt"
    path.write_text(LINKS)
    with_k = ours(capsys, path, tmp_path / "a", "-k")
    capsys.readouterr()
    assert main([str(path), str(tmp_path / "b"), "-2", "-k"]) == 0
    assert "-k/--include-self-links is deprecated" in capsys.readouterr().err
    assert with_k == ours(capsys, path, tmp_path / "c")


def test_node_weights_from_python():
    G = nx.karate_club_graph()
    for node in G:
        G.nodes[node]["size"] = 1.0 + node % 4
    weights = np.array([1.0 + node % 4 for node in G])
    by_name = infomap_py.compute_flow(G, node_weights="size", use_node_weights_as_flow=True)
    np.testing.assert_allclose(by_name.node_flow, weights / weights.sum(), rtol=0, atol=1e-15)
    by_array = infomap_py.cluster(G, node_weights=weights, use_node_weights_as_flow=True,
                                  two_level=True)
    assert by_array.params["use_node_weights_as_flow"] is True
    np.testing.assert_allclose(by_array.flow, by_name.node_flow, rtol=0, atol=1e-15)
    assert infomap_py.codelength(G, by_array.labels, node_weights=weights,
                                 use_node_weights_as_flow=True) == pytest.approx(
        by_array.codelength, abs=1e-12)
    with pytest.raises(ValueError, match="one weight per node"):
        infomap_py.cluster(G, node_weights=[1.0, 2.0])
    with pytest.raises(ValueError, match="precomputed.*needs node weights"):
        infomap_py.cluster(G, flow_model="precomputed")
    with pytest.raises(ValueError, match="flow_tolerance"):
        infomap_py.compute_flow(G, flow_tolerance=-1.0)
    with pytest.raises(ValueError, match="max_flow_iterations"):
        infomap_py.compute_flow(G, max_flow_iterations=-1)


@pytest.mark.parametrize(("args", "needle"), [
    (["--flow-tolerance=-1"], "--flow-tolerance"),
    (["--max-flow-iterations=-2"], "--max-flow-iterations"),
    (["--min-flow-iterations=-2"], "--min-flow-iterations"),
    (["--weight-threshold", "nan"], "--weight-threshold"),
    (["--node-limit=-1"], "--node-limit"),
    (["--assign-to-neighbouring-module"], "-c/--cluster-data"),
    (["-f", "precomputed"], "needs node weights"),
    (["--weight-threshold", "100"], "every link was dropped"),
])
def test_bad_flow_and_input_options_fail_cleanly(tmp_path, capsys, args, needle):
    path = tmp_path / "links.txt"
    path.write_text(LINKS)
    out = tmp_path / "out"
    assert main([str(path), str(out), *args]) == 2
    err = capsys.readouterr().err
    assert needle in err and len(err.strip().splitlines()) == 1 and not out.exists()


@pytest.mark.parametrize(("doc", "needle"), [
    ({"format": "other", "version": "1.0", "edges": []}, "not an infomap-network document"),
    ({"format": "infomap-network", "version": "2.0", "edges": []}, "version '2.0'"),
    ({"format": "infomap-network", "version": "1.0", "type": "graph"}, "type 'graph'"),
    ({"format": "infomap-network", "version": "1.0", "nodes": [{"id": 1}],
      "edges": [{"source": 1, "target": 2}]}, "edges[0].target: node 2 is not in 'nodes'"),
    ({"format": "infomap-network", "version": "1.0",
      "edges": [{"source": 1, "target": 2, "weight": -1}]}, "edges[0].weight"),
    ({"format": "infomap-network", "version": "1.0",
      "edges": [{"source": 1.5, "target": 2}]}, "edges[0].source"),
    ({"format": "infomap-network", "version": "1.0", "type": "bipartite",
      "edges": [{"source": 1, "target": 2}]}, "bipartiteStartId"),
])
def test_bad_json_networks_fail_cleanly(tmp_path, capsys, doc, needle):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc))
    out = tmp_path / "out"
    assert main([str(path), str(out)]) == 2
    err = capsys.readouterr().err
    assert needle in err and "bad.json" in err and len(err.strip().splitlines()) == 1
    assert not out.exists()
    path.write_text('{"format": "infomap-network",\n "version": }')
    assert main([str(path), str(out)]) == 2
    assert "bad.json:2: JSON parse error" in capsys.readouterr().err
