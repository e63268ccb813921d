"""The network as flat arrays: links, node labels and whether it is directed;
and the state network of memory and multilayer flows."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Sequence

import numpy as np

from ._sort import unique_inverse
_INT64_MIN = -(1 << 63)
_INT64_MAX = (1 << 63) - 1


@dataclass(frozen=True)
class Network:
    """A network as flat link arrays.

    Attributes
    ----------
    source, target : numpy.ndarray of int64 or int32
        The link end points, as node indices ``0..num_nodes-1`` (int32 in
        the state network of a multilayer network where they fit; int64
        elsewhere).
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
        if set(map(type, labels)) == {int}:  # the usual labels, checked without a loop
            try:
                return np.fromiter(labels, dtype=np.int64, count=len(labels))
            except OverflowError:
                return np.arange(self.num_nodes, dtype=np.int64)
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

    @classmethod
    def from_links(cls, links: Any, physical: Any, directed: bool = False,
                   physical_nodes: Sequence[Any] | None = None,
                   physical_names: Sequence[str] | None = None,
                   state_ids: Sequence[Any] | None = None,
                   layer: Any = None) -> StateNetwork:
        """Build a state network from links between state indices.

        Parameters
        ----------
        links : array_like
            Shape ``(m, 2)`` or ``(m, 3)``: ``source target [weight]``, with
            state *indices* ``0..num_states-1`` (``num_states`` is
            ``len(physical)``) and finite weights >= 0 (1 where missing).
        physical : array_like
            The physical node (label) of every state, in state order.
        directed : bool
            Whether links are directed.
        physical_nodes : sequence, optional
            Every physical node label, once each, in the order to number
            them; each must have a state.  ``None``: the distinct labels of
            ``physical``, sorted.
        physical_names : sequence of str, optional
            A display name per physical node, in ``physical_nodes`` order.
        state_ids : sequence, optional
            The label (id) of every state, distinct; ``None``: ``0..num_states-1``.
        layer : array_like of int, optional
            The layer id of every state (a multilayer state network).

        Returns
        -------
        StateNetwork

        Raises
        ------
        TypeError
            For links or layers that are not numbers, or a non-bool ``directed``.
        ValueError
            For a wrong shape or length, a state index out of range, a
            weight that is negative, NaN or infinite, repeated labels, or
            a physical label that ``physical_nodes`` does not list.

        Examples
        --------
        >>> links = [[0, 1, 1.0], [1, 2, 1.0], [2, 3, 2.0]]
        >>> net = StateNetwork.from_links(links, ["a", "b", "a", "c"])
        >>> net
        StateNetwork(undirected, 4 states of 3 physical nodes, 3 links)
        >>> net.physical.tolist(), list(net.physical_nodes)
        ([0, 1, 0, 2], ['a', 'b', 'c'])
        """
        if not isinstance(directed, (bool, np.bool_)):
            raise TypeError(f"directed must be True or False, got {directed!r}")
        array = np.asarray(physical) if isinstance(physical, np.ndarray) else None
        if array is not None and array.ndim == 1 and array.dtype.kind in "iu" \
                and physical_nodes is None:
            nodes, index = _integer_physical_index(array)
        else:
            nodes, index = _physical_index(_sequence("physical", physical), physical_nodes)
        num_states = index.shape[0]
        source, target, weight = _state_links(links, num_states)
        names = _physical_names(physical_names, len(nodes))
        ids = _state_labels(state_ids, num_states)
        network = Network(source, target, weight, num_states, bool(directed), ids)
        return cls(network, index, nodes, names, _layers(layer, num_states))

    def module_flow(self, modules: np.ndarray, flow: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Return the flow of every physical node in every module.

        Parameters
        ----------
        modules : numpy.ndarray of int
            The module of every state (ids from 0).
        flow : numpy.ndarray
            The flow of every state.

        Returns
        -------
        module, physical, flow, first_state : numpy.ndarray
            One row per physical node and module holding any of its states,
            sorted by module, then physical index: the summed flow of those
            states (in state order) and the first of them.
        """
        physical = np.asarray(self.physical, dtype=np.int64)
        key = np.asarray(modules, dtype=np.int64) * self.num_physical + physical
        unique, first, row = unique_inverse(key, return_index=True)
        summed = np.bincount(row.ravel(), weights=np.asarray(flow, dtype=np.float64),
                             minlength=unique.size)
        return unique // self.num_physical, unique % self.num_physical, summed, first

    def __repr__(self) -> str:
        kind = "directed" if self.directed else "undirected"
        layers = (f", {np.unique(self.layer).size} layers" if self.layer is not None else "")
        return (f"StateNetwork({kind}, {self.num_states} states of {self.num_physical} "
                f"physical nodes, {self.network.num_links} links{layers})")


def _sequence(name: str, values: Any) -> list:
    """Return ``values`` (a sequence or 1-d array) as a list, or raise naming ``name``."""
    if isinstance(values, (str, bytes)) or not hasattr(values, "__len__"):
        raise TypeError(f"{name} must be a sequence or 1-d array, got {type(values).__name__}")
    if isinstance(values, np.ndarray):
        if values.ndim != 1:
            raise ValueError(f"{name} must be 1-d, got shape {values.shape}")
        return values.tolist()
    return list(values)


def _state_links(links: Any, num_states: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return ``(source, target, weight)`` of a ``(m, 2)`` or ``(m, 3)`` link array."""
    from ._validate import check_weights

    try:
        array = np.asarray(links)
    except (TypeError, ValueError):
        raise ValueError("links must be rectangular: every row 'source target' or "
                         "'source target weight'") from None
    if array.size == 0:
        array = array.reshape(0, 2)
    if array.ndim != 2 or array.shape[1] not in (2, 3):
        raise ValueError(f"links must have shape (m, 2) or (m, 3), got {array.shape}")
    if array.dtype.kind not in "iuf":
        raise TypeError(f"links must hold state indices (and weights) as numbers, got dtype "
                        f"{array.dtype}")
    ends = array[:, :2]
    if array.dtype.kind == "f" and not np.all(np.isfinite(ends) & (ends == np.round(ends))):
        row = int(np.flatnonzero(~np.all(np.isfinite(ends) & (ends == np.round(ends)), 1))[0])
        raise TypeError(f"links: state indices (first two columns) must be integers, got "
                        f"{ends[row].tolist()} in row {row}")
    outside = (ends < 0) | (ends >= num_states)
    if outside.any():
        row = int(np.flatnonzero(outside.any(axis=1))[0])
        raise ValueError(f"links: state indices must be in 0..{num_states - 1} (len(physical) "
                         f"is {num_states}), got {ends[row].tolist()} in row {row}")
    source = np.ascontiguousarray(ends[:, 0], dtype=np.int64)
    target = np.ascontiguousarray(ends[:, 1], dtype=np.int64)
    if array.shape[1] == 2:
        return source, target, unit_weights(array.shape[0])
    weight = array[:, 2].astype(np.float64)
    check_weights(weight, lambda i: f"({source[i]}, {target[i]}) in row {i}")
    return source, target, weight


def _integer_physical_index(physical: np.ndarray) -> tuple[Sequence[int], np.ndarray]:
    """Return ``(sorted distinct ids, index of every state's id)`` of integer labels."""
    ids, index = unique_inverse(physical)
    if ids.size and int(ids[-1]) - int(ids[0]) + 1 == ids.size:
        return range(int(ids[0]), int(ids[-1]) + 1), index.astype(np.int64).ravel()
    return ids.tolist(), index.astype(np.int64).ravel()


def _physical_index(labels: list, physical_nodes: Sequence[Any] | None
                    ) -> tuple[Sequence[Any], np.ndarray]:
    """Return ``(physical nodes, index of every state's physical node)``."""
    if physical_nodes is None:
        try:
            nodes = sorted(set(labels))
        except TypeError:  # labels of mixed types: first-seen order
            nodes = list(dict.fromkeys(labels))
    else:
        nodes = _sequence("physical_nodes", physical_nodes)
    position = {}
    for k, node in enumerate(nodes):
        if position.setdefault(node, k) != k:
            raise ValueError(f"physical_nodes lists {node!r} twice")
    missing = next((k for k, label in enumerate(labels) if label not in position), None)
    if missing is not None:
        raise ValueError(f"physical: state {missing} has physical node {labels[missing]!r}, "
                         "which physical_nodes does not list")
    index = np.fromiter((position[label] for label in labels), dtype=np.int64,
                        count=len(labels))
    unused = np.flatnonzero(np.bincount(index, minlength=len(nodes)) == 0)
    if unused.size:
        raise ValueError(f"physical_nodes lists {nodes[int(unused[0])]!r}, which no state "
                         "belongs to")
    if isinstance(physical_nodes, range):
        nodes = physical_nodes
    return nodes, index


def _physical_names(names: Sequence[str] | None, num_physical: int) -> list[str] | None:
    if names is None:
        return None
    names = _sequence("physical_names", names)
    if len(names) != num_physical:
        raise ValueError(f"physical_names must have one name per physical node "
                         f"({num_physical}), got {len(names)}")
    bad = next((name for name in names if not isinstance(name, str)), None)
    if bad is not None:
        raise TypeError(f"physical_names must be strings, got {bad!r}")
    return names


def _state_labels(state_ids: Sequence[Any] | None, num_states: int) -> Sequence[Any]:
    if state_ids is None:
        return range(num_states)
    ids = state_ids if isinstance(state_ids, range) else _sequence("state_ids", state_ids)
    if len(ids) != num_states:
        raise ValueError(f"state_ids must have one id per state (len(physical) is "
                         f"{num_states}), got {len(ids)}")
    if len(set(ids)) != num_states:
        seen: set = set()
        twice = next(x for x in ids if x in seen or seen.add(x))
        raise ValueError(f"state_ids lists {twice!r} twice")
    return ids


def _layers(layer: Any, num_states: int) -> np.ndarray | None:
    if layer is None:
        return None
    array = np.asarray(layer)
    if array.shape != (num_states,):
        raise ValueError(f"layer must have one layer id per state ({num_states}), got shape "
                         f"{array.shape}")
    if array.dtype.kind not in "iu" and num_states:
        raise TypeError(f"layer must hold integer layer ids, got dtype {array.dtype}")
    return array.astype(np.int64)


def filter_links(network: Network, weight_threshold: float = 0.0, no_self_links: bool = False,
                 node_limit: int = 0, drop_unlinked: bool = False) -> Network:
    """Return ``network`` without the links the official input options drop.

    ``weight_threshold`` drops links whose weight is below it
    (``--weight-threshold``), ``no_self_links`` links from a node to itself
    (``--no-self-links``), and ``node_limit`` > 0 every node whose id
    (:attr:`Network.node_ids`) is above it, with its links (``--node-limit``).
    With ``drop_unlinked`` (a link list, whose nodes exist only through their
    links, as in the official reader) a node left without links goes too;
    otherwise nodes are kept.  The network is returned as it is when nothing
    is dropped.
    """
    keep = np.ones(network.num_links, dtype=bool)
    if weight_threshold > 0.0:
        keep &= np.asarray(network.weight) >= weight_threshold
    if no_self_links:
        keep &= network.source != network.target
    keep_node = None
    if node_limit > 0:
        keep_node = network.node_ids <= node_limit
        keep &= keep_node[network.source] & keep_node[network.target]
    if drop_unlinked:
        linked = np.zeros(network.num_nodes, dtype=bool)
        linked[network.source[keep]] = True
        linked[network.target[keep]] = True
        keep_node = linked if keep_node is None else keep_node & linked
    if keep.all() and (keep_node is None or keep_node.all()):
        return network
    source, target = network.source[keep], network.target[keep]
    weight = np.asarray(network.weight)[keep]
    if keep_node is None or keep_node.all():
        return replace(network, source=source, target=target, weight=weight)
    index = np.cumsum(keep_node) - 1
    kept = np.flatnonzero(keep_node)
    nodes = network.nodes
    nodes = [nodes[i] for i in kept.tolist()] if len(nodes) else nodes
    names = None if network.names is None else [network.names[i] for i in kept.tolist()]
    node_weights = None if network.node_weights is None else network.node_weights[kept]
    return replace(network, source=index[source], target=index[target], weight=weight,
                   num_nodes=int(kept.shape[0]), nodes=nodes, node_weights=node_weights,
                   names=names)
