"""The memory map equation's data: the physical nodes of a state network.

On a state (memory) network the module codebooks name *physical* nodes,
so a module's codelength depends on the flow of each physical node in it,
summed over its states there (see :mod:`.mapeq`).  The kernels here keep
those flows: which physical nodes every node holds (:data:`PhysNodes`, on
the :data:`~.coarsen.FlowNet`), how they add up when nodes are aggregated
or a module's sub-network is cut out, and, during a core loop, the flow of
every physical node in every module (:data:`MemoryState`, on the
:data:`~.moves.ModuleState`) with the change of the physical term when a
node moves.

A first-order network has ``None`` in both places.  Every kernel here takes
that ``None`` first and has a first-order stand-in (:func:`._jit.unless_none`)
that Numba picks when the caller compiles, so that first-order runs never
type or compile the code below.
"""

from collections import namedtuple

import numpy as np

from . import mapeq
from ._jit import jit, unless_none
from . import grouping

#: The physical nodes of every node of a state network: node ``u`` holds
#: physical nodes ``ids[start[u]:start[u + 1]]`` with the flow of its states
#: in each (``flow``): one entry for a state node, several for a module of
#: states aggregated into a node.  ``None`` on a first-order network, whose
#: nodes are their own physical nodes.
PhysNodes = namedtuple("PhysNodes", "start ids flow")

#: The physical nodes of every module of a state network: physical node
#: ``p``'s modules are ``module[start[p]:start[p] + size[p]]`` (in no
#: order), with the number of nodes of the level that bring ``p`` into each
#: (``count``) and the flow of ``p``'s states in each (``flow``).  The room
#: for ``p`` is the number of nodes of the level that hold ``p``: no more
#: modules can hold it.  ``None`` on a first-order network.
MemoryState = namedtuple("MemoryState", "start size module count flow")


@unless_none(lambda phys: False)
def is_memory(phys):
    """Whether ``phys`` (:data:`PhysNodes` or ``None``) describes a state network."""
    return True


@unless_none(lambda phys: 0)
def num_physical(phys):
    """The number of physical ids that :data:`PhysNodes` may name (one more
    than the largest); 0 for a first-order network."""
    largest = -1
    for e in range(phys.ids.shape[0]):
        largest = max(largest, phys.ids[e])
    return largest + 1


@unless_none(lambda phys, labels, num_modules: None)
def aggregate_physical(phys, labels, num_modules):
    """Return the :data:`PhysNodes` of the modules of ``labels``: each
    module holds the physical nodes of its members, with their flows summed
    (members in node order, each physical node where it first appears)."""
    start, ids, flow, count = _sum_by_module(phys, labels, num_modules)
    return PhysNodes(start, ids[:count].copy(), flow[:count].copy())


@jit
def _sum_by_module(phys, labels, num_modules):
    """Return ``(start, ids, flow, count)``: the physical nodes of the
    modules of ``labels`` as :func:`aggregate_physical` lists them, in
    buffers of which the first ``count`` entries are used.

    The entries are read in node order (a stream, not a jump from member
    to member) and copied to their module's place, which lists them in the
    order of its members; then each module's entries of one physical node
    are summed in place, in that order."""
    entry_start = np.zeros(num_modules + 1, dtype=np.int64)
    for u in range(labels.shape[0]):
        entry_start[labels[u] + 1] += phys.start[u + 1] - phys.start[u]
    for a in range(num_modules):
        entry_start[a + 1] += entry_start[a]
    ids = np.empty(phys.ids.shape[0], dtype=np.int64)
    flow = np.empty(phys.ids.shape[0])
    fill = entry_start[:-1].copy()
    for u in range(labels.shape[0]):
        pos = fill[labels[u]]
        for e in range(phys.start[u], phys.start[u + 1]):
            ids[pos] = phys.ids[e]
            flow[pos] = phys.flow[e]
            pos += 1
        fill[labels[u]] = pos
    new_start, count = grouping.merge_repeated_keys(entry_start, ids, flow, flow,
                                                    num_physical(phys))
    return new_start, ids, flow, count


