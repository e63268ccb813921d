"""The module tree: a hierarchy of modules within modules, with its flows
and the codelength of every codebook."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, Sequence

import numpy as np

from ._sort import stable_order, unique, unique_inverse
from .flow import Flow, flow_graph


@dataclass(frozen=True, eq=False)
class ModuleTree:
    """A module tree in flat arrays, ordered as the official Infomap writes it.

    Tree modules are numbered breadth first: the root is 0, the top modules
    are ``1..num_top_modules``, and the children of every module are
    numbered by decreasing flow.  A module holds either sub-modules or nodes.

    Attributes
    ----------
    parent : numpy.ndarray of int64
        The module holding each tree module (-1 for the root).
    rank : numpy.ndarray of int64
        Each module's place among its siblings, from 1 (0 for the root).
    leaf_module : numpy.ndarray of int64
        The tree module holding each node.
    leaf_rank : numpy.ndarray of int64
        Each node's place within its module, from 1, by decreasing flow.
    flow, enter, exit : numpy.ndarray
        Visit rate, enter flow and exit flow of every tree module.
    codelength : numpy.ndarray
        The length (bits) of every module's codebook; the root's is the
        index codebook.  With the entropy correction of the biased map
        equation each includes its share of the correction (see
        :func:`tree_bias`).
    preference_codelength : float
        The cost (bits) of the number of top modules under a preferred
        number of modules (0 without one): part of the module codelength,
        of no codebook.  The codebooks and this sum to the codelength of
        the tree.
    """

    parent: np.ndarray
    rank: np.ndarray
    leaf_module: np.ndarray
    leaf_rank: np.ndarray
    flow: np.ndarray
    enter: np.ndarray
    exit: np.ndarray
    codelength: np.ndarray
    preference_codelength: float = 0.0

    @cached_property
    def depth(self) -> np.ndarray:
        """The depth of every tree module (0 for the root, 1 for top modules)."""
        from ._core.tree import module_depths

        return module_depths(self.parent)

    @property
    def total_codelength(self) -> float:
        """The multilevel codelength (bits): the sum over all codebooks
        (and :attr:`preference_codelength`)."""
        return float(self.codelength.sum()) + self.preference_codelength

    @property
    def num_levels(self) -> int:
        """The depth of the deepest node: 2 for modules of nodes, 3 when
        some modules hold sub-modules, ..."""
        return int(self.depth[self.leaf_module].max()) + 1 if self.leaf_module.size else 1

    @property
    def num_top_modules(self) -> int:
        """The number of modules directly below the root."""
        return int((self.parent == 0).sum())

    @property
    def num_leaf_modules(self) -> int:
        """The number of modules that hold nodes."""
        return int(unique(self.leaf_module).size) if self.leaf_module.size else 0

    @property
    def level_codelengths(self) -> np.ndarray:
        """The codelength of the codebooks at every depth: entry 0 is the
        index codebook of the root, entry 1 the codebooks of the top
        modules (and :attr:`preference_codelength`), and so on; they sum to
        the total."""
        levels = np.bincount(self.depth, weights=self.codelength)
        if self.preference_codelength and levels.shape[0] > 1:
            levels[1] += self.preference_codelength
        return levels

    @cached_property
    def module_paths(self) -> list[tuple[int, ...]]:
        """The path of every tree module, e.g. ``(2, 1)`` for the first
        sub-module of the second top module (``()`` for the root)."""
        paths: list[tuple[int, ...]] = [()] * self.parent.shape[0]
        for t in range(1, self.parent.shape[0]):
            paths[t] = paths[self.parent[t]] + (int(self.rank[t]),)
        return paths

    @property
    def paths(self) -> list[tuple[int, ...]]:
        """The path of every node as in a ``.tree`` file: its modules from
        the top down, then its place in its module, e.g. ``(1, 3, 2)``."""
        module_paths = self.module_paths
        return [module_paths[m] + (int(r),) for m, r in
                zip(self.leaf_module.tolist(), self.leaf_rank.tolist())]

    def ancestors_at(self, level: int) -> np.ndarray:
        """Return the tree module of every node at depth ``level`` (or its
        own module where the tree is shallower)."""
        level = _check_level(level)
        module = self.leaf_module.copy()
        depth = self.depth
        while True:
            deeper = depth[module] > level
            if not deeper.any():
                return module
            module[deeper] = self.parent[module[deeper]]

    def modules_at(self, level: int) -> np.ndarray:
        """Return the partition at depth ``level`` as a label per node.

        Level 1 gives the top modules, level 2 their sub-modules, and so on;
        a node whose branch ends higher keeps its deepest module.  Labels
        count from 0 in tree order (by flow, top down).
        """
        module = self.ancestors_at(level)
        return unique_inverse(module)[1]

    def order(self) -> np.ndarray:
        """Return the nodes in ``.tree`` order: depth first, children by flow."""
        position = np.empty(self.parent.shape[0], dtype=np.int64)
        position[self._module_order] = np.arange(self.parent.shape[0])
        # As np.lexsort((leaf_rank, position[leaf_module])), with one key.
        key = position[self.leaf_module] * (int(self.leaf_rank.max(initial=0)) + 1)
        key += self.leaf_rank
        return stable_order(key)

    def module_order(self) -> np.ndarray:
        """Return the tree modules depth first (the root first), children by flow."""
        return self._module_order.copy()

    @cached_property
    def _module_order(self) -> np.ndarray:
        num_tree = self.parent.shape[0]
        first_child = np.full(num_tree, -1, dtype=np.int64)
        next_sibling = np.full(num_tree, -1, dtype=np.int64)
        for t in range(num_tree - 1, 0, -1):
            p = self.parent[t]
            next_sibling[t] = first_child[p]
            first_child[p] = t
        visited = []
        stack = [0]
        while stack:
            t = stack.pop()
            visited.append(t)
            children = []
            c = first_child[t]
            while c >= 0:
                children.append(c)
                c = next_sibling[c]
            stack.extend(reversed(children))
        return np.array(visited, dtype=np.int64)


def _check_level(level: Any) -> int:
    if isinstance(level, bool) or not isinstance(level, (int, np.integer)) or level < 1:
        raise ValueError(f"level must be an integer >= 1, got {level!r}")
    return int(level)


def two_level_tree(labels: np.ndarray, num_modules: int | None = None
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(parent, leaf_module)`` of the root over the modules of
    ``labels`` (dense, from 0; ``num_modules`` of them, by default one more
    than the largest label)."""
    labels = np.asarray(labels, dtype=np.int64)
    if num_modules is None:
        num_modules = int(labels.max()) + 1 if labels.size else 0
    parent = np.zeros(num_modules + 1, dtype=np.int64)
    parent[0] = -1
    return parent, labels + 1


