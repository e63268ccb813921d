"""Nodes grouped by label: the counting sort that aggregation, the
physical-node sums of state networks and the split of modules share, and
the in-place sum of the entries of a group that name the same key (parallel
links, links to one module, states of one physical node)."""

import numpy as np

from ._jit import jit


@jit
def members_by_label(labels, num_modules):
    """Return ``(start, members)``: the nodes of module ``m`` are
    ``members[start[m]:start[m + 1]]`` (a counting sort of ``labels``)."""
    start = np.zeros(num_modules + 1, dtype=np.int64)
    for i in range(labels.shape[0]):
        start[labels[i] + 1] += 1
    for m in range(num_modules):
        start[m + 1] += start[m]
    fill = start[:-1].copy()
    members = np.empty(labels.shape[0], dtype=np.int64)
    for i in range(labels.shape[0]):
        members[fill[labels[i]]] = i
        fill[labels[i]] += 1
    return start, members


@jit
def merge_repeated_keys(start, keys, first, second, num_keys):
    """Sum, in place, the entries of each group that name the same key:
    group ``g`` holds entries ``start[g]:start[g + 1]`` of ``keys`` (each
    below ``num_keys``) with values ``first`` and ``second`` (one array
    where they are the same); each key keeps its first entry, where the
    values of its later ones are added in order, and the kept entries move
    to the front.  Return ``(new_start, count)``: the groups' entries are
    now ``new_start[g]:new_start[g + 1]``, ``count`` in all."""
    num_groups = start.shape[0] - 1
    same = first.ctypes.data == second.ctypes.data
    slot = np.full(num_keys, -1, dtype=np.int64)  # slot[key]: its entry in the current group
    new_start = np.zeros(num_groups + 1, dtype=np.int64)
    count = 0
    for g in range(num_groups):
        group_start = count
        for e in range(start[g], start[g + 1]):
            key = keys[e]
            if slot[key] < group_start:
                slot[key] = count
                keys[count] = key
                first[count] = first[e]
                if not same:
                    second[count] = second[e]
                count += 1
            else:
                first[slot[key]] += first[e]
                if not same:
                    second[slot[key]] += second[e]
        new_start[g + 1] = count
    return new_start, count
