"""The network as flat arrays: links, node labels and whether it is directed;
and the state network of memory and multilayer flows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

_INT64_MIN = -(1 << 63)
_INT64_MAX = (1 << 63) - 1


@dataclass(frozen=True)
class Network:
    """A network as flat link arrays.

    Attributes
    ----------
    source, target : numpy.ndarray of int64
        The link end points, as node indices ``0..num_nodes-1``.
    weight : numpy.ndarray of float64
        The link weights (finite and non-negative); for unweighted links a
        read-only view of ones that takes no memory (:func:`unit_weights`).
    num_nodes : int
        The number of nodes, isolated ones included.
    directed : bool
        Whether links are directed.
    nodes : sequence
        The label of each node index (for example networkx node keys).
    node_weights : numpy.ndarray of float64 or None
        Weights for teleportation to nodes (``None`` means all equal).
    names : sequence of str or None
        A display name per node (from a file); ``None`` uses ``str(node)``.
    bipartite_start_id : int or None
        For a bipartite network, the smallest node id of the second kind
        (*feature* nodes, as in a Pajek ``*Bipartite START_ID`` section):
        nodes whose id (:attr:`node_ids`) is at least this are features,
        the rest primary nodes.  ``None`` for a network of one kind.
    """

    source: np.ndarray
    target: np.ndarray
    weight: np.ndarray
    num_nodes: int
    directed: bool
    nodes: Sequence[Any] = field(default=())
    node_weights: np.ndarray | None = None
    names: Sequence[str] | None = None
    bipartite_start_id: int | None = None

    @property
    def node_ids(self) -> np.ndarray:
        """The integer id of every node, as written to output files: the node
        label itself where labels are integers that fit in int64, else (some
        label is not an integer, or is below -2**63 or above 2**63 - 1) the
        node index."""
        labels = self.nodes
        if isinstance(labels, range):
            return np.arange(labels.start, labels.stop, labels.step, dtype=np.int64)
        if all(isinstance(x, (int, np.integer)) and not isinstance(x, bool)
               and _INT64_MIN <= x <= _INT64_MAX for x in labels):
            return np.fromiter(labels, dtype=np.int64, count=len(labels))
        return np.arange(self.num_nodes, dtype=np.int64)

    @property
    def node_names(self) -> list[str]:
        """The display name of every node."""
        if self.names is not None:
            return list(self.names)
        return [str(node) for node in self.nodes]

    @property
    def num_links(self) -> int:
        """The number of links."""
        return int(self.source.shape[0])

    def __repr__(self) -> str:
        kind = "directed" if self.directed else "undirected"
        return f"Network({kind}, {self.num_nodes} nodes, {self.num_links} links)"


def unit_weights(num_links: int) -> np.ndarray:
    """Return a read-only array of ``num_links`` ones that takes no memory per link."""
    return np.broadcast_to(np.float64(1.0), (num_links,))


@dataclass(frozen=True)
class StateNetwork:
    """A state (memory) network: links between *state nodes*, each of which
    belongs to a *physical node*.

    Flow is computed on the state nodes (the first-order ``network`` over
    them); the map equation codes the physical nodes: within a module, the
    states of one physical node share one codeword (the memory map
    equation).  Modules are sets of states, so a physical node can be in
    several modules.

    Attributes
    ----------
    network : Network
        The links between state nodes, as node indices ``0..num_states-1``;
        its ``nodes`` are the state ids and its ``names`` the state names.
    physical : numpy.ndarray of int64
        The physical node of every state, as an index ``0..num_physical-1``.
    physical_nodes : sequence
        The label (id) of every physical node.
    physical_names : sequence of str or None
        A display name per physical node; ``None`` uses ``str(label)``.
    layer : numpy.ndarray of int64 or None
        The layer id of every state of a multilayer network, else ``None``.
    relax_to_self : bool
        Whether this is the expansion of ``--multilayer-relax-to-self``
        (:meth:`~infomap_py.multilayer.MultilayerNetwork.to_state_network`),
        whose flow is the official two-step flow: a link between two states
        of one physical node is crossed in transit (see
        :func:`~infomap_py.flow.compute_flow`).
    """

    network: Network
    physical: np.ndarray
    physical_nodes: Sequence[Any]
    physical_names: Sequence[str] | None = None
    layer: np.ndarray | None = None
    relax_to_self: bool = False

    @property
    def num_states(self) -> int:
        """The number of state nodes."""
        return self.network.num_nodes

    @property
    def num_physical(self) -> int:
        """The number of physical nodes."""
        return len(self.physical_nodes)

    @property
    def directed(self) -> bool:
        """Whether the links between states are directed."""
        return self.network.directed

    @property
    def physical_ids(self) -> np.ndarray:
        """The integer id of every physical node, as written to output files
        (as :attr:`Network.node_ids` for nodes)."""
        return Network(self.physical[:0], self.physical[:0], unit_weights(0),
                       self.num_physical, False, self.physical_nodes).node_ids

    @property
    def physical_node_names(self) -> list[str]:
        """The display name of every physical node."""
        if self.physical_names is not None:
            return list(self.physical_names)
        return [str(node) for node in self.physical_nodes]

    def __repr__(self) -> str:
        kind = "directed" if self.directed else "undirected"
        layers = (f", {np.unique(self.layer).size} layers" if self.layer is not None else "")
        return (f"StateNetwork({kind}, {self.num_states} states of {self.num_physical} "
                f"physical nodes, {self.network.num_links} links{layers})")
