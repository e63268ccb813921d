"""Alluvial diagrams: how nodes flow between the modules of two or more
partitions of the same nodes (ground truth against found modules, results
over Markov times or trials)."""

from __future__ import annotations

from typing import Any, Hashable, Sequence

import numpy as np

from .._validate import check_number
from ..result import InfomapResult, order_by_flow, partition_labels
from ._common import module_colors, new_axes, percent, text_color

_NONE = object()
#: Points along each edge of a ribbon; enough for a smooth S at any size.
_RIBBON_POINTS = 24
#: Opacity of the ribbons (blocks are opaque).
_RIBBON_ALPHA = 0.45
#: The gaps of one column take at most this much height (the flow takes 1).
_MAX_GAPS = 0.5
#: How the smaller pieces of a split module are told from its largest piece,
#: which keeps the module's colour (shade 0): shade ``s`` mixes the colour
#: with white (> 0) or black (< 0) by ``abs(SHADES[s])``, lighter and darker
#: in turn; pieces beyond the last shade start again at shade 1.
SHADES: tuple[float, ...] = (0.0, 0.45, -0.4, 0.7, -0.6)


def alluvial(
    *partitions: Any,
    by: str | None = None,
    nodes: Sequence[Hashable] | None = None,
    flow: Sequence[float] | np.ndarray | None = None,
    names: Sequence[str] | None = None,
    ax: Any = None,
    palette: Sequence[Any] | str | None = None,
    gap: float = 0.02,
    width: float = 0.12,
    label_min_share: float = 0.03,
    figsize: tuple[float, float] = (8, 5),
) -> Any:
    """Draw how nodes flow between the modules of two or more partitions.

    Each partition is a column of stacked blocks, one per module, as tall as
    the module's share of the flow; a ribbon joins a module of one column to
    a module of the next as thick as the flow of the nodes they share.  The
    first column lists its modules by decreasing flow, top down; later
    columns order theirs to keep ribbons from crossing.  The first column's
    modules take the palette's colours by flow (in turn when there are more
    modules than colours, so that blocks stacked together differ).  A module
    of a later column comes from the module of the column before it that it
    shares the most flow with, and keeps that module's colour; when a module
    splits, its largest piece keeps the colour exactly and the smaller
    pieces take lighter and darker shades of it, in turn
    (:data:`SHADES`).  Every module is coloured, identical partitions look
    identical, and ground truth against found modules reads at a glance.
    Ribbons take the colour of their left block.

    Parameters
    ----------
    *partitions : InfomapResult, sequence of int, dict or list of sets
        Two or more partitions of the same nodes, one per column, left to
        right; or one sequence of them, as in ``alluvial([res1, res2, res3])``.
        A partition is an :class:`~infomap_py.InfomapResult` (its top
        modules), a module label per node (aligned with ``nodes``), a dict
        ``{node: module}`` or a list of sets of nodes (communities).
        With ``by="layer"``: one result of a multilayer network.
    by : {None, "layer"}, default None
        ``"layer"``: compare the layers of one multilayer result (a
        :class:`~infomap_py.StateNetwork` with a ``layer`` per state), one
        column per layer in increasing layer id.  A column's blocks are the
        (top) modules of the layer's states, as tall as their share of the
        layer's flow; modules are the result's, so a module keeps its
        colour and number (by decreasing flow in the whole network) and its
        place in the top-down order in every column.  A ribbon joins the
        states of the same physical nodes in consecutive layers: at each end
        it is as thick as those states' share of that layer's flow, so it
        may narrow or widen; a physical node missing from the next layer
        sends no ribbon.  ``nodes`` and ``flow`` cannot be given.
    nodes : sequence of hashable, optional
        The nodes, in the order of label sequences and ``flow``.  Default:
        the nodes of the first InfomapResult among the partitions; else the
        nodes of the first dict or list of sets (sorted when they sort, else
        in their order); else ``0 .. n-1`` for label sequences of length n.
    flow : array_like of float, optional
        The weight of every node (non-negative, not all zero), aligned with
        ``nodes``.  Default: the node flow of the first InfomapResult among
        the partitions, else 1 per node (blocks then show node counts).
        Shares are weights over their total.
    names : sequence of str, optional
        A title per column.  Default: ``"Infomap (k modules)"`` for a result,
        ``"partition i"`` for other partitions.
    ax : matplotlib.axes.Axes, optional
        The axes to draw on; default: a new figure of ``figsize``.
    palette : sequence of colours or str, optional
        Module colours, largest module of the first column first (default:
        the colour-blind-aware :data:`~infomap_py.plot.PALETTE`, repeated in
        turn beyond its length), or a matplotlib colormap name.
    gap : float, default 0.02
        The vertical space between blocks, as a share of the total flow
        height; a column of many modules shrinks it so that its gaps take at
        most half the height of its blocks.
    width : float, default 0.12
        The width of the blocks, as a share of the distance between columns
        (``0 < width < 1``).
    label_min_share : float, default 0.03
        Blocks of at least this share of the flow are labelled with their
        module number (from 1, by decreasing flow in their column) and share.
    figsize : tuple of float, default (8, 5)
        The size in inches of the new figure when ``ax`` is None.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.  Its patches are the blocks (one
        :class:`~matplotlib.patches.Rectangle` per module and column, in
        column order), and each gap between columns holds one
        :class:`~matplotlib.collections.PolyCollection` of ribbons.

    Raises
    ------
    ValueError
        When fewer than two partitions are given; when ``by`` is not
        ``None`` or ``"layer"``, or with ``by="layer"`` when the result
        has no layers or only one, or ``nodes`` or ``flow`` is given; when a partition does not
        cover the nodes (wrong length, a missing or unknown node, a result of
        another network), naming the partition; when ``flow``, ``names``,
        ``nodes``, ``gap``, ``width``, ``label_min_share`` or ``figsize`` is
        out of range; or when ``palette`` holds no colours.
    TypeError
        When a partition is of no type above, or ``ax`` is not an Axes.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> import networkx as nx
    >>> import infomap_py
    >>> from infomap_py.plot import alluvial
    >>> G = nx.karate_club_graph()
    >>> found = infomap_py.cluster(G, two_level=True, seed=1)
    >>> club = {v: G.nodes[v]["club"] for v in G}
    >>> ax = alluvial(club, found, names=["club", "Infomap"])
    >>> len(ax.patches) == 2 + found.num_modules
    True
    >>> plt.close(ax.figure)

    The layers of a multilayer network: two layers of the same four
    physical nodes, linked in pairs (0-1, 2-3) in both layers and between
    the layers.

    >>> import numpy as np
    >>> from infomap_py import Network, StateNetwork
    >>> links = np.array([[0, 1], [2, 3], [4, 5], [6, 7], [0, 4], [3, 7]])
    >>> net = Network(links[:, 0], links[:, 1], np.ones(6), 8, False, range(8))
    >>> states = StateNetwork(net, np.array([0, 1, 2, 3] * 2), range(4),
    ...                       layer=np.array([1, 1, 1, 1, 2, 2, 2, 2]))
    >>> ax = alluvial(infomap_py.cluster(states, seed=1), by="layer")
    >>> sorted(p.get_gid() for p in ax.patches)
    ['alluvial-block-0-0', 'alluvial-block-0-1', 'alluvial-block-1-0', 'alluvial-block-1-1']
    >>> plt.close(ax.figure)
    """
    if by is not None:
        return _layer_alluvial(partitions, by, nodes, flow, names, ax, palette, gap, width,
                               label_min_share, figsize)
    columns = _columns(partitions)
    k = len(columns)
    nodes_list, source = _nodes(columns, nodes)
    n = len(nodes_list)
    index = {node: i for i, node in enumerate(nodes_list)}
    titles = _titles(columns, names)
    labels = [_align(p, nodes_list, index, _describe(i, titles[i]), source)
              for i, p in enumerate(columns)]
    weights = _weights(columns, flow, nodes_list, index, n)
    gap = check_number("gap", gap, 0.0)
    width = check_number("width", width, 0.0, 1.0, low_open=True, high_open=True)
    label_min_share = check_number("label_min_share", label_min_share, 0.0, 1.0)

    share = weights / weights.sum()
    # Modules numbered 0.. by decreasing flow in every column.
    ranked = [order_by_flow(lab, share) for lab in labels]
    labels = [lab for lab, _ in ranked]
    module_flow = [mf for _, mf in ranked]

    # Vertical positions: pos[c][m] is module m's place, top down, in column c.
    pairs = [_pairs(labels[c], labels[c + 1], share) for c in range(k - 1)]
    pos = [np.arange(module_flow[0].size)]
    for c in range(1, k):
        pos.append(_order_column(pairs[c - 1], pos[c - 1], module_flow[c - 1], module_flow[c],
                                 _gaps(gap, module_flow[c - 1].size)))
    colors = _colors(labels, module_flow, share, palette)
    numbers = [np.arange(mf.size) for mf in module_flow]
    return _draw(ax, figsize, titles, module_flow, pos, [(*p, p[2]) for p in pairs], colors,
                 numbers, gap, width, label_min_share)


