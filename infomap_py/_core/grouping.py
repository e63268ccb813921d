"""Nodes grouped by label: the counting sort that aggregation, the
physical-node sums of state networks and the split of modules share."""

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
