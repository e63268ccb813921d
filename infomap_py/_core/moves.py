"""Local moves: the core loop of Infomap on one level of a flow graph.

Every node starts as (or is placed in) a module; nodes are visited in random
order and each moves to the neighbouring module (or an empty one) that
shortens the codelength most.  A stack holds the ids of the empty modules.

Module data live in one ``(n, 8)`` array, a row per module id ``0..n-1``
(columns below), so that weighing a candidate module reads one cache line
rather than one from each of eight arrays.

On a state (memory) network every module also knows the flow of each
physical node in it (:data:`.memory.MemoryState`): the map equation codes physical
nodes, and the modules that hold a physical node of the mover are
candidates too, as in the official Infomap.

With metadata every module also knows the meta flow of each category in it
(:data:`.meta.MetaState`); the candidates stay those of the links, as in
the official Infomap.
"""

from collections import namedtuple

import numpy as np

from . import mapeq
from ._jit import inline_jit, jit
from . import memory as mem
from . import meta as md
from .coarsen import compact_labels, module_flows, shares_flows
from .prefetch import prefetch, prefetch_row
from .rng import rand_below, shuffle, shuffle_in_blocks

#: A node moves only if that shortens the codelength by more than this.
MIN_SINGLE_NODE_IMPROVEMENT = 1e-16

#: How many links ahead a sweep asks for the module of a node's neighbour.
LABEL_LOOKAHEAD = 8
#: How many nodes ahead (in the sweep's order) a sweep asks for a node's data.
NODE_LOOKAHEAD = 8

#: Fine-tuning a network of more than this many nodes visits them in runs
#: of ``ORDER_BLOCK`` consecutive node ids (the runs, and the nodes of each
#: run, in random order; :func:`.rng.shuffle_in_blocks`), so that a run's
#: rows and node data stay in the cache; smaller networks, and the levels
#: searched from single nodes, take one uniformly random order.
BLOCK_ORDER_NODES = 1 << 17
#: The nodes of one run of that order.
ORDER_BLOCK = 4096

#: Columns of the module data: flow, enter and exit flow, teleportation
#: source and weight (recorded teleportation), and the module's terms in
#: the map equation's running sums (:func:`.mapeq.module_plogps`).
FLOW, ENTER, EXIT, TELE, TW, PLOGP_ENTER, PLOGP_EXIT, PLOGP_EXIT_FLOW = range(8)

#: The module state of a core loop: every node's module (``labels``), the
#: ``(n, 8)`` module data (columns above), each module's number of nodes
#: (``members``), a stack of the empty modules (``empty``, its height in the
#: one-element ``num_empty``) and the map equation's running sums (``terms``);
#: ``memory`` and ``meta`` are the :data:`.memory.MemoryState` and
#: :data:`.meta.MetaState` (``None`` where the network has none).
ModuleState = namedtuple("ModuleState",
                         "labels modules members empty num_empty terms memory meta",
                         defaults=(None,))

#: The scratch of a core loop: which nodes may move (``dirty``), the order
#: of a sweep, and the candidate modules of the node being moved: each
#: module's place among them (``slot``), and per candidate its id
#: (``module``), the flow between it and the node both ways (``flow``) and
#: from the node to it (``out``).
#: On a state network ``mem`` holds, per candidate, the change of the
#: physical term that depends on it (see :func:`sweep`).
Scratch = namedtuple("Scratch", "dirty order slot module flow out mem")


