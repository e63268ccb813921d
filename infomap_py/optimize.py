"""Infomap search: independent trials of the two-level or multilevel
algorithm, keeping the shortest."""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable

import numpy as np

from ._core import mapeq
from ._core.memory import is_memory
from ._core.rng import new_state
from ._core.search import node_entropy
from ._core.tree import dissolve_unpaid_modules, module_codelengths, module_depths
from ._sort import unique_inverse
from .flow import Flow, flow_graph
from .multilevel import (
    NO_BIAS,
    NO_PREFERENCE,
    LevelPreference,
    bias_of,
    merge_modules,
    split_recursively,
    super_levels,
)
from .tree import (
    add_meta_lengths,
    biased_tree_length,
    coded_leaves,
    compact_tree,
    super_tree,
    tree_codelength,
    tree_flows,
    two_level_tree,
)
from .two_level import DEFAULT_CONTROLS, PhaseClock, SearchControls, partition
from .workers import SERIAL, Workers

#: ``fast_hierarchical`` values: the full multilevel search; keep every
#: super-module level and refine only the bottom modules; keep the
#: super-module levels and skip the recursive refinement.  (The official
#: ``-FFF``, 3, searches as ``-FF`` does.)
FULL, KEEP_SUPER_LEVELS, SUPER_LEVELS_ONLY = 0, 1, 2


@dataclass(frozen=True)
class SearchResult:
    """The best module tree found and what each trial found.

    ``parent`` and ``leaf_module`` describe the tree as in
    :mod:`infomap_py._core.hierarchy` (not yet ordered by flow);
    ``kernel_graph`` is the ``flow_graph`` the search ran on (``None`` for a
    network without links), for scoring the tree without building it again.
    ``trial_trees`` holds every trial's ``(parent, leaf_module)`` in trial
    order when the search was asked to keep them, else ``None``.
    """

    parent: np.ndarray
    leaf_module: np.ndarray
    codelength: float
    trial_codelengths: np.ndarray
    best_trial: int
    seconds: float
    kernel_graph: tuple | None = None
    trial_trees: list[tuple[np.ndarray, np.ndarray]] | None = None


