"""What every picture shares: the palette, axes creation, result checks and
node names.  Nothing here draws."""

from __future__ import annotations

import numbers
from typing import Any, Sequence

import numpy as np

from .._validate import check_count
from ..result import InfomapResult, order_by_flow

#: Module colours, most distinct first.  The first nine are Paul Tol's
#: "muted" qualitative scheme (https://personal.sron.nl/~pault/, "Colour
#: schemes and templates"), told apart under every common form of colour
#: blindness.  The other nine come from Tol's "vibrant", "high-contrast",
#: "medium-contrast", "light" and "dark" schemes; each was picked, one at a
#: time, as the candidate farthest (CIEDE2000) from all colours before it
#: and from grey and white, under normal vision and under simulated
#: deuteranopia, protanopia and tritanopia (the matrices of Machado,
#: Oliveira and Fernandes 2009).  Any two differ by at least 9.8 units
#: under normal vision and 6.3 under each deficiency (the muted nine among
#: themselves: 15 and 11.5), and each differs from :data:`OTHER_COLOR` by
#: at least 5.7.  More modules than colours share colours, so that modules
#: that touch differ (see :func:`module_colors`).
PALETTE: tuple[str, ...] = (
    "#332288",  # indigo (muted)
    "#DDCC77",  # sand
    "#CC6677",  # rose
    "#117733",  # green
    "#88CCEE",  # cyan
    "#AA4499",  # purple
    "#44AA99",  # teal
    "#999933",  # olive
    "#882255",  # wine
    "#0077BB",  # blue (vibrant)
    "#663333",  # dark red (dark)
    "#CC3311",  # red (vibrant)
    "#DDAA33",  # yellow (high-contrast)
    "#EE8866",  # orange (light)
    "#77AADD",  # light blue (light)
    "#994455",  # dark red (medium-contrast)
    "#222255",  # dark blue (dark)
    "#EE99AA",  # light red (medium-contrast)
)

#: The colour of modules the caller asked to hide (``max_modules=``).
OTHER_COLOR = "#BBBBBB"


