"""Points in two dimensions (an embedding, a projection), coloured by module."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validate import check_count
from ..result import InfomapResult
from ._common import check_has_nodes, check_result, module_colors, module_labels, new_axes


def embedding(
    X2d: Any,
    result: InfomapResult,
    *,
    ax: Any = None,
    level: int = 1,
    max_modules: int = 18,
    palette: Any = None,
    point_size: float | None = None,
    annotate: bool = True,
    figsize: tuple[float, float] = (6.0, 6.0),
) -> Any:
    """Draw points at their 2-D coordinates, coloured by module.

    For the clusters of :func:`infomap_py.cluster_points` or
    :class:`infomap_py.InfomapClustering` (pass the estimator's ``result_``)
    over a 2-D projection of the points (PCA, t-SNE, UMAP): row ``i`` of
    ``X2d`` is the place of node ``i`` of ``result``.

    Parameters
    ----------
    X2d : array_like of shape (n_points, 2)
        The coordinates of every point, in the order of the result's nodes.
    result : InfomapResult
        The clustering of those points.
    ax : matplotlib.axes.Axes or None
        Where to draw; ``None`` makes a new figure of ``figsize``.
    level : int
        Colour by the modules at this depth of the tree (1: top modules).
    max_modules : int
        Colour the ``max_modules`` modules of largest flow; the others are
        grey.
    palette : sequence of colours, str or None
        As :func:`~infomap_py.plot.module_colors`.
    point_size : float or None
        The marker area in points²; ``None`` shrinks it as the points grow
        in number.
    annotate : bool
        Write each coloured module's number at the median of its points.
    figsize : (float, float)
        The size of a new figure, in inches.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.

    Raises
    ------
    ValueError
        When ``X2d`` is not of shape ``(result.num_nodes, 2)`` or holds NaN
        or infinite values.

    Examples
    --------
    >>> import numpy as np
    >>> import infomap_py
    >>> from infomap_py import plot
    >>> rng = np.random.default_rng(0)
    >>> X = np.vstack([rng.normal(0, 1, (40, 2)), rng.normal(8, 1, (40, 2))])
    >>> ax = plot.embedding(X, infomap_py.cluster_points(X, n_neighbors=10))
    >>> len(ax.collections)
    1
    """
    result = check_result(result)
    check_has_nodes(result)
    max_modules = check_count("max_modules", max_modules)
    points = np.asarray(X2d, dtype=float)
    if points.shape != (result.num_nodes, 2):
        raise ValueError(f"X2d must have shape ({result.num_nodes}, 2), one row of x, y per "
                         f"node of the result, got {points.shape}")
    if not np.all(np.isfinite(points)):
        raise ValueError("X2d holds NaN or infinite coordinates")
    labels, _ = module_labels(result, level)
    num_modules = int(labels.max()) + 1
    colors = module_colors(num_modules, palette, max_modules=max_modules)
    ax = new_axes(ax, figsize)
    if point_size is None:
        point_size = float(np.clip(4000.0 / points.shape[0], 2.0, 40.0))
    # The largest modules last, on top.
    order = np.argsort(-labels, kind="stable")
    ax.scatter(points[order, 0], points[order, 1], s=point_size, c=colors[labels[order]],
               linewidths=0)
    if annotate:
        for m in range(min(num_modules, max_modules)):
            x, y = np.median(points[labels == m], axis=0)
            ax.annotate(str(m), (x, y), ha="center", va="center", fontsize=9,
                        fontweight="bold",
                        bbox=dict(boxstyle="round,pad=0.2", fc="white", ec="none", alpha=0.7))
    ax.set_title(f"{num_modules} modules, codelength {result.codelength:.3f} bits")
    ax.set_xticks([])
    ax.set_yticks([])
    return ax
