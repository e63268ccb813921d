"""One picture of a result, saved to a file: what ``infomap-py --plot`` draws."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..io._atomic import write_atomically
from ..result import InfomapResult
from ._module_map import module_map
from ._network import network

#: Results of up to this many nodes are drawn as a network, larger ones as a module map.
NETWORK_MAX_NODES = 2000


def picture_formats() -> dict[str, str]:
    """Return the file formats matplotlib can write: ``{suffix: description}``."""
    from matplotlib.backend_bases import FigureCanvasBase

    return FigureCanvasBase.get_supported_filetypes()


def save_picture(graph: Any, result: InfomapResult, path: str | os.PathLike,
                 dpi: int = 150) -> str:
    """Draw ``result`` and write it to ``path`` atomically; return what was drawn.

    Up to :data:`NETWORK_MAX_NODES` nodes the network is drawn
    (:func:`~infomap_py.plot.network`), above that the module map
    (:func:`~infomap_py.plot.module_map`).  The figure is made without
    pyplot, so nothing is shown and no global state changes.  The format
    follows the suffix of ``path``.  Inside
    :func:`infomap_py.io._atomic.atomic_group` (as in ``infomap-py --plot``)
    the picture appears only together with the group's other files.

    Parameters
    ----------
    graph : Network or anything :func:`infomap_py.cluster` takes
        The graph the result was found on.
    result : InfomapResult
        The result to draw.
    path : str or os.PathLike
        The file to write, e.g. ``modules.png``.
    dpi : int
        Resolution of raster formats.

    Returns
    -------
    str
        ``"network"`` or ``"module map"``.

    Raises
    ------
    ValueError
        When the suffix of ``path`` is no format matplotlib writes.
    infomap_py.errors.OutputError
        When the file cannot be written (no half-written file is left).
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fmt = Path(path).suffix.lower().lstrip(".")
    formats = picture_formats()
    if fmt not in formats:
        raise ValueError(f"cannot draw to {os.fspath(path)!r}: the file name must end in one of "
                         f"{', '.join('.' + f for f in sorted(formats))}")
    figure = Figure(figsize=(8, 8))
    FigureCanvasAgg(figure)
    ax = figure.add_subplot()
    if result.num_nodes <= NETWORK_MAX_NODES:
        network(graph, result, ax=ax)
        drawn = "network"
    else:
        module_map(result, ax=ax)
        drawn = "module map"
    figure.tight_layout()
    write_atomically(path, lambda temp: figure.savefig(temp, format=fmt, dpi=dpi))
    return drawn
