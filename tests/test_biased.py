"""The biased map equation (issue 17): ``entropy_corrected``,
``entropy_correction_strength`` and ``preferred_number_of_modules``,
checked against the official Infomap 2.16 (a test-only oracle).

The same partition or tree codes as long as the official reports it (to
1e-9 bits, its index and module parts too); the search finds trees as short
as the official's with the same number of trials; the reported codelength
is the recomputed one; and a fine-tuned partition is a local optimum of the
biased codelength, so the optimizer's move deltas carry the new terms.
"""

from __future__ import annotations

import shutil
import subprocess
import warnings
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

import infomap_py
from infomap_py import StateNetwork
from infomap_py.cli import main
from infomap_py.network import Network

from conftest import EXAMPLE_NETWORKS, read_example_network, read_shared_network

CORRECTED = {"entropy_corrected": True}
OPTIONS = [
    CORRECTED,
    {"entropy_corrected": True, "entropy_correction_strength": 2.5},
    {"preferred_number_of_modules": 3},
    {"preferred_number_of_modules": 5, "entropy_corrected": True},
]


def option_id(options):
    return ",".join(f"{k}={v}" for k, v in options.items())


def load(name):
    """``(Network, edges, num_nodes, directed)`` of a shared or example network."""
    if name in ("karate", "lesmis"):
        edges, n, _ = read_shared_network(name)
        if edges.shape[1] == 2:
            edges = np.c_[edges, np.ones(len(edges))]
        directed = False
    else:
        edges, n = read_example_network(name)
        directed = name == "modular_wd"
    network = Network(edges[:, 0].astype(np.int64), edges[:, 1].astype(np.int64),
                      edges[:, 2].astype(float), n, directed, range(n))
    return network, edges, n, directed


def official(edges, n, directed, two_level=True, trials=1, seed=7, tree_file=None,
             **options):
    """Run the official Infomap (scoring ``tree_file`` with ``no_infomap``);
    return ``(result, infomap_object)``."""
    import infomap

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if tree_file is not None:
            options.update(no_infomap=True, cluster_data=str(tree_file))
        im = infomap.Infomap(silent=True, two_level=two_level, directed=directed,
                             num_trials=trials, seed=seed, **options)
        for i in range(n):
            im.add_node(i)
        for u, v, w in edges:
            im.add_link(int(u), int(v), float(w))
        return im.run(), im


def official_labels(im, n):
    labels = np.zeros(n, dtype=np.int64)
    for node in im.tree:
        if node.is_leaf:
            labels[node.node_id] = node.path[0]
    return labels


@pytest.mark.parametrize("options", OPTIONS, ids=option_id)
@pytest.mark.parametrize("name", ["karate", "lesmis", "twotriangles", "modular_wd"])
def test_codelength_of_a_partition_equals_the_official(name, options, tmp_path):
    network, edges, n, directed = load(name)
    _, im = official(edges, n, directed, trials=3)
    partitions = {"found": official_labels(im, n), "singletons": np.arange(n),
                  "one module": np.zeros(n, dtype=np.int64)}
    for what, labels in partitions.items():
        path = tmp_path / "given.clu"
        path.write_text("".join(f"{i} {labels[i] + 1}\n" for i in range(n)))
        theirs, _ = official(edges, n, directed, tree_file=path, **options)
        ours = infomap_py.codelength(network, labels, **options)
        assert float(ours) == pytest.approx(theirs.codelength, abs=1e-9), what
        assert ours.index_codelength == pytest.approx(theirs.index_codelength, abs=1e-9), what
        assert ours.module_codelength == pytest.approx(theirs.module_codelength, abs=1e-9), what
        assert ours.one_level_codelength == pytest.approx(theirs.one_level_codelength,
                                                          abs=1e-9), what


