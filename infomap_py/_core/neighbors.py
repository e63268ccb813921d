"""Shared nearest neighbours: how many neighbours two points have in common,
for the ``"snn"`` weighting of a point cloud's neighbour graph."""

import numpy as np

from ._jit import jit


@jit
def shared_neighbor_counts(start, members, first, second):
    """Return, for every pair ``t``, the size of the intersection of the sets
    of points ``first[t]`` and ``second[t]``: the set of point ``p`` is
    ``members[start[p]:start[p + 1]]``, sorted and without repeats.  A merge
    of the two sorted lists, so ``O(k)`` a pair where sets hold ``k`` points
    (a sparse product ``A A^T`` would hold ``k^2`` entries a point)."""
    counts = np.zeros(first.shape[0], dtype=np.int64)
    for t in range(first.shape[0]):
        a, a_end = start[first[t]], start[first[t] + 1]
        b, b_end = start[second[t]], start[second[t] + 1]
        shared = 0
        while a < a_end and b < b_end:  # without branches on the comparison
            x = members[a]
            y = members[b]
            shared += x == y
            a += x <= y
            b += y <= x
        counts[t] = shared
    return counts
