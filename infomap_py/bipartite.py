"""Flow of bipartite networks, with the official Infomap's semantics.

A bipartite network has *primary* nodes and *feature* nodes (ids at least
``Network.bipartite_start_id``).  By default the flow model's flow is
computed as usual and then moved off the feature nodes: every link's flow
goes to its primary end (its source, unless the source is a feature node),
the feature nodes get no flow (and no teleportation), and the link flows
are doubled -- two steps on the bipartite network make one step between
primary nodes.  ``skip_adjust_bipartite_flow`` keeps the flow model's flow
as it is.  ``bipartite_teleportation`` does not move flow either; with the
directed model it replaces PageRank by a two-step walk that teleports to
primary nodes only (primary -> feature -> primary), and with every model it
doubles the link flows.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

#: Power iteration of the two-step walk, as the official Infomap runs it:
#: at least this many steps ...
MIN_ITERATIONS = 50
#: ... at most this many ...
MAX_ITERATIONS = 400
#: ... stopping once the L1 change of the primary nodes' flow is at most this.
TOLERANCE = 1e-15


class TwoStepFlow(NamedTuple):
    """What :func:`two_step_pagerank` gives: node and link flow, the
    teleportation weights, and how the iteration converged."""

    node_flow: np.ndarray
    link_flow: np.ndarray
    teleport_weight: np.ndarray
    iterations: int
    error: float
    converged: bool


def feature_mask(node_ids: np.ndarray, start_id: int) -> np.ndarray:
    """Return which nodes are feature nodes: those with id ``>= start_id``."""
    return np.asarray(node_ids) >= start_id


def feature_side(node_ids: np.ndarray, start_id: int) -> np.ndarray:
    """Return which nodes the official adjustment of the flow treats as
    feature nodes (:func:`adjust_flow`).

    The official Infomap 2.16 looks up the position of the node with the
    start id and compares positions with it.  Those are the feature nodes
    (its nodes are in id order) where such a node exists; where none has
    the start id, the look-up gives position 0, and every node counts as a
    feature node.
    """
    node_ids = np.asarray(node_ids)
    if not (node_ids == start_id).any():
        return np.ones(node_ids.shape[0], dtype=bool)
    return feature_mask(node_ids, start_id)


def adjust_flow(node_flow: np.ndarray, source: np.ndarray, target: np.ndarray,
                link_flow: np.ndarray, feature: np.ndarray,
                node_ids: np.ndarray, side: np.ndarray | None = None,
                twins_merged: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Move the flow of feature nodes onto primary nodes.

    Links are taken in the official order (links from primary nodes first,
    each group by source id, then target id).  Each link adds its flow to
    its primary end (the target if the source is a feature node, else the
    source) and leaves its other end uncoded: flow zero, including what it
    had gained before.  On a proper bipartite network (every link between a
    primary and a feature node) the order does not matter.  ``side``
    (default ``feature``) says which sources count as feature nodes in
    that test (:func:`feature_side`: every node, as in the official, where
    no node has the start id).

    Returns
    -------
    node_flow : numpy.ndarray
        The adjusted node flow, normalised to sum 1.
    uncoded : numpy.ndarray of bool
        The nodes left without flow (and without teleportation).
    """
    n = node_flow.shape[0]
    if twins_merged:
        source, target = _merge_twins(source, target, node_ids)
    order = np.lexsort((node_ids[target], node_ids[source], feature[source]))
    src, dst, flow = source[order], target[order], link_flow[order]
    from_feature = (feature if side is None else side)[src]
    gains = np.where(from_feature, dst, src)
    loses = np.where(from_feature, src, dst)
    position = np.arange(src.shape[0])
    last_uncoded = np.full(n, -1, dtype=np.int64)
    np.maximum.at(last_uncoded, loses, position)
    counted = position > last_uncoded[gains]
    uncoded = last_uncoded >= 0
    adjusted = np.where(uncoded, 0.0, node_flow) + np.bincount(
        gains[counted], weights=flow[counted], minlength=n)
    total = adjusted.sum()
    return (adjusted / total if total > 0.0 else adjusted), uncoded


def _merge_twins(source: np.ndarray, target: np.ndarray, node_ids: np.ndarray):
    """Return the links with each one whose reverse is also a link turned
    to run from the lower id to the higher, as the official Infomap
    merges the two links of an undirected network into one."""
    ids = np.asarray(node_ids)
    n = ids.shape[0]
    keys = source * np.int64(n) + target
    twin = np.isin(target * np.int64(n) + source, keys) & (source != target)
    turn = twin & (ids[source] > ids[target])
    return np.where(turn, target, source), np.where(turn, source, target)


