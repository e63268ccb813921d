"""Infomap search: independent trials of the two-level or multilevel
algorithm, keeping the shortest."""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable

import numba
import numpy as np

from ._core import mapeq
from ._core.coarsen import members_by_label
from ._core.hierarchy import attach_submodules, merge_modules, split_modules, super_levels
from ._core.rng import next_u64
from ._core.rng import new_state
from ._core.search import CORE_LOOP_LIMIT, MIN_IMPROVEMENT, PHASE_COARSE_TUNE, \
    PHASE_FINE_TUNE, PHASE_LEVELS, partition
from ._core.tree import dissolve_unpaid_modules, module_codelengths, tree_flows
from .flow import Flow, flow_graph

_PHASE_NAMES = {PHASE_LEVELS: "levels", PHASE_FINE_TUNE: "fine-tune",
                PHASE_COARSE_TUNE: "coarse-tune"}

#: ``fast_hierarchical`` values: the full multilevel search; keep every
#: super-module level and refine only the bottom modules; keep the
#: super-module levels and skip the recursive refinement.
FULL, KEEP_SUPER_LEVELS, SUPER_LEVELS_ONLY = 0, 1, 2


@dataclass(frozen=True)
class SearchResult:
    """The best module tree found and what each trial found.

    ``parent`` and ``leaf_module`` describe the tree as in
    :mod:`infomap_py._core.hierarchy` (not yet ordered by flow);
    ``kernel_graph`` is the ``flow_graph`` the search ran on (``None`` for a
    network without links), for scoring the tree without building it again.
    """

    parent: np.ndarray
    leaf_module: np.ndarray
    codelength: float
    trial_codelengths: np.ndarray
    best_trial: int
    seconds: float
    kernel_graph: tuple | None = None


def available_cpus() -> int:
    """The number of CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def trial_seeds(seed: int, trials: int) -> list[int]:
    """Return one independent 64-bit seed per trial, derived from ``seed``."""
    sequence = np.random.SeedSequence(seed)
    return [int(child.generate_state(1, dtype=np.uint64)[0]) for child in sequence.spawn(trials)]


def _two_level_tree(labels: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(parent, leaf_module)`` of the root over the ``k`` modules of ``labels``."""
    parent = np.zeros(k + 1, dtype=np.int64)
    parent[0] = -1
    return parent, labels + 1


