"""The Numba kernels against the naive references in ``tests/reference.py``."""

from __future__ import annotations

import numpy as np
import pytest

import infomap_py
from infomap_py._core import coarsen, mapeq, moves
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
    net = flow_graph(flow)
    constants = mapeq.new_constants(mapeq.entropy_terms(net.node_data.flow), 0.0, np.zeros(3))
    labels = np.asarray(labels, dtype=np.int64)
    return score(net, constants, labels, int(labels.max()) + 1)


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
    dict(directed=True, teleportation=0.05),
    dict(directed=True, teleportation=0.3, to_nodes=True),
    dict(directed=True, recorded_teleportation=True, teleportation=0.05),
    dict(directed=True, recorded_teleportation=True, teleportation=0.3, to_nodes=True),
    dict(directed=True, recorded_teleportation=True, markov_time=2.0),
    dict(directed=False, flow_model="undirdir"),
    dict(directed=False, flow_model="directed", recorded_teleportation=True),
]


def case_id(case):
    return "-".join(f"{k}={v}" for k, v in case.items())


def reference_flow(edges, n, case):
    """``reference.flow`` of ``edges`` under the options of a flow case."""
    return reference.flow(edges, n, **case)


@pytest.mark.parametrize("case", FLOW_CASES, ids=case_id)
@pytest.mark.parametrize("seed", range(3))
def test_flow_matches_reference(case, seed):
    """Node, link and teleportation flows of every model equal the
    independent reference, at several teleportation rates."""
    n = 12
    edges = random_edges(seed + 50, n, m=22, self_loops=True)  # leaves dangling nodes
    options = dict(case)
    flow = infomap_py.compute_flow(as_network(edges, n, options.pop("directed")), **options)
    node, links, tele_source, tele_weight = reference_flow(edges, n, case)
    np.testing.assert_allclose(flow.node_flow, node, atol=1e-12, rtol=0)
    assert_links_close(link_dict(flow), links, 1e-12)
    if tele_source is None:
        assert flow.teleport_total == 0.0
    else:
        np.testing.assert_allclose(flow.teleport_source, tele_source, atol=1e-12, rtol=0)
        np.testing.assert_allclose(flow.teleport_weight, tele_weight, atol=1e-12, rtol=0)


@pytest.mark.parametrize("case", FLOW_CASES, ids=case_id)
@pytest.mark.parametrize("seed", range(4))
def test_codelength_matches_reference(case, seed):
    n = 12
    edges = random_edges(seed, n)
    options = dict(case)
    network = as_network(edges, n, options.pop("directed"))
    flow = infomap_py.compute_flow(network, **options)
    node, links, tele_source, tele_weight = reference_flow(edges, n, case)
    rng = np.random.default_rng(seed)
    for k in (1, 2, 3, n):
        labels = np.unique(rng.integers(0, k, n), return_inverse=True)[1] if k < n else np.arange(n)
        ours = kernel_score(flow, labels)
        theirs = reference.map_equation(node, labels, links, tele_source, tele_weight)
        assert ours[0] == pytest.approx(theirs[0], abs=TOL)
        assert ours[1] == pytest.approx(theirs[1], abs=TOL)
        public = infomap_py.codelength(network, labels, **options)
        assert float(public) == pytest.approx(sum(theirs), abs=TOL)
        assert public.one_level_codelength == pytest.approx(
            reference.one_level_codelength(node), abs=TOL)


MOVE_CASES = [
    dict(directed=False),
    dict(directed=True),
    dict(directed=True, to_nodes=True),
    dict(directed=True, recorded_teleportation=True),
    dict(directed=True, recorded_teleportation=True, to_nodes=True),
    dict(directed=True, recorded_teleportation=True, teleportation=0.3),
    dict(directed=True, teleportation=0.05),
    dict(directed=True, flow_model="undirdir"),
]


