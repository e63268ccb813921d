"""Kernels of the phases of an Infomap trial: core loops with aggregation
(:func:`find_top_modules`), fine-tuning (:func:`fine_tune`, which also moves
the sub-modules in the second half of coarse-tuning), the first half of
coarse-tuning (:func:`partition_modules`) and the one
sub-network partitioner (:func:`partition_subnetwork`) that coarse-tuning
and the recursive split of the multilevel search share.

Everything here works on a *leaf* flow graph (see :mod:`.coarsen`) with its
node data and node enter/exit flows, and returns a module label per leaf.
The same routines partition a whole network (``exit_network_flow == 0``)
and the sub-network of one module.  The order of the phases is driven from
Python (:mod:`infomap_py.two_level`), which reports each phase as it ends;
kernels do not call kernels that drive other phases, so that each compiles
once, on its own, and only when a run needs it.
"""

from collections import namedtuple

import numpy as np

from . import mapeq
from ._jit import inline_jit, jit
from .coarsen import (
    FlowNet,
    NodeFlows,
    aggregate_net,
    aggregate_net_from_leaves,
    compact_labels,
    module_flows,
    subnetwork,
    without_graph,
)
from .memory import is_memory, num_physical, physical_flow, physical_term, subnetwork_physical
from .meta import is_meta, meta_term, subnetwork_meta
from .moves import core_loops, new_partition, state_codelength

#: Sweeps per core loop on the finest level (the official default).
CORE_LOOP_LIMIT = 10

#: Sweeps per core loop on aggregated levels and in the sub-networks of coarse-tuning.
AGGREGATED_LOOP_LIMIT = 20

#: The graph of a network's first level of modules is freed before its
#: second level is made (see :func:`find_top_modules`) where it has at
#: least this many entries ...
FREED_LEVEL_ENTRIES = 1 << 22

#: ... and more than this many per node of the network: moving single nodes
#: holds some 170 bytes per node, and a graph 12-20 bytes per entry, so
#: that the first two levels' graphs together make the peak memory of a run
#: only where they are this dense (the state network of a multilayer
#: network, whose states link to states in every layer).  Freeing takes
#: longer than keeping: sparser networks, and the sub-networks of modules,
#: keep the faster way.
FREED_LEVEL_DEGREE = 16

#: A core loop continues while a sweep shortens the codelength by this much.
MIN_IMPROVEMENT = 1e-10

#: Tuning continues while a round shortens the codelength by this fraction
#: of the one-level codelength.
MIN_RELATIVE_TUNE_IMPROVEMENT = 1e-5

#: Fine-tuning rounds of a module's partition during coarse-tuning.
SUBNETWORK_TUNE_LIMIT = 1

#: The search controls of the partition of a module's sub-network, a
#: float64 array (:func:`subnetwork_controls`) indexed by these: sweeps per
#: core loop on single nodes, levels of modules (0: no limit), iterations
#: of the search counting the first search of the levels (0: no limit),
#: the codelength threshold of a sweep, and whether to keep modules where
#: one module codes shorter (1.0) or not (0.0).
LOOP_LIMIT, LEVEL_LIMIT, TUNE_LIMIT, THRESHOLD, PREFER_MODULAR = range(5)


def subnetwork_controls(loop_limit=CORE_LOOP_LIMIT, level_limit=0, tune_limit=0,
                        threshold=MIN_IMPROVEMENT, prefer_modular=False):
    """Return the controls array of :func:`partition_subnetwork` (the
    defaults: the official defaults)."""
    return np.array([loop_limit, level_limit, tune_limit, threshold, float(prefer_modular)],
                    dtype=np.float64)


@jit
def node_entropy(net):
    """Return the map equation's constant node term (``constants[0]``):
    ``sum(plogp(node flow))``, or 0 for a state network, whose node term
    depends on the partition (:func:`physical_term`)."""
    if is_memory(net.phys):
        return 0.0
    return mapeq.entropy_terms(net.node_data.flow)


