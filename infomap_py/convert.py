"""Graph conversion: networkx graphs, scipy sparse matrices and edge arrays
into a :class:`~infomap_py.network.Network`."""

from __future__ import annotations

import numbers
import sys
from decimal import Decimal
from typing import Any

import numpy as np

from ._validate import check_num_nodes, check_weights
from .adapters import is_loaded_instance
from .network import Network, StateNetwork, unit_weights


def _is_networkx(graph: Any) -> bool:
    """Whether ``graph`` is a networkx graph.

    An object can be one only once networkx has been imported, so networkx
    is not imported to find out (it takes a quarter of a second, which a
    command-line run on a file would pay for nothing)."""
    return is_loaded_instance(graph, "networkx", "Graph")



def _is_sparse(graph: Any) -> bool:
    """Whether ``graph`` is a SciPy sparse matrix or array.

    SciPy is imported on first use only.  An object can be a sparse matrix
    only once ``scipy.sparse`` has been imported, so while it has not been,
    nothing is one.
    """
    sparse = sys.modules.get("scipy.sparse")
    return sparse is not None and bool(sparse.issparse(graph))


def to_network(graph: Any, directed: bool | None = None, weight: Any = "weight") -> Network:
    """Return ``graph`` as a :class:`Network`.

    Parameters
    ----------
    graph : networkx.Graph, igraph.Graph, pandas.DataFrame, torch.Tensor, \
scipy.sparse matrix or array, or array_like
        A networkx graph (any hashable node labels, isolated nodes kept;
        weights must be real numbers), an igraph graph (vertex ``name``s as
        node labels, else indices; see
        :func:`~infomap_py.adapters.igraph.from_igraph`), a DataFrame edge
        list with the columns ``source``, ``target`` and optionally
        ``weight`` (any hashable ids, kept as labels; see
        :func:`~infomap_py.adapters.pandas.from_pandas`), a torch
        ``edge_index`` of shape ``(2, m)`` (see
        :func:`~infomap_py.adapters.torch.from_edge_index`), a square sparse adjacency matrix
        (entry ``[i, j]`` is the weight of the link ``i -> j``), or an edge
        array of shape ``(m, 2)`` or ``(m, 3)`` with integer node ids
        (weights in the third column).  The node ids of an edge array are
        node indices: the network has the nodes ``0..max id``.

        A NumPy array or a list is always an edge array, never an
        adjacency matrix: pass a dense adjacency matrix ``A`` as
        ``scipy.sparse.csr_array(A)``.  A square array of shape ``(2, 2)``
        or ``(3, 3)`` could be either, so it is refused; pass two or three
        links as a networkx graph (or a :class:`Network`) instead.
    directed : bool or None
        ``None`` takes it from the input: a ``DiGraph`` and a directed igraph
        graph are directed, a sparse matrix is directed unless symmetric, an
        edge array, a DataFrame and an ``edge_index`` are undirected.
    weight : str, torch.Tensor, array_like or None
        The networkx or igraph edge attribute, or the DataFrame column,
        holding the weight (missing means 1); for an ``edge_index``, a
        tensor or array of one weight per column.  ``None`` gives every edge
        weight 1.

    Raises
    ------
    TypeError
        For an unsupported input type, an edge array or sparse matrix of a
        dtype that is not real numbers (complex, strings, objects), or a
        networkx weight that is not a real number (a string ``'2.5'``).
    ValueError
        For a non-square matrix, an edge array of the wrong shape or of
        shape ``(2, 2)`` or ``(3, 3)``, negative node ids, weights that are
        negative, NaN or infinite, or more nodes (the largest id + 1, or the
        matrix size) than this machine's memory can hold.
    """
    if directed is not None and not isinstance(directed, (bool, np.bool_)):
        raise TypeError(f"directed must be True, False or None, got {directed!r}")
    from .adapters import igraph as igraph_adapter, pandas as pandas_adapter, torch as torch_adapter

    if torch_adapter.is_tensor(graph):
        return torch_adapter.from_edge_index(graph, directed, weight)
    if weight is not None and not isinstance(weight, str):
        raise TypeError("weight must be the name of an edge attribute (or column) or None; an "
                        "array of weights goes with a torch edge_index only, got "
                        f"{type(weight).__name__}")
    if _is_networkx(graph):
        return _from_networkx(graph, directed, weight)
    if igraph_adapter.is_igraph(graph):
        return igraph_adapter.from_igraph(graph, directed, weight)
    if pandas_adapter.is_dataframe(graph):
        return pandas_adapter.from_pandas(graph, directed, weight)
    if _is_sparse(graph):
        return _from_sparse(graph, directed)
    if isinstance(graph, (np.ndarray, list, tuple)):
        try:
            edges = np.asarray(graph)
        except (TypeError, ValueError):
            raise ValueError("edge array must be rectangular: every row 'source target' or "
                             "'source target weight'") from None
        return _from_edge_array(edges, directed)
    raise TypeError(
        "graph must be a networkx graph, an igraph graph, a pandas DataFrame edge list, a "
        "torch edge_index tensor of shape (2, m), a scipy sparse adjacency matrix or an "
        f"edge array of shape (m, 2) or (m, 3), got {type(graph).__name__}"
    )