@unless_none(lambda phys, node_flow: node_flow)
def physical_flow(phys, node_flow):
    """Return the flow of every physical node: summed over the states of a
    state network, the node flow itself for a first-order network."""
    flow = np.zeros(num_physical(phys))
    for e in range(phys.ids.shape[0]):
        flow[phys.ids[e]] += phys.flow[e]
    return flow


@unless_none(lambda phys, labels, num_modules: 0.0)
def physical_term(phys, labels, num_modules):
    """Return the physical term of a partition of a state network:
    ``sum(plogp(flow))`` over every physical node in every module (0 for a
    first-order network, whose node term is constant)."""
    _, _, flow, count = _sum_by_module(phys, labels, num_modules)
    return mapeq.entropy_terms(flow[:count])


@unless_none(lambda phys, nodes, local_phys: None)
def subnetwork_physical(phys, nodes, local_phys):
    """Return the :data:`PhysNodes` of ``nodes``, with physical ids
    renumbered from 0 in order of appearance (``local_phys``: scratch of
    -1s, one per physical id, left as it was found)."""
    k = nodes.shape[0]
    start = np.zeros(k + 1, dtype=np.int64)
    for j in range(k):
        u = nodes[j]
        start[j + 1] = start[j] + phys.start[u + 1] - phys.start[u]
    ids = np.empty(start[k], dtype=np.int64)
    flow = np.empty(start[k])
    num = 0
    pos = 0
    for j in range(k):
        u = nodes[j]
        for e in range(phys.start[u], phys.start[u + 1]):
            p = phys.ids[e]
            if local_phys[p] < 0:
                local_phys[p] = num
                num += 1
            ids[pos] = local_phys[p]
            flow[pos] = phys.flow[e]
            pos += 1
    for j in range(k):
        u = nodes[j]
        for e in range(phys.start[u], phys.start[u + 1]):
            local_phys[phys.ids[e]] = -1
    return PhysNodes(start, ids, flow)


@unless_none(lambda phys, labels, members: (None, 0.0))
def new_memory(phys, labels, members):
    """Return the :data:`MemoryState` of ``labels`` (``members``: nodes per
    module) and its physical term, ``sum(plogp(flow))`` over every physical
    node in every module (``(None, 0.0)`` for a first-order network)."""
    num = num_physical(phys)
    start = np.zeros(num + 1, dtype=np.int64)
    for e in range(phys.ids.shape[0]):
        start[phys.ids[e] + 1] += 1
    for p in range(num):
        start[p + 1] += start[p]
    total = start[num]
    size = np.zeros(num, dtype=np.int64)
    module = np.empty(total, dtype=np.int64)
    count = np.empty(total, dtype=np.int64)
    flow = np.empty(total)
    # Modules of one node each cannot share a physical node between nodes.
    shared = False
    for m in range(members.shape[0]):
        if members[m] > 1:
            shared = True
            break
    for u in range(labels.shape[0]):
        m = labels[u]
        for e in range(phys.start[u], phys.start[u + 1]):
            p = phys.ids[e]
            s = -1
            if shared:
                s = _find_module(start, size, module, p, m)
            if s < 0:
                s = start[p] + size[p]
                size[p] += 1
                module[s] = m
                count[s] = 0
                flow[s] = 0.0
            count[s] += 1
            flow[s] += phys.flow[e]
    term = 0.0
    for p in range(num):
        for s in range(start[p], start[p] + size[p]):
            term += mapeq.plogp(flow[s])
    return MemoryState(start, size, module, count, flow), term


@jit
def _find_module(start, size, module, p, m):
    """Return the entry of module ``m`` among physical node ``p``'s, or -1."""
    for s in range(start[p], start[p] + size[p]):
        if module[s] == m:
            return s
    return -1


