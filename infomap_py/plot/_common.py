"""What every picture shares: the palette, axes creation, result checks and
node names.  Nothing here draws."""

from __future__ import annotations

import numbers
from typing import Any, Sequence

import numpy as np

from ..result import InfomapResult, order_by_flow

#: Paul Tol's "muted" scheme: nine colours told apart with every common
#: form of colour blindness, ordered so that neighbours in the list differ
#: most.  Modules beyond the palette are drawn in :data:`OTHER_COLOR`.
PALETTE: tuple[str, ...] = (
    "#332288",  # indigo
    "#DDCC77",  # sand
    "#CC6677",  # rose
    "#117733",  # green
    "#88CCEE",  # cyan
    "#AA4499",  # purple
    "#44AA99",  # teal
    "#999933",  # olive
    "#882255",  # wine
)

#: The colour of modules that the palette has no colour left for.
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


def module_colors(num_modules: int, palette: Sequence[Any] | str | None = None) -> np.ndarray:
    """Return an RGBA colour per module (shape ``(num_modules, 4)``).

    Modules are expected in decreasing flow; the first ``len(palette)``
    get the palette's colours, the rest :data:`OTHER_COLOR`.

    Parameters
    ----------
    num_modules : int
        How many modules to colour.
    palette : sequence of colours, str or None
        Colours for the largest modules (any matplotlib colour spec), the
        name of a matplotlib colormap (sampled at ``num_modules`` points,
        so every module gets its own colour), or ``None`` for
        :data:`PALETTE`.

    Raises
    ------
    ValueError
        When ``palette`` names no colormap or holds something that is not a
        colour.
    """
    from matplotlib import colormaps
    from matplotlib.colors import to_rgba_array

    if isinstance(palette, str):
        if palette not in colormaps:
            raise ValueError(f"palette must be a list of colours or a colormap name, "
                             f"got {palette!r}")
        cmap = colormaps[palette]
        points = np.linspace(0.0, 1.0, num_modules) if num_modules > 1 else np.zeros(1)
        if getattr(cmap, "N", 256) < 256:  # qualitative maps: one entry per colour
            points = (np.arange(num_modules) % cmap.N + 0.5) / cmap.N
        return np.asarray(cmap(points[:num_modules]))
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
    out = np.empty((num_modules, 4))
    out[:] = to_rgba_array([OTHER_COLOR])[0]
    k = min(num_modules, rgba.shape[0])
    out[:k] = rgba[:k]
    return out


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
