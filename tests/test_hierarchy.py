"""The multilevel search and the module tree.

Against the official Infomap (a test-only oracle): the multilevel
codelength, number of top modules and number of levels on its example
networks; hierarchy recovery on planted groups within groups; codelength on
LFR graphs; and the official package's score of our trees.  Against a
plain-Python reference: the multilevel codelength of any tree.
"""

from __future__ import annotations

import warnings

import networkx as nx
import numpy as np
import pytest
from sklearn.metrics import normalized_mutual_info_score as nmi

import infomap_py
from benchmarks.generators import hierarchical_planted_partition, nested_triangles
from infomap_py.io import read_network, write_tree
from infomap_py.network import Network

import reference
from conftest import EXAMPLE_NETWORKS
from test_reference import FLOW_CASES, as_network, link_dict, random_edges


#: Trials on the tiny example networks, on both sides: their best trees are
#: found by a few percent of trials, by either package.
TRIALS = 40

#: Known shortfalls (relative codelength) on the example networks.  On the
#: directed nine triangles the official package finds a 3.187962-bit tree in
#: its first 40 trials (seed 123) where ours finds 3.188438 bits; ours finds
#: 3.187962 and a shorter 3.185916 only in about one trial in a hundred.
KNOWN_GAPS = {("ninetriangles", True): 2e-4}


def official_data(name):
    import infomap
    from pathlib import Path

    return Path(infomap.__file__).parent / "datasets" / "data" / f"{name}.net"


def official_run(path, trials=10, seed=123, directed=False, **options):
    """The official multilevel Infomap on a file: ``(codelength, top, levels)``."""
    import infomap

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        im = infomap.Infomap(silent=True, num_trials=trials, seed=seed, directed=directed,
                             **options)
        im.read_file(str(path))
        im.run()
        return im.codelength, im.num_top_modules, im.num_levels


def official_on_edges(edges, n, **options):
    """The official multilevel Infomap, run on an edge array of ``n`` nodes."""
    import infomap

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        im = infomap.Infomap(silent=True, **options)
        im.add_nodes(range(n))
        im.add_links(edges.tolist())
        im.run()
    return im


def edge_network(edges, n, directed=False):
    edges = np.asarray(edges)
    weights = edges[:, 2].astype(float) if edges.shape[1] > 2 else np.ones(len(edges))
    return Network(edges[:, 0].astype(np.int64), edges[:, 1].astype(np.int64), weights, n,
                   directed, range(n))


# --- the official example networks --------------------------------------------------------

def test_ninetriangles_is_five_top_modules_in_three_levels():
    """The figure the official 2.16 release gives: 3.371875026 bits."""
    result = infomap_py.cluster(read_network(official_data("ninetriangles")), trials=10)
    assert result.codelength == pytest.approx(3.371875026, abs=1e-6)
    assert result.num_top_modules == 5
    assert result.num_levels == 3
    assert result.num_leaf_modules == 9


@pytest.mark.parametrize("directed", [False, True], ids=["undirected", "directed"])
@pytest.mark.parametrize("name", EXAMPLE_NETWORKS)
def test_example_networks_match_official(name, directed):
    """Codelength equal to 1e-6 or shorter with the same number of trials
    (``TRIALS``); where equal, the same number of top modules and levels."""
    path = official_data(name)
    theirs, top, levels = official_run(path, trials=TRIALS, directed=directed)
    ours = infomap_py.cluster(read_network(path, directed=directed or None), trials=TRIALS)
    gap = KNOWN_GAPS.get((name, directed), 0.0) * theirs
    assert ours.codelength <= theirs + gap + 1e-6, (ours.codelength, theirs)
    if abs(ours.codelength - theirs) < 1e-6:
        assert (ours.num_top_modules, ours.num_levels) == (top, levels)


