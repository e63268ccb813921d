"""The memory map equation on state networks: its terms, its moves and the
search, against recomputation and against the official Infomap.

A state network codes physical nodes: the states of one physical node in a
module share a codeword.  The kernels keep the flow of every physical node
in every module while nodes move; these tests check every delta they use
against the codelength recomputed from scratch, the search against the
official Infomap, and that a state network whose states are their own
physical nodes gives the first-order result.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

import infomap_py
from infomap_py import Network, StateNetwork
from infomap_py._core import mapeq, memory, moves
from infomap_py._core.search import node_entropy, total_codelength
from infomap_py.flow import flow_graph

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.generators import second_order_network  # noqa: E402


def state_network(num_nodes: int = 60, directed: bool = False, seed: int = 3) -> StateNetwork:
    """A second-order network from paths on a planted-partition graph."""
    links, physical, _ = second_order_network(num_nodes, max(2, num_nodes // 20), 6, 0.3,
                                              0.9, seed=seed)
    num_states = physical.shape[0]
    network = Network(links[:, 0].astype(np.int64), links[:, 1].astype(np.int64),
                      links[:, 2].copy(), num_states, directed, range(1, num_states + 1))
    return StateNetwork(network, physical, range(1, num_nodes + 1))


def kernel_input(states: StateNetwork) -> tuple:
    flow = infomap_py.compute_flow(states)
    net = flow_graph(flow)
    return net, mapeq.new_constants(node_entropy(net), 0.0, np.zeros(3))


def physical_term(states: StateNetwork, flow: np.ndarray, labels: np.ndarray) -> float:
    """``sum(plogp(flow of physical node p in module m))``, from scratch."""
    key = labels.astype(np.int64) * states.num_physical + states.physical
    _, inverse = np.unique(key, return_inverse=True)
    per_pair = np.bincount(inverse, weights=flow)
    return float(sum(mapeq.plogp(x) for x in per_pair))


@pytest.mark.parametrize("directed", [False, True])
def test_codelength_codes_physical_nodes(directed):
    """The two-level codelength of a state network: the index codebook of
    the module enter flows, and per module the exit plus one codeword per
    physical node, used at the flow of its states there (computed here in
    plain NumPy from the module flows)."""
    states = state_network(directed=directed)
    rng = np.random.default_rng(5)
    labels = rng.integers(0, 6, states.num_states)
    flow = infomap_py.compute_flow(states)
    net, constants = kernel_input(states)
    got = total_codelength(net, constants, labels.astype(np.int64), 6)
    from infomap_py._core.coarsen import module_flows

    flows = module_flows(net, labels.astype(np.int64), 6)
    plogp = np.vectorize(mapeq.plogp)
    enter, exit_ = flows.enter, flows.exit
    index = plogp(enter.sum()) - plogp(enter).sum()
    module = (plogp(exit_ + flows.flow).sum() - plogp(exit_).sum()
              - physical_term(states, flow.node_flow, labels))
    assert got == pytest.approx(index + module, abs=1e-12)
    # A first-order scoring of the same labels codes states, not physical nodes.
    first_order = infomap_py.codelength(states.network, labels)
    assert abs(float(first_order) - got) > 1e-3


def _candidates(state, net, i):
    """Every module but node ``i``'s own (the non-empty ones and one empty)."""
    members = state.members
    others = [m for m in range(members.shape[0]) if members[m] > 0 and m != state.labels[i]]
    empty = [m for m in range(members.shape[0]) if members[m] == 0]
    return others + empty[:1]