def super_tree(labels: np.ndarray, num_modules: int, levels: list[np.ndarray],
               keep_levels: bool) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(parent, leaf_module)`` with the super-module ``levels``
    (each maps the modules of the level below to their super-modules) above
    the modules of ``labels``: all of them, or only the coarsest with the
    leaves directly below it."""
    if not keep_levels:
        for level in levels:
            labels = level[labels]
            num_modules = int(level.max()) + 1
        return two_level_tree(labels, num_modules)
    # Ids: the root, then the coarsest level first, down to the modules.
    sizes = [num_modules] + [int(level.max()) + 1 for level in levels]
    offsets = np.cumsum([1] + sizes[::-1])[:-1][::-1]
    parent = np.zeros(1 + sum(sizes), dtype=np.int64)
    parent[0] = -1
    for depth, level in enumerate(levels):
        parent[offsets[depth]:offsets[depth] + sizes[depth]] = offsets[depth + 1] + level
    return parent, offsets[0] + labels


def compact_tree(parent: np.ndarray, leaf_module: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Drop dissolved modules (parent -2) and renumber the rest."""
    keep = parent != -2
    new_id = np.cumsum(keep) - 1
    parent = parent[keep]
    parent[1:] = new_id[parent[1:]]
    return parent, new_id[leaf_module]


