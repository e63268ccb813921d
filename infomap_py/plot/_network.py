"""The network drawn with its modules: nodes coloured by module and sized
by flow, links between modules faded."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validate import check_count, check_number
from ..convert import to_network
from ..network import Network, StateNetwork
from ..result import InfomapResult
from ._common import (
    OTHER_COLOR,
    check_has_nodes,
    check_result,
    module_colors,
    module_labels,
    new_axes,
    node_names,
    percent,
    top_names,
)
from ._layout import LAYOUTS, SPRING_MAX_NODES, graph_layout, modules_first_layout
from ._states import (
    PhysicalShares,
    check_states,
    draw_pies,
    physical_network,
    physical_shares,
)

#: Up to this many directed links are drawn as arrows, more as lines.
MAX_ARROWS = 400
#: With ``labels=None``, node names are written for graphs up to this size.
MAX_LABELLED_NODES = 40


def align_result(graph: Any, result: InfomapResult, name: str = "G") -> tuple[Any, np.ndarray]:
    """Return ``(network, index)``: ``graph`` as a :class:`~infomap_py.Network`
    and, for each of its nodes, the node's index in ``result``.

    Raises
    ------
    ValueError
        When the graph and the result do not hold the same nodes.
    """
    network = graph if isinstance(graph, Network) else to_network(graph, weight=None)
    n = network.num_nodes
    if len(result.nodes) != n:
        raise ValueError(f"the result has {len(result.nodes)} nodes but {name} has {n}: "
                         f"pass the graph the result was found on")
    graph_nodes = list(network.nodes)
    if graph_nodes == list(result.nodes):
        return network, np.arange(n)
    position = {node: i for i, node in enumerate(result.nodes)}
    index = np.empty(n, dtype=np.int64)
    for i, node in enumerate(graph_nodes):
        found = position.get(node)
        if found is None:
            raise ValueError(f"node {node!r} of {name} is not in the result: "
                             f"pass the graph the result was found on")
        index[i] = found
    return network, index


def _positions(layout: Any, network: Any, labels: np.ndarray, flow: np.ndarray,
               seed: int) -> np.ndarray:
    n = network.num_nodes
    if layout is None:
        layout = "spring" if n <= SPRING_MAX_NODES else "modules"
    if isinstance(layout, str):
        if layout not in LAYOUTS:
            raise ValueError(f"layout must be one of {', '.join(map(repr, LAYOUTS))}, "
                             f"a dict {{node: (x, y)}} or an (n, 2) array, got {layout!r}")
        if layout == "modules":
            return modules_first_layout(n, network.source, network.target, labels, flow, seed)
        return graph_layout(layout, n, network.source, network.target, seed)
    if isinstance(layout, dict):
        missing = [node for node in network.nodes if node not in layout]
        if missing:
            raise ValueError(f"layout has no position for node {missing[0]!r}")
        layout = [layout[node] for node in network.nodes]
    try:
        positions = np.asarray(layout, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError("layout must be a layout name, a dict {node: (x, y)} or an (n, 2) "
                        "array of numbers") from None
    if positions.shape != (n, 2):
        raise ValueError(f"layout must give {n} positions of 2 coordinates, "
                         f"got shape {positions.shape}")
    if not np.isfinite(positions).all():
        raise ValueError("layout holds a position that is NaN or infinite")
    return positions


def _draw_links(ax: Any, network: Any, positions: np.ndarray, labels: np.ndarray,
                colors: np.ndarray, sizes: np.ndarray, link_alpha: float | None) -> None:
    from matplotlib.collections import LineCollection
    from matplotlib.patches import FancyArrowPatch

    keep = network.source != network.target
    source, target = network.source[keep], network.target[keep]
    m = source.shape[0]
    if m == 0:
        return
    alpha = link_alpha if link_alpha is not None else float(np.clip(25.0 / np.sqrt(m), 0.06, 0.6))
    width = 1.0 if m < 500 else 0.5 if m < 5000 else 0.3
    inside = labels[source] == labels[target]
    link_colors = np.empty((m, 4))
    link_colors[inside] = colors[labels[source[inside]]]
    link_colors[inside, 3] = alpha
    link_colors[~inside] = (0.45, 0.45, 0.45, alpha * 0.5)
    if network.directed and m <= MAX_ARROWS:
        radius = np.sqrt(sizes) / 2.0
        for k in range(m):
            s, t = int(source[k]), int(target[k])
            ax.add_patch(FancyArrowPatch(
                positions[s], positions[t], arrowstyle="-|>", mutation_scale=8,
                shrinkA=radius[s], shrinkB=radius[t] + 1.0, color=link_colors[k],
                linewidth=width, zorder=1))
        return
    segments = np.stack([positions[source], positions[target]], axis=1)
    ax.add_collection(LineCollection(segments, colors=link_colors, linewidths=width, zorder=1))


def network(
    G: Any,
    result: InfomapResult | None = None,
    *,
    ax: Any = None,
    layout: Any = None,
    level: int = 1,
    palette: Any = None,
    node_size: float = 1.0,
    link_alpha: float | None = None,
    labels: bool | int | None = None,
    legend: int = 5,
    max_modules: int | None = None,
    seed: int = 0,
    figsize: tuple[float, float] = (9.0, 7.0),
) -> Any:
    """Draw the network with nodes coloured by module and sized by flow.

    Links inside a module take the module's colour; links between modules
    are grey and fainter.  Links are drawn as one ``LineCollection`` (as
    arrows for directed graphs of up to 400 links), so graphs of 10,000
    nodes draw in seconds.

    The result of a state network (memory or multilayer,
    :class:`~infomap_py.StateNetwork`) is drawn as its *physical* network:
    one node per physical node, sized by the flow of all its states, and a
    link between two physical nodes where any of their states are linked
    (weights summed; the layout is found on this network).  A physical
    node whose states are all in one module is a disc of that module's
    colour; one in several modules (an overlapping node) is a pie of its
    module shares, the flow of its states in each module, largest first,
    counter-clockwise from the top.  Its links and its place in the
    ``"modules"`` layout follow its module of most flow.

    Parameters
    ----------
    G : networkx.Graph, scipy.sparse matrix or array, array_like, StateNetwork or None
        The graph the result was found on (anything
        :func:`infomap_py.cluster` takes).  For the result of a state
        network: ``None`` (its own ``result.state_network``) or that
        StateNetwork; ``network(result)`` is short for ``network(None,
        result)``.
    result : InfomapResult
        The result of :func:`infomap_py.cluster` on ``G``.
    ax : matplotlib.axes.Axes or None
        Where to draw; ``None`` makes a new figure of ``figsize``.
    layout : str, dict, array_like or None
        ``"spring"``, ``"kamada_kawai"``, ``"circular"``, ``"spectral"``
        (networkx layouts), ``"modules"`` (every module in a disc of its
        own, area by its number of nodes; fast for large graphs), a dict
        ``{node: (x, y)}`` or an ``(n, 2)`` array.  ``None``: spring for
        up to 300 nodes, else modules.
    level : int
        Colour by the modules at this depth (1: top modules).
    palette : sequence of colours, str or None
        Module colours (see :func:`infomap_py.plot.module_colors`);
        ``None`` is the colour-blind-aware :data:`~infomap_py.plot.PALETTE`.
        Every module is coloured: with more modules than colours, colours
        repeat, but two modules joined by a link differ wherever the
        palette allows (the largest modules choose first).
    node_size : float
        Scales every node's marker (area proportional to flow).
    link_alpha : float or None
        Opacity of links inside modules (links between modules get half);
        ``None`` picks it from the number of links.
    labels : bool, int or None
        Write node names: ``True`` all, an int the names of that many
        highest-flow nodes, ``False`` none; ``None`` writes all names for
        graphs of up to 40 nodes.
    legend : int
        List this many of the largest modules in a legend (0: none).  The
        legend stands right of the axes, clear of the nodes; a new figure
        keeps it inside with matplotlib's ``"compressed"`` layout (on a
        given ``ax``, call ``fig.tight_layout()``, use a layout engine or
        save with ``bbox_inches="tight"``).
    max_modules : int or None
        Colour only this many modules, the largest; the others are drawn in
        grey (:data:`~infomap_py.plot.OTHER_COLOR`) and the legend says how
        many there are and how much flow they hold.  ``None``: colour all.
    seed : int
        Seed of the layout.
    figsize : tuple of float
        Size in inches of a new figure (the default leaves about two
        inches right of the drawing for the legend).

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on: links first, then one scatter of the nodes
        (for a state network: of the physical nodes in one module, then one
        ``PathCollection`` of pie wedges with gid ``"network-pies"``, one
        wedge per module of every physical node in several).

    Raises
    ------
    TypeError
        When ``result`` is not an :class:`~infomap_py.InfomapResult`, or
        ``node_size``, ``link_alpha``, ``legend`` or ``max_modules`` is
        not a number.
    ValueError
        When ``G`` and ``result`` hold different nodes or none, when ``G``
        is missing for a first-order result, or for a bad ``layout``,
        ``level``, ``node_size``, ``link_alpha``,
        ``labels``, ``legend``, ``max_modules`` (below 1) or ``figsize``.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import networkx as nx, infomap_py
    >>> from infomap_py import plot
    >>> G = nx.karate_club_graph()
    >>> ax = plot.network(G, infomap_py.cluster(G, seed=1))
    >>> len(ax.collections)  # the links, then the nodes
    2

    A state network of two triangles of states, joined by physical node 0,
    which has a state in each: it is drawn as a pie of two wedges.

    >>> import numpy as np
    >>> from infomap_py import Network, StateNetwork
    >>> links = np.array([[0, 1], [1, 2], [2, 0], [3, 4], [4, 5], [5, 3]])
    >>> net = Network(links[:, 0], links[:, 1], np.ones(6), 6, False, range(6))
    >>> states = StateNetwork(net, np.array([0, 1, 2, 0, 3, 4]), range(5))
    >>> ax = plot.network(infomap_py.cluster(states, seed=1))
    >>> pies = ax.collections[-1]
    >>> pies.get_gid(), len(pies.get_paths())
    ('network-pies', 2)
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    G, result = _graph_and_result(G, result)
    check_has_nodes(result)
    node_size = check_number("node_size", node_size, 0.0, low_open=True)
    legend = check_count("legend", legend, 0)
    if max_modules is not None:
        max_modules = check_count("max_modules", max_modules, 1)
    if link_alpha is not None:
        link_alpha = check_number("link_alpha", link_alpha, 0.0, 1.0)
    result_labels, module_flow = module_labels(result, level)
    if result.is_higher_order:
        graph, labels_of, flow, names, shares = _physical_nodes(G, result, result_labels)
        legend_names = top_names([names[p] for p in shares.physical.tolist()], shares.flow,
                                 shares.module, module_flow.shape[0], 2)
    else:
        graph, index = align_result(G, result)
        labels_of = result_labels[index]
        flow = np.asarray(result.flow, dtype=np.float64)[index]
        all_names = node_names(result)
        names = [all_names[i] for i in index.tolist()]
        shares = None
        legend_names = top_names(names, flow, labels_of, module_flow.shape[0], 2)
    num_modules = module_flow.shape[0]
    colors = module_colors(num_modules, palette, touching=_touching(graph, labels_of, shares),
                           max_modules=max_modules)
    positions = _positions(layout, graph, labels_of, flow, seed)

    new_figure = ax is None
    ax = new_axes(ax, figsize)
    if new_figure:  # room for the legend right of the axes, made for fixed-aspect axes
        ax.figure.set_layout_engine("compressed")
    n = graph.num_nodes
    largest = float(np.clip(2500.0 / np.sqrt(max(n, 1)), 12.0, 500.0))
    top = flow.max() if n and flow.max() > 0 else 1.0
    sizes = node_size * largest * np.maximum(flow / top, 0.08)
    edge_width = 0.6 if n <= 500 else 0.0
    _draw_links(ax, graph, positions, labels_of, colors, sizes, link_alpha)
    discs = np.ones(n, dtype=bool) if shares is None else shares.num_modules <= 1
    order = np.argsort(flow, kind="stable")  # high flow on top
    order = order[discs[order]]
    ax.scatter(positions[order, 0], positions[order, 1], s=sizes[order],
               c=colors[labels_of[order]], linewidths=edge_width,
               edgecolors="white", zorder=2)
    if shares is not None:
        draw_pies(ax, shares, positions, sizes, colors, edge_width)
    _write_names(ax, positions, names, flow, labels)
    if legend and num_modules:
        _legend(ax, colors, module_flow, legend_names, legend, max_modules)
    ax.set_title(_title(result, n, num_modules, level, shares), fontsize=10)
    ax.set_aspect("equal")
    ax.autoscale_view()
    ax.set_axis_off()
    return ax