@pytest.mark.parametrize("directed", [False, True])
def test_every_move_delta_equals_the_recomputed_difference(directed):
    """For nodes of a random partition and every module they could join,
    the first-order move delta less the physical delta the kernels compute
    (:func:`memory.move_delta`) is L(after) - L(before) recomputed,
    and the candidates' physical deltas from :func:`memory.add_candidates`
    (what a sweep uses) agree with it."""
    states = state_network(40, directed=directed)
    net, constants = kernel_input(states)
    n = states.num_states
    rng = np.random.default_rng(11)
    labels = rng.integers(0, 5, n).astype(np.int64)
    state = moves.new_partition(net, labels)
    before = total_codelength(net, constants, labels, n)
    assert not net.node_data.tele_source.any()  # no recorded teleportation: no teleportation terms in the deltas
    indptr, neighbours, out_flow, in_flow = net.graph
    checked = 0
    for i in rng.choice(n, 12, replace=False):
        old = int(state.labels[i])
        link = {}
        for e in range(indptr[i], indptr[i + 1]):
            m = int(state.labels[neighbours[e]])
            link[m] = link.get(m, 0.0) + out_flow[e] + in_flow[e]
        scratch = moves.Scratch(np.zeros(n, dtype=np.bool_), np.arange(n),
                                np.full(n, -1, dtype=np.int64), np.empty(n + 1, dtype=np.int64),
                                np.zeros(n + 1), np.zeros(n + 1), np.zeros(n + 1))
        num, leave = memory.add_candidates(state.memory, net.phys, scratch, i, old, 0)
        from_sweep = {int(scratch.module[c]): leave + scratch.mem[c] for c in range(num)}
        for m in _candidates(state, net, i):
            modules = state.modules
            delta = mapeq.move_delta(
                state.terms, 0.0, net.node_data.flow[i], net.node_enter[i], net.node_exit[i],
                modules[old, moves.FLOW], modules[old, moves.ENTER], modules[old, moves.EXIT],
                modules[m, moves.FLOW], modules[m, moves.ENTER], modules[m, moves.EXIT],
                link.get(old, 0.0), link.get(m, 0.0))
            physical = memory.move_delta(state.memory, net.phys, i, old, m)
            after_labels = labels.copy()
            after_labels[i] = m
            expected = total_codelength(net, constants, after_labels, n) - before
            assert delta - physical == pytest.approx(expected, abs=1e-12)
            if m in from_sweep:
                assert from_sweep[m] == pytest.approx(physical, abs=1e-12)
            elif state.members[m] == 0:
                # A module that holds none of i's physical nodes: plogp(f) of each.
                assert leave == pytest.approx(physical, abs=1e-12)
            checked += 1
    assert checked > 12


def test_moves_keep_the_physical_term_exact():
    """After a run of moves (as a sweep makes them), the physical term the
    kernels keep equals the one recomputed from the labels."""
    states = state_network(50)
    net, constants = kernel_input(states)
    flow = infomap_py.compute_flow(states).node_flow
    n = states.num_states
    rng = np.random.default_rng(2)
    labels = rng.integers(0, 8, n).astype(np.int64)
    state = moves.new_partition(net, labels)
    assert state.terms[mapeq.SUM_PLOGP_PHYSICAL_FLOW] == pytest.approx(
        physical_term(states, flow, labels), abs=1e-13)
    for _ in range(200):
        i = int(rng.integers(n))
        new = int(rng.integers(8))
        if new == state.labels[i]:
            continue
        moves._move(net, state, i, new, 0.0, 0.0)  # link flows do not enter the physical term
    assert state.terms[mapeq.SUM_PLOGP_PHYSICAL_FLOW] == pytest.approx(
        physical_term(states, flow, state.labels), abs=1e-12)


@pytest.mark.parametrize("two_level", [True, False])
def test_states_that_are_their_own_physical_nodes_give_the_first_order_result(two_level):
    """With one state per physical node the memory map equation is the
    first-order one: same modules, same codelength."""
    edges = np.array([[0, 1], [1, 2], [2, 0], [2, 3], [3, 4], [4, 5], [5, 3], [5, 6],
                      [6, 7], [7, 8], [8, 6], [8, 0]])
    network = Network(edges[:, 0], edges[:, 1], np.ones(len(edges)), 9, False, range(9))
    states = StateNetwork(network, np.arange(9), range(9))
    first = infomap_py.cluster(network, two_level=two_level, seed=4)
    memory = infomap_py.cluster(states, two_level=two_level, seed=4)
    assert memory.labels.tolist() == first.labels.tolist()
    assert memory.codelength == pytest.approx(first.codelength, abs=1e-12)
    assert memory.one_level_codelength == pytest.approx(first.one_level_codelength, abs=1e-12)


