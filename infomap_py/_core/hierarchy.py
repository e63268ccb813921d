"""The multilevel search: super-modules above a two-level partition, and
sub-modules found recursively below it; and for the two-level search, the
merging of modules that super-modules propose (:func:`merge_modules`).

A *module tree* is held in flat arrays: ``parent[t]`` is the tree module
that holds tree module ``t`` (the root is 0, with parent -1) and
``leaf_module[i]`` the tree module that holds leaf ``i``.  A module holds
either sub-modules or leaves.  Kernels here grow such a tree; the
codelength of a tree is computed in :mod:`.tree`.
"""

import numpy as np

from . import mapeq
from ._jit import jit
from .coarsen import aggregate, compact_labels, members_by_label, module_flows, subnetwork
from .search import AGGREGATED_LOOP_LIMIT, CORE_LOOP_LIMIT, MIN_IMPROVEMENT, partition, \
    total_codelength

#: Tuning rounds of the two-level search inside a module being split: one
#: fine-tuning round.  Coarse-tuning there doubled the time of the
#: multilevel search for no codelength gain on the benchmarks
#: (``benchmarks/bench_hierarchy.py``, the example and shared networks).
SUBMODULE_TUNE_LIMIT = 1


@jit
def super_levels(graph, node_data, node_enter, node_exit, exit_flow, labels, num_modules,
                 rng, level_limit):
    """Find super-modules of the modules in ``labels``, level after level.

    The modules become nodes whose flow is their enter flow, and a two-level
    search on that network of modules proposes super-modules; they are
    kept while they shorten the index codebook (the codebook that names the
    modules), at most ``level_limit`` levels (0: no limit).  Return a list
    of label arrays: the first maps every module to its super-module, the
    next every super-module to its own, and so on.
    """
    _, enter, exit_, tele, tw = module_flows(graph, node_data, node_enter, node_exit,
                                             labels, num_modules)
    return module_super_levels(aggregate(graph, labels, num_modules), enter, exit_, tele, tw,
                               exit_flow, rng, level_limit)


@jit
def module_super_levels(level_graph, enter, exit_, tele, tw, exit_flow, rng, level_limit):
    """:func:`super_levels` on the network of modules: its flow graph
    ``level_graph`` and the modules' enter, exit and teleportation flows."""
    levels = [np.zeros(0, dtype=np.int64)]
    levels.pop()
    k = enter.shape[0]
    index_length = mapeq.codebook_length(exit_flow, enter.sum(), mapeq.entropy_terms(enter))
    while k > 2 and (level_limit == 0 or len(levels) < level_limit):
        level_data = (enter.copy(), tele, tw)
        constants = np.array([mapeq.entropy_terms(enter), exit_flow])
        super_labels, num_super, length, _ = partition(
            level_graph, level_data, enter, exit_, constants, np.arange(k), k, rng,
            AGGREGATED_LOOP_LIMIT, 0, True)
        if num_super == 1 or num_super == k or not length < index_length - MIN_IMPROVEMENT:
            break
        levels.append(super_labels)
        _, enter, exit_, tele, tw = module_flows(level_graph, level_data, enter, exit_,
                                                 super_labels, num_super)
        level_graph = aggregate(level_graph, super_labels, num_super)
        index_length = mapeq.codebook_length(exit_flow, enter.sum(),
                                             mapeq.entropy_terms(enter))
        sizes = np.bincount(super_labels)
        k = num_super
        if (sizes > 1).sum() <= 1:
            break
    return levels


@jit
def merge_modules(graph, node_data, node_enter, node_exit, constants, labels, num_modules,
                  rng):
    """Merge groups of modules that no single-node move brings together.

    A two-level search on the network of modules (the first level of
    :func:`super_levels`) groups the modules; a group is merged into one
    module where that shortens the two-level codelength, the groups that
    gain most first (each merge is scored again against the merges made
    before it).  Merging two triangles of a chain of three may cost bits
    where merging all three pays: no move of a node, or of a module during
    aggregation, reaches that.  Return ``(labels, num_modules)``, the input
    labels when nothing merges.
    """
    flow, enter, exit_, tele, tw = module_flows(graph, node_data, node_enter, node_exit,
                                                labels, num_modules)
    level_graph = aggregate(graph, labels, num_modules)
    levels = module_super_levels(level_graph, enter, exit_, tele, tw,
                                 constants[mapeq.EXIT_NETWORK_FLOW], rng, 1)
    if len(levels) == 0:
        return labels, num_modules
    groups = levels[0]
    num_groups = int(groups.max()) + 1
    # Each group's flows as one module, from the network of modules.
    group_flow, group_enter, group_exit, _, _ = module_flows(
        level_graph, (flow, tele, tw), enter, exit_, groups, num_groups)
    start, members = members_by_label(groups, num_groups)
    terms = mapeq.init_terms(flow, enter, exit_, num_modules)
    length = mapeq.codelength(terms, constants)
    # What merging each group alone gains; then the groups that gain most first.
    gain = np.zeros(num_groups)
    for g in range(num_groups):
        if start[g + 1] - start[g] > 1:
            gain[g] = length - mapeq.codelength(
                _merged_terms(terms, flow, enter, exit_, members[start[g]:start[g + 1]],
                              group_flow[g], group_enter[g], group_exit[g]), constants)
    target = np.arange(num_modules)
    merged = False
    for g in np.argsort(-gain):
        if not gain[g] > MIN_IMPROVEMENT:
            break
        group = members[start[g]:start[g + 1]]
        new_terms = _merged_terms(terms, flow, enter, exit_, group, group_flow[g],
                                  group_enter[g], group_exit[g])
        new_length = mapeq.codelength(new_terms, constants)
        if new_length < length - MIN_IMPROVEMENT:
            terms, length = new_terms, new_length
            for m in group:
                target[m] = group[0]
            merged = True
    if not merged:
        return labels, num_modules
    target, k = compact_labels(target)
    return target[labels], k