def _super_tree(labels: np.ndarray, k: int, levels: list[np.ndarray],
                keep_levels: bool) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(parent, leaf_module)`` with the super-module
    ``levels`` above the modules of ``labels``: all of them, or only the
    coarsest with the leaves directly below it."""
    if not keep_levels:
        for level in levels:
            labels = level[labels]
            k = int(level.max()) + 1
        return _two_level_tree(labels, k)
    # Ids: the root, then the coarsest level first, down to the modules.
    sizes = [k] + [int(level.max()) + 1 for level in levels]
    offsets = np.cumsum([1] + sizes[::-1])[:-1][::-1]
    parent = np.zeros(1 + sum(sizes), dtype=np.int64)
    parent[0] = -1
    for depth, level in enumerate(levels):
        parent[offsets[depth]:offsets[depth] + sizes[depth]] = offsets[depth + 1] + level
    return parent, offsets[0] + labels


def tree_codelength(kernel_input: tuple, parent: np.ndarray,
                    leaf_module: np.ndarray) -> float:
    """Return the multilevel codelength of a tree (no dissolved entries)."""
    graph, node_data, node_enter, node_exit, _ = kernel_input
    _, enter, exit_ = tree_flows(graph, node_data, node_enter, node_exit, parent, leaf_module)
    return float(module_codelengths(node_data[0], parent, leaf_module, enter, exit_).sum())


#: Held while a trial uses Numba's threads: the default threading layer
#: allows one parallel launch at a time in the process.
_NUMBA_THREADS = threading.Lock()


def run_trial(
    kernel_input: tuple,
    rng: np.ndarray,
    two_level: bool = False,
    fast_hierarchical: int = FULL,
    initial_labels: np.ndarray | None = None,
    progress: Callable[[str, int, float], None] | None = None,
    pool: ThreadPoolExecutor | None = None,
    merge: bool = True,
) -> tuple[np.ndarray, np.ndarray, float]:
    """Run one Infomap trial; return ``(parent, leaf_module, codelength)``.

    A two-level partition first (:func:`infomap_py._core.search.partition`).
    With ``two_level`` and ``merge``, groups of its modules that a two-level
    search on the network of modules proposes are then merged where that
    shortens the codelength (:func:`infomap_py._core.hierarchy.merge_modules`),
    and if any merged, the search goes on from the merged modules.  (The
    multilevel search keeps such groups as super-modules instead: started
    from merged modules it found longer trees.)

    Unless ``two_level``: super-modules are searched on the network of
    modules while they shorten the index codebook; with ``fast_hierarchical
    == FULL`` only the coarsest level is kept and every top module is split
    into sub-modules, recursively, while that shortens its codebook; with
    ``KEEP_SUPER_LEVELS`` every super level is kept and only the bottom
    modules are split; with ``SUPER_LEVELS_ONLY`` nothing is split.
    Finally modules of modules whose codebook does not pay are dissolved,
    and the two-level partition is kept if the tree codes no shorter.

    ``kernel_input`` is ``(graph, node_data, node_enter, node_exit,
    constants)``; ``progress(phase, num_top_modules, codelength)`` is
    called after every phase (``"merge"`` after the merging and the search
    that follows it); ``pool`` splits the modules of a level in
    threads, and its presence says that this trial runs alone, so that
    coarse-tuning may split modules on Numba's threads.
    """
    graph, node_data, node_enter, node_exit, constants = kernel_input
    n = node_data[0].shape[0]
    if initial_labels is not None:
        labels = np.unique(initial_labels, return_inverse=True)[1].astype(np.int64)
    else:
        labels = np.arange(n, dtype=np.int64)
    # A trial given the pool runs alone: it may use Numba's threads too, unless
    # another call (from another thread of the caller) holds them; the result
    # is the same either way.
    use_threads = pool is not None and _NUMBA_THREADS.acquire(blocking=False)
    try:
        num_threads = 1
        if use_threads:
            num_threads = min(pool._max_workers, numba.config.NUMBA_NUM_THREADS)
            numba.set_num_threads(num_threads)
        labels, k, length, log = partition(graph, node_data, node_enter, node_exit,
                                           constants, labels, int(labels.max()) + 1, rng,
                                           CORE_LOOP_LIMIT, 0, False, num_threads)
        merging = two_level and merge and 2 < k < n
        if merging:
            merged, merged_k = merge_modules(graph, node_data, node_enter, node_exit,
                                             constants, labels, k, rng)
            if merged_k < k:
                # The usual search and tuning go on from the merged modules.
                labels, k, length, _ = partition(graph, node_data, node_enter, node_exit,
                                                 constants, merged, merged_k, rng,
                                                 CORE_LOOP_LIMIT, 0, False, num_threads)
    finally:
        if use_threads:
            _NUMBA_THREADS.release()
    if progress is not None:
        for phase, num_modules, phase_length in log:
            if phase in _PHASE_NAMES:
                progress(_PHASE_NAMES[phase], num_modules, phase_length)
        if merging:
            progress("merge", k, float(length))
    flat_parent, flat_leaf_module = _two_level_tree(labels, k)
    if two_level or k == 1 or k == n:
        return flat_parent, flat_leaf_module, float(length)
    flat_length = float(length)

    levels = super_levels(graph, node_data, node_enter, node_exit, 0.0, labels, k, rng, 0)
    parent, leaf_module = _super_tree(labels, k, list(levels),
                                      keep_levels=fast_hierarchical != FULL)
    if progress is not None:
        progress("super-modules", int((parent[1:] == 0).sum()),
                 tree_codelength(kernel_input, parent, leaf_module))
    if fast_hierarchical != SUPER_LEVELS_ONLY:
        parent, leaf_module = split_recursively(kernel_input, parent, leaf_module, rng, pool)
    _, enter, exit_ = tree_flows(graph, node_data, node_enter, node_exit, parent, leaf_module)
    parent, dissolved = dissolve_unpaid_modules(node_data[0], parent, leaf_module, enter,
                                                exit_, MIN_IMPROVEMENT)
    if dissolved:
        # Dissolving a module leaves the flows of every other module as they were.
        kept = parent != -2
        enter, exit_ = enter[kept], exit_[kept]
        parent, leaf_module = compact_tree(parent, leaf_module)
    length = float(module_codelengths(node_data[0], parent, leaf_module, enter, exit_).sum())
    if length > flat_length:
        # Re-splitting the coarsest super-modules lost structure: keep the partition.
        parent, leaf_module, length = flat_parent, flat_leaf_module, flat_length
    if progress is not None:
        progress("sub-modules", int((parent[1:] == 0).sum()), length)
    return parent, leaf_module, length


def split_recursively(kernel_input: tuple, parent: np.ndarray, leaf_module: np.ndarray,
                      rng: np.ndarray, pool: ThreadPoolExecutor | None = None
                      ) -> tuple[np.ndarray, np.ndarray]:
    """Split the modules that hold leaves into sub-modules, and those in
    turn, level after level, while that shortens their codelength; return
    the new ``(parent, leaf_module)``.

    Each module gets a random state drawn from ``rng`` in queue order, so
    the result does not depend on how the modules of a level are shared
    among the threads of ``pool``.  The levels are a loop, not a recursion:
    deep trees cost no stack.
    """
    graph, node_data, node_enter, node_exit, _ = kernel_input
    n = leaf_module.shape[0]
    num_tree = parent.shape[0]
    # Room for the sub-modules: splits create at most two per leaf.
    parent = np.concatenate([parent, np.zeros(2 * n, dtype=np.int64)])
    leaf_module = leaf_module.copy()
    queue = np.unique(leaf_module)
    workers = pool._max_workers if pool is not None else 1
    while queue.size:
        start, members = members_by_label(leaf_module, num_tree)
        seeds = np.array([next_u64(rng) for _ in range(queue.size)], dtype=np.uint64)
        sub_labels = np.full(n, -1, dtype=np.int64)
        num_sub = np.zeros(queue.size, dtype=np.int64)
        # Big modules first, dealt round-robin, so the threads share the work evenly.
        order = np.argsort(-(start[queue + 1] - start[queue]), kind="stable")
        parts = [order[w::workers] for w in range(workers)]

        def split(part: np.ndarray) -> None:
            part_num_sub = np.zeros(part.size, dtype=np.int64)
            split_modules(graph, node_data, node_enter, node_exit, start, members,
                          queue[part], seeds[part], sub_labels, part_num_sub)
            num_sub[part] = part_num_sub

        if pool is None or workers == 1:
            split(order)
        else:
            list(pool.map(split, parts))
        num_tree, queue = attach_submodules(parent, leaf_module, num_tree, start, members,
                                            queue, sub_labels, num_sub)
    return parent[:num_tree], leaf_module


def compact_tree(parent: np.ndarray, leaf_module: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Drop dissolved modules (parent -2) and renumber the rest."""
    keep = parent != -2
    new_id = np.cumsum(keep) - 1
    parent = parent[keep]
    parent[1:] = new_id[parent[1:]]
    return parent, new_id[leaf_module]