@unless_none(lambda memory, phys, i, old, new: 0.0)
def move_delta(memory, phys, i, old, new):
    """Return the change of the physical term when node ``i`` moves from
    module ``old`` to ``new`` (the memory state is not changed; 0 for a
    first-order network)."""
    start, size, module, flow = memory.start, memory.size, memory.module, memory.flow
    delta = 0.0
    for e in range(phys.start[i], phys.start[i + 1]):
        p = phys.ids[e]
        f = phys.flow[e]
        s = _find_module(start, size, module, p, old)
        delta += mapeq.plogp(flow[s] - f) - mapeq.plogp(flow[s])
        s = _find_module(start, size, module, p, new)
        if s >= 0:
            delta += mapeq.plogp(flow[s] + f) - mapeq.plogp(flow[s])
        else:
            delta += mapeq.plogp(f)
    return delta


@unless_none(lambda memory, phys, i, old, new: 0.0)
def move(memory, phys, i, old, new):
    """Move node ``i``'s physical nodes from module ``old`` to ``new`` in
    the memory state; return the change of the physical term (0 for a
    first-order network)."""
    start, size, module, count, flow = memory
    delta = 0.0
    for e in range(phys.start[i], phys.start[i + 1]):
        p = phys.ids[e]
        f = phys.flow[e]
        s = _find_module(start, size, module, p, old)
        delta += mapeq.plogp(flow[s] - f) - mapeq.plogp(flow[s])
        count[s] -= 1
        flow[s] -= f
        if count[s] == 0:
            last = start[p] + size[p] - 1
            module[s] = module[last]
            count[s] = count[last]
            flow[s] = flow[last]
            size[p] -= 1
        s = _find_module(start, size, module, p, new)
        if s < 0:
            s = start[p] + size[p]
            size[p] += 1
            module[s] = new
            count[s] = 0
            flow[s] = 0.0
        delta += mapeq.plogp(flow[s] + f) - mapeq.plogp(flow[s])
        count[s] += 1
        flow[s] += f
    return delta


@unless_none(lambda memory, phys, scratch, i, old, num_candidates: (num_candidates, 0.0))
def add_candidates(memory, phys, scratch, i, old, num_candidates):
    """Add the modules that hold a physical node of node ``i`` to its
    candidates (after those ``num_candidates`` its links found); return the
    new number of candidates and the part of the change of the physical term
    that no candidate changes (``(num_candidates, 0.0)`` for a first-order
    network).

    Moving ``i`` (with flow ``f`` of physical node ``p``) from ``old`` to
    ``new`` changes the term by ``plogp(F_old - f) - plogp(F_old)`` plus
    ``plogp(F_new + f) - plogp(F_new)``, which is ``plogp(f)`` where ``new``
    holds none of ``p``: the first and ``plogp(f)`` are returned, and each
    candidate that holds ``p`` gets the rest in ``scratch.mem``.
    """
    start, size, module, _, flow = memory
    scratch_slot, scratch_module, scratch_mem = scratch.slot, scratch.module, scratch.mem
    leave = 0.0
    for e in range(phys.start[i], phys.start[i + 1]):
        p = phys.ids[e]
        f = phys.flow[e]
        plogp_f = mapeq.plogp(f)
        leave += plogp_f
        for entry in range(start[p], start[p] + size[p]):
            m = module[entry]
            if m == old:
                leave += mapeq.plogp(flow[entry] - f) - mapeq.plogp(flow[entry])
                continue
            s = scratch_slot[m]
            if s < 0 or s >= num_candidates or scratch_module[s] != m:
                s = num_candidates
                scratch_slot[m] = s
                scratch_module[s] = m
                scratch.flow[s] = 0.0
                scratch.out[s] = 0.0
                scratch_mem[s] = 0.0
                num_candidates += 1
            scratch_mem[s] += mapeq.plogp(flow[entry] + f) - mapeq.plogp(flow[entry]) - plogp_f
    return num_candidates, leave
