"""Module bookkeeping on CSR flow graphs: module flows and aggregation.

A *flow graph* is a CSR adjacency ``(indptr, neighbours, out_flow, in_flow)``
in which node ``u`` lists every other node ``v`` it shares a link with, the
flow on the link ``u -> v`` (``out_flow``) and on ``v -> u`` (``in_flow``);
self-links are left out, since they never cross a module boundary.  The
structure is symmetric: ``v`` lists ``u`` with the two flows swapped.  When
every link carries the same flow both ways (undirected flow) ``out_flow`` and
``in_flow`` are one array (:func:`shares_flows`), and the kernels that build
graphs keep it so.

*Node data* is ``(flow, teleport_source, teleport_weight)``: the node's
visit rate and, for recorded teleportation, the flow it teleports away
(``alpha * p + beta * dangling p``) and the share of teleportation that lands
on it.  Without recorded teleportation the last two are zero.
"""

from collections import namedtuple

import numpy as np

from ._jit import inline_jit, jit
from .grouping import members_by_label, merge_repeated_keys
from .memory import aggregate_physical
from .meta import aggregate_meta

#: A CSR flow graph (see above): node ``u``'s neighbours are
#: ``neighbours[indptr[u]:indptr[u + 1]]``, with the flow to each and from each.
FlowGraph = namedtuple("FlowGraph", "indptr neighbours out_flow in_flow")

#: Node data: every node's visit rate and, for recorded teleportation, the
#: flow it teleports away and its share of where teleportation lands.
NodeFlows = namedtuple("NodeFlows", "flow tele_source tele_weight")

#: What every kernel that moves nodes works on: the flow graph, the node
#: data, every node's own enter and exit flow, its physical nodes
#: (:data:`.memory.PhysNodes`; ``None`` unless a state network) and its
#: metadata categories (:data:`.meta.MetaNodes`; ``None`` without metadata).
FlowNet = namedtuple("FlowNet", "graph node_data node_enter node_exit phys meta",
                     defaults=(None, None))

#: Flows per module: visit rate, enter and exit flow, teleportation source
#: and weight (as :data:`NodeFlows` for nodes).
ModuleFlows = namedtuple("ModuleFlows", "flow enter exit tele_source tele_weight")


@jit
def shares_flows(out_flow, in_flow):
    """Whether a flow graph's ``out_flow`` and ``in_flow`` are one array."""
    return out_flow.ctypes.data == in_flow.ctypes.data


@jit
def build_flow_graph(source, target, link_flow, num_nodes, symmetric):
    """Return the flow graph of directed links ``source -> target`` carrying
    ``link_flow`` (self-links excluded by the caller; parallel links and
    links in both directions are merged into one neighbour entry).  With
    ``symmetric`` every link carries ``link_flow`` in both directions."""
    counts = np.zeros(num_nodes + 1, dtype=np.int64)
    for e in range(source.shape[0]):
        counts[source[e] + 1] += 1
        counts[target[e] + 1] += 1
    for u in range(num_nodes):
        counts[u + 1] += counts[u]
    indptr = counts.copy()
    fill = counts[:-1].copy()
    nnz = indptr[num_nodes]
    neighbours = np.empty(nnz, dtype=np.int32)
    out_flow = np.empty(nnz)
    in_flow = out_flow if symmetric else np.empty(nnz)
    for e in range(source.shape[0]):
        u = source[e]
        v = target[e]
        forward = link_flow[e]
        neighbours[fill[u]] = v
        out_flow[fill[u]] = forward
        neighbours[fill[v]] = u
        if symmetric:
            out_flow[fill[v]] = forward
        else:
            in_flow[fill[u]] = 0.0
            out_flow[fill[v]] = 0.0
            in_flow[fill[v]] = forward
        fill[u] += 1
        fill[v] += 1
    return merge_parallel_links(indptr, neighbours, out_flow, in_flow)


@jit
def merge_parallel_links(indptr, neighbours, out_flow, in_flow):
    """Merge the entries of a row that name the same neighbour (summing
    their flows, keeping the order of first appearance), in place; return
    the compacted flow graph, whose link arrays are views of the first
    entries of the buffers given (the caller copies them where merging
    left much of the buffers unused: one array at a time, so that no
    second graph is alive at once)."""
    new_indptr, count = merge_repeated_keys(indptr, neighbours, out_flow, in_flow,
                                            indptr.shape[0] - 1)
    return FlowGraph(new_indptr, neighbours[:count], out_flow[:count], in_flow[:count])