@jit
def one_level_length(net, constants):
    """Return the codelength of one module holding every node of ``net``
    (coding physical nodes on a state network, and the categories of all
    nodes with metadata), left at rate ``constants[EXIT_NETWORK_FLOW]``,
    with the biased map equation's terms of one module."""
    index_bias, module_bias = mapeq.count_bias(1, constants)
    length = (mapeq.one_level_codelength(physical_flow(net.phys, net.node_data.flow),
                                         constants[mapeq.EXIT_NETWORK_FLOW])
              + index_bias + module_bias)
    if is_meta(net.meta):
        length += meta_term(net.meta, np.zeros(net.node_data.flow.shape[0], dtype=np.int64), 1)
    return length


@inline_jit
def subnetwork_constants(net, exit_flow, constants):
    """Return the ``constants`` of a module's sub-network ``net``, left at
    rate ``exit_flow``, searched within a network of ``constants``: the
    whole network's entropy correction per module, and no preferred number
    of modules (as the official's searches of sub-networks)."""
    sub = constants.copy()
    sub[mapeq.SUM_PLOGP_NODE_FLOW] = node_entropy(net)
    sub[mapeq.EXIT_NETWORK_FLOW] = exit_flow
    sub[mapeq.PREFERRED_NUM_MODULES] = 0.0
    sub[mapeq.NODE_CORRECTION] = 0.0  # the same for every partition of the module
    return sub


@inline_jit
def score(net, constants, labels, num_modules):
    """Return ``(index, module)`` codelength of a partition of the leaves."""
    flows = module_flows(net, labels, num_modules)
    terms = mapeq.init_terms(flows.flow, flows.enter, flows.exit, num_modules)
    terms[mapeq.SUM_PLOGP_PHYSICAL_FLOW] = physical_term(net.phys, labels, num_modules)
    terms[mapeq.META_CODELENGTH] = meta_term(net.meta, labels, num_modules)
    index_bias, module_bias = mapeq.count_bias(num_modules, constants)
    return (mapeq.index_codelength(terms, constants) + index_bias,
            mapeq.module_codelength(terms, constants) + module_bias)


@jit
def total_codelength(net, constants, labels, num_modules):
    """Return the two-level codelength of a partition of the leaves."""
    index, module = score(net, constants, labels, num_modules)
    return index + module


@inline_jit
def _move_single_nodes(net, constants, rng, loop_limit, min_improvement, skip_joined):
    """Run the core loop on one level, every node starting alone; return
    ``(old_codelength, new_codelength, labels)``.  The module state is
    freed on return, before the caller aggregates the level."""
    state = new_partition(net, np.arange(net.node_data.flow.shape[0]))
    old_codelength = state_codelength(state, constants)
    core_loops(net, state, constants, rng, loop_limit, min_improvement, skip_joined, False)
    return old_codelength, state_codelength(state, constants), state.labels


