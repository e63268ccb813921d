"""Local moves: the core loop of Infomap on one level of a flow graph.

Every node starts as (or is placed in) a module; nodes are visited in random
order and each moves to the neighbouring module (or an empty one) that
shortens the codelength most.  Module data live in flat arrays indexed by
module id ``0..n-1``; a stack holds the ids of the empty modules.
"""

import numpy as np

from . import mapeq
from ._jit import jit
from .coarsen import module_flows
from .rng import shuffle

#: A node moves only if that shortens the codelength by more than this.
MIN_SINGLE_NODE_IMPROVEMENT = 1e-16


@jit
def new_partition(graph, node_data, node_enter, node_exit, labels):
    """Return the module state for ``labels`` (module ids below the number of nodes).

    The state is ``(labels, module_flow, module_enter, module_exit,
    module_tele, module_tw, members, empty_stack, num_empty, terms)``
    where ``num_empty`` is a one-element array.
    """
    n = labels.shape[0]
    flow, enter, exit_, tele, tw = module_flows(
        graph, node_data, node_enter, node_exit, labels, n
    )
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
    return (labels.copy(), flow, enter, exit_, tele, tw, members, empty, num_empty, terms)


@jit
def sweep(graph, node_data, node_enter, node_exit, state, constants, dirty, order,
          scratch_slot, scratch_module, scratch_flow, skip_joined):
    """Try to move every dirty node once, in ``order``; return the number moved."""
    indptr, neighbours, out_flow, in_flow = graph
    node_flow, node_tele, node_tw = node_data
    labels, mflow, menter, mexit, mtele, mtw, members, empty, num_empty, terms = state
    num_moved = 0
    for idx in range(order.shape[0]):
        i = order[idx]
        if not dirty[i]:
            continue
        old = labels[i]
        if skip_joined and members[old] > 1:
            continue
        # Flow between node i and each neighbouring module.
        num_candidates = 0
        link_old = 0.0
        for e in range(indptr[i], indptr[i + 1]):
            m = labels[neighbours[e]]
            w = out_flow[e] + in_flow[e]
            if m == old:
                link_old += w
                continue
            s = scratch_slot[m]
            if s < 0 or s >= num_candidates or scratch_module[s] != m:
                s = num_candidates
                scratch_slot[m] = s
                scratch_module[s] = m
                scratch_flow[s] = 0.0
                num_candidates += 1
            scratch_flow[s] += w
        if members[old] > 1 and num_empty[0] > 0:
            scratch_module[num_candidates] = empty[num_empty[0] - 1]
            scratch_flow[num_candidates] = 0.0
            num_candidates += 1
        if num_candidates == 0:
            dirty[i] = False
            continue

        ti = node_tele[i]
        twi = node_tw[i]
        delta_old = link_old + ti * (mtw[old] - twi) + (mtele[old] - ti) * twi
        best_module = old
        best_delta = 0.0
        best_flow = 0.0
        strongest_module = old
        strongest_delta = 0.0
        strongest_link = 0.0
        strongest_flow = 0.0
        for c in range(num_candidates):
            m = scratch_module[c]
            delta_new = scratch_flow[c] + ti * mtw[m] + mtele[m] * twi
            delta = mapeq.move_delta(
                terms, node_flow[i], node_enter[i], node_exit[i],
                mflow[old], menter[old], mexit[old],
                mflow[m], menter[m], mexit[m],
                delta_old, delta_new,
            )
            if delta < best_delta - MIN_SINGLE_NODE_IMPROVEMENT:
                best_module = m
                best_delta = delta
                best_flow = delta_new
            if scratch_flow[c] > strongest_link:
                strongest_module = m
                strongest_delta = delta
                strongest_link = scratch_flow[c]
                strongest_flow = delta_new
        # Prefer the most strongly connected module if it is as good.
        if (strongest_module != best_module
                and strongest_delta <= best_delta + MIN_SINGLE_NODE_IMPROVEMENT):
            best_module = strongest_module
            best_delta = strongest_delta
            best_flow = strongest_flow

        if best_module == old:
            dirty[i] = False
            continue
        new = best_module
        if members[new] == 0:
            num_empty[0] -= 1
        if members[old] == 1:
            empty[num_empty[0]] = old
            num_empty[0] += 1
        mapeq.remove_module_terms(terms, mflow[old], menter[old], mexit[old])
        mapeq.remove_module_terms(terms, mflow[new], menter[new], mexit[new])
        mflow[old] -= node_flow[i]
        menter[old] += delta_old - node_enter[i]
        mexit[old] += delta_old - node_exit[i]
        mtele[old] -= ti
        mtw[old] -= twi
        mflow[new] += node_flow[i]
        menter[new] += node_enter[i] - best_flow
        mexit[new] += node_exit[i] - best_flow
        mtele[new] += ti
        mtw[new] += twi
        mapeq.add_module_terms(terms, mflow[old], menter[old], mexit[old])
        mapeq.add_module_terms(terms, mflow[new], menter[new], mexit[new])
        members[old] -= 1
        members[new] += 1
        labels[i] = new
        num_moved += 1
        for e in range(indptr[i], indptr[i + 1]):
            dirty[neighbours[e]] = True
    return num_moved


@jit
def core_loops(graph, node_data, node_enter, node_exit, state, constants, rng,
               loop_limit, min_improvement, skip_joined=False):
    """Repeat sweeps in random order until a sweep gains less than
    ``min_improvement`` bits or ``loop_limit`` sweeps ran; return the number
    of sweeps that improved the codelength."""
    n = node_data[0].shape[0]
    dirty = np.ones(n, dtype=np.bool_)
    order = np.arange(n)
    scratch_slot = np.full(n, -1, dtype=np.int64)
    scratch_module = np.empty(n + 1, dtype=np.int64)
    scratch_flow = np.empty(n + 1)
    terms = state[9]
    old_codelength = mapeq.codelength(terms, constants)
    effective = 0
    for _ in range(loop_limit):
        shuffle(rng, order)
        moved = sweep(graph, node_data, node_enter, node_exit, state, constants,
                      dirty, order, scratch_slot, scratch_module, scratch_flow,
                      skip_joined)
        new_codelength = mapeq.codelength(terms, constants)
        if moved == 0 or new_codelength >= old_codelength - min_improvement:
            break
        effective += 1
        old_codelength = new_codelength
    return effective
