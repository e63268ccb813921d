"""Multilayer networks: physical nodes in layers, with links within layers
and between them, and their expansion into a state network (one state node
per node and layer) as the official Infomap builds it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np


@dataclass(frozen=True)
class MultilayerNetwork:
    """A multilayer network as read from a file, before expansion.

    Node and layer ids are the integers of the file.  Links are given
    between *state nodes* ``(layer, node)``: ``*Multilayer`` lines
    ``layer node layer node weight`` and ``*Intra`` lines ``layer node node
    weight`` (the same layer twice) both fill ``links``; ``*Inter`` lines
    ``layer node layer weight`` (a node's flow between two layers) fill
    ``inter``.

    Attributes
    ----------
    links : tuple of numpy.ndarray
        ``(source_layer, source_node, target_layer, target_node, weight)``,
        int64 ids and float64 weights.
    inter : tuple of numpy.ndarray
        ``(source_layer, node, target_layer, weight)`` of ``*Inter`` lines
        (empty arrays when there are none).
    directed : bool
        Whether links are directed.
    physical_nodes : sequence of int
        The physical node ids (from ``*Vertices``, else every id that a link
        names), sorted.
    physical_names : sequence of str or None
        A name per physical node, in ``physical_nodes`` order (``None``: the id).
    """

    links: tuple
    inter: tuple
    directed: bool = False
    physical_nodes: Sequence[int] = field(default=())
    physical_names: Sequence[str] | None = None

    @property
    def num_links(self) -> int:
        """The number of links between state nodes (``*Multilayer``/``*Intra`` lines)."""
        return int(self.links[0].shape[0])

    @property
    def layers(self) -> np.ndarray:
        """The layer ids, sorted."""
        return np.unique(np.concatenate([self.links[0], self.links[2],
                                         self.inter[0], self.inter[2]]))

    def __repr__(self) -> str:
        kind = "directed" if self.directed else "undirected"
        return (f"MultilayerNetwork({kind}, {self.layers.size} layers, "
                f"{len(self.physical_nodes)} physical nodes, {self.num_links} links, "
                f"{int(self.inter[0].shape[0])} inter-layer links)")
