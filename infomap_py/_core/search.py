"""The phases of an Infomap trial: core loops with aggregation, fine- and
coarse-tuning.

Everything here works on a *leaf* flow graph (see :mod:`.coarsen`) with its
node data and node enter/exit flows, and returns a module label per leaf.
The same routines partition a whole network (``exit_network_flow == 0``) and
the sub-network of one module during coarse-tuning.  The order of the phases
is driven from Python (:mod:`infomap_py.optimize`), which reports progress
between them.
"""

import numba
import numpy as np

from . import mapeq
from ._jit import jit, parallel_jit
from .coarsen import (
    aggregate,
    aggregate_node_data,
    compact_labels,
    members_by_label,
    module_flows,
    subnetwork,
)
from .moves import core_loops, new_partition, place_linkless_nodes
from .rng import next_u64

#: Sweeps per core loop on the finest level (the official default).
CORE_LOOP_LIMIT = 10

#: Sweeps per core loop on aggregated levels and in the sub-networks of coarse-tuning.
AGGREGATED_LOOP_LIMIT = 20

#: A core loop continues while a sweep shortens the codelength by this much.
MIN_IMPROVEMENT = 1e-10

#: Tuning continues while a round shortens the codelength by this fraction
#: of the one-level codelength.
MIN_RELATIVE_TUNE_IMPROVEMENT = 1e-5

#: Phase codes in the log that :func:`partition` returns.
PHASE_LEVELS = 0
PHASE_FINE_TUNE = 1
PHASE_COARSE_TUNE = 2
PHASE_FINISH = 3

#: Fine-tuning rounds of a module's partition during coarse-tuning.
SUBNETWORK_TUNE_LIMIT = 1


@jit
def score(graph, node_data, node_enter, node_exit, constants, labels, num_modules):
    """Return ``(index, module)`` codelength of a partition of the leaves."""
    flow, enter, exit_, _, _ = module_flows(
        graph, node_data, node_enter, node_exit, labels, num_modules
    )
    terms = mapeq.init_terms(flow, enter, exit_, num_modules)
    return mapeq.index_codelength(terms, constants), mapeq.module_codelength(
        terms, constants
    )


@jit
def total_codelength(graph, node_data, node_enter, node_exit, constants, labels, num_modules):
    index, module = score(
        graph, node_data, node_enter, node_exit, constants, labels, num_modules
    )
    return index + module


@jit
def _move_single_nodes(graph, node_data, node_enter, node_exit, constants, rng, loop_limit,
                       min_improvement, skip_joined):
    """Run the core loop on one level, every node starting alone; return
    ``(effective_sweeps, labels)``.  The module state is freed on return,
    before the caller aggregates the level."""
    state = new_partition(graph, node_data, node_enter, node_exit,
                          np.arange(node_data[0].shape[0]))
    effective = core_loops(graph, node_data, node_enter, node_exit, state, constants, rng,
                           loop_limit, min_improvement, skip_joined)
    return effective, state[0]


