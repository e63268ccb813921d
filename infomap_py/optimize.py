"""Two-level Infomap search: independent trials, keep the shortest."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from ._core import mapeq
from ._core.rng import new_state
from ._core.search import run_trial
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


def search(
    flow: Flow,
    trials: int = 1,
    seed: int = 123,
    core_loop_limit: int = CORE_LOOP_LIMIT,
    tune_iteration_limit: int = 0,
    verbose: bool = False,
) -> SearchResult:
    """Run ``trials`` independent Infomap trials on ``flow``; return the best.

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
    best = None
    lengths = np.empty(trials)
    for t, trial_seed in enumerate(trial_seeds(seed, trials)):
        labels, k, length = run_trial(
            graph, node_data, node_enter, node_exit, constants, new_state(trial_seed),
            core_loop_limit, tune_iteration_limit, MIN_IMPROVEMENT,
            MIN_RELATIVE_TUNE_IMPROVEMENT,
        )
        lengths[t] = length
        if verbose:
            print(f"trial {t + 1}/{trials}: {k} modules, codelength {length:.9f} bits")
        if best is None or length < best[2]:
            best = (labels, k, length, t)
    labels, k, length, t = best
    return SearchResult(labels, int(k), float(length), lengths, t, time.perf_counter() - start)