@jit
def node_enter_exit(graph, node_data, teleport_total):
    """Return ``(enter, exit)`` flow of every node on its own.

    Links count in the direction they carry flow; for recorded teleportation
    a node also exits by teleporting away (landing elsewhere) and enters by
    teleportation from everywhere else.
    """
    indptr, neighbours, out_flow, in_flow = graph
    node_flow, node_tele, node_tw = node_data
    n = node_flow.shape[0]
    enter = np.zeros(n)
    exit_ = np.zeros(n)
    for u in range(n):
        for e in range(indptr[u], indptr[u + 1]):
            exit_[u] += out_flow[e]
            enter[u] += in_flow[e]
        exit_[u] += node_tele[u] * (1.0 - node_tw[u])
        enter[u] += (teleport_total - node_tele[u]) * node_tw[u]
    return enter, exit_


@jit
def module_flows(net, labels, num_modules):
    """Return the :data:`ModuleFlows` of the modules of ``labels`` in ``net``.

    A module's exit flow is the exit flow of its nodes less the flow between
    them (links and teleportation); likewise for enter flow.  Computed this
    way it is also right for a sub-network whose nodes lose flow to the rest
    of the network.
    """
    return _module_flows_and_cut(net, labels, num_modules)[0]


@jit
def _module_flows_and_cut(net, labels, num_modules):
    """Return the :data:`ModuleFlows` of :func:`module_flows` and, from the
    same pass over the rows, the ``cut_start`` of :func:`_cut_rows`."""
    indptr, neighbours, out_flow, in_flow = net.graph
    flows, self_tele = _no_module_flows(num_modules)
    cut_start = np.zeros(num_modules + 1, dtype=np.int64)
    for u in range(labels.shape[0]):
        m = labels[u]
        _add_node_flows(flows, self_tele, net, u, m)
        cut_start[m + 1] += _remove_internal_links(flows, neighbours, out_flow, in_flow,
                                                   indptr[u], indptr[u + 1], labels, m)
    _remove_internal_teleportation(flows, self_tele)
    for m in range(num_modules):
        cut_start[m + 1] += cut_start[m]
    return flows, cut_start


@inline_jit
def _no_module_flows(num_modules):
    """Return the :data:`ModuleFlows` of ``num_modules`` modules to be
    summed by :func:`module_flows`, all zero, and each module's sum of its
    nodes' own teleportation (``tele_source * tele_weight``), zero too."""
    return (ModuleFlows(np.zeros(num_modules), np.zeros(num_modules), np.zeros(num_modules),
                        np.zeros(num_modules), np.zeros(num_modules)),
            np.zeros(num_modules))


@inline_jit
def _add_node_flows(flows, self_tele, net, u, m):
    """Add node ``u``'s flows in ``net`` to module ``m``'s."""
    node_flow, node_tele, node_tw = net.node_data
    flows.flow[m] += node_flow[u]
    flows.tele_source[m] += node_tele[u]
    flows.tele_weight[m] += node_tw[u]
    self_tele[m] += node_tele[u] * node_tw[u]
    flows.enter[m] += net.node_enter[u]
    flows.exit[m] += net.node_exit[u]


@inline_jit
def _remove_internal_links(flows, neighbours, out_flow, in_flow, first, stop, labels, m):
    """Take the flow of the row entries ``first..stop-1`` (of a node of
    module ``m``) whose neighbour is in ``m`` too off ``m``'s exit and enter
    flow; return the number of the other entries (those that leave ``m``)."""
    cut = 0
    for e in range(first, stop):
        if labels[neighbours[e]] == m:
            flows.exit[m] -= out_flow[e]
            flows.enter[m] -= in_flow[e]
        else:
            cut += 1
    return cut


