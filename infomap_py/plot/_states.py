"""The physical network of a state (memory or multilayer) network's result:
state links summed onto physical nodes, and every physical node's flow in
every module, which :func:`infomap_py.plot.network` draws as pies."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..network import Network, StateNetwork
from ..result import InfomapResult

#: Points along the arc of a full pie; a wedge gets its share of them (at least 2).
_ARC_POINTS = 64


@dataclass(frozen=True)
class PhysicalShares:
    """The flow of every physical node in every module, one row per pair.

    Attributes
    ----------
    module, physical : numpy.ndarray of int64
        The module (numbered as the plot numbers them) and physical node
        of every row; rows sorted by physical node, then by decreasing flow.
    flow : numpy.ndarray of float64
        The flow of the physical node's states in the module.
    node_flow : numpy.ndarray of float64
        The flow of every physical node (all its states).
    main : numpy.ndarray of int64
        The module holding most of every physical node's flow.
    num_modules : numpy.ndarray of int64
        How many modules every physical node is in.
    """

    module: np.ndarray
    physical: np.ndarray
    flow: np.ndarray
    node_flow: np.ndarray
    main: np.ndarray
    num_modules: np.ndarray


def check_states(G: Any, result: InfomapResult) -> StateNetwork:
    """Return the state network of a state network's ``result``.

    Raises
    ------
    ValueError
        When ``G`` is not ``None`` and not a StateNetwork of the result's
        states.
    """
    states = result.state_network
    if G is None or G is states:
        return states
    if not isinstance(G, StateNetwork):
        raise ValueError(f"the result is of a state network: pass G=None (the result's own "
                         f"state network) or that StateNetwork, got {type(G).__name__}")
    if G.num_states != len(result.nodes):
        raise ValueError(f"the result has {len(result.nodes)} states but G has "
                         f"{G.num_states}: pass the state network the result was found on")
    return G


def physical_network(states: StateNetwork) -> Network:
    """Return the network of ``states``' physical nodes: a link between two
    physical nodes where any of their states are linked, weights summed
    (both directions of an undirected network onto one link)."""
    net = states.network
    physical = np.asarray(states.physical, dtype=np.int64)
    source, target = physical[net.source], physical[net.target]
    if not net.directed:
        source, target = np.minimum(source, target), np.maximum(source, target)
    n = states.num_physical
    keys, inverse = np.unique(source * n + target, return_inverse=True)
    weight = np.bincount(inverse.ravel(), weights=np.asarray(net.weight, dtype=np.float64),
                         minlength=keys.size)
    return Network(keys // n, keys % n, weight, n, net.directed, states.physical_nodes)


def physical_shares(states: StateNetwork, labels: np.ndarray, flow: np.ndarray) -> PhysicalShares:
    """Return the flow of every physical node in every module, given the
    module ``labels`` and ``flow`` of every state."""
    n = states.num_physical
    module, node, pair_flow, _ = states.module_flow(labels, flow)
    order = np.lexsort((module, -pair_flow, node))
    node, module, pair_flow = node[order], module[order], pair_flow[order]
    first = np.ones(node.size, dtype=bool)
    first[1:] = node[1:] != node[:-1]
    main = np.zeros(n, dtype=np.int64)
    main[node[first]] = module[first]
    return PhysicalShares(module, node, pair_flow,
                          np.bincount(node, weights=pair_flow, minlength=n), main,
                          np.bincount(node, minlength=n))


def wedge_path(start: float, share: float) -> Any:
    """Return a pie wedge of radius 0.5 around ``(0, 0)`` (the size of the
    ``"o"`` scatter marker) from angle ``start`` over ``share`` of the
    circle, angles in turns counter-clockwise from the top."""
    from matplotlib.path import Path

    points = max(int(np.ceil(share * _ARC_POINTS)), 2)
    angles = 2.0 * np.pi * (0.25 + start + share * np.linspace(0.0, 1.0, points))
    arc = 0.5 * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    vertices = np.concatenate([[[0.0, 0.0]], arc, [[0.0, 0.0]]])
    codes = [Path.MOVETO] + [Path.LINETO] * points + [Path.CLOSEPOLY]
    return Path(vertices, codes)


def draw_pies(ax: Any, shares: PhysicalShares, positions: np.ndarray, sizes: np.ndarray,
              colors: np.ndarray, edge_width: float) -> Any:
    """Draw every physical node in several modules as a pie of its module
    shares (largest first, counter-clockwise from the top), as one
    :class:`~matplotlib.collections.PathCollection` of wedges sized
    like scatter markers (gid ``"network-pies"``); return it, or ``None``
    when no node is in several modules."""
    from matplotlib.collections import PathCollection
    from matplotlib.transforms import IdentityTransform

    rows = np.flatnonzero(shares.num_modules[shares.physical] > 1)
    if rows.size == 0:
        return None
    node = shares.physical[rows]
    share = shares.flow[rows] / np.where(shares.node_flow[node] > 0, shares.node_flow[node], 1.0)
    start = np.cumsum(share) - share
    first = np.ones(rows.size, dtype=bool)
    first[1:] = node[1:] != node[:-1]
    start -= np.maximum.accumulate(np.where(first, start, 0.0))  # restart at every node
    paths = [wedge_path(float(a), float(s)) for a, s in zip(start, share)]
    pies = PathCollection(paths, sizes=sizes[node], offsets=positions[node],
                          offset_transform=ax.transData, facecolors=colors[shares.module[rows]],
                          edgecolors="white", linewidths=edge_width, zorder=2.5)
    pies.set_transform(IdentityTransform())
    pies.set_gid("network-pies")
    ax.add_collection(pies, autolim=False)
    return pies