def _draw(ax: Any, figsize: tuple[float, float], titles: list[str],
          module_flow: list[np.ndarray], pos: list[np.ndarray],
          pairs: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]],
          colors: list[np.ndarray], numbers: list[np.ndarray], gap: float, width: float,
          label_min_share: float) -> Any:
    """Draw the columns of blocks and the ribbons between them; return the axes.

    ``module_flow[c]``, ``pos[c]``, ``colors[c]`` and ``numbers[c]`` (the
    module number written on a block and put in its gid) hold one entry
    per block of column ``c``; ``pairs[c]`` holds ``(left block, right
    block, thickness at the left, thickness at the right)`` of every ribbon
    from column ``c`` to column ``c + 1``.
    """
    k = len(module_flow)
    gaps = [_gaps(gap, mf.size) for mf in module_flow]
    heights = [1.0 + g * max(mf.size - 1, 0) for g, mf in zip(gaps, module_flow)]
    total_height = max(heights)
    tops = [(total_height + h) / 2.0 for h in heights]
    block_top = [tops[c] - _depths(pos[c], module_flow[c], gaps[c]) for c in range(k)]

    ax = new_axes(ax, figsize)
    from matplotlib.collections import PolyCollection
    from matplotlib.patches import Rectangle

    half = width / 2.0
    for c, (left, right, f, f_right) in enumerate(pairs):
        verts = _ribbons(left, right, f, c + half, c + 1 - half,
                         pos[c], pos[c + 1], tops[c], tops[c + 1], gaps[c], gaps[c + 1],
                         f_right)
        face = colors[c][left].copy()
        face[:, 3] *= _RIBBON_ALPHA
        ribbons = PolyCollection(verts, facecolors=face, edgecolors="none", linewidths=0.0,
                                 zorder=1)
        ribbons.set_gid(f"alluvial-ribbons-{c}")
        ax.add_collection(ribbons, autolim=False)

    for c in range(k):
        for m, number in enumerate(numbers[c].tolist()):
            h = float(module_flow[c][m])
            rect = Rectangle((c - half, float(block_top[c][m]) - h), width, h,
                             facecolor=colors[c][m], edgecolor="none", linewidth=0.0, zorder=2)
            rect.set_gid(f"alluvial-block-{c}-{number}")
            ax.add_artist(rect)  # as add_patch, less the data-limit update per patch
            if h >= label_min_share and h > 0.0:
                _label(ax, c, k, half, float(block_top[c][m]) - h / 2.0,
                       f"{number + 1}: {percent(h)}", colors[c][m])
        ax.text(c, total_height + 0.02, titles[c], ha="center", va="bottom", fontsize=9)

    ax.update_datalim([(-half, 0.0), (k - 1 + half, total_height)])
    ax.set_xlim(-0.5, k - 0.5)
    ax.set_ylim(-0.02, total_height + 0.1)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    return ax