@inline_jit
def _remove_internal_teleportation(flows, self_tele):
    """Take the teleportation between the nodes of each module off its
    exit and enter flow."""
    for m in range(self_tele.shape[0]):
        internal_tele = flows.tele_source[m] * flows.tele_weight[m] - self_tele[m]
        flows.exit[m] -= internal_tele
        flows.enter[m] -= internal_tele


#: Graphs of at most this many entries are aggregated in one pass, into
#: buffers as large as the graph (see :func:`_rows_to_fill`).
ONE_PASS_ENTRIES = 1 << 20

#: A larger graph whose modules share at most this fraction of its entries
#: (the links between modules, before those to one module are summed) is
#: aggregated in the order of its rows (:func:`_aggregate_by_rows`), with
#: buffers that large; one whose modules share more, in the order of the
#: modules' members (:func:`_aggregate_by_members`), with no buffers.
ROW_ORDER_CUT = 0.5


@jit
def aggregate_net(net, labels, num_modules):
    """Return the :data:`FlowNet` of the modules of ``labels``: one node
    per module, with the module's flows as its node data (those of
    :func:`module_flows`), the graph of :func:`aggregate` and the physical
    nodes and metadata categories of its members."""
    flows, cut_start = _module_flows_and_cut(net, labels, num_modules)
    return FlowNet(_aggregate_cut(net.graph, labels, num_modules, cut_start),
                   aggregate_node_data(net.node_data, labels, num_modules),
                   flows.enter, flows.exit, aggregate_physical(net.phys, labels, num_modules),
                   aggregate_meta(net.meta, labels, num_modules))


@jit
def aggregate(graph, labels, num_modules):
    """Return the flow graph of the modules: one node per module, links
    between modules summed, links inside a module dropped.

    Each row of the new graph lists a module's neighbouring modules in the
    order its members' rows (members in node order) first name them, with
    the flows summed in that order, whichever way it is built: the same
    graph to the bit.  A large graph cut little by its modules (as after
    fine-tuning) is read in the order of its rows, which streams it from
    memory instead of jumping from member to member
    (:func:`_aggregate_by_rows`).
    """
    cut_start = np.zeros(0, dtype=np.int64)
    if graph.neighbours.shape[0] > ONE_PASS_ENTRIES:
        cut_start = _cut_rows(graph, labels, num_modules)
    return _aggregate_cut(graph, labels, num_modules, cut_start)


@inline_jit
def _aggregate_cut(graph, labels, num_modules, cut_start):
    """:func:`aggregate`, given the ``cut_start`` of :func:`_cut_rows`
    where the graph is larger than :data:`ONE_PASS_ENTRIES`."""
    nnz = graph.neighbours.shape[0]
    if nnz > ONE_PASS_ENTRIES and cut_start[num_modules] <= ROW_ORDER_CUT * nnz:
        return _aggregate_by_rows(graph, labels, cut_start)
    return _aggregate_by_members(graph, labels, num_modules)


@jit
def _aggregate_by_members(graph, labels, num_modules):
    """:func:`aggregate`, module by module: the rows of each module's
    members are summed into its row (rows filled as :func:`_rows_to_fill`
    says)."""
    indptr, neighbours, out_flow, in_flow = graph
    start, members = members_by_label(labels, num_modules)
    rows = _rows_to_fill(graph, labels, start, members)
    new_indptr = np.zeros(num_modules + 1, dtype=np.int64)
    slot = np.full(num_modules, -1, dtype=np.int64)  # slot[b]: b's entry in the current row
    count = 0
    for a in range(num_modules):
        row_start = count
        for k in range(start[a], start[a + 1]):
            u = members[k]
            count = _add_row(rows, slot, row_start, count, neighbours, out_flow, in_flow,
                             indptr[u], indptr[u + 1], labels, a)
        new_indptr[a + 1] = count
    return _filled_rows(rows, new_indptr)


@jit
def _cut_rows(graph, labels, num_modules):
    """Return where each module's entries to other modules would start if
    they were listed module by module, unsummed: ``cut_start[a + 1] -
    cut_start[a]`` entries of the rows of ``a``'s members name a node of
    another module."""
    indptr, neighbours = graph.indptr, graph.neighbours
    cut_start = np.zeros(num_modules + 1, dtype=np.int64)
    for u in range(labels.shape[0]):
        a = labels[u]
        cut = 0
        for e in range(indptr[u], indptr[u + 1]):
            if labels[neighbours[e]] != a:
                cut += 1
        cut_start[a + 1] += cut
    for a in range(num_modules):
        cut_start[a + 1] += cut_start[a]
    return cut_start