@jit
def new_partition(net, labels):
    """Return the :data:`ModuleState` for ``labels`` (module ids below the
    number of nodes)."""
    n = labels.shape[0]
    flow, enter, exit_, tele, tw = module_flows(
        net, labels, n
    )
    modules = np.empty((n, 8))
    for m in range(n):
        modules[m, FLOW] = flow[m]
        modules[m, ENTER] = enter[m]
        modules[m, EXIT] = exit_[m]
        modules[m, TELE] = tele[m]
        modules[m, TW] = tw[m]
        plogp_enter, plogp_exit, plogp_exit_flow = mapeq.module_plogps(flow[m], enter[m],
                                                                       exit_[m])
        modules[m, PLOGP_ENTER] = plogp_enter
        modules[m, PLOGP_EXIT] = plogp_exit
        modules[m, PLOGP_EXIT_FLOW] = plogp_exit_flow
    members = np.zeros(n, dtype=np.int64)
    for i in range(n):
        members[labels[i]] += 1
    empty = np.empty(n, dtype=np.int64)
    num_empty = np.zeros(1, dtype=np.int64)
    for m in range(n - 1, -1, -1):
        if members[m] == 0:
            empty[num_empty[0]] = m
            num_empty[0] += 1
    terms = mapeq.init_terms(flow, enter, exit_, n)
    memory, physical_term = mem.new_memory(net.phys, labels, members)
    terms[mapeq.SUM_PLOGP_PHYSICAL_FLOW] = physical_term
    meta_state, meta_term = md.new_meta(net.meta, labels)
    terms[mapeq.META_CODELENGTH] = meta_term
    return ModuleState(labels.copy(), modules, members, empty, num_empty, terms, memory,
                       meta_state)


@jit
def _update_module(terms, modules, m, d_flow, d_enter, d_exit, d_tele, d_tw):
    """Change module ``m``'s data by the given amounts and keep the running
    sums and its ``plogp`` terms in step."""
    mapeq.remove_module_terms(terms, modules[m, ENTER], modules[m, PLOGP_ENTER],
                              modules[m, PLOGP_EXIT], modules[m, PLOGP_EXIT_FLOW])
    modules[m, FLOW] += d_flow
    modules[m, ENTER] += d_enter
    modules[m, EXIT] += d_exit
    modules[m, TELE] += d_tele
    modules[m, TW] += d_tw
    plogp_enter, plogp_exit, plogp_exit_flow = mapeq.add_module_terms(
        terms, modules[m, FLOW], modules[m, ENTER], modules[m, EXIT])
    modules[m, PLOGP_ENTER] = plogp_enter
    modules[m, PLOGP_EXIT] = plogp_exit
    modules[m, PLOGP_EXIT_FLOW] = plogp_exit_flow


@jit
def _move(net, state, i, new, delta_old, delta_new):
    """Move node ``i`` to module ``new`` and update the module data and the
    running sums; ``delta_old`` / ``delta_new`` is the flow between the node
    and the rest of its old module / the new module (both directions)."""
    node_flow, node_tele, node_tw = net.node_data
    node_enter, node_exit = net.node_enter, net.node_exit
    labels, modules, members, empty, num_empty, terms, memory, meta_state = state
    old = labels[i]
    terms[mapeq.SUM_PLOGP_PHYSICAL_FLOW] += mem.move(memory, net.phys, i, old, new)
    if md.is_meta(net.meta):
        terms[mapeq.META_CODELENGTH] += md.move(meta_state, net.meta, i, old, new)
    if members[new] == 0:
        num_empty[0] -= 1
    if members[old] == 1:
        empty[num_empty[0]] = old
        num_empty[0] += 1
    _update_module(terms, modules, old, -node_flow[i], delta_old - node_enter[i],
                   delta_old - node_exit[i], -node_tele[i], -node_tw[i])
    _update_module(terms, modules, new, node_flow[i], node_enter[i] - delta_new,
                   node_exit[i] - delta_new, node_tele[i], node_tw[i])
    members[old] -= 1
    members[new] += 1
    labels[i] = new


@jit
def _teleport_delta_old(state, node_data, i):
    """Teleportation flow between node ``i`` and the rest of its module."""
    _, node_tele, node_tw = node_data
    modules = state.modules
    old = state.labels[i]
    return (node_tele[i] * (modules[old, TW] - node_tw[i])
            + (modules[old, TELE] - node_tele[i]) * node_tw[i])


@jit
def _teleport_delta_new(state, node_data, i, m):
    """Teleportation flow between node ``i`` and module ``m`` (not its own)."""
    _, node_tele, node_tw = node_data
    modules = state.modules
    return node_tele[i] * modules[m, TW] + modules[m, TELE] * node_tw[i]