@jit
def find_top_modules(net, constants, leaf_labels, num_modules, rng, loop_limit, level_limit,
                     first_loop, min_improvement):
    """Move modules (or leaves) into modules, aggregate, and repeat until
    nothing moves; return the new ``(leaf_labels, num_modules, codelength)``.

    ``leaf_labels`` gives the starting nodes: each of its ``num_modules``
    groups of leaves is one node of the first level searched.  Single
    leaves get ``loop_limit`` sweeps per core loop, aggregated nodes
    ``AGGREGATED_LOOP_LIMIT``; ``first_loop`` (the first level of a whole
    network, from single nodes) leaves nodes that others joined in place
    on the first sweep.  At most ``level_limit`` levels are searched (0: no
    limit).  A core loop goes on while a sweep shortens the codelength by
    more than ``min_improvement`` bits; the levels go on while a level's
    core loop shortens it by more than ``MIN_IMPROVEMENT``.  The codelength
    is the one the last level measured before it moved anything (summed
    over modules as :func:`total_codelength` sums it, but from the level's
    nodes, so it may differ from that in the last bits), so that the
    partition need not be scored again from its leaves.
    """
    num_leaves = leaf_labels.shape[0]
    leaf_labels = leaf_labels.copy()
    level = net
    aggregated = False
    if num_modules != num_leaves:
        level = aggregate_net(net, leaf_labels, num_modules)
        aggregated = True
    # While the level is the leaves aggregated once (by ``once_labels``)
    # and its graph is large and dense, the next level is summed from the
    # leaves' rows after the level's graph is freed: two such graphs are
    # never alive at once beside the leaves'.
    once = aggregated
    once_labels = leaf_labels.copy()
    levels = 0
    # The codelength of ``leaf_labels``, where a level has just measured it
    # (NaN where not): every level starts from its nodes alone, which is the
    # partition of the leaves so far.
    length = np.nan
    while num_modules > 1 and (level_limit == 0 or levels < level_limit):
        levels += 1
        limit = loop_limit
        if aggregated:
            limit = AGGREGATED_LOOP_LIMIT
        old_length, new_length, moved_labels = _move_single_nodes(
            level, constants, rng, limit, min_improvement, first_loop and not aggregated)
        length = old_length
        # The level is kept if its moves gain more than MIN_IMPROVEMENT in
        # all, whatever ``min_improvement`` ends its sweeps (as the official
        # keeps a level that gains at all): a coarse sweep threshold must
        # not discard the moves of the sweep it ends.
        if new_length >= old_length - MIN_IMPROVEMENT:
            break
        new_labels, new_num = compact_labels(moved_labels)
        if new_num == num_modules:
            # Every node of a level starts alone, so moves that shorten the
            # codelength leave fewer modules.  As many modules means the
            # move deltas and the codelength disagree: stop rather than
            # aggregate the same level forever.
            break
        level_entries = level.graph.neighbours.shape[0]
        if (once and level_entries >= FREED_LEVEL_ENTRIES
                and level_entries > FREED_LEVEL_DEGREE * num_leaves):
            level = without_graph(level)
            level = aggregate_net_from_leaves(net, once_labels, level, new_labels, new_num)
        else:
            level = aggregate_net(level, new_labels, new_num)
        once = not aggregated
        once_labels = new_labels
        for i in range(num_leaves):
            leaf_labels[i] = new_labels[leaf_labels[i]]
        num_modules = new_num
        aggregated = True
        length = np.nan
    if np.isnan(length) or num_modules <= 1 or mapeq.is_biased(constants):
        # (The biased map equation's terms of a level and of the leaves
        # differ where one module is left.)
        length = total_codelength(net, constants, leaf_labels, num_modules)
    return leaf_labels, num_modules, length


@jit
def fine_tune(net, constants, leaf_labels, rng, loop_limit, min_improvement):
    """Let the nodes move between the modules of ``leaf_labels`` (single
    leaves in fine-tuning, sub-modules in coarse-tuning), sweeping while a
    sweep gains more than ``min_improvement`` bits; return the new
    ``(labels, num_modules)``."""
    state = new_partition(net, leaf_labels)
    core_loops(net, state, constants, rng, loop_limit, min_improvement, False, True)
    return compact_labels(state.labels)


@inline_jit
def partition_subnetwork(net, exit_flow, rng, constants, controls):
    """Two-level Infomap on the sub-network of one module, whose flow leaves
    the rest of the network at rate ``exit_flow``, within a network of
    ``constants`` (:func:`subnetwork_constants`): the core loops from
    single nodes, then one round of fine-tuning, kept if it codes shorter.
    Return ``(labels, k, codelength)``, one module when splitting does not
    pay.  Coarse-tuning and the recursive split of the multilevel search
    both partition modules with it.

    ``controls`` (:func:`subnetwork_controls`) limit the search as the
    whole network's search is limited (the official hands its options
    down to the searches of modules): the sweeps per core loop on single
    nodes, the levels (counting the level of modules a search starts
    from), no tuning round with an iteration limit of 1, the codelength
    threshold of sweeps and of the tuning round, and modules kept where
    one module codes shorter.
    """
    node_flow = net.node_data.flow
    k = node_flow.shape[0]
    loop_limit = np.int64(controls[LOOP_LIMIT])
    level_limit = np.int64(controls[LEVEL_LIMIT])
    tune_limit = np.int64(controls[TUNE_LIMIT])
    threshold = controls[THRESHOLD]
    constants = subnetwork_constants(net, exit_flow, constants)
    labels, num, length = find_top_modules(net, constants, np.arange(k), k, rng, loop_limit,
                                           level_limit, False, threshold)
    rounds = SUBNETWORK_TUNE_LIMIT
    if tune_limit > 0:
        rounds = min(rounds, tune_limit - 1)
    for _ in range(rounds):
        if num <= 1:
            break
        tuned, tuned_num = fine_tune(net, constants, labels, rng, loop_limit, threshold)
        # From modules, one level less is left to search (as on the whole network).
        if tuned_num > 1 and level_limit != 1:
            tuned, tuned_num, tuned_length = find_top_modules(
                net, constants, tuned, tuned_num, rng, AGGREGATED_LOOP_LIMIT,
                max(level_limit - 1, 0), False, threshold)
        else:
            tuned_length = total_codelength(net, constants, tuned, tuned_num)
        if tuned_length >= length - threshold:
            break
        labels, num, length = tuned, tuned_num, tuned_length
    one_level = one_level_length(net, constants)
    if num > 1 and length > one_level and controls[PREFER_MODULAR] == 0.0:
        labels[:] = 0
        num = 1
    if num == 1:
        length = one_level
    return labels, num, length


