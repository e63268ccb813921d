"""Flow models: how a random walker visits nodes and uses links.

The definitions follow the official Infomap exactly (``FlowCalculator``):

* ``undirected``: node flow proportional to strength; every link carries
  ``w / (2 W - W_self)`` in each direction.
* ``directed``: PageRank with teleportation probability ``alpha``, to links
  (proportional to out-weight) or to nodes; unrecorded teleportation (the
  default) codes the flow one step along links after convergence.
* ``undirdir`` / ``outdirdir``: undirected (or out-link) flow, then one step
  along the directed links.
* ``rawdir``: link weights are the link flows.

``markov_time`` scales the flow on links (not the node flow).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from .network import Network

# The kernels (``._core``, which imports Numba) and SciPy are imported by the
# functions that call them, so that ``import infomap_py`` stays light.

FLOW_MODELS = ("undirected", "directed", "undirdir", "outdirdir", "rawdir")

#: Power-iteration steps before a slow PageRank is solved for directly ...
FIRST_ITERATIONS = 200
#: ... and the cap on the steps after that, which binds only in pathological
#: cases (the iteration then reports ``flow_converged=False``).
MAX_ITERATIONS = 10_000


@dataclass(frozen=True)
class Flow:
    """The coded flow of a network.

    Attributes
    ----------
    node_flow : numpy.ndarray
        Visit rate of every node (sums to 1 unless the network has no links).
    source, target, link_flow : numpy.ndarray
        Flow on every link between two different nodes, per direction used;
        when ``symmetric``, each link stands for both directions and carries
        ``link_flow`` in each (see :meth:`directed_links`).
    teleport_source, teleport_weight : numpy.ndarray
        With recorded teleportation: the flow each node teleports away and
        the share of teleportation landing on it (zeros otherwise).
    model : str
        The flow model used.
    symmetric : bool
        Whether every link carries the same flow in both directions and is
        stored once (the undirected model), halving the link arrays.
    flow_iterations : int
        Power-iteration steps of the directed model's PageRank (0 for the
        other models, whose flow is computed in closed form).
    flow_error : float
        The L1 change of the node flow in the last step (0 for the other
        models).
    flow_converged : bool
        Whether that change is at most 1e-15, the official Infomap's
        tolerance (always true for the other models).
    physical : numpy.ndarray of int64 or None
        For the flow of a state network (whose nodes are state nodes): the
        physical node of every state, which the map equation codes
        (:class:`~infomap_py.network.StateNetwork`); ``None`` otherwise.
    self_nodes, self_flow : numpy.ndarray or None
        The node of every self-link and its flow (per direction, as
        ``link_flow``), which the map equation does not code but the
        official flow network output (``-o flow``) lists; ``None`` where
        there are none.
    """

    node_flow: np.ndarray
    source: np.ndarray
    target: np.ndarray
    link_flow: np.ndarray
    teleport_source: np.ndarray
    teleport_weight: np.ndarray
    model: str
    symmetric: bool = False
    flow_iterations: int = 0
    flow_error: float = 0.0
    flow_converged: bool = True
    physical: np.ndarray | None = None
    self_nodes: np.ndarray | None = None
    self_flow: np.ndarray | None = None

    @property
    def physical_flow(self) -> np.ndarray:
        """The flow of every physical node: the states' flow summed per
        physical node for a state network, else the node flow."""
        if self.physical is None:
            return self.node_flow
        return np.bincount(self.physical, weights=self.node_flow)

    @property
    def num_nodes(self) -> int:
        """The number of nodes."""
        return int(self.node_flow.shape[0])

    def directed_links(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return ``(source, target, link_flow)`` with one entry per direction
        that carries flow (a symmetric flow's links listed both ways)."""
        if not self.symmetric:
            return self.source, self.target, self.link_flow
        return (np.concatenate([self.source, self.target]),
                np.concatenate([self.target, self.source]),
                np.concatenate([self.link_flow, self.link_flow]))

    @property
    def teleport_total(self) -> float:
        """Total flow teleporting per step (0 without recorded teleportation)."""
        return float(self.teleport_source.sum())


