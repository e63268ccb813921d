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

``markov_time`` scales the flow on links (not the node flow);
``variable_markov_time`` scales each link by a local Markov time.

``regularized`` replaces the undirected and directed models' flow by the
walk on the network plus a fully connected Bayesian prior network
(Smiljanić et al.), whose links are coded as recorded teleportation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from ._sort import unique_inverse
from .network import Network

# The kernels (``._core``, which imports Numba) and SciPy are imported by the
# functions that call them, so that ``import infomap_py`` stays light.

FLOW_MODELS = ("undirected", "directed", "undirdir", "outdirdir", "rawdir", "precomputed")

#: Power-iteration steps before a slow PageRank is solved for directly ...
FIRST_ITERATIONS = 200
#: ... and the cap on the steps after that, which binds only in pathological
#: cases (the iteration then reports ``flow_converged=False``).
MAX_ITERATIONS = 10_000

#: The official defaults of ``--max-flow-iterations`` (0: no cap),
#: ``--min-flow-iterations`` and ``--flow-tolerance``.
DEFAULT_MAX_FLOW_ITERATIONS = 0
DEFAULT_MIN_FLOW_ITERATIONS = 50
DEFAULT_FLOW_TOLERANCE = 1e-15


class FlowIteration(NamedTuple):
    """How the power iteration of the directed flow runs (the official
    ``--max-flow-iterations``, ``--min-flow-iterations``, ``--flow-tolerance``):
    PageRank, the bipartite two-step walk and the regularized walk alike.

    ``max_iterations`` 0 means no cap: the iteration runs until the L1 change
    of one step is at most ``tolerance`` (or stalls), and where PageRank is
    slow a direct solve of the stationary flow takes over (:func:`_pagerank`).
    A cap > 0 runs the plain power iteration for at most that many steps, as
    the official Infomap does, and the flow may then not have converged.
    """

    max_iterations: int = DEFAULT_MAX_FLOW_ITERATIONS
    min_iterations: int = DEFAULT_MIN_FLOW_ITERATIONS
    tolerance: float = DEFAULT_FLOW_TOLERANCE


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
        Whether that change is at most the flow tolerance (1e-15 unless
        ``flow_tolerance`` is given; always true for the other models).
    physical : numpy.ndarray of int64 or None
        For the flow of a state network (whose nodes are state nodes): the
        physical node of every state, which the map equation codes
        (:class:`~infomap_py.network.StateNetwork`); ``None`` otherwise.
    self_nodes, self_flow : numpy.ndarray or None
        The node of every self-link and its flow (per direction, as
        ``link_flow``), which the map equation does not code but the
        official flow network output (``-o flow``) lists; ``None`` where
        there are none.
    meta : numpy.ndarray of int64 or None
        For the metadata map equation: every node's category (ids from
        0); ``None`` codes no metadata.
    meta_rate : float
        The weight of the metadata term in the codelength (official
        ``--meta-data-rate``).
    meta_unweighted : bool
        Code every node's category at rate ``1 / N`` instead of its flow
        (official ``--meta-data-unweighted``).
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
    meta: np.ndarray | None = None
    meta_rate: float = 1.0
    meta_unweighted: bool = False

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
    regularized: bool = False,
    regularization_strength: float = 1.0,
    num_physical: int | None = None,
    variable_markov_time: bool = False,
    variable_markov_damping: float = 1.0,
    variable_markov_min_scale: float = 1.0,
    iteration: FlowIteration = FlowIteration(),
    use_node_weights_as_flow: bool = False,
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

    ``regularized`` (undirected and directed models) adds the prior network
    of strength ``regularization_strength`` as recorded teleportation
    (:func:`regularized_undirected_flow`, :func:`regularized_directed_flow`);
    ``num_physical`` is the number of physical nodes of a state network.
    ``variable_markov_time`` rescales every link's flow by a local Markov
    time (:func:`variable_markov_scale`).
    ``iteration`` controls the directed model's power iteration
    (:class:`FlowIteration`).  ``"precomputed"`` takes the flow as given, as
    the official Infomap: the node weights (normalised) are the node flow and
    the link weights, as they are, the link flow.  ``use_node_weights_as_flow``
    replaces the node flow of any model by the normalised node weights and
    keeps the model's link flow.
    """
    if flow_model == "precomputed" or use_node_weights_as_flow:
        given = _given_node_flow(network, flow_model)
    if flow_model == "precomputed":
        # The link weights are the link flow, unscaled (as the official: they
        # need not sum to 1); every link is used as given, in its direction.
        return _precomputed_flow(network, given, markov_time)
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
    if regularized and flow_model == "undirected":
        node_flow, link_flow, tele_source, tele_weight = regularized_undirected_flow(
            src, dst, w, n, regularization_strength, num_physical)
    elif regularized and flow_model == "directed":
        node_flow, link_flow, tele_source, tele_weight, convergence = regularized_directed_flow(
            src, dst, w, n, start_flow, regularization_strength, num_physical, iteration)
    elif flow_model == "undirected":
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
        if feature is None or skip_adjust_bipartite_flow or bipartite_teleportation:
            node_flow /= node_flow.sum()
        # else, as the official, the bipartite adjustment adds the normalised
        # link flow to the node flow before that is normalised.
    elif feature is not None and bipartite_teleportation:  # directed, two-step
        node_flow, link_flow, tele_weight, convergence, tele_source = _two_step_flow(
            network, src, dst, w, feature, teleportation, to_nodes, recorded_teleportation,
            iteration)
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
                         float(teleportation), transit, relay, iteration)
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
            from .bipartite import adjust_flow, feature_side

            node_flow, uncoded = adjust_flow(
                node_flow, src, dst, link_flow, feature, network.node_ids,
                feature_side(network.node_ids, network.bipartite_start_id),
                twins_merged=flow_model == "undirected")
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
    if use_node_weights_as_flow:
        node_flow = given
    if transit is not None:
        link_flow = link_flow + relay_transit_flow(src, dst, link_flow, transit,
                                                   np.asarray(relax_to_self, dtype=np.int64))
    link_flow = link_flow * markov_time
    if variable_markov_time:
        link_flow = link_flow * variable_markov_scale(
            src, dst, w, node_flow, flow_model in ("undirected", "undirdir"),
            variable_markov_damping, variable_markov_min_scale,
            merge_reverse=flow_model == "undirected")
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


# --- Regularized flow (--regularized) and variable Markov time -------------------------


def _merged_links(src: np.ndarray, dst: np.ndarray, n: int):
    """Return ``(source, target, index)``: the distinct ``(source, target)``
    pairs, sorted, and for every link the pair it is (the official Infomap
    sums the weights of a link given twice into one link)."""
    pairs, index = unique_inverse(src * np.int64(n) + dst)
    return pairs // n, pairs % n, index.reshape(-1)


def _prior_rate(strength: float, n: int, num_physical: int | None) -> float:
    """The prior's link density ``lambda``: ``strength ln(N) / N``, or for a
    state network of ``Np < N`` physical nodes ``strength ln(Np) / Np**3``
    (teleportation is not held to the physical node)."""
    if num_physical is not None and num_physical < n:
        return strength * np.log(num_physical) / (float(num_physical) ** 3)
    return strength * np.log(n) / n


def _mean_or_least(strength_sum: np.ndarray, degree: np.ndarray) -> np.ndarray:
    """Return every node's mean link weight (strength over degree); a node
    without links gets the least mean weight of the others."""
    linked = degree > 0
    mean = np.zeros(strength_sum.shape[0])
    mean[linked] = strength_sum[linked] / degree[linked]
    mean[~linked] = mean[linked].min()
    return mean


def _degree_totals(src, dst, w, n, undirected=False):
    """Return ``(sum of weighted degrees, sum of degrees)`` as the official
    counts them: a self-link once, any other link at both ends; in an
    ``undirected`` network a link and its reverse count as one link (the
    official merges them)."""
    loop = src == dst
    used = w > 0.0  # the official drops links of weight 0
    if undirected:
        src, dst = np.minimum(src, dst), np.maximum(src, dst)
    merged_src, merged_dst, _ = _merged_links(src[used], dst[used], n)
    num_links = merged_src.shape[0]
    num_loops = int((merged_src == merged_dst).sum())
    return (2.0 * float(w.sum()) - float(w[loop].sum()), 2 * num_links - num_loops,
            merged_src, merged_dst)


def regularized_undirected_flow(src: np.ndarray, dst: np.ndarray, w: np.ndarray, n: int,
                                strength: float, num_physical: int | None):
    """Return ``(node_flow, link_flow, teleport_source, teleport_weight)`` of
    the undirected walk with a Bayesian prior network.

    Node ``i`` of strength ``s_i`` and degree ``k_i`` has mean link weight
    ``u_i = s_i / k_i``; the prior links it to every node ``j`` with weight
    ``lambda u_i u_j / u`` (``u`` the network's mean link weight), so it
    teleports ``t_i = lambda u_i sum(u) / u`` in all, landing in proportion
    to ``u_j``.  The flow is then in closed form: ``p_i = (s_i + t_i) /
    (S + T)``; a link carries ``w / (S + T)`` each way (``link_flow`` is
    both ways together) and node ``i`` teleports ``t_i / (S + T)``.
    """
    total_strength, total_degree, merged_src, merged_dst = _degree_totals(src, dst, w, n,
                                                                          undirected=True)
    loop = src == dst
    strength_sum = (np.bincount(src, weights=w, minlength=n)
                    + np.bincount(dst[~loop], weights=w[~loop], minlength=n))
    degree = (np.bincount(merged_src, minlength=n)
              + np.bincount(merged_dst[merged_src != merged_dst], minlength=n))
    mean = _mean_or_least(strength_sum, degree)
    rate = _prior_rate(strength, n, num_physical) / (total_strength / total_degree)
    sum_mean = float(mean.sum())
    tele_weight = mean / sum_mean
    prior = rate * mean * sum_mean
    stay = strength_sum / (strength_sum + prior)
    node_flow = (strength_sum + prior) / (total_strength + float(prior.sum()))
    tele_source = node_flow * (1.0 - stay)
    link_flow = w / strength_sum[src] * (stay[src] * node_flow[src] * 2.0)
    return node_flow, link_flow, tele_source, tele_weight


def regularized_directed_flow(src: np.ndarray, dst: np.ndarray, w: np.ndarray, n: int,
                              start_flow: np.ndarray, strength: float,
                              num_physical: int | None,
                              iteration: FlowIteration = FlowIteration()):
    """Return ``(node_flow, link_flow, teleport_source, teleport_weight,
    (iterations, error, converged))`` of the directed walk with a Bayesian
    prior network.

    As :func:`regularized_undirected_flow` with out- and in-link means:
    node ``i`` teleports with weight ``lambda u_out_i sum(u_in) / u`` and
    lands on ``j`` in proportion to ``u_in_j``; the stationary flow is found
    by power iteration (:func:`~infomap_py._core.flow.regularized_pagerank`),
    and a link carries its share of its source's flow.  The iteration runs
    under the limits of ``iteration``, as the official Infomap's does; its
    cap 0 stands for :data:`MAX_ITERATIONS` (no direct solve takes over
    here).
    """
    from ._core import flow as flow_kernels

    _, _, merged_src, merged_dst = _degree_totals(src, dst, w, n)
    out_strength = np.bincount(src, weights=w, minlength=n)
    in_strength = np.bincount(dst, weights=w, minlength=n)
    mean_out = _mean_or_least(out_strength, np.bincount(merged_src, minlength=n))
    mean_in = _mean_or_least(in_strength, np.bincount(merged_dst, minlength=n))
    # The mean link weight, a self-link counted as any other link: the
    # official 2.16 binary's directed prior does so (its undirected prior
    # and its published source count a self-link at one end only).
    rate = _prior_rate(strength, n, num_physical) / (float(w.sum()) / merged_src.shape[0])
    sum_in = float(mean_in.sum())
    tele_weight = mean_in / sum_in
    prior = rate * mean_out * sum_in
    total_out = out_strength + prior
    # A node without out-links (and no prior: strength 0) teleports all it has.
    share = np.where(total_out > 0.0, prior / np.where(total_out > 0.0, total_out, 1.0), 1.0)
    step = w / out_strength[src] * (1.0 - share[src])
    node_flow, iterations, error = flow_kernels.regularized_pagerank(
        np.ascontiguousarray(src, dtype=np.int64), np.ascontiguousarray(dst, dtype=np.int64),
        step, share, tele_weight, np.ascontiguousarray(start_flow, dtype=np.float64),
        int(iteration.max_iterations or MAX_ITERATIONS), int(iteration.min_iterations),
        float(iteration.tolerance))
    link_flow = step * node_flow[src]
    convergence = (int(iterations), float(error), bool(error <= iteration.tolerance))
    return node_flow, link_flow, node_flow * share, tele_weight, convergence


def linlog(k: np.ndarray | float, q: float) -> np.ndarray | float:
    """Return the official Infomap 2.16's interpolation between ``k``
    (``q = 0``) and ``log2(k)`` (``q = 1``): the Tsallis entropy of ``k``
    equal outcomes (index ``q``), rescaled by ``r ln 2 + 1 - r`` and shifted
    by ``r``, with ``r = (1 - q)**2``.

    The official's published source has ``r = 1 - q``; its 2.16 binary gives
    the codelengths of ``r = (1 - q)**2`` (to 1e-14 bits on karate and
    lesmis, directed and undirected, at dampings from 0.1 to 0.9).  Both
    agree at ``q = 0`` and ``q = 1``.
    """
    if abs(q - 1.0) <= 1e-8:
        return np.log2(k)
    tsallis = 1.0 / (q - 1.0) * (1.0 - np.power(k, 1.0 - q)) / np.log(2.0)
    r = (1.0 - q) ** 2
    return tsallis * (r * np.log(2.0) + (1.0 - r)) + r


def variable_markov_scale(src: np.ndarray, dst: np.ndarray, w: np.ndarray,
                          node_flow: np.ndarray, undirected: bool,
                          damping: float, min_scale: float,
                          merge_reverse: bool = False) -> np.ndarray:
    """Return the factor of every link's flow under variable Markov time.

    A node's local scale is ``linlog(max(min_scale, p K), damping)``, with
    ``p`` its flow and ``K`` the sum of degrees (about its degree where
    flow follows degree); a link's Markov time is the largest scale over
    the local one, ``max(min_scale, linlog(max(p) K, damping)) /
    max(min_scale, local)``, so links in sparse regions get a longer
    Markov time, and none a shorter one than 1 (the official 2.16 keeps
    every link's flow where ``min_scale`` exceeds the largest scale).  The local scale
    of a link is its source's; with undirected flow, the larger of its
    source's and its target's.  Self-links keep factor 1 (they are not
    coded).  ``merge_reverse`` (the undirected model) counts a link and its
    reverse as one link in ``K``, as the official merges them.
    """
    n = node_flow.shape[0]
    merged_src, merged_dst, index = _merged_links(src, dst, n)
    total_degree = _degree_totals(src, dst, w, n, undirected=merge_reverse)[1]
    largest = max(min_scale, linlog(float(node_flow.max()) * total_degree, damping))
    local = linlog(np.maximum(min_scale, node_flow * total_degree), damping)
    scale = local[merged_src]
    if undirected:
        scale = np.maximum(scale, local[merged_dst])
    factor = largest / np.maximum(min_scale, scale)
    factor[merged_src == merged_dst] = 1.0
    return factor[index]
def _given_node_flow(network: Network, flow_model: str) -> np.ndarray:
    """Return the node weights of ``network`` normalised to sum 1: the node
    flow of ``"precomputed"`` and of ``use_node_weights_as_flow``.

    As in the official Infomap, a network without node weights has weight 1
    on every node, except that ``"precomputed"`` refuses it (it would
    ignore the flow it was meant to be given)."""
    what = ("flow_model='precomputed'" if flow_model == "precomputed"
            else "use_node_weights_as_flow")
    if network.node_weights is None:
        if flow_model != "precomputed":
            return np.full(network.num_nodes, 1.0 / max(network.num_nodes, 1))
        raise ValueError(f"{what} needs node weights (the node flow): give node_weights, "
                         "or a Pajek file with a weight on its *Vertices lines")
    weights = np.asarray(network.node_weights, dtype=np.float64)
    total = float(weights.sum())
    if not total > 0.0:
        raise ValueError(f"{what} needs a node weight > 0; every node weight is 0")
    return weights / total


def _precomputed_flow(network: Network, node_flow: np.ndarray, markov_time: float) -> Flow:
    """The flow of the ``"precomputed"`` model: node flow as given, the link
    weights as link flow (self-links dropped, as every model's are; the links
    of an undirected network carry their weight in both directions)."""
    if network.bipartite_start_id is not None:
        raise ValueError("flow_model='precomputed' takes the flow as given and cannot adjust "
                         "it to a bipartite network; use another flow model")
    src, dst = network.source, network.target
    w = np.asarray(network.weight, dtype=np.float64)
    if not network.directed:
        src, dst, w = _both_ways(src, dst, w)
    keep = src != dst
    source, target = src[keep], dst[keep]
    link_flow = w[keep] * markov_time
    zeros = np.zeros(network.num_nodes)
    return Flow(node_flow, source, target, link_flow, zeros, zeros.copy(), "precomputed")


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


def _two_step_flow(network, src, dst, w, feature, teleportation, to_nodes, recorded,
                   iteration: FlowIteration = FlowIteration()):
    """The directed flow of ``bipartite_teleportation``: see
    :func:`infomap_py.bipartite.two_step_pagerank`."""
    from .bipartite import check_two_step_links, feature_side, two_step_pagerank

    n = network.num_nodes
    check_two_step_links(src, feature)
    if to_nodes:
        weights = (np.ones(n) if network.node_weights is None
                   else scale_to_unit(network.node_weights))
        weights = np.where(feature, 0.0, weights)
        if not weights.sum() > 0.0:
            raise ValueError("teleportation to nodes needs a primary node weight > 0; "
                             "every primary node weight is 0")
    else:
        toward = np.where(feature[src], dst, -1) if recorded else np.where(feature[src], -1, src)
        keep = toward >= 0
        weights = np.bincount(toward[keep], weights=w[keep], minlength=n)
    walk = two_step_pagerank(src, dst, w, feature, weights, float(teleportation), recorded,
                             iteration, feature_side(network.node_ids,
                                                     network.bipartite_start_id))
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
              transit=None, relay=None, iteration: FlowIteration = FlowIteration()
              ) -> _PageRank:
    """Run the PageRank kernel to convergence.

    Small teleportation makes the power iteration slow (its error falls by
    about ``1 - alpha`` a step).  When it has not converged after
    :data:`FIRST_ITERATIONS` steps, the stationary flow is solved for as a
    sparse linear system and the iteration resumes from that solution, so
    that it converges in a few steps to the same fixed point as the
    official Infomap's iteration.  With ``transit`` links (and the
    ``relay`` shares of :func:`_relay_shares`) the walk is the two-step
    walk of ``--multilayer-relax-to-self``.  A cap in ``iteration`` (the
    official ``--max-flow-iterations``) runs the plain iteration for at
    most that many steps instead, as the official Infomap does.
    """
    from ._core import flow as flow_kernels

    least, tolerance = int(iteration.min_iterations), float(iteration.tolerance)

    def iterate(start, steps):
        if transit is None:
            return flow_kernels.pagerank(src, dst, transition, dangling, tele_weight, start,
                                         alpha, int(steps), least, tolerance)
        return flow_kernels.relax_to_self_pagerank(src, dst, transition, transit, relay,
                                                   dangling, tele_weight, start, alpha,
                                                   int(steps), least, tolerance)

    capped = iteration.max_iterations > 0
    flow, previous, alpha, beta, dangling_rank, iterations, error = iterate(
        start_flow, iteration.max_iterations if capped else FIRST_ITERATIONS)
    if error > tolerance and not capped:
        start = _solve_pagerank(_step_matrix(src, dst, transition, transit, relay,
                                             start_flow.shape[0]), tele_weight, alpha, flow)
        flow, previous, alpha, beta, dangling_rank, more, error = iterate(start, MAX_ITERATIONS)
        iterations += more
    return _PageRank(flow, previous, beta, dangling_rank, int(iterations), float(error),
                     bool(error <= tolerance))


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
    exit flow, for a state network every state's physical node, and with
    metadata every node's category.
    """
    from ._core.coarsen import FlowNet, NodeFlows, node_enter_exit
    from ._core.memory import PhysNodes

    graph = _flow_graph_links(flow)
    node_data = NodeFlows(
        np.ascontiguousarray(flow.node_flow, dtype=np.float64),
        np.ascontiguousarray(flow.teleport_source, dtype=np.float64),
        np.ascontiguousarray(flow.teleport_weight, dtype=np.float64),
    )
    node_enter, node_exit = node_enter_exit(graph, node_data, flow.teleport_total)
    phys = None
    if flow.physical is not None:
        phys = PhysNodes(np.arange(flow.num_nodes + 1, dtype=np.int64),
                         np.array(flow.physical, dtype=np.int64), node_data.flow)
    meta = None
    if flow.meta is not None:
        meta = meta_nodes(flow)
    return FlowNet(graph, node_data, node_enter, node_exit, phys, meta)


def _flow_graph_links(flow: Flow):
    """Return the CSR flow graph of ``flow``'s links (see
    :func:`~infomap_py._core.coarsen.build_flow_graph`), its arrays no
    longer than its entries.

    The kernel fills buffers with an entry per link end, then merges the
    entries of links between the same two nodes (parallel links, a link in
    each direction) in place.  Where that left room unused (a directed
    network with reciprocal links merges nearly half its entries), the
    arrays are copied to their size one at a time, each buffer freed before
    the next copy, so that no second graph is alive at once.
    """
    from ._core.coarsen import FlowGraph, build_flow_graph

    # int32 node indices (a multilayer expansion's) are read as they are, not copied.
    index_type = np.int32 if flow.source.dtype == np.int32 else np.int64
    indptr, neighbours, out_flow, in_flow = build_flow_graph(
        np.ascontiguousarray(flow.source, dtype=index_type),
        np.ascontiguousarray(flow.target, dtype=index_type),
        np.ascontiguousarray(flow.link_flow, dtype=np.float64),
        flow.num_nodes,
        flow.symmetric,
    )
    if neighbours.shape[0] < 2 * flow.source.shape[0]:
        # Rebinding each name drops its view of a buffer, which frees it.
        neighbours = neighbours.copy()
        out_flow = out_flow.copy()
        in_flow = out_flow if flow.symmetric else in_flow.copy()
    return FlowGraph(indptr, neighbours, out_flow, in_flow)


def meta_nodes(flow: Flow):
    """Return the :data:`~infomap_py._core.meta.MetaNodes` of a flow with
    metadata: one category per node, coded at the node's flow (``1 / N``
    with ``meta_unweighted``)."""
    from ._core.meta import MetaNodes

    n = flow.num_nodes
    if flow.meta_unweighted:
        meta_flow = np.full(n, 1.0 / n if n else 0.0)
    else:
        meta_flow = np.ascontiguousarray(flow.node_flow, dtype=np.float64)
    return MetaNodes(np.arange(n + 1, dtype=np.int64),
                     np.ascontiguousarray(flow.meta, dtype=np.int64), meta_flow,
                     float(flow.meta_rate))
