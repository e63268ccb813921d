"""The multilevel search, driven from Python: super-modules found on the
network of modules, groups of modules merged for the two-level search, and
sub-modules found recursively inside modules.

The module tree is held as in :mod:`infomap_py._core.hierarchy`:
``parent[t]`` is the tree module that holds tree module ``t`` (the root is
0) and ``leaf_module[i]`` the tree module that holds leaf ``i``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ._core import mapeq
from ._core.coarsen import (
    FlowGraph,
    FlowNet,
    ModuleFlows,
    NodeFlows,
    aggregate,
    members_by_label,
    module_flows,
)
from ._core.hierarchy import attach_submodules, index_codebook_length, merge_groups
from ._core.rng import next_seeds
from ._core.search import (
    module_subnetwork,
    new_module_split,
    one_level_length,
    partition_modules,
    physical_scratch,
    subnetwork_constants,
    total_codelength,
)
from ._sort import unique
from .two_level import DEFAULT_CONTROLS, SearchControls, partition
from .workers import SERIAL, Workers

#: The biased map equation's ``[preferred_num_modules, module_correction,
#: node_correction]`` (see :mod:`infomap_py._core.mapeq`) of the plain map equation.
NO_BIAS = np.zeros(3)


@dataclass(frozen=True)
class LevelPreference:
    """A soft preference for the depth of the module tree (the official
    ``--preferred-number-of-levels`` and its ``-strength``).

    Every test that keeps a new level of super-modules, or a module's
    sub-modules, compares codelengths with :meth:`bias` added: the
    log-odds, in bits, of a prior on the depth that the level makes,
    ``strength * (levels - depth + 1/2) / ln 2``: positive (the level is
    kept even where it codes a little longer) below the preferred depth,
    negative above it.  ``levels == 0`` or ``strength <= 0``: no
    preference.  Depths count as the official counts them: a level of
    super-modules above a two-level partition makes depth 3, the next 4
    (also inside a module's search, whose partition counts as two
    levels); splitting a module at depth ``d`` (top modules: 1) makes
    depth ``d + 1``.
    """

    levels: int = 0
    strength: float = 1.0

    @property
    def active(self) -> bool:
        """Whether the preference biases anything."""
        return self.levels > 0 and self.strength > 0.0

    def bias(self, depth: int) -> float:
        """The bits a level that makes the tree ``depth`` deep may code
        longer by and still be kept (negative: must code shorter by)."""
        if not self.active:
            return 0.0
        return self.strength * (self.levels - depth + 0.5) / math.log(2.0)


#: No preference for the depth of the tree.
NO_PREFERENCE = LevelPreference()

#: The depth of a two-level partition, where the levels of super-modules start.
_TWO_LEVEL_DEPTH = 2


def bias_of(constants: np.ndarray) -> np.ndarray:
    """The biased map equation's parameters in a network's ``constants``,
    followed by its random moves (see :func:`.mapeq.new_constants`)."""
    return constants[mapeq.PREFERRED_NUM_MODULES:mapeq.NUM_CONSTANTS].copy()


def module_super_levels(level_graph: FlowGraph, flows: ModuleFlows, exit_flow: float,
                        rng: np.ndarray, level_limit: int,
                        controls: SearchControls = DEFAULT_CONTROLS,
                        bias: np.ndarray = NO_BIAS,
                        preference: LevelPreference = NO_PREFERENCE) -> list[np.ndarray]:
    """Find super-modules of modules, level after level.

    The modules (the nodes of ``level_graph``, with their ``flows``) become
    nodes whose flow is their enter flow, and a two-level search on that
    network proposes super-modules; they are kept while they shorten the
    index codebook by more than ``controls.core_loop_codelength_threshold``
    bits, at most ``level_limit`` levels (0: no limit); the search takes
    the thresholds and ``prefer_modular_solution`` of ``controls``
    (:meth:`~infomap_py.two_level.SearchControls.for_super_levels`).  With the biased map equation's
    ``bias``, a level of super-modules also pays for its modules (the entropy
    correction) and for the change of the number of top modules.  With a
    ``preference`` for the depth of the tree, a level is kept if it codes
    shorter than that plus :meth:`LevelPreference.bias` of the depth it
    makes (a two-level partition below counts as depth 2).  Return a
    list of label arrays: the first maps every module to its super-module,
    the next every super-module to its own, and so on.

    With metadata the super-modules are searched without it: the
    categories are coded in the modules of nodes only, and the official
    Infomap's trees match this (a search that coded them per super-module
    kept far fewer super-modules and codes 6-21 % longer than the official
    on netscience and power).
    """
    levels: list[np.ndarray] = []
    min_improvement = controls.core_loop_codelength_threshold
    level_controls, module_controls = controls.for_super_levels()
    enter, exit_, tele, tw = flows.enter, flows.exit, flows.tele_source, flows.tele_weight
    k = enter.shape[0]
    bias = bias.copy()
    bias[2] = 0.0  # the leaves' correction: the same with or without super-modules

    def biased_index_length(enter: np.ndarray, constants: np.ndarray) -> float:
        # What a level of super-modules must code shorter than: the index
        # codebook, plus the preference's cost of the current number of top
        # modules, less one module's correction (the super-level's search
        # counts k - 1 for k super-modules, which add k modules to the tree).
        length = index_codebook_length(enter, exit_flow)
        if bias[:mapeq.NUM_BIAS].any():  # (the plain map equation compiles no bias kernel)
            k = enter.shape[0]
            length += (mapeq.module_count_cost(k, constants)
                       - constants[mapeq.MODULE_CORRECTION] * k)
        return length

    constants = mapeq.new_constants(mapeq.entropy_terms(enter), exit_flow, bias)
    index_length = biased_index_length(enter, constants)
    while k > 2 and (level_limit == 0 or len(levels) < level_limit):
        level = FlowNet(level_graph, NodeFlows(enter.copy(), tele, tw), enter, exit_)
        constants = mapeq.new_constants(mapeq.entropy_terms(enter), exit_flow, bias)
        super_labels, num_super, length = partition(level, constants, np.arange(k), k, rng,
                                                    True, controls=level_controls,
                                                    module_controls=module_controls)
        depth = _TWO_LEVEL_DEPTH + len(levels) + 1
        if (num_super == 1 or num_super == k
                or not length < index_length - min_improvement + preference.bias(depth)):
            break
        levels.append(super_labels)
        _, enter, exit_, tele, tw = module_flows(level, super_labels, num_super)
        level_graph = aggregate(level_graph, super_labels, num_super)
        index_length = biased_index_length(enter, constants)
        k = num_super
        if (np.bincount(super_labels) > 1).sum() <= 1:
            break
    return levels


def super_levels(net: tuple, exit_flow: float, labels: np.ndarray, num_modules: int,
                 rng: np.ndarray, level_limit: int,
                 controls: SearchControls = DEFAULT_CONTROLS,
                 bias: np.ndarray = NO_BIAS,
                 preference: LevelPreference = NO_PREFERENCE) -> list[np.ndarray]:
    """:func:`module_super_levels` above the modules of ``labels`` in
    ``net``, a network left at rate ``exit_flow``."""
    return module_super_levels(aggregate(net.graph, labels, num_modules),
                               module_flows(net, labels, num_modules), exit_flow, rng,
                               level_limit, controls, bias, preference)


def top_super_modules(net: tuple, exit_flow: float, labels: np.ndarray, num_modules: int,
                      rng: np.ndarray, controls: SearchControls = DEFAULT_CONTROLS,
                      bias: np.ndarray = NO_BIAS,
                      preference: LevelPreference = NO_PREFERENCE) -> tuple[np.ndarray, int]:
    """Return ``(labels, k)``: every leaf's coarsest super-module (its module
    when no super-modules pay)."""
    k = num_modules
    for level in super_levels(net, exit_flow, labels, num_modules, rng, 0, controls, bias,
                              preference):
        labels = level[labels]
        k = int(level.max()) + 1
    return labels, k


def merge_modules(net: tuple, constants: np.ndarray, labels: np.ndarray, num_modules: int,
                  rng: np.ndarray, controls: SearchControls = DEFAULT_CONTROLS
                  ) -> tuple[np.ndarray, int]:
    """Merge groups of modules that no single-node move brings together.

    A two-level search on the network of modules (the first level of
    :func:`super_levels`) groups the modules; a group is merged into one
    module where that shortens the two-level codelength
    (:func:`infomap_py._core.hierarchy.merge_groups`).  Merging two
    triangles of a chain of three may cost bits where merging all three
    pays: no move of a node, or of a module during aggregation, reaches
    that.  Return ``(labels, num_modules)``, the input labels when nothing
    merges.
    """
    flows = module_flows(net, labels, num_modules)
    level_graph = aggregate(net.graph, labels, num_modules)
    levels = module_super_levels(level_graph, flows, constants[mapeq.EXIT_NETWORK_FLOW], rng, 1,
                                 controls, bias_of(constants))
    if not levels:
        return labels, num_modules
    merged, k = merge_groups(level_graph, flows, constants, labels, num_modules, levels[0])
    return merged, int(k)


def split_recursively(net: tuple, parent: np.ndarray, leaf_module: np.ndarray,
                      rng: np.ndarray, workers: Workers = SERIAL,
                      controls: SearchControls = DEFAULT_CONTROLS,
                      constants: np.ndarray | None = None,
                      preference: LevelPreference = NO_PREFERENCE
                      ) -> tuple[np.ndarray, np.ndarray]:
    """Split the modules that hold leaves into sub-modules, and those in
    turn, level after level, while that shortens their codelength (by more
    than ``controls.core_loop_codelength_threshold`` bits); return the new
    ``(parent, leaf_module)``.  The modules are partitioned within
    ``controls``, as the official's searches of modules get its options.

    A module's leaves are partitioned on their own (the sub-network
    partitioner that coarse-tuning uses); where that finds sub-modules,
    their coarsest super-modules become the module's children if they code
    the module shorter than it codes itself.  Each module gets a random
    state drawn from ``rng`` in queue order, so the result does not depend
    on ``workers``.  The levels are a loop, not a recursion: deep trees
    cost no stack.  ``constants`` are the whole network's (for the biased
    map equation; ``None``: the plain map equation).  With a ``preference``
    for the depth of the tree, a module at depth ``d`` is split if its
    sub-modules code it shorter than it codes itself plus
    :meth:`LevelPreference.bias` of depth ``d + 1`` (as the official biases
    its recursion), and the searches for super-modules inside it are
    biased as on the whole network.
    """
    if constants is None:
        constants = mapeq.new_constants(0.0, 0.0, NO_BIAS)
    n = leaf_module.shape[0]
    num_tree = parent.shape[0]
    # Room for the sub-modules: splits create at most two per leaf.
    parent = np.concatenate([parent, np.zeros(2 * n, dtype=np.int64)])
    leaf_module = leaf_module.copy()
    queue = unique(leaf_module)
    module_limits = controls.for_modules()
    while queue.size:
        start, members = members_by_label(leaf_module, num_tree)
        seeds = np.zeros(num_tree, dtype=np.uint64)
        seeds[queue] = next_seeds(rng, queue.size)
        split = new_module_split(start, members, seeds, n)
        split_bias = np.zeros(num_tree)
        if preference.active:
            for m in queue:
                split_bias[m] = preference.bias(_depth(parent, m) + 1)

        def split_part(modules: np.ndarray) -> None:
            partition_modules(net, modules, split, 3, constants, module_limits)
            local = np.full(n, -1, dtype=np.int64)
            local_phys = physical_scratch(net)
            for m in modules:
                _keep_split_if_shorter(net, split, m, local, local_phys, controls,
                                       constants, split_bias[m], preference)

        workers.run(split_part, queue, start[queue + 1] - start[queue])
        num_sub = split.num_sub[queue].copy()
        num_tree, queue = attach_submodules(parent, leaf_module, num_tree, start, members,
                                            queue, split.sub_labels, num_sub)
    return parent[:num_tree], leaf_module


def _keep_split_if_shorter(net: tuple, split, m: int, local: np.ndarray,
                           local_phys: np.ndarray, controls: SearchControls,
                           network_constants: np.ndarray, depth_bias: float,
                           preference: LevelPreference) -> None:
    """Decide module ``m``'s split (in ``split``, in place): its sub-modules'
    coarsest super-modules become its children if they code it shorter than
    it codes itself plus ``depth_bias`` bits; otherwise ``num_sub[m] = 0``
    (it stays whole)."""
    nodes = split.members[split.start[m]:split.start[m + 1]]
    size = nodes.shape[0]
    k = int(split.num_sub[m])
    if k == 1 or k == size or size < 3:
        split.num_sub[m] = 0
        return
    sub_net = module_subnetwork(net, nodes, local, local_phys)
    exit_flow = split.exit_flow[m]
    rng = split.seeds[m:m + 1].copy()
    constants = subnetwork_constants(sub_net, exit_flow, network_constants)
    labels, k = top_super_modules(sub_net, exit_flow, split.sub_labels[nodes], k, rng,
                                  controls, bias_of(constants), preference)
    length = total_codelength(sub_net, constants, labels, k)
    whole = one_level_length(sub_net, constants)
    if (k == 1 or k == size
            or not length < whole - controls.core_loop_codelength_threshold + depth_bias):
        split.num_sub[m] = 0
        return
    split.sub_labels[nodes] = labels
    split.num_sub[m] = k


def _depth(parent: np.ndarray, module: int) -> int:
    """The depth of tree module ``module`` (the root's children: 1)."""
    depth = 0
    while module != 0:
        module = int(parent[module])
        depth += 1
    return depth