@jit
def find_top_modules(graph, node_data, node_enter, node_exit, constants, leaf_labels,
                     num_modules, rng, loop_limit, min_improvement, level_limit,
                     first_loop=False):
    """Move modules (or leaves) into modules, aggregate, and repeat until
    nothing moves; return the new ``(leaf_labels, num_modules)``.

    ``leaf_labels`` gives the starting nodes: each of its ``num_modules``
    groups of leaves is one node of the first level searched.  Single
    leaves get ``loop_limit`` sweeps per core loop, aggregated nodes
    ``AGGREGATED_LOOP_LIMIT``.  At most ``level_limit`` levels are searched
    (0: no limit).
    """
    num_leaves = leaf_labels.shape[0]
    leaf_labels = leaf_labels.copy()
    if num_modules == num_leaves:
        level_graph = graph
        level_data = node_data
        level_enter = node_enter
        level_exit = node_exit
        aggregated = False
    else:
        level_graph = aggregate(graph, leaf_labels, num_modules)
        level_data = aggregate_node_data(node_data, leaf_labels, num_modules)
        _, level_enter, level_exit, _, _ = module_flows(
            graph, node_data, node_enter, node_exit, leaf_labels, num_modules
        )
        aggregated = True
    levels = 0
    while num_modules > 1 and (level_limit == 0 or levels < level_limit):
        levels += 1
        limit = loop_limit
        if aggregated:
            limit = AGGREGATED_LOOP_LIMIT
        effective, moved_labels = _move_single_nodes(
            level_graph, level_data, level_enter, level_exit, constants, rng, limit,
            min_improvement, first_loop and not aggregated)
        if effective == 0:
            break
        new_labels, new_num = compact_labels(moved_labels)
        if new_num == num_modules:
            # Every node of a level starts alone, so moves that shorten the
            # codelength leave fewer modules.  As many modules means the
            # move deltas and the codelength disagree: stop rather than
            # aggregate the same level forever.
            break
        for i in range(num_leaves):
            leaf_labels[i] = new_labels[leaf_labels[i]]
        _, level_enter, level_exit, _, _ = module_flows(
            level_graph, level_data, level_enter, level_exit, new_labels, new_num
        )
        level_graph = aggregate(level_graph, new_labels, new_num)
        level_data = aggregate_node_data(level_data, new_labels, new_num)
        num_modules = new_num
        aggregated = True
    return leaf_labels, num_modules


@jit
def fine_tune(graph, node_data, node_enter, node_exit, constants, leaf_labels, rng,
              loop_limit, min_improvement):
    """Let single leaves move between the current modules."""
    state = new_partition(graph, node_data, node_enter, node_exit, leaf_labels)
    core_loops(graph, node_data, node_enter, node_exit, state, constants, rng,
               loop_limit, min_improvement)
    return compact_labels(state[0])


@jit
def partition_subnetwork(graph, node_data, node_enter, node_exit, nodes, exit_flow,
                         local, rng, min_improvement):
    """Two-level Infomap on the sub-network of ``nodes``, whose flow leaves
    the rest of the network at rate ``exit_flow``; return ``(labels, k)``,
    one module when splitting does not pay."""
    k = nodes.shape[0]
    sub_graph = subnetwork(graph, nodes, local)
    node_flow, node_tele, node_tw = node_data
    sub_data = (node_flow[nodes], node_tele[nodes], node_tw[nodes])
    sub_enter = node_enter[nodes]
    sub_exit = node_exit[nodes]
    constants = np.array([mapeq.entropy_terms(sub_data[0]), exit_flow])
    labels, num = find_top_modules(sub_graph, sub_data, sub_enter, sub_exit, constants,
                                   np.arange(k), k, rng, CORE_LOOP_LIMIT,
                                   min_improvement, 0)
    # Fine-tune the sub-modules, as the search of a whole network does.
    length = total_codelength(sub_graph, sub_data, sub_enter, sub_exit, constants, labels, num)
    for _ in range(SUBNETWORK_TUNE_LIMIT):
        if num <= 1:
            break
        tuned, tuned_num = fine_tune(sub_graph, sub_data, sub_enter, sub_exit, constants,
                                     labels, rng, CORE_LOOP_LIMIT, min_improvement)
        if tuned_num > 1:
            tuned, tuned_num = find_top_modules(sub_graph, sub_data, sub_enter, sub_exit,
                                                constants, tuned, tuned_num, rng,
                                                AGGREGATED_LOOP_LIMIT, min_improvement, 0)
        tuned_length = total_codelength(sub_graph, sub_data, sub_enter, sub_exit, constants,
                                        tuned, tuned_num)
        if tuned_length >= length - min_improvement:
            break
        labels, num, length = tuned, tuned_num, tuned_length
    if num > 1:
        split = total_codelength(sub_graph, sub_data, sub_enter, sub_exit, constants, labels, num)
        if split > mapeq.one_level_codelength(sub_data[0], exit_flow):
            labels[:] = 0
            num = 1
    return labels, num