def _layer_alluvial(partitions: tuple[Any, ...], by: Any, nodes: Any, flow: Any, names: Any,
                    ax: Any, palette: Any, gap: float, width: float, label_min_share: float,
                    figsize: tuple[float, float]) -> Any:
    """Draw ``alluvial(result, by="layer")``: one column per layer."""
    result = _layer_result(partitions, by, nodes, flow)
    gap = check_number("gap", gap, 0.0)
    width = check_number("width", width, 0.0, 1.0, low_open=True, high_open=True)
    label_min_share = check_number("label_min_share", label_min_share, 0.0, 1.0)
    states = result.state_network
    layer = np.asarray(states.layer)
    layers = np.unique(layer)
    state_flow = np.asarray(result.flow, dtype=float)
    labels, total_flow = order_by_flow(result.labels, state_flow)
    k, num_modules = layers.size, total_flow.size
    physical = np.asarray(states.physical, dtype=np.int64)
    tables = [_layer_table(layer == lay, labels, state_flow, physical, states.num_physical,
                           num_modules) for lay in layers.tolist()]
    flows = [np.asarray(table.sum(axis=0)).ravel() for table in tables]
    blocks = [np.flatnonzero(f > 0.0) for f in flows]  # by decreasing flow in the network
    local = [np.full(num_modules, -1, dtype=np.int64) for _ in range(k)]
    for c in range(k):
        local[c][blocks[c]] = np.arange(blocks[c].size)
    pairs = []
    for c in range(k - 1):
        left, right, f_left, f_right = _layer_ribbons(tables[c], tables[c + 1])
        pairs.append((local[c][left], local[c + 1][right], f_left, f_right))
    all_colors = module_colors(num_modules, palette)
    titles = [f"layer {lay}\n({b.size} module{'' if b.size == 1 else 's'})"
              for lay, b in zip(layers.tolist(), blocks)]
    if names is not None:
        titles = _titles(titles, names)
    return _draw(ax, figsize, titles, [flows[c][blocks[c]] for c in range(k)],
                 [np.arange(b.size) for b in blocks], pairs, [all_colors[b] for b in blocks],
                 blocks, gap, width, label_min_share)


