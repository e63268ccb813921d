"""The metadata map equation's data: a category per node, coded per module.

With metadata every module also codes the categories of its nodes, at the
rate the walker visits them: a module whose nodes carry meta flow
:math:`f_{m,c}` of category :math:`c` (in all :math:`F_m = \\sum_c f_{m,c}`)
adds ``rate * (plogp(F_m) - sum_c plogp(f_{m,c}))`` bits, its meta flow
times the entropy of its categories (see :mod:`.mapeq`).  A node's meta flow
is its flow, or ``1 / N`` on every node with unweighted metadata.

The kernels here keep those flows: which categories every node holds, with
its meta flow in each (:data:`MetaNodes`, on the :data:`~.coarsen.FlowNet`;
several for a module aggregated into a node), and, during a core loop, the
meta flow of every category in every module (:data:`MetaState`, on the
:data:`~.moves.ModuleState`), with the change of the metadata term when a
node moves.

A network without metadata has ``None`` in both places; every kernel here
takes that ``None`` first and has a stand-in (:func:`._jit.unless_none`)
chosen by type, so that runs without metadata never compile the code below.
"""

from collections import namedtuple

import numpy as np

from . import mapeq
from ._jit import jit, unless_none
from .memory import aggregate_physical

#: The categories of every node: node ``u`` holds categories
#: ``ids[start[u]:start[u + 1]]`` (no category twice) with its meta flow in
#: each (``flow``); ``rate`` weighs the metadata term in the codelength.
#: ``None`` without metadata.
MetaNodes = namedtuple("MetaNodes", "start ids flow rate")

#: The meta flow of every category in every module during a core loop: an
#: open-addressing hash table (linear probing, ``mask + 1`` slots) keyed by
#: ``module * num_ids + category`` (``keys``, -1 where empty), with the meta
#: flow (``flow``) and the number of nodes that bring the category into the
#: module (``count``); ``total`` is every module's meta flow.  ``None``
#: without metadata.
MetaState = namedtuple("MetaState", "keys flow count total num_ids mask shift")

_GOLDEN = 11400714819323198485  # 2**64 / golden ratio: Fibonacci hashing


@unless_none(lambda meta: False)
def is_meta(meta):
    """Whether ``meta`` (:data:`MetaNodes` or ``None``) holds metadata."""
    return True


@jit
def _num_ids(meta):
    """One more than the largest category id."""
    largest = -1
    for e in range(meta.ids.shape[0]):
        largest = max(largest, meta.ids[e])
    return largest + 1


@unless_none(lambda meta, labels, num_modules: None)
def aggregate_meta(meta, labels, num_modules):
    """Return the :data:`MetaNodes` of the modules of ``labels``: each
    module holds the categories of its members, with their meta flows summed."""
    summed = aggregate_physical(meta, labels, num_modules)
    return MetaNodes(summed.start, summed.ids, summed.flow, meta.rate)


@unless_none(lambda meta, nodes: None)
def subnetwork_meta(meta, nodes):
    """Return the :data:`MetaNodes` of ``nodes`` (categories keep their ids)."""
    k = nodes.shape[0]
    start = np.zeros(k + 1, dtype=np.int64)
    for j in range(k):
        u = nodes[j]
        start[j + 1] = start[j] + meta.start[u + 1] - meta.start[u]
    ids = np.empty(start[k], dtype=np.int64)
    flow = np.empty(start[k])
    pos = 0
    for j in range(k):
        u = nodes[j]
        for e in range(meta.start[u], meta.start[u + 1]):
            ids[pos] = meta.ids[e]
            flow[pos] = meta.flow[e]
            pos += 1
    return MetaNodes(start, ids, flow, meta.rate)


@unless_none(lambda meta, labels, num_modules: 0.0)
def meta_term(meta, labels, num_modules):
    """Return the metadata term of a partition: ``rate`` times the sum over
    modules of ``plogp(F_m) - sum_c plogp(f_{m,c})`` (0 without metadata)."""
    summed = aggregate_physical(meta, labels, num_modules)
    term = 0.0
    for m in range(num_modules):
        total = 0.0
        for e in range(summed.start[m], summed.start[m + 1]):
            total += summed.flow[e]
            term -= mapeq.plogp(summed.flow[e])
        term += mapeq.plogp(total)
    return meta.rate * term


@unless_none(lambda meta, labels, num_modules: None)
def module_meta_terms(meta, labels, num_modules):
    """Return every module's metadata term (``rate`` times its meta flow
    times the entropy of its categories)."""
    summed = aggregate_physical(meta, labels, num_modules)
    terms = np.zeros(num_modules)
    for m in range(num_modules):
        total = 0.0
        term = 0.0
        for e in range(summed.start[m], summed.start[m + 1]):
            total += summed.flow[e]
            term -= mapeq.plogp(summed.flow[e])
        terms[m] = meta.rate * (term + mapeq.plogp(total))
    return terms


@jit
def _home(state, key):
    """The slot where ``key`` would sit in an empty table."""
    return np.int64((np.uint64(key) * np.uint64(_GOLDEN)) >> np.uint64(state.shift))