def _graph_and_result(G: Any, result: Any) -> tuple[Any, InfomapResult]:
    """Return ``(G, result)``, taking ``network(result)`` for
    ``network(None, result)``."""
    if result is None and isinstance(G, InfomapResult):
        G, result = None, G
    result = check_result(result)
    if G is None and not result.is_higher_order:
        raise ValueError("G is needed to draw a first-order result: pass the graph the "
                         "result was found on, as network(G, result)")
    if isinstance(G, StateNetwork) and not result.is_higher_order:
        raise ValueError("G is a StateNetwork but the result is first-order: pass the graph "
                         "the result was found on")
    return G, result


def _physical_nodes(G: Any, result: InfomapResult, state_labels: np.ndarray
                    ) -> tuple[Network, np.ndarray, np.ndarray, list[str], PhysicalShares]:
    """Return ``(network, labels, flow, names, shares)`` of the physical
    nodes of a state network's result; a node's label is its module of
    most flow."""
    states = check_states(G, result)
    shares = physical_shares(states, state_labels, np.asarray(result.flow, dtype=np.float64))
    names = [str(name) for name in states.physical_node_names]
    return physical_network(states), shares.main, shares.node_flow, names, shares


def _title(result: InfomapResult, n: int, num_modules: int, level: int,
           shares: PhysicalShares | None) -> str:
    """The picture's title: what is drawn, in how many modules, at what codelength."""
    at_level = "" if level == 1 else f" (level {level})"
    what = f"{n} nodes"
    if shares is not None:
        overlap = int((shares.num_modules > 1).sum())
        what = f"{n} physical nodes ({len(result.nodes)} states, {overlap} in several modules)"
    return (f"{what} in {num_modules} modules{at_level}, "
            f"codelength {result.codelength:.3f} bits")