def _layer_result(partitions: tuple[Any, ...], by: Any, nodes: Any, flow: Any) -> InfomapResult:
    """Return the one multilayer result that ``alluvial(..., by="layer")`` draws.

    Raises
    ------
    ValueError
        For a ``by`` other than ``"layer"``, ``nodes`` or ``flow`` given, or
        a result without layers or with one layer only.
    TypeError
        When the partitions are not one InfomapResult.
    """
    if not isinstance(by, str) or by != "layer":
        raise ValueError(f"by must be None or 'layer', got {by!r}")
    if nodes is not None or flow is not None:
        raise ValueError("alluvial(result, by='layer') takes the nodes and flow from the "
                         "result: do not pass nodes or flow")
    if len(partitions) != 1 or not isinstance(partitions[0], InfomapResult):
        got = f" ({type(partitions[0]).__name__})" if len(partitions) == 1 else ""
        raise TypeError(f"alluvial(result, by='layer') takes one InfomapResult of a multilayer "
                        f"network, got {len(partitions)} partitions{got}")
    result = partitions[0]
    states = result.state_network
    if states is None or getattr(states, "layer", None) is None:
        kind = "a first-order network" if states is None else "a state network without layers"
        raise ValueError(f"alluvial(result, by='layer') needs the result of a multilayer "
                         f"network (a StateNetwork with a layer per state); this one is of "
                         f"{kind}")
    num_layers = np.unique(np.asarray(states.layer)).size
    if num_layers < 2:
        raise ValueError(f"alluvial(result, by='layer') needs at least two layers, the "
                         f"result has {num_layers}")
    return result


def _layer_table(selected: np.ndarray, labels: np.ndarray, flow: np.ndarray,
                 physical: np.ndarray, num_physical: int, num_modules: int) -> Any:
    """Return a sparse ``(physical node, module)`` matrix of the share of one
    layer's flow (its states: ``selected``) that each physical node's states
    hold in each module; a layer without flow counts its states instead."""
    from scipy.sparse import csr_matrix

    weight = flow[selected]
    if weight.sum() <= 0.0:
        weight = np.ones(weight.size)
    return csr_matrix((weight / weight.sum(), (physical[selected], labels[selected])),
                      shape=(num_physical, num_modules))


