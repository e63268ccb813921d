"""The sharded core loop: one level of the map equation's search, split by nodes.

Every node belongs to one *shard* (:func:`shard_of`: by a hash of its id, or
by contiguous id ranges).  A shard holds the *rows* of its own nodes (every
link of an owned node, as ``owned -> other``; a self-link once) and, for the
nodes at the other end of those links that other shards own, their module
label only (*ghosts*).  The module table (flow, exit flow and members of
every module) is sharded too: module ``m`` lives with shard ``shard_of(m)``
(its *home*).  Every node starts in a module named after it, and a shard
reuses only the ids of modules it emptied itself, so ids never clash.

One *round* of a level is three steps, each a pure function of its inputs
(so the same code runs as Dask tasks, :mod:`infomap_py.distributed`, or in
one process, the simulation of ``benchmarks/bench_distributed.py``):

1. :func:`prepare`: a shard applies the label changes of its ghosts,
   recomputes what its own nodes contribute to their modules (flow, exit
   flow, one member) and sends the changes of those contributions to the
   modules' homes, with a request for the current flows of every module its
   nodes and ghosts are in;
2. :func:`reconcile`: a home adds up the contributions' changes (the
   GossipMap / DSLM-Map reconciliation: exact, since each contribution is
   recomputed from the labels) and answers the requests;
3. :func:`sweep_shard`: a shard moves its own nodes once, in random order,
   against that snapshot of the module flows, with the engine's own sweep
   (:func:`infomap_py._core.moves.sweep`, the same move deltas), the ghosts
   standing still; it sends the new labels of its boundary nodes to the
   shards that see them as ghosts.  A boundary node moves only to a lower
   module id in even rounds and a higher one in odd rounds, so that two
   neighbours in different shards cannot swap modules round after round.

When a level stops moving, :func:`aggregate_rows` sums each shard's rows
into rows between modules, routed to the module's home: the rows of the
next level, which :func:`build_shard` takes as it takes the input's.  The
flow is undirected (node flow proportional to strength, each link carrying
``w / sum`` each way), which every shard computes from its own rows and the
total of all rows.  :func:`run` drives the levels, the ordinary engine on the
network of the last level's modules (:func:`cluster_coarse`), the rounds of
fine-tuning on the original nodes, and the labels back down.

Memory of a shard: its rows, its nodes' and ghosts' labels and the flows of
their modules; nothing here holds the whole graph.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


def nbytes(message) -> int:
    """Return the bytes of the arrays in ``message`` (nested tuples/lists):
    the size of a message between shards, headers left out."""
    if isinstance(message, np.ndarray):
        return int(message.nbytes)
    if isinstance(message, (tuple, list)):
        return sum(nbytes(m) for m in message)
    return 0


_MIX = np.uint64(0x9E3779B97F4A7C15)


def shard_of(ids: np.ndarray, num_shards: int, sharding: str = "hash",
             max_id: int = 0) -> np.ndarray:
    """Return the shard of every node id.

    ``"hash"``: a mix of the id's bits (SplitMix64's finaliser) modulo the
    shards, so that shards are even whatever the order of the ids;
    ``"range"``: ids ``0..max_id`` cut into ``num_shards`` contiguous
    ranges, which keeps the links of a network numbered community by
    community inside shards (fewer ghosts) but balances only even ids.
    """
    ids = np.asarray(ids, dtype=np.int64)
    if sharding == "range":
        width = -(-(max_id + 1) // num_shards)
        return np.minimum(ids // width, num_shards - 1)
    with np.errstate(over="ignore"):
        z = ids.astype(np.uint64) + _MIX
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return (z % np.uint64(num_shards)).astype(np.int64)


@dataclass(frozen=True)
class Sharding:
    """How node ids map to shards (:func:`shard_of`)."""

    num_shards: int
    kind: str = "hash"
    max_id: int = 0

    def of(self, ids: np.ndarray) -> np.ndarray:
        """The shard of every id."""
        return shard_of(ids, self.num_shards, self.kind, self.max_id)


def _by_shard(sharding: Sharding, ids: np.ndarray, *columns: np.ndarray) -> list[tuple]:
    """Split ``(ids, *columns)`` by the shard of each id: one tuple per shard."""
    where = sharding.of(ids)
    order = np.argsort(where, kind="stable")
    bounds = np.searchsorted(where[order], np.arange(sharding.num_shards + 1))
    return [(ids[order[a:b]], *[c[order[a:b]] for c in columns])
            for a, b in zip(bounds[:-1], bounds[1:], strict=True)]


def edge_rows(source, target, weight, sharding: Sharding) -> list[tuple]:
    """Return, per shard, the rows of a block of undirected links: a link
    ``u - v`` is the row ``u -> v`` of ``u``'s shard and ``v -> u`` of
    ``v``'s; a self-link one row."""
    source = np.asarray(source, dtype=np.int64)
    target = np.asarray(target, dtype=np.int64)
    weight = np.asarray(weight, dtype=np.float64)
    back = source != target
    src = np.concatenate([source, target[back]])
    dst = np.concatenate([target, source[back]])
    w = np.concatenate([weight, weight[back]])
    return _by_shard(sharding, src, dst, w)


