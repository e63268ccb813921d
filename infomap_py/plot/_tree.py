"""The module hierarchy (icicle or sunburst) and the codelength of a result."""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from .._validate import check_count, check_number
from ..result import InfomapResult
from ._common import (
    OTHER_COLOR,
    PALETTE,
    check_result,
    module_colors,
    new_axes,
    percent,
    text_color,
)

#: The drawings :func:`tree` knows.
TREE_STYLES: tuple[str, ...] = ("icicle", "sunburst")

# How far each level below the top blends its top module's colour toward white.
_TINT_STEP = 0.28
_MAX_TINT = 0.8
# The radius of the empty disc in the middle of a sunburst, in rings.
_HOLE = 0.6


def tree(
    result: InfomapResult,
    *,
    style: str = "icicle",
    ax: Any = None,
    palette: Sequence[Any] | str | None = None,
    max_depth: int | None = None,
    min_share: float = 0.0,
    label_min_share: float = 0.04,
    figsize: tuple[float, float] = (8, 5),
) -> Any:
    """Draw the module tree of ``result`` with every module sized by its flow.

    Every tree module is a block whose size is its share of the flow,
    placed inside the span of its parent, children by decreasing flow.  An
    ``"icicle"`` draws one row per level (top modules in the first row); a
    ``"sunburst"`` draws the same as rings around the centre (top modules
    innermost).  Modules take the colour of their top module, lighter at
    every level down; blocks of at least ``label_min_share`` of the flow
    are labelled with their path (``"1:2"`` is the second sub-module of the
    first top module) and flow share.  A two-level result draws as one
    level.  All blocks form one collection, so trees of thousands of
    modules draw quickly.

    Parameters
    ----------
    result : InfomapResult
        A result of :func:`infomap_py.cluster` (or :func:`infomap_py.evaluate`).
    style : {"icicle", "sunburst"}
        Rows of rectangles, or rings of wedges.
    ax : matplotlib.axes.Axes, optional
        The axes to draw on; a new figure of ``figsize`` when ``None``.
    palette : sequence of colours or str, optional
        Colours of the top modules by decreasing flow (repeated in turn
        when there are more modules, so that neighbours differ), or a
        matplotlib colormap name; the default is the colour-blind-aware
        :data:`infomap_py.plot.PALETTE`.
    max_depth : int, optional
        Draw levels ``1..max_depth`` only (all levels when ``None``).
    min_share : float
        Leave out modules (and everything below them) with less than this
        share of the flow, to keep very large trees light.
    label_min_share : float
        Label blocks with at least this share of the flow (``1`` or more:
        no labels).
    figsize : tuple of float
        Size in inches of the new figure when ``ax`` is ``None``.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.  Its first new collection holds the blocks.

    Raises
    ------
    TypeError
        When ``result`` is not an :class:`~infomap_py.InfomapResult`.
    ValueError
        When ``result`` holds no module tree, ``style`` is not
        ``"icicle"`` or ``"sunburst"``, ``max_depth`` is below 1, a share
        is out of range, or ``figsize`` is not two numbers > 0.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> import networkx as nx
    >>> import infomap_py
    >>> from infomap_py import plot
    >>> res = infomap_py.cluster(nx.karate_club_graph(), seed=1)
    >>> ax = plot.tree(res)
    >>> len(ax.collections[0].get_paths()) == res.tree.parent.shape[0] - 1
    True
    >>> ax = plot.tree(res, style="sunburst")
    >>> plt.close("all")
    """
    result = check_result(result)
    if not isinstance(style, str) or style not in TREE_STYLES:
        raise ValueError(f"style must be one of {', '.join(map(repr, TREE_STYLES))}, "
                         f"got {style!r}")
    if max_depth is not None:
        max_depth = check_count("max_depth", max_depth)
    min_share = check_number("min_share", min_share, 0.0, 1.0)
    label_min_share = check_number("label_min_share", label_min_share, 0.0)
    module_tree = result.tree
    if module_tree is None:
        raise ValueError("result holds no module tree (result.tree is None); "
                         "use a result of infomap_py.cluster or infomap_py.evaluate")
    num_top = module_tree.num_top_modules
    top_colors = module_colors(num_top, palette)
    ax = new_axes(ax, figsize)

    layout = _tree_layout(module_tree, max_depth, min_share)
    modules, depth, start, share, top = layout
    num_rows = int(depth.max()) if depth.size else 0
    colors = _tint(top_colors[top - 1], depth) if modules.size else np.zeros((0, 4))
    if style == "icicle":
        _draw_icicle(ax, module_tree, layout, colors, num_rows, label_min_share)
    else:
        _draw_sunburst(ax, module_tree, layout, colors, num_rows, label_min_share)
    levels = "1 level" if num_rows == 1 else f"{num_rows} levels"
    ax.set_title(f"module tree: {num_top} top modules, {levels} of modules, sized by flow")
    return ax


