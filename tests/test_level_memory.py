"""The ways the search keeps its peak memory down give the same results to
the bit: the second level of modules summed from the leaves' rows (after
the first level's graph is freed), and the flow graph's arrays copied to
their size."""

from __future__ import annotations

import dataclasses
import platform

import numpy as np
import pytest

import infomap_py
from infomap_py import Network, StateNetwork
from infomap_py._core.coarsen import (
    aggregate_net,
    aggregate_net_from_leaves,
    compact_labels,
    shares_flows,
    without_graph,
)
from infomap_py._heap import map_large_arrays
from infomap_py.flow import flow_graph


def random_flow(seed: int, directed: bool, states: bool, meta: bool, recorded: bool):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(20, 120))
    m = 5 * n
    network = Network(rng.integers(0, n, m), rng.integers(0, n, m), rng.uniform(0.1, 2.0, m),
                      n, directed, range(n))
    G = network
    if states:
        physical = rng.integers(0, n // 3, n)
        G = StateNetwork(network, physical, range(int(physical.max()) + 1))
    flow = infomap_py.compute_flow(G, flow_model="directed" if directed else "undirected",
                                   recorded_teleportation=recorded)
    if meta:
        flow = dataclasses.replace(flow, meta=rng.integers(0, 3, n))
    return flow, rng


def assert_same_bits(expected, got, where="net"):
    """Nested tuples of arrays (and scalars) equal to the bit."""
    if expected is None or got is None:
        assert expected is None and got is None, where
    elif isinstance(expected, tuple):
        assert len(expected) == len(got), where
        for i, (a, b) in enumerate(zip(expected, got)):
            assert_same_bits(a, b, f"{where}[{i}]")
    elif isinstance(expected, np.ndarray):
        assert expected.dtype == got.dtype and expected.shape == got.shape, where
        assert expected.tobytes() == got.tobytes(), where
    else:
        assert expected == got, where


@pytest.mark.parametrize("directed, states, meta, recorded", [
    (False, False, False, False), (True, False, False, False), (True, False, False, True),
    (False, True, False, False), (True, True, False, False), (False, False, True, False)])
@pytest.mark.parametrize("seed", range(3))
def test_second_level_from_the_leaves_is_the_same_to_the_bit(directed, states, meta, recorded,
                                                               seed):
    """The second level summed from the leaves' rows, the first level's graph
    dropped, is the second level aggregated from the first: graph, node data,
    enter and exit flow, physical nodes and categories."""
    flow, rng = random_flow(seed, directed, states, meta, recorded)
    leaves = flow_graph(flow)
    n = flow.num_nodes
    first_labels, k1 = compact_labels(rng.integers(0, max(2, n // 3), n))
    first = aggregate_net(leaves, first_labels, k1)
    labels, k2 = compact_labels(rng.integers(0, max(2, k1 // 3), k1))
    expected = aggregate_net(first, labels, k2)
    got = aggregate_net_from_leaves(leaves, first_labels, without_graph(first), labels, k2)
    assert_same_bits(expected, got)
    assert shares_flows(got.graph.out_flow, got.graph.in_flow) == (not directed)


@pytest.mark.parametrize("directed", [False, True])
def test_flow_graph_arrays_are_no_longer_than_its_entries(directed):
    """Links in both directions and parallel links merge into one entry per
    neighbour; the arrays then hold their entries only (copies of their
    own), with the same flows, and an undirected flow's out- and in-flow
    stay one array."""
    links = [(0, 1), (1, 0), (1, 2), (2, 1), (2, 0), (0, 2), (0, 1), (2, 3)]
    source, target = (np.array(column, dtype=np.int64) for column in zip(*links))
    network = Network(source, target, np.linspace(1.0, 2.0, len(links)), 4, directed, range(4))
    flow = infomap_py.compute_flow(network)
    graph = flow_graph(flow).graph
    entries = int(graph.indptr[-1])
    assert entries == 8  # 0-1, 0-2, 1-2, 2-3 in both rows
    for column in (graph.neighbours, graph.out_flow, graph.in_flow):
        assert column.shape[0] == entries and column.base is None
    assert shares_flows(graph.out_flow, graph.in_flow) == (not directed)
    expected: dict[tuple[int, int], float] = {}
    for u, v, f in zip(*(a.tolist() for a in flow.directed_links())):
        expected[(u, v)] = expected.get((u, v), 0.0) + f
    for u in range(4):
        for e in range(graph.indptr[u], graph.indptr[u + 1]):
            v = int(graph.neighbours[e])
            assert graph.out_flow[e] == pytest.approx(expected.get((u, v), 0.0), abs=1e-15)
            assert graph.in_flow[e] == pytest.approx(expected.get((v, u), 0.0), abs=1e-15)


def test_large_arrays_are_mapped_where_the_c_library_is_glibc():
    """The command-line tool fixes glibc's mmap threshold; elsewhere the
    call says it changed nothing."""
    assert map_large_arrays() == (platform.system() == "Linux"
                                  and platform.libc_ver()[0] == "glibc")