@jit
def _merged_terms(terms, flow, enter, exit_, group, group_flow, group_enter, group_exit):
    """Return the map equation's running sums with the modules in ``group``
    replaced by one module of ``group_flow``, ``group_enter`` and ``group_exit``."""
    terms = terms.copy()
    for m in group:
        plogp_enter, plogp_exit, plogp_exit_flow = mapeq.module_plogps(flow[m], enter[m],
                                                                       exit_[m])
        mapeq.remove_module_terms(terms, enter[m], plogp_enter, plogp_exit, plogp_exit_flow)
    mapeq.add_module_terms(terms, group_flow, group_enter, group_exit)
    return terms


@jit
def top_super_modules(graph, node_data, node_enter, node_exit, exit_flow, labels,
                      num_modules, rng):
    """Return ``(labels, k)``: every leaf's coarsest super-module (its
    module when no super-modules pay)."""
    levels = super_levels(graph, node_data, node_enter, node_exit, exit_flow, labels,
                          num_modules, rng, 0)
    labels = labels.copy()
    k = num_modules
    for level in levels:
        labels = level[labels]
        k = int(level.max()) + 1
    return labels, k


@jit
def split_module(graph, node_data, node_enter, node_exit, exit_flow, rng):
    """Partition the sub-network of one module, whose flow leaves it at rate
    ``exit_flow``: a two-level search from single leaves (fine-tuned once,
    see ``SUBMODULE_TUNE_LIMIT``), then super-modules, keeping the coarsest.
    Return ``(labels, k, codelength)`` where the codelength counts the
    module's new index codebook and the codebooks of its new sub-modules."""
    n = node_data[0].shape[0]
    constants = np.array([mapeq.entropy_terms(node_data[0]), exit_flow])
    labels, k, length, _ = partition(graph, node_data, node_enter, node_exit, constants,
                                     np.arange(n), n, rng, CORE_LOOP_LIMIT,
                                     SUBMODULE_TUNE_LIMIT, True)
    n = labels.shape[0]
    if k == 1 or k == n:
        return labels, k, length
    labels, k = top_super_modules(graph, node_data, node_enter, node_exit, exit_flow, labels,
                                  k, rng)
    length = total_codelength(graph, node_data, node_enter, node_exit, constants, labels, k)
    return labels, k, length


@jit
def split_one(graph, node_data, node_enter, node_exit, nodes, local, seed):
    """Split the module of ``nodes`` if that shortens its codelength; return
    ``(labels, k)``, ``k == 0`` when it stays whole.  ``local`` is scratch
    for :func:`subnetwork` (all -1, left so)."""
    size = nodes.shape[0]
    empty = np.zeros(0, dtype=np.int64)
    if size <= 2:
        return empty, 0
    sub_graph = subnetwork(graph, nodes, local)
    sub_data = (node_data[0][nodes], node_data[1][nodes], node_data[2][nodes])
    sub_enter = node_enter[nodes]
    sub_exit = node_exit[nodes]
    _, _, whole_exit, _, _ = module_flows(sub_graph, sub_data, sub_enter, sub_exit,
                                          np.zeros(size, dtype=np.int64), 1)
    exit_flow = whole_exit[0]
    old_length = mapeq.one_level_codelength(sub_data[0], exit_flow)
    rng = np.array([seed], dtype=np.uint64)
    labels, k, length = split_module(sub_graph, sub_data, sub_enter, sub_exit, exit_flow, rng)
    if k == 1 or k == size or not length < old_length - MIN_IMPROVEMENT:
        return empty, 0
    return labels, k


@jit
def split_modules(graph, node_data, node_enter, node_exit, start, members, queue, seeds,
                  sub_labels, num_sub):
    """Try to split every module in ``queue``; write the sub-module of every
    leaf into ``sub_labels`` (by its place in ``members``; left as it is
    where its module stays whole) and the number of sub-modules into
    ``num_sub`` (0: whole).  Threads may run it on disjoint parts of a queue
    (the GIL is released); each module draws from its own ``seeds`` entry."""
    local = np.full(members.shape[0], -1, dtype=np.int64)
    for q in range(queue.shape[0]):
        m = queue[q]
        labels, k = split_one(graph, node_data, node_enter, node_exit,
                              members[start[m]:start[m + 1]], local, seeds[q])
        num_sub[q] = k
        for j in range(labels.shape[0]):
            sub_labels[start[m] + j] = labels[j]


@jit
def attach_submodules(parent, leaf_module, num_tree, start, members, queue, sub_labels,
                      num_sub):
    """Add the sub-modules found for the modules in ``queue`` to the tree
    (in place); return ``(num_tree, next_queue)``, the new sub-modules."""
    next_queue = np.empty(num_sub.sum(), dtype=np.int64)
    num_next = 0
    for q in range(queue.shape[0]):
        m = queue[q]
        k = num_sub[q]
        if k == 0:
            continue
        for s in range(k):
            parent[num_tree + s] = m
            next_queue[num_next] = num_tree + s
            num_next += 1
        for j in range(start[m], start[m + 1]):
            leaf_module[members[j]] = num_tree + sub_labels[j]
        num_tree += k
    return num_tree, next_queue
