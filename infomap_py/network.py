"""The network as flat arrays: links, node labels and whether it is directed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np


@dataclass(frozen=True)
class Network:
    """A network as flat link arrays.

    Attributes
    ----------
    source, target : numpy.ndarray of int64
        The link end points, as node indices ``0..num_nodes-1``.
    weight : numpy.ndarray of float64
        The link weights (finite and non-negative).
    num_nodes : int
        The number of nodes, isolated ones included.
    directed : bool
        Whether links are directed.
    nodes : sequence
        The label of each node index (for example networkx node keys).
    node_weights : numpy.ndarray of float64 or None
        Weights for teleportation to nodes (``None`` means all equal).
    """

    source: np.ndarray
    target: np.ndarray
    weight: np.ndarray
    num_nodes: int
    directed: bool
    nodes: Sequence[Any] = field(default=())
    node_weights: np.ndarray | None = None

    @property
    def num_links(self) -> int:
        """The number of links."""
        return int(self.source.shape[0])

    def __repr__(self) -> str:
        kind = "directed" if self.directed else "undirected"
        return f"Network({kind}, {self.num_nodes} nodes, {self.num_links} links)"