@inline_jit
def module_subnetwork(net, nodes, local, local_phys):
    """Return the :class:`FlowNet` of the sub-network of ``nodes``
    (``local``, ``local_phys``: scratch for :func:`subnetwork` and
    :func:`~.memory.subnetwork_physical`)."""
    data = net.node_data
    return FlowNet(subnetwork(net.graph, nodes, local),
                   NodeFlows(data.flow[nodes], data.tele_source[nodes],
                             data.tele_weight[nodes]),
                   net.node_enter[nodes], net.node_exit[nodes],
                   subnetwork_physical(net.phys, nodes, local_phys),
                   subnetwork_meta(net.meta, nodes))


@jit
def physical_scratch(net):
    """Return the ``local_phys`` scratch of :func:`module_subnetwork`."""
    return np.full(num_physical(net.phys), -1, dtype=np.int64)


#: The modules of a partition, each partitioned on its own (by
#: :func:`partition_modules`).  In: ``start``/``members`` (the nodes of
#: module ``m`` are ``members[start[m]:start[m + 1]]``) and ``seeds`` (each
#: module's random state).  Out: ``sub_labels`` (every node's sub-module,
#: from 0 within its module), ``num_sub`` (each module's number of
#: sub-modules), ``exit_flow`` and ``codelength`` (each module's exit flow and
#: the codelength of its sub-network's partition), and ``seeds`` (the random
#: states after the partition, for a search that goes on in the module).
ModuleSplit = namedtuple("ModuleSplit",
                         "start members seeds sub_labels num_sub exit_flow codelength")


def new_module_split(start, members, seeds, num_nodes):
    """Return a :data:`ModuleSplit` for the modules of ``start``/``members``."""
    num_modules = start.shape[0] - 1
    return ModuleSplit(start, members, seeds, np.zeros(num_nodes, dtype=np.int64),
                       np.ones(num_modules, dtype=np.int64), np.zeros(num_modules),
                       np.zeros(num_modules))


@jit
def partition_modules(net, modules, split, min_nodes, constants, controls):
    """Partition the sub-network of each module in ``modules`` on its own
    (:func:`partition_subnetwork`, within ``controls``), one after the
    other, and write the results into ``split`` (a :data:`ModuleSplit`).
    Modules of fewer than ``min_nodes`` nodes stay whole (one sub-module).
    ``constants`` are the whole network's (for the biased map equation's
    terms).

    Threads may run this kernel on disjoint ``modules`` (the GIL is
    released): every module has its own seed, so the result does not depend
    on how they are shared.
    """
    local = np.full(net.node_data.flow.shape[0], -1, dtype=np.int64)
    local_phys = physical_scratch(net)
    for q in range(modules.shape[0]):
        m = modules[q]
        nodes = split.members[split.start[m]:split.start[m + 1]]
        size = nodes.shape[0]
        if size < min_nodes:
            for j in range(size):
                split.sub_labels[nodes[j]] = 0
            split.num_sub[m] = 1
            continue
        sub_net = module_subnetwork(net, nodes, local, local_phys)
        # The module's exit flow, summed as the whole network's module flows sum it.
        exit_flow = module_flows(sub_net, np.zeros(size, dtype=np.int64), 1).exit[0]
        rng = np.empty(1, dtype=np.uint64)
        rng[0] = split.seeds[m]
        labels, k, length = partition_subnetwork(sub_net, exit_flow, rng, constants, controls)
        for j in range(size):
            split.sub_labels[nodes[j]] = labels[j]
        split.num_sub[m] = k
        split.exit_flow[m] = exit_flow
        split.codelength[m] = length
        split.seeds[m] = rng[0]