@jit
def _aggregate_by_rows(graph, labels, cut_start):
    """:func:`aggregate` in the order of the rows: every entry to another
    module is copied, with its flows, to its module's place in buffers laid
    out by ``cut_start`` (:func:`_cut_rows`), which thus list each module's
    entries in the order of its members and their rows; then each module's
    entries to one module are summed in place, and the graph is copied out
    at its size."""
    indptr, neighbours, out_flow, in_flow = graph
    shared = shares_flows(out_flow, in_flow)
    num_modules = cut_start.shape[0] - 1
    total = cut_start[num_modules]
    module = np.empty(total, dtype=np.int32)
    cut_out = np.empty(total)
    cut_in = cut_out if shared else np.empty(total)
    fill = cut_start[:-1].copy()
    for u in range(labels.shape[0]):
        a = labels[u]
        pos = fill[a]
        for e in range(indptr[u], indptr[u + 1]):
            b = labels[neighbours[e]]
            if b != a:
                module[pos] = b
                cut_out[pos] = out_flow[e]
                if not shared:
                    cut_in[pos] = in_flow[e]
                pos += 1
        fill[a] = pos
    new_indptr, count = merge_repeated_keys(cut_start, module, cut_out, cut_in, num_modules)
    new_out = cut_out[:count].copy()
    new_in = new_out if shared else cut_in[:count].copy()
    return FlowGraph(new_indptr, module[:count].copy(), new_out, new_in)


@inline_jit
def _rows_to_fill(graph, labels, start, members):
    """Return the flow graph that the rows of the modules of ``labels``
    (``start``/``members``: :func:`members_by_label`) are summed into.

    A graph of up to :data:`ONE_PASS_ENTRIES` entries (the sub-networks of
    modules, and the levels above the first of most networks) gets buffers
    as large as itself, one row spanning them, cut to size once filled
    (:func:`_filled_rows`).  A larger one is read once more first, to count
    each module's neighbouring modules, so that the new graph is allocated
    at its exact size (no worst-case buffers beside it).  Both give the
    same graph to the bit.
    """
    shared = shares_flows(graph.out_flow, graph.in_flow)
    nnz = graph.neighbours.shape[0]
    if nnz <= ONE_PASS_ENTRIES:
        capacity = np.zeros(2, dtype=np.int64)
        capacity[1] = nnz
        return _empty_rows(capacity, shared)
    return _empty_rows(_module_rows(graph, labels, start, members), shared)


@inline_jit
def _filled_rows(rows, new_indptr):
    """Return the graph of ``rows`` (from :func:`_rows_to_fill`) filled to
    the rows ``new_indptr``: as they are where they were counted first, else
    the buffers' first entries copied out."""
    count = new_indptr[new_indptr.shape[0] - 1]
    if (rows.indptr.shape[0] == new_indptr.shape[0]
            and rows.indptr[rows.indptr.shape[0] - 1] == count):
        return rows  # counted first, or buffers filled to their end
    new_out = rows.out_flow[:count].copy()
    shared = shares_flows(rows.out_flow, rows.in_flow)
    new_in = new_out if shared else rows.in_flow[:count].copy()
    return FlowGraph(new_indptr, rows.neighbours[:count].copy(), new_out, new_in)


@inline_jit
def _module_rows(graph, labels, start, members):
    """Return the ``indptr`` of the flow graph of the modules of ``labels``
    (``start``/``members``: :func:`members_by_label`): each module's
    number of neighbouring modules."""
    indptr, neighbours = graph.indptr, graph.neighbours
    num_modules = start.shape[0] - 1
    new_indptr = np.zeros(num_modules + 1, dtype=np.int64)
    seen = np.full(num_modules, -1, dtype=np.int64)
    for a in range(num_modules):
        count = 0
        for k in range(start[a], start[a + 1]):
            u = members[k]
            for e in range(indptr[u], indptr[u + 1]):
                b = labels[neighbours[e]]
                if b != a and seen[b] != a:
                    seen[b] = a
                    count += 1
        new_indptr[a + 1] = new_indptr[a] + count
    return new_indptr


