"""Multilayer networks: physical nodes in layers, with links within layers
and between them, and their expansion into a state network (one state node
per node and layer) as the official Infomap builds it.

The expansion follows the official definitions (``Network.cpp`` of Infomap
2.16): links between given state nodes (``*Multilayer`` lines) are used as
they are; links within layers (``*Intra`` lines) are expanded either with
the given inter-layer links (``*Inter`` lines, spread over the node's
neighbours in the target layer) or, without them, by *relaxing* a fraction
``relax_rate`` of the walker's moves to the node's neighbours in the other
layers (weighted by the node's strength there, or by the Jensen-Shannon
similarity of its out-links with ``relax_by_jsd``).  State ids are numbered
in the order in which the official code first meets each ``(layer, node)``
pair, or as ``node << shift | layer`` with ``matchable_ids``.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np

from ._sort import unique, unique_inverse
from .network import Network, StateNetwork

#: Node and layer ids are unsigned 32-bit integers in the official Infomap.
_ID_LIMIT = 1 << 32
#: Relaxed links lighter than this are left out (as the official code does).
_MIN_RELAX_WEIGHT = 1e-16
#: The largest ``matchable_ids`` the official Infomap accepts.
_MAX_MATCHABLE = 1 << 30


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
    from_intra : numpy.ndarray of bool or None
        Per link of ``links``: ``True`` where it comes from an ``*Intra``
        line (a link of a layer network, which the expansion relaxes or
        couples with ``inter``), ``False`` where it comes from a
        ``*Multilayer`` line (a link between two given state nodes, used as
        it is).  ``None`` infers it: ``*Intra`` for all links when every
        link stays in its layer or there are ``*Inter`` links, else
        ``*Multilayer`` for all.  File readers should set it.
    """

    links: tuple
    inter: tuple
    directed: bool = False
    physical_nodes: Sequence[int] = field(default=())
    physical_names: Sequence[str] | None = None
    from_intra: np.ndarray | None = None

    @property
    def num_links(self) -> int:
        """The number of links between state nodes (``*Multilayer``/``*Intra`` lines)."""
        return int(self.links[0].shape[0])

    @property
    def layers(self) -> np.ndarray:
        """The layer ids, sorted."""
        return unique(np.concatenate([self.links[0], self.links[2],
                                         self.inter[0], self.inter[2]]))

    @property
    def intra_mask(self) -> np.ndarray:
        """Whether each link of ``links`` is an ``*Intra`` link (see ``from_intra``)."""
        if self.from_intra is not None:
            return np.asarray(self.from_intra, dtype=bool)
        n = self.num_links
        inferred = self.inter[0].shape[0] > 0 or bool(np.all(self.links[0] == self.links[2]))
        return np.full(n, inferred, dtype=bool)

    def __repr__(self) -> str:
        kind = "directed" if self.directed else "undirected"
        return (f"MultilayerNetwork({kind}, {self.layers.size} layers, "
                f"{len(self.physical_nodes)} physical nodes, {self.num_links} links, "
                f"{int(self.inter[0].shape[0])} inter-layer links)")

    @classmethod
    def from_layers(cls, layers: Sequence[Any] | Mapping[int, Any], inter: Any = None,
                    directed: bool | None = None, weight: str = "weight") -> MultilayerNetwork:
        """Build a multilayer network from one graph per layer.

        Parameters
        ----------
        layers : sequence or mapping
            The layers: a sequence (layer ids ``0, 1, ...``) or a mapping
            ``layer id -> layer``, each layer a networkx graph with integer
            nodes >= 0 or an ``(m, 2)`` / ``(m, 3)`` array of links
            ``source target [weight]``.  Node ids are shared by all layers
            (they name the physical nodes).
        inter : array_like, optional
            Inter-layer links, rows ``(layer, node, other_layer[, weight])``:
            the walker at ``node`` in ``layer`` moves to the neighbours of
            ``node`` in ``other_layer`` (as ``*Inter`` lines).  Without
            them, the expansion relaxes between layers.
        directed : bool, optional
            Whether links are directed; ``None`` takes it from the networkx
            graphs (arrays alone: undirected).
        weight : str
            The edge attribute holding the link weight of networkx graphs
            (missing: 1).

        Returns
        -------
        MultilayerNetwork
            With every layer link marked as an ``*Intra`` link.

        Examples
        --------
        >>> import numpy as np
        >>> net = MultilayerNetwork.from_layers([np.array([[0, 1], [1, 2]]),
        ...                                      np.array([[1, 2, 2.0]])])
        >>> net.to_state_network().num_states
        5
        """
        items = _layer_items(layers)
        if directed is not None and not isinstance(directed, (bool, np.bool_)):
            raise TypeError(f"directed must be True, False or None, got {directed!r}")
        if not isinstance(weight, str):
            raise TypeError(f"weight must be an attribute name (str), got {weight!r}")
        parts, isolated, graph_directed = [], [], []
        for layer_id, layer in items:
            src, dst, w, nodes, is_directed = _layer_links(layer_id, layer, weight)
            parts.append((np.full(src.shape[0], layer_id, dtype=np.int64), src, dst, w))
            isolated.append(nodes)
            if is_directed is not None:
                graph_directed.append((layer_id, is_directed))
        directed = _resolve_directed(directed, graph_directed)
        lay, src, dst, w = (np.concatenate([p[i] for p in parts]) for i in range(4))
        inter_arrays = _inter_arrays(inter)
        physical = unique(np.concatenate([src, dst, inter_arrays[1], *isolated]))
        return cls((lay, src, lay.copy(), dst, w), inter_arrays, bool(directed),
                   tuple(int(x) for x in physical), None, np.ones(lay.shape[0], dtype=bool))

    def to_state_network(self, relax_rate: float = 0.15, relax_limit: int | None = None,
                         relax_limit_up: int | None = None,
                         relax_limit_down: int | None = None, relax_by_jsd: bool = False,
                         relax_to_self: bool = False,
                         matchable_ids: int | None = None) -> StateNetwork:
        """Expand into a state network, exactly as the official Infomap does.

        Parameters
        ----------
        relax_rate : float
            ``--multilayer-relax-rate``: the probability, in [0, 1], of
            moving to a neighbour in any layer (weighted by the node's
            strength there) instead of in the current layer.  Used only for
            ``*Intra`` links without ``*Inter`` links.
        relax_limit : int or None
            ``--multilayer-relax-limit``: relax only to layers whose id
            differs by at most this (``None`` or negative: no limit).
        relax_limit_up, relax_limit_down : int or None
            ``--multilayer-relax-limit-up/-down``: one-sided limits to higher
            and lower layer ids (each at most ``relax_limit``).
        relax_by_jsd : bool
            ``--multilayer-relax-by-jsd``: weight relaxation to another layer
            by the Jensen-Shannon similarity of the node's out-links there
            (only layers where they share a target; the relaxed weights of
            a state sum to ``relax_rate / (1 - relax_rate)`` times its
            out-weight in its own layer).
        relax_to_self : bool
            ``--multilayer-relax-to-self``: relax (or follow an ``*Inter``
            link) to the node itself in the other layer instead of to its
            neighbours there, where it has out-links there (not with
            ``relax_by_jsd``).
        matchable_ids : int or None
            ``--matchable-multilayer-ids``: number states ``node << (ceil(log2
            matchable_ids) + 1) | layer`` (at least the largest layer id),
            so that ids match across networks; ``None``: number them in the
            order the official code creates them, from 0.

        Returns
        -------
        StateNetwork
            State node ``i`` has id ``network.nodes[i]`` (ids ascending),
            physical node ``physical_nodes[physical[i]]`` and layer
            ``layer[i]``.  Expanded ``*Intra`` links are directed (the
            official code then uses directed flow), so ``directed`` is
            ``True`` unless the input is undirected with ``*Multilayer``
            links only.  (When every state id equals its physical id,
            the official Infomap runs the network as first-order: the same
            flow and codelength, but every declared physical node becomes
            a node, isolated ones in modules of their own, and the output
            files take the first-order layout without layer ids; this
            expansion and the writers do not mimic that.)  With
            ``relax_to_self``, its ``relax_to_self`` flag gives it the
            official two-step flow.

        Raises
        ------
        ValueError, TypeError
            For an option out of range, a negative or non-finite weight, a
            negative id, an ``*Inter`` link within one layer, or ids too
            large for ``matchable_ids``.
        """
        opts = _Options.check(relax_rate, relax_limit, relax_limit_up, relax_limit_down,
                              relax_by_jsd, relax_to_self, matchable_ids)
        return _expand(self, opts)