@jit
def _shuffle_candidates(rng, scratch, num_candidates):
    """Shuffle the first ``num_candidates`` candidates in ``scratch``
    (Fisher-Yates)."""
    scratch_module, scratch_flow, scratch_out = scratch.module, scratch.flow, scratch.out
    scratch_mem = scratch.mem
    for j in range(num_candidates - 1, 0, -1):
        r = rand_below(rng, j + 1)
        m = scratch_module[j]
        scratch_module[j] = scratch_module[r]
        scratch_module[r] = m
        f = scratch_flow[j]
        scratch_flow[j] = scratch_flow[r]
        scratch_flow[r] = f
        o = scratch_out[j]
        scratch_out[j] = scratch_out[r]
        scratch_out[r] = o
        d = scratch_mem[j]
        scratch_mem[j] = scratch_mem[r]
        scratch_mem[r] = d


@jit
def _degree(graph, i, shared):
    """Node ``i``'s degree as the official Infomap counts it for random
    moves: its links, a link in each direction counting apart (on a graph
    of undirected flow, ``shared``, one per neighbour)."""
    if shared:
        return graph.indptr[i + 1] - graph.indptr[i]
    degree = 0
    for e in range(graph.indptr[i], graph.indptr[i + 1]):
        if graph.out_flow[e] > 0.0:
            degree += 1
        if graph.in_flow[e] > 0.0:
            degree += 1
    return degree


