"""Random moves (official ``--num-random-moves`` / ``--max-degree-for-random-moves``).

In every sweep a node with at most ``max_degree_for_random_moves`` links
also tries the modules of ``num_random_moves`` random nodes.  They are on
by default only where the objective gives a module or a node bits of its
own (the biased map equation, metadata, recorded teleportation,
``regularized``): a plain map-equation run keeps its results for a seed,
bit for bit.  Where they are on, searches reach the official's codelength
(the official Infomap 2.16 is a test-only oracle).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import infomap_py
from infomap_py.cli import main
from infomap_py.network import Network

from benchmarks.objectives import load
from conftest import read_shared_network


def run_official(case, trials, **options):
    """The official's ``(codelength, top modules)``, two-level, seed 123."""
    from benchmarks.objectives import official

    return official(case, options, True, trials, 123)[:2]


def fingerprint(result):
    return (np.asarray(result.labels).tobytes(), float(result.codelength),
            [tuple(p) for p in result.paths] if hasattr(result, "paths") else None,
            repr(result.tree))


@pytest.mark.parametrize("two_level", [True, False], ids=["two-level", "multilevel"])
@pytest.mark.parametrize("name", ["karate", "lesmis"])
def test_plain_runs_try_no_random_moves(name, two_level):
    """Plain map equation: the default is bit for bit a run with
    num_random_moves=0 (as before random moves were built)."""
    edges, n, _ = read_shared_network(name)
    for seed, trials in ((1, 1), (5, 3)):
        default = infomap_py.cluster(edges, seed=seed, trials=trials, two_level=two_level)
        off = infomap_py.cluster(edges, seed=seed, trials=trials, two_level=two_level,
                                 num_random_moves=0)
        assert fingerprint(default) == fingerprint(off)
        assert "num_random_moves" not in default.params


def test_random_moves_default_on_for_the_biased_map_equation():
    network = load("modular_w").network()
    on = infomap_py.cluster(network, seed=3, two_level=True, preferred_number_of_modules=6)
    assert on.params["num_random_moves"] == 5
    assert on.params["max_degree_for_random_moves"] == 2
    same = infomap_py.cluster(network, seed=3, two_level=True, preferred_number_of_modules=6,
                              num_random_moves=5)
    assert fingerprint(on) == fingerprint(same)


def test_preferred_number_of_modules_above_the_natural_as_the_official():
    """modular_w, natural number of modules + 2, 20 trials: random moves
    shorten the search's codelength (without them it stopped 2.8 % above
    the official), and with the search from the natural modules it reaches
    the official's best (3.13525 bits; it stopped 0.7 % above before)."""
    case = load("modular_w")
    natural = run_official(case, 20)[1]
    options = {"preferred_number_of_modules": natural + 2}
    theirs = run_official(case, 20, **options)[0]
    off = infomap_py.cluster(case.network(), trials=20, seed=123, two_level=True,
                             num_random_moves=0, **options)
    ours = infomap_py.cluster(case.network(), trials=20, seed=123, two_level=True, **options)
    assert ours.num_modules == natural + 2
    assert ours.codelength < off.codelength - 1e-6
    assert ours.codelength <= theirs + 1e-6


def test_a_preferred_number_of_modules_also_searches_from_the_natural_modules(monkeypatch):
    """netscience with its natural number of modules + 2, one trial: the
    search from single nodes merges down to the preferred count and stops
    far from the natural modules (as the official's does); the search from
    the natural modules, kept where it codes shorter, is 15 % shorter."""
    import infomap_py.optimize as optimize

    case = load("netscience")
    natural = run_official(case, 1)[1]
    options = {"preferred_number_of_modules": natural + 2}
    theirs = run_official(case, 1, **options)[0]
    phases = []
    ours = infomap_py.cluster(case.network(), trials=1, seed=123, two_level=True,
                              progress=lambda trial, phase, k, length: phases.append(phase),
                              **options)
    assert phases.count("natural start") == 1
    n = case.num_nodes
    monkeypatch.setattr(optimize, "_from_natural_modules",  # a start never kept
                        lambda *args: (np.zeros(n, dtype=np.int64), 1, np.inf))
    single = infomap_py.cluster(case.network(), trials=1, seed=123, two_level=True, **options)
    assert ours.num_modules == single.num_modules == natural + 2
    assert ours.codelength < 0.85 * single.codelength
    assert ours.codelength < 0.85 * theirs


