"""The prefetch hints of the kernels: they compile, accept any index (a hint
reads nothing) and change no result."""

from __future__ import annotations

import numba
import numpy as np

from infomap_py._core.prefetch import prefetch, prefetch_row


@numba.njit(cache=False)
def _sum_with_hints(values, rows, ids):
    total = 0.0
    for k in range(ids.shape[0]):
        # Hints at any index, inside the arrays or far outside them.
        prefetch(values, ids[k] * 1000)
        prefetch_row(rows, ids[k] - 7)
        if 0 <= ids[k] < values.shape[0]:
            total += values[ids[k]] + rows[ids[k], 1]
    return total


def test_hints_compile_take_any_index_and_change_nothing():
    rng = np.random.default_rng(3)
    values = rng.random(50)
    rows = rng.random((50, 8))
    for ids in (np.arange(-10, 60, dtype=np.int64), np.arange(-10, 60, dtype=np.int32)):
        expected = 0.0
        for i in ids[(ids >= 0) & (ids < 50)]:
            expected += values[i] + rows[i, 1]
        assert _sum_with_hints(values, rows, ids) == expected


def test_hints_called_from_python_do_nothing():
    # As the pure-Python engine (NUMBA_DISABLE_JIT) calls them.
    values = np.zeros(3)
    assert prefetch(values, 10) is None
    assert prefetch_row(values.reshape(3, 1), -4) is None
    assert values.tolist() == [0.0, 0.0, 0.0]
