"""The two ways a flow graph is aggregated into its modules, module by
module (jumping from member to member) and in the order of its rows
(streaming it), give the same graph to the bit: the same rows, the
neighbouring modules in the same order, the flows summed in the same
order."""

from __future__ import annotations

import numpy as np
import pytest

from infomap_py._core.coarsen import (
    _aggregate_by_members,
    _aggregate_by_rows,
    _cut_rows,
    _module_flows_and_cut,
    aggregate,
    aggregate_net,
    compact_labels,
    module_flows,
    shares_flows,
)
from infomap_py.flow import flow_graph

from test_level_memory import assert_same_bits, random_flow


@pytest.mark.parametrize("directed, states", [(False, False), (True, False), (False, True)])
@pytest.mark.parametrize("modules_per_node", [0.02, 0.3, 0.9])
@pytest.mark.parametrize("seed", range(3))
def test_rows_in_row_order_are_the_rows_module_by_module(directed, states, modules_per_node,
                                                          seed):
    flow, rng = random_flow(seed, directed, states, False, False)
    graph = flow_graph(flow).graph
    n = flow.num_nodes
    labels, k = compact_labels(rng.integers(0, max(2, int(modules_per_node * n)), n))
    cut_start = _cut_rows(graph, labels, k)
    by_members = _aggregate_by_members(graph, labels, k)
    by_rows = _aggregate_by_rows(graph, labels, cut_start)
    assert by_members.neighbours.shape[0] > 0
    assert_same_bits(tuple(by_members), tuple(by_rows))
    assert shares_flows(by_rows.out_flow, by_rows.in_flow) == (not directed)
    # Before the entries to one module are summed, each module lists every
    # entry of its members' rows that leaves it.
    leaving = np.zeros(k, dtype=np.int64)
    for u in range(n):
        for e in range(graph.indptr[u], graph.indptr[u + 1]):
            leaving[labels[u]] += labels[graph.neighbours[e]] != labels[u]
    np.testing.assert_array_equal(np.diff(cut_start), leaving)


@pytest.mark.parametrize("directed", [False, True])
def test_the_flows_pass_counts_the_cut_as_the_rows_pass_does(directed):
    flow, rng = random_flow(7, directed, True, False, True)
    net = flow_graph(flow)
    labels, k = compact_labels(rng.integers(0, 9, flow.num_nodes))
    flows, cut_start = _module_flows_and_cut(net, labels, k)
    np.testing.assert_array_equal(cut_start, _cut_rows(net.graph, labels, k))
    assert_same_bits(tuple(module_flows(net, labels, k)), tuple(flows))
    aggregated = aggregate_net(net, labels, k)
    assert_same_bits(tuple(aggregate(net.graph, labels, k)), tuple(aggregated.graph))
    np.testing.assert_array_equal(aggregated.node_exit, flows.exit)