# --------------------------------------------------------------------------
# Options and input checks
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Options:
    relax_rate: float
    limit: int | None
    limit_up: int | None
    limit_down: int | None
    by_jsd: bool
    to_self: bool
    matchable: int | None

    @classmethod
    def check(cls, relax_rate, limit, up, down, by_jsd, to_self, matchable) -> _Options:
        if isinstance(relax_rate, bool) or not isinstance(relax_rate, numbers.Real):
            raise TypeError(f"relax_rate must be a number in [0, 1], got {relax_rate!r}")
        if not 0.0 <= float(relax_rate) <= 1.0:
            raise ValueError(f"relax_rate must be in [0, 1], got {relax_rate!r}")
        for name, flag in (("relax_by_jsd", by_jsd), ("relax_to_self", to_self)):
            if not isinstance(flag, (bool, np.bool_)):
                raise TypeError(f"{name} must be True or False, got {flag!r}")
        if by_jsd and float(relax_rate) == 1.0:
            raise ValueError("relax_rate must be < 1 with relax_by_jsd (the relaxed weight "
                             "is scaled by relax_rate / (1 - relax_rate)), got 1")
        limits = [_check_limit(n, v) for n, v in
                  (("relax_limit", limit), ("relax_limit_up", up), ("relax_limit_down", down))]
        if matchable is not None:
            if isinstance(matchable, bool) or not isinstance(matchable, numbers.Integral):
                raise TypeError(f"matchable_ids must be an integer >= 1 or None, got {matchable!r}")
            if not 1 <= matchable <= _MAX_MATCHABLE:
                raise ValueError(f"matchable_ids must be in [1, 2**30] (the largest layer id), "
                                 f"got {matchable!r}")
            matchable = int(matchable)
        return cls(float(relax_rate), *limits, bool(by_jsd), bool(to_self), matchable)