class ReferenceMoves:
    """Codelength changes of single-node moves, recomputed by the reference
    on the reference's flow of a random network: ``L(after) - L(before)``
    in a network that flow leaves at rate ``exit_network``."""

    def __init__(self, case, seed, exit_network, n=10):
        self.n = n
        self.edges = random_edges(seed + 100, n, m=25)
        self.case = dict(case)
        node, links, tele, tw = reference_flow(self.edges, n, case)
        self.recorded = tele is not None
        self.node_flow, self.links = node, links
        self.tele = tele if self.recorded else np.zeros(n)
        self.tw = tw if self.recorded else np.zeros(n)
        self.exit_network = exit_network

    def total(self, labels):
        recorded = self.recorded
        return reference.two_level_codelength(
            self.node_flow, labels, self.links, self.tele if recorded else None,
            self.tw if recorded else None, self.exit_network)

    def delta(self, labels, i, new):
        moved = np.array(labels).copy()
        moved[i] = new
        return self.total(moved) - self.total(labels)

    def link_flow_between(self, labels, i, m):
        """Flow on links (both directions) between node ``i`` and the other nodes of ``m``."""
        return sum(f for (u, v), f in self.links.items()
                   if (u == i and labels[v] == m and v != i)
                   or (v == i and labels[u] == m and u != i))

    def kernel_input(self):
        """The package's flow of the same network, as the kernels take it."""
        options = dict(self.case)
        network = as_network(self.edges, self.n, options.pop("directed"))
        flow = infomap_py.compute_flow(network, **options)
        net = flow_graph(flow)
        constants = mapeq.new_constants(mapeq.entropy_terms(net.node_data.flow),
                                        self.exit_network, np.zeros(3))
        return net, constants


def start_labels(seed, n):
    labels = np.random.default_rng(seed).integers(0, 3, n)
    labels[:3] = [0, 1, 2]
    return labels


@pytest.mark.parametrize("case", MOVE_CASES, ids=case_id)
@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("exit_network", [0.0, 0.3])
def test_move_delta_equals_recomputed_difference(case, seed, exit_network):
    """``mapeq.move_delta`` equals L(after) - L(before) for every single-node
    move, in a whole network and in a sub-network that flow leaves at rate
    ``exit_network`` (its exit codeword shares the index codebook)."""
    ref = ReferenceMoves(case, seed, exit_network)
    n, links, tele, tw = ref.n, ref.links, ref.tele, ref.tw
    recorded = ref.recorded
    labels = start_labels(seed, n)

    def module_data(lab):
        enter, exit_ = reference.module_enter_exit(
            lab, links, tele if recorded else None, tw if recorded else None)
        mflow = np.bincount(lab, weights=ref.node_flow, minlength=4)
        return (np.array(enter + [0.0] * (4 - len(enter))),
                np.array(exit_ + [0.0] * (4 - len(exit_))), mflow)

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
            link_to = [ref.link_flow_between(labels, i, m) for m in (old, new)]
            delta_old = link_to[0] + tele[i] * (mtw[old] - tw[i]) + (mtele[old] - tele[i]) * tw[i]
            delta_new = link_to[1] + tele[i] * mtw[new] + mtele[new] * tw[i]
            delta = mapeq.move_delta(terms, exit_network, ref.node_flow[i], alone_enter[i],
                                     alone_exit[i],
                                     mflow[old], enter[old], exit_[old],
                                     mflow[new], enter[new], exit_[new], delta_old, delta_new)
            assert delta == pytest.approx(ref.delta(labels, i, new), abs=1e-12), (i, old, new)


@pytest.mark.parametrize("case", MOVE_CASES, ids=case_id)
@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("exit_network", [0.0, 0.3])
def test_optimizer_move_terms_equal_recomputed_difference(case, seed, exit_network):
    """The terms a sweep adds up for a move (the teleportation flow between
    a node and its old and new module from the module state,
    ``leave_delta`` and ``join_delta`` with the level's ``enter_is_exit``)
    give L(after) - L(before) of the reference, for every node and module
    (an empty one included), with directed flow and recorded teleportation."""
    ref = ReferenceMoves(case, seed, exit_network)
    net, constants = ref.kernel_input()
    graph, node_data, node_enter, node_exit = net[:4]
    teleports, enter_is_exit = moves._flow_kind(net)
    assert teleports == ref.recorded
    labels = start_labels(seed, ref.n)
    state = moves.new_partition(net, labels)
    modules, terms = state.modules, state.terms
    F, E, X = moves.FLOW, moves.ENTER, moves.EXIT
    sum_enter = terms[mapeq.SUM_ENTER] + exit_network
    for i in range(ref.n):
        old = labels[i]
        delta_old = ref.link_flow_between(labels, i, old) + moves._teleport_delta_old(
            state, node_data, i)
        leave = mapeq.leave_delta(node_data[0][i], node_enter[i], node_exit[i],
                                  modules[old, F], modules[old, E], modules[old, X],
                                  modules[old, moves.PLOGP_ENTER], modules[old, moves.PLOGP_EXIT],
                                  modules[old, moves.PLOGP_EXIT_FLOW], delta_old)
        for new in range(4):  # module 3 is empty
            if new == old:
                continue
            delta_new = ref.link_flow_between(labels, i, new) + moves._teleport_delta_new(
                state, node_data, i, new)
            join = mapeq.join_delta(
                sum_enter + delta_old, mapeq.plogp(sum_enter), node_data[0][i], node_enter[i],
                node_exit[i], modules[new, F], modules[new, E], modules[new, X],
                modules[new, moves.PLOGP_ENTER], modules[new, moves.PLOGP_EXIT],
                modules[new, moves.PLOGP_EXIT_FLOW], delta_new, enter_is_exit)
            expected = ref.delta(labels, i, new)
            assert leave + join == pytest.approx(expected, abs=1e-12), (i, old, new)