def compute_flow(
    network: Network,
    flow_model: str,
    teleportation: float = 0.15,
    to_nodes: bool = False,
    recorded_teleportation: bool = False,
    markov_time: float = 1.0,
    bipartite_teleportation: bool = False,
    skip_adjust_bipartite_flow: bool = False,
    relax_to_self: np.ndarray | None = None,
) -> Flow:
    """Return the flow of ``network`` under ``flow_model`` (arguments checked by the caller).

    A bipartite network (``network.bipartite_start_id`` set) gets the
    official bipartite flow (:mod:`infomap_py.bipartite`): feature nodes
    hand their flow to primary nodes unless ``skip_adjust_bipartite_flow``;
    ``bipartite_teleportation`` makes the directed model a two-step walk
    that teleports to primary nodes only.

    The links of an undirected network are used in both directions by every
    flow model, so that its flow depends on the graph alone, not on the
    order or direction in which its edges happen to be stored.  Weights are
    scaled by a power of two first (exactly), so that only their ratios
    matter, however large or small they are.
    """
    n = network.num_nodes
    src, dst, w = network.source, network.target, scale_to_unit(network.weight)
    if not network.directed and flow_model != "undirected":
        src, dst, w = _both_ways(src, dst, w)
    transit = None if relax_to_self is None else relax_to_self_transit(
        src, dst, np.asarray(relax_to_self, dtype=np.int64))
    feature = None
    if network.bipartite_start_id is not None:
        from .bipartite import feature_mask

        feature = feature_mask(network.node_ids, network.bipartite_start_id)
    zeros = np.zeros(n)
    is_self = src == dst
    sum_weight = float(w.sum())
    if sum_weight <= 0.0:
        empty_i = np.zeros(0, dtype=np.int64)
        return Flow(zeros, empty_i, empty_i, np.zeros(0), zeros, zeros.copy(), flow_model)
    sum_undirected = 2.0 * sum_weight - float(w[is_self].sum())

    undirected_flow = flow_model in ("undirected", "undirdir")
    out_weight = np.bincount(src, weights=w, minlength=n)
    out_degree = np.bincount(src, minlength=n)
    if undirected_flow:
        out_weight += np.bincount(dst[~is_self], weights=w[~is_self], minlength=n)
        out_degree += np.bincount(dst[~is_self], minlength=n)
    start_flow = np.bincount(src, weights=w / sum_undirected, minlength=n)
    if flow_model != "outdirdir":
        start_flow += np.bincount(
            dst[~is_self], weights=w[~is_self] / sum_undirected, minlength=n
        )

    tele_source = zeros
    tele_weight = zeros.copy()
    convergence = (0, 0.0, True)
    if flow_model == "undirected":
        node_flow = start_flow
        link_flow = w / (sum_undirected / 2.0)
    elif flow_model == "rawdir":
        link_flow = w / sum_weight
        node_flow = np.bincount(dst, weights=link_flow, minlength=n)
        node_flow /= node_flow.sum()
    elif flow_model in ("undirdir", "outdirdir"):
        step = start_flow[src] / out_weight[src]
        node_flow = np.bincount(dst, weights=step * w, minlength=n)
        total = node_flow.sum()
        link_flow = w * step / total
        node_flow /= node_flow.sum()
    elif feature is not None and bipartite_teleportation:  # directed, two-step
        node_flow, link_flow, tele_weight, convergence, tele_source = _two_step_flow(
            network, src, dst, w, feature, teleportation, to_nodes, recorded_teleportation)
    else:  # directed: PageRank
        if to_nodes:
            weights = (
                np.ones(n) if network.node_weights is None
                else scale_to_unit(network.node_weights)
            )
            if not weights.sum() > 0.0:
                raise ValueError("teleportation to nodes needs a node weight > 0; "
                                 "every node weight is 0")
            tele_weight = weights / weights.sum()
        else:
            toward = dst if recorded_teleportation else src
            tele_weight = np.bincount(toward, weights=w / sum_weight, minlength=n)
        has_out = out_weight[src] > 0
        transition = np.where(has_out, w / np.where(has_out, out_weight[src], 1.0), w)
        dangling = np.flatnonzero(out_degree == 0)
        relay = None if transit is None else _relay_shares(src, transition, transit, n)
        if transit is not None and recorded_teleportation and not to_nodes:
            # As the official: teleportation lands where the two-step walk
            # arrives, so a transit link's weight lands beyond its target
            # (lost, not renormalised, where the target has no onward link).
            tele_weight = _two_step(src, dst, w / sum_weight, transit, relay, n)
        rank = _pagerank(src, dst, transition, dangling, tele_weight, start_flow,
                         float(teleportation), transit, relay)
        convergence = (rank.iterations, rank.error, rank.converged)
        if recorded_teleportation:
            node_flow = rank.flow
            link_flow = transition * rank.beta * rank.previous[src]
            dangling_flow = np.zeros(n)
            dangling_flow[dangling] = node_flow[dangling]
            tele_source = teleportation * node_flow + (1.0 - teleportation) * dangling_flow
        else:
            sum_rank = 1.0 - rank.dangling_rank
            link_flow = transition * rank.previous[src] / sum_rank
            if transit is None:
                node_flow = np.bincount(dst, weights=link_flow, minlength=n)
            else:
                node_flow = _two_step(src, dst, link_flow, transit, relay, n)

    if feature is not None and (bipartite_teleportation or not skip_adjust_bipartite_flow):
        if not bipartite_teleportation:
            from .bipartite import adjust_flow

            node_flow, uncoded = adjust_flow(node_flow, src, dst, link_flow, feature,
                                             network.node_ids)
            if recorded_teleportation and flow_model == "directed":
                # Uncoded nodes get no teleportation; the rest share all of it.
                tele_weight = np.where(uncoded, 0.0, tele_weight)
                if tele_weight.sum() > 0.0:
                    tele_weight = tele_weight / tele_weight.sum()
                tele_source = _teleport_source(node_flow, out_degree, teleportation)
        # Two steps on the bipartite network make one step between primary nodes.
        link_flow = link_flow * 2.0
    if feature is not None and not node_flow.sum() > 0.0:
        raise ValueError("the bipartite flow is zero on every node: this flow model cannot "
                         "distribute flow over this network (e.g. directed recorded "
                         "teleportation when every link runs from primary to feature nodes)")
    if transit is not None:
        link_flow = link_flow + relay_transit_flow(src, dst, link_flow, transit,
                                                   np.asarray(relax_to_self, dtype=np.int64))
    link_flow = link_flow * markov_time
    source, target = src, dst
    self_links = {}
    if is_self.any():
        keep = ~is_self
        half = 0.5 if flow_model == "undirected" else 1.0
        self_links = dict(self_nodes=src[is_self], self_flow=link_flow[is_self] * half)
        source, target, link_flow = src[keep], dst[keep], link_flow[keep]
    if flow_model == "undirected":
        # Each undirected link carries half its flow in each direction; it is
        # stored once and marked symmetric rather than listed both ways.
        return Flow(node_flow, source, target, link_flow / 2.0, tele_source, tele_weight,
                    flow_model, True, *convergence, **self_links)
    return Flow(node_flow, source, target, link_flow, tele_source, tele_weight, flow_model,
                False, *convergence, **self_links)


