"""Two-level Infomap search: independent trials, keep the shortest."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

import numpy as np

from ._core import mapeq
from ._core.moves import place_linkless_nodes
from ._core.rng import new_state
from ._core.search import coarse_tune, find_top_modules, fine_tune, total_codelength
from .flow import Flow, flow_graph

#: Sweeps per core loop on the finest level (the official default).
CORE_LOOP_LIMIT = 10
#: A core loop continues while a sweep shortens the codelength by this much.
MIN_IMPROVEMENT = 1e-10
#: Tuning continues while a round shortens the codelength by this fraction.
MIN_RELATIVE_TUNE_IMPROVEMENT = 1e-5


@dataclass(frozen=True)
class SearchResult:
    """The best partition found and what each trial found."""

    labels: np.ndarray
    num_modules: int
    codelength: float
    trial_codelengths: np.ndarray
    best_trial: int
    seconds: float


def trial_seeds(seed: int, trials: int) -> list[int]:
    """Return one independent 64-bit seed per trial, derived from ``seed``."""
    sequence = np.random.SeedSequence(seed)
    return [int(child.generate_state(1, dtype=np.uint64)[0]) for child in sequence.spawn(trials)]


def run_trial(
    kernel_input: tuple,
    rng: np.ndarray,
    core_loop_limit: int = CORE_LOOP_LIMIT,
    tune_iteration_limit: int = 0,
    initial_labels: np.ndarray | None = None,
    progress: Callable[[str, int, float], None] | None = None,
) -> tuple[np.ndarray, int, float]:
    """Run one Infomap trial; return ``(labels, num_modules, codelength)``.

    The search moves nodes into modules and aggregates until nothing moves,
    then alternates fine-tuning (single nodes move between the modules) and
    coarse-tuning (sub-modules move) until a fine and a coarse round in a
    row each gain less than ``MIN_RELATIVE_TUNE_IMPROVEMENT`` of the
    one-level codelength (or for ``tune_iteration_limit`` rounds if not 0).
    If one module codes the walk shorter, it returns one module.

    ``kernel_input`` is ``(graph, node_data, node_enter, node_exit,
    constants)``; ``progress(phase, num_modules, codelength)`` is called
    after every phase.
    """
    graph, node_data, node_enter, node_exit, constants = kernel_input
    n = node_data[0].shape[0]
    one_level = mapeq.one_level_codelength(node_data[0], 0.0)

    def report(phase: str, labels: np.ndarray, k: int) -> float:
        length = total_codelength(graph, node_data, node_enter, node_exit, constants,
                                  labels, k)
        if progress is not None:
            progress(phase, k, length)
        return length

    if initial_labels is not None:
        labels = np.unique(initial_labels, return_inverse=True)[1].astype(np.int64)
        k = int(labels.max()) + 1
        labels, k = find_top_modules(graph, node_data, node_enter, node_exit, constants,
                                     labels, k, rng, core_loop_limit, MIN_IMPROVEMENT,
                                     False, 0, False)
    else:
        labels, k = find_top_modules(graph, node_data, node_enter, node_exit, constants,
                                     np.arange(n), n, rng, core_loop_limit, MIN_IMPROVEMENT,
                                     False, 0, True)
    length = report("levels", labels, k)
    fine = True
    failed_rounds = 0
    rounds = 0
    while k > 1 and (tune_iteration_limit == 0 or rounds < tune_iteration_limit):
        rounds += 1
        if fine:
            labels, k = fine_tune(graph, node_data, node_enter, node_exit, constants,
                                  labels, rng, core_loop_limit, MIN_IMPROVEMENT)
        else:
            labels, k = coarse_tune(graph, node_data, node_enter, node_exit, constants,
                                    labels, k, rng, MIN_IMPROVEMENT)
        if k > 1:
            labels, k = find_top_modules(graph, node_data, node_enter, node_exit, constants,
                                         labels, k, rng, core_loop_limit, MIN_IMPROVEMENT,
                                         False, 0, False)
        new_length = report("fine-tune" if fine else "coarse-tune", labels, k)
        improved = (new_length <= length - MIN_IMPROVEMENT
                    and new_length < length - one_level * MIN_RELATIVE_TUNE_IMPROVEMENT)
        length = new_length
        failed_rounds = 0 if improved else failed_rounds + 1
        if failed_rounds == 2:
            break
        fine = not fine
    if k > 1 and node_data[1].any():
        # Nodes without links never see a neighbouring module to join.
        labels, k = place_linkless_nodes(graph, node_data, node_enter, node_exit, labels,
                                         constants)
        length = total_codelength(graph, node_data, node_enter, node_exit, constants,
                                  labels, k)
    if k > 1 and length > one_level:
        labels = np.zeros(n, dtype=np.int64)
        k = 1
    if k == 1:
        length = one_level
    return labels, int(k), float(length)


def search(
    flow: Flow,
    trials: int = 1,
    seed: int = 123,
    core_loop_limit: int = CORE_LOOP_LIMIT,
    tune_iteration_limit: int = 0,
    initial_labels: np.ndarray | None = None,
    progress: Callable[[int, str, int, float], None] | None = None,
) -> SearchResult:
    """Run ``trials`` independent Infomap trials on ``flow``; return the best.

    ``initial_labels`` (one module id per node) starts every trial from that
    partition instead of from single nodes.  ``progress(trial, phase,
    num_modules, codelength)`` is called after every phase of every trial.
    Ties are broken by the lower trial number, so the result depends on
    ``seed`` and ``trials`` only.
    """
    start = time.perf_counter()
    n = flow.num_nodes
    if flow.link_flow.shape[0] == 0:
        labels = np.arange(n, dtype=np.int64)
        return SearchResult(labels, n, 0.0, np.zeros(trials), 0, 0.0)
    graph, node_data, node_enter, node_exit = flow_graph(flow)
    constants = np.array([mapeq.entropy_terms(node_data[0]), 0.0])
    kernel_input = (graph, node_data, node_enter, node_exit, constants)
    best = None
    lengths = np.empty(trials)
    for t, trial_seed in enumerate(trial_seeds(seed, trials)):
        report = None
        if progress is not None:
            def report(phase, k, length, t=t):
                progress(t, phase, k, length)
        labels, k, length = run_trial(kernel_input, new_state(trial_seed), core_loop_limit,
                                      tune_iteration_limit, initial_labels, report)
        lengths[t] = length
        if best is None or length < best[2]:
            best = (labels, k, length, t)
    labels, k, length, t = best
    return SearchResult(labels, k, length, lengths, t, time.perf_counter() - start)
