"""The multilevel search: super-modules above a two-level partition, and
sub-modules found recursively below it.

A *module tree* is held in flat arrays: ``parent[t]`` is the tree module
that holds tree module ``t`` (the root is 0, with parent -1) and
``leaf_module[i]`` the tree module that holds leaf ``i``.  A module holds
either sub-modules or leaves.  Kernels here grow such a tree; the
codelength of a tree is computed in :mod:`.tree`.
"""

import numpy as np

from . import mapeq
from ._jit import jit
from .coarsen import aggregate, members_by_label, module_flows
from .search import AGGREGATED_LOOP_LIMIT, MIN_IMPROVEMENT, _subnetwork, partition, \
    total_codelength


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
    levels = [np.zeros(0, dtype=np.int64)]
    levels.pop()
    flow, enter, exit_, tele, tw = module_flows(graph, node_data, node_enter, node_exit,
                                                labels, num_modules)
    level_graph = aggregate(graph, labels, num_modules)
    index_length = mapeq.codebook_length(exit_flow, enter.sum(), mapeq.entropy_terms(enter))
    k = num_modules
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
    """Partition the sub-network of one module: a two-level search, then
    super-modules, keeping the coarsest.  Return ``(labels, k,
    codelength)`` where the codelength counts the module's new index
    codebook and the codebooks of its new sub-modules."""
    n = node_data[0].shape[0]
    constants = np.array([mapeq.entropy_terms(node_data[0]), exit_flow])
    labels, k, length, _ = partition(graph, node_data, node_enter, node_exit, constants,
                                     np.arange(n), n, rng, AGGREGATED_LOOP_LIMIT, 0, True)
    if k == 1 or k == n:
        return labels, k, length
    labels, k = top_super_modules(graph, node_data, node_enter, node_exit, exit_flow, labels,
                                  k, rng)
    length = total_codelength(graph, node_data, node_enter, node_exit, constants, labels, k)
    return labels, k, length


@jit
def recursive_partition(graph, node_data, node_enter, node_exit, parent, leaf_module,
                        num_tree, queue, rng, level_limit):
    """Split the modules in ``queue`` into sub-modules, and those in turn,
    level after level, while that shortens their codelength.

    ``parent`` has room for every module the tree can get (two per leaf);
    modules of two leaves or fewer are left alone.  Return ``(parent,
    leaf_module, num_tree)``.  The work is a queue per level, not a
    recursion, so deep trees cost no stack.
    """
    node_flow = node_data[0]
    n = node_flow.shape[0]
    local = np.full(n, -1, dtype=np.int64)
    leaf_module = leaf_module.copy()
    parent = parent.copy()
    depth = 0
    while queue.shape[0] > 0 and (level_limit == 0 or depth < level_limit):
        depth += 1
        start, members = members_by_label(leaf_module, num_tree)
        next_queue = np.empty(n, dtype=np.int64)
        num_next = 0
        for q in range(queue.shape[0]):
            m = queue[q]
            nodes = members[start[m]:start[m + 1]]
            size = nodes.shape[0]
            if size <= 2:
                continue
            sub_graph = _subnetwork(graph, nodes, local)
            sub_data = (node_flow[nodes], node_data[1][nodes], node_data[2][nodes])
            sub_enter = node_enter[nodes]
            sub_exit = node_exit[nodes]
            _, _, whole_exit, _, _ = module_flows(sub_graph, sub_data, sub_enter, sub_exit,
                                                  np.zeros(size, dtype=np.int64), 1)
            exit_flow = whole_exit[0]
            old_length = mapeq.one_level_codelength(sub_data[0], exit_flow)
            labels, k, length = split_module(sub_graph, sub_data, sub_enter, sub_exit,
                                             exit_flow, rng)
            if k == 1 or k == size or not length < old_length - MIN_IMPROVEMENT:
                continue
            for s in range(k):
                parent[num_tree + s] = m
                next_queue[num_next] = num_tree + s
                num_next += 1
            for j in range(size):
                leaf_module[nodes[j]] = num_tree + labels[j]
            num_tree += k
        queue = next_queue[:num_next].copy()
    return parent, leaf_module, num_tree