@pytest.mark.parametrize("name", EXAMPLE_NETWORKS)
def test_official_scores_our_tree_to_our_codelength(tmp_path, name):
    import infomap

    network = read_network(official_data(name), directed=True)
    result = infomap_py.cluster(network, trials=5)
    write_tree(result, tmp_path / "ours.tree")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        im = infomap.Infomap(silent=True, directed=True, no_infomap=True,
                             cluster_data=str(tmp_path / "ours.tree"))
        im.read_file(str(official_data(name)))
        im.run()
    assert im.codelength == pytest.approx(result.codelength, abs=1e-9)
    assert im.num_levels == result.num_levels


# --- planted hierarchies and LFR ----------------------------------------------------------

def test_planted_hierarchy_is_recovered_at_both_levels():
    """16 groups in 4 super-groups: NMI >= 0.95 at both levels."""
    edges, groups = hierarchical_planted_partition(2000, (4, 4), 12, (0.02, 0.15), seed=1)
    result = infomap_py.cluster(edge_network(edges, 2000), trials=3, seed=1)
    assert result.num_levels == 3
    assert nmi(groups[:, 0], result.modules_at(1)) >= 0.95
    assert nmi(groups[:, 1], result.modules_at(2)) >= 0.95
    assert result.num_top_modules == 4 and result.num_leaf_modules >= 16


def test_planted_hierarchy_matches_official_and_official_scores_it(tmp_path):
    n = 3000
    edges, _ = hierarchical_planted_partition(n, (4, 6), 12, (0.05, 0.2), seed=2)
    ours = infomap_py.cluster(edge_network(edges, n), trials=3, seed=1)
    theirs = official_on_edges(edges, n, num_trials=3, seed=1)
    assert ours.codelength <= theirs.codelength * 1.001
    write_tree(ours, tmp_path / "ours.tree")
    scorer = official_on_edges(edges, n, no_infomap=True,
                               cluster_data=str(tmp_path / "ours.tree"))
    assert scorer.codelength == pytest.approx(ours.codelength, abs=1e-9)


@pytest.mark.slow
@pytest.mark.parametrize("mu", [0.1, 0.3, 0.5])
def test_lfr_multilevel_codelength_within_a_tenth_percent_of_official(mu):
    from test_quality import lfr

    edges, n, _ = lfr(5000, mu)
    ours = infomap_py.cluster(edge_network(edges, n), trials=3, seed=1)
    theirs = official_on_edges(edges, n, num_trials=3, seed=1)
    assert ours.codelength <= theirs.codelength * 1.001, (ours.codelength, theirs.codelength)


# --- the tree and its codelength ----------------------------------------------------------

def random_paths(rng, n, depth):
    """Random node paths: a random tree of up to ``depth`` module levels."""
    paths = []
    for i in range(n):
        levels = int(rng.integers(1, depth + 1))
        # The last number, the node's place, differs from every module number.
        paths.append(tuple(int(rng.integers(1, 3)) for _ in range(levels)) + (100 + i,))
    return paths


@pytest.mark.parametrize("case", FLOW_CASES, ids=lambda c: "-".join(f"{k}={v}" for k, v in c.items()))
@pytest.mark.parametrize("seed", range(3))
def test_tree_codelength_equals_reference(case, seed):
    n = 12
    options = dict(case)
    network = as_network(random_edges(seed + 200, n, m=30), n, options.pop("directed"))
    flow = infomap_py.compute_flow(network, **options)
    recorded = flow.teleport_total > 0
    paths = random_paths(np.random.default_rng(seed), n, depth=3)
    ours = infomap_py.codelength(network, paths, **options)
    theirs = reference.multilevel_codelength(
        flow.node_flow, paths, link_dict(flow),
        flow.teleport_source if recorded else None, flow.teleport_weight if recorded else None)
    assert float(ours) == pytest.approx(theirs, abs=1e-12)


def test_two_level_tree_scores_as_the_partition():
    G = nx.karate_club_graph()
    labels = infomap_py.cluster(G, two_level=True).labels
    as_paths = [(int(m) + 1, 1) for m in labels]
    assert float(infomap_py.codelength(G, as_paths)) == pytest.approx(
        float(infomap_py.codelength(G, labels)), abs=1e-12)