def relax_to_self_transit(source: np.ndarray, target: np.ndarray,
                          physical: np.ndarray) -> np.ndarray:
    """Return which links are *transit* links of ``--multilayer-relax-to-self``:
    those between two different states of one physical node (the walker's
    move to the node itself in another layer)."""
    return (physical[source] == physical[target]) & (source != target)


def _relay_shares(source: np.ndarray, transition: np.ndarray, transit: np.ndarray,
                  n: int) -> np.ndarray:
    """Return the share of the flow arriving at a state on transit links that
    leaves along each of its other links: the link's transition
    probability over the state's total on non-transit links (0 on transit
    links and where that total is 0)."""
    kept = np.where(transit, 0.0, transition)
    total = np.bincount(source, weights=kept, minlength=n)
    return np.where(total[source] > 0.0, kept / np.where(total[source] > 0.0,
                                                          total[source], 1.0), 0.0)


def _two_step(source: np.ndarray, target: np.ndarray, link_flow: np.ndarray,
              transit: np.ndarray, relay: np.ndarray, n: int) -> np.ndarray:
    """Return the node flow one relax-to-self step gives: flow on non-transit
    links, plus flow on transit links relayed on along the target's
    other links (the transit target itself is not visited)."""
    arrived = np.bincount(target[transit], weights=link_flow[transit], minlength=n)
    step = np.where(transit, 0.0, link_flow)
    return (np.bincount(target, weights=step, minlength=n)
            + np.bincount(target, weights=arrived[source] * relay, minlength=n))