@jit
def _find(state, m, c):
    """Return the slot of category ``c`` in module ``m``, or -1."""
    key = m * state.num_ids + c
    s = _home(state, key)
    keys = state.keys
    while keys[s] >= 0:
        if keys[s] == key:
            return s
        s = (s + 1) & state.mask
    return -1


@jit
def _flow_of(state, m, c):
    """The meta flow of category ``c`` in module ``m`` (0 if it has none)."""
    s = _find(state, m, c)
    if s < 0:
        return 0.0
    return state.flow[s]


@jit
def _add(state, m, c, f):
    """Add one node's meta flow ``f`` of category ``c`` to module ``m``."""
    key = m * state.num_ids + c
    keys = state.keys
    s = _home(state, key)
    while keys[s] >= 0 and keys[s] != key:
        s = (s + 1) & state.mask
    if keys[s] < 0:
        keys[s] = key
        state.flow[s] = 0.0
        state.count[s] = 0
    state.flow[s] += f
    state.count[s] += 1


@jit
def _remove(state, m, c, f):
    """Take one node's meta flow ``f`` of category ``c`` out of module ``m``;
    the entry goes when no node brings the category any more (the slots
    after it shift back, so that no lookup stops early)."""
    s = _find(state, m, c)
    state.count[s] -= 1
    state.flow[s] -= f
    if state.count[s] > 0:
        return
    keys, mask = state.keys, state.mask
    hole = s
    j = s
    while True:
        j = (j + 1) & mask
        if keys[j] < 0:
            break
        home = _home(state, keys[j])
        # The entry at j may fill the hole unless its home lies cyclically in (hole, j].
        if hole <= j:
            stays = hole < home <= j
        else:
            stays = home > hole or home <= j
        if stays:
            continue
        keys[hole] = keys[j]
        state.flow[hole] = state.flow[j]
        state.count[hole] = state.count[j]
        hole = j
    keys[hole] = -1


@unless_none(lambda meta, labels: (None, 0.0))
def new_meta(meta, labels):
    """Return the :data:`MetaState` of ``labels`` (module ids below the
    number of nodes) and its metadata term."""
    n = labels.shape[0]
    entries = meta.ids.shape[0]
    bits = 1
    while (1 << bits) < 2 * entries:
        bits += 1
    size = 1 << bits
    state = MetaState(np.full(size, -1, dtype=np.int64), np.zeros(size),
                      np.zeros(size, dtype=np.int64), np.zeros(n), max(_num_ids(meta), 1),
                      size - 1, 64 - bits)
    for u in range(n):
        m = labels[u]
        for e in range(meta.start[u], meta.start[u + 1]):
            _add(state, m, meta.ids[e], meta.flow[e])
            state.total[m] += meta.flow[e]
    term = 0.0
    for s in range(size):
        if state.keys[s] >= 0:
            term -= mapeq.plogp(state.flow[s])
    for m in range(n):
        term += mapeq.plogp(state.total[m])
    return state, meta.rate * term


@jit
def _node_total(meta, i):
    total = 0.0
    for e in range(meta.start[i], meta.start[i + 1]):
        total += meta.flow[e]
    return total


@unless_none(lambda state, meta, i, old: 0.0)
def leave_delta(state, meta, i, old):
    """Return the change of the metadata term of module ``old`` when node
    ``i`` leaves it (0 without metadata)."""
    f_i = _node_total(meta, i)
    f_old = state.total[old]
    delta = mapeq.plogp(f_old - f_i) - mapeq.plogp(f_old)
    for e in range(meta.start[i], meta.start[i + 1]):
        f = _flow_of(state, old, meta.ids[e])
        delta -= mapeq.plogp(f - meta.flow[e]) - mapeq.plogp(f)
    return meta.rate * delta


@unless_none(lambda state, meta, i, new: 0.0)
def join_delta(state, meta, i, new):
    """Return the change of the metadata term of module ``new`` when node
    ``i`` joins it (0 without metadata)."""
    f_i = _node_total(meta, i)
    f_new = state.total[new]
    delta = mapeq.plogp(f_new + f_i) - mapeq.plogp(f_new)
    for e in range(meta.start[i], meta.start[i + 1]):
        f = _flow_of(state, new, meta.ids[e])
        delta -= mapeq.plogp(f + meta.flow[e]) - mapeq.plogp(f)
    return meta.rate * delta


@unless_none(lambda state, meta, i, old, new: 0.0)
def move_delta(state, meta, i, old, new):
    """Return the change of the metadata term when node ``i`` moves from
    module ``old`` to ``new`` (0 without metadata)."""
    return leave_delta(state, meta, i, old) + join_delta(state, meta, i, new)


@unless_none(lambda state, meta, i, old, new: 0.0)
def move(state, meta, i, old, new):
    """Move node ``i``'s categories from module ``old`` to ``new``; return
    the change of the metadata term (0 without metadata)."""
    delta = move_delta(state, meta, i, old, new)
    f_i = 0.0
    for e in range(meta.start[i], meta.start[i + 1]):
        c = meta.ids[e]
        f = meta.flow[e]
        f_i += f
        _remove(state, old, c, f)
        _add(state, new, c, f)
    state.total[old] -= f_i
    state.total[new] += f_i
    return delta