def available_cpus() -> int:
    """The number of CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


#: Where ``n_jobs="auto"`` (or ``None``) looks for a thread count, in this
#: order, before the CPUs this process may run on: the official Infomap's
#: order.
THREAD_VARIABLES = ("INFOMAP_NUM_THREADS", "SLURM_CPUS_PER_TASK", "OMP_NUM_THREADS")


def _positive_count(text: str | None, first_of_list: bool = False) -> int:
    """The positive integer ``text`` holds (the first of a comma-separated
    list with ``first_of_list``), or 0 when it holds none."""
    if text is None:
        return 0
    parts = text.split(",") if first_of_list else [text]
    counts = []
    for part in parts:
        part = part.strip()
        if not part.isdigit() or int(part) < 1:
            return 0  # a malformed value counts as unset
        counts.append(int(part))
    return counts[0] if counts else 0


def auto_threads() -> int:
    """The thread count of ``n_jobs="auto"``: the first positive count among
    :data:`THREAD_VARIABLES` (``OMP_NUM_THREADS`` may list one per nesting
    level; its first counts), else :func:`available_cpus`."""
    return auto_threads_and_source()[0]


def auto_threads_and_source() -> tuple[int, str]:
    """:func:`auto_threads` and where it comes from: the variable's name, or
    ``"cpuset"`` for the CPUs this process may run on (as the official's
    timing report names it)."""
    for name in THREAD_VARIABLES:
        count = _positive_count(os.environ.get(name), first_of_list=name == "OMP_NUM_THREADS")
        if count:
            return count, name
    return available_cpus(), "cpuset"


def trial_seeds(seed: int, trials: int, offset: int = 0) -> list[int]:
    """Return one independent 64-bit seed per trial, derived from ``seed``.

    Trial ``i`` gets the seed of trial ``offset + i`` of a run from trial 0
    (the ``i``-th child of ``SeedSequence(seed)``), so that a run with
    ``offset`` repeats those trials of a longer run.
    """
    return [int(np.random.SeedSequence(seed, spawn_key=(offset + t,))
                .generate_state(1, dtype=np.uint64)[0]) for t in range(trials)]


def run_trial(
    kernel_input: tuple,
    rng: np.ndarray,
    two_level: bool = False,
    fast_hierarchical: int = FULL,
    initial_labels: np.ndarray | None = None,
    progress: Callable[[str, int, float, float], None] | None = None,
    workers: Workers = SERIAL,
    merge: bool = True,
    controls: SearchControls = DEFAULT_CONTROLS,
    preference: LevelPreference = NO_PREFERENCE,
) -> tuple[np.ndarray, np.ndarray, float]:
    """Run one Infomap trial; return ``(parent, leaf_module, codelength)``.

    A two-level partition first (:func:`infomap_py.two_level.partition`).
    With ``two_level`` and ``merge``, groups of its modules that a two-level
    search on the network of modules proposes are then merged where that
    shortens the codelength (:func:`infomap_py.multilevel.merge_modules`),
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

    ``kernel_input`` is ``(net, constants)``: the kernels'
    :data:`~infomap_py._core.coarsen.FlowNet` and the map equation's
    constants; ``progress(phase, num_top_modules, codelength, seconds)``
    is called as each phase ends, with the seconds it took (``"merge"``
    after the merging and the search that follows it); ``workers`` share
    the modules of coarse-tuning and of the recursive split.  ``controls``
    limit the two-level searches of the whole network and of its modules
    (coarse-tuning, the recursive split), as the official hands its options
    down; the searches for super-modules take its thresholds and
    ``prefer_modular_solution``, and its codelength threshold also applies
    to keeping super-modules and sub-modules.  A ``preference`` for the
    depth of the tree biases the tests that keep super-modules and
    sub-modules (:class:`~infomap_py.multilevel.LevelPreference`); as the
    official, the tree is then kept as found: no module is dissolved for
    not paying, and the two-level partition does not replace it.

    With a preferred number of modules in the constants (and no
    ``initial_labels``), the trial also searches from the modules found
    without the preference (:func:`_from_natural_modules`, the phase
    ``"natural start"``) and keeps the shorter partition, or, unless
    ``two_level``, builds a tree from each and keeps the shorter tree.  With
    a ``preference`` for the depth (and ``fast_hierarchical == FULL``), a
    tree is also built from each start's super-modules found without the
    preference; trees of different depths compare by codelength less the
    bits the preference grants their depth (:func:`_with_depth_prior`).
    """
    net, constants = kernel_input
    n = net.node_data.flow.shape[0]
    if initial_labels is not None:
        labels = unique_inverse(initial_labels)[1]
    else:
        labels = np.arange(n, dtype=np.int64)
    found = [partition(net, constants, labels, int(labels.max()) + 1, rng, False, workers,
                       progress, controls)]
    phase_done = PhaseClock(progress)  # the phases after the two-level search
    if constants[mapeq.PREFERRED_NUM_MODULES] > 0.0 and initial_labels is None:
        found.append(_from_natural_modules(net, constants, rng, workers, controls))
        phase_done("natural start", found[1][1], found[1][2])
    if two_level:
        labels, k, length = min(found, key=lambda start: start[2])  # the first of equals
        # Merging is scored with the first-order node term: not on state networks
        # nor with metadata.
        if merge and 2 < k < n and not is_memory(net.phys) and net.meta is None:
            merged, merged_k = merge_modules(net, constants, labels, k, rng, controls)
            if merged_k < k:
                # The usual search and tuning go on from the merged modules.
                labels, k, length = partition(net, constants, merged, merged_k, rng,
                                              False, workers, controls=controls)
            phase_done("merge", k, length)
        return (*two_level_tree(labels, k), length)
    # A tree from each start (the shorter partition need not give the shorter tree).
    trees = [_tree(net, constants, *start, rng, fast_hierarchical, workers, controls,
                   preference, phase_done) for start in found]
    if preference.active and fast_hierarchical == FULL:
        # The two-level optimum need not be the best top level of a tree of
        # the preferred depth: also split the super-modules found without the
        # preference (the top level, as always unless keeping super levels).
        trees += [_tree(net, constants, *start, rng, fast_hierarchical, workers, controls,
                        preference, phase_done, NO_PREFERENCE) for start in found]
    return min(trees, key=lambda tree: _with_depth_prior(tree, preference))


def _with_depth_prior(tree: tuple[np.ndarray, np.ndarray, float],
                      preference: LevelPreference) -> float:
    """The codelength of ``(parent, leaf_module, codelength)`` less the bits
    the preference grants every level of its depth beyond two levels (the
    sum of the biases its tests would have added), to compare trees of
    different depths under a preference for the depth; the codelength
    itself without one."""
    parent, leaf_module, length = tree
    if not preference.active or leaf_module.size == 0:
        return length
    levels = int(module_depths(parent)[leaf_module].max()) + 1
    return length - sum(preference.bias(depth) for depth in range(3, levels + 1))


def _tree(net: tuple, constants: np.ndarray, labels: np.ndarray, k: int, length: float,
          rng: np.ndarray, fast_hierarchical: int, workers: Workers, controls: SearchControls,
          preference: LevelPreference, phase_done: PhaseClock,
          super_preference: LevelPreference | None = None
          ) -> tuple[np.ndarray, np.ndarray, float]:
    """The multilevel part of :func:`run_trial`: super-modules above the
    two-level partition ``labels`` (``k`` modules, codelength ``length``),
    sub-modules below, unpaid modules dissolved; ``(parent, leaf_module,
    codelength)``."""
    node_flow = net.node_data.flow
    n = node_flow.shape[0]
    flat_parent, flat_leaf_module = two_level_tree(labels, k)
    if k == 1 or k == n:
        return flat_parent, flat_leaf_module, length
    flat_length = length
    min_improvement = controls.core_loop_codelength_threshold
    bias = bias_of(constants)
    preferred = constants[mapeq.PREFERRED_NUM_MODULES]
    levels = []
    # As the official: no super-modules at or below a preferred number of modules.
    if preferred == 0.0 or k > preferred:
        levels = super_levels(net, 0.0, labels, k, rng, 0, controls, bias,
                              preference if super_preference is None else super_preference)
    parent, leaf_module = super_tree(labels, k, levels, keep_levels=fast_hierarchical != FULL)
    if phase_done.report is not None:
        phase_done("super-modules", int((parent[1:] == 0).sum()),
                   tree_codelength(net, parent, leaf_module, bias))
    if fast_hierarchical != SUPER_LEVELS_ONLY:
        parent, leaf_module = split_recursively(net, parent, leaf_module, rng, workers,
                                                controls, constants, preference)
    _, enter, exit_ = tree_flows(net, parent, leaf_module)
    dissolved = False
    if not preference.active:
        parent, dissolved = dissolve_unpaid_modules(node_flow, parent, leaf_module, enter,
                                                    exit_, min_improvement, constants)
    if dissolved:
        # Dissolving a module leaves the flows of every other module as they were.
        kept = parent != -2
        enter, exit_ = enter[kept], exit_[kept]
        parent, leaf_module = compact_tree(parent, leaf_module)
    leaf_flow, leaf_of = coded_leaves(net, leaf_module, parent.shape[0])
    length = biased_tree_length(add_meta_lengths(net, module_codelengths(
        leaf_flow, parent, leaf_of, enter, exit_), leaf_module), parent, leaf_module, bias)
    if length > flat_length and not preference.active:
        # Re-splitting the coarsest super-modules lost structure: keep the partition.
        parent, leaf_module, length = flat_parent, flat_leaf_module, flat_length
    phase_done("sub-modules", int((parent[1:] == 0).sum()), length)
    return parent, leaf_module, length


def _from_natural_modules(net: tuple, constants: np.ndarray, rng: np.ndarray,
                          workers: Workers, controls: SearchControls
                          ) -> tuple[np.ndarray, int, float]:
    """With a preferred number of modules: search the network without the
    preference, then again with it from the modules found; return
    ``(labels, num_modules, codelength)``.

    The preference charges ``|k - K|`` bits for ``k`` modules, so a search
    from single nodes (``k = n``) merges greedily down to ``K`` modules and
    then pays a bit for every merge more: on large networks it ends far from
    the natural modules (netscience with its natural number + 2 of modules:
    3.93 bits on average over 24 seeds from single nodes, 3.23 from the
    natural modules; the official 4.02).  From the natural modules the
    search only has to open or close ``|k - K|`` of them.  On small networks
    neither start is better on average, and :func:`run_trial` keeps the
    better of the two.
    """
    natural = constants.copy()
    natural[mapeq.PREFERRED_NUM_MODULES] = 0.0
    n = net.node_data.flow.shape[0]
    labels, k, _ = partition(net, natural, np.arange(n, dtype=np.int64), n, rng, False,
                             workers, controls=controls)
    return partition(net, constants, labels, k, rng, False, workers, controls=controls)


def search(
    flow: Flow,
    trials: int = 1,
    seed: int = 123,
    two_level: bool = False,
    fast_hierarchical: int = FULL,
    initial_labels: np.ndarray | None = None,
    progress: Callable[[int, str, int, float, float], None] | None = None,
    n_jobs: int | None = None,
    controls: SearchControls = DEFAULT_CONTROLS,
    trial_offset: int = 0,
    keep_trials: bool = False,
    bias: np.ndarray | None = None,
    preference: LevelPreference = NO_PREFERENCE,
    random_moves: tuple[int, int] = (0, 0),
    trial_done: Callable[[int, int, float, float], None] | None = None,
) -> SearchResult:
    """Run ``trials`` independent Infomap trials on ``flow``; return the best.

    ``initial_labels`` (one module id per node) starts every trial from that
    partition instead of from single nodes.  ``progress(trial, phase,
    num_top_modules, codelength, seconds)`` is called as every phase of every
    trial ends, with the seconds the phase took (one call at a time).  Trials
    run in ``n_jobs`` threads (``None``: :func:`auto_threads`); a single
    trial uses them to split modules.  Every
    trial has its own random state and ties are broken by the lower trial
    number, so the result depends on ``seed`` and ``trials`` only, never on
    ``n_jobs``.  Trial ``t`` runs with the random state of trial
    ``trial_offset + t`` of a run from trial 0 (:func:`trial_seeds`);
    ``controls`` limit each trial's search (:func:`run_trial`);
    ``keep_trials`` keeps every trial's tree in ``trial_trees``.  ``bias``
    turns on the biased map equation: ``[preferred_num_modules,
    module_correction, node_correction]`` (see :mod:`infomap_py._core.mapeq`);
    ``preference`` is a preference for the depth of the tree
    (:class:`~infomap_py.multilevel.LevelPreference`).  ``random_moves`` is
    ``(num_random_moves, max_degree_for_random_moves)``: every node with at
    most that many links also tries the modules of that many random nodes in
    each sweep (:func:`infomap_py._core.moves.sweep`; 0: none).
    ``trial_done(trial, num_top_modules, codelength, seconds)`` is called as
    every trial ends, with the seconds it took (one call at a time, as
    ``progress``).
    """
    start = time.perf_counter()
    n = flow.num_nodes
    if flow.link_flow.shape[0] == 0:
        tree = two_level_tree(np.arange(n), n)
        return SearchResult(*tree, 0.0, np.zeros(trials), 0, 0.0,
                            trial_trees=[tree] * trials if keep_trials else None)
    net = flow_graph(flow)
    bias = NO_BIAS if bias is None else np.asarray(bias, dtype=float)
    objective = np.concatenate([bias[:mapeq.NUM_BIAS], np.asarray(random_moves, dtype=float)])
    kernel_input = (net, mapeq.new_constants(node_entropy(net), 0.0, objective))
    seeds = trial_seeds(seed, trials, trial_offset)
    workers = auto_threads() if n_jobs is None else n_jobs
    in_parallel = trials > 1 and workers > 1
    lock = threading.Lock()

    def trial(t: int, trial_workers: Workers) -> tuple:
        started = time.perf_counter()
        report = None
        if progress is not None:
            def report(phase, k, length, seconds):
                with lock:
                    progress(t, phase, k, length, seconds)
        found = run_trial(kernel_input, new_state(seeds[t]), two_level, fast_hierarchical,
                          initial_labels, report, trial_workers, controls=controls,
                          preference=preference)
        if trial_done is not None:
            parent, _, length = found
            with lock:
                trial_done(t, int((parent[1:] == 0).sum()), length,
                           time.perf_counter() - started)
        return found

    with ThreadPoolExecutor(max_workers=workers) as pool:
        if in_parallel:
            # Trials share the threads; each partitions its modules in its own thread.
            found = list(pool.map(lambda t: trial(t, SERIAL), range(trials)))
        else:
            alone = Workers(pool, workers) if workers > 1 else SERIAL
            found = [trial(t, alone) for t in range(trials)]
    lengths = np.array([length for _, _, length in found])
    best = int(np.argmin(lengths))  # the first of equal codelengths
    parent, leaf_module, length = found[best]
    return SearchResult(parent, leaf_module, length, lengths, best,
                        time.perf_counter() - start,
                        net, [(p, m) for p, m, _ in found] if keep_trials else None)