def test_netscience_preferred_three_modules_as_short_as_the_official():
    """netscience (396 components), 3 preferred modules, one trial: without
    random moves the two-level search stopped 5 % above the official."""
    case = load("netscience")
    theirs = run_official(case, 1, preferred_number_of_modules=3)[0]
    ours = infomap_py.cluster(case.network(), trials=1, seed=123, two_level=True,
                              preferred_number_of_modules=3)
    assert ours.num_modules == 3
    assert ours.codelength <= theirs + 1e-6


def test_explicit_random_moves_apply_to_a_plain_run_and_keep_it_a_local_optimum():
    """A random move never shortens a plain codelength: turned on by hand
    it changes the random stream, not the quality of the search."""
    edges, _, _ = read_shared_network("karate")
    off = infomap_py.cluster(edges, seed=2, trials=5, two_level=True)
    on = infomap_py.cluster(edges, seed=2, trials=5, two_level=True, num_random_moves=5,
                            max_degree_for_random_moves=3)
    assert on.params["num_random_moves"] == 5
    assert abs(on.codelength - off.codelength) < 1e-9


@pytest.mark.parametrize("keyword, value, error", [
    ("num_random_moves", -1, ValueError), ("num_random_moves", 1.5, TypeError),
    ("max_degree_for_random_moves", -1, ValueError)])
def test_bad_arguments_are_refused_by_name(keyword, value, error):
    with pytest.raises(error, match=keyword):
        infomap_py.cluster(np.array([[0, 1], [1, 2], [2, 0]]), **{keyword: value})


def test_cli_options(tmp_path, capsys):
    path = tmp_path / "net.txt"
    path.write_text("1 2\n2 3\n3 1\n3 4\n4 5\n5 6\n6 4\n")
    assert main([str(path), str(tmp_path), "--silent", "--two-level",
                 "--preferred-number-of-modules", "3", "--num-random-moves", "7",
                 "--max-degree-for-random-moves", "1"]) == 0
    assert main([str(path), str(tmp_path), "--silent", "--num-random-moves", "-1"]) != 0


def test_directed_degree_counts_each_direction_as_the_official():
    """modular_wd (directed), natural number of modules + 2, 20 trials: with
    a node's in- and out-links counted apart, as the official counts them
    for --max-degree-for-random-moves, ours is as short as the official's
    (counted once per neighbour, more nodes tried random moves and every
    trial ended 1.8 % above it)."""
    from infomap_py._core.coarsen import FlowGraph
    from infomap_py._core.moves import _degree

    # Node 0 links both ways to node 1 and one way to node 2: degree 3.
    graph = FlowGraph(np.array([0, 2, 3, 4]), np.array([1, 2, 0, 0], dtype=np.int32),
                      np.array([0.2, 0.1, 0.3, 0.0]), np.array([0.3, 0.0, 0.2, 0.1]))
    assert _degree(graph, 0, False) == 3
    assert _degree(graph, 0, True) == 2  # undirected flow: a link per neighbour
    case = load("modular_wd")
    natural = run_official(case, 20)[1]
    options = {"preferred_number_of_modules": natural + 2}
    theirs = run_official(case, 20, **options)[0]
    ours = infomap_py.cluster(case.network(), trials=20, seed=123, two_level=True, **options)
    assert ours.num_modules == natural + 2
    assert ours.codelength <= theirs + 1e-6


def test_an_initial_partition_is_searched_from_alone_under_a_preference():
    """A given initial partition is where the search starts: no second
    search from the natural modules (no "natural start" phase)."""
    case = load("modular_w")
    phases = []
    infomap_py.cluster(case.network(), trials=1, seed=1, two_level=True,
                       preferred_number_of_modules=6,
                       initial_partition=np.arange(case.num_nodes) % 3,
                       progress=lambda trial, phase, k, length: phases.append(phase))
    assert phases and "natural start" not in phases
    phases.clear()
    infomap_py.cluster(case.network(), trials=1, seed=1, two_level=True,
                       preferred_number_of_modules=6,
                       progress=lambda trial, phase, k, length: phases.append(phase))
    assert "natural start" in phases