@jit
def sweep(net, state, constants, rng, scratch, skip_joined, teleports, enter_is_exit):
    """Try to move every dirty node once, in ``order``; return the number moved.

    A node tries the modules of its neighbours and one empty module (and,
    if it has at most ``constants[MAX_DEGREE_FOR_RANDOM_MOVES]`` links, the
    modules of ``constants[NUM_RANDOM_MOVES]`` random nodes), in random
    order; it moves to the one that shortens the codelength most,
    or to the module it sends most flow to if that is as good.  A node left
    alone in its old module, whose only link into that module went to the
    moved node, follows it if that does not lengthen the codelength.
    ``teleports`` and ``enter_is_exit`` are what :func:`_flow_kind` says of
    the level.
    """
    graph, node_data, node_enter, node_exit, phys, meta = net
    indptr, neighbours, out_flow, in_flow = graph
    node_flow = node_data.flow
    dirty, order = scratch.dirty, scratch.order
    scratch_slot, scratch_module = scratch.slot, scratch.module
    scratch_flow, scratch_out, scratch_mem = scratch.flow, scratch.out, scratch.mem
    labels, modules, members, empty, num_empty, terms, memory, meta_state = state
    memory_net = mem.is_memory(phys)
    meta_net = md.is_meta(meta)
    exit_network_flow = constants[mapeq.EXIT_NETWORK_FLOW]
    biased = mapeq.is_biased(constants)
    n = labels.shape[0]
    num_random = min(int(constants[mapeq.NUM_RANDOM_MOVES]), n)
    max_degree_random = constants[mapeq.MAX_DEGREE_FOR_RANDOM_MOVES]
    shared = shares_flows(out_flow, in_flow)
    num_moved = 0
    last_sum_enter = -1.0  # no rate yet: the first node computes its plogp
    plogp_sum_enter = 0.0
    num_order = order.shape[0]
    for idx in range(num_order):
        # Ask for the data of the nodes a few steps ahead in the random
        # order: first where their links start, then the links themselves.
        if idx + NODE_LOOKAHEAD < num_order:
            ahead = order[idx + NODE_LOOKAHEAD]
            prefetch(indptr, ahead)
            prefetch(labels, ahead)
            prefetch(node_flow, ahead)
            prefetch(node_enter, ahead)
            prefetch(node_exit, ahead)
        if idx + NODE_LOOKAHEAD // 2 < num_order:
            ahead = order[idx + NODE_LOOKAHEAD // 2]
            if dirty[ahead]:
                prefetch(neighbours, indptr[ahead])
                prefetch(out_flow, indptr[ahead])
                prefetch(in_flow, indptr[ahead])
        i = order[idx]
        if not dirty[i]:
            continue
        old = labels[i]
        if skip_joined and members[old] > 1:
            continue
        # Flow between node i and each neighbouring module.
        num_candidates = 0
        link_old = 0.0
        last = indptr[i + 1]
        for e in range(indptr[i], last):
            if e + LABEL_LOOKAHEAD < last:
                prefetch(labels, neighbours[e + LABEL_LOOKAHEAD])
            m = labels[neighbours[e]]
            w = out_flow[e] + in_flow[e]
            if m == old:
                link_old += w
                continue
            s = scratch_slot[m]
            if s < 0 or s >= num_candidates or scratch_module[s] != m:
                # Its row is read when the candidates are weighed: fetch it now.
                prefetch_row(modules, m)
                s = num_candidates
                scratch_slot[m] = s
                scratch_module[s] = m
                scratch_flow[s] = 0.0
                scratch_out[s] = 0.0
                scratch_mem[s] = 0.0
                num_candidates += 1
            scratch_flow[s] += w
            scratch_out[s] += out_flow[e]
        if num_random > 0 and _degree(graph, i, shared) <= max_degree_random:
            # Random moves: the modules of random nodes, at no link flow.
            # They cannot shorten a plain map-equation codelength, but where
            # a module or a node costs bits of its own (the biased and the
            # metadata map equation, recorded teleportation) a weakly linked
            # node may gain by joining a module it has no link to.
            for _ in range(num_random):
                m = labels[rand_below(rng, n)]
                if m == old:
                    continue
                s = scratch_slot[m]
                if s < 0 or s >= num_candidates or scratch_module[s] != m:
                    scratch_slot[m] = num_candidates
                    scratch_module[num_candidates] = m
                    scratch_flow[num_candidates] = 0.0
                    scratch_out[num_candidates] = 0.0
                    scratch_mem[num_candidates] = 0.0
                    num_candidates += 1
        memory_leave = 0.0
        if memory_net:
            linked = num_candidates
            num_candidates, memory_leave = mem.add_candidates(memory, phys, scratch, i, old,
                                                              num_candidates)
            for c in range(linked, num_candidates):
                prefetch_row(modules, scratch_module[c])
        if members[old] > 1 and num_empty[0] > 0:
            scratch_module[num_candidates] = empty[num_empty[0] - 1]
            scratch_flow[num_candidates] = 0.0
            scratch_out[num_candidates] = 0.0
            scratch_mem[num_candidates] = 0.0
            num_candidates += 1
        if num_candidates == 0 and biased and n > 1 and num_random == 0:
            # Without random moves a node without links would join nothing,
            # but under the biased map equation its module costs bits of its
            # own: it tries the module of one random node.
            m = labels[rand_below(rng, n)]
            if m != old:
                scratch_module[0] = m
                scratch_flow[0] = 0.0
                scratch_out[0] = 0.0
                scratch_mem[0] = 0.0
                num_candidates = 1
        if num_candidates == 0:
            dirty[i] = False
            continue
        # Visit the candidates in random order: of equally good ones, each
        # is as likely to win.  (A random start in the order of the links
        # favours the candidates that follow long runs of worse ones.)
        _shuffle_candidates(rng, scratch, num_candidates)

        delta_old = link_old
        if teleports:
            delta_old += _teleport_delta_old(state, node_data, i)
        # What depends on the old module only is computed once per node.
        leave = mapeq.leave_delta(node_flow[i], node_enter[i], node_exit[i],
                                  modules[old, FLOW], modules[old, ENTER], modules[old, EXIT],
                                  modules[old, PLOGP_ENTER], modules[old, PLOGP_EXIT],
                                  modules[old, PLOGP_EXIT_FLOW], delta_old)
        if meta_net:
            leave += md.leave_delta(meta_state, meta, i, old)
        sum_enter = terms[mapeq.SUM_ENTER] + exit_network_flow
        if sum_enter != last_sum_enter:
            # Only a move changes the index codebook's rate.
            last_sum_enter = sum_enter
            plogp_sum_enter = mapeq.plogp(sum_enter)
        bias_leave = 0.0
        bias_fill = 0.0
        if biased:
            # The biased map equation: a move that empties the old module, or
            # fills an empty one, changes the number of modules.
            if members[old] == 1:
                bias_leave = mapeq.count_change(n - num_empty[0], -1, constants)
            else:
                bias_fill = mapeq.count_change(n - num_empty[0], 1, constants)
        best_module = old
        best_delta = 0.0
        best_flow = 0.0
        strongest_module = old
        strongest_delta = 0.0
        strongest_out = 0.0
        strongest_flow = 0.0
        for c in range(num_candidates):
            m = scratch_module[c]
            delta_new = scratch_flow[c]
            out = scratch_out[c]
            if teleports:
                delta_new += _teleport_delta_new(state, node_data, i, m)
                out += node_data.tele_source[i] * modules[m, TW]
            delta = leave + mapeq.join_delta(
                sum_enter + delta_old, plogp_sum_enter, node_flow[i], node_enter[i],
                node_exit[i], modules[m, FLOW], modules[m, ENTER], modules[m, EXIT],
                modules[m, PLOGP_ENTER], modules[m, PLOGP_EXIT], modules[m, PLOGP_EXIT_FLOW],
                delta_new, enter_is_exit,
            )
            if memory_net:
                delta -= memory_leave + scratch_mem[c]
            if meta_net:
                delta += md.join_delta(meta_state, meta, i, m)
            if biased:
                delta += bias_fill if members[m] == 0 else bias_leave
            if delta < best_delta - MIN_SINGLE_NODE_IMPROVEMENT:
                best_module = m
                best_delta = delta
                best_flow = delta_new
            if out > strongest_out:
                strongest_module = m
                strongest_delta = delta
                strongest_out = out
                strongest_flow = delta_new
        # Prefer the module the node sends most flow to if it is as good.
        if (strongest_module != best_module
                and strongest_delta <= best_delta + MIN_SINGLE_NODE_IMPROVEMENT):
            best_module = strongest_module
            best_delta = strongest_delta
            best_flow = strongest_flow

        if best_module == old:
            dirty[i] = False
            continue
        new = best_module
        _move(net, state, i, new, delta_old, best_flow)
        num_moved += 1
        linked_in_old = 0
        last_in_old = -1
        for e in range(indptr[i], indptr[i + 1]):
            v = neighbours[e]
            dirty[v] = True
            if labels[v] == old:
                linked_in_old += 1
                last_in_old = v
        if linked_in_old == 1 and members[old] == 1:
            # The old module's last node was linked to the mover only: it
            # follows, unless that lengthens the codelength (it would undo
            # every split of a pair of sub-modules in coarse-tuning).
            v = last_in_old
            flow_to_new = 0.0
            for e in range(indptr[v], indptr[v + 1]):
                if labels[neighbours[e]] == new:
                    flow_to_new += out_flow[e] + in_flow[e]
            follow_old = _teleport_delta_old(state, node_data, v)
            follow_new = flow_to_new + _teleport_delta_new(state, node_data, v, new)
            follow_delta = mapeq.move_delta(
                terms, exit_network_flow, node_flow[v], node_enter[v], node_exit[v],
                modules[old, FLOW], modules[old, ENTER], modules[old, EXIT],
                modules[new, FLOW], modules[new, ENTER], modules[new, EXIT],
                follow_old, follow_new)
            if memory_net:
                follow_delta -= mem.move_delta(memory, phys, v, old, new)
            if meta_net:
                follow_delta += md.move_delta(meta_state, meta, v, old, new)
            if biased:
                follow_delta += mapeq.count_change(n - num_empty[0], -1, constants)
            if follow_delta > MIN_SINGLE_NODE_IMPROVEMENT:
                continue
            _move(net, state, v, new, follow_old, follow_new)
            num_moved += 1
            if indptr[v + 1] - indptr[v] > 1:
                for e in range(indptr[v], indptr[v + 1]):
                    dirty[neighbours[e]] = True
    return num_moved


@inline_jit
def state_codelength(state, constants):
    """Return the codelength of a module state: the running sums, plus the
    biased map equation's terms of its number of modules."""
    num_modules = state.labels.shape[0] - state.num_empty[0]
    return (mapeq.codelength(state.terms, constants)
            + mapeq.module_count_cost(num_modules, constants))


@jit
def _flow_kind(net):
    """Return ``(teleports, enter_is_exit)`` of a level: whether any node
    has recorded teleportation (else those terms are all zero), and whether
    every node, hence every module, enters as much flow as it exits
    (undirected flow)."""
    node_tele, node_enter, node_exit = net.node_data.tele_source, net.node_enter, net.node_exit
    teleports = False
    for i in range(node_tele.shape[0]):
        if node_tele[i] != 0.0:
            teleports = True
            break
    enter_is_exit = not teleports
    for i in range(node_enter.shape[0]):
        if node_enter[i] != node_exit[i]:
            enter_is_exit = False
            break
    return teleports, enter_is_exit


@inline_jit
def core_loops(net, state, constants, rng, loop_limit, min_improvement, skip_joined, in_blocks):
    """Repeat sweeps in random order until a sweep gains less than
    ``min_improvement`` bits or ``loop_limit`` sweeps ran; return the number
    of sweeps that improved the codelength.  With ``in_blocks`` (fine-tuning)
    a network of more than :data:`BLOCK_ORDER_NODES` nodes is swept in runs
    of consecutive node ids."""
    indptr = net.graph.indptr
    n = net.node_data.flow.shape[0]
    max_degree = 0
    for i in range(n):
        max_degree = max(max_degree, indptr[i + 1] - indptr[i])
    # A node weighs at most its neighbours' modules, one empty module and
    # the modules of its random moves (on a state network, also the modules
    # that hold its physical nodes).
    room = max_degree + 1 + min(int(constants[mapeq.NUM_RANDOM_MOVES]), n)
    if mem.is_memory(net.phys):
        room = n + 1
    scratch = Scratch(np.ones(n, dtype=np.bool_), np.arange(n),
                      np.full(n, -1, dtype=np.int64), np.empty(room, dtype=np.int64),
                      np.empty(room), np.empty(room), np.empty(room))
    teleports, enter_is_exit = _flow_kind(net)
    old_codelength = state_codelength(state, constants)
    effective = 0
    for _ in range(loop_limit):
        if in_blocks and n > BLOCK_ORDER_NODES:
            shuffle_in_blocks(rng, scratch.order, ORDER_BLOCK)
        else:
            shuffle(rng, scratch.order)
        moved = sweep(net, state, constants, rng, scratch, skip_joined, teleports,
                      enter_is_exit)
        new_codelength = state_codelength(state, constants)
        if moved == 0 or new_codelength >= old_codelength - min_improvement:
            break
        effective += 1
        old_codelength = new_codelength
    return effective


@jit
def place_linkless_nodes(net, labels, constants):
    """Move every node without links, but with teleportation flow, into the
    module where it codes shortest (only recorded teleportation gives such
    nodes a reason to join a module); return the new labels, dense ``0..k-1``."""
    graph, node_data, node_enter, node_exit, phys, meta = net
    indptr = graph.indptr
    node_tele = node_data.tele_source
    state = new_partition(net, labels)
    labels_now, modules, members, empty, num_empty, terms, memory, meta_state = state
    n = labels.shape[0]
    for i in range(n):
        if indptr[i + 1] > indptr[i] or node_tele[i] <= 0.0:
            continue
        old = labels_now[i]
        delta_old = _teleport_delta_old(state, node_data, i)
        best_module = old
        best_delta = -MIN_SINGLE_NODE_IMPROVEMENT
        best_flow = 0.0
        for m in range(n):
            if members[m] == 0 or m == old:
                continue
            delta_new = _teleport_delta_new(state, node_data, i, m)
            delta = mapeq.move_delta(terms, constants[mapeq.EXIT_NETWORK_FLOW],
                                     node_data.flow[i], node_enter[i], node_exit[i],
                                     modules[old, FLOW], modules[old, ENTER], modules[old, EXIT],
                                     modules[m, FLOW], modules[m, ENTER], modules[m, EXIT],
                                     delta_old, delta_new)
            delta -= mem.move_delta(memory, phys, i, old, m)
            delta += md.move_delta(meta_state, meta, i, old, m)
            if members[old] == 1:
                delta += mapeq.count_change(n - num_empty[0], -1, constants)
            if delta < best_delta:
                best_module = m
                best_delta = delta
                best_flow = delta_new
        if best_module != old:
            _move(net, state, i, best_module, delta_old, best_flow)
    return compact_labels(labels_now)