def _from_networkx(graph, directed, weight) -> Network:
    nodes = list(graph.nodes())
    index = {node: i for i, node in enumerate(nodes)}
    edges = list(graph.edges(data=weight, default=1.0)) if weight is not None else [
        (u, v, 1.0) for u, v in graph.edges()
    ]
    m = len(edges)
    if weight is not None:
        bad = next((e for e in edges if type(e[2]) is not float and not _is_real(e[2])), None)
        if bad is not None:
            raise TypeError(f"edge attribute {weight!r} must hold numbers, got {bad[2]!r} on "
                            f"edge ({bad[0]!r}, {bad[1]!r})")
    source = np.fromiter((index[e[0]] for e in edges), dtype=np.int64, count=m)
    target = np.fromiter((index[e[1]] for e in edges), dtype=np.int64, count=m)
    try:
        weights = np.fromiter((e[2] for e in edges), dtype=np.float64, count=m)
    except (TypeError, ValueError) as err:
        raise TypeError(f"edge attribute {weight!r} must hold numbers: {err}") from None
    check_weights(weights, lambda i: f"({edges[i][0]!r}, {edges[i][1]!r})")
    is_directed = graph.is_directed()
    if directed is None:
        directed = is_directed
    if directed and not is_directed:
        # An undirected edge is a link in each direction.
        loops = source == target
        source, target = np.concatenate([source, target[~loops]]), np.concatenate(
            [target, source[~loops]]
        )
        weights = np.concatenate([weights, weights[~loops]])
    network = Network(source, target, weights, len(nodes), bool(directed), nodes)
    start = _bipartite_start_id(graph, network)
    if start is None:
        return network
    return Network(source, target, weights, len(nodes), bool(directed), nodes,
                   bipartite_start_id=start)


def _bipartite_start_id(graph, network: Network) -> int | None:
    """Return the bipartite start id that the node attribute ``bipartite``
    gives (as networkx's bipartite module sets it: 0 primary, 1 feature),
    or ``None`` when no node is a feature node.

    Node ids (:attr:`Network.node_ids`: integer labels, else positions in
    ``G.nodes()``) are kept, so every feature node must come after every
    primary node; the start id is the smallest feature id.
    """
    kinds = [data.get("bipartite") for _, data in graph.nodes(data=True)]
    if all(kind is None for kind in kinds):
        return None
    nodes = network.nodes
    for node, kind in zip(nodes, kinds):
        if kind is None or isinstance(kind, bool) or kind not in (0, 1):
            raise ValueError(f"node attribute 'bipartite' must be 0 (primary) or 1 (feature) "
                             f"on every node of a bipartite graph, got {kind!r} on node {node!r}")
    feature = np.array(kinds) == 1
    if not feature.any():
        return None
    ids = network.node_ids
    start = int(ids[feature].min())
    if (~feature).any() and int(ids[~feature].max()) >= start:
        first = nodes[int(np.flatnonzero(feature & (ids == start))[0])]
        late = nodes[int(np.flatnonzero(~feature & (ids > start))[0])]
        raise ValueError(
            "bipartite graph: every feature node (bipartite=1) must come after every primary "
            "node by node id (the integer label, else the position in G.nodes()), but primary "
            f"node {late!r} comes after feature node {first!r}; add the primary nodes first, "
            "or relabel the nodes")
    return start


def _is_real(x: Any) -> bool:
    """Whether ``x`` is a real number (a ``Decimal`` is, a bool is not)."""
    return isinstance(x, (numbers.Real, Decimal)) and not isinstance(x, (bool, np.bool_))


