"""python-igraph in and out: an ``igraph.Graph`` as a network, a result as a
``VertexClustering``.

igraph is optional (the ``igraph`` extra) and imported here only when a
function needs it: :func:`is_igraph` looks at ``sys.modules`` instead, since
no object can be an igraph graph before igraph has been imported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .._validate import check_weights
from ..network import Network, unit_weights
from . import import_optional, is_loaded_instance

if TYPE_CHECKING:  # pragma: no cover
    import igraph

    from ..result import InfomapResult


def is_igraph(graph: Any) -> bool:
    """Whether ``graph`` is an ``igraph.Graph`` (igraph is not imported to find out)."""
    return is_loaded_instance(graph, "igraph", "Graph")


def _import_igraph():
    return import_optional("igraph", "igraph", "python-igraph")


def from_igraph(graph: igraph.Graph, directed: bool | None = None,
                weight: str | None = "weight") -> Network:
    """Return an ``igraph.Graph`` as a :class:`~infomap_py.network.Network`.

    Parameters
    ----------
    graph : igraph.Graph
        The network.  Vertex ``name``s, where the graph has that attribute,
        are the node labels (they must be unique); else the vertex indices
        ``0..n-1`` are.  Isolated vertices and multi-edges are kept.
    directed : bool or None
        ``None`` takes it from ``graph.is_directed()``; ``True`` on an
        undirected graph makes every edge a link in each direction.
    weight : str or None
        The edge attribute holding the weights.  Where the graph has no
        attribute of the default name ``"weight"``, every weight is 1 (as a
        missing networkx attribute); any other name must exist.  ``None``
        gives every edge weight 1.

    Returns
    -------
    Network

    Raises
    ------
    ValueError
        For a ``weight`` the graph has no edge attribute of, weights that are
        missing, negative, NaN or infinite, or vertex names that repeat.
    TypeError
        For a ``weight`` that is not a string or ``None``, or weights that
        are not real numbers.

    Examples
    --------
    >>> import igraph as ig
    >>> from infomap_py.adapters.igraph import from_igraph
    >>> from_igraph(ig.Graph([(0, 1), (1, 2)])).num_links
    2
    """
    n = graph.vcount()
    edges = np.asarray(graph.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    source, target = np.ascontiguousarray(edges[:, 0]), np.ascontiguousarray(edges[:, 1])
    weights = _edge_weights(graph, weight, source, target)
    nodes: Any = range(n)
    if "name" in graph.vs.attributes():
        nodes = list(graph.vs["name"])
        if len(set(nodes)) != n:
            seen: set = set()
            repeated = next(name for name in nodes if name in seen or seen.add(name))
            raise ValueError(f"igraph vertex names must be unique node labels, but {repeated!r} "
                             "names more than one vertex; delete graph.vs['name'] to use the "
                             "vertex indices")
    is_directed = graph.is_directed()
    if directed is None:
        directed = is_directed
    if directed and not is_directed:
        # An undirected edge is a link in each direction (as for networkx).
        loops = source == target
        source, target = (np.concatenate([source, target[~loops]]),
                          np.concatenate([target, source[~loops]]))
        weights = np.concatenate([weights, weights[~loops]])
    return Network(source, target, weights, n, bool(directed), nodes)


def _edge_weights(graph: Any, weight: Any, source: np.ndarray, target: np.ndarray
                  ) -> np.ndarray:
    m = source.shape[0]
    if weight is None:
        return unit_weights(m)
    if not isinstance(weight, str):
        raise TypeError(f"weight must be the name of an igraph edge attribute or None, got "
                        f"{type(weight).__name__}")
    attributes = graph.es.attributes()
    if weight not in attributes:
        if weight == "weight":
            return unit_weights(m)
        raise ValueError(f"weight={weight!r} names no edge attribute of the igraph graph; it "
                         f"has {sorted(attributes)}")
    values = graph.es[weight]
    bad = next((k for k, value in enumerate(values) if value is None
                or isinstance(value, (bool, np.bool_, str, bytes))), None)
    if bad is not None:
        raise TypeError(f"edge attribute {weight!r} must hold numbers, got {values[bad]!r} on "
                        f"edge ({int(source[bad])}, {int(target[bad])})")
    try:
        weights = np.asarray(values, dtype=np.float64).reshape(m)
    except (TypeError, ValueError) as err:
        raise TypeError(f"edge attribute {weight!r} must hold numbers: {err}") from None
    check_weights(weights, lambda i: f"({int(source[i])}, {int(target[i])})")
    return weights


def to_igraph(result: InfomapResult, graph: igraph.Graph | None = None,
              level: int = 1) -> igraph.VertexClustering:
    """Return the modules of ``result`` as an ``igraph.VertexClustering``.

    Parameters
    ----------
    result : InfomapResult
        A result of :func:`infomap_py.cluster`.
    graph : igraph.Graph or None
        The graph the clustering is on: the one the result was found on (its
        vertices are matched to the result's nodes by ``name``, else by
        index).  ``None`` builds one from the result's network (vertex
        ``name`` the node labels, edge ``weight`` the link weights).
    level : int
        The depth of the modules (1: top modules, 2: their sub-modules, ...).

    Returns
    -------
    igraph.VertexClustering
        ``membership`` the module of every vertex (numbered by decreasing flow
        at level 1).

    Raises
    ------
    ValueError
        When ``graph``'s vertices are not the result's nodes.
    """
    ig = _import_igraph()
    labels = result.modules_at(level)
    if graph is None:
        graph = _graph_of(result, ig)
        return ig.VertexClustering(graph, membership=labels.tolist())
    if not is_igraph(graph):
        raise TypeError(f"graph must be an igraph.Graph or None, got {type(graph).__name__}")
    n = graph.vcount()
    if "name" in graph.vs.attributes():
        vertices = list(graph.vs["name"])
    else:
        vertices = list(range(n))
    index = {node: i for i, node in enumerate(result.nodes)}
    if n != len(index) or any(v not in index for v in vertices):
        missing = next((v for v in vertices if v not in index), None)
        raise ValueError(f"graph does not belong to this result: it has {n} vertices for "
                         f"{len(index)} nodes" + (f", and vertex {missing!r} is no node"
                                                  if missing is not None else ""))
    membership = [int(labels[index[v]]) for v in vertices]
    return ig.VertexClustering(graph, membership=membership)


def _graph_of(result: InfomapResult, ig: Any) -> Any:
    network = result.network
    if network is None:
        raise ValueError("this result keeps no network to build a graph from; pass graph=")
    graph = ig.Graph(n=network.num_nodes, edges=list(zip(network.source.tolist(),
                                                         network.target.tolist())),
                     directed=network.directed)
    graph.es["weight"] = np.asarray(network.weight, dtype=np.float64).tolist()
    graph.vs["name"] = list(result.nodes)
    return graph