def search(
    flow: Flow,
    trials: int = 1,
    seed: int = 123,
    two_level: bool = False,
    fast_hierarchical: int = FULL,
    initial_labels: np.ndarray | None = None,
    progress: Callable[[int, str, int, float], None] | None = None,
    n_jobs: int | None = None,
) -> SearchResult:
    """Run ``trials`` independent Infomap trials on ``flow``; return the best.

    ``initial_labels`` (one module id per node) starts every trial from that
    partition instead of from single nodes.  ``progress(trial, phase,
    num_top_modules, codelength)`` is called after every phase of every
    trial (one call at a time).  Trials run in ``n_jobs`` threads (``None``:
    every available CPU); a single trial uses them to split modules.  Every
    trial has its own random state and ties are broken by the lower trial
    number, so the result depends on ``seed`` and ``trials`` only, never on
    ``n_jobs``.
    """
    start = time.perf_counter()
    n = flow.num_nodes
    if flow.link_flow.shape[0] == 0:
        parent = np.zeros(n + 1, dtype=np.int64)
        parent[0] = -1
        return SearchResult(parent, np.arange(1, n + 1, dtype=np.int64), 0.0,
                            np.zeros(trials), 0, 0.0)
    graph, node_data, node_enter, node_exit = flow_graph(flow)
    constants = np.array([mapeq.entropy_terms(node_data[0]), 0.0])
    kernel_input = (graph, node_data, node_enter, node_exit, constants)
    seeds = trial_seeds(seed, trials)
    workers = available_cpus() if n_jobs is None else n_jobs
    in_parallel = trials > 1 and workers > 1
    lock = threading.Lock()

    def trial(t: int, pool: ThreadPoolExecutor | None) -> tuple:
        report = None
        if progress is not None:
            def report(phase, k, length):
                with lock:
                    progress(t, phase, k, length)
        return run_trial(kernel_input, new_state(seeds[t]), two_level, fast_hierarchical,
                         initial_labels, report, pool)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        if in_parallel:
            # Trials share the threads; each splits its modules in its own thread.
            found = list(pool.map(lambda t: trial(t, None), range(trials)))
        else:
            found = [trial(t, pool if workers > 1 else None) for t in range(trials)]
    lengths = np.array([length for _, _, length in found])
    best = int(np.argmin(lengths))  # the first of equal codelengths
    parent, leaf_module, length = found[best]
    return SearchResult(parent, leaf_module, length, lengths, best,
                        time.perf_counter() - start,
                        (graph, node_data, node_enter, node_exit))