def _layer_ribbons(left: Any, right: Any) -> tuple[np.ndarray, ...]:
    """Return ``(left module, right module, thickness at the left, at the
    right)`` of every ribbon between two layers' tables: a physical node's
    share in module ``m`` on the left goes to its modules on the right in
    proportion to its shares there, and the other way round."""
    from scipy.sparse import diags

    def normalised(table: Any) -> Any:
        total = np.asarray(table.sum(axis=1)).ravel()
        return diags(np.divide(1.0, total, out=np.zeros_like(total), where=total > 0)) @ table

    f_left = (left.T @ normalised(right)).tocoo()
    f_right = (normalised(left).T @ right).tocsr()
    keep = f_left.data > 0.0
    rows, cols = f_left.row[keep].astype(np.int64), f_left.col[keep].astype(np.int64)
    order = np.lexsort((cols, rows))
    rows, cols = rows[order], cols[order]
    right_ends = np.asarray(f_right[rows, cols]).ravel() if rows.size else np.zeros(0)
    return rows, cols, f_left.data[keep][order], right_ends


def _columns(partitions: tuple[Any, ...]) -> list[Any]:
    """Return the partitions as a list, unpacking one sequence of them."""
    if len(partitions) == 1:
        only = partitions[0]
        if _is_one_partition(only):
            raise ValueError("alluvial needs at least two partitions, got one; pass them as "
                             "alluvial(a, b, ...) or as one list alluvial([a, b, ...])")
        try:
            partitions = tuple(only)
        except TypeError:
            raise TypeError(f"alluvial takes partitions, or one sequence of partitions, "
                            f"got {type(only).__name__}") from None
    if len(partitions) < 2:
        raise ValueError(f"alluvial needs at least two partitions, got {len(partitions)}")
    return list(partitions)


def _is_one_partition(value: Any) -> bool:
    """Whether ``value`` reads as one partition rather than a sequence of them."""
    if isinstance(value, (InfomapResult, dict)):
        return True
    if isinstance(value, np.ndarray):
        return value.ndim <= 1
    if isinstance(value, (list, tuple)):
        return all(isinstance(x, (set, frozenset)) for x in value) or all(
            isinstance(x, (int, float, str, np.generic)) for x in value)
    return False


def _describe(i: int, title: str) -> str:
    """How error messages name partition ``i``."""
    plain = f"partition {i + 1}"
    return plain if title == plain else f"{plain} ({title!r})"


def _titles(columns: list[Any], names: Sequence[str] | None) -> list[str]:
    """Return the column titles."""
    if names is None:
        return [f"Infomap ({p.num_modules} modules)" if isinstance(p, InfomapResult)
                else f"partition {i + 1}" for i, p in enumerate(columns)]
    if isinstance(names, str) or not hasattr(names, "__len__"):
        raise TypeError(f"names must be a sequence of strings, one per partition, "
                        f"got {type(names).__name__}")
    if len(names) != len(columns):
        raise ValueError(f"names must hold one name per partition ({len(columns)}), "
                         f"got {len(names)}")
    return [str(name) for name in names]


def _nodes(columns: list[Any], nodes: Sequence[Hashable] | None) -> tuple[list, str]:
    """Return the nodes and where they came from (for error messages)."""
    if nodes is not None:
        if isinstance(nodes, (str, bytes)) or not hasattr(nodes, "__iter__"):
            raise TypeError(f"nodes must be a sequence of nodes, got {type(nodes).__name__}")
        nodes_list = list(nodes.tolist() if isinstance(nodes, np.ndarray) else nodes)
        try:
            distinct = len(set(nodes_list))
        except TypeError:
            raise TypeError("nodes must hold hashable nodes") from None
        if distinct != len(nodes_list):
            raise ValueError(f"nodes must not repeat a node: {len(nodes_list)} entries, "
                             f"{distinct} distinct")
        source = "nodes"
    else:
        nodes_list, source = None, ""
        for i, p in enumerate(columns):
            if isinstance(p, InfomapResult):
                nodes_list, source = list(p.nodes), f"the nodes of partition {i + 1}"
                break
        if nodes_list is None:
            for i, p in enumerate(columns):
                keys = _keys(p)
                if keys is not None:
                    try:
                        keys = sorted(keys)
                    except TypeError:
                        pass
                    nodes_list, source = keys, f"the nodes of partition {i + 1}"
                    break
        if nodes_list is None:
            first = columns[0]
            try:
                n = len(first)
            except TypeError:
                raise TypeError(_type_message("partition 1", first)) from None
            nodes_list, source = list(range(n)), f"the {n} labels of partition 1"
    if not nodes_list:
        raise ValueError("the partitions hold no nodes")
    return nodes_list, source