def relay_transit_flow(source: np.ndarray, target: np.ndarray, link_flow: np.ndarray,
                       transit: np.ndarray, physical: np.ndarray) -> np.ndarray:
    """Return the flow to add to every link for ``--multilayer-relax-to-self``.

    The flow crossing a transit link (to the state of the same physical
    node in another layer) continues along the target state's links to
    other physical nodes, split in proportion to their own flow; the
    official Infomap adds it to those links (keeping the transit link's
    flow too), so that module exit flows match the two-step walk.  Where
    the target has no such link, nothing is added.
    """
    n = physical.shape[0]
    arrived = np.bincount(target[transit], weights=link_flow[transit], minlength=n)
    onward = physical[source] != physical[target]
    total = np.bincount(source, weights=np.where(onward, link_flow, 0.0), minlength=n)
    usable = onward & (total[source] > 0.0)
    share = link_flow / np.where(usable, total[source], 1.0)
    return np.where(usable, arrived[source] * share, 0.0)


def _teleport_source(node_flow: np.ndarray, out_degree: np.ndarray,
                     teleportation: float) -> np.ndarray:
    """Return the flow every node teleports away per step: all of it from a
    dangling node, ``teleportation`` of it from the others."""
    return np.where(out_degree == 0, node_flow, teleportation * node_flow)


def _two_step_flow(network, src, dst, w, feature, teleportation, to_nodes, recorded):
    """The directed flow of ``bipartite_teleportation``: see
    :func:`infomap_py.bipartite.two_step_pagerank`."""
    from .bipartite import check_two_step_links, two_step_pagerank

    n = network.num_nodes
    check_two_step_links(src, feature)
    if to_nodes:
        weights = (np.ones(n) if network.node_weights is None
                   else scale_to_unit(network.node_weights))
        if not weights[~feature].sum() > 0.0:
            raise ValueError("teleportation to nodes needs a primary node weight > 0; "
                             "every primary node weight is 0")
    else:
        toward = np.where(feature[src], dst, -1) if recorded else np.where(feature[src], -1, src)
        keep = toward >= 0
        weights = np.bincount(toward[keep], weights=w[keep], minlength=n)
    walk = two_step_pagerank(src, dst, w, feature, weights, float(teleportation), recorded)
    tele_source = np.zeros(n)
    tele_weight = np.zeros(n)
    if recorded:
        tele_weight = walk.teleport_weight
        tele_source = _teleport_source(walk.node_flow, np.bincount(src, minlength=n),
                                       teleportation)
    convergence = (walk.iterations, walk.error, walk.converged)
    return walk.node_flow, walk.link_flow, tele_weight, convergence, tele_source


def scale_to_unit(weights: np.ndarray) -> np.ndarray:
    """Return ``weights`` times the power of two that brings their maximum
    into [0.5, 1), where it lies outside [2**-100, 2**100].

    Multiplying by a power of two is exact, so the ratios of the weights
    (all the flow depends on) are kept, and sums no longer overflow.
    """
    if weights.shape[0] == 0:
        return weights
    largest = float(weights.max())
    if largest == 0.0 or 2.0 ** -100 <= largest <= 2.0 ** 100:
        return weights
    return np.ldexp(weights, -np.frexp(largest)[1])


def _both_ways(src: np.ndarray, dst: np.ndarray, w: np.ndarray):
    """Return the links listed in both directions (self-links once)."""
    loop = src == dst
    return (np.concatenate([src, dst[~loop]]), np.concatenate([dst, src[~loop]]),
            np.concatenate([w, w[~loop]]))


class _PageRank(NamedTuple):
    """What the PageRank iteration gives: the flow, the last iterate before
    normalisation, the (possibly nudged) ``beta = 1 - alpha``, the flow on
    dangling nodes, and how it converged."""

    flow: np.ndarray
    previous: np.ndarray
    beta: float
    dangling_rank: float
    iterations: int
    error: float
    converged: bool


