"""The merge phase of a two-level trial: groups of modules that a search on
the network of modules proposes are merged where that shortens the
codelength, which no single-node move reaches.

On the official nine-triangles example, three triangles joined in a ring
code shorter as one module (3.496484 bits, 7 modules) than as three
(3.517755 bits, 9 modules), while merging two of them costs bits
(3.5454): every move of a node or of a triangle lengthens the code, and
both packages stopped at the nine triangles before this phase.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np
import pytest

import infomap_py
from benchmarks.generators import hierarchical_planted_partition, nested_triangles, \
    planted_partition
from infomap_py._core import mapeq
from infomap_py.multilevel import merge_modules
from infomap_py._core.rng import new_state
from infomap_py._core.search import total_codelength
from infomap_py.flow import flow_graph
from infomap_py.optimize import run_trial


def ninetriangles():
    import infomap

    return infomap_py.read_network(Path(infomap.__file__).parent / "datasets" / "data"
                                   / "ninetriangles.net")


def kernel_input(G, **flow_options):
    net = flow_graph(infomap_py.compute_flow(G, **flow_options))
    return net, mapeq.new_constants(mapeq.entropy_terms(net.node_data.flow), 0.0, np.zeros(3))


def recomputed(kernel, labels):
    """The two-level codelength of ``labels``, computed from scratch."""
    labels = np.unique(labels, return_inverse=True)[1].astype(np.int64)
    return total_codelength(*kernel, labels, int(labels.max()) + 1)


def test_ninetriangles_two_level_merges_three_triangles():
    """One trial (the default) finds the 7 modules; before the merge phase
    every seed stopped at the 9 triangles (3.517755 bits)."""
    G = ninetriangles()
    result = infomap_py.cluster(G, two_level=True)
    assert result.codelength <= 3.4965
    assert result.codelength == pytest.approx(3.496483926, abs=1e-8)
    assert result.num_modules == 7
    assert result.codelength == pytest.approx(float(infomap_py.codelength(G, result.labels)),
                                              abs=1e-12)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_ninetriangles_trial_is_shorter_with_the_merge_phase(seed):
    kernel = kernel_input(ninetriangles())
    _, without, _ = run_trial(kernel, new_state(seed), two_level=True, merge=False)
    _, with_merge, length = run_trial(kernel, new_state(seed), two_level=True)
    assert recomputed(kernel, without) == pytest.approx(3.517754809, abs=1e-8)
    assert length == pytest.approx(3.496483926, abs=1e-8)
    assert length == pytest.approx(recomputed(kernel, with_merge), abs=1e-12)


def _graphs():
    edges, _ = planted_partition(600, 12, 10, 0.45, seed=3)
    yield "planted", edges, {}
    edges, _ = hierarchical_planted_partition(400, (4, 4), 10, (0.05, 0.3), seed=2)
    yield "hierarchical", edges, {}
    edges, _ = nested_triangles(3)
    yield "nested triangles", edges, {}
    yield "ring of cliques", nx.ring_of_cliques(12, 4), {"markov_time": 2.0}
    yield "karate", nx.karate_club_graph(), {}
    yield "directed", ninetriangles(), {"directed": True}
    edges, _ = planted_partition(300, 8, 6, 0.4, seed=5)
    yield "recorded teleportation", edges, {"directed": True, "recorded_teleportation": True}


GRAPHS = list(_graphs())


@pytest.mark.parametrize("name, G, flow_options", GRAPHS, ids=[g[0] for g in GRAPHS])
def test_merge_phase_never_lengthens_a_trial(name, G, flow_options):
    """The same trial (same random state) with and without the phase: the
    phase starts from the partition found without it, so it can only
    shorten it; and the codelength it reports is that of its partition."""
    kernel = kernel_input(G, **flow_options)
    for seed in range(1, 4):
        _, without, without_length = run_trial(kernel, new_state(seed), two_level=True,
                                               merge=False)
        _, labels, length = run_trial(kernel, new_state(seed), two_level=True)
        assert length <= without_length + 1e-12, (seed, length, without_length)
        assert length == pytest.approx(recomputed(kernel, labels), abs=1e-10)
        assert without_length == pytest.approx(recomputed(kernel, without), abs=1e-10)


@pytest.mark.parametrize("name, G, flow_options", GRAPHS, ids=[g[0] for g in GRAPHS])
def test_merges_shorten_a_broken_up_partition(name, G, flow_options):
    """From the modules of a trial cut at random into pieces, where many
    groups merge: every merge the kernel keeps shortens the codelength as
    recomputed from scratch, and pieces are only ever joined whole."""
    kernel = kernel_input(G, **flow_options)
    _, found, _ = run_trial(kernel, new_state(1), two_level=True)
    n = found.shape[0]
    rng = np.random.default_rng(7)
    merged_any = False
    for seed in range(5):
        pieces = found * 3 + rng.integers(0, 3, n)
        labels = np.unique(pieces, return_inverse=True)[1].astype(np.int64)
        k = int(labels.max()) + 1
        merged, merged_k = merge_modules(*kernel, labels, k, new_state(seed))
        if merged_k < k:
            merged_any = True
            assert recomputed(kernel, merged) < recomputed(kernel, labels) - 1e-10
        else:
            assert np.array_equal(merged, labels)
        assert merged_k == np.unique(merged).size
        # Each piece lies in one module of the result.
        assert np.unique(np.stack([labels, merged]), axis=1).shape[1] == k
    assert merged_any


def test_multilevel_ninetriangles_is_unchanged():
    """The multilevel search finds the official 3.371875026-bit tree of
    five top modules, the three triangles as a super-module."""
    result = infomap_py.cluster(ninetriangles(), trials=10)
    assert result.codelength == pytest.approx(3.371875026, abs=1e-6)
    assert result.num_top_modules == 5


def test_multilevel_trials_do_not_merge():
    """The multilevel search keeps groups of modules as super-modules: a
    tree searched from merged modules was longer on this graph (seeds 2
    and 5), so a multilevel trial is the same with and without the phase."""
    edges, _ = hierarchical_planted_partition(400, (4, 4), 10, (0.05, 0.3), seed=2)
    kernel = kernel_input(edges)
    for seed in range(1, 6):
        parent, leaf_module, length = run_trial(kernel, new_state(seed), merge=False)
        merged = run_trial(kernel, new_state(seed))
        assert np.array_equal(merged[0], parent) and np.array_equal(merged[1], leaf_module)
        assert merged[2] == length


def test_progress_reports_the_merge_phase():
    phases = []
    infomap_py.cluster(ninetriangles(), two_level=True,
                       progress=lambda *args: phases.append(args[1:]))
    names = [phase for phase, _, _ in phases]
    assert names[0] == "levels" and names[-1] == "merge"
    assert phases[-1][1] == 7
    assert phases[-1][2] < phases[-2][2]
