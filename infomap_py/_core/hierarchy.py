"""Kernels of the multilevel search (driven from :mod:`infomap_py.multilevel`):
the codebook length of a level of modules, the merging of groups of modules,
and the growth of a module tree by the sub-modules found for its modules.

A *module tree* is held in flat arrays: ``parent[t]`` is the tree module
that holds tree module ``t`` (the root is 0, with parent -1) and
``leaf_module[i]`` the tree module that holds leaf ``i``.  A module holds
either sub-modules or leaves.  The codelength of a tree is computed in
:mod:`.tree`.
"""

import numpy as np

from . import mapeq
from ._jit import jit
from .coarsen import FlowNet, NodeFlows, compact_labels, members_by_label, module_flows
from .search import MIN_IMPROVEMENT


@jit
def index_codebook_length(enter, exit_flow):
    """The length of the index codebook that names modules entered at
    rates ``enter`` in a network left at rate ``exit_flow``."""
    return mapeq.codebook_length(exit_flow, enter.sum(), mapeq.entropy_terms(enter))


@jit
def merge_groups(level_graph, flows, constants, labels, num_modules, groups):
    """Merge the modules of each group in ``groups`` (a group label per
    module of ``labels``) into one module where that shortens the two-level
    codelength, the groups that gain most first (each merge scored again
    against the merges made before it); return ``(labels, num_modules)``,
    the input labels when nothing merges.  ``level_graph`` is the network
    of modules and ``flows`` their :data:`~.coarsen.ModuleFlows`.
    """
    flow, enter, exit_ = flows.flow, flows.enter, flows.exit
    num_groups = int(groups.max()) + 1
    # Each group's flows as one module, from the network of modules.
    level = FlowNet(level_graph, NodeFlows(flow, flows.tele_source, flows.tele_weight), enter,
                    exit_, None)
    group_flow, group_enter, group_exit, _, _ = module_flows(level, groups, num_groups)
    start, members = members_by_label(groups, num_groups)
    terms = mapeq.init_terms(flow, enter, exit_, num_modules)
    # The biased map equation's terms follow the number of modules.
    k = num_modules
    length = mapeq.codelength(terms, constants) + mapeq.module_count_cost(k, constants)
    # What merging each group alone gains; then the groups that gain most first.
    gain = np.zeros(num_groups)
    for g in range(num_groups):
        size = start[g + 1] - start[g]
        if size > 1:
            gain[g] = length - mapeq.codelength(
                _merged_terms(terms, flow, enter, exit_, members[start[g]:start[g + 1]],
                              group_flow[g], group_enter[g], group_exit[g]), constants
            ) - mapeq.module_count_cost(k - size + 1, constants)
    target = np.arange(num_modules)
    merged = False
    for g in np.argsort(-gain):
        if not gain[g] > MIN_IMPROVEMENT:
            break
        group = members[start[g]:start[g + 1]]
        new_terms = _merged_terms(terms, flow, enter, exit_, group, group_flow[g],
                                  group_enter[g], group_exit[g])
        new_k = k - group.shape[0] + 1
        new_length = (mapeq.codelength(new_terms, constants)
                      + mapeq.module_count_cost(new_k, constants))
        if new_length < length - MIN_IMPROVEMENT:
            terms, length, k = new_terms, new_length, new_k
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
def attach_submodules(parent, leaf_module, num_tree, start, members, queue, sub_labels,
                      num_sub):
    """Add the sub-modules found for the modules in ``queue`` to the tree
    (in place); return ``(num_tree, next_queue)``, the new sub-modules.
    ``sub_labels`` holds every leaf's sub-module and ``num_sub`` the number
    of sub-modules of each module in ``queue`` (0: it stays whole)."""
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
            leaf_module[members[j]] = num_tree + sub_labels[members[j]]
        num_tree += k
    return num_tree, next_queue
