"""The Numba kernels against the naive references in ``tests/reference.py``."""

from __future__ import annotations

import numpy as np
import pytest

import infomap_py
from infomap_py._core import coarsen, mapeq
from infomap_py._core.search import score
from infomap_py.flow import flow_graph
from infomap_py.network import Network

import reference

TOL = 1e-12


def random_edges(seed, n=12, m=30, weighted=True, self_loops=False):
    rng = np.random.default_rng(seed)
    src = rng.integers(0, n, m)
    dst = rng.integers(0, n, m)
    if not self_loops:
        keep = src != dst
        src, dst = src[keep], dst[keep]
    w = rng.uniform(0.1, 3.0, src.size) if weighted else np.ones(src.size)
    return [(int(u), int(v), float(x)) for u, v, x in zip(src, dst, w)]


def as_network(edges, n, directed):
    arr = np.array(edges, dtype=float).reshape(-1, 3)
    return Network(arr[:, 0].astype(np.int64), arr[:, 1].astype(np.int64), arr[:, 2], n,
                   directed, range(n))


def link_dict(flow):
    links = {}
    for u, v, f in zip(*(a.tolist() for a in flow.directed_links())):
        links[(u, v)] = links.get((u, v), 0.0) + f
    return links


def assert_links_close(ours, theirs, tol):
    for key in set(ours) | set(theirs):
        assert ours.get(key, 0.0) == pytest.approx(theirs.get(key, 0.0), abs=tol), key


@pytest.mark.parametrize("seed", range(6))
def test_undirected_flow_matches_reference(seed):
    n = 12
    edges = random_edges(seed, n, self_loops=True)
    flow = infomap_py.compute_flow(as_network(edges, n, False))
    node, links = reference.undirected_flow(edges, n)
    np.testing.assert_allclose(flow.node_flow, node, atol=TOL, rtol=0)
    assert_links_close(link_dict(flow), links, TOL)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("to_nodes", [False, True])
def test_pagerank_flow_matches_reference(seed, to_nodes):
    n = 12
    edges = random_edges(seed, n, m=20)  # sparse enough to leave dangling nodes
    flow = infomap_py.compute_flow(as_network(edges, n, True), to_nodes=to_nodes)
    node, links = reference.pagerank_flow(edges, n, to_nodes=to_nodes)
    np.testing.assert_allclose(flow.node_flow, node, atol=1e-12, rtol=0)
    assert_links_close(link_dict(flow), links, 1e-12)


def kernel_score(flow, labels):
    graph, node_data, enter, exit_ = flow_graph(flow)
    constants = np.array([mapeq.entropy_terms(node_data[0]), 0.0])
    labels = np.asarray(labels, dtype=np.int64)
    return score(graph, node_data, enter, exit_, constants, labels, int(labels.max()) + 1)


FLOW_CASES = [
    dict(directed=False),
    dict(directed=True),
    dict(directed=True, to_nodes=True),
    dict(directed=True, recorded_teleportation=True),
    dict(directed=True, recorded_teleportation=True, to_nodes=True),
    dict(directed=True, flow_model="undirdir"),
    dict(directed=True, flow_model="outdirdir"),
    dict(directed=True, flow_model="rawdir"),
    dict(directed=False, markov_time=0.5),
    dict(directed=True, markov_time=2.0),
]


def reference_score(flow, labels):
    recorded = flow.teleport_total > 0
    return reference.map_equation(
        flow.node_flow, labels, link_dict(flow),
        flow.teleport_source if recorded else None,
        flow.teleport_weight if recorded else None,
    )


@pytest.mark.parametrize("case", FLOW_CASES, ids=lambda c: "-".join(f"{k}={v}" for k, v in c.items()))
@pytest.mark.parametrize("seed", range(4))
def test_codelength_matches_reference(case, seed):
    n = 12
    edges = random_edges(seed, n)
    options = dict(case)
    network = as_network(edges, n, options.pop("directed"))
    flow = infomap_py.compute_flow(network, **options)
    rng = np.random.default_rng(seed)
    for k in (1, 2, 3, n):
        labels = np.unique(rng.integers(0, k, n), return_inverse=True)[1] if k < n else np.arange(n)
        ours = kernel_score(flow, labels)
        theirs = reference_score(flow, labels)
        assert ours[0] == pytest.approx(theirs[0], abs=TOL)
        assert ours[1] == pytest.approx(theirs[1], abs=TOL)
        public = infomap_py.codelength(network, labels, **options)
        assert float(public) == pytest.approx(sum(theirs), abs=TOL)
        assert public.one_level_codelength == pytest.approx(
            reference.one_level_codelength(flow.node_flow), abs=TOL)


