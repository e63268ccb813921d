"""The map of the modules: the coarse-grained picture of the map equation
papers, one circle per module and links by the flow between them."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validate import check_count, check_number
from ..result import InfomapResult
from ._common import (
    check_has_nodes,
    check_result,
    module_colors,
    module_labels,
    new_axes,
    node_names,
    percent,
    top_names,
)
from ._layout import module_layout


def module_links(result: InfomapResult, labels: np.ndarray, num_modules: int,
                 directed: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Return ``(source, target, flow, exit_flow)``: the flow on the links
    between modules (per direction when ``directed``, else both directions
    summed on one link with ``source < target``) and the flow leaving each
    module along links."""
    data = result.flow_data
    source, target, link_flow = data.directed_links()
    ms, mt = labels[source], labels[target]
    between = ms != mt
    ms, mt, flow = ms[between], mt[between], link_flow[between]
    exit_flow = np.bincount(ms, weights=flow, minlength=num_modules)
    if not directed:
        ms, mt = np.minimum(ms, mt), np.maximum(ms, mt)
    pair, inverse = np.unique(ms * num_modules + mt, return_inverse=True)
    pair_flow = np.bincount(inverse, weights=flow, minlength=pair.shape[0])
    return pair // num_modules, pair % num_modules, pair_flow, exit_flow


