"""PageRank by power iteration, as the official Infomap computes it."""

import numpy as np

from ._jit import inline_jit, jit

#: Power iteration also stops once the L1 change of one step has not fallen
#: below its smallest value for this many steps (rounding keeps it from
#: falling further).  Its other limits (the official ``--max-flow-iterations``,
#: ``--min-flow-iterations`` and ``--flow-tolerance``) are arguments of the
#: kernels.
STALL_ITERATIONS = 100


@jit
def pagerank(source, target, link_flow, dangling, teleport_weight, start_flow, alpha,
             max_iterations, min_iterations, tolerance):
    """Return ``(flow, previous_flow, alpha, beta, dangling_rank, iterations, error)``.

    ``link_flow`` is the transition probability of each link (weight over
    the source's out-weight).  Teleportation with probability ``alpha`` (and
    all flow out of ``dangling`` nodes) lands by ``teleport_weight``.  The
    iteration runs from ``start_flow`` for at least ``min_iterations``
    steps and stops when the L1 change of one step (``error``) is at most
    ``tolerance``, when it has stalled for :data:`STALL_ITERATIONS`
    steps, or after ``max_iterations`` steps.  If the error repeats exactly
    above the tolerance (a cycle), ``alpha`` is nudged by 1e-10.  ``previous_flow`` is the last
    iterate before normalisation, from which the coded link flow is taken.
    """
    no_links = np.zeros(0, dtype=np.bool_)
    return _iterate(source, target, link_flow, no_links, np.zeros(0), dangling,
                    teleport_weight, start_flow, alpha, max_iterations, min_iterations,
                    tolerance)


@jit
def relax_to_self_pagerank(source, target, link_flow, transit, relay, dangling,
                           teleport_weight, start_flow, alpha, max_iterations,
                           min_iterations, tolerance):
    """:func:`pagerank` of the two-step walk of ``--multilayer-relax-to-self``.

    Flow along a ``transit`` link (to the same physical node in another
    layer) is not a visit: it moves on in the same step along the target's
    other links, link ``e`` taking the share ``relay[e]`` of what arrived at
    its source (its transition probability over the source's total on
    non-transit links; 0 on transit links).  Returns what :func:`pagerank`
    returns.
    """
    return _iterate(source, target, link_flow, transit, relay, dangling, teleport_weight,
                    start_flow, alpha, max_iterations, min_iterations, tolerance)


@inline_jit
def _iterate(source, target, link_flow, transit, relay, dangling, teleport_weight, start_flow,
             alpha, max_iterations, min_iterations, tolerance):
    """The power iteration of :func:`pagerank` (one step along every link)
    or, with ``transit`` links, of :func:`relax_to_self_pagerank`."""
    n = start_flow.shape[0]
    two_step = transit.shape[0] > 0
    flow = start_flow.copy()
    tmp = np.zeros(n)
    arrived = np.zeros(n if two_step else 0)
    beta = 1.0 - alpha
    err = 0.0
    best_err = np.inf
    best_at = 0
    dangling_rank = 0.0
    iterations = 0
    while True:
        old_err = err
        dangling_rank = 0.0
        for k in range(dangling.shape[0]):
            dangling_rank += flow[dangling[k]]
        teleported = alpha + beta * dangling_rank
        for i in range(n):
            tmp[i] = teleported * teleport_weight[i]
        if two_step:
            _two_step(source, target, link_flow, transit, relay, beta, flow, arrived, tmp)
        else:
            for e in range(source.shape[0]):
                tmp[target[e]] += beta * link_flow[e] * flow[source[e]]
        err = _take_step(flow, tmp)
        if err == old_err and err > tolerance:
            alpha += 1e-10
            beta = 1.0 - alpha
        iterations += 1
        stop, best_err, best_at = _stop_rule(iterations, err, best_err, best_at,
                                             max_iterations, min_iterations, tolerance)
        if stop:
            break
    return flow, tmp, alpha, beta, dangling_rank, iterations, err


@inline_jit
def _stop_rule(iterations, err, best_err, best_at, max_iterations, min_iterations, tolerance):
    """Return ``(stop, best_err, best_at)`` after step ``iterations`` of a
    power iteration, whose L1 change was ``err``: the smallest change so far
    and the step it came at, and whether to stop: at ``max_iterations``, or
    once ``min_iterations`` have run and the change is at most
    ``tolerance`` or has stalled for :data:`STALL_ITERATIONS` steps."""
    if err < best_err:
        best_err = err
        best_at = iterations
    stop = iterations >= max_iterations or (iterations >= min_iterations and (
        err <= tolerance or iterations - best_at >= STALL_ITERATIONS))
    return stop, best_err, best_at


@inline_jit
def _take_step(flow, step):
    """Make ``step`` (the flow after one step of a power iteration) the
    flow, renormalised where it drifted from 1; return the L1 change."""
    total = 0.0
    err = 0.0
    for i in range(flow.shape[0]):
        total += step[i]
        err += abs(step[i] - flow[i])
    for i in range(flow.shape[0]):
        flow[i] = step[i]
    if abs(total - 1.0) > 1e-10:
        for i in range(flow.shape[0]):
            flow[i] /= total
    return err


@inline_jit
def _two_step(source, target, link_flow, transit, relay, beta, flow, arrived, out):
    """Add one step of the relax-to-self walk from ``flow`` to ``out``:
    transit flow is held in ``arrived`` and relayed on at once."""
    for i in range(arrived.shape[0]):
        arrived[i] = 0.0
    for e in range(source.shape[0]):
        if transit[e]:
            arrived[target[e]] += beta * link_flow[e] * flow[source[e]]
        else:
            out[target[e]] += beta * link_flow[e] * flow[source[e]]
    for e in range(source.shape[0]):
        if relay[e] > 0.0:
            out[target[e]] += arrived[source[e]] * relay[e]


@jit
def regularized_pagerank(source, target, step_flow, teleport_share, teleport_weight,
                         start_flow, max_iterations, min_iterations, tolerance):
    """Return ``(flow, iterations, error)`` of the directed regularized walk.

    The walk of the Bayesian prior network (``--regularized``): node ``i``
    teleports with its own probability ``teleport_share[i]`` (its prior
    link weight over its total out-weight, prior included; 1 where it has
    no links) and teleportation lands by ``teleport_weight``.
    ``step_flow[e]`` is the probability of taking link ``e`` from its
    source, teleportation already discounted.  The iteration stops as
    :func:`pagerank`'s does, with the same ``max_iterations``,
    ``min_iterations`` and ``tolerance``.
    """
    n = start_flow.shape[0]
    flow = start_flow.copy()
    tmp = np.zeros(n)
    err = 0.0
    best_err = np.inf
    best_at = 0
    iterations = 0
    while True:
        teleported = 0.0
        for i in range(n):
            teleported += teleport_share[i] * flow[i]
        for i in range(n):
            tmp[i] = teleported * teleport_weight[i]
        for e in range(source.shape[0]):
            tmp[target[e]] += step_flow[e] * flow[source[e]]
        err = _take_step(flow, tmp)
        iterations += 1
        stop, best_err, best_at = _stop_rule(iterations, err, best_err, best_at,
                                             max_iterations, min_iterations, tolerance)
        if stop:
            break
    return flow, iterations, err

