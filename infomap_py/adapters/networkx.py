"""networkx-shaped functions: the names the networkx project proposed for Infomap."""

from __future__ import annotations

from typing import Any

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