def _keys(partition: Any) -> list | None:
    """The nodes of a dict or a list of sets (in order), else None."""
    if isinstance(partition, dict):
        return list(partition)
    if isinstance(partition, (list, tuple)) and partition and all(
            isinstance(c, (set, frozenset)) for c in partition):
        seen: dict = {}
        for community in partition:
            for node in community:
                seen.setdefault(node, None)
        return list(seen)
    return None


def _type_message(what: str, partition: Any) -> str:
    return (f"{what} must be an InfomapResult, a sequence of integer labels (one per node), "
            f"a dict {{node: module}} or a list of sets of nodes, got {type(partition).__name__}")


def _align(partition: Any, nodes: list, index: dict, what: str, source: str) -> np.ndarray:
    """Return ``partition`` as an int label per node of ``nodes``."""
    n = len(nodes)
    if isinstance(partition, InfomapResult):
        if partition.nodes == nodes:
            return np.asarray(partition.labels, dtype=np.int64)
        _same_nodes(partition.nodes, nodes, index, what, source)
        labels = np.empty(n, dtype=np.int64)
        labels[[index[node] for node in partition.nodes]] = partition.labels
        return labels
    if isinstance(partition, dict):
        _same_nodes(list(partition), nodes, index, what, source)
        try:
            return partition_labels(partition, nodes)
        except TypeError:
            raise TypeError(f"{what} maps a node to an unhashable module") from None
    if _keys(partition) is not None:
        try:
            return partition_labels(partition, nodes)
        except ValueError as err:
            raise ValueError(f"{what}: {err} (the nodes are {source})") from None
    if isinstance(partition, (set, frozenset, str, bytes)) or not hasattr(partition, "__len__"):
        raise TypeError(_type_message(what, partition))
    try:
        labels = np.asarray(partition)
    except (TypeError, ValueError):
        raise TypeError(_type_message(what, partition)) from None
    if labels.ndim != 1:
        raise TypeError(_type_message(what, partition))
    if labels.shape[0] != n:
        raise ValueError(f"{what} has {labels.shape[0]} labels for {n} nodes ({source})")
    kind = labels.dtype.kind
    if kind in "iu":
        return partition_labels(labels, nodes)
    if kind == "b":
        return labels.astype(np.int64)
    if kind == "f" and np.isfinite(labels).all() and (labels == np.round(labels)).all():
        return labels.astype(np.int64)
    if kind in "USO":
        try:
            module_ids: dict = {}
            return np.array([module_ids.setdefault(x, len(module_ids)) for x in labels.tolist()],
                            dtype=np.int64)
        except TypeError:
            pass
    raise TypeError(_type_message(what, partition))


def _same_nodes(keys: Sequence[Hashable], nodes: list, index: dict, what: str,
                source: str) -> None:
    """Raise ValueError naming a node that ``keys`` (distinct) and ``nodes`` do not share."""
    try:
        extra = next((key for key in keys if key not in index), _NONE)
    except TypeError:
        raise TypeError(f"{what} holds an unhashable node") from None
    if extra is not _NONE:
        raise ValueError(f"{what} holds node {extra!r}, which is not among {source}; "
                         f"are the partitions of the same nodes?")
    if len(keys) != len(nodes):
        key_set = set(keys)
        missing = next(node for node in nodes if node not in key_set)
        raise ValueError(f"{what} has no module for node {missing!r}: it holds "
                         f"{len(key_set)} nodes, {source} are {len(nodes)}")