def module_map(
    result: InfomapResult,
    *,
    ax: Any = None,
    level: int = 1,
    max_modules: int = 30,
    names_per_module: int = 3,
    min_link_share: float = 0.005,
    palette: Any = None,
    seed: int = 0,
    figsize: tuple[float, float] = (7.0, 7.0),
) -> Any:
    """Draw the map of the modules: one circle per module, links by flow.

    A circle's area is proportional to the module's flow and its border to
    the flow leaving it; a link's width is proportional to the flow between
    the two modules (arrows when the flow is directed).  Each module is
    labelled by its highest-flow nodes.  Modules linked by much flow are
    placed near each other.

    Parameters
    ----------
    result : InfomapResult
        The result of :func:`infomap_py.cluster` (it carries the flow on
        every link).
    ax : matplotlib.axes.Axes or None
        Where to draw; ``None`` makes a new figure of ``figsize``.
    level : int
        Map the modules at this depth (1: top modules).
    max_modules : int
        Draw at most this many modules, the ones of largest flow (the title
        says how much flow the others hold).
    names_per_module : int
        How many node names label each module.
    min_link_share : float
        Leave out links carrying less than this share of the largest link's
        flow.
    palette : sequence of colours, str or None
        Module colours (see :func:`infomap_py.plot.module_colors`).  Every
        module drawn is coloured; with more modules than colours, colours
        repeat, but two modules joined by a link differ wherever the
        palette allows (the largest modules choose first), as in
        :func:`~infomap_py.plot.network`.
    seed : int
        Seed of the layout.
    figsize : tuple of float
        Size in inches of a new figure.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on; ``ax.patches`` holds one ``Circle`` per module
        drawn (and one arrow per directed link).

    Raises
    ------
    TypeError
        When ``result`` is not an :class:`~infomap_py.InfomapResult`, or
        ``max_modules``, ``names_per_module`` or ``min_link_share`` is not
        a number.
    ValueError
        When the result holds no nodes or carries no link flow, or for a
        bad ``level``, ``max_modules``, ``names_per_module``,
        ``min_link_share`` or ``figsize``.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import networkx as nx, infomap_py
    >>> from infomap_py import plot
    >>> res = infomap_py.cluster(nx.karate_club_graph(), seed=1)
    >>> ax = plot.module_map(res)
    >>> sum(type(p).__name__ == "Circle" for p in ax.patches) == res.num_modules
    True
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    from matplotlib import patheffects
    from matplotlib.collections import LineCollection
    from matplotlib.patches import Circle, FancyArrowPatch

    result = check_result(result)
    check_has_nodes(result)
    max_modules = check_count("max_modules", max_modules, 1)
    names_per_module = check_count("names_per_module", names_per_module, 0)
    min_link_share = check_number("min_link_share", min_link_share, 0.0, 1.0)
    if result.flow_data is None:
        raise ValueError("the result carries no link flow (flow_data is None); "
                         "make it with infomap_py.cluster or infomap_py.evaluate")
    labels, module_flow = module_labels(result, level)
    num_modules = module_flow.shape[0]
    directed = result.flow_data.model != "undirected"
    source, target, link_flow, exit_flow = module_links(result, labels, num_modules, directed)
    # Linked modules differ; the colours match plot.network's for the same result.
    colors = module_colors(num_modules, palette, touching=(source, target))

    shown = min(num_modules, max_modules)
    keep = (source < shown) & (target < shown)
    if keep.any():
        keep &= link_flow >= min_link_share * link_flow[keep].max()
    source, target, link_flow = source[keep], target[keep], link_flow[keep]
    centres, radii = module_layout(shown, source, target, link_flow, module_flow[:shown], seed)

    ax = new_axes(ax, figsize)
    largest_link = link_flow.max() if link_flow.size else 1.0
    widths = 0.5 + 7.5 * link_flow / largest_link
    if directed:  # arrows from rim to rim, a little to the side so that A->B and B->A part
        for s, t, w in zip(source.tolist(), target.tolist(), widths.tolist()):
            start, end = centres[s], centres[t]
            unit = (end - start) / max(np.linalg.norm(end - start), 1e-12)
            normal = np.array([-unit[1], unit[0]]) * 0.04 * min(radii[s], radii[t])
            ax.add_patch(FancyArrowPatch(
                start + unit * radii[s] + normal, end - unit * radii[t] + normal,
                arrowstyle="-|>", mutation_scale=6 + 2 * w, linewidth=w,
                color=(0.35, 0.35, 0.35, 0.7), zorder=1))
    elif link_flow.size:
        segments = np.stack([centres[source], centres[target]], axis=1)
        ax.add_collection(LineCollection(segments, linewidths=widths,
                                         colors=[(0.35, 0.35, 0.35, 0.55)], zorder=1))
    most_exit = exit_flow[:shown].max() if shown and exit_flow[:shown].max() > 0 else 1.0
    names = top_names(node_names(result), np.asarray(result.flow), labels, num_modules,
                      names_per_module)
    total = module_flow.sum() or 1.0
    outline = [patheffects.withStroke(linewidth=2.5, foreground="white")]
    for m in range(shown):
        edge = colors[m].copy()
        edge[:3] *= 0.6
        ax.add_patch(Circle(centres[m], radii[m], facecolor=colors[m], edgecolor=edge,
                            linewidth=0.5 + 4.0 * exit_flow[m] / most_exit, zorder=2))
        text = "\n".join(names[m] + [percent(module_flow[m] / total)])
        ax.text(centres[m, 0], centres[m, 1], text, ha="center", va="center",
                fontsize=8 if shown <= 12 else 6, zorder=3, path_effects=outline)
    hidden = num_modules - shown
    note = (f"; {hidden} smaller modules ({percent(module_flow[shown:].sum() / total)} of flow) "
            "not drawn") if hidden else ""
    ax.set_title(f"{num_modules} modules{'' if level == 1 else f' at level {level}'}, "
                 f"codelength {result.codelength:.3f} bits{note}", fontsize=10)
    reach = radii[:shown] if shown else np.zeros(1)
    low = (centres - reach[:, None]).min(axis=0) if shown else np.array([-1.0, -1.0])
    high = (centres + reach[:, None]).max(axis=0) if shown else np.array([1.0, 1.0])
    margin = 0.05 * float((high - low).max())
    ax.set_xlim(low[0] - margin, high[0] + margin)
    ax.set_ylim(low[1] - margin, high[1] + margin)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return ax
