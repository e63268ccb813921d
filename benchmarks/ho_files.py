"""Writers of higher-order network files in the official Infomap formats
(``*Vertices``/``*States``/``*Links``, ``*Intra``, ``*Bipartite``), fast
enough for 10^7 lines, for the higher-order benchmark suite.

Ids are written 1-based (node ``i`` is ``i + 1``), as in the official
examples.  Weights that are all integers are written as integers.
"""

from __future__ import annotations

from itertools import chain
from pathlib import Path
from typing import Sequence, TextIO

import numpy as np

_CHUNK = 200_000


def _write_rows(out: TextIO, columns: Sequence[np.ndarray]) -> None:
    """Write rows of the given columns, space-separated, integers as ``%d``
    and other floats as ``%.17g``."""
    if not columns or columns[0].size == 0:
        return
    formats = []
    for column in columns:
        integral = (np.issubdtype(column.dtype, np.integer)
                    or bool(np.all(column == np.round(column))))
        formats.append("%d" if integral else "%.17g")
    row = " ".join(formats) + "\n"
    cast = [c.astype(np.int64) if f == "%d" else c for c, f in zip(columns, formats)]
    for start in range(0, cast[0].size, _CHUNK):
        stop = min(start + _CHUNK, cast[0].size)
        values = chain.from_iterable(zip(*(c[start:stop].tolist() for c in cast)))
        out.write((row * (stop - start)) % tuple(values))


def _write_vertices(out: TextIO, num_nodes: int) -> None:
    out.write(f"*Vertices {num_nodes}\n")
    ids = np.arange(1, num_nodes + 1)
    for start in range(0, num_nodes, _CHUNK):
        chunk = ids[start:start + _CHUNK].tolist()
        out.write("".join(f'{i} "{i}"\n' for i in chunk))


def write_states_file(path: Path, links: np.ndarray, physical: np.ndarray,
                      num_physical: int) -> Path:
    """Write a state network: ``links`` rows ``source_state target_state
    weight`` (state indices), ``physical`` the physical node of every state."""
    with open(path, "w") as out:
        out.write("# A state network written by benchmarks.ho_files\n")
        _write_vertices(out, num_physical)
        out.write(f"*States {physical.size}\n")
        _write_rows(out, [np.arange(1, physical.size + 1), physical + 1])
        out.write(f"*Links {links.shape[0]}\n")
        _write_rows(out, [links[:, 0] + 1, links[:, 1] + 1, links[:, 2]])
    return path


def write_intra_file(path: Path, layers: Sequence[np.ndarray], num_nodes: int) -> Path:
    """Write a multilayer network of ``*Intra`` links: ``layers[k]`` holds the
    ``(m, 2)`` or ``(m, 3)`` links of layer ``k + 1`` (node indices)."""
    with open(path, "w") as out:
        out.write("# A multilayer network written by benchmarks.ho_files\n")
        _write_vertices(out, num_nodes)
        out.write("*Intra\n# layer_id node_id node_id weight\n")
        for k, edges in enumerate(layers):
            weight = edges[:, 2] if edges.shape[1] > 2 else np.ones(edges.shape[0])
            _write_rows(out, [np.full(edges.shape[0], k + 1), edges[:, 0] + 1, edges[:, 1] + 1,
                              weight])
    return path


def write_bipartite_file(path: Path, edges: np.ndarray, num_primary: int,
                         num_features: int) -> Path:
    """Write a bipartite network: ``edges`` rows ``primary feature`` with
    feature indices from ``num_primary`` on (the ``*Bipartite`` start id)."""
    with open(path, "w") as out:
        out.write("# A bipartite network written by benchmarks.ho_files\n")
        _write_vertices(out, num_primary + num_features)
        out.write(f"*Bipartite {num_primary + 1}\n")
        weight = edges[:, 2] if edges.shape[1] > 2 else np.ones(edges.shape[0])
        _write_rows(out, [edges[:, 0] + 1, edges[:, 1] + 1, weight])
    return path