def _check_limit(name: str, value: Any) -> int | None:
    """Return a relax limit: ``None`` (no limit) for ``None`` or a negative int."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer or None, got {value!r}")
    return int(value) if value >= 0 else None


def _check_ids(name: str, ids: Any) -> np.ndarray:
    """Return ``ids`` as int64 in [0, 2**32), or raise naming ``name``."""
    arr = np.asarray(ids)
    if arr.size and not (np.issubdtype(arr.dtype, np.integer)
                         or (np.issubdtype(arr.dtype, np.floating)
                             and np.all(np.isfinite(arr)) and np.all(arr == np.round(arr)))):
        raise TypeError(f"{name} must be integer ids, got dtype {arr.dtype}")
    arr = arr.astype(np.int64, copy=False).ravel()
    bad = (arr < 0) | (arr >= _ID_LIMIT)
    if bad.any():
        raise ValueError(f"{name} must be integers in [0, 2**32), got {int(arr[bad][0])}")
    return arr


def _check_link_weights(name: str, w: Any, n: int) -> np.ndarray:
    """Return ``w`` as float64 of length ``n``, finite and >= 0."""
    w = np.asarray(w, dtype=np.float64).ravel()
    if w.shape[0] != n:
        raise ValueError(f"{name} must have one weight per link: {w.shape[0]} != {n}")
    bad = ~np.isfinite(w) | (w < 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"{name} must be finite and >= 0, got {w[i]} at position {i}")
    return w


# --------------------------------------------------------------------------
# Helpers on grouped arrays
# --------------------------------------------------------------------------

#: Relaxed links generated at a time: bounds the working memory of the
#: expansion (its arrays per link live for one chunk of head states).
_CHUNK_LINKS = 1 << 19


def _group_sum(cols: Sequence[np.ndarray], w: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """Sort rows by ``cols`` (first column first) and sum ``w`` over equal rows.

    ``w`` must be an array of the caller's own (it may be sorted in place).
    """
    if w.shape[0] == 0:
        return [c[:0] for c in cols], w[:0]
    radices = _radices(cols)
    if radices is None:
        order = np.lexsort(tuple(cols[::-1]))
        cols = [c[order] for c in cols]
        w = w[order]
        new = np.zeros(w.shape[0], dtype=bool)
        new[0] = True
        for c in cols:
            new[1:] |= c[1:] != c[:-1]
        starts = np.flatnonzero(new)
        return [c[starts] for c in cols], np.add.reduceat(w, starts)
    key = np.zeros(cols[0].shape[0], dtype=np.int64)
    for c, radix in zip(cols, radices, strict=True):
        key *= radix
        key += c
    _sort_by_key(key, w)
    key, w = _sum_sorted(key, w)
    return _decode(key, radices), w


def _radices(cols: Sequence[np.ndarray]) -> list[int] | None:
    """Return the radix of each column (its largest value + 1) for one int64
    key ordering rows as ``cols`` do, or ``None`` when a column is negative
    or their ranges do not fit in 62 bits together."""
    radices, span = [], 1
    for c in cols:
        if c.min() < 0:
            return None
        radices.append(int(c.max()) + 1)
        span *= radices[-1]
        if span >= 1 << 62:
            return None
    return radices


def _decode(key: np.ndarray, radices: Sequence[int]) -> list[np.ndarray]:
    """Return the columns of keys made with ``radices`` (see :func:`_radices`)."""
    cols = []
    for radix in radices[:0:-1]:
        key, col = np.divmod(key, radix)
        cols.append(col)
    cols.append(key)
    return cols[::-1]


def _sort_by_key(key: np.ndarray, w: np.ndarray) -> None:
    """Sort ``key`` in place, and ``w`` with it (stably: equal keys keep the
    order of their weights)."""
    if key.shape[0] > 1 and np.any(key[1:] < key[:-1]):
        order = np.argsort(key, kind="stable")
        key.sort()
        w[...] = w[order]


def _sum_sorted(key: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the distinct keys of sorted ``key`` and the sum of ``w`` over each."""
    if key.shape[0] < 2:
        return key, w
    new = np.empty(key.shape[0], dtype=bool)
    new[0] = True
    np.not_equal(key[1:], key[:-1], out=new[1:])
    if new.all():
        return key, w
    starts = np.flatnonzero(new)
    return key[starts], np.add.reduceat(w, starts)