def _weights(columns: list[Any], flow: Any, nodes: list, index: dict, n: int) -> np.ndarray:
    """Return the weight of every node."""
    if flow is None:
        for p in columns:
            if isinstance(p, InfomapResult):
                if p.nodes == nodes:
                    weights = np.asarray(p.flow, dtype=float)
                else:
                    weights = np.empty(n)
                    weights[[index[node] for node in p.nodes]] = p.flow
                if weights.sum() > 0.0:
                    return weights
                break
        return np.ones(n)
    try:
        weights = np.asarray(flow, dtype=float)
    except (TypeError, ValueError):
        raise ValueError("flow must be an array of numbers, one per node") from None
    if weights.shape != (n,):
        raise ValueError(f"flow must hold one value per node ({n}), got shape {weights.shape}")
    if not np.isfinite(weights).all():
        raise ValueError("flow must be finite, got NaN or infinity")
    if (weights < 0.0).any():
        raise ValueError(f"flow must be non-negative, got {weights.min()!r}")
    if weights.sum() <= 0.0:
        raise ValueError("flow must not be all zero")
    return weights


def _gaps(gap: float, num_modules: int) -> float:
    """The gap between blocks of a column of ``num_modules`` modules."""
    if num_modules <= 1:
        return gap
    return min(gap, _MAX_GAPS / (num_modules - 1))