def tree_flows(net: tuple, parent: np.ndarray, leaf_module: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return ``(flow, enter, exit)`` of every module of a tree on the
    kernels' ``net``.

    Depth by depth, every leaf is labelled with its ancestor at that depth
    (or its own module when that is shallower), so that the module flows of
    one labelling (:func:`infomap_py._core.coarsen.module_flows`) are right
    for every module at that depth.
    """
    from ._core.coarsen import module_flows
    from ._core.tree import module_depths

    num_tree = parent.shape[0]
    depth = module_depths(parent)
    flow = np.zeros(num_tree)
    enter = np.zeros(num_tree)
    exit_ = np.zeros(num_tree)
    node_flow = net.node_data.flow
    if node_flow.size:
        flow[0] = np.cumsum(node_flow)[-1]  # summed in node order, as the kernels sum
    labels = leaf_module.astype(np.int64)  # a copy
    for d in range(int(depth.max()), 0, -1):
        deeper = depth[labels] > d
        labels[deeper] = parent[labels[deeper]]
        level = module_flows(net, labels, num_tree)
        at = depth == d
        flow[at] = level.flow[at]
        enter[at] = level.enter[at]
        exit_[at] = level.exit[at]
    return flow, enter, exit_


def tree_codelength(net: tuple, parent: np.ndarray, leaf_module: np.ndarray,
                    bias: np.ndarray | None = None) -> float:
    """Return the multilevel codelength of a tree (no dissolved entries) on
    the kernels' :data:`~infomap_py._core.coarsen.FlowNet` ``net``, under
    the biased map equation's ``bias`` if given (see :func:`tree_bias`)."""
    from ._core.tree import module_codelengths

    _, enter, exit_ = tree_flows(net, parent, leaf_module)
    leaf_flow, leaf_of = coded_leaves(net, leaf_module, parent.shape[0])
    lengths = module_codelengths(leaf_flow, parent, leaf_of, enter, exit_)
    return biased_tree_length(add_meta_lengths(net, lengths, leaf_module), parent,
                              leaf_module, bias)


def add_meta_lengths(net: tuple, lengths: np.ndarray, leaf_module: np.ndarray) -> np.ndarray:
    """Return the codebook ``lengths`` of a tree's modules with, for a
    network with metadata, the metadata term of every module of leaves
    added (the metadata map equation codes the categories of a module's
    nodes in its codebook); ``lengths`` itself otherwise."""
    if net.meta is None:
        return lengths
    from ._core.meta import module_meta_terms

    return lengths + module_meta_terms(net.meta, np.ascontiguousarray(leaf_module,
                                                                      dtype=np.int64),
                                       lengths.shape[0])


def tree_bias(parent: np.ndarray, leaf_module: np.ndarray, bias: np.ndarray
              ) -> tuple[np.ndarray, float]:
    """Return the biased map equation's terms of a tree: the entropy
    correction of every module, and the preference's cost.

    ``bias`` is ``[preferred_num_modules, module_correction,
    node_correction]`` (:mod:`infomap_py._core.mapeq`).  As the official
    Infomap reports it, the correction of a tree is ``module_correction``
    times the number of its modules and leaves less one: each module is
    charged for its children (sub-modules and leaves), the root for its
    children less one; a tree of one top module codes as the one-level
    solution (the top module is charged for its children less one).  The
    preference costs ``|top modules - preferred|`` bits.
    """
    num_tree = parent.shape[0]
    children = (np.bincount(parent[1:], minlength=num_tree)
                + np.bincount(leaf_module, minlength=num_tree)).astype(float)
    top = np.flatnonzero(parent == 0)
    if top.size == 1:
        children[top] -= 1.0
        children[0] = 0.0
    else:
        children[0] -= 1.0
    from ._core.mapeq import new_constants, preference_cost

    preference = float(preference_cost(top.size, new_constants(0.0, 0.0, bias)))
    return bias[1] * children, preference


def biased_tree_length(lengths: np.ndarray, parent: np.ndarray, leaf_module: np.ndarray,
                       bias: np.ndarray | None) -> float:
    """Return the codelength of a tree of codebook ``lengths`` under the
    biased map equation's ``bias`` (``None``: the plain map equation)."""
    if bias is None or not bias[:3].any():  # (random moves may follow the bias)
        return float(lengths.sum())
    correction, preference = tree_bias(parent, leaf_module, bias)
    return float((lengths + correction).sum()) + preference


def coded_leaves(net: tuple, leaf_module: np.ndarray, num_tree: int
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(flow, module)`` of the leaves that the codebooks of the
    tree's modules name: the nodes of a first-order network; on a state
    network the physical nodes of each module, with the flow of its states
    in it (the memory map equation)."""
    from ._core.memory import aggregate_physical, is_memory

    if not is_memory(net.phys):
        return net.node_data.flow, leaf_module
    phys = aggregate_physical(net.phys, np.ascontiguousarray(leaf_module, dtype=np.int64),
                              num_tree)
    return phys.flow, np.repeat(np.arange(num_tree), np.diff(phys.start))


def build_tree(flow: Flow, parent: np.ndarray, leaf_module: np.ndarray,
               kernel_graph: tuple | None = None, bias: np.ndarray | None = None
               ) -> ModuleTree:
    """Return the ordered :class:`ModuleTree` of a tree given as ``parent``
    (root 0, parent -1) and ``leaf_module`` arrays in any numbering, with
    its flows and codelengths under ``flow`` (and the biased map equation's
    ``bias``, see :func:`tree_bias`).  ``kernel_graph`` is
    ``flow_graph(flow)`` when the caller has it already.

    Modules that hold neither nodes nor sub-modules are dropped.
    """
    from ._core.tree import module_codelengths, module_depths

    parent = np.asarray(parent, dtype=np.int64)
    leaf_module = np.asarray(leaf_module, dtype=np.int64)
    num_tree = parent.shape[0]
    # Drop empty modules (bottom up) and renumber.
    used = np.zeros(num_tree, dtype=bool)
    used[0] = True
    used[leaf_module] = True
    depth = module_depths(parent)
    for t in np.argsort(-depth, kind="stable"):
        if used[t] and t > 0:
            used[parent[t]] = True
    if not used.all():
        new_id = np.cumsum(used) - 1
        parent = parent[used]
        parent[1:] = new_id[parent[1:]]
        leaf_module = new_id[leaf_module]
        depth = depth[used]
        num_tree = parent.shape[0]
    net = kernel_graph or flow_graph(flow)
    mflow, enter, exit_ = tree_flows(net, parent, leaf_module)
    n = leaf_module.shape[0]
    # The first node below every module breaks ties of flow.
    first_leaf = np.full(num_tree, n, dtype=np.int64)
    np.minimum.at(first_leaf, leaf_module, np.arange(n))
    for t in np.argsort(-depth, kind="stable"):
        if t > 0:
            first_leaf[parent[t]] = min(first_leaf[parent[t]], first_leaf[t])
    # Breadth first, children by decreasing flow.
    new_id = np.zeros(num_tree, dtype=np.int64)
    rank = np.zeros(num_tree, dtype=np.int64)
    for d in range(1, int(depth.max()) + 1 if num_tree > 1 else 1):
        members = np.flatnonzero(depth == d)
        order = members[np.lexsort((first_leaf[members], -mflow[members],
                                    new_id[parent[members]]))]
        start = int((depth < d).sum())
        new_id[order] = start + np.arange(order.size)
        parents = new_id[parent[order]]
        first = np.ones(order.size, dtype=bool)
        first[1:] = parents[1:] != parents[:-1]
        group_start = np.maximum.accumulate(np.where(first, np.arange(order.size), 0))
        rank[order] = np.arange(order.size) - group_start + 1
    inverse = np.argsort(new_id)
    new_parent = np.where(parent[inverse] >= 0, new_id[np.maximum(parent[inverse], 0)], -1)
    leaf_module = new_id[leaf_module]
    node_flow = net.node_data.flow
    leaf_order = np.lexsort((np.arange(n), -node_flow, leaf_module))
    sizes = np.bincount(leaf_module, minlength=num_tree)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    leaf_rank = np.empty(n, dtype=np.int64)
    leaf_rank[leaf_order] = np.arange(n) - starts[leaf_module[leaf_order]] + 1
    mflow, enter, exit_ = mflow[inverse], enter[inverse], exit_[inverse]
    leaf_flow, leaf_of = coded_leaves(net, leaf_module, num_tree)
    lengths = add_meta_lengths(net, module_codelengths(leaf_flow, new_parent, leaf_of, enter,
                                                       exit_), leaf_module)
    preference = 0.0
    if bias is not None and bias[:3].any():
        correction, preference = tree_bias(new_parent, leaf_module, bias)
        lengths = lengths + correction
    return ModuleTree(new_parent, rank[inverse], leaf_module, leaf_rank, mflow, enter,
                      exit_, lengths, preference)


def tree_from_paths(paths: Sequence[Sequence[int]]) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(parent, leaf_module)`` of the tree that node ``paths``
    describe (as in a ``.tree`` file: modules from the top down, then the
    node's place in its module, which is ignored).

    Raises
    ------
    ValueError
        When a path is empty or not made of integers (``1.5`` is not one,
        nor is ``True``).
    """
    module_ids: dict[tuple, int] = {(): 0}
    parents = [-1]
    leaf_module = np.empty(len(paths), dtype=np.int64)
    for i, path in enumerate(paths):
        try:
            steps = tuple(path)
        except TypeError:
            steps = None
        if steps is None or not all(isinstance(p, (int, np.integer)) and not isinstance(p, bool)
                                    for p in steps):
            raise ValueError(f"path of node {i} is not a sequence of integers: {path!r}")
        path = tuple(int(p) for p in steps)
        if not path:
            raise ValueError(f"path of node {i} is empty")
        module = 0
        for depth in range(1, len(path)):
            prefix = path[:depth]
            child = module_ids.get(prefix)
            if child is None:
                child = module_ids[prefix] = len(parents)
                parents.append(module)
            module = child
        leaf_module[i] = module
    return np.array(parents, dtype=np.int64), leaf_module