def codelength(result: InfomapResult, *, ax: Any = None,
               figsize: tuple[float, float] = (7, 4)) -> Any:
    """Draw the codelength of every trial and the best one split by level.

    One bar per trial (the best in colour, the others grey), a dashed line
    at the one-level codelength (all nodes in one module), and after a gap
    one stacked bar of the best solution: its index codebook, then the
    codebooks of the modules at level 1, level 2, and so on (their sum is
    the codelength).  The relative savings over one level are written
    above the stacked bar.

    Parameters
    ----------
    result : InfomapResult
        A result of :func:`infomap_py.cluster` (or :func:`infomap_py.evaluate`).
    ax : matplotlib.axes.Axes, optional
        The axes to draw on; a new figure of ``figsize`` when ``None``.
    figsize : tuple of float
        Size in inches of the new figure when ``ax`` is ``None``.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.  Its first new bar container holds the trials
        (when the result has any), the following ones the levels of the
        stacked bar.

    Raises
    ------
    TypeError
        When ``result`` is not an :class:`~infomap_py.InfomapResult`.
    ValueError
        When ``figsize`` is not two numbers > 0.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> import networkx as nx
    >>> import infomap_py
    >>> from infomap_py import plot
    >>> res = infomap_py.cluster(nx.karate_club_graph(), trials=3, seed=1)
    >>> ax = plot.codelength(res)
    >>> len(ax.containers[0])
    3
    >>> plt.close("all")
    """
    from matplotlib.patches import Patch
    from matplotlib.ticker import MaxNLocator

    result = check_result(result)
    ax = new_axes(ax, figsize)
    trials = np.asarray(result.trial_codelengths, dtype=float).ravel()
    num_trials = trials.shape[0]
    best_color, grey = PALETTE[0], OTHER_COLOR
    handles = []
    if num_trials:
        best = int(np.argmin(trials))
        positions = np.arange(1, num_trials + 1)
        colors = [grey] * num_trials
        colors[best] = best_color
        bars = ax.bar(positions, trials, width=0.8, color=colors, label="trials")
        if num_trials <= 10:
            ax.bar_label(bars, fmt="%.3f", fontsize=7, padding=2)
        handles.append(Patch(facecolor=best_color, label=f"best trial ({trials[best]:.3f} bits)"))
        if num_trials > 1:
            handles.append(Patch(facecolor=grey, label="other trials"))
    # The best solution, split by level.
    levels = np.asarray(result.level_codelengths, dtype=float)
    stack_x = num_trials + 2 if num_trials else 1
    level_colors = [PALETTE[1 + i % (len(PALETTE) - 1)] for i in range(levels.shape[0])]
    bottom = 0.0
    for i, (length, color) in enumerate(zip(levels.tolist(), level_colors)):
        name = "index codebook" if i == 0 else f"level {i} codebooks"
        ax.bar([stack_x], [length], bottom=bottom, width=0.8, color=color,
               edgecolor="white", linewidth=0.5, label=name)
        handles.append(Patch(facecolor=color, label=name))
        bottom += length
    one_level = float(result.one_level_codelength)
    line = ax.axhline(one_level, color="#444444", linestyle="--", linewidth=1.2,
                      label=f"one level ({one_level:.3f} bits)")
    handles.append(line)
    savings = result.relative_codelength_savings
    top = max([one_level, bottom, float(trials.max()) if num_trials else 0.0])
    ax.annotate(f"{bottom:.3f} bits\n{savings:.1%} saved\nover one level",
                xy=(stack_x, max(bottom, one_level)), xytext=(0, 3),
                textcoords="offset points", ha="center", va="bottom", fontsize=8)
    # Ticks: trial numbers (a few when there are many), then the stacked bar.
    if num_trials <= 20:
        ticks = list(range(1, num_trials + 1))
    else:
        ticks = [int(t) for t in MaxNLocator(nbins=8, integer=True, min_n_ticks=2)
                 .tick_values(1, num_trials) if 1 <= t <= num_trials]
    ax.set_xticks(ticks + [stack_x], [str(t) for t in ticks] + ["best\nby level"])
    ax.set_xlim(0.3, stack_x + 0.7)
    ax.set_xlabel("trial" if num_trials else "")
    ax.set_ylabel("codelength (bits)")
    legend_rows = -(-len(handles) // 3)
    ax.set_ylim(0.0, (top if top > 0 else 1.0) * (1.15 + 0.1 * legend_rows))
    ax.legend(handles=handles, loc="upper center", ncol=3, fontsize=7, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title("codelength per trial and per level")
    return ax


def _tree_layout(module_tree: Any, max_depth: int | None,
                 min_share: float) -> tuple[np.ndarray, ...]:
    """Return ``(modules, depth, start, share, top)`` of the modules to
    draw: their ids, levels, where their span starts and how wide it is (as
    shares of the whole flow, inside the parent's span), and their top
    module (from 1)."""
    parent = module_tree.parent
    depth = module_tree.depth
    flow = np.asarray(module_tree.flow, dtype=float)
    num_tree = parent.shape[0]
    total = float(flow[parent == 0].sum())
    share = flow / total if total > 0 else np.zeros(num_tree)
    start = np.zeros(num_tree)
    top = np.zeros(num_tree, dtype=np.int64)
    drawn = np.zeros(num_tree, dtype=bool)
    drawn[0] = True
    deepest = int(depth.max()) if num_tree > 1 else 0
    if max_depth is not None:
        deepest = min(deepest, max_depth)
    for d in range(1, deepest + 1):
        members = np.flatnonzero(depth == d)
        # Group siblings under their parent, in the tree's order (by flow).
        members = members[np.lexsort((module_tree.rank[members], parent[members]))]
        par = parent[members]
        widths = share[members]
        before = np.cumsum(widths) - widths
        first = np.ones(members.size, dtype=bool)
        first[1:] = par[1:] != par[:-1]
        group_first = np.maximum.accumulate(np.where(first, np.arange(members.size), 0))
        start[members] = start[par] + before - before[group_first]
        top[members] = members if d == 1 else top[par]
        drawn[members] = drawn[par] & (widths >= min_share)
    drawn[0] = False
    drawn[depth > deepest] = False
    modules = np.flatnonzero(drawn)
    return modules, depth[modules], start[modules], share[modules], top[modules]


def _tint(colors: np.ndarray, depth: np.ndarray) -> np.ndarray:
    """Blend ``colors`` toward white, more at every level below the top."""
    amount = np.minimum(_TINT_STEP * (depth - 1), _MAX_TINT)[:, None]
    out = colors.copy()
    out[:, :3] = colors[:, :3] + (1.0 - colors[:, :3]) * amount
    return out


def _edge_widths(share: np.ndarray) -> np.ndarray:
    """Thin white edges, thinner still on slivers so they keep their colour."""
    return np.clip(share * 200.0, 0.0, 0.8)


def _label(module_tree: Any, module: int, share: float) -> str:
    path = ":".join(str(p) for p in module_tree.module_paths[module])
    return f"{path}\n{percent(share)}"


def _draw_icicle(ax: Any, module_tree: Any, layout: tuple[np.ndarray, ...],
                 colors: np.ndarray, num_rows: int, label_min_share: float) -> None:
    from matplotlib.collections import PatchCollection
    from matplotlib.patches import Rectangle
    from matplotlib.ticker import PercentFormatter

    modules, depth, start, share, _ = layout
    bottom = num_rows - depth
    blocks = [Rectangle((x, y), w, 1.0) for x, y, w in
              zip(start.tolist(), bottom.tolist(), share.tolist())]
    ax.add_collection(PatchCollection(blocks, facecolors=colors, edgecolors="white",
                                      linewidths=_edge_widths(share)))
    for i in np.flatnonzero(share >= label_min_share).tolist():
        ax.text(start[i] + share[i] / 2, bottom[i] + 0.5,
                _label(module_tree, int(modules[i]), float(share[i])),
                ha="center", va="center", fontsize=7, color=text_color(colors[i]))
    ax.set_xlim(0.0, 1.0)
    ax.set_ylim(0.0, max(num_rows, 1))
    ax.set_yticks(np.arange(num_rows) + 0.5,
                  [f"level {num_rows - r}" for r in range(num_rows)])
    ax.tick_params(axis="y", length=0)
    ax.xaxis.set_major_formatter(PercentFormatter(xmax=1.0))
    ax.set_xlabel("share of flow")
    ax.spines[["top", "right", "left"]].set_visible(False)


def _draw_sunburst(ax: Any, module_tree: Any, layout: tuple[np.ndarray, ...],
                   colors: np.ndarray, num_rows: int, label_min_share: float) -> None:
    from matplotlib.collections import PatchCollection
    from matplotlib.patches import Wedge

    modules, depth, start, share, _ = layout
    outer = _HOLE + depth
    # Clockwise from twelve o'clock.
    theta1 = 90.0 - 360.0 * (start + share)
    theta2 = 90.0 - 360.0 * start
    blocks = [Wedge((0.0, 0.0), r, t1, t2, width=1.0) for r, t1, t2 in
              zip(outer.tolist(), theta1.tolist(), theta2.tolist())]
    ax.add_collection(PatchCollection(blocks, facecolors=colors, edgecolors="white",
                                      linewidths=_edge_widths(share)))
    for i in np.flatnonzero(share >= label_min_share).tolist():
        angle = np.deg2rad(90.0 - 360.0 * (start[i] + share[i] / 2))
        radius = outer[i] - 0.5
        ax.text(radius * np.cos(angle), radius * np.sin(angle),
                _label(module_tree, int(modules[i]), float(share[i])),
                ha="center", va="center", fontsize=7, color=text_color(colors[i]))
    reach = _HOLE + max(num_rows, 1) + 0.05
    ax.set_xlim(-reach, reach)
    ax.set_ylim(-reach, reach)
    ax.set_aspect("equal")
    ax.set_axis_off()