def _from_sparse(matrix, directed) -> Network:
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise ValueError(f"adjacency matrix must be square, got shape {matrix.shape}")
    n = int(matrix.shape[0])
    check_num_nodes(n, f"adjacency matrix of shape {matrix.shape}")
    if matrix.dtype.kind not in "biuf":
        raise TypeError(f"adjacency matrix must hold real numbers, got dtype {matrix.dtype}")
    import scipy.sparse as sp

    coo = sp.coo_array(matrix)
    coo.sum_duplicates()
    source = coo.row.astype(np.int64)
    target = coo.col.astype(np.int64)
    try:
        weights = coo.data.astype(np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"adjacency matrix must hold numbers, got dtype {coo.dtype}") from None
    check_weights(weights, lambda i: f"({source[i]}, {target[i]})")
    symmetric = (abs(coo - coo.T)).sum() == 0 if coo.nnz else True
    if directed is None:
        directed = not symmetric
    if not directed and symmetric:
        upper = source <= target
        source, target, weights = source[upper], target[upper], weights[upper]
    return Network(source, target, weights, n, bool(directed), range(n))


def _from_edge_array(edges: np.ndarray, directed) -> Network:
    square = edges.ndim == 2 and edges.shape[0] == edges.shape[1]
    if square and edges.shape[0] in (2, 3):
        k = edges.shape[0]
        raise ValueError(
            f"an array of shape {edges.shape} is ambiguous: {k} links or a {k} x {k} adjacency "
            "matrix; pass an adjacency matrix as scipy.sparse.csr_array(A) and a few links as a "
            "networkx graph"
        )
    if edges.ndim != 2 or edges.shape[1] not in (2, 3):
        hint = ("; an adjacency matrix must be a scipy sparse matrix: scipy.sparse.csr_array(A)"
                if square else "")
        raise ValueError(f"edge array must have shape (m, 2) or (m, 3), got {edges.shape}{hint}")
    if edges.dtype.kind not in "iuf":
        raise TypeError(
            f"edge array must hold integer node ids (and numeric weights), got dtype {edges.dtype}"
        )
    ids = edges[:, :2]
    if edges.dtype.kind == "f":
        if not np.all(np.isfinite(ids)) or np.any(ids != np.round(ids)):
            raise TypeError("edge array node ids (first two columns) must be integers")
    if ids.size and ids.min() < 0:
        row = int(np.flatnonzero((ids < 0).any(axis=1))[0])
        raise ValueError(f"edge array node ids must be >= 0, got {ids[row].tolist()} in row {row}")
    n = int(ids.max()) + 1 if ids.size else 0
    if ids.size:
        row = int(np.argmax(ids.max(axis=1)))
        try:
            check_num_nodes(n, f"edge array node id {n - 1} in row {row}")
        except ValueError as err:
            raise ValueError(f"{err}; node ids are node indices 0..max id: renumber sparse ids "
                             "first, e.g. with numpy.unique(ids, return_inverse=True)") from None
    ids = ids.astype(np.int64)
    source = np.ascontiguousarray(ids[:, 0])
    target = np.ascontiguousarray(ids[:, 1])
    if edges.shape[1] == 3:
        weights = edges[:, 2].astype(np.float64)
    else:
        weights = unit_weights(edges.shape[0])
    check_weights(weights, lambda i: f"({source[i]}, {target[i]}) in row {i}")
    return Network(source, target, weights, n, bool(directed) if directed is not None else False,
                   range(n))


def is_state_graph(graph: Any, node_id: str = "node_id") -> bool:
    """Whether ``graph`` is a networkx graph of state nodes: every node (and
    there is one) carries the physical-node attribute ``node_id``, as the
    official ``Infomap.add_networkx_graph`` decides."""
    return (_is_networkx(graph) and graph.number_of_nodes() > 0
            and all(value is not None for _, value in graph.nodes(data=node_id)))