@pytest.mark.parametrize("case", FLOW_CASES[:5], ids=lambda c: "-".join(f"{k}={v}" for k, v in c.items()))
@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("exit_network", [0.0, 0.3])
def test_move_delta_equals_recomputed_difference(case, seed, exit_network):
    """``mapeq.move_delta`` equals L(after) - L(before) for every single-node
    move, in a whole network and in a sub-network that flow leaves at rate
    ``exit_network`` (its exit codeword shares the index codebook)."""
    n = 10
    edges = random_edges(seed + 100, n, m=25)
    options = dict(case)
    network = as_network(edges, n, options.pop("directed"))
    flow = infomap_py.compute_flow(network, **options)
    links = link_dict(flow)
    tele = flow.teleport_source
    tw = flow.teleport_weight
    recorded = flow.teleport_total > 0
    labels = np.random.default_rng(seed).integers(0, 3, n)
    labels[:3] = [0, 1, 2]

    def module_data(lab):
        enter, exit_ = reference.module_enter_exit(
            lab, links, tele if recorded else None, tw if recorded else None)
        mflow = np.bincount(lab, weights=flow.node_flow, minlength=4)
        return np.array(enter + [0.0] * (4 - len(enter))), np.array(exit_ + [0.0] * (4 - len(exit_))), mflow

    def total(lab):
        _, module = reference.map_equation(flow.node_flow, lab, links,
                                           tele if recorded else None, tw if recorded else None)
        enter, _ = reference.module_enter_exit(lab, links, tele if recorded else None,
                                               tw if recorded else None)
        index = (reference.plogp(sum(enter) + exit_network)
                 - sum(reference.plogp(q) for q in enter) - reference.plogp(exit_network))
        return index + module

    alone_enter, alone_exit = reference.module_enter_exit(
        list(range(n)), links, tele if recorded else None, tw if recorded else None)
    for i in range(n):
        old = labels[i]
        if (labels == old).sum() == 1:
            continue
        enter, exit_, mflow = module_data(labels)
        mtele = np.bincount(labels, weights=tele, minlength=4)
        mtw = np.bincount(labels, weights=tw, minlength=4)
        terms = mapeq.init_terms(mflow, enter, exit_, 4)
        for new in range(4):
            if new == old:
                continue
            link_to = [sum(f for (u, v), f in links.items()
                           if (u == i and labels[v] == m and v != i)
                           or (v == i and labels[u] == m and u != i)) for m in (old, new)]
            delta_old = link_to[0] + tele[i] * (mtw[old] - tw[i]) + (mtele[old] - tele[i]) * tw[i]
            delta_new = link_to[1] + tele[i] * mtw[new] + mtele[new] * tw[i]
            delta = mapeq.move_delta(terms, exit_network, flow.node_flow[i], alone_enter[i],
                                     alone_exit[i],
                                     mflow[old], enter[old], exit_[old],
                                     mflow[new], enter[new], exit_[new], delta_old, delta_new)
            moved = labels.copy()
            moved[i] = new
            expected = total(np.unique(moved, return_inverse=True)[1]) - total(
                np.unique(labels, return_inverse=True)[1])
            assert delta == pytest.approx(expected, abs=1e-12), (i, old, new)


@pytest.mark.parametrize("directed", [False, True])
@pytest.mark.parametrize("seed", range(4))
def test_aggregation_keeps_the_codelength(directed, seed):
    """Scoring a partition of the modules' super-nodes gives the leaves' codelength."""
    n = 14
    network = as_network(random_edges(seed, n, m=40), n, directed)
    flow = infomap_py.compute_flow(network, recorded_teleportation=directed and seed % 2 == 1)
    graph, node_data, enter, exit_ = flow_graph(flow)
    constants = np.array([mapeq.entropy_terms(node_data[0]), 0.0])
    rng = np.random.default_rng(seed)
    fine = np.unique(rng.integers(0, 6, n), return_inverse=True)[1].astype(np.int64)
    k = int(fine.max()) + 1
    coarse_of_fine = rng.integers(0, 2, k).astype(np.int64)
    coarse_of_fine = np.unique(coarse_of_fine, return_inverse=True)[1].astype(np.int64)
    leaves = coarse_of_fine[fine]
    expected = score(graph, node_data, enter, exit_, constants, leaves, int(leaves.max()) + 1)

    super_graph = coarsen.aggregate(graph, fine, k)
    super_data = coarsen.aggregate_node_data(node_data, fine, k)
    s_enter, s_exit = coarsen.node_enter_exit(super_graph, super_data, flow.teleport_total)
    got = score(super_graph, super_data, s_enter, s_exit, constants, coarse_of_fine,
                int(coarse_of_fine.max()) + 1)
    assert got[0] == pytest.approx(expected[0], abs=TOL)
    assert got[1] == pytest.approx(expected[1], abs=TOL)


@pytest.mark.parametrize("seed", range(4))
def test_codelength_ignores_module_names(seed):
    n = 15
    network = as_network(random_edges(seed, n, m=40), n, seed % 2 == 1)
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 4, n)
    renamed = (rng.permutation(10)[labels]) * 7 + 3
    a = infomap_py.codelength(network, labels)
    b = infomap_py.codelength(network, renamed)
    c = infomap_py.codelength(network, {node: int(m) for node, m in enumerate(labels)})
    sets = [set(np.flatnonzero(labels == m).tolist()) for m in np.unique(labels)]
    d = infomap_py.codelength(network, sets)
    assert float(a) == pytest.approx(float(b), abs=TOL)
    assert float(a) == pytest.approx(float(c), abs=TOL)
    assert float(a) == pytest.approx(float(d), abs=TOL)


def test_plogp_edge_cases():
    assert mapeq.plogp(0.0) == 0.0
    assert mapeq.plogp(-1e-18) == 0.0
    assert mapeq.plogp(1.0) == 0.0
    assert mapeq.plogp(0.5) == pytest.approx(-0.5)
