"""A fast stable sort of non-negative int64 keys (the writers sort millions of them)."""

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
