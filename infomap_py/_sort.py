"""Fast sorts and distinct values of integer keys.

The writers sort millions of keys, and the readers and the multilayer
expansion find the distinct ids among millions.  NumPy's ``np.unique`` of a
plain integer array hashes since NumPy 2.3, which is tens of times slower
than sorting on arrays of millions with many repeats; its stable
``argsort`` is several times slower than a sort of values.  The functions
here give NumPy's answers, by sorting values.
"""

from __future__ import annotations

import numpy as np


def stable_order(key: np.ndarray) -> np.ndarray:
    """Return ``np.argsort(key, kind="stable")`` for non-negative integer keys.

    Where ``key * len(key)`` fits in int64, each key is packed with its
    index and the packed values are sorted (NumPy sorts values several times
    faster than it finds a stable order); the index then says the order.
    """
    key = np.asarray(key, dtype=np.int64)
    n = key.shape[0]
    if n == 0 or key.min() < 0 or (int(key.max()) + 1) * n >= 2**63:
        return np.argsort(key, kind="stable")
    packed = key * n
    packed += np.arange(n, dtype=np.int64)
    packed.sort()
    return packed % n


def _is_integer(values: np.ndarray) -> bool:
    """Whether ``values`` sort here: integers that int64 holds."""
    return values.dtype.kind in "ib" or (values.dtype.kind == "u" and values.dtype.itemsize < 8)


def unique(values: np.ndarray) -> np.ndarray:
    """Return ``np.unique(values)`` (the sorted distinct values, flattened)."""
    values = np.asarray(values)
    if not _is_integer(values):
        return np.unique(values)
    ordered = np.sort(values, axis=None)
    if ordered.size == 0:
        return ordered
    keep = np.empty(ordered.size, dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def unique_inverse(values: np.ndarray, return_index: bool = False):
    """Return ``np.unique(values, return_inverse=True)`` for a 1-D array,
    the inverse as int64; with ``return_index``, ``(unique, first, inverse)``
    as ``np.unique(values, return_index=True, return_inverse=True)`` gives
    (``first``: where each distinct value first occurs)."""
    values = np.asarray(values)
    if not _is_integer(values) or values.ndim != 1:
        found = np.unique(values, return_index=return_index, return_inverse=True)
        found = (*found[:-1], np.asarray(found[-1], dtype=np.int64).reshape(-1))
        return found
    n = values.shape[0]
    if n == 0:
        empty = np.empty(0, dtype=np.int64)
        return (values.copy(), empty, empty) if return_index else (values.copy(), empty)
    order = stable_order(values)
    ordered = values[order]
    starts = np.empty(n, dtype=bool)
    starts[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=starts[1:])
    group = np.cumsum(starts, dtype=np.int64)
    group -= 1
    inverse = np.empty(n, dtype=np.int64)
    inverse[order] = group
    distinct = ordered[starts]
    if return_index:
        return distinct, order[starts], inverse
    return distinct, inverse
