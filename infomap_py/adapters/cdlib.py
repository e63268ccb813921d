"""A result as a CDlib ``NodeClustering``, for CDlib's evaluation and comparison tools.

CDlib is optional (the ``cdlib`` extra) and imported here only when
:func:`to_cdlib` runs.  Its clusterings hold communities as lists of the
nodes of a networkx or igraph graph.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import import_optional, is_loaded_instance
from .igraph import is_igraph

if TYPE_CHECKING:  # pragma: no cover
    import cdlib

    from ..result import InfomapResult

#: The ``method_name`` of the clusterings, apart from CDlib's own Infomap.
METHOD_NAME = "Infomap (infomap-py)"


def graph_nodes(graph: Any) -> list:
    """The nodes of a networkx or igraph ``graph``, as CDlib names them
    (an igraph vertex by its ``name``, else by its index)."""
    if is_loaded_instance(graph, "networkx", "Graph"):
        return list(graph.nodes)
    if is_igraph(graph):
        if "name" in graph.vs.attributes():
            return list(graph.vs["name"])
        return list(range(graph.vcount()))
    raise TypeError(f"graph must be a networkx or igraph graph, got {type(graph).__name__}")


def to_cdlib(result: InfomapResult, graph: Any, level: int = 1) -> cdlib.NodeClustering:
    """Return the modules of ``result`` as a ``cdlib.NodeClustering`` on ``graph``.

    Parameters
    ----------
    result : InfomapResult
        A result of :func:`infomap_py.cluster`.
    graph : networkx.Graph or igraph.Graph
        The graph the result was found on (a graph of the result's network:
        ``result.to_networkx()``).  For a state (memory or multilayer)
        network, either the graph of its physical nodes (their labels as
        nodes): a physical node is then in every module that holds one of
        its states, so communities overlap; or the graph of its state nodes.
        Where the nodes of ``graph`` are both, they are taken as the
        physical nodes.
    level : int
        The depth of the modules (1: top modules, 2: their sub-modules, ...).

    Returns
    -------
    cdlib.NodeClustering
        One community per module (a list of nodes of ``graph``), modules by
        decreasing flow before CDlib orders them by size;
        ``method_name`` ``"Infomap (infomap-py)"``; ``method_parameters``
        the parameters of the run (``result.params``) with ``seed`` and
        ``level``; ``overlap`` ``True`` for the physical nodes of a state
        network, else ``False``.

    Raises
    ------
    ImportError
        When CDlib is not installed (``pip install 'infomap-py[cdlib]'``).
    TypeError
        When ``graph`` is not a networkx or igraph graph.
    ValueError
        When the nodes of ``graph`` are not the result's nodes (nor, for a
        state network, its physical nodes).
    """
    cdlib = import_optional("cdlib", "cdlib")
    nodes = graph_nodes(graph)
    physical = result.is_higher_order and _same_nodes(nodes, result.state_network.physical_nodes)
    if not physical and not _same_nodes(nodes, result.nodes):
        raise ValueError(_mismatch(nodes, result))
    if physical:
        module, phys, _ = result.physical_module_flow(level)
        labels = result.state_network.physical_nodes
        members = [labels[p] for p in phys.tolist()]
        modules = module.tolist()
    else:
        members, modules = list(result.nodes), result.modules_at(level).tolist()
    communities: list[list] = [[] for _ in range(max(modules, default=-1) + 1)]
    for node, m in zip(members, modules):
        communities[m].append(node)
    communities = [community for community in communities if community]
    parameters = {**result.params, "seed": result.seed, "level": level}
    return cdlib.NodeClustering(communities, graph, METHOD_NAME,
                                method_parameters=parameters, overlap=physical)


def _same_nodes(nodes: list, expected: Any) -> bool:
    expected = list(expected)
    return len(nodes) == len(expected) and set(nodes) == set(expected)


def _mismatch(nodes: list, result: InfomapResult) -> str:
    """Say how the nodes of a graph differ from the result's."""
    expected = set(result.nodes)
    kind = "nodes"
    if result.is_higher_order:
        kind = "state nodes, nor its physical nodes"
    stray = next((node for node in nodes if node not in expected), None)
    detail = (f"its node {stray!r} is not one of them" if stray is not None
              else f"it has {len(nodes)} nodes for the result's {len(expected)}")
    return (f"graph does not belong to this result: its nodes are not the result's {kind} "
            f"({detail}); pass the graph the result was found on")
