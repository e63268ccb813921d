"""A small explicit random number generator for kernels.

Each trial owns its state (a one-element ``uint64`` array), so runs in
threads or processes draw exactly what a serial run draws.  The generator is
SplitMix64, which passes BigCrush and needs one word of state.
"""

import numpy as np

from ._jit import jit


def new_state(seed: int) -> np.ndarray:
    """Return a fresh generator state for the integer ``seed``."""
    return np.array([seed & 0xFFFFFFFFFFFFFFFF], dtype=np.uint64)


@jit
def next_u64(state):
    """Advance ``state`` and return the next 64-bit random integer."""
    state[0] += np.uint64(0x9E3779B97F4A7C15)
    z = state[0]
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


@jit
def rand_below(state, n):
    """Return a random integer in ``[0, n)`` (``n`` > 0)."""
    return np.int64(next_u64(state) % np.uint64(n))


@jit
def shuffle(state, values):
    """Shuffle ``values`` in place (Fisher-Yates)."""
    for i in range(values.shape[0] - 1, 0, -1):
        j = rand_below(state, i + 1)
        tmp = values[i]
        values[i] = values[j]
        values[j] = tmp


@jit
def shuffle_in_blocks(state, order, block):
    """Fill ``order`` with ``0..n-1`` in a random order made of runs of
    ``block`` consecutive values (the last may be shorter): the runs in
    random order, the values of each run in random order."""
    n = order.shape[0]
    num_blocks = (n + block - 1) // block
    blocks = np.arange(num_blocks)
    shuffle(state, blocks)
    pos = 0
    for b in range(num_blocks):
        first = blocks[b] * block
        size = min(block, n - first)
        for j in range(size):
            order[pos + j] = first + j
        shuffle(state, order[pos:pos + size])
        pos += size


@jit
def next_seeds(state, count):
    """Return ``count`` seeds drawn from ``state``, one per module that a
    step partitions on its own (so that the result does not depend on the
    order or the threads in which the modules are partitioned)."""
    seeds = np.empty(count, dtype=np.uint64)
    for m in range(count):
        seeds[m] = next_u64(state)
    return seeds