@pytest.mark.parametrize("options", OPTIONS, ids=option_id)
@pytest.mark.parametrize("name", ["ninetriangles", "modular_wd", "lesmis"])
def test_codelength_of_a_tree_equals_the_official(name, options, tmp_path):
    network, edges, n, directed = load(name)
    _, im = official(edges, n, directed, two_level=False, trials=5, **options)
    path = tmp_path / "found.tree"
    im.write_tree(str(path))
    theirs, _ = official(edges, n, directed, two_level=False, tree_file=path, **options)
    paths = {node.node_id: tuple(node.path) for node in im.tree if node.is_leaf}
    ours = infomap_py.codelength(network, [paths[i] for i in range(n)], **options)
    assert float(ours) == pytest.approx(theirs.codelength, abs=1e-9)
    assert ours.index_codelength == pytest.approx(theirs.index_codelength, abs=1e-9)
    assert ours.module_codelength == pytest.approx(theirs.module_codelength, abs=1e-9)


ENTROPY_OPTIONS = OPTIONS[:2]


@pytest.mark.parametrize("two_level", [True, False], ids=["two-level", "multilevel"])
@pytest.mark.parametrize("options", ENTROPY_OPTIONS, ids=option_id)
@pytest.mark.parametrize("name", ["karate", "lesmis", *EXAMPLE_NETWORKS])
def test_entropy_corrected_search_as_short_as_the_official(name, options, two_level):
    network, edges, n, directed = load(name)
    theirs, _ = official(edges, n, directed, two_level=two_level, trials=20, **options)
    ours = infomap_py.cluster(network, trials=20, two_level=two_level, seed=7, **options)
    assert ours.codelength <= theirs.codelength + 1e-6


@pytest.mark.parametrize("name", ["karate", "lesmis", "twotriangles", "ninetriangles",
                                  "modular_w"])
def test_preferred_number_of_modules_two_level_as_the_official(name):
    network, edges, n, directed = load(name)
    options = {"preferred_number_of_modules": 3}
    theirs, _ = official(edges, n, directed, trials=20, **options)
    ours = infomap_py.cluster(network, trials=20, two_level=True, seed=7, **options)
    assert ours.num_modules == theirs.num_top_modules == 3
    assert ours.codelength <= theirs.codelength + 1e-6


@pytest.mark.parametrize("two_level", [True, False], ids=["two-level", "multilevel"])
@pytest.mark.parametrize("options", OPTIONS, ids=option_id)
def test_reported_codelength_is_the_recomputed_one(options, two_level):
    network, *_ = load("lesmis")
    result = infomap_py.cluster(network, trials=2, two_level=two_level, seed=3, **options)
    again = infomap_py.codelength(network, result, **options)
    assert result.codelength == pytest.approx(float(again), abs=1e-12)
    assert result.index_codelength == pytest.approx(again.index_codelength, abs=1e-12)
    assert result.tree.total_codelength == pytest.approx(result.codelength, abs=1e-12)
    assert result.level_codelengths.sum() == pytest.approx(result.codelength, abs=1e-12)
    plain = infomap_py.codelength(network, result)
    assert float(again) >= float(plain)
    if options.get("entropy_corrected"):
        assert float(again) > float(plain)  # the correction is counted


@pytest.mark.parametrize("options", [{"entropy_corrected": True,
                                      "entropy_correction_strength": 8.0},
                                     {"preferred_number_of_modules": 4}], ids=option_id)
def test_no_single_node_move_shortens_a_tuned_partition(options):
    """A local optimum of the biased codelength: had the sweep's deltas left
    out the terms, a move that empties or fills a module would still pay."""
    G = nx.karate_club_graph()
    result = infomap_py.cluster(G, two_level=True, seed=4, weight=None, **options)
    labels = result.labels
    base = float(infomap_py.codelength(G, labels, weight=None, **options))
    k = labels.max() + 1
    for i in range(G.number_of_nodes()):
        for m in range(k + 1):  # every module, and a new one
            if m == labels[i] or (m == k and (labels == labels[i]).sum() == 1):
                continue
            moved = labels.copy()
            moved[i] = m
            length = float(infomap_py.codelength(G, moved, weight=None, **options))
            assert length >= base - 1e-10, (i, m)