def require_matplotlib() -> Any:
    """Return ``matplotlib.pyplot``, or raise an ImportError that says how to
    install the ``plot`` extra."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as err:  # pragma: no cover - matplotlib is in the test extra
        raise ImportError(
            "infomap_py.plot needs matplotlib: pip install 'infomap-py[plot]'"
        ) from err
    return plt


def module_colors(num_modules: int, palette: Sequence[Any] | str | None = None, *,
                  touching: tuple[Any, Any] | None = None,
                  max_modules: int | None = None) -> np.ndarray:
    """Return an RGBA colour per module (shape ``(num_modules, 4)``).

    Modules are expected in decreasing flow.  Every module is coloured:
    when there are no more modules than colours, module ``i`` gets the
    palette's colour ``i``; beyond that colours are shared, so that
    modules that touch differ where the palette allows (see
    :func:`color_indices`).  Only the modules beyond ``max_modules`` are
    :data:`OTHER_COLOR`.  The same input always gives the same colours.

    Parameters
    ----------
    num_modules : int
        How many modules to colour.
    palette : sequence of colours, str or None
        The colours (any matplotlib colour spec, most distinct first), the
        name of a matplotlib colormap (sampled at one point per coloured
        module, so every module gets its own colour and ``touching`` is
        not needed), or ``None`` for :data:`PALETTE`.
    touching : (array_like of int, array_like of int) or None
        Pairs of modules that touch in the picture (e.g. are joined by a
        link), as two equally long arrays of module numbers; ``None``: no
        module touches another, and the palette's colours repeat in turn,
        so that consecutive modules differ.
    max_modules : int or None
        Colour only this many modules, the first (largest); the others are
        :data:`OTHER_COLOR`.  ``None``: colour all.

    Raises
    ------
    ValueError
        When ``palette`` names no colormap or holds something that is not a
        colour, ``max_modules`` is below 1, or the two arrays of
        ``touching`` differ in length.
    TypeError
        When ``max_modules`` is not an integer.

    Examples
    --------
    Four modules, two colours: module 2 touches module 0 and module 3
    touches module 1, so 2 takes blue (not red in turn) and 3 red.

    >>> from matplotlib.colors import to_hex
    >>> from infomap_py.plot import module_colors
    >>> colors = module_colors(4, ["red", "blue"], touching=([0, 0, 1], [1, 2, 3]))
    >>> [to_hex(c) for c in colors]
    ['#ff0000', '#0000ff', '#0000ff', '#ff0000']
    >>> [to_hex(c) for c in module_colors(3, ["red", "blue"], max_modules=1)]  # the rest grey
    ['#ff0000', '#bbbbbb', '#bbbbbb']
    """
    from matplotlib import colormaps
    from matplotlib.colors import to_rgba_array

    shown = num_modules
    if max_modules is not None:
        shown = min(num_modules, check_count("max_modules", max_modules, 1))
    out = np.empty((num_modules, 4))
    out[:] = to_rgba_array([OTHER_COLOR])[0]
    if isinstance(palette, str):
        if palette not in colormaps:
            raise ValueError(f"palette must be a list of colours or a colormap name, "
                             f"got {palette!r}")
        cmap = colormaps[palette]
        points = np.linspace(0.0, 1.0, shown) if shown > 1 else np.zeros(1)
        if getattr(cmap, "N", 256) < 256:  # qualitative maps: one entry per colour
            points = (np.arange(shown) % cmap.N + 0.5) / cmap.N
        out[:shown] = np.asarray(cmap(points[:shown]))
        return out
    if palette is not None and not isinstance(palette, (list, tuple, np.ndarray)):
        raise ValueError(f"palette must be a list of colours or a colormap name, "
                         f"got {palette!r}")
    colors = PALETTE if palette is None else tuple(palette)
    if not colors:
        raise ValueError("palette must hold at least one colour")
    try:
        rgba = to_rgba_array(list(colors))
    except (TypeError, ValueError):
        raise ValueError(f"palette holds something that is not a colour: {palette!r}") from None
    out[:shown] = rgba[color_indices(shown, rgba.shape[0], touching)]
    return out


def color_indices(num_modules: int, num_colors: int,
                  touching: tuple[Any, Any] | None = None) -> np.ndarray:
    """Return a palette index per module: a greedy colouring of the modules
    that touch, largest first.

    Modules are taken in order (by decreasing flow).  Each takes, among
    the colours no module it touches holds yet, the one used least so far,
    the palette's first on a tie; so with no more modules than colours,
    module ``i`` gets colour ``i``, the largest modules get the most
    distinct colours, and a colour repeats only on modules that do not
    touch.  When every colour is held by a module it touches, it takes
    the colour held by the fewest of them (then the least used, then the
    first).  Pairs ``(m, m)`` and pairs naming a module ``>= num_modules``
    are ignored.

    Parameters
    ----------
    num_modules, num_colors : int
        How many modules to colour, with how many colours (>= 1).
    touching : (array_like of int, array_like of int) or None
        Pairs of modules that touch; ``None``: none do (colours repeat in
        turn).

    Returns
    -------
    numpy.ndarray of int64
        The colour of every module, in ``0 .. num_colors - 1``.

    Raises
    ------
    ValueError
        When the two arrays of ``touching`` differ in length.
    """
    if touching is None:
        return np.arange(num_modules, dtype=np.int64) % num_colors
    first, second = (np.asarray(side, dtype=np.int64).ravel() for side in touching)
    if first.shape != second.shape:
        raise ValueError(f"touching must be two arrays of the same length, got "
                         f"{first.shape[0]} and {second.shape[0]}")
    keep = (first != second) & (first < num_modules) & (second < num_modules) & \
        (first >= 0) & (second >= 0)
    first, second = first[keep], second[keep]
    # Every module's neighbours that come before it (they are coloured first).
    later, earlier = np.maximum(first, second), np.minimum(first, second)
    order = np.argsort(later, kind="stable")
    later, earlier = later[order], earlier[order]
    starts = np.searchsorted(later, np.arange(num_modules + 1))
    color = np.empty(num_modules, dtype=np.int64)
    used = np.zeros(num_colors, dtype=np.int64)
    palette_order = np.arange(num_colors)
    for m in range(num_modules):
        held = np.bincount(color[earlier[starts[m]:starts[m + 1]]], minlength=num_colors)
        pick = int(np.lexsort((palette_order, used, held))[0])
        color[m] = pick
        used[pick] += 1
    return color


def new_axes(ax: Any, figsize: tuple[float, float]) -> Any:
    """Return ``ax``, or the axes of a new pyplot figure of ``figsize`` inches.

    Raises
    ------
    ValueError
        When ``figsize`` is not ``None`` or two finite numbers > 0.
    """
    check_figsize(figsize)
    if ax is not None:
        if not hasattr(ax, "add_collection"):
            raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")
        return ax
    plt = require_matplotlib()
    _, ax = plt.subplots(figsize=figsize)
    return ax


def check_figsize(figsize: Any) -> None:
    """Raise ValueError unless ``figsize`` is ``None`` (matplotlib's default)
    or ``(width, height)`` in inches, two finite numbers > 0."""
    if figsize is None:
        return
    ok = isinstance(figsize, (tuple, list, np.ndarray)) and len(figsize) == 2 and all(
        isinstance(x, numbers.Real) and not isinstance(x, (bool, np.bool_))
        and np.isfinite(x) and x > 0 for x in figsize)
    if not ok:
        raise ValueError(f"figsize must be (width, height) in inches, two numbers > 0, "
                         f"got {figsize!r}")


def check_has_nodes(result: InfomapResult) -> None:
    """Raise ValueError when ``result`` holds no nodes: there is nothing to draw."""
    if len(result.nodes) == 0:
        raise ValueError("the result holds no nodes (an empty graph): there is nothing to draw")


def check_result(result: Any, name: str = "result") -> InfomapResult:
    """Return ``result`` when it is an :class:`InfomapResult`, else raise TypeError."""
    if not isinstance(result, InfomapResult):
        raise TypeError(f"{name} must be an InfomapResult (from infomap_py.cluster), "
                        f"got {type(result).__name__}")
    return result


def module_labels(result: InfomapResult, level: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(labels, module_flow)`` of the modules at depth ``level``
    (1: top modules), numbered ``0..k-1`` by decreasing flow."""
    if isinstance(level, bool) or not isinstance(level, (int, np.integer)) or level < 1:
        raise ValueError(f"level must be an integer >= 1, got {level!r}")
    if level > result.num_levels - 1 and level > 1:
        raise ValueError(f"level must be at most {max(result.num_levels - 1, 1)} "
                         f"(the depth of this result's modules), got {level}")
    labels = result.labels if level == 1 else result.modules_at(int(level))
    return order_by_flow(labels, result.flow)


def node_names(result: InfomapResult) -> list[str]:
    """Return the display name of every node of ``result``."""
    if result.names is not None:
        return [str(name) for name in result.names]
    return [str(node) for node in result.nodes]


def top_names(names: Sequence[str], flow: np.ndarray, labels: np.ndarray,
              num_modules: int, k: int) -> list[list[str]]:
    """Return, for each module, the names of its ``k`` nodes of highest flow."""
    order = np.lexsort((np.arange(flow.shape[0]), -flow, labels))
    starts = np.searchsorted(labels[order], np.arange(num_modules))
    ends = np.searchsorted(labels[order], np.arange(num_modules), side="right")
    return [[names[i] for i in order[s:min(e, s + k)].tolist()] for s, e in zip(starts, ends)]


def text_color(color: Sequence[float]) -> str:
    """Return ``"black"`` for text on a light RGB(A) ``color``, else ``"white"``
    (by relative luminance)."""
    luminance = 0.2126 * color[0] + 0.7152 * color[1] + 0.0722 * color[2]
    return "black" if luminance > 0.5 else "white"


def percent(value: float) -> str:
    """Return a flow share as a short percentage, e.g. ``'12.3 %'`` or ``'<0.1 %'``."""
    if 0.0 < value < 0.001:
        return "<0.1 %"
    return f"{100.0 * value:.1f} %"