def _write_names(ax: Any, positions: np.ndarray, names: list[str], flow: np.ndarray,
                 labels: bool | int | None) -> None:
    n = len(names)
    if labels is None:
        count = n if n <= MAX_LABELLED_NODES else 0
    elif isinstance(labels, bool):
        count = n if labels else 0
    elif isinstance(labels, (int, np.integer)) and labels >= 0:
        count = min(int(labels), n)
    else:
        raise ValueError(f"labels must be True, False, None or an integer >= 0, got {labels!r}")
    for i in np.argsort(-flow, kind="stable")[:count].tolist():
        ax.annotate(names[i], positions[i], fontsize=7, ha="center", va="center", zorder=3)


def _touching(graph: Any, labels: np.ndarray, shares: PhysicalShares | None
              ) -> tuple[np.ndarray, np.ndarray]:
    """Return the pairs of modules that touch in the drawing: joined by a
    link, or (for a state network) wedges side by side in a pie."""
    first, second = labels[graph.source], labels[graph.target]
    if shares is not None:  # a pie's wedges in row order, the last beside the first
        rows = np.arange(shares.module.shape[0])
        next_row = rows + 1
        starts = np.flatnonzero(np.r_[True, shares.physical[1:] != shares.physical[:-1]])
        ends = np.r_[starts[1:], rows.shape[0]]
        next_row[ends - 1] = starts
        first = np.concatenate([first, shares.module])
        second = np.concatenate([second, shares.module[next_row]])
    return first, second