@pytest.mark.parametrize("case", MOVE_CASES, ids=case_id)
@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("exit_network", [0.0, 0.3])
def test_sweep_moves_a_node_to_its_best_module(case, seed, exit_network):
    """One sweep over a single node moves it to the neighbouring (or an
    empty) module that the reference says shortens the codelength most, or
    leaves it where no move shortens it; the optimizer's running codelength
    then equals the reference's recomputation of the labels it holds."""
    ref = ReferenceMoves(case, seed, exit_network)
    net, constants = ref.kernel_input()
    teleports, enter_is_exit = moves._flow_kind(net)
    n = ref.n
    labels = start_labels(seed, n)
    indptr = net.graph.indptr
    max_degree = int(np.diff(indptr).max())
    fresh = 4 * n  # stands for the empty module in the reference's deltas
    for i in range(n):
        old = labels[i]
        candidates = {int(labels[v]) for (u, v) in ref.links if u == i} | {
            int(labels[u]) for (u, v) in ref.links if v == i}
        candidates.discard(old)
        if (labels == old).sum() > 1:
            candidates.add(fresh)
        deltas = {m: ref.delta(labels, i, m) for m in candidates}
        state = moves.new_partition(net, labels)
        dirty = np.zeros(n, dtype=np.bool_)
        dirty[i] = True
        scratch = moves.Scratch(dirty, np.arange(n), np.full(n, -1, dtype=np.int64),
                                np.empty(max_degree + 1, dtype=np.int64),
                                np.empty(max_degree + 1), np.empty(max_degree + 1),
                                np.empty(max_degree + 1))
        moves.sweep(net, state, constants, np.array([seed + 1], dtype=np.uint64), scratch,
                    False, teleports, enter_is_exit)
        after = state.labels
        got = int(after[i])
        if got != old and got not in set(labels.tolist()):
            got = fresh
        best = min(deltas.values(), default=0.0)
        if best < -1e-10:
            assert got in {m for m, d in deltas.items() if d <= best + 1e-10}, (i, got, deltas)
        elif best > 1e-10:
            assert got == old, (i, got, deltas)
        assert mapeq.codelength(state.terms, constants) == pytest.approx(ref.total(after), abs=1e-12)


@pytest.mark.parametrize("directed", [False, True])
@pytest.mark.parametrize("seed", range(4))
def test_aggregation_keeps_the_codelength(directed, seed):
    """Scoring a partition of the modules' super-nodes gives the leaves' codelength."""
    n = 14
    network = as_network(random_edges(seed, n, m=40), n, directed)
    flow = infomap_py.compute_flow(network, recorded_teleportation=directed and seed % 2 == 1)
    net = flow_graph(flow)
    graph, node_data = net.graph, net.node_data
    constants = mapeq.new_constants(mapeq.entropy_terms(node_data.flow), 0.0, np.zeros(3))
    rng = np.random.default_rng(seed)
    fine = np.unique(rng.integers(0, 6, n), return_inverse=True)[1].astype(np.int64)
    k = int(fine.max()) + 1
    coarse_of_fine = rng.integers(0, 2, k).astype(np.int64)
    coarse_of_fine = np.unique(coarse_of_fine, return_inverse=True)[1].astype(np.int64)
    leaves = coarse_of_fine[fine]
    expected = score(net, constants, leaves, int(leaves.max()) + 1)

    super_graph = coarsen.aggregate(graph, fine, k)
    super_data = coarsen.aggregate_node_data(node_data, fine, k)
    s_enter, s_exit = coarsen.node_enter_exit(super_graph, super_data, flow.teleport_total)
    got = score(coarsen.FlowNet(super_graph, super_data, s_enter, s_exit), constants,
                coarse_of_fine, int(coarse_of_fine.max()) + 1)
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