@inline_jit
def _empty_rows(indptr, shared):
    """Return a flow graph with rows ``indptr`` to be filled (``out_flow``
    and ``in_flow`` one array where ``shared``)."""
    nnz = indptr[indptr.shape[0] - 1]
    out_flow = np.empty(nnz)
    in_flow = out_flow if shared else np.empty(nnz)
    return FlowGraph(indptr, np.empty(nnz, dtype=np.int32), out_flow, in_flow)


@inline_jit
def _add_row(new_graph, slot, row_start, count, neighbours, out_flow, in_flow, first, stop,
             labels, a):
    """Add the entries ``first..stop-1`` of a row of a member of module
    ``a`` to ``a``'s row of ``new_graph``, which starts at ``row_start`` and
    holds ``count - row_start`` entries so far: a new entry per module
    ``labels`` names for the first time (``slot``: where each module's entry
    is; older than ``row_start`` means none yet), flows summed onto the
    entry otherwise, entries inside ``a`` left out; return the new count."""
    new_neighbours, new_out, new_in = new_graph.neighbours, new_graph.out_flow, new_graph.in_flow
    shared = shares_flows(out_flow, in_flow)
    for e in range(first, stop):
        b = labels[neighbours[e]]
        if b == a:
            continue
        if slot[b] < row_start:
            slot[b] = count
            new_neighbours[count] = b
            new_out[count] = out_flow[e]
            if not shared:
                new_in[count] = in_flow[e]
            count += 1
        else:
            new_out[slot[b]] += out_flow[e]
            if not shared:
                new_in[slot[b]] += in_flow[e]
    return count


@jit
def without_graph(net):
    """Return ``net`` with a flow graph of no rows, so that its graph can
    be freed where only its node data are needed any more (see
    :func:`aggregate_net_from_leaves`)."""
    graph = net.graph
    indptr = np.zeros(1, dtype=np.int64)
    out_flow = np.empty(0)
    in_flow = out_flow if shares_flows(graph.out_flow, graph.in_flow) else np.empty(0)
    return FlowNet(FlowGraph(indptr, np.empty(0, dtype=np.int32), out_flow, in_flow),
                   net.node_data, net.node_enter, net.node_exit, net.phys, net.meta)


@jit
def aggregate_net_from_leaves(leaves, leaf_labels, level, labels, num_modules):
    """Return ``aggregate_net(level, labels, num_modules)`` for a ``level``
    that is ``aggregate_net(leaves, leaf_labels, ...)``, without its graph
    (:func:`without_graph`): each row of that graph is summed again from
    the leaves' rows where it is needed, in the order
    :func:`aggregate` summed it, so that the result is the same to the bit.

    The first level of modules of a network can have nearly as many links
    as the network (where a node joins one or two others), and the second
    level is built from it: with this, the first level's graph is freed
    before the second is allocated instead of being alive beside it.

    Every module's flows are summed over its nodes in node order, as
    :func:`module_flows` sums them, but module by module, so that each
    row of the level is summed once, for the module's flows and its row
    of the new graph alike.
    """
    leaf_graph = leaves.graph
    shared = shares_flows(leaf_graph.out_flow, leaf_graph.in_flow)
    num_level = level.node_data.flow.shape[0]
    leaf_start, leaf_members = members_by_label(leaf_labels, num_level)
    # The modules that neighbour a module are those its leaves' rows reach.
    module_of_leaf = labels[leaf_labels]
    module_start, module_leaves = members_by_label(module_of_leaf, num_modules)
    new_graph = _empty_rows(_module_rows(leaf_graph, module_of_leaf, module_start,
                                         module_leaves), shared)
    # One row of the level at a time, with its own slots.
    row_indptr = np.zeros(2, dtype=np.int64)
    row_indptr[1] = num_level
    row = _empty_rows(row_indptr, shared)
    row_slot = np.full(num_level, -1, dtype=np.int64)
    flows, self_tele = _no_module_flows(num_modules)
    start, members = members_by_label(labels, num_modules)
    slot = np.full(num_modules, -1, dtype=np.int64)
    count = 0
    for a in range(num_modules):
        row_start = count
        for k in range(start[a], start[a + 1]):
            u = members[k]
            length = _level_row(row, row_slot, leaf_graph, leaf_labels, leaf_start,
                                leaf_members, u)
            _add_node_flows(flows, self_tele, level, u, a)
            _remove_internal_links(flows, row.neighbours, row.out_flow, row.in_flow, 0, length,
                                   labels, a)
            count = _add_row(new_graph, slot, row_start, count, row.neighbours, row.out_flow,
                             row.in_flow, 0, length, labels, a)
    _remove_internal_teleportation(flows, self_tele)
    return FlowNet(new_graph, aggregate_node_data(level.node_data, labels, num_modules),
                   flows.enter, flows.exit, aggregate_physical(level.phys, labels, num_modules),
                   aggregate_meta(level.meta, labels, num_modules))