@pytest.fixture(scope="module")
def planted():
    edges, groups = hierarchical_planted_partition(1500, (3, 4), 12, (0.02, 0.15), seed=5)
    return edge_network(edges, 1500), groups


def test_result_tree_is_consistent(planted):
    network, _ = planted
    result = infomap_py.cluster(network, trials=2, seed=3)
    tree = result.tree
    assert result.codelength == pytest.approx(result.level_codelengths.sum(), abs=1e-12)
    assert result.index_codelength == pytest.approx(tree.codelength[0], abs=1e-12)
    assert float(infomap_py.codelength(network, result)) == pytest.approx(result.codelength,
                                                                        abs=1e-12)
    assert float(infomap_py.codelength(network, result.paths)) == pytest.approx(
        result.codelength, abs=1e-12)
    assert np.array_equal(result.modules_at(1), result.labels)
    finest = result.modules_at(result.num_levels - 1)
    assert np.unique(finest).size == result.num_leaf_modules
    assert len(set(result.paths)) == network.num_nodes
    assert result.module_flow.sum() == pytest.approx(1.0, abs=1e-9)
    assert np.all(np.diff(result.module_flow) <= 1e-15)  # top modules by decreasing flow
    # Every module's flow is the flow of the nodes below it.
    depth_one = result.modules_at(1)
    assert np.allclose(np.bincount(depth_one, weights=result.flow), result.module_flow)


def test_same_seed_same_tree_and_two_level_option(planted):
    network, _ = planted
    a = infomap_py.cluster(network, trials=2, seed=11)
    b = infomap_py.cluster(network, trials=2, seed=11)
    assert a.paths == b.paths and a.codelength == b.codelength
    flat = infomap_py.cluster(network, trials=2, seed=11, two_level=True)
    assert flat.num_levels == 2 and a.num_levels == 3
    assert a.codelength < flat.codelength


@pytest.mark.parametrize("fast", [1, 2])
def test_fast_hierarchical_variants(planted, fast):
    network, groups = planted
    full = infomap_py.cluster(network, trials=2, seed=4)
    quick = infomap_py.cluster(network, trials=2, seed=4, fast_hierarchical=fast)
    assert quick.num_levels >= 3
    assert float(infomap_py.codelength(network, quick.paths)) == pytest.approx(
        quick.codelength, abs=1e-12)
    assert quick.codelength <= full.codelength * 1.01
    assert nmi(groups[:, 1], quick.modules_at(quick.num_levels - 1)) >= 0.95


def test_deep_hierarchy_does_not_exhaust_the_stack():
    """Triangles nested seven times: a tree eight levels deep."""
    edges, n = nested_triangles(7)
    network = edge_network(edges, n)
    result = infomap_py.cluster(network, trials=1, seed=1)
    assert result.num_levels == 8
    assert float(infomap_py.codelength(network, result.paths)) == pytest.approx(
        result.codelength, abs=1e-10)


@pytest.mark.parametrize("depth", [3, 4, 5])
def test_nested_triangles_match_official(depth):
    """Codelength within 0.1 % of the official one and as many levels."""
    edges, n = nested_triangles(depth)
    ours = infomap_py.cluster(edge_network(edges, n), trials=5, seed=1)
    theirs = official_on_edges(edges, n, num_trials=5, seed=1)
    assert ours.num_levels == theirs.num_levels == depth + 1
    assert ours.codelength <= theirs.codelength * 1.001, (ours.codelength, theirs.codelength)


def test_progress_reports_the_hierarchy_phases(planted):
    network, _ = planted
    phases = []
    infomap_py.cluster(network, progress=lambda *args: phases.append(args[1]))
    assert phases[0] == "levels"
    assert phases[-2:] == ["super-modules", "sub-modules"]


