"""Flows and codelength of a module tree (see :mod:`.hierarchy` for the arrays).

The multilevel map equation sums one codebook per module of the tree, the
root included: a module's codebook names its children (a sub-module by its
enter flow, a leaf by its flow) and its exit (by its exit flow).
"""

import numpy as np

from . import mapeq
from ._jit import jit


@jit
def module_depths(parent):
    """Return the depth of every tree module (the root has depth 0)."""
    num_tree = parent.shape[0]
    depth = np.full(num_tree, -1, dtype=np.int64)
    depth[0] = 0
    stack = np.empty(num_tree, dtype=np.int64)
    for t in range(num_tree):
        size = 0
        u = t
        while depth[u] < 0:
            stack[size] = u
            size += 1
            u = parent[u]
        for j in range(size - 1, -1, -1):
            depth[stack[j]] = depth[parent[stack[j]]] + 1
    return depth


@jit
def module_codelengths(node_flow, parent, leaf_module, enter, exit_):
    """Return the codebook length of every tree module (0 for the root's
    exit: the root has no exit codeword)."""
    num_tree = parent.shape[0]
    sum_rate = np.zeros(num_tree)
    sum_plogp = np.zeros(num_tree)
    for t in range(1, num_tree):
        sum_rate[parent[t]] += enter[t]
        sum_plogp[parent[t]] += mapeq.plogp(enter[t])
    for i in range(leaf_module.shape[0]):
        sum_rate[leaf_module[i]] += node_flow[i]
        sum_plogp[leaf_module[i]] += mapeq.plogp(node_flow[i])
    lengths = np.empty(num_tree)
    for t in range(num_tree):
        exit_flow = exit_[t] if t > 0 else 0.0
        lengths[t] = mapeq.codebook_length(exit_flow, sum_rate[t], sum_plogp[t])
    return lengths


@jit
def _by_depth(depth):
    """Return the tree modules ordered by depth, top down, in id order
    within a depth (a counting sort: stable, like a merge sort)."""
    start = np.zeros(depth.max() + 2, dtype=np.int64)
    for t in range(depth.shape[0]):
        start[depth[t] + 1] += 1
    for d in range(1, start.shape[0]):
        start[d] += start[d - 1]
    order = np.empty(depth.shape[0], dtype=np.int64)
    for t in range(depth.shape[0]):
        order[start[depth[t]]] = t
        start[depth[t]] += 1
    return order


@jit
def dissolve_unpaid_modules(node_flow, parent, leaf_module, enter, exit_, min_improvement,
                            constants):
    """Dissolve every module of sub-modules whose codebook costs more than
    it saves: its sub-modules move up into its parent.  Under the biased
    map equation of the network's ``constants`` every module also costs its
    entropy correction, and a preferred number of modules weighs the number
    of top modules.  Return the new
    ``parent`` (dissolved modules keep an entry, with parent -2) and the
    number dissolved.  Modules are visited from the top down, so a
    sub-module that moves up is judged again in its new place."""
    num_tree = parent.shape[0]
    parent = parent.copy()
    depth = module_depths(parent)
    has_leaves = np.zeros(num_tree, dtype=np.bool_)
    for i in range(leaf_module.shape[0]):
        has_leaves[leaf_module[i]] = True
    sum_rate = np.zeros(num_tree)
    sum_plogp = np.zeros(num_tree)
    children = np.zeros(num_tree, dtype=np.int64)
    for t in range(1, num_tree):
        sum_rate[parent[t]] += enter[t]
        sum_plogp[parent[t]] += mapeq.plogp(enter[t])
        children[parent[t]] += 1
    order = _by_depth(depth)
    dissolved = 0
    for idx in range(num_tree):
        t = order[idx]
        if t == 0 or has_leaves[t] or children[t] == 0:
            continue
        p = parent[t]
        p_exit = exit_[p] if p > 0 else 0.0
        before = (mapeq.codebook_length(p_exit, sum_rate[p], sum_plogp[p])
                  + mapeq.codebook_length(exit_[t], sum_rate[t], sum_plogp[t]))
        rate = sum_rate[p] - enter[t] + sum_rate[t]
        plogp_rate = sum_plogp[p] - mapeq.plogp(enter[t]) + sum_plogp[t]
        after = (mapeq.codebook_length(p_exit, rate, plogp_rate)
                 - constants[mapeq.MODULE_CORRECTION])
        if p == 0:
            top = children[0]
            after += (mapeq.preference_cost(top + children[t] - 1, constants)
                      - mapeq.preference_cost(top, constants))
        if after < before - min_improvement:
            for c in range(1, num_tree):
                if parent[c] == t:
                    parent[c] = p
            sum_rate[p] = rate
            sum_plogp[p] = plogp_rate
            children[p] += children[t] - 1
            parent[t] = -2
            dissolved += 1
    return parent, dissolved
