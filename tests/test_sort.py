"""The sorts and distinct values of ``infomap_py._sort`` give NumPy's answers."""

from __future__ import annotations

import numpy as np
import pytest

from infomap_py._sort import stable_order, unique, unique_inverse

_RNG = np.random.default_rng(7)
ARRAYS = {
    "many repeats": _RNG.integers(0, 1000, 20_000),
    "negative": _RNG.integers(-50, 50, 500),
    "empty": np.empty(0, dtype=np.int64),
    "wide keys": _RNG.integers(0, 2**40, 5_000),
    "int32": _RNG.integers(0, 3, 40).astype(np.int32),
    "extremes": np.array([2**62, -(2**62), 5, 5, 2**62]),
    "bool": np.array([True, False, True]),
    "uint64 above int64": np.array([2**64 - 1, 3, 2**63, 3], dtype=np.uint64),
    "floats": np.array([0.5, -1.0, 0.5, 2.0]),
}


@pytest.mark.parametrize("name", sorted(ARRAYS))
def test_unique_is_numpys(name):
    values = ARRAYS[name]
    expected = np.unique(values)
    found = unique(values)
    assert found.dtype == expected.dtype
    assert np.array_equal(found, expected)


@pytest.mark.parametrize("name", sorted(ARRAYS))
def test_unique_inverse_is_numpys(name):
    values = ARRAYS[name]
    expected, first, inverse = np.unique(values, return_index=True, return_inverse=True)
    found, found_inverse = unique_inverse(values)
    assert found.dtype == expected.dtype and np.array_equal(found, expected)
    assert found_inverse.dtype == np.int64
    assert np.array_equal(found_inverse, inverse.reshape(-1))
    found, found_first, found_inverse = unique_inverse(values, return_index=True)
    assert np.array_equal(found_first, first)  # the first occurrence of each value
    assert np.array_equal(found_inverse, inverse.reshape(-1))


def test_stable_order_keeps_equal_keys_in_place():
    key = _RNG.integers(0, 30, 3_000)
    assert np.array_equal(stable_order(key), np.argsort(key, kind="stable"))