def _sum_rows(src, dst, w):
    """Merge equal rows (summing weights), sorted by ``(src, dst)``."""
    if src.shape[0] == 0:
        return src, dst, w
    order = np.lexsort((dst, src))
    src, dst, w = src[order], dst[order], w[order]
    new = np.ones(src.shape[0], dtype=bool)
    new[1:] = (src[1:] != src[:-1]) | (dst[1:] != dst[:-1])
    starts = np.flatnonzero(new)
    return src[starts], dst[starts], np.add.reduceat(w, starts)


def _lookup(keys: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Positions of ``ids`` in the sorted ``keys`` (every id must be there)."""
    return np.searchsorted(keys, ids)


@dataclass
class Shard:
    """One shard of one level (see the module docstring).

    ``owned`` and ``ghosts`` are sorted node ids; local node ``i`` is
    ``owned[i]`` for ``i < len(owned)``, else ``ghosts[i - len(owned)]``.
    ``net`` is the engine's :class:`~infomap_py._core.coarsen.FlowNet` of
    the local nodes (ghost rows hold their links to owned nodes only, and
    are never read); ``labels`` the module id of every local node;
    ``ghosted_in`` pairs ``(owned local index, shard)`` of the owned nodes
    other shards see as ghosts; ``reported`` the contributions last sent
    (module, exit flow per owned node); ``table`` the module flows homed
    here (sorted ids, flow, exit, members); ``rng`` the shard's random state.
    """

    index: int
    sharding: Sharding
    owned: np.ndarray
    ghosts: np.ndarray
    rows: tuple  # (local src, local dst, weight) sorted, self-rows included
    net: object = None
    labels: np.ndarray = None
    ghosted_in: tuple = None
    reported: tuple = None
    table: tuple = None
    snapshot: tuple = None
    rng: np.ndarray = None
    boundary: np.ndarray = None
    node_entropy: float = 0.0
    # The shard's labels of the levels below this one are kept by the driver.
    extra: dict = field(default_factory=dict)

    @property
    def num_owned(self) -> int:
        return int(self.owned.shape[0])


def build_shard(index: int, sharding: Sharding, pieces: list[tuple]) -> Shard:
    """Return shard ``index`` of a level from its rows, one piece per
    sender (:func:`edge_rows` of the input's blocks, or
    :func:`aggregate_rows` of the level below): rows are merged and sorted,
    so the shard is the same however the input was cut into blocks."""
    src = np.concatenate([p[0] for p in pieces]) if pieces else np.zeros(0, np.int64)
    dst = np.concatenate([p[1] for p in pieces]) if pieces else np.zeros(0, np.int64)
    w = np.concatenate([p[2] for p in pieces]) if pieces else np.zeros(0)
    src, dst, w = _sum_rows(src, dst, w)
    owned = np.unique(src)
    mine = sharding.of(dst) == index
    ghosts = np.unique(dst[~mine])
    local_src = _lookup(owned, src)
    local_dst = np.where(mine, _lookup(owned, dst), 0)
    local_dst[~mine] = owned.shape[0] + _lookup(ghosts, dst[~mine])
    ghost_shards = sharding.of(dst[~mine])
    pairs = np.unique(np.stack([local_src[~mine], ghost_shards]), axis=1)
    boundary = np.zeros(owned.shape[0], dtype=bool)
    boundary[pairs[0]] = True
    return Shard(index, sharding, owned, ghosts, (local_src, local_dst, w),
                 ghosted_in=(pairs[0], pairs[1]), boundary=boundary)


def total_weight(shard: Shard) -> float:
    """The shard's share of the flow's normaliser: the sum of its rows."""
    return float(shard.rows[2].sum())


def start_level(shard: Shard, total: float, seed: int) -> Shard:
    """Compute the shard's flow from the total of all rows, put every node
    in a module of its own (named after it) and seed its random state."""
    from ._core.coarsen import FlowNet, NodeFlows, build_flow_graph, node_enter_exit
    from ._core.mapeq import entropy_terms
    from ._core.rng import new_state

    n_own = shard.num_owned
    n_local = n_own + shard.ghosts.shape[0]
    local_src, local_dst, w = shard.rows
    flow = w / total
    node_flow = np.zeros(n_local)
    node_flow[:n_own] = np.bincount(local_src, weights=flow, minlength=n_own)
    # Each link once: owned -> ghost rows, and owned -> owned rows one way.
    once = (local_src != local_dst) & ((local_dst >= n_own) | (local_src < local_dst))
    graph = build_flow_graph(local_src[once], local_dst[once], flow[once], n_local, True)
    zeros = np.zeros(n_local)
    node_data = NodeFlows(node_flow, zeros, zeros.copy())
    enter, exit_ = node_enter_exit(graph, node_data, 0.0)
    shard.net = FlowNet(graph, node_data, enter, exit_, None, None)
    shard.labels = np.concatenate([shard.owned, shard.ghosts])
    shard.reported = (np.full(n_own, -1, dtype=np.int64), np.zeros(n_own))
    shard.table = (np.zeros(0, np.int64), np.zeros(0), np.zeros(0), np.zeros(0, np.int64))
    shard.snapshot = shard.table
    shard.rng = new_state(seed * 1_000_003 + shard.index)
    shard.node_entropy = float(entropy_terms(node_flow[:n_own]))
    shard.extra["total"] = total
    return shard


def node_entropy(shard: Shard) -> float:
    """``sum(plogp(node flow))`` over the shard's own nodes."""
    return shard.node_entropy


def _contributions(shard: Shard) -> tuple[np.ndarray, np.ndarray]:
    """Every owned node's module and exit flow into the rest of the network
    (its links to nodes of other modules)."""
    n_own = shard.num_owned
    graph = shard.net.graph
    labels = shard.labels
    counts = np.diff(graph.indptr[:n_own + 1])
    src = np.repeat(np.arange(n_own), counts)
    dst = graph.neighbours[:graph.indptr[n_own]]
    out = graph.out_flow[:graph.indptr[n_own]]
    outside = labels[src] != labels[dst]
    exit_ = np.bincount(src[outside], weights=out[outside], minlength=n_own)
    return labels[:n_own].copy(), exit_


def _group_sum(ids, *values):
    """Sum ``values`` over equal ``ids``; return sorted unique ids and sums."""
    keys, inverse = np.unique(ids, return_inverse=True)
    return (keys, *[np.bincount(inverse, weights=v, minlength=keys.shape[0]) for v in values])


def prepare(shard: Shard, label_messages: list[tuple]) -> tuple:
    """Step 1 of a round: apply the ghosts' new labels; return ``(shard,
    outbox)``, ``outbox[j]`` the message to home ``j``: ``(deltas,
    requests)``, the changes of this shard's contributions to the modules
    homed there (ids, flow, exit, members) and the ids of the modules
    whose flows it needs."""
    n_own = shard.num_owned
    for ids, labels in label_messages:
        if ids.shape[0]:
            shard.labels[n_own + _lookup(shard.ghosts, ids)] = labels
    old_module, old_exit = shard.reported
    module, exit_ = _contributions(shard)
    changed = (module != old_module) | (exit_ != old_exit)
    flow = shard.net.node_data.flow[:n_own][changed]
    was = old_module[changed] >= 0
    ids = np.concatenate([old_module[changed][was], module[changed]])
    d_flow = np.concatenate([-flow[was], flow])
    d_exit = np.concatenate([-old_exit[changed][was], exit_[changed]])
    d_members = np.concatenate([-np.ones(int(was.sum())), np.ones(int(changed.sum()))])
    shard.reported = (module, exit_)
    grouped = _group_sum(ids, d_flow, d_exit, d_members)
    deltas = _by_shard(shard.sharding, *grouped)
    requests = _requests(shard.sharding, np.unique(shard.labels))
    return shard, list(zip(deltas, requests, strict=True))


def _sent(index: int, messages: list) -> int:
    """Bytes of ``messages`` (one per shard) but the one to or from shard
    ``index`` itself: what crosses between shards."""
    return sum(nbytes(m) for j, m in enumerate(messages) if j != index)


def reconcile(shard: Shard, inbox: list[tuple], node_entropy: float = 0.0) -> tuple:
    """Step 2 of a round, on a module's home: add the contributions'
    changes to the module table; return ``(shard, replies, sums)``:
    ``replies[k]`` the flows of the modules shard ``k`` asked for (in
    ``inbox[k]``, its :func:`prepare` message), and ``sums`` this home's
    share of the map equation's sums (see :func:`codelength_from_sums`),
    then the bytes of the messages this step received from and sent to
    other shards."""
    deltas = [message[0] for message in inbox]
    requests = [message[1] for message in inbox]
    ids = np.concatenate([d[0] for d in deltas])
    if ids.shape[0]:
        table_ids, flow, exit_, members = shard.table
        all_ids = np.concatenate([table_ids, ids])
        keys, inverse = np.unique(all_ids, return_inverse=True)
        merged = []
        for column, index in ((flow, 1), (exit_, 2), (members, 3)):
            values = np.concatenate([column, np.concatenate([d[index] for d in deltas])])
            merged.append(np.bincount(inverse, weights=values, minlength=keys.shape[0]))
        members = np.rint(merged[2]).astype(np.int64)
        keep = members > 0
        shard.table = (keys[keep], merged[0][keep], merged[1][keep], members[keep])
    table_ids, flow, exit_, members = shard.table
    replies = []
    for wanted in requests:
        at = _lookup(table_ids, wanted)
        if wanted.shape[0] and (at.max() >= table_ids.shape[0]
                                or not np.array_equal(table_ids[at], wanted)):
            raise RuntimeError("a shard asked for a module its home does not hold")
        replies.append((wanted, flow[at], exit_[at], members[at]))
    from ._core.mapeq import entropy_terms

    sums = (float(exit_.sum()), float(entropy_terms(exit_)),
            float(entropy_terms(exit_ + flow)), int(table_ids.shape[0]), node_entropy,
            _sent(shard.index, inbox) + _sent(shard.index, replies))
    return shard, replies, sums


def codelength_from_sums(sums: list[tuple]) -> tuple[float, int]:
    """The two-level codelength of the partition and its number of modules,
    from every home's ``sums`` (undirected flow: a module enters as much as
    it exits), the node term from every shard's own nodes."""
    from ._core.mapeq import plogp

    total_exit = sum(s[0] for s in sums)
    plogp_exit = sum(s[1] for s in sums)
    plogp_exit_flow = sum(s[2] for s in sums)
    node_term = sum(s[4] for s in sums)
    length = plogp(total_exit) - 2.0 * plogp_exit + plogp_exit_flow - node_term
    return float(length), int(sum(s[3] for s in sums))


def sweep_shard(shard: Shard, replies: list[tuple], sum_exit: float, skip_joined: bool,
                parity: int, sweeps: int = 1) -> tuple:
    """Step 3 of a round: move every owned node once (``sweeps`` times), in
    random order, with the engine's sweep, against the module flows in
    ``replies`` (each home's answer to :func:`prepare`'s requests) and the
    total exit flow ``sum_exit``; ghosts do not move.  Return ``(shard,
    label_messages, (moved, sent))``: the new labels of the boundary nodes
    that changed, one message per shard that sees them, the number of
    nodes moved and the bytes of the messages bound for other shards.

    A module with members outside this shard counts two extra members
    here, so that the sweep neither empties it nor moves a ghost after a
    mover (its follow rule), and the only empty modules it offers are those
    this shard emptied itself (named as before: ids never clash)."""
    from ._core import mapeq
    from ._core.moves import (
        ENTER,
        EXIT,
        FLOW,
        PLOGP_ENTER,
        PLOGP_EXIT,
        PLOGP_EXIT_FLOW,
        Scratch,
        new_partition,
        sweep,
    )
    from ._core.rng import shuffle

    n_own = shard.num_owned
    net = shard.net
    n_local = shard.labels.shape[0]
    ids = np.concatenate([r[0] for r in replies])
    order = np.argsort(ids)
    ids = ids[order]
    flow = np.concatenate([r[1] for r in replies])[order]
    exit_ = np.concatenate([r[2] for r in replies])[order]
    members = np.concatenate([r[3] for r in replies])[order]
    local = _lookup(ids, shard.labels)
    state = new_partition(net, local)
    modules = state.modules
    modules[:] = 0.0
    k = ids.shape[0]
    modules[:k, FLOW] = flow
    modules[:k, ENTER] = exit_
    modules[:k, EXIT] = exit_
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp_exit = np.where(exit_ > 0, exit_ * np.log2(np.where(exit_ > 0, exit_, 1.0)), 0.0)
        total = exit_ + flow
        plogp_total = np.where(total > 0, total * np.log2(np.where(total > 0, total, 1.0)), 0.0)
    modules[:k, PLOGP_ENTER] = plogp_exit
    modules[:k, PLOGP_EXIT] = plogp_exit
    modules[:k, PLOGP_EXIT_FLOW] = plogp_total
    here = np.bincount(local[:n_own], minlength=n_local)
    state.members[:] = here
    state.members[:k] += 2 * (members > here[:k])
    state.num_empty[0] = 0
    state.terms[:] = 0.0
    state.terms[mapeq.SUM_ENTER] = sum_exit
    constants = mapeq.new_constants(0.0, 0.0, np.zeros(3))
    graph = net.graph
    max_degree = int(np.diff(graph.indptr[:n_own + 1]).max()) if n_own else 0
    room = max_degree + 1
    scratch = Scratch(np.ones(n_local, dtype=np.bool_), np.arange(n_own),
                      np.full(n_local, -1, dtype=np.int64), np.empty(room, dtype=np.int64),
                      np.empty(room), np.empty(room), np.empty(room))
    moved = 0
    for s in range(sweeps):
        shuffle(shard.rng, scratch.order)
        scratch.dirty[:] = True
        moved += int(sweep(net, state, constants, shard.rng, scratch, skip_joined and s == 0,
                           False, True))
    before = shard.labels[:n_own].copy()
    after = ids[state.labels[:n_own]]
    # Two neighbours in different shards must not swap modules (each moving
    # to the other's, then back, round after round): a boundary node moves
    # only to a module of a lower id in even rounds, of a higher id in odd
    # ones, so of a swap one move stands.  (The shard's own moves that
    # followed a move undone are kept: every label is a module, and the
    # next round reconciles the flows of what the labels are.)
    upward = after > before
    undone = shard.boundary & (after != before) & (upward != bool(parity))
    after[undone] = before[undone]
    moved = int(np.count_nonzero(after != before))
    shard.labels[:n_own] = after
    node, target = shard.ghosted_in
    changed = shard.labels[node] != before[node]
    node, target = node[changed], target[changed]
    messages = []
    for j in range(shard.sharding.num_shards):
        mine = node[target == j]
        messages.append((shard.owned[mine], shard.labels[mine]))
    return shard, messages, (moved, _sent(shard.index, messages))


def aggregate_rows(shard: Shard) -> tuple:
    """Return ``(pieces, flows)``: the shard's rows summed into rows between
    modules (a module's internal flow as its self-row), one piece per home
    of the source module, to build the next level from
    (:func:`build_shard`), in flow units (their total is 1)."""
    local_src, local_dst, w = shard.rows
    total = shard.extra["total"]
    src = shard.labels[local_src]
    dst = shard.labels[local_dst]
    src, dst, w = _sum_rows(src, dst, w / total)
    return _by_shard(shard.sharding, src, dst, w)


def level_labels(shard: Shard) -> tuple[np.ndarray, np.ndarray]:
    """The owned nodes and their modules (the nodes of the next level)."""
    return shard.owned, shard.labels[:shard.num_owned].copy()


def _requests(sharding: Sharding, ids: np.ndarray) -> list[np.ndarray]:
    """The sorted ``ids`` split by home: a request to each shard."""
    return [piece[0] for piece in _by_shard(sharding, ids)]


def lookup_requests(labels: tuple, sharding: Sharding) -> list[np.ndarray]:
    """The module ids of ``labels`` (from :func:`level_labels`), by home."""
    return _requests(sharding, np.unique(labels[1]))


def answer_lookups(final: tuple, requests: list[np.ndarray]) -> list[np.ndarray]:
    """For each request (node ids of this home), the final module of each
    node, from ``final`` = ``(sorted node ids, their final modules)``."""
    ids, modules = final
    return [modules[_lookup(ids, wanted)] for wanted in requests]


def apply_lookups(labels: tuple, requests: list[np.ndarray],
                  answers: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(owned node ids, final modules)`` from the answers to
    :func:`lookup_requests`."""
    ids = np.concatenate(requests)
    modules = np.concatenate(answers)
    order = np.argsort(ids)
    ids, modules = ids[order], modules[order]
    return labels[0], modules[_lookup(ids, labels[1])]


def map_labels(labels: tuple, ids: np.ndarray, modules: np.ndarray) -> tuple:
    """Return ``(owned node ids, final modules)`` for a level whose modules
    are the nodes ``ids`` (sorted) of the coarse network, in ``modules``."""
    return labels[0], modules[_lookup(ids, labels[1])]


# --- The driver: levels of rounds, then the coarse network on one worker ----------------


def pick(value, *keys):
    """``value[keys[0]][keys[1]]...``: a part of a step's result."""
    for key in keys:
        value = value[key]
    return value


class InProcess:
    """Runs every step here, one after the other: shards as sequential
    steps of one process (the simulation of many shards, and the tests of
    the steps); :mod:`infomap_py.distributed` has the Dask runner."""

    def submit(self, fn, *args):
        return fn(*args)

    def part(self, handle, *keys):
        return pick(handle, *keys)

    def gather(self, handles):
        return list(handles)


@dataclass
class ShardedRun:
    """What :func:`run` found: every original node's top module
    (``nodes`` sorted, ``modules``), the result of the coarse network
    (``coarse``: one node per module of the last sharded level), the
    codelength on the original network, and a log of the rounds."""

    nodes: np.ndarray
    modules: np.ndarray
    coarse: object
    codelength: float
    rounds: list
    level_modules: list


def coarse_network(pieces: list[list[tuple]]):
    """Return ``(ids, network, entropy)``: the network of the modules of the
    last sharded level, built from every shard's :func:`aggregate_rows`
    (one node per module, ids sorted; links between modules carrying their
    flow each way, ``flow_model="precomputed"``; node weights the module
    flows) and ``sum(plogp(module flow))``."""
    from ._core.mapeq import entropy_terms
    from .network import Network

    rows = [piece for per_shard in pieces for piece in per_shard]
    src = np.concatenate([r[0] for r in rows])
    dst = np.concatenate([r[1] for r in rows])
    w = np.concatenate([r[2] for r in rows])
    src, dst, w = _sum_rows(src, dst, w)
    total = float(w.sum())
    ids = np.unique(src)
    node_flow = np.bincount(_lookup(ids, src), weights=w / total, minlength=ids.shape[0])
    once = src < dst
    network = Network(_lookup(ids, src[once]), _lookup(ids, dst[once]), w[once] / total,
                      int(ids.shape[0]), False, nodes=range(int(ids.shape[0])),
                      node_weights=node_flow)
    return ids, network, float(entropy_terms(node_flow))


def cluster_coarse(pieces: list[list[tuple]], options: dict) -> tuple:
    """Build :func:`coarse_network` and cluster it with the ordinary engine
    (fine- and coarse-tuning, multilevel); return ``(ids, top modules,
    result, entropy)``."""
    from .api import cluster

    ids, network, entropy = coarse_network(pieces)
    options = dict(options)
    num_top = options.pop("initial_top", None)
    if num_top is not None:
        # Sub-modules (bottom * num_top + module) start in their module.
        options["initial_partition"] = (ids % num_top).tolist()
    result = cluster(network, flow_model="precomputed", **options)
    return ids, np.asarray(result.labels), result, entropy


def relabel(shard: Shard, owned_labels: tuple, requests: list[np.ndarray],
            answers: list[np.ndarray]) -> Shard:
    """Start the shard's rounds again from a partition: ``owned_labels``
    ``(owned ids, modules)`` and the ghosts' modules (``answers`` to
    ``requests``, the ghosts by home); no contribution reported yet."""
    n_own = shard.num_owned
    shard.labels[:n_own] = owned_labels[1]
    if shard.ghosts.shape[0]:
        ids = np.concatenate(requests)
        modules = np.concatenate(answers)
        order = np.argsort(ids)
        shard.labels[n_own:] = modules[order][_lookup(ids[order], shard.ghosts)]
    shard.reported = (np.full(n_own, -1, dtype=np.int64), np.zeros(n_own))
    shard.table = (np.zeros(0, np.int64), np.zeros(0), np.zeros(0), np.zeros(0, np.int64))
    return shard


def ghost_requests(shard: Shard) -> list[np.ndarray]:
    """The shard's ghosts, by the shard that owns them."""
    return _requests(shard.sharding, shard.ghosts)


def keep_labels(shard: Shard) -> Shard:
    """Remember the shard's labels as its bottom modules (before tuning)."""
    shard.extra["bottom"] = shard.labels[:shard.num_owned].copy()
    return shard


def combine_labels(shard: Shard, num_top: int) -> Shard:
    """Label every own node with its sub-module: the part of its bottom
    module (:func:`keep_labels`) in its present module, ``bottom * num_top
    + module`` (modules ``0..num_top-1``)."""
    n_own = shard.num_owned
    bottom = shard.extra["bottom"]
    if n_own and bottom.max() >= (1 << 62) // num_top:
        raise OverflowError("node ids too large to name the sub-modules of fine-tuning")
    shard.labels[:n_own] = bottom * num_top + shard.labels[:n_own]
    return shard


def _rounds(runner, shards: list, entropy: float, log: list, level: int, *,
            max_rounds: int, min_moved: float, sweeps: int, skip_first: bool,
            num_nodes: int | None = None) -> tuple[list, int, int]:
    """Run rounds (prepare, reconcile, sweep) until a sweep moves at most
    ``min_moved`` of the nodes (a fraction, at least one) or ``max_rounds``
    sweeps ran, then reconcile once more; return ``(shards, nodes,
    modules)``: the modules counted by the homes, and the nodes
    (``num_nodes``, or where ``None``, the modules before the first sweep:
    every node alone).  ``level`` names the rounds in ``log`` (-1:
    fine-tuning)."""
    K = len(shards)
    messages = [[] for _ in range(K)]
    moved, sent_sweep = None, 0
    for r in range(max_rounds + 1):
        prepared = [runner.submit(prepare, shards[k], messages[k]) for k in range(K)]
        shards = [runner.part(p, 0) for p in prepared]
        reconciled = [runner.submit(reconcile, shards[j], [runner.part(p, 1, j) for p in prepared],
                                    entropy if j == 0 else 0.0) for j in range(K)]
        shards = [runner.part(c, 0) for c in reconciled]
        sums = runner.gather([runner.part(c, 2) for c in reconciled])
        sent = sum(s[5] for s in sums) + sent_sweep
        length, num_modules = codelength_from_sums(sums)
        if num_nodes is None:
            num_nodes = num_modules
        log.append((level, r, moved if moved is not None else 0, length, num_modules, sent))
        if r == max_rounds or (moved is not None and moved <= max(1.0, min_moved * num_nodes)):
            break
        swept = [runner.submit(sweep_shard, shards[k],
                               [runner.part(c, 1, k) for c in reconciled],
                               sum(s[0] for s in sums), skip_first and r == 0, r % 2, sweeps)
                 for k in range(K)]
        shards = [runner.part(s, 0) for s in swept]
        messages = [[runner.part(s, 1, k) for s in swept] for k in range(K)]
        stats = runner.gather([runner.part(s, 2) for s in swept])
        moved = sum(m for m, _ in stats)
        sent_sweep = sum(b for _, b in stats)
    return shards, num_nodes, num_modules


def _final_labels(runner, sharding: Sharding, labels: list, below: list, ids, top) -> list:
    """Handles of ``(owned ids, top module)`` of every bottom-level shard:
    the coarse network's ``top`` (of its nodes ``ids``) mapped down the
    sharded levels (``labels``: the last level's :func:`level_labels`,
    ``below``: the lower levels')."""
    K = sharding.num_shards
    finals = [runner.submit(map_labels, lab, ids, top) for lab in labels]
    for lower in reversed(below):
        requests = [runner.submit(lookup_requests, lab, sharding) for lab in lower]
        answers = [runner.submit(answer_lookups, finals[j],
                                 [runner.part(q, j) for q in requests]) for j in range(K)]
        finals = [runner.submit(apply_lookups, lower[k], requests[k],
                                [runner.part(a, k) for a in answers]) for k in range(K)]
    return finals


def run(runner, pieces: list[list], sharding: Sharding, seed: int, options: dict, *,
        coarse_threshold: int, max_rounds: int, min_moved: float, sweeps_per_round: int,
        max_levels: int, tune: bool = True) -> ShardedRun:
    """Run the sharded search on ``runner`` (see :class:`InProcess`) from
    ``pieces[k]``, the rows of shard ``k`` (handles of
    :func:`edge_rows`'s pieces).

    1. Levels of rounds (:func:`_rounds`) from every node alone; while
       more than ``coarse_threshold`` modules are left (and fewer than
       ``max_levels`` levels ran), the modules become the nodes of the next
       sharded level.
    2. The modules' network is clustered by the ordinary engine on one
       worker (:func:`cluster_coarse`, with ``options``).
    3. With ``tune`` (fine-tuning): rounds on the original nodes from that
       partition, each node free to move between the modules; then the
       engine once more, on the network of the parts of the first level's
       modules in the tuned modules, from the tuned partition.
    4. The labels are mapped back to the original nodes.
    """
    K = sharding.num_shards
    rounds = dict(max_rounds=max_rounds, min_moved=min_moved, sweeps=sweeps_per_round)
    log = []
    level_modules = []
    below = []  # each lower level's handles of level_labels, per shard
    entropy = None
    bottom = None
    level = 0
    while True:
        shards = [runner.submit(build_shard, k, sharding, pieces[k]) for k in range(K)]
        total = sum(runner.gather([runner.submit(total_weight, s) for s in shards]))
        if not total > 0.0:
            from .errors import InputFormatError

            raise InputFormatError("edges", None, "the network has no link of positive weight")
        shards = [runner.submit(start_level, s, total, seed + level) for s in shards]
        if entropy is None:
            entropy = sum(runner.gather([runner.submit(node_entropy, s) for s in shards]))
        shards, num_nodes, num_modules = _rounds(runner, shards, entropy, log, level,
                                                 skip_first=level == 0, **rounds)
        level_modules.append((num_nodes, num_modules))
        if bottom is None:
            bottom = shards = [runner.submit(keep_labels, s) for s in shards]
        labels = [runner.submit(level_labels, s) for s in shards]
        aggregated = [runner.submit(aggregate_rows, s) for s in shards]
        if (num_modules <= coarse_threshold or level + 1 >= max_levels
                or num_modules >= num_nodes):
            break
        below.append(labels)
        pieces = [[runner.part(a, k) for a in aggregated] for k in range(K)]
        level += 1
    ids, top, result, coarse_entropy = runner.gather(
        [runner.submit(cluster_coarse, aggregated, options)])[0]
    finals = _final_labels(runner, sharding, labels, below, ids, top)
    if tune and result.num_top_modules > 1:
        num_top = int(result.num_top_modules)
        requests = [runner.submit(ghost_requests, s) for s in bottom]
        answers = [runner.submit(answer_lookups, finals[j],
                                 [runner.part(q, j) for q in requests]) for j in range(K)]
        shards = [runner.submit(relabel, bottom[k], finals[k], requests[k],
                                [runner.part(a, k) for a in answers]) for k in range(K)]
        shards, _, _ = _rounds(runner, shards, entropy, log, -1, skip_first=False,
                               num_nodes=level_modules[0][0], **rounds)
        shards = [runner.submit(combine_labels, s, num_top) for s in shards]
        # The ghosts' sub-modules, from their shards.
        combined = [runner.submit(level_labels, s) for s in shards]
        answers = [runner.submit(answer_lookups, combined[j],
                                 [runner.part(q, j) for q in requests]) for j in range(K)]
        shards = [runner.submit(relabel, shards[k], combined[k], requests[k],
                                [runner.part(a, k) for a in answers]) for k in range(K)]
        aggregated = [runner.submit(aggregate_rows, s) for s in shards]
        tuned = runner.gather([runner.submit(cluster_coarse, aggregated,
                                             {**options, "initial_top": num_top})])[0]
        ids, top, result, coarse_entropy = tuned
        finals = [runner.submit(map_labels, runner.submit(level_labels, s), ids, top)
                  for s in shards]
    parts = runner.gather(finals)
    nodes = np.concatenate([p[0] for p in parts])
    modules = np.concatenate([p[1] for p in parts])
    order = np.argsort(nodes)
    codelength = float(result.codelength) + coarse_entropy - entropy
    return ShardedRun(nodes[order], modules[order], result, codelength, log, level_modules)
