"""PageRank by power iteration, as the official Infomap computes it."""

import numpy as np

from ._jit import jit

#: Power iteration stops after this many steps at most ...
MAX_ITERATIONS = 200
#: ... and runs at least this many.
MIN_ITERATIONS = 50
#: Converged when the L1 change of the flow falls below this.
TOLERANCE = 1e-15


@jit
def pagerank(source, target, link_flow, dangling, teleport_weight, start_flow, alpha):
    """Return ``(flow, previous_flow, alpha, beta, dangling_rank, iterations)``.

    ``link_flow`` is the transition probability of each link (weight over
    the source's out-weight).  Teleportation with probability ``alpha`` (and
    all flow out of ``dangling`` nodes) lands by ``teleport_weight``.  If the
    error repeats exactly (a cycle), ``alpha`` is nudged by 1e-10.  ``previous_flow`` is the last iterate
    before normalisation, from which the coded link flow is taken.
    """
    n = start_flow.shape[0]
    flow = start_flow.copy()
    tmp = np.zeros(n)
    beta = 1.0 - alpha
    err = 0.0
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
        for e in range(source.shape[0]):
            tmp[target[e]] += beta * link_flow[e] * flow[source[e]]
        total = 0.0
        err = 0.0
        for i in range(n):
            total += tmp[i]
            err += abs(tmp[i] - flow[i])
        for i in range(n):
            flow[i] = tmp[i]
        if abs(total - 1.0) > 1e-10:
            for i in range(n):
                flow[i] /= total
        if err == old_err:
            alpha += 1e-10
            beta = 1.0 - alpha
        iterations += 1
        if not (iterations < MAX_ITERATIONS and (err > TOLERANCE or iterations < MIN_ITERATIONS)):
            break
    return flow, tmp, alpha, beta, dangling_rank, iterations