def _pagerank(src, dst, transition, dangling, tele_weight, start_flow, alpha,
              transit=None, relay=None) -> _PageRank:
    """Run the PageRank kernel to convergence.

    Small teleportation makes the power iteration slow (its error falls by
    about ``1 - alpha`` a step).  When it has not converged after
    :data:`FIRST_ITERATIONS` steps, the stationary flow is solved for as a
    sparse linear system and the iteration resumes from that solution, so
    that it converges in a few steps to the same fixed point as the
    official Infomap's iteration.  With ``transit`` links (and the
    ``relay`` shares of :func:`_relay_shares`) the walk is the two-step
    walk of ``--multilayer-relax-to-self``.
    """
    from ._core import flow as flow_kernels

    def iterate(start, steps):
        if transit is None:
            return flow_kernels.pagerank(src, dst, transition, dangling, tele_weight, start,
                                         alpha, steps)
        return flow_kernels.relax_to_self_pagerank(src, dst, transition, transit, relay,
                                                   dangling, tele_weight, start, alpha, steps)

    flow, previous, alpha, beta, dangling_rank, iterations, error = iterate(start_flow,
                                                                            FIRST_ITERATIONS)
    if error > flow_kernels.TOLERANCE:
        start = _solve_pagerank(_step_matrix(src, dst, transition, transit, relay,
                                             start_flow.shape[0]), tele_weight, alpha, flow)
        flow, previous, alpha, beta, dangling_rank, more, error = iterate(start, MAX_ITERATIONS)
        iterations += more
    return _PageRank(flow, previous, beta, dangling_rank, int(iterations), float(error),
                     bool(error <= flow_kernels.TOLERANCE))


def _step_matrix(src, dst, transition, transit, relay, n):
    """Return the sparse matrix ``M`` of one step without teleportation
    (flow ``y`` moves to ``M @ y``): ``P^T`` of the transition matrix, or
    for the relax-to-self walk its non-transit part plus the transit part
    followed by the relay."""
    import scipy.sparse as sp

    if transit is None:
        return sp.csr_array((transition, (dst, src)), shape=(n, n))
    plain = ~transit
    direct = sp.csr_array((transition[plain], (dst[plain], src[plain])), shape=(n, n))
    cross = sp.csr_array((transition[transit], (dst[transit], src[transit])), shape=(n, n))
    onward = sp.csr_array((relay, (dst, src)), shape=(n, n))
    return direct + onward @ cross


def _solve_pagerank(step, tele_weight, alpha, guess):
    """Return the PageRank vector solved from ``(I - beta M) y = v``.

    ``M`` is the one-step matrix ``step`` (:func:`_step_matrix`; dangling
    nodes have no links) and ``v`` the teleportation weights; the flow is
    ``y / sum(y)``, since dangling and teleported flow both land by ``v``.
    The solver is a sparse LU
    factorisation (SuperLU): Krylov solvers stall on exactly the slowly
    mixing graphs that reach this point, and such graphs (long paths,
    weakly linked modules) factorise with little fill.  Falls back to
    ``guess`` where the solver fails.
    """
    import scipy.sparse as sp
    import scipy.sparse.linalg as spla

    n = guess.shape[0]
    beta = 1.0 - alpha
    matrix = sp.identity(n, format="csr") - beta * step
    try:
        with np.errstate(all="ignore"):
            solution = spla.spsolve(matrix.tocsc(), tele_weight)
    except (RuntimeError, MemoryError):
        return guess
    total = solution.sum()
    if not (np.all(np.isfinite(solution)) and total > 0.0):
        return guess
    return np.maximum(solution, 0.0) / total


def flow_graph(flow: Flow):
    """Return the kernels' inputs for ``flow``.

    Returns a :data:`~infomap_py._core.coarsen.FlowNet`: the CSR flow graph
    with out- and in-flow per neighbour (duplicates merged), the node data
    (flow, teleportation source and weight), every node's own enter and
    exit flow, and for a state network every state's physical node.
    """
    from ._core.coarsen import (
        NO_PHYSICAL,
        FlowNet,
        NodeFlows,
        PhysNodes,
        build_flow_graph,
        node_enter_exit,
    )

    graph = build_flow_graph(
        np.ascontiguousarray(flow.source, dtype=np.int64),
        np.ascontiguousarray(flow.target, dtype=np.int64),
        np.ascontiguousarray(flow.link_flow, dtype=np.float64),
        flow.num_nodes,
        flow.symmetric,
    )
    node_data = NodeFlows(
        np.ascontiguousarray(flow.node_flow, dtype=np.float64),
        np.ascontiguousarray(flow.teleport_source, dtype=np.float64),
        np.ascontiguousarray(flow.teleport_weight, dtype=np.float64),
    )
    node_enter, node_exit = node_enter_exit(graph, node_data, flow.teleport_total)
    phys = NO_PHYSICAL
    if flow.physical is not None:
        phys = PhysNodes(np.arange(flow.num_nodes + 1, dtype=np.int64),
                         np.array(flow.physical, dtype=np.int64), node_data.flow)
    return FlowNet(graph, node_data, node_enter, node_exit, phys)