def _legend(ax: Any, colors: np.ndarray, module_flow: np.ndarray, names: list[list[str]],
            count: int, max_modules: int | None) -> None:
    """List the ``count`` largest modules right of the axes, then how many
    more there are, and which are grey."""
    from matplotlib.lines import Line2D

    total = module_flow.sum() or 1.0
    shown = min(count, module_flow.shape[0])
    handles = [Line2D([], [], marker="o", linestyle="", markersize=7, color=colors[m],
                      label=f"{m + 1}: {', '.join(names[m])} ({percent(module_flow[m] / total)})")
               for m in range(shown)]
    rest = module_flow.shape[0] - shown
    if rest > 0:
        share = percent(module_flow[shown:].sum() / total)
        handles.append(Line2D([], [], marker="", linestyle="",
                              label=f"{rest} more modules ({share})"))
    hidden = 0 if max_modules is None else module_flow.shape[0] - max_modules
    if hidden > 0:
        share = percent(module_flow[max_modules:].sum() / total)
        handles.append(Line2D([], [], marker="o", linestyle="", markersize=7,
                              color=OTHER_COLOR,
                              label=f"grey: {hidden} modules beyond the {max_modules} "
                                    f"largest ({share})"))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0,
              fontsize=7, framealpha=0.85, title="largest modules (flow)", title_fontsize=7)