def test_result_gives_the_physical_view():
    """A physical node whose states are in two modules is in both, with the
    flow of its states in each; the flows of a physical node sum to its flow."""
    states = state_network(80)
    result = infomap_py.cluster(states, trials=2, seed=1)
    module, physical, flow = result.physical_module_flow()
    assert np.all(np.diff(module) >= 0)
    total = np.bincount(physical, weights=flow, minlength=states.num_physical)
    expected = np.bincount(states.physical, weights=result.flow, minlength=states.num_physical)
    np.testing.assert_allclose(total, expected, atol=1e-15)
    overlapping = np.bincount(physical, minlength=states.num_physical) > 1
    assert overlapping.any()  # memory splits physical nodes on group borders
    groups = result.physical_modules
    assert len(groups) == result.num_modules
    p = int(np.flatnonzero(overlapping)[0])
    label = states.physical_nodes[p]
    shares = [g[label] for g in groups if label in g]
    assert len(shares) >= 2 and sum(shares) == pytest.approx(total[p])
    with pytest.raises(ValueError, match="state network"):
        infomap_py.cluster(states.network).physical_module_flow()


def test_codelength_of_the_result_tree_is_the_result_codelength():
    """Scoring the found tree again gives the codelength the search reports."""
    states = state_network(120, directed=True)
    result = infomap_py.cluster(states, trials=2, seed=3)
    assert float(infomap_py.codelength(states, result)) == pytest.approx(result.codelength,
                                                                          abs=1e-10)
    assert result.codelength < result.one_level_codelength


# --- Against the official Infomap ---------------------------------------------------------

def _write_official(states: StateNetwork, path: Path) -> None:
    links = states.network
    with open(path, "w") as handle:
        handle.write(f"*Vertices {states.num_physical}\n")
        handle.writelines(f'{p} "{p}"\n' for p in states.physical_nodes)
        handle.write("*States\n")
        handle.writelines(f"{s + 1} {states.physical_nodes[p]}\n"
                          for s, p in enumerate(states.physical.tolist()))
        handle.write("*Links\n")
        handle.writelines(f"{a + 1} {b + 1} {w!r}\n" for a, b, w in
                          zip(links.source.tolist(), links.target.tolist(), links.weight.tolist()))


@pytest.fixture
def official():
    return pytest.importorskip("infomap", reason="the official infomap package is the oracle")


@pytest.mark.parametrize("directed", [False, True])
@pytest.mark.parametrize("two_level", [True, False])
def test_matches_the_official_infomap(official, directed, two_level, tmp_path):
    """On a second-order network: each package scores the other's
    partition (or state tree) to 1e-9, and our search codes no longer than
    the official's, with the same trials, but for 0.5 % (on networks this
    small one search path or the other can win by a few tenths of a percent:
    on this one, directed and multilevel, the official is 0.28 % shorter;
    the benchmarks compare larger networks, where ours is shorter)."""
    states = state_network(300, directed=directed, seed=7)
    path = tmp_path / "memory.net"
    _write_official(states, path)
    im = official.Infomap(two_level=two_level, directed=directed, silent=True, num_trials=3)
    im.read_file(str(path))
    im.run()
    ours = infomap_py.cluster(states, two_level=two_level, trials=3, seed=1)
    assert ours.codelength <= im.codelength * 1.005
    assert ours.one_level_codelength == pytest.approx(im.one_level_codelength, abs=1e-12)
    # The official partition, scored by us.
    paths = {node.state_id: tuple(node.path) for node in im.tree if node.is_leaf}
    tree = [paths[s] for s in range(1, states.num_states + 1)]
    scored = infomap_py.codelength(states, tree if not two_level else
                                   [p[0] for p in tree])
    assert float(scored) == pytest.approx(im.codelength, abs=1e-9)
    if two_level:
        # Ours, scored by the official.
        with warnings.catch_warnings():  # its no_infomap keyword is deprecated, not gone
            warnings.simplefilter("ignore", DeprecationWarning)
            check = official.Infomap(two_level=True, directed=directed, silent=True,
                                     no_infomap=True)
            check.read_file(str(path))
            check.run(initial_partition={s + 1: int(m) for s, m in enumerate(ours.labels)})
        assert check.codelength == pytest.approx(ours.codelength, abs=1e-9)