def check_two_step_links(source: np.ndarray, feature: np.ndarray) -> None:
    """Raise ``ValueError`` unless some link runs from a feature node (the
    second step of the two-step walk needs one)."""
    if not feature[source].any():
        raise ValueError(
            f"bipartite_teleportation needs links from feature nodes back to primary nodes, "
            f"and all {source.shape[0]} links run from primary nodes; use an undirected "
            "network, add the links back, or drop bipartite_teleportation")


def two_step_pagerank(source: np.ndarray, target: np.ndarray, weight: np.ndarray,
                      feature: np.ndarray, teleport_weight: np.ndarray, alpha: float,
                      recorded: bool, iteration=None,
                      side: np.ndarray | None = None) -> TwoStepFlow:
    """Return the directed flow of a two-step walk primary -> feature -> primary.

    The walker teleports (with probability ``alpha``, and from dangling
    nodes) to primary nodes by ``teleport_weight``; a step along a link from
    a primary node is followed by a step along a link from the feature node
    reached.  Without ``recorded`` teleportation, one last two-step without
    teleportation gives the coded flow.  Link flows are not yet doubled.
    ``iteration`` (a :class:`~infomap_py.flow.FlowIteration`) overrides the
    step limits and the tolerance; its cap 0 keeps :data:`MAX_ITERATIONS`.
    The walk teleports to, and measures its change on, the nodes outside
    ``side`` (default ``feature``; :func:`feature_side`, under which, as
    in the official, no node is primary where none has the start id: the
    walk then only decays, and its flow is what is left after the steps).
    """
    most, least, tolerance = MAX_ITERATIONS, MIN_ITERATIONS, TOLERANCE
    if iteration is not None:
        most = iteration.max_iterations or MAX_ITERATIONS
        least, tolerance = iteration.min_iterations, iteration.tolerance
    n = feature.shape[0]
    out_weight = np.bincount(source, weights=weight, minlength=n)
    dangling = np.bincount(source, minlength=n) == 0
    has_out = out_weight[source] > 0
    step = np.where(has_out, weight / np.where(has_out, out_weight[source], 1.0), weight)
    first = ~feature[source]
    first_src, first_dst, first_step = source[first], target[first], step[first]
    second_src, second_dst, second_step = source[~first], target[~first], step[~first]
    primary = ~(feature if side is None else side)

    tele = teleport_weight / teleport_weight.sum()
    flow = tele.copy()
    tmp = np.zeros(n)
    beta = 1.0 - alpha
    err = 0.0
    dangling_rank = 0.0
    iterations = 0
    while True:
        old_err = err
        dangling_rank = float(flow[dangling].sum())
        tmp = np.where(primary, (alpha + beta * dangling_rank) * tele, 0.0)
        flow = flow + np.bincount(first_dst, weights=beta * first_step * flow[first_src],
                                  minlength=n)
        tmp += np.bincount(second_dst, weights=second_step * flow[second_src], minlength=n)
        total = float(tmp[primary].sum())
        err = float(np.abs(tmp[primary] - flow[primary]).sum())
        flow = tmp / total if abs(total - 1.0) > 1e-10 and total > 0.0 else tmp.copy()
        if abs(err - old_err) < 1e-17:
            alpha += 1e-12
            beta = 1.0 - alpha
        iterations += 1
        if iterations >= most or (err <= tolerance and iterations >= least):
            break

    # One last first step (without teleportation) gives the feature nodes the
    # flow that their links carry on; the official Infomap 2.16 does this
    # with recorded teleportation too.
    tmp = tmp + np.bincount(first_dst, weights=first_step * tmp[first_src], minlength=n)
    if recorded:
        node_flow, scale = flow, beta
    else:
        node_flow = np.bincount(second_dst, weights=second_step * tmp[second_src], minlength=n)
        # That step loses the flow of dangling nodes; the official 2.16 gives
        # the node flow normalised (its link flow is scaled by the dangling rank).
        total = float(node_flow.sum())
        if abs(total - 1.0) > 1e-10 and total > 0.0:
            node_flow = node_flow / total
        scale = 1.0 / (1.0 - dangling_rank)
    link_flow = step * scale * tmp[source]
    return TwoStepFlow(node_flow, link_flow, tele, iterations, err, err <= tolerance)