@inline_jit
def _level_row(row, row_slot, leaf_graph, leaf_labels, leaf_start, leaf_members, u):
    """Sum node ``u``'s row of ``aggregate(leaf_graph, leaf_labels, ...)``
    into the first entries of ``row`` (``row_slot``: -1 per node of the
    level, left as found); return its number of entries."""
    indptr, neighbours = leaf_graph.indptr, leaf_graph.neighbours
    length = 0
    for k in range(leaf_start[u], leaf_start[u + 1]):
        x = leaf_members[k]
        length = _add_row(row, row_slot, 0, length, neighbours, leaf_graph.out_flow,
                          leaf_graph.in_flow, indptr[x], indptr[x + 1], leaf_labels, u)
    for j in range(length):
        row_slot[row.neighbours[j]] = -1
    return length


@jit
def aggregate_node_data(node_data, labels, num_modules):
    """Sum node data within modules."""
    node_flow, node_tele, node_tw = node_data
    flow = np.zeros(num_modules)
    tele = np.zeros(num_modules)
    tw = np.zeros(num_modules)
    for u in range(labels.shape[0]):
        m = labels[u]
        flow[m] += node_flow[u]
        tele[m] += node_tele[u]
        tw[m] += node_tw[u]
    return NodeFlows(flow, tele, tw)


@jit
def compact_labels(labels):
    """Renumber labels to ``0..k-1`` in order of first appearance; return ``(labels, k)``."""
    n = labels.shape[0]
    size = 0
    for i in range(n):
        if labels[i] + 1 > size:
            size = labels[i] + 1
    new_id = np.full(size, -1, dtype=np.int64)
    out = np.empty(n, dtype=np.int64)
    k = 0
    for i in range(n):
        old = labels[i]
        if new_id[old] < 0:
            new_id[old] = k
            k += 1
        out[i] = new_id[old]
    return out, k


@inline_jit
def subnetwork(graph, nodes, local):
    """Return the flow graph induced by ``nodes`` (``local`` maps a leaf to
    its index among ``nodes``, or -1; it is left as it was found)."""
    indptr, neighbours, out_flow, in_flow = graph
    k = nodes.shape[0]
    for j in range(k):
        local[nodes[j]] = j
    sub_indptr = np.zeros(k + 1, dtype=np.int64)
    for j in range(k):
        u = nodes[j]
        count = 0
        for e in range(indptr[u], indptr[u + 1]):
            if local[neighbours[e]] >= 0:
                count += 1
        sub_indptr[j + 1] = sub_indptr[j] + count
    nnz = sub_indptr[k]
    sub_neighbours = np.empty(nnz, dtype=np.int32)
    shared = shares_flows(out_flow, in_flow)
    sub_out = np.empty(nnz)
    sub_in = sub_out if shared else np.empty(nnz)
    pos = 0
    for j in range(k):
        u = nodes[j]
        for e in range(indptr[u], indptr[u + 1]):
            v = local[neighbours[e]]
            if v >= 0:
                sub_neighbours[pos] = v
                sub_out[pos] = out_flow[e]
                if not shared:
                    sub_in[pos] = in_flow[e]
                pos += 1
    for j in range(k):
        local[nodes[j]] = -1
    return FlowGraph(sub_indptr, sub_neighbours, sub_out, sub_in)