def test_entropy_correction_strength_alone_changes_nothing():
    G = nx.karate_club_graph()
    plain = infomap_py.cluster(G, seed=2)
    strength = infomap_py.cluster(G, seed=2, entropy_correction_strength=3.0)
    assert strength.codelength == plain.codelength
    assert (strength.labels == plain.labels).all()


def test_a_state_network_warns_and_ignores_the_bias():
    """As the official: the memory map equation is optimized without it."""
    states = StateNetwork.from_links([(0, 1), (1, 2), (2, 0), (2, 3), (3, 4), (4, 5), (5, 3)],
                                     physical=[0, 1, 2, 3, 4, 5])
    with pytest.warns(UserWarning, match="entropy_corrected has no effect"):
        biased = infomap_py.cluster(states, entropy_corrected=True)
    assert biased.codelength == infomap_py.cluster(states).codelength


@pytest.mark.parametrize("keyword, value, error", [
    ("entropy_corrected", "yes", TypeError),
    ("entropy_correction_strength", -1.0, ValueError),
    ("entropy_correction_strength", float("nan"), ValueError),
    ("entropy_correction_strength", "2", TypeError),
    ("preferred_number_of_modules", -1, ValueError),
    ("preferred_number_of_modules", 2.5, TypeError),
    ("preferred_number_of_modules", True, TypeError),
])
def test_bad_arguments_are_refused_by_name(keyword, value, error):
    G = nx.karate_club_graph()
    for front_door in (infomap_py.cluster,
                       lambda G, **kw: infomap_py.codelength(G, [0] * 34, **kw)):
        with pytest.raises(error, match=keyword):
            front_door(G, **{keyword: value})


@pytest.mark.parametrize("args, name", [
    (["--entropy-correction-strength", "-1"], "--entropy-correction-strength"),
    (["--entropy-correction-strength", "x"], "--entropy-correction-strength"),
    (["--preferred-number-of-modules", "-2"], "--preferred-number-of-modules"),
    (["--preferred-number-of-modules", "2.5"], "--preferred-number-of-modules"),
])
def test_cli_refuses_bad_values_and_writes_nothing(tmp_path, capsys, args, name):
    network = tmp_path / "net.txt"
    network.write_text("1 2\n2 3\n3 1\n3 4\n4 5\n5 6\n6 4\n")
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as done:
        code = main([str(network), str(out), "--silent", *args])
        raise SystemExit(code)
    assert done.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and name in err[0]
    assert not out.exists()


@pytest.mark.skipif(shutil.which("infomap") is None, reason="no official infomap command")
@pytest.mark.parametrize("args", [["--entropy-corrected"],
                                  ["--entropy-corrected", "--entropy-correction-strength", "2",
                                   "-2"],
                                  ["--preferred-number-of-modules", "4"],
                                  ["--preferred-number-of-modules", "2", "--entropy-corrected"]])
def test_cli_tree_header_reports_the_official_codelength(tmp_path, args):
    """The official's tree, scored by infomap-py (-c, --no-infomap): the
    .tree header says what the official's says."""
    import infomap

    source = Path(infomap.__file__).parent / "datasets" / "data" / "ninetriangles.net"
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    subprocess.run(["infomap", str(source), str(theirs), "--silent", "-N", "10", *args],
                   check=True, capture_output=True)
    given = theirs / "ninetriangles.tree"
    assert main([str(source), str(ours), "--silent", "-c", str(given), "--no-infomap",
                 *args]) == 0

    def header(folder, key):
        text = (folder / "ninetriangles.tree").read_text().splitlines()
        return next(line for line in text if line.startswith(f"# {key}"))

    for key in ("codelength", "partitioned into", "relative codelength savings"):
        assert header(ours, key) == header(theirs, key)