@jit
def _split_for_tuning(graph, node_data, node_enter, node_exit, start, members, module_exit,
                      m, seed, local, sub_labels, num_sub, min_improvement):
    """Partition module ``m``'s sub-network with its own random state
    ``seed``: its nodes' sub-module (from 0) go to ``sub_labels`` and their
    number to ``num_sub[m]``."""
    nodes = members[start[m]:start[m + 1]]
    if nodes.shape[0] <= 1:
        labels = np.zeros(nodes.shape[0], dtype=np.int64)
        k = 1
    else:
        rng = np.empty(1, dtype=np.uint64)
        rng[0] = seed
        labels, k = partition_subnetwork(graph, node_data, node_enter, node_exit, nodes,
                                         module_exit[m], local, rng, min_improvement)
    for j in range(nodes.shape[0]):
        sub_labels[nodes[j]] = labels[j]
    num_sub[m] = k


@jit
def _split_modules_serial(graph, node_data, node_enter, node_exit, start, members,
                          module_exit, seeds, sub_labels, num_sub, min_improvement):
    """:func:`_split_for_tuning` for every module, one after the other."""
    local = np.full(node_data[0].shape[0], -1, dtype=np.int64)
    for m in range(seeds.shape[0]):
        _split_for_tuning(graph, node_data, node_enter, node_exit, start, members,
                          module_exit, m, seeds[m], local, sub_labels, num_sub,
                          min_improvement)


@parallel_jit
def _split_modules_parallel(graph, node_data, node_enter, node_exit, start, members,
                            module_exit, seeds, sub_labels, num_sub, min_improvement,
                            num_chunks):
    """:func:`_split_for_tuning` for every module, the modules dealt
    round-robin into ``num_chunks`` chunks that Numba's threads share (each
    chunk with its own index scratch); the same result as
    :func:`_split_modules_serial`, since every module has its own seed."""
    num_modules = seeds.shape[0]
    for chunk in numba.prange(num_chunks):
        local = np.full(node_data[0].shape[0], -1, dtype=np.int64)
        for m in range(chunk, num_modules, num_chunks):
            _split_for_tuning(graph, node_data, node_enter, node_exit, start, members,
                              module_exit, m, seeds[m], local, sub_labels, num_sub,
                              min_improvement)


@jit
def coarse_tune(graph, node_data, node_enter, node_exit, constants, leaf_labels,
                num_modules, rng, min_improvement, num_threads=1):
    """Split every module into sub-modules, then let the sub-modules move
    between modules.

    Every module's split has its own random state drawn from ``rng``, so
    the result is the same whether the splits run one after the other or,
    with ``num_threads`` > 1 (a caller alone on Numba's threads), in
    parallel.
    """
    num_leaves = leaf_labels.shape[0]
    start, members = members_by_label(leaf_labels, num_modules)
    _, _, module_exit, _, _ = module_flows(
        graph, node_data, node_enter, node_exit, leaf_labels, num_modules
    )
    seeds = np.empty(num_modules, dtype=np.uint64)
    for m in range(num_modules):
        seeds[m] = next_u64(rng)
    sub_labels = np.empty(num_leaves, dtype=np.int64)
    num_sub_of = np.empty(num_modules, dtype=np.int64)
    if num_threads > 1:
        _split_modules_parallel(graph, node_data, node_enter, node_exit, start, members,
                                module_exit, seeds, sub_labels, num_sub_of, min_improvement,
                                num_threads)
    else:
        _split_modules_serial(graph, node_data, node_enter, node_exit, start, members,
                              module_exit, seeds, sub_labels, num_sub_of, min_improvement)
    # Number the sub-modules of all modules in module order.
    offset = np.zeros(num_modules + 1, dtype=np.int64)
    for m in range(num_modules):
        offset[m + 1] = offset[m] + num_sub_of[m]
    num_sub = offset[num_modules]
    parent = np.empty(num_sub, dtype=np.int64)
    for m in range(num_modules):
        parent[offset[m]:offset[m + 1]] = m
    for i in range(num_leaves):
        sub_labels[i] += offset[leaf_labels[i]]
    # Sub-modules become nodes, starting in the module they came from.
    sub_graph = aggregate(graph, sub_labels, num_sub)
    sub_data = aggregate_node_data(node_data, sub_labels, num_sub)
    _, sub_enter, sub_exit, _, _ = module_flows(
        graph, node_data, node_enter, node_exit, sub_labels, num_sub
    )
    state = new_partition(sub_graph, sub_data, sub_enter, sub_exit, parent)
    core_loops(sub_graph, sub_data, sub_enter, sub_exit, state, constants, rng,
               AGGREGATED_LOOP_LIMIT, min_improvement)
    module_of_sub, k = compact_labels(state[0])
    out = np.empty(num_leaves, dtype=np.int64)
    for i in range(num_leaves):
        out[i] = module_of_sub[sub_labels[i]]
    return out, k