def _ranges(starts: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(owner, position)`` of ``concat(range(s, s + c))`` over the
    pairs of ``starts`` and ``counts``: the index of the range each element
    comes from, and the element itself."""
    counts = counts.astype(np.int64)
    owner = np.repeat(np.arange(counts.shape[0], dtype=np.int64), counts)
    first = np.cumsum(counts) - counts
    offset = np.arange(owner.shape[0], dtype=np.int64) - first[owner]
    return owner, starts.astype(np.int64)[owner] + offset


def _chunks(sizes: np.ndarray, limit: int):
    """Yield ``(start, stop)`` of consecutive pieces of ``range(len(sizes))``
    whose ``sizes`` sum to at most ``limit`` (or that hold one item)."""
    ends = np.cumsum(sizes)
    start = 0
    while start < sizes.shape[0]:
        before = int(ends[start - 1]) if start else 0
        stop = max(start + 1, int(np.searchsorted(ends, before + limit, side="right")))
        yield start, stop
        start = stop


@dataclass(frozen=True)
class _LayerNets:
    """The layer networks (``*Intra`` links) as sorted, aggregated arrays.

    Links ``(lay, src, tgt, w)`` are sorted by layer, source, target (all
    compact indices, ``w > 0``).  *Rows* are the ``(layer, source)`` pairs
    with out-links, sorted, with their link range and out-weight.
    """

    lay: np.ndarray
    src: np.ndarray
    tgt: np.ndarray
    w: np.ndarray
    row_key: np.ndarray
    row_lay: np.ndarray
    row_node: np.ndarray
    row_start: np.ndarray
    row_len: np.ndarray
    row_out: np.ndarray
    num_nodes: int

    @classmethod
    def build(cls, lay, src, tgt, w, undirected: bool, num_nodes: int) -> _LayerNets:
        keep = w > 0  # the official network drops zero-weight links
        (lay, src, tgt), w = _group_sum([lay[keep], src[keep], tgt[keep]], w[keep])
        if undirected:  # each link both ways; self-links once
            back = np.flatnonzero(src != tgt)
            (lay, src, tgt), w = _group_sum(
                [np.concatenate([lay, lay[back]]), np.concatenate([src, tgt[back]]),
                 np.concatenate([tgt, src[back]])], np.concatenate([w, w[back]]))
        key = lay * num_nodes + src
        new = np.ones(key.shape[0], dtype=bool)
        new[1:] = key[1:] != key[:-1]
        starts = np.flatnonzero(new)
        lengths = np.diff(np.append(starts, key.shape[0]))
        out = np.add.reduceat(w, starts) if starts.size else w[:0]
        return cls(lay, src, tgt, w, key[starts], lay[starts], src[starts], starts, lengths,
                   out, num_nodes)

    def find_rows(self, lay: np.ndarray, node: np.ndarray) -> np.ndarray:
        """Return the row of each ``(lay, node)``, ``-1`` where it has no out-links."""
        key = lay * self.num_nodes + node
        pos = np.searchsorted(self.row_key, key)
        pos = np.minimum(pos, max(self.row_key.shape[0] - 1, 0))
        found = (self.row_key.shape[0] > 0) & (self.row_key[pos] == key) if key.size else \
            np.zeros(0, dtype=bool)
        return np.where(found, pos, -1)

    def row_links(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return ``(owner, link)``: the links of each of ``rows``, in order."""
        return _ranges(self.row_start[rows], self.row_len[rows])

    def rows_by_node(self, layer_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return ``(order, keys)``: rows sorted by node, then raw layer id, and
        their keys ``node << 32 | layer id`` for range look-ups."""
        keys = (self.row_node << 32) | layer_ids[self.row_lay]
        order = np.argsort(keys, kind="stable")
        return order, keys[order]


class _Build:
    """Numbers the state nodes in the order the expansion creates them, and
    collects the state links.

    A state is named by its index in ``keys``: the sorted keys ``layer *
    num_nodes + node`` (compact indices) of every state that a link of the
    input could create.  ``create`` numbers states as they come (a state
    exists from its first creation on, with the node weight given then), so
    that no list of every creation is kept.
    """

    def __init__(self, keys: np.ndarray, num_nodes: int):
        self.keys = keys
        self.num_nodes = num_nodes
        self.lay, self.node = np.divmod(keys, max(num_nodes, 1))
        self.rank = np.full(keys.shape[0], -1, dtype=np.int64)  # creation rank, -1: none yet
        self.num_created = 0
        self.created: list[np.ndarray] = []  # states, in creation order
        self.weights: list[np.ndarray] = []  # the node weight of each, from its creation
        self.links: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self.index_type = np.int32 if keys.shape[0] <= np.iinfo(np.int32).max else np.int64

    def state(self, lay: np.ndarray, node: np.ndarray) -> np.ndarray:
        """Return the state of each ``(lay, node)`` (compact indices; in ``keys``)."""
        return np.searchsorted(self.keys, lay * self.num_nodes + node)

    def create(self, states: np.ndarray, weights: np.ndarray | float = 1.0) -> None:
        """Create ``states`` (in this order) where they do not exist yet."""
        fresh = np.flatnonzero(self.rank[states] < 0)
        if fresh.size == 0:
            return
        _, first, _ = unique_inverse(states[fresh], return_index=True)
        first = fresh[np.sort(first)]
        new = states[first]
        self.rank[new] = np.arange(self.num_created, self.num_created + new.shape[0])
        self.num_created += new.shape[0]
        self.created.append(new)
        self.weights.append(np.broadcast_to(np.asarray(weights, dtype=np.float64),
                                            states.shape)[first])

    def link(self, source: np.ndarray, target: np.ndarray, w: np.ndarray) -> None:
        """Add the links ``source -> target`` (states) of weights ``w``."""
        self.links.append((source.astype(self.index_type), target.astype(self.index_type), w))


def _state_keys(pairs: Sequence[tuple[np.ndarray, np.ndarray]], num_nodes: int) -> np.ndarray:
    """Return the sorted distinct keys ``layer * num_nodes + node`` of the
    ``(layer, node)`` arrays in ``pairs``."""
    return unique(np.concatenate([lay * num_nodes + node for lay, node in pairs]))


def _ordered(build: _Build, keys: Sequence[np.ndarray], order_cols: Sequence[np.ndarray],
             weights: Sequence[np.ndarray] | None = None) -> None:
    """Create the states of several event lists, interleaved by ``order_cols``
    (one sort key tuple per list, compared lexicographically)."""
    if not keys:
        return
    all_keys = np.concatenate(keys)
    cols = [np.concatenate([c[i] for c in order_cols]) for i in range(len(order_cols[0]))]
    order = np.lexsort(tuple(cols[::-1]))
    w = np.ones(all_keys.shape[0]) if weights is None else np.concatenate(weights)
    build.create(all_keys[order], w[order])


# --------------------------------------------------------------------------
# The expansion
# --------------------------------------------------------------------------


def _expand(net: MultilayerNetwork, opts: _Options) -> StateNetwork:
    """Expand ``net`` into its state network (see :meth:`MultilayerNetwork.to_state_network`)."""
    if not (isinstance(net.links, tuple) and len(net.links) == 5):
        raise TypeError("links must be a tuple of 5 arrays "
                        "(source_layer, source_node, target_layer, target_node, weight)")
    if not (isinstance(net.inter, tuple) and len(net.inter) == 4):
        raise TypeError("inter must be a tuple of 4 arrays "
                        "(source_layer, node, target_layer, weight)")
    s_lay, s_node, t_lay, t_node = (_check_ids(n, a) for n, a in zip(
        ("source_layer", "source_node", "target_layer", "target_node"), net.links[:4]))
    m = s_lay.shape[0]
    if not (s_node.shape[0] == t_lay.shape[0] == t_node.shape[0] == m):
        raise ValueError("links: the five arrays must have the same length")
    weight = _check_link_weights("link weights", net.links[4], m)
    i_lay, i_node, i_tlay = (_check_ids(n, a) for n, a in zip(
        ("inter source_layer", "inter node", "inter target_layer"), net.inter[:3]))
    if not (i_node.shape[0] == i_tlay.shape[0] == i_lay.shape[0]):
        raise ValueError("inter: the four arrays must have the same length")
    i_w = _check_link_weights("inter weights", net.inter[3], i_lay.shape[0])
    if np.any(i_lay == i_tlay):
        k = int(np.flatnonzero(i_lay == i_tlay)[0])
        raise ValueError(f"inter link {k} (layer {i_lay[k]}, node {i_node[k]}) must go "
                         "between different layers")
    intra = net.intra_mask
    if intra.shape[0] != m:
        raise ValueError(f"from_intra must have one flag per link: {intra.shape[0]} != {m}")
    if np.any(intra & (s_lay != t_lay)):
        raise ValueError("an *Intra link (from_intra True) must stay in its layer")

    layer_ids = unique(np.concatenate([s_lay, t_lay, i_lay, i_tlay]))
    node_ids = unique(np.concatenate([s_node, t_node, i_node]))
    n = node_ids.shape[0]
    cl = lambda a: np.searchsorted(layer_ids, a)  # noqa: E731 - compact layer index
    cn = lambda a: np.searchsorted(node_ids, a)  # noqa: E731 - compact node index

    explicit = ~intra
    sl, sn = cl(s_lay[explicit]), cn(s_node[explicit])
    tl, tn = cl(t_lay[explicit]), cn(t_node[explicit])
    inter = (cl(i_lay), cn(i_node), cl(i_tlay), i_w)
    has_intra = bool(intra.any())
    nets = _LayerNets.build(cl(s_lay[intra]), cn(s_node[intra]), cn(t_node[intra]),
                            weight[intra], not net.directed, n) if has_intra else None
    pairs = [(sl, sn), (tl, tn), (inter[0], inter[1]), (inter[2], inter[1])]
    if nets is not None:
        pairs += [(nets.row_lay, nets.row_node), (nets.lay, nets.tgt)]
    build = _Build(_state_keys(pairs, n), n)
    del pairs
    _add_explicit(build, sl, sn, tl, tn, weight[explicit])
    del sl, sn, tl, tn
    if nets is not None:
        if inter[0].shape[0]:
            _expand_with_inter(build, nets, *inter, not net.directed, opts)
        elif opts.by_jsd:
            _relax_by_jsd(build, nets, layer_ids, opts)
        else:
            _relax_by_strength(build, nets, layer_ids, opts)
    del nets
    return _state_network(net, build, layer_ids, node_ids, net.directed or has_intra, opts)


def _add_explicit(build: _Build, sl, sn, tl, tn, w) -> None:
    """``*Multilayer`` links: states source, target per link in order; the link as is."""
    source, target = build.state(sl, sn), build.state(tl, tn)
    build.create(np.stack([source, target], axis=1).ravel())
    build.link(source, target, w)


def _expand_with_inter(build: _Build, nets: _LayerNets, lay1, node, lay2, w,
                       undirected: bool, opts: _Options) -> None:
    """Layer links as they are, plus ``*Inter`` links spread over the
    neighbours of the node in the target layer (or to the node itself)."""
    source, target = build.state(nets.lay, nets.src), build.state(nets.lay, nets.tgt)
    build.create(np.stack([source, target], axis=1).ravel())
    build.link(source, target, nets.w)

    (lay1, node, lay2), w = _group_sum([lay1, node, lay2], w.copy())
    head = np.ones(lay1.shape[0], dtype=bool)
    head[1:] = (lay1[1:] != lay1[:-1]) | (node[1:] != node[:-1])
    group = np.cumsum(head) - 1
    heads = np.flatnonzero(head)
    entry = np.arange(lay1.shape[0])
    _inter_forward(build, nets, lay1, node, lay2, w, group, heads, entry, opts.to_self)
    if undirected:
        _inter_backward(build, nets, lay1, node, lay2, w, group, heads, entry, opts.to_self)


def _inter_forward(build, nets, lay1, node, lay2, w, group, heads, entry, to_self) -> None:
    """From ``(lay1, node)`` to the neighbours of ``node`` in ``lay2``."""
    g = np.arange(heads.shape[0])
    keys = [build.state(lay1[heads], node[heads])]
    cols = [(g, np.full(g.shape, -1), np.full(g.shape, -1))]
    source = build.state(lay1, node)
    rows = nets.find_rows(lay2, node)  # nothing where node has no out-links in lay2
    if to_self:
        e = np.flatnonzero(rows >= 0)
        target = build.state(lay2[e], node[e])
        keys.append(target)
        cols.append((group[e], e, np.zeros_like(e)))
        _ordered(build, keys, cols)
        build.link(source[e], target, w[e])
        return
    has = np.flatnonzero(rows >= 0)
    owner, link = nets.row_links(rows[has])
    e = has[owner]
    target = build.state(lay2[e], nets.tgt[link])
    keys.append(target)
    cols.append((group[e], e, link))
    _ordered(build, keys, cols)
    build.link(source[e], target, (w[e] * nets.w[link]) / nets.row_out[rows[e]])


def _inter_backward(build, nets, lay1, node, lay2, w, group, heads, entry, to_self) -> None:
    """Undirected ``*Inter`` links also go from ``(lay2, node)`` to the
    neighbours of ``node`` in ``lay1`` (or to the node itself)."""
    source = build.state(lay2, node)
    rows = nets.find_rows(lay1, node)  # the same row for every entry of a group
    if to_self:
        target = build.state(lay1, node)
        hh, e = heads[rows[heads] >= 0], np.flatnonzero(rows >= 0)
        keys = [target[hh], source[e]]
        cols = [(group[hh], np.full(hh.shape, -1)), (group[e], e)]
        _ordered(build, keys, cols)
        build.link(source[e], target[e], w[e])
        return
    has = np.flatnonzero(rows >= 0)
    owner, link = nets.row_links(rows[has])
    e = has[owner]
    target = build.state(lay1[e], nets.tgt[link])
    keys = [source[has], target]
    cols = [(has, np.full(has.shape, -1)), (e, link)]
    _ordered(build, keys, cols)
    build.link(source[e], target, (w[e] * nets.w[link]) / nets.row_out[rows[e]])


def _limits(opts: _Options) -> tuple[int, int]:
    """Return how far (in layer id) relaxation may go ``(down, up)``."""
    sym = _ID_LIMIT if opts.limit is None else opts.limit
    down = sym if opts.limit_down is None else min(sym, opts.limit_down)
    up = sym if opts.limit_up is None else min(sym, opts.limit_up)
    return down, up


@dataclass(frozen=True)
class _Relax:
    """What relaxation by strength reads, for every head state in order:
    the heads, their layer, the range ``lo:hi`` of their *pairs*
    (rows of the same node in the layers within the limits) in ``order``
    (rows by node, then layer id), and the state of every row and of every
    layer link's target."""

    heads: np.ndarray
    head_lay: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    order: np.ndarray
    row_state: np.ndarray
    target_state: np.ndarray


def _relax_by_strength(build: _Build, nets: _LayerNets, layer_ids: np.ndarray,
                       opts: _Options) -> None:
    """Relax to the node's neighbours in every layer within the limits: the
    link to ``(layer2, m)`` from ``(layer1, n)`` weighs ``w_nm(layer2)
    (r / S_n + [layer2 == layer1] (1 - r) / s_n(layer1))``, where ``s_n`` is
    the node's out-weight in a layer and ``S_n`` its sum over those layers.

    Every node of every layer network (with in- or out-links) is a head
    state; heads are taken in ``keys`` order, a chunk at a time (each
    head's links and created states stay within its chunk, in the order
    the official code makes them).
    """
    down, up = _limits(opts)
    row_state = build.state(nets.row_lay, nets.row_node)
    target_state = build.state(nets.lay, nets.tgt)
    is_head = np.zeros(build.keys.shape[0], dtype=bool)
    is_head[row_state] = True
    is_head[target_state] = True
    heads = np.flatnonzero(is_head)
    del is_head
    head_lay, head_node = build.lay[heads], build.node[heads]
    head_raw = layer_ids[head_lay]
    order, sorted_keys = nets.rows_by_node(layer_ids)
    lowest = np.maximum(head_raw - down, 0)
    highest = np.minimum(head_raw + up, _ID_LIMIT - 1)
    lo = np.searchsorted(sorted_keys, (head_node << 32) | lowest)
    hi = np.searchsorted(sorted_keys, (head_node << 32) | highest, side="right")
    relax = _Relax(heads, head_lay, lo, hi, order, row_state, target_state)
    links_before = np.concatenate([[0], np.cumsum(nets.row_len[order])])
    for start, stop in _chunks(links_before[hi] - links_before[lo], _CHUNK_LINKS):
        _relax_heads(build, nets, relax, slice(start, stop), opts)


def _relax_heads(build: _Build, nets: _LayerNets, relax: _Relax, chunk: slice,
                 opts: _Options) -> None:
    """Relax from the heads ``relax.heads[chunk]``: their links, and their
    states with each head first and then its targets, pair by pair."""
    r = opts.relax_rate
    heads = relax.heads[chunk]
    lo, hi = relax.lo[chunk], relax.hi[chunk]
    pair_head, pos = _ranges(lo, hi - lo)
    pair_row = relax.order[pos]
    strength = np.bincount(pair_head, weights=nets.row_out[pair_row], minlength=heads.shape[0])
    is_intra = nets.row_lay[pair_row] == relax.head_lay[chunk][pair_head]
    own_out = np.zeros(heads.shape[0])
    own_out[pair_head[is_intra]] = nets.row_out[pair_row[is_intra]]
    active = strength[pair_head] > 0
    created = []  # (pair, target state) of every state the pairs create, pair by pair
    if opts.to_self:
        to_self = np.flatnonzero(active & ~is_intra)
        w = r * nets.row_out[pair_row[to_self]] / strength[pair_head[to_self]]
        big = w >= _MIN_RELAX_WEIGHT
        to_self, w = to_self[big], w[big]
        target = relax.row_state[pair_row[to_self]]  # the head's node in the other layer
        build.link(heads[pair_head[to_self]], target, w)
        created.append((to_self, target))
        active &= is_intra
    spread = np.flatnonzero(active)
    factor = r / strength[pair_head[spread]]
    intra = is_intra[spread]
    factor[intra] += (1.0 - r) / own_out[pair_head[spread[intra]]]
    owner, link = nets.row_links(pair_row[spread])
    pair = spread[owner]
    target = relax.target_state[link]
    w = factor[owner] * nets.w[link]
    big = w >= _MIN_RELAX_WEIGHT
    build.link(heads[pair_head[pair]][big], target[big], w[big])
    created.append((pair, target))
    build.create(_heads_first(heads, pair_head, created))


def _heads_first(heads: np.ndarray, pair_head: np.ndarray,
                 created: Sequence[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """Return the states in creation order: each head, then the states its
    pairs create, in pair order (``created`` holds lists of ``(pair,
    state)``, each sorted by pair)."""
    pair = np.concatenate([p for p, _ in created])
    state = np.concatenate([s for _, s in created])
    if len(created) > 1:
        order = np.argsort(pair, kind="stable")
        pair, state = pair[order], state[order]
    before = np.searchsorted(pair_head[pair], np.arange(heads.shape[0]))
    return np.insert(state, before, heads)


def _relax_by_jsd(build: _Build, nets: _LayerNets, layer_ids: np.ndarray, opts: _Options) -> None:
    """Relax between the layers where the node's out-links overlap, weighted
    by their Jensen-Shannon similarity (``--multilayer-relax-by-jsd``): from
    ``(a, n)`` to ``(b, m)`` with weight ``w_nm(b) js_ab r / (1 - r) s_n(a) /
    sum_c js_ac`` (``1 * w_nm(a)`` within layer ``a``), over the layers ``b``
    within the limits; the state ``(a, n)`` takes the weight of its first
    link as node weight (for teleportation to nodes), its targets 0."""
    r, k = opts.relax_rate, opts.limit
    order, sorted_keys = nets.rows_by_node(layer_ids)
    node, raw = nets.row_node, layer_ids[nets.row_lay]
    # Pairs (row1, row2) of one node with layer2 <= layer1 (and within the limit).
    low = np.zeros_like(raw) if k is None else np.maximum(raw - k, 0)
    lo = np.searchsorted(sorted_keys, (node << 32) | low)
    hi = np.searchsorted(sorted_keys, (node << 32) | raw, side="right")
    pair, pos = _ranges(lo, hi - lo)
    row1, row2 = pair, order[pos]
    js, intersect = _js_similarity(nets, row1, row2)
    row1, row2, js = row1[intersect], row2[intersect], js[intersect]
    cross = row1 != row2
    a = np.concatenate([row1, row2[cross]])
    b = np.concatenate([row2, row1[cross]])
    js = np.concatenate([js, js[cross]])
    down, up = _limits(opts)
    diff = layer_ids[nets.row_lay[b]] - layer_ids[nets.row_lay[a]]
    keep = (diff <= up) & (-diff <= down)
    a, b, js = a[keep], b[keep], js[keep]
    total = np.bincount(a, weights=js, minlength=nets.row_key.shape[0])
    factor = np.where(a == b, 1.0, js * r / (1.0 - r) * nets.row_out[a] / total[a])
    owner, link = nets.row_links(b)
    src = build.state(nets.row_lay[a[owner]], nets.row_node[a[owner]])
    tgt = build.state(nets.lay[link], nets.tgt[link])
    n_ = nets.row_node[a[owner]]
    la, lb = layer_ids[nets.row_lay[a[owner]]], layer_ids[nets.row_lay[b[owner]]]
    zero, one = np.zeros_like(link), np.ones_like(link)
    _ordered(build, [src, tgt], [(n_, la, lb, link, zero), (n_, la, lb, link, one)],
             [nets.w[link], np.zeros(link.shape[0])])
    build.link(src, tgt, factor[owner] * nets.w[link])


def _js_similarity(nets: _LayerNets, row1: np.ndarray, row2: np.ndarray):
    """Return ``(1 - JSD, overlap)`` of the out-link distributions of each
    pair of rows: the Jensen-Shannon divergence (bits, clipped to [0, 1])
    with the rows weighted by out-weight, and whether they share a target."""
    num_pairs = row1.shape[0]
    ow1, ow2 = nets.row_out[row1], nets.row_out[row2]
    pi1, pi2 = ow1 / (ow1 + ow2), ow2 / (ow1 + ow2)
    row_of_link = np.repeat(np.arange(nets.row_key.shape[0]), nets.row_len)
    p = nets.w / nets.row_out[row_of_link]
    entropy = -np.bincount(row_of_link, weights=p * np.log2(p), minlength=nets.row_key.shape[0])
    o1, l1 = nets.row_links(row1)
    o2, l2 = nets.row_links(row2)
    owner = np.concatenate([o1, o2])
    target = np.concatenate([nets.tgt[l1], nets.tgt[l2]])
    mass = np.concatenate([pi1[o1] * nets.w[l1] / ow1[o1], pi2[o2] * nets.w[l2] / ow2[o2]])
    (owner, target), mass = _group_sum([owner, target], mass)
    # A target in both rows is one entry after grouping: fewer entries than links.
    shared = np.bincount(owner, minlength=num_pairs) < (nets.row_len[row1] + nets.row_len[row2])
    h12 = -np.bincount(owner, weights=mass * np.log2(mass), minlength=num_pairs)
    div = (pi1 + pi2) * h12 - pi1 * entropy[row1] - pi2 * entropy[row2]
    return 1.0 - np.clip(div, 0.0, 1.0), shared


# --------------------------------------------------------------------------
# State ids and the resulting state network
# --------------------------------------------------------------------------


def _state_network(net: MultilayerNetwork, build: _Build, layer_ids: np.ndarray,
                   node_ids: np.ndarray, directed: bool, opts: _Options) -> StateNetwork:
    """Number the states created in ``build`` and return the state network."""
    created = np.concatenate(build.created) if build.created else np.zeros(0, np.int64)
    weights = np.concatenate(build.weights) if build.weights else np.zeros(0)
    num_states = created.shape[0]
    lay, node = layer_ids[build.lay[created]], node_ids[build.node[created]]
    if opts.matchable is None:
        state_id = np.arange(num_states, dtype=np.int64)
        by_id = state_id  # states are numbered in creation order
    else:
        state_id = _matchable_ids(lay, node, opts.matchable)
        by_id = np.argsort(state_id, kind="stable")  # state index -> creation rank
    index = np.full(build.keys.shape[0], -1, dtype=np.int64)  # state -> state index
    index[created[by_id]] = np.arange(num_states)
    source, target, w = _state_links(build, index, num_states)

    physical_ids, physical_names = _physical(net, node[by_id])
    state_weights = weights[by_id]
    network = Network(source, target, w, num_states, bool(directed), nodes=state_id[by_id],
                      node_weights=None if np.all(state_weights == 1.0) else state_weights)
    return StateNetwork(network, np.searchsorted(physical_ids, node[by_id]),
                        tuple(int(x) for x in physical_ids), physical_names, lay[by_id],
                        opts.to_self)


def _state_links(build: _Build, index: np.ndarray, num_states: int):
    """Return ``(source, target, weight)``: the links of ``build`` between
    state indices ``index[state]``, sorted, links between the same states
    summed (in the order they were added), those of weight 0 left out.

    Each link becomes one int64 key ``source * num_states + target`` (state
    indices are below 2**31), the links added being freed as they go.  The
    state indices are returned as int32 where they fit, half the memory of
    int64: the network's link list is held through the whole search.
    """
    total = sum(piece[2].shape[0] for piece in build.links)
    key = np.empty(total, dtype=np.int64)
    w = np.empty(total, dtype=np.float64)
    start = 0
    while build.links:
        source, target, weight = build.links.pop(0)
        stop = start + weight.shape[0]
        np.multiply(index[source], num_states, out=key[start:stop])
        key[start:stop] += index[target]
        w[start:stop] = weight
        start = stop
        del source, target, weight
    _sort_by_key(key, w)
    key, w = _sum_sorted(key, w)
    keep = w > 0
    if not keep.all():
        key, w = key[keep], w[keep]
    if not np.all(np.isfinite(w)):
        raise ValueError("the expansion gave a non-finite link weight (weights too large)")
    num = max(num_states, 1)
    index_type = np.int32 if num <= np.iinfo(np.int32).max else np.int64
    target = (key % num).astype(index_type)
    key //= num
    return key.astype(index_type), target, w


def _matchable_ids(lay: np.ndarray, node: np.ndarray, largest_layer: int) -> np.ndarray:
    """``node << shift | layer`` with ``shift = ceil(log2(largest_layer)) + 1``."""
    if lay.size and int(lay.max()) > largest_layer:
        raise ValueError(f"layer id {int(lay.max())} is larger than matchable_ids "
                         f"({largest_layer}), the largest layer id it makes room for")
    shift = (largest_layer - 1).bit_length() + 1
    if shift >= 32:
        raise ValueError(f"matchable_ids {largest_layer} needs a {shift}-bit shift; "
                         "state ids must fit in 32 bits")
    if node.size and int(node.max()) >= 1 << (32 - shift):
        raise ValueError(f"node id {int(node.max())} is too large for matchable_ids "
                         f"{largest_layer}: ids must be below {1 << (32 - shift)}")
    return (node << shift) | lay


def _physical(net: MultilayerNetwork, state_nodes: np.ndarray) -> tuple[np.ndarray, Any]:
    """Return the physical node ids (declared ones and those of states,
    sorted) and their names (``None`` when the network has none)."""
    declared = np.asarray(net.physical_nodes, dtype=np.int64).ravel()
    ids = unique(np.concatenate([declared, state_nodes]))
    if net.physical_names is None:
        return ids, None
    if len(net.physical_names) != declared.shape[0]:
        raise ValueError(f"physical_names must have one name per physical node: "
                         f"{len(net.physical_names)} != {declared.shape[0]}")
    names = dict(zip(declared.tolist(), net.physical_names))
    return ids, [names.get(i, str(i)) for i in ids.tolist()]


# --------------------------------------------------------------------------
# from_layers helpers
# --------------------------------------------------------------------------


def _layer_items(layers: Any) -> list[tuple[int, Any]]:
    """Return ``[(layer id, layer)]`` from a sequence or mapping of layers."""
    if isinstance(layers, Mapping):
        items = list(layers.items())
        for lid, _ in items:
            if isinstance(lid, bool) or not isinstance(lid, numbers.Integral) or not \
                    0 <= lid < _ID_LIMIT:
                raise ValueError(f"layers: layer ids must be integers in [0, 2**32), got {lid!r}")
        return [(int(lid), layer) for lid, layer in sorted(items)]
    if isinstance(layers, (str, bytes)) or not isinstance(layers, Sequence):
        raise TypeError("layers must be a sequence or a mapping (layer id -> graph) of "
                        f"networkx graphs or link arrays, got {type(layers).__name__}")
    if len(layers) == 0:
        raise ValueError("layers must hold at least one layer")
    return list(enumerate(layers))


def _layer_links(layer_id: int, layer: Any, weight: str):
    """Return ``(src, dst, w, nodes, directed)`` of one layer: a networkx
    graph (``directed`` its own) or an (m, 2)/(m, 3) array (``None``)."""
    name = f"layers[{layer_id}]"
    if hasattr(layer, "edges") and hasattr(layer, "is_directed"):
        nodes = list(layer.nodes)
        if not all(_is_int(x) for x in nodes):
            raise TypeError(f"{name}: node labels must be integers >= 0 (physical node ids)")
        edges = list(layer.edges(data=weight, default=1.0))
        m = len(edges)
        src = _check_ids(f"{name} node ids", np.fromiter((e[0] for e in edges), np.int64, m))
        dst = _check_ids(f"{name} node ids", np.fromiter((e[1] for e in edges), np.int64, m))
        w = _check_link_weights(f"{name} weights",
                                np.fromiter((e[2] for e in edges), np.float64, m), m)
        node_arr = _check_ids(f"{name} node ids", np.fromiter(nodes, np.int64, len(nodes)))
        return src, dst, w, node_arr, bool(layer.is_directed())
    arr = np.asarray(layer)
    if arr.ndim != 2 or arr.shape[1] not in (2, 3):
        raise ValueError(f"{name} must be a networkx graph or an (m, 2) or (m, 3) array of "
                         f"links, got shape {arr.shape}")
    src = _check_ids(f"{name} node ids", arr[:, 0])
    dst = _check_ids(f"{name} node ids", arr[:, 1])
    w = (_check_link_weights(f"{name} weights", arr[:, 2], arr.shape[0]) if arr.shape[1] == 3
         else np.ones(arr.shape[0]))
    return src, dst, w, np.zeros(0, dtype=np.int64), None


def _is_int(x: Any) -> bool:
    return isinstance(x, (int, np.integer)) and not isinstance(x, bool)


def _resolve_directed(directed: bool | None, graphs: list[tuple[int, bool]]) -> bool:
    """Return ``directed``, checked against the directedness of the graphs."""
    kinds = {d for _, d in graphs}
    if directed is None:
        if len(kinds) > 1:
            raise ValueError("layers mixes directed and undirected graphs; pass directed=")
        return kinds.pop() if kinds else False
    for lid, d in graphs:
        if d != bool(directed):
            raise ValueError(f"layers[{lid}] is {'a directed' if d else 'an undirected'} graph "
                             f"but directed={bool(directed)}")
    return bool(directed)


def _inter_arrays(inter: Any) -> tuple:
    """Return ``(layer, node, other_layer, weight)`` arrays from rows of ``inter``."""
    if inter is None:
        e = np.zeros(0, dtype=np.int64)
        return (e, e.copy(), e.copy(), np.zeros(0))
    arr = np.asarray(inter, dtype=np.float64)
    if arr.ndim != 2 or arr.shape[1] not in (3, 4):
        raise ValueError("inter must be an (k, 3) or (k, 4) array of rows "
                         f"(layer, node, other_layer[, weight]), got shape {arr.shape}")
    lay = _check_ids("inter layer ids", arr[:, 0])
    node = _check_ids("inter node ids", arr[:, 1])
    other = _check_ids("inter layer ids", arr[:, 2])
    if np.any(lay == other):
        k = int(np.flatnonzero(lay == other)[0])
        raise ValueError(f"inter row {k} must go between different layers, got layer "
                         f"{lay[k]} twice")
    w = (_check_link_weights("inter weights", arr[:, 3], arr.shape[0]) if arr.shape[1] == 4
         else np.ones(arr.shape[0]))
    return (lay, node, other, w)
