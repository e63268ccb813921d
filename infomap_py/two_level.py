"""The two-level search of one trial: the phases of Infomap, driven from
Python one kernel at a time.

A trial moves nodes into modules and aggregates them, level after level
(*levels*), then alternates fine-tuning (single nodes move between the
modules) and coarse-tuning (every module is partitioned on its own and its
sub-modules move between modules), each followed by the levels again, until
a fine-tuning round after coarse-tuning gains too little, or two rounds in a row gain too
little, each or on average.  Each phase is reported as it ends.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

import numpy as np

from ._core.coarsen import aggregate_net, members_by_label
from ._core.mapeq import EXIT_NETWORK_FLOW, PREFERRED_NUM_MODULES
from ._core.moves import place_linkless_nodes
from ._core.rng import next_seeds
from ._core.search import (
    AGGREGATED_LOOP_LIMIT,
    CORE_LOOP_LIMIT,
    MIN_IMPROVEMENT,
    MIN_RELATIVE_TUNE_IMPROVEMENT,
    find_top_modules,
    fine_tune,
    new_module_split,
    one_level_length,
    partition_modules,
    subnetwork_controls,
    total_codelength,
)
from .workers import SERIAL, Workers

#: ``report(phase, num_modules, codelength, seconds)``: called as each phase
#: ends, with the seconds since the phase began.
Report = Callable[[str, int, float, float], None]


@dataclass(frozen=True)
class SearchControls:
    """The limits and thresholds of a two-level search, named and counted
    as the official Infomap's options of the same names; the defaults are
    the official defaults.

    ``core_loop_limit``: sweeps per core loop on single nodes (the finest
    level and fine-tuning; aggregated levels and coarse-tuning get
    :data:`~infomap_py._core.search.AGGREGATED_LOOP_LIMIT`).
    ``core_level_limit``: levels of modules per search of the levels,
    counting the level of the modules it starts from (0: no limit).
    ``tune_iteration_limit``: iterations of the search, counting the first
    search of the levels, so ``n`` allows ``n - 1`` tuning rounds (0: no
    limit).  ``core_loop_codelength_threshold``: a core loop goes on, and a
    tuning round counts as an improvement, only while it gains more than
    this many bits.  ``tune_iteration_relative_threshold``: a tuning round
    must also gain this fraction of the one-level codelength.
    ``prefer_modular_solution``: keep modules even where one module codes
    the walk shorter.

    As the official hands its options down to the searches of single
    modules (in coarse-tuning and in the recursive split of the multilevel
    search), those partitions are limited alike (:meth:`for_modules`):
    sweeps, levels, at most one tuning round (none with an iteration limit
    of 1), the codelength threshold and ``prefer_modular_solution``.
    """

    core_loop_limit: int = CORE_LOOP_LIMIT
    core_level_limit: int = 0
    tune_iteration_limit: int = 0
    core_loop_codelength_threshold: float = MIN_IMPROVEMENT
    tune_iteration_relative_threshold: float = MIN_RELATIVE_TUNE_IMPROVEMENT
    prefer_modular_solution: bool = False

    def for_modules(self) -> np.ndarray:
        """The kernels' controls of the partition of a single module's
        sub-network (:func:`~infomap_py._core.search.subnetwork_controls`)."""
        return subnetwork_controls(self.core_loop_limit, self.core_level_limit,
                                   self.tune_iteration_limit,
                                   self.core_loop_codelength_threshold,
                                   self.prefer_modular_solution)

    def for_super_levels(self) -> tuple[SearchControls, SearchControls]:
        """The controls of a search for super-modules on the network of
        modules and of the partitions of its modules: as the official's
        search of super-modules, the thresholds and
        ``prefer_modular_solution`` of these controls, the default limits
        (and more sweeps per core loop, as on every aggregated level)."""
        kept = dict(core_loop_codelength_threshold=self.core_loop_codelength_threshold,
                    tune_iteration_relative_threshold=self.tune_iteration_relative_threshold,
                    prefer_modular_solution=self.prefer_modular_solution)
        return SearchControls(core_loop_limit=AGGREGATED_LOOP_LIMIT, **kept), SearchControls(**kept)


#: The official defaults.
DEFAULT_CONTROLS = SearchControls()


class PhaseClock:
    """Calls ``report`` (if any) as each phase ends, with the seconds since
    the previous phase ended (or the clock started)."""

    def __init__(self, report: Report | None) -> None:
        self.report = report
        self.restart()

    def restart(self) -> None:
        """Count the next phase from now."""
        self.started = time.perf_counter()

    def __call__(self, phase: str, num_modules: int, codelength: float) -> None:
        if self.report is not None:
            now = time.perf_counter()
            self.report(phase, num_modules, codelength, now - self.started)
            self.started = now


def partition(net: tuple, constants: np.ndarray, labels: np.ndarray, num_modules: int,
              rng: np.ndarray, is_subnetwork: bool, workers: Workers = SERIAL,
              report: Report | None = None,
              controls: SearchControls = DEFAULT_CONTROLS,
              module_controls: SearchControls | None = None) -> tuple[np.ndarray, int, float]:
    """Run one two-level Infomap search; return ``(labels, num_modules,
    codelength)``.

    ``net`` is the kernels' :data:`~infomap_py._core.coarsen.FlowNet`.
    The search starts from ``labels`` (``num_modules`` groups; single nodes
    when ``num_modules`` equals the number of nodes), within the limits of
    ``controls``.  It partitions a whole network or, with
    ``is_subnetwork``, a network whose flow leaves at rate
    ``constants[EXIT_NETWORK_FLOW]``.  If one module codes the walk shorter,
    it returns one module (unless ``controls.prefer_modular_solution`` or a
    preferred number of modules in ``constants``).
    Coarse-tuning partitions the modules on ``workers``, within
    ``module_controls`` (``None``: ``controls``).
    """
    n = labels.shape[0]
    one_level = one_level_length(net, constants)
    phase_done = PhaseClock(report)
    loop_limit = controls.core_loop_limit
    min_improvement = controls.core_loop_codelength_threshold
    level_limit = controls.core_level_limit
    tune_limit = controls.tune_iteration_limit
    module_limits = (controls if module_controls is None else module_controls).for_modules()

    def levels(base: tuple, labels: np.ndarray, k: int, first_loop: bool = False,
               from_modules: bool = True) -> tuple[np.ndarray, int, float]:
        # The levels of modules of ``base`` (the leaves, or the sub-modules of
        # coarse-tuning, which count as modules already), with the
        # codelength.  As the official counts them, the levels include the
        # one the search starts from: from modules, one level less is left.
        limit = level_limit - 1 if from_modules and level_limit > 0 else level_limit
        if k <= 1 or (level_limit > 0 and limit == 0):
            return labels, k, total_codelength(base, constants, labels, k)
        leaf_loop_limit = loop_limit if base is net else AGGREGATED_LOOP_LIMIT
        return find_top_modules(base, constants, labels, k, rng, leaf_loop_limit, limit,
                                first_loop, min_improvement)

    # As the official, -T 1 lets nodes that others joined move on the first sweep too.
    first_loop = num_modules == n and not is_subnetwork and tune_limit != 1
    labels, k, length = levels(net, labels, num_modules, first_loop, num_modules != n)
    phase_done("levels", k, length)
    fine = True
    rounds = 0
    relative_threshold = one_level * controls.tune_iteration_relative_threshold
    # The codelength before the previous round and before this one.
    before_previous, before = np.inf, length
    previous_improved = True
    # The first search of the levels is the official's first tune iteration.
    while k > 1 and (tune_limit == 0 or rounds + 1 < tune_limit):
        rounds += 1
        if fine:
            labels, k = fine_tune(net, constants, labels, rng, loop_limit, min_improvement)
            labels, k, length = levels(net, labels, k)
        else:
            # The levels start from the network of sub-modules that
            # coarse-tuning moved, not from the leaves again.
            sub_net, sub_labels, module_of_sub, k = coarse_tune(
                net, constants, labels, k, rng, workers, min_improvement, module_limits)
            module_of_sub, k, length = levels(sub_net, module_of_sub, k)
            labels = module_of_sub[sub_labels]
        phase_done("fine-tune" if fine else "coarse-tune", k, length)
        if _tuning_converged(before_previous, before, length, previous_improved,
                             min_improvement, relative_threshold, fine and rounds > 1):
            break
        previous_improved = _gains(before, length, 1, min_improvement, relative_threshold)
        before_previous, before = before, length
        fine = not fine
    if k > 1 and net.node_data.tele_source.any():
        # Nodes without links never see a neighbouring module to join.
        labels, k = place_linkless_nodes(net, labels, constants)
    # Scored once more from the leaves: the levels measured it from modules.
    length = total_codelength(net, constants, labels, k)
    # As the official, a preferred number of modules keeps the modules too.
    if (k > 1 and length > one_level and not controls.prefer_modular_solution
            and constants[PREFERRED_NUM_MODULES] == 0.0):
        labels = np.zeros(n, dtype=np.int64)
        k = 1
    if k == 1:
        length = one_level
    return labels, int(k), float(length)


def _gains(old: float, new: float, rounds: int, min_improvement: float,
           relative_threshold: float) -> bool:
    """Whether going from codelength ``old`` to ``new`` in ``rounds`` tuning
    rounds gains more than ``min_improvement`` bits and more than
    ``relative_threshold`` bits per round."""
    return (new <= old - rounds * min_improvement
            and new < old - rounds * relative_threshold)


def _tuning_converged(before_previous: float, before: float, length: float,
                      previous_improved: bool, min_improvement: float,
                      relative_threshold: float, fine_after_coarse: bool = False) -> bool:
    """Whether tuning stops after a round that took the codelength from
    ``before`` to ``length`` (the round before it started at
    ``before_previous`` and gained enough if ``previous_improved``;
    ``fine_after_coarse``: the round fine-tuned, and coarse-tuning has run):
    once a fine-tuning round after coarse-tuning gains too little, as the
    official stops, or two rounds in a row gain too little each, or the
    last two rounds together gain too little on average.  Unlike the
    official, a coarse-tuning round that gains too little (it often moves
    nothing) does not end the search before the fine-tuning that follows;
    a search that creeps on by rounds of about the threshold each stops as
    soon as a pair of rounds averages less."""
    improved = _gains(before, length, 1, min_improvement, relative_threshold)
    if not improved and (fine_after_coarse or not previous_improved):
        return True
    return (before_previous != np.inf
            and not _gains(before_previous, length, 2, min_improvement, relative_threshold))


def coarse_tune(net: tuple, constants: np.ndarray, labels: np.ndarray, num_modules: int,
                rng: np.ndarray, workers: Workers = SERIAL,
                min_improvement: float = MIN_IMPROVEMENT,
                module_limits: np.ndarray | None = None) -> tuple[tuple, np.ndarray,
                                                                   np.ndarray, int]:
    """Partition every module on its own (on ``workers``, within
    ``module_limits``, the kernels' controls of
    :meth:`SearchControls.for_modules`; ``None``: the defaults), then let the
    sub-modules move between modules while a sweep gains more than
    ``min_improvement`` bits; return ``(sub_net, sub_labels, module_of_sub,
    num_modules)``: the network of sub-modules, every leaf's sub-module and
    every sub-module's module (the leaves' modules are
    ``module_of_sub[sub_labels]``).

    Every module's partition has its own random state drawn from ``rng``,
    so the result does not depend on ``workers``.
    """
    if module_limits is None:
        module_limits = subnetwork_controls()
    start, members = members_by_label(labels, num_modules)
    split = new_module_split(start, members, next_seeds(rng, num_modules), labels.shape[0])
    workers.run(lambda modules: partition_modules(net, modules, split, 2, constants,
                                                 module_limits),
                np.arange(num_modules), np.diff(start))
    # The sub-modules become nodes, numbered in module order, and start in
    # the module they came from; then they move as single nodes do.
    offset = np.concatenate([[0], np.cumsum(split.num_sub)])
    num_sub = int(offset[-1])
    sub_labels = split.sub_labels + offset[labels]
    sub_net = aggregate_net(net, sub_labels, num_sub)
    module_of_sub = np.repeat(np.arange(num_modules), split.num_sub)
    module_of_sub, k = fine_tune(sub_net, constants, module_of_sub, rng, AGGREGATED_LOOP_LIMIT,
                                 min_improvement)
    return sub_net, sub_labels, module_of_sub, int(k)
