"""networkx-shaped functions: the names the networkx project proposed for Infomap."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..api import cluster, codelength


def infomap_communities(G: Any, weight: str | None = "weight", seed: int = 123,
                        trials: int = 1, **options: Any) -> list[set]:
    """Return the Infomap communities of ``G`` as a list of sets of nodes.

    As networkx means it (and as :func:`map_equation` scores it), this is
    the two-level optimum: the partition of the nodes into modules that
    minimises the two-level map equation.  The top modules of the
    multilevel tree, which :func:`infomap_py.cluster` finds by default, can
    be coarser: use ``cluster(G).modules`` for those.

    Parameters
    ----------
    G : networkx.Graph or networkx.DiGraph
        The network.
    weight : str or None
        The edge attribute holding weights; ``None`` for 1.
    seed : int
        Seed of every random choice.
    trials : int
        Independent runs; the shortest codelength wins.
    **options
        Further options of :func:`infomap_py.cluster` (``flow_model``,
        ``teleportation``, ``markov_time``, ...); ``two_level`` is always
        true here.

    Returns
    -------
    list of set
        The communities, largest flow first.

    Examples
    --------
    >>> import networkx as nx
    >>> from infomap_py.adapters.networkx import infomap_communities
    >>> sorted(map(sorted, infomap_communities(nx.barbell_graph(4, 0))))
    [[0, 1, 2, 3], [4, 5, 6, 7]]
    """
    if "two_level" in options:
        raise TypeError("infomap_communities always finds the two-level partition; "
                        "use infomap_py.cluster(G, two_level=False) for the module tree")
    return cluster(G, weight=weight, seed=seed, trials=trials, two_level=True,
                   **options).modules


def map_equation(G: Any, communities: Any, weight: str | None = "weight",
                 **options: Any) -> float:
    """Return the two-level map-equation codelength (bits) of ``communities``.

    Parameters
    ----------
    G : networkx.Graph or networkx.DiGraph
        The network.
    communities : list of sets, dict or sequence of labels
        The partition to score.
    weight : str or None
        The edge attribute holding weights; ``None`` for 1.
    **options
        Flow options of :func:`infomap_py.codelength`.

    Examples
    --------
    >>> import networkx as nx
    >>> from infomap_py.adapters.networkx import map_equation
    >>> G = nx.barbell_graph(4, 0)
    >>> map_equation(G, [set(range(4)), set(range(4, 8))]) < map_equation(G, [set(G)])
    True
    """
    return float(codelength(G, communities, weight=weight, **options))


def set_module_attributes(G: Any, result: Any = None, name: str = "module",
                          **options: Any) -> None:
    """Write every node's Infomap module into the node attribute ``name``.

    ``result`` is an :class:`~infomap_py.result.InfomapResult` of ``G``; if
    ``None``, Infomap is run on ``G`` with ``options``.
    """
    if result is None:
        result = cluster(G, **options)
    if set(result.nodes) != set(G.nodes()):
        raise ValueError("result does not belong to this graph: its nodes differ")
    result.set_node_attributes(G, name)


def to_networkx(result: Any, *, module_attribute: str | None = "infomap_module",
                path_attribute: str | None = "infomap_path", include_hierarchy: bool = True,
                flow_attribute: str | None = "flow") -> Any:
    """Return the partitioned network of ``result`` as a networkx graph.

    As the official ``infomap.to_networkx``: a node per result node, with the
    attributes ``name`` (the node label, or its name in a file),
    ``module_attribute`` (the top module, counted from
    1 as in the tree path), ``path_attribute`` (the tree path joined by
    colons, such as ``"1:3:2"``), ``infomap_level_1``, ``infomap_level_2``,
    ... (the path's entries, the last being the node's place in its module)
    and ``flow_attribute`` (the node's flow); an edge per link of the
    network with its ``weight`` (links repeated between the same nodes are
    summed).  Nodes are keyed by the result's node labels (the official keys
    them by node id), so the graph's nodes are the input graph's.

    Parameters
    ----------
    result : InfomapResult
        A result of :func:`infomap_py.cluster`.
    module_attribute, path_attribute, flow_attribute : str or None
        Node attribute names; ``None`` leaves that attribute out.
    include_hierarchy : bool
        Also write the path and the per-level attributes.

    Returns
    -------
    networkx.Graph or networkx.DiGraph
        ``DiGraph`` when the network is directed.

    Examples
    --------
    >>> import networkx as nx, infomap_py
    >>> res = infomap_py.cluster(nx.barbell_graph(4, 0), two_level=True)
    >>> H = res.to_networkx()
    >>> sorted({module for _, module in H.nodes(data="infomap_module")}), H.number_of_edges()
    ([1, 2], 13)
    >>> H.nodes[0]["infomap_path"] in {"1:1", "1:2", "2:1", "2:2"}
    True
    """
    import networkx as nx

    network = result.network
    if network is None:
        raise ValueError("this result keeps no network to build a graph from")
    graph = nx.DiGraph() if network.directed else nx.Graph()
    nodes = list(result.nodes)
    # Names as the official gives them: the node label itself, unless the
    # network carries display names of its own (a Pajek file's).
    names = list(network.names) if network.names is not None else nodes
    paths = result.paths
    flow = np.asarray(result.flow, dtype=np.float64).tolist()
    for node, name, path, node_flow in zip(nodes, names, paths, flow, strict=True):
        attributes: dict[str, Any] = {"name": name}
        if module_attribute is not None:
            attributes[module_attribute] = int(path[0])
        if include_hierarchy:
            if path_attribute is not None:
                attributes[path_attribute] = ":".join(str(step) for step in path)
            for level, step in enumerate(path, start=1):
                attributes[f"infomap_level_{level}"] = int(step)
        if flow_attribute is not None:
            attributes[flow_attribute] = node_flow
        graph.add_node(node, **attributes)
    weights: dict = {}
    for s, t, w in zip(network.source.tolist(), network.target.tolist(),
                       np.asarray(network.weight, dtype=np.float64).tolist(), strict=True):
        key = (s, t) if network.directed or s <= t else (t, s)
        weights[key] = weights.get(key, 0.0) + w
    graph.add_weighted_edges_from((nodes[s], nodes[t], w) for (s, t), w in weights.items())
    return graph
