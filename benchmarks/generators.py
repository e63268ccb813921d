"""Seeded graph generators for benchmarks and tests."""

from __future__ import annotations

import numpy as np


def planted_partition(num_nodes: int, num_groups: int, mean_degree: float, mixing: float,
                      seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(edges, groups)`` of a planted-partition graph, built in NumPy.

    Every node draws ``mean_degree / 2`` edge stubs; each stub joins a random
    node of its own group with probability ``1 - mixing`` and a uniformly
    random node otherwise.  Self-loops are dropped (duplicates are kept and
    add up as weights).  ``edges`` is an ``(m, 2)`` int64 array.
    """
    rng = np.random.default_rng(seed)
    groups = rng.integers(0, num_groups, num_nodes)
    num_edges = int(num_nodes * mean_degree / 2)
    source = rng.integers(0, num_nodes, num_edges)
    order = np.argsort(groups, kind="stable")
    sizes = np.bincount(groups, minlength=num_groups)
    starts = np.concatenate([[0], np.cumsum(sizes)])
    own = groups[source]
    intra = order[starts[own] + (rng.random(num_edges) * sizes[own]).astype(np.int64)]
    inter = rng.integers(0, num_nodes, num_edges)
    target = np.where(rng.random(num_edges) < mixing, inter, intra)
    keep = source != target
    return np.stack([source[keep], target[keep]], axis=1).astype(np.int64), groups