def _pairs(left: np.ndarray, right: np.ndarray, share: np.ndarray
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return ``(left module, right module, shared flow)`` of every pair of
    modules that share flow."""
    num_right = int(right.max()) + 1
    key = left * num_right + right
    keys, inverse = np.unique(key, return_inverse=True)
    f = np.bincount(inverse.ravel(), weights=share, minlength=keys.size)
    keep = f > 0.0
    keys, f = keys[keep], f[keep]
    return keys // num_right, keys % num_right, f


def _depths(pos: np.ndarray, module_flow: np.ndarray, gap: float) -> np.ndarray:
    """The depth below the column top of every module's block top."""
    order = np.argsort(pos)
    above = np.cumsum(module_flow[order]) - module_flow[order]
    depth = np.empty(pos.size)
    depth[order] = above + gap * np.arange(pos.size)
    return depth


def _order_column(pairs: tuple[np.ndarray, np.ndarray, np.ndarray], left_pos: np.ndarray,
                  left_flow: np.ndarray, right_flow: np.ndarray, left_gap: float) -> np.ndarray:
    """Place the modules of a column by the flow-weighted mean depth of
    their nodes' blocks in the column before (ties: larger flow first)."""
    left, right, f = pairs
    centre = _depths(left_pos, left_flow, left_gap) + left_flow / 2.0
    num = np.bincount(right, weights=f * centre[left], minlength=right_flow.size)
    den = np.bincount(right, weights=f, minlength=right_flow.size)
    mean = np.full(right_flow.size, np.inf)
    np.divide(num, den, out=mean, where=den > 0.0)
    mean = np.round(mean, 12)  # modules fed by the same blocks tie whatever the node order
    order = np.lexsort((np.arange(right_flow.size), -right_flow, mean))
    pos = np.empty(right_flow.size, dtype=np.int64)
    pos[order] = np.arange(right_flow.size)
    return pos


def _colors(labels: list[np.ndarray], module_flow: list[np.ndarray], share: np.ndarray,
            palette: Sequence[Any] | str | None) -> list[np.ndarray]:
    """Return an RGBA colour per module of every column.

    The first column's modules take the palette's colours by flow (in turn
    when there are more modules than colours, so that stacked neighbours
    differ).  A module of a later column descends from the module of the
    column before that it shares the most flow with; the largest
    descendant keeps its parent's colour, the others take the parent's
    colour family at the first shade (:data:`SHADES`) no other module of
    that family holds in the column.
    """
    base = module_colors(module_flow[0].size, palette)
    family = np.arange(module_flow[0].size)  # the first column's module a colour comes from
    shade = np.zeros(module_flow[0].size, dtype=np.int64)
    colors = [base.copy()]
    for c in range(1, len(labels)):
        parent = _best_match(labels[c], labels[c - 1], share, module_flow[c].size)
        # Modules come by decreasing flow: the first child of each parent is its largest.
        _, first_child = np.unique(parent, return_index=True)
        keeps = np.zeros(parent.size, dtype=bool)
        keeps[first_child] = True
        new_family, new_shade = family[parent], shade[parent].copy()
        taken: dict[int, set[int]] = {}
        for m in np.flatnonzero(keeps).tolist():
            taken.setdefault(int(new_family[m]), set()).add(int(new_shade[m]))
        for m in np.flatnonzero(~keeps).tolist():
            held = taken.setdefault(int(new_family[m]), set())
            step = 1
            while step in held:
                step += 1
            held.add(step)
            new_shade[m] = step
        family, shade = new_family, new_shade
        colors.append(np.array([_shaded(base[f], s) for f, s in zip(family.tolist(),
                                                                     shade.tolist())]))
    return colors


def _shaded(color: np.ndarray, step: int) -> np.ndarray:
    """Return ``color`` at shade ``step`` of :data:`SHADES` (0: itself; the
    shades repeat after the last)."""
    if step == 0:
        return color.copy()
    mix = SHADES[1 + (step - 1) % (len(SHADES) - 1)]
    out = color.copy()
    toward = 1.0 if mix > 0 else 0.0
    out[:3] = color[:3] + abs(mix) * (toward - color[:3])
    return out


def _best_match(labels: np.ndarray, other: np.ndarray, share: np.ndarray,
                num_modules: int) -> np.ndarray:
    """For every module of ``labels``, the module of ``other`` it shares
    the most flow with (ties: the larger module of ``other``)."""
    right, left, f = _pairs(labels, other, share)
    order = np.lexsort((left, -f, right))  # per module, the largest share first
    best = np.zeros(num_modules, dtype=np.int64)
    right, left = right[order], left[order]
    head = np.ones(right.size, dtype=bool)
    head[1:] = right[1:] != right[:-1]
    best[right[head]] = left[head]
    return best


def _ribbons(left: np.ndarray, right: np.ndarray, f: np.ndarray, x0: float, x1: float,
             left_pos: np.ndarray, right_pos: np.ndarray, left_top: float, right_top: float,
             left_gap: float, right_gap: float, f_right: np.ndarray | None = None
             ) -> np.ndarray:
    """Return the polygons of the ribbons, shape ``(pairs, 2 * points, 2)``:
    the top edge left to right, then the bottom edge right to left.  A
    ribbon is ``f`` thick at its left end and ``f_right`` (default ``f``)
    at its right end."""
    f_right = f if f_right is None else f_right
    y0 = left_top - _stacked(left_pos[left], right_pos[right], f, left_gap)
    y1 = right_top - _stacked(right_pos[right], left_pos[left], f_right, right_gap)
    t = np.linspace(0.0, 1.0, _RIBBON_POINTS)
    s = t * t * (3.0 - 2.0 * t)  # smoothstep: flat at both ends
    x = x0 + (x1 - x0) * t
    top = y0[:, None] + (y1 - y0)[:, None] * s[None, :]
    bottom = top - (f[:, None] + (f_right - f)[:, None] * s[None, :])
    verts = np.empty((f.size, 2 * _RIBBON_POINTS, 2))
    verts[:, :_RIBBON_POINTS, 0] = x
    verts[:, :_RIBBON_POINTS, 1] = top
    verts[:, _RIBBON_POINTS:, 0] = x[::-1]
    verts[:, _RIBBON_POINTS:, 1] = bottom[:, ::-1]
    return verts


def _stacked(own_pos: np.ndarray, other_pos: np.ndarray, f: np.ndarray, gap: float
             ) -> np.ndarray:
    """The depth of every ribbon's top below its column's top, ribbons
    stacked within a block in the order of the blocks they lead to."""
    order = np.lexsort((other_pos, own_pos))
    depth = np.empty(f.size)
    depth[order] = np.cumsum(f[order]) - f[order] + gap * own_pos[order]
    return depth


def _label(ax: Any, c: int, k: int, half: float, y: float, text: str, color: np.ndarray
           ) -> None:
    """Write a block's label: left of the first column, right of the last,
    inside the blocks of the columns between."""
    if c == 0:
        ax.text(c - half - 0.01, y, text, ha="right", va="center", fontsize=7, zorder=3)
    elif c == k - 1:
        ax.text(c + half + 0.01, y, text, ha="left", va="center", fontsize=7, zorder=3)
    else:
        ax.text(c, y, text, ha="center", va="center", fontsize=6, zorder=3,
                color=text_color(color))