def to_state_network(graph: Any, directed: bool | None = None, weight: str | None = "weight",
                     node_id: str = "node_id", layer_id: str = "layer_id",
                     multilayer_inter_intra_format: bool = True) -> StateNetwork:
    """Return a networkx graph of state nodes as a :class:`StateNetwork`.

    As the official ``Infomap.add_networkx_graph``: every node is a state
    node, of the physical node its attribute ``node_id`` names (any
    hashable label; physical nodes are numbered in first-seen order unless
    all labels are integers, which are kept as ids).  Where every node also
    carries ``layer_id`` (an integer >= 0), the graph is a multilayer
    network: with ``multilayer_inter_intra_format`` (the official default),
    a link within a layer is an intra-layer link, relaxed to the node's
    neighbours in other layers (relax rate 0.15), and a link between the
    same physical node in two layers is an inter-layer link, as in
    ``*Intra``/``*Inter`` sections; a link between different physical
    nodes in different layers is refused.  Without it, links are used
    between the given states as they are.

    Parameters
    ----------
    graph : networkx.Graph
        The state nodes and the links between them.
    directed, weight
        As for :func:`to_network`.
    node_id, layer_id : str
        The node attributes holding the physical node and the layer.
    multilayer_inter_intra_format : bool
        How links of a multilayer graph are read (see above).

    Raises
    ------
    ValueError
        For a node without ``node_id``, a layer that is not an integer
        >= 0, two states of one physical node in one layer, or a link
        between different nodes in different layers (intra/inter format).
    """
    if not is_state_graph(graph, node_id):
        raise ValueError(f"every node of a state graph must carry the physical node "
                         f"attribute {node_id!r}")
    network = _from_networkx(graph, directed, weight)
    labels = [value for _, value in graph.nodes(data=node_id)]
    physical_nodes = list(dict.fromkeys(labels))
    position = {label: k for k, label in enumerate(physical_nodes)}
    physical = np.fromiter((position[label] for label in labels), dtype=np.int64,
                           count=len(labels))
    layers = [value for _, value in graph.nodes(data=layer_id)]
    if any(value is None for value in layers):
        return StateNetwork(network, physical, physical_nodes)
    layer = _layer_ids(layers, network.nodes, layer_id)
    return _multilayer_states(network, physical, physical_nodes, layer,
                              bool(multilayer_inter_intra_format))


def _layer_ids(layers: list, nodes: list, layer_id: str) -> np.ndarray:
    """Return the layer of every node as int64; each must be an integer >= 0."""
    for node, value in zip(nodes, layers, strict=True):
        if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 0:
            raise ValueError(f"node attribute {layer_id!r} must be an integer >= 0 (a layer "
                             f"id), got {value!r} on node {node!r}")
    return np.array(layers, dtype=np.int64)


def _multilayer_states(network: Network, physical: np.ndarray, physical_nodes: list,
                       layer: np.ndarray, inter_intra: bool) -> StateNetwork:
    """Expand the links of a multilayer state graph as the official Infomap does,
    and return the state network over the graph's nodes."""
    from .multilayer import MultilayerNetwork

    state_of = _state_of_layer_node(network, physical, physical_nodes, layer)
    s, t, w = network.source, network.target, np.asarray(network.weight, dtype=np.float64)
    ls, lt, ps, pt = layer[s], layer[t], physical[s], physical[t]
    empty = np.empty(0, dtype=np.int64)
    if inter_intra:
        intra = ls == lt
        diagonal = np.flatnonzero(~intra & (ps != pt))
        if diagonal.size:
            k = int(diagonal[0])
            u, v = network.nodes[int(s[k])], network.nodes[int(t[k])]
            raise ValueError(f"edge ({u!r}, {v!r}) joins different physical nodes in different "
                             "layers, which the intra/inter multilayer format cannot hold; use "
                             "multilayer_inter_intra_format=False")
        links = (ls[intra], ps[intra], lt[intra], pt[intra], w[intra])
        inter = (ls[~intra], ps[~intra], lt[~intra], w[~intra])
    else:
        links, inter = (ls, ps, lt, pt, w), (empty, empty, empty, np.empty(0))
    expanded = MultilayerNetwork(links, inter, network.directed,
                                 tuple(range(len(physical_nodes))), None,
                                 np.full(links[0].shape[0], inter_intra)).to_state_network()
    index = np.array([state_of[(int(a), int(b))] for a, b in zip(
        expanded.layer.tolist(), np.asarray(expanded.physical_nodes)[expanded.physical].tolist(),
        strict=True)], dtype=np.int64)
    inner = expanded.network  # directed: relaxed links go one way
    node_weights = None
    if inner.node_weights is not None:
        node_weights = np.ones(network.num_nodes)
        node_weights[index] = inner.node_weights
    states = Network(index[inner.source], index[inner.target], inner.weight, network.num_nodes,
                     inner.directed, network.nodes, node_weights)
    return StateNetwork(states, physical, physical_nodes, None, layer)


def _state_of_layer_node(network: Network, physical: np.ndarray, physical_nodes: list,
                         layer: np.ndarray) -> dict:
    """Return ``{(layer, physical index): state index}``; one state per pair."""
    state_of: dict = {}
    for k, key in enumerate(zip(layer.tolist(), physical.tolist(), strict=True)):
        first = state_of.setdefault(key, k)
        if first != k:
            raise ValueError(f"nodes {network.nodes[first]!r} and {network.nodes[k]!r} are both "
                             f"physical node {physical_nodes[key[1]]!r} in layer {key[0]}: a "
                             "multilayer graph has one state node per physical node and layer")
    return state_of
