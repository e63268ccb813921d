"""The result users hold: a frozen module tree (two-level or multilevel) with its codelength."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Hashable, Sequence

import numpy as np

from ._sort import unique_inverse

class Codelength(float):
    """A codelength in bits that also carries its two parts.

    It is a ``float`` (the total), with the attributes ``index_codelength``
    and ``module_codelength`` (their sum) and ``one_level_codelength`` (the
    codelength of one module holding every node).
    """

    index_codelength: float
    module_codelength: float
    one_level_codelength: float

    def __new__(cls, index_codelength: float, module_codelength: float,
                one_level_codelength: float) -> "Codelength":
        self = super().__new__(cls, index_codelength + module_codelength)
        self.index_codelength = float(index_codelength)
        self.module_codelength = float(module_codelength)
        self.one_level_codelength = float(one_level_codelength)
        return self

    def __repr__(self) -> str:
        return (
            f"Codelength({float(self):.9f} = {self.index_codelength:.9f} + "
            f"{self.module_codelength:.9f} bits)"
        )


@dataclass(frozen=True, repr=False, eq=False)
class InfomapResult:
    """The modules Infomap found: a two-level partition or a module tree.

    Attributes
    ----------
    nodes : list
        The node labels, in the order of every per-node array.
    labels : numpy.ndarray of int64
        The top module of every node; modules are numbered ``0, 1, ...`` by
        decreasing flow.
    codelength, index_codelength, module_codelength : float
        The codelength (bits) of the whole tree, of its index codebook (the
        root's) and of all other codebooks.
    one_level_codelength : float
        The codelength with all nodes in one module (the entropy of the
        node flow; with metadata, plus the metadata term of that module).
    flow : numpy.ndarray
        The visit rate of every node.
    module_flow : numpy.ndarray
        The visit rate of every module.
    trial_codelengths : numpy.ndarray
        The codelength found by each trial.
    seed : int
        The seed the trials were drawn from.
    params : dict
        The arguments of the run (flow model, teleportation, ...).
    node_ids : numpy.ndarray of int64
        The id written for every node in output files.
    names : list of str
        The display name of every node.
    flow_data : Flow or None
        The network's flow: node flow and the flow on every link, which the
        writers of module maps use.
    tree : ModuleTree or None
        The module tree: every node's path, the flow, enter and exit flow
        and codelength of every module (see :class:`infomap_py.ModuleTree`).
    state_network : StateNetwork or None
        For a state (memory) network, the network whose *states* are the
        result's nodes (their physical nodes: :attr:`physical_modules`).
    trial_results : tuple of InfomapResult or None
        Every trial's result, in trial order, when
        ``cluster(print_all_trials=True)`` ran more than one trial; else
        ``None``.
    network : Network or None
        The network the modules were found on (of the state nodes, for a
        state network), whose links :meth:`to_networkx` and
        :meth:`to_igraph` give their graphs.
    """

    nodes: list
    labels: np.ndarray
    codelength: float
    index_codelength: float
    module_codelength: float
    one_level_codelength: float
    flow: np.ndarray
    module_flow: np.ndarray
    trial_codelengths: np.ndarray
    seed: int
    params: dict = field(default_factory=dict)
    seconds: float = 0.0
    node_ids: np.ndarray | None = None
    names: list | None = None
    flow_data: Any = None
    tree: Any = None
    state_network: Any = None
    trial_results: tuple | None = None
    network: Any = None

    @property
    def meta_codelength(self) -> float:
        """The metadata term (bits) that :attr:`module_codelength` includes:
        ``meta_data_rate`` times :attr:`meta_entropy` (0 without metadata;
        the official ``meta_codelength``)."""
        flow = self.flow_data
        if flow is None or getattr(flow, "meta", None) is None:
            return 0.0
        return flow.meta_rate * self.meta_entropy

    @property
    def meta_entropy(self) -> float:
        """The metadata term before ``meta_data_rate`` weighs it: over the
        top modules, the meta flow times the entropy of the categories (0
        without metadata; the official ``meta_entropy``).

        As the official Infomap reports it, this is the term of the top
        modules; where modules hold sub-modules, the codelength codes the
        categories in the modules of nodes instead, for a smaller term.
        """
        flow = self.flow_data
        if flow is None or getattr(flow, "meta", None) is None:
            return 0.0
        import dataclasses

        from ._core.meta import meta_term
        from .flow import meta_nodes

        meta = meta_nodes(dataclasses.replace(flow, meta_rate=1.0))
        labels = np.ascontiguousarray(self.labels, dtype=np.int64)
        return float(meta_term(meta, labels, int(labels.max()) + 1 if labels.size else 0))

    @property
    def is_higher_order(self) -> bool:
        """Whether the nodes are the states of a state (memory) network."""
        return self.state_network is not None

    def physical_module_flow(self, level: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return the flow of every physical node in every module at depth
        ``level`` (1: top modules; a state whose branch ends higher counts
        in its deepest module), as three arrays ``(module, physical,
        flow)``: module labels as :meth:`modules_at` numbers them, physical
        node indices into ``state_network.physical_nodes``, and the summed
        flow of the physical node's states in the module.  Rows are sorted
        by module, then by decreasing flow (ties: physical index).

        Raises
        ------
        ValueError
            When the result is not of a state network.
        """
        if self.state_network is None:
            raise ValueError("physical nodes are defined for the result of a state network "
                             "only; this one is first-order")
        module, phys, flow, _ = self.state_network.module_flow(self.modules_at(level),
                                                               self.flow)
        order = np.lexsort((phys, -flow, module))
        return module[order], phys[order], flow[order]

    @property
    def physical_modules(self) -> list[dict]:
        """The top modules of a state network's result as physical nodes:
        per module (by decreasing flow) a dict ``{physical node label:
        flow}``, the flow of that physical node's states in the module.  A
        physical node can be in several modules (overlapping communities)."""
        module, phys, flow = self.physical_module_flow(1)
        labels = self.state_network.physical_nodes
        groups: list[dict] = [{} for _ in range(self.num_modules)]
        for m, p, f in zip(module.tolist(), phys.tolist(), flow.tolist()):
            groups[m][labels[p]] = f
        return groups

    @property
    def num_modules(self) -> int:
        """The number of top modules."""
        return int(self.module_flow.shape[0])

    @property
    def num_top_modules(self) -> int:
        """The number of top modules (as :attr:`num_modules`)."""
        return self.num_modules

    @property
    def num_levels(self) -> int:
        """The depth of the deepest node: 2 for a two-level partition."""
        return self.tree.num_levels if self.tree is not None else 2

    @property
    def num_leaf_modules(self) -> int:
        """The number of modules that hold nodes (the finest modules)."""
        return self.tree.num_leaf_modules if self.tree is not None else self.num_modules

    @property
    def level_codelengths(self) -> np.ndarray:
        """The codelength of the codebooks at each depth (0: the index
        codebook, 1: the top modules' codebooks, ...); they sum to
        :attr:`codelength`."""
        if self.tree is not None:
            return self.tree.level_codelengths
        return np.array([self.index_codelength, self.module_codelength])

    @property
    def paths(self) -> list[tuple[int, ...]]:
        """Every node's path in the module tree, as in a ``.tree`` file:
        its modules from the top down (from 1, by decreasing flow), then its
        place within its module, e.g. ``(1, 3, 2)``."""
        if self.tree is None:
            raise ValueError("this result holds no module tree")
        return self.tree.paths

    def modules_at(self, level: int) -> np.ndarray:
        """Return the partition at depth ``level`` as a label per node
        (1: top modules, 2: their sub-modules, ...; a node whose branch ends
        higher keeps its deepest module)."""
        if self.tree is None:
            return self.labels.copy()
        return self.tree.modules_at(level)

    @property
    def num_nodes(self) -> int:
        """The number of nodes."""
        return len(self.nodes)

    @property
    def flow_iterations(self) -> int:
        """Power-iteration steps of the directed model's PageRank (0 for
        flow models computed in closed form)."""
        return self.flow_data.flow_iterations if self.flow_data is not None else 0

    @property
    def flow_error(self) -> float:
        """The L1 change of the node flow in the last power-iteration step."""
        return self.flow_data.flow_error if self.flow_data is not None else 0.0

    @property
    def flow_converged(self) -> bool:
        """Whether the flow converged (last change at most 1e-15)."""
        return self.flow_data.flow_converged if self.flow_data is not None else True

    @property
    def relative_codelength_savings(self) -> float:
        """``1 - codelength / one_level_codelength`` (0 when that is 0)."""
        if self.one_level_codelength <= 0.0:
            return 0.0
        savings = 1.0 - self.codelength / self.one_level_codelength
        return 0.0 if abs(savings) < 1e-12 else savings

    @property
    def modules(self) -> list[set]:
        """The modules as a list of sets of node labels (networkx style),
        largest flow first."""
        groups: list[set] = [set() for _ in range(self.num_modules)]
        for node, module in zip(self.nodes, self.labels.tolist()):
            groups[module].add(node)
        return groups

    def as_dict(self) -> dict[Hashable, int]:
        """Return ``{node: module}``."""
        return dict(zip(self.nodes, self.labels.tolist()))

    def set_node_attributes(self, graph: Any, name: str = "module") -> None:
        """Write every node's module into the networkx node attribute ``name``."""
        import networkx as nx

        nx.set_node_attributes(graph, self.as_dict(), name)

    def to_pandas(self) -> Any:
        """Return a ``pandas.DataFrame`` with one row per node: ``node``,
        ``module``, ``path``, ``flow`` and the module at every depth
        (``module_level_1``, ...); see
        :func:`infomap_py.adapters.pandas.to_pandas`."""
        from .adapters.pandas import to_pandas

        return to_pandas(self)

    def to_igraph(self, graph: Any = None, level: int = 1) -> Any:
        """Return the modules at depth ``level`` as an ``igraph.VertexClustering``
        on ``graph`` (the igraph graph the result was found on; ``None``
        builds one from the network); see
        :func:`infomap_py.adapters.igraph.to_igraph`."""
        from .adapters.igraph import to_igraph

        return to_igraph(self, graph, level)

    def to_cdlib(self, graph: Any, level: int = 1) -> Any:
        """Return the modules at depth ``level`` as a ``cdlib.NodeClustering``
        on ``graph`` (the networkx or igraph graph the result was found on;
        for a state network, the graph of its physical nodes gives
        overlapping communities), for CDlib's evaluation and comparison
        tools; needs CDlib (``pip install 'infomap-py[cdlib]'``); see
        :func:`infomap_py.adapters.cdlib.to_cdlib`."""
        from .adapters.cdlib import to_cdlib

        return to_cdlib(self, graph, level)

    def to_networkx(self, *, module_attribute: str | None = "infomap_module",
                    path_attribute: str | None = "infomap_path",
                    include_hierarchy: bool = True,
                    flow_attribute: str | None = "flow") -> Any:
        """Return the partitioned network as a networkx graph, as the
        official ``Result.to_networkx`` builds it: the nodes with their
        ``name``, top module, tree path (``"1:3:2"``), module at every level
        and flow as attributes, the links with their ``weight``; see
        :func:`infomap_py.adapters.networkx.to_networkx`."""
        from .adapters.networkx import to_networkx

        return to_networkx(self, module_attribute=module_attribute,
                           path_attribute=path_attribute,
                           include_hierarchy=include_hierarchy, flow_attribute=flow_attribute)

    def __repr__(self) -> str:
        levels = f" and {self.num_levels} levels" if self.num_levels > 2 else ""
        return (
            f"<InfomapResult: {self.num_nodes} nodes in {self.num_modules} top modules{levels}, "
            f"codelength {self.codelength:.6f} bits "
            f"({self.relative_codelength_savings:.1%} savings), seed {self.seed}>"
        )


def order_by_flow(labels: np.ndarray, node_flow: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Renumber module labels by decreasing module flow (ties: the module
    whose first node comes first); return ``(labels, module_flow)``."""
    labels = np.asarray(labels, dtype=np.int64)
    if labels.size == 0:
        return labels, np.zeros(0)
    _, first, dense = unique_inverse(labels, return_index=True)
    module_flow = np.bincount(dense, weights=node_flow, minlength=first.size)
    order = np.lexsort((first, -module_flow))
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    return rank[dense].astype(np.int64), module_flow[order]


def partition_labels(partition: Any, nodes: Sequence[Any]) -> np.ndarray:
    """Return ``partition`` as an int label per node of ``nodes``: see
    :func:`infomap_py._validate.check_partition`, where the partition checks live."""
    from ._validate import check_partition

    return check_partition(partition, nodes)
