"""The order in which fine-tuning visits the nodes of a large network: runs
of consecutive node ids, the runs in random order and the nodes of each run
in random order, drawn from the trial's random state."""

from __future__ import annotations

import numpy as np
import pytest

from infomap_py._core.moves import BLOCK_ORDER_NODES, ORDER_BLOCK
from infomap_py._core.rng import new_state, shuffle_in_blocks


@pytest.mark.parametrize("n, block", [(10, 3), (4096 * 3 + 17, 4096), (1, 8), (64, 64)])
def test_runs_of_consecutive_ids_each_in_random_order(n, block):
    order = np.full(n, -1, dtype=np.int64)
    shuffle_in_blocks(new_state(5), order, block)
    assert sorted(order.tolist()) == list(range(n))
    runs = []
    long_runs_in_order = 0  # (a short run may come out in order by chance)
    pos = 0
    while pos < n:
        first = order[pos] - order[pos] % block
        size = min(block, n - first)
        run = order[pos:pos + size]
        assert sorted(run.tolist()) == list(range(first, first + size))
        runs.append(first // block)
        if size >= 8 and (np.diff(run) == 1).all():
            long_runs_in_order += 1
        pos += size
    assert sorted(runs) == list(range(len(runs)))
    if n > 3 * block:
        assert runs != sorted(runs)  # the runs are shuffled ...
        assert long_runs_in_order == 0  # ... and so are the nodes of each run


def test_the_same_state_draws_the_same_order_and_another_state_another():
    n = 3 * ORDER_BLOCK + 5
    orders = []
    for seed in (1, 1, 2):
        order = np.empty(n, dtype=np.int64)
        shuffle_in_blocks(new_state(seed), order, ORDER_BLOCK)
        orders.append(order)
    np.testing.assert_array_equal(orders[0], orders[1])
    assert not np.array_equal(orders[0], orders[2])


def test_only_networks_larger_than_a_few_blocks_are_visited_in_runs():
    assert BLOCK_ORDER_NODES >= 16 * ORDER_BLOCK