# --- bad input ----------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, error, pattern", [
    (dict(fast_hierarchical=4), ValueError, "fast_hierarchical must be one of 0, 1, 2, 3"),
    (dict(fast_hierarchical=True), ValueError, "fast_hierarchical must be one of"),
    (dict(two_level="yes"), TypeError, "two_level must be True or False"),
])
def test_bad_hierarchy_options(kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        infomap_py.cluster(nx.karate_club_graph(), **kwargs)


@pytest.mark.parametrize("level", [0, -1, 1.5, "1"])
def test_modules_at_refuses_a_bad_level(level):
    result = infomap_py.cluster(nx.karate_club_graph())
    with pytest.raises(ValueError, match="level must be an integer >= 1"):
        result.modules_at(level)


@pytest.mark.parametrize("paths, pattern", [
    ([(1, 1)] * 33, "33 paths for 34 nodes"),
    ([(1, 1)] * 33 + [()], "path of node 33 is empty"),
    ([(1, 1)] * 33 + [(1, "x")], "path of node 33 is not a sequence of integers"),
])
def test_codelength_refuses_bad_paths(paths, pattern):
    with pytest.raises(ValueError, match=pattern):
        infomap_py.codelength(nx.karate_club_graph(), paths)


def test_threads_do_not_change_the_tree(planted):
    """Every module draws from its own random state: one thread or two, the same tree."""
    from concurrent.futures import ThreadPoolExecutor

    from infomap_py._core.rng import new_state
    from infomap_py.flow import flow_graph
    from infomap_py.multilevel import split_recursively
    from infomap_py.tree import two_level_tree
    from infomap_py.workers import Workers

    network, groups = planted
    flow = infomap_py.compute_flow(network)
    net = flow_graph(flow)
    # Start from the planted top groups.
    parent, leaf_module = two_level_tree(groups[:, 0])
    alone = split_recursively(net, parent, leaf_module, new_state(9))
    with ThreadPoolExecutor(max_workers=2) as pool:
        shared = split_recursively(net, parent, leaf_module, new_state(9), Workers(pool, 2))
    assert np.array_equal(alone[0], shared[0]) and np.array_equal(alone[1], shared[1])
    assert alone[0].shape[0] > parent.shape[0]  # the groups were split


@pytest.mark.parametrize("two_level", [True, False], ids=["two-level", "multilevel"])
def test_parallel_trials_give_the_serial_result(planted, two_level):
    network, _ = planted
    serial = infomap_py.cluster(network, trials=4, seed=21, n_jobs=1, two_level=two_level)
    parallel = infomap_py.cluster(network, trials=4, seed=21, n_jobs=2, two_level=two_level)
    assert parallel.paths == serial.paths
    np.testing.assert_array_equal(parallel.trial_codelengths, serial.trial_codelengths)
    assert parallel.codelength == serial.codelength


def test_coarse_tuning_on_threads_gives_the_serial_result():
    """One trial with two threads splits coarse-tuning's modules on Numba's
    threads; calls from several caller threads at once share them safely."""
    import threading

    from benchmarks.generators import planted_partition

    edges, _ = planted_partition(3000, 30, 12, 0.35, seed=4)
    serial = infomap_py.cluster(edges, two_level=True, seed=5, n_jobs=1)
    assert infomap_py.cluster(edges, two_level=True, seed=5, n_jobs=2).labels.tolist() == \
        serial.labels.tolist()
    found = {}

    def run(i):
        found[i] = infomap_py.cluster(edges, two_level=True, seed=5, n_jobs=2).labels.tolist()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [found[i] for i in range(3)] == [serial.labels.tolist()] * 3


@pytest.mark.parametrize("n_jobs, error", [(0, ValueError), (1.5, TypeError), ("2", TypeError)])
def test_bad_n_jobs(n_jobs, error):
    with pytest.raises(error, match="n_jobs must be"):
        infomap_py.cluster(nx.karate_club_graph(), n_jobs=n_jobs)