@jit
def partition(graph, node_data, node_enter, node_exit, constants, labels, num_modules, rng,
              loop_limit, tune_iteration_limit, is_subnetwork, num_threads=1):
    """Run one two-level Infomap trial; return ``(labels, num_modules,
    codelength, log)``.

    The search starts from ``labels`` (``num_modules`` groups; single
    leaves for a fresh start), moves nodes into modules and aggregates until
    nothing moves, then alternates fine-tuning (single leaves move between
    the modules) and coarse-tuning (sub-modules move) until a fine and a
    coarse round in a row each gain less than ``MIN_RELATIVE_TUNE_IMPROVEMENT``
    of the one-level codelength (or for ``tune_iteration_limit`` rounds if
    not 0).  If one module codes the walk shorter, it returns one module.
    The same routine partitions a whole network and, with
    ``is_subnetwork``, the sub-network of a module (whose exit flow is in
    ``constants``).  ``log`` lists ``(phase, num_modules, codelength)``
    after every phase.  ``num_threads`` > 1 splits the modules of
    coarse-tuning among that many of Numba's threads (same result); only for
    a caller that has them to itself.
    """
    n = labels.shape[0]
    exit_flow = constants[mapeq.EXIT_NETWORK_FLOW]
    one_level = mapeq.one_level_codelength(node_data[0], exit_flow)
    first_loop = num_modules == n and not is_subnetwork
    labels, k = find_top_modules(graph, node_data, node_enter, node_exit, constants, labels,
                                 num_modules, rng, loop_limit, MIN_IMPROVEMENT, 0, first_loop)
    length = total_codelength(graph, node_data, node_enter, node_exit, constants, labels, k)
    log = [(PHASE_LEVELS, k, length)]
    fine = True
    failed_rounds = 0
    rounds = 0
    while k > 1 and (tune_iteration_limit == 0 or rounds < tune_iteration_limit):
        rounds += 1
        if fine:
            labels, k = fine_tune(graph, node_data, node_enter, node_exit, constants, labels,
                                  rng, loop_limit, MIN_IMPROVEMENT)
        else:
            labels, k = coarse_tune(graph, node_data, node_enter, node_exit, constants, labels,
                                    k, rng, MIN_IMPROVEMENT, num_threads)
        if k > 1:
            labels, k = find_top_modules(graph, node_data, node_enter, node_exit, constants,
                                         labels, k, rng, loop_limit, MIN_IMPROVEMENT, 0,
                                         False)
        new_length = total_codelength(graph, node_data, node_enter, node_exit, constants,
                                      labels, k)
        log.append((PHASE_FINE_TUNE if fine else PHASE_COARSE_TUNE, k, new_length))
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
    log.append((PHASE_FINISH, k, length))
    return labels, k, length, log
