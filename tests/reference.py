"""Naive plain-Python references for the flow and the map equation.

Written from the definitions, module by module and with dense matrices, and
sharing no code with ``infomap_py._core``: the kernels are checked against
these on small graphs.
"""

from __future__ import annotations

import math

import numpy as np


def plogp(p: float) -> float:
    """``p * log2(p)`` with ``0 log 0 = 0``."""
    return p * math.log2(p) if p > 0 else 0.0


def undirected_flow(edges, n):
    """Node flow and directed link flows ``{(u, v): flow}`` of an undirected
    network given as ``(u, v, w)`` rows.

    A self-loop counts once in the total weight and gives its node flow once;
    every other edge splits its flow evenly over its two directions.
    """
    total = sum(2 * w if u != v else w for u, v, w in edges)
    node = [0.0] * n
    links: dict[tuple[int, int], float] = {}
    for u, v, w in edges:
        node[u] += w / total
        if u != v:
            node[v] += w / total
            links[(u, v)] = links.get((u, v), 0.0) + w / total
            links[(v, u)] = links.get((v, u), 0.0) + w / total
    return np.array(node), links


def _stationary(edges, n, alpha, to_nodes, to_targets, iterations):
    """The PageRank stationary distribution by dense power iteration.

    Return ``(rank, transition, out_weight, teleport_weight)``.  Teleportation
    lands uniformly with ``to_nodes``, else in proportion to in-weight
    (``to_targets``) or out-weight; dangling nodes teleport with probability one.
    """
    weights = np.zeros((n, n))
    for u, v, w in edges:
        weights[u, v] += w
    out = weights.sum(axis=1)
    if to_nodes:
        tele = np.ones(n) / n
    else:
        tele = (weights.sum(axis=0) if to_targets else out) / weights.sum()
    transition = np.divide(weights, out[:, None], out=np.zeros_like(weights),
                           where=out[:, None] > 0)
    rank = np.ones(n) / n
    for _ in range(iterations):
        dangling = rank[out == 0].sum()
        rank = (1 - alpha) * rank @ transition + (alpha * (1 - dangling) + dangling) * tele
        rank /= rank.sum()
    return rank, transition, out, tele


def pagerank_flow(edges, n, alpha=0.15, to_nodes=False, iterations=2000):
    """Unrecorded-teleportation PageRank flow of a directed network, by dense
    power iteration: node flow and link flows ``{(u, v): flow}``.

    Teleportation lands proportionally to out-weight (or uniformly with
    ``to_nodes``); dangling nodes teleport with probability one.  The coded
    flow is one step along links from the stationary distribution, scaled
    to sum to one.
    """
    rank, transition, _, _ = _stationary(edges, n, alpha, to_nodes, False, iterations)
    step = rank[:, None] * transition
    step /= step.sum()
    links = {(u, v): step[u, v] for u in range(n) for v in range(n) if u != v and step[u, v] > 0}
    return step.sum(axis=0), links


def module_enter_exit(labels, links, tele_source=None, tele_weight=None):
    """Enter and exit flow of every module, summed over the links that cross
    its boundary (and teleportation between modules when recorded)."""
    k = int(max(labels)) + 1
    enter, exit_ = [0.0] * k, [0.0] * k
    for (u, v), f in links.items():
        if labels[u] != labels[v]:
            exit_[labels[u]] += f
            enter[labels[v]] += f
    if tele_source is not None:
        for m in range(k):
            inside = [i for i in range(len(labels)) if labels[i] == m]
            outside = [i for i in range(len(labels)) if labels[i] != m]
            share_in = sum(tele_weight[i] for i in inside)
            exit_[m] += sum(tele_source[i] for i in inside) * (1 - share_in)
            enter[m] += sum(tele_source[i] for i in outside) * share_in
    return enter, exit_


def map_equation(node_flow, labels, links, tele_source=None, tele_weight=None):
    """Return ``(index, module)`` two-level codelength of ``labels`` (dense 0..k-1)."""
    labels = [int(x) for x in labels]
    k = max(labels) + 1
    enter, exit_ = module_enter_exit(labels, links, tele_source, tele_weight)
    module_flow = [0.0] * k
    for i, m in enumerate(labels):
        module_flow[m] += node_flow[i]
    index = plogp(sum(enter)) - sum(plogp(q) for q in enter)
    module = (
        sum(plogp(exit_[m] + module_flow[m]) for m in range(k))
        - sum(plogp(q) for q in exit_)
        - sum(plogp(p) for p in node_flow)
    )
    return index, module


def one_level_codelength(node_flow):
    """The entropy of the node flow: one module holding every node."""
    return -sum(plogp(p) for p in node_flow)


def multilevel_codelength(node_flow, paths, links, tele_source=None, tele_weight=None):
    """Return the multilevel codelength of a module tree given by node
    ``paths`` (modules from the top down, then the node's place), module by
    module from the definition: every module's codebook names its children
    (a sub-module at its enter rate, a node at its flow rate) and its exit
    (at its exit rate); the root has no exit."""
    n = len(paths)
    modules = {tuple(p[:d]) for p in paths for d in range(len(p))}  # () is the root
    total = 0.0
    for module in modules:
        depth = len(module)
        inside = [i for i in range(n) if tuple(paths[i][:depth]) == module]
        if module:
            # Enter and exit of the module: it against every node outside it.
            labels = [0 if i in inside else 1 + i for i in range(n)]
            enter, exit_ = module_enter_exit(labels, links, tele_source, tele_weight)
            exit_rate = exit_[0]
        else:
            exit_rate = 0.0
        rates = []
        children = {tuple(paths[i][:depth + 1]) for i in inside if len(paths[i]) > depth + 1}
        for child in children:
            labels = [0 if tuple(paths[i][:depth + 1]) == child else 1 + i for i in range(n)]
            enter, _ = module_enter_exit(labels, links, tele_source, tele_weight)
            rates.append(enter[0])
        rates += [node_flow[i] for i in inside if len(paths[i]) == depth + 1]
        total += plogp(exit_rate + sum(rates)) - plogp(exit_rate) - sum(plogp(r) for r in rates)
    return total


def _out_and_start(edges, n, undirected_start, undirected_out):
    """Out-weight and the normalised start flow of the one-step models.

    The start flow counts every link at its source and, with
    ``undirected_start``, at its target too (a self-loop once); the
    out-weight adds in-weight (self-loops once) with ``undirected_out``.
    """
    total = sum(2 * w if u != v else w for u, v, w in edges)
    out = [0.0] * n
    start = [0.0] * n
    for u, v, w in edges:
        out[u] += w
        start[u] += w / total
        if u != v:
            if undirected_out:
                out[v] += w
            if undirected_start:
                start[v] += w / total
    return out, start


def one_step_flow(edges, n, model):
    """Node flow and link flows ``{(u, v): flow}`` of a directed network
    under ``undirdir``, ``outdirdir`` or ``rawdir``.

    * ``undirdir``: the undirected (strength) flow, then one step along the
      directed links, each node's flow split over its links in proportion
      to their share of its strength (in- and out-weight);
    * ``outdirdir``: flow proportional to out-weight, then one step along
      the links in proportion to their share of it;
    * ``rawdir``: the link weights, normalised, are the link flows.

    Link flows are normalised to sum to one and a node's flow is the flow
    on the links into it.  Self-loops take part in the node flow only.
    """
    links: dict[tuple[int, int], float] = {}
    if model == "rawdir":
        for u, v, w in edges:
            links[(u, v)] = links.get((u, v), 0.0) + w
    elif model in ("undirdir", "outdirdir"):
        undirdir = model == "undirdir"
        out, start = _out_and_start(edges, n, undirdir, undirdir)
        for u, v, w in edges:
            links[(u, v)] = links.get((u, v), 0.0) + start[u] * w / out[u]
    else:
        raise ValueError(f"unknown one-step model {model!r}")
    total = sum(links.values())
    node = [0.0] * n
    for (u, v), f in links.items():
        node[v] += f / total
    coded = {(u, v): f / total for (u, v), f in links.items() if u != v}
    return np.array(node), coded


def recorded_pagerank_flow(edges, n, alpha=0.15, to_nodes=False, iterations=2000):
    """PageRank flow of a directed network with recorded teleportation.

    Return ``(node_flow, links, teleport_source, teleport_weight)``.
    Teleportation lands in proportion to the in-weight of the nodes (to link
    targets) or uniformly with ``to_nodes``; dangling nodes teleport with
    probability one.  The node flow is the stationary distribution; a link
    carries ``(1 - alpha)`` times its source's flow times its transition
    probability; a node's teleport source flow is ``alpha`` times its flow,
    plus ``(1 - alpha)`` times its flow if it is dangling.
    """
    rank, transition, out, tele = _stationary(edges, n, alpha, to_nodes, True, iterations)
    step = (1 - alpha) * rank[:, None] * transition
    links = {(u, v): step[u, v] for u in range(n) for v in range(n) if u != v and step[u, v] > 0}
    dangling_flow = np.where(out == 0, rank, 0.0)
    source = alpha * rank + (1 - alpha) * dangling_flow
    return rank, links, source, tele


def flow(edges, n, directed, flow_model=None, teleportation=0.15, to_nodes=False,
         recorded_teleportation=False, markov_time=1.0):
    """Return ``(node_flow, links, teleport_source, teleport_weight)`` of a
    network under the options of ``infomap_py.cluster``, from the
    references above (the teleportation pair is ``None`` unless recorded).

    An undirected network is read as a directed one with every link in both
    directions by the directed models; ``markov_time`` scales link flow.
    """
    if flow_model is None:
        flow_model = "directed" if directed else "undirected"
    if not directed and flow_model != "undirected":
        edges = list(edges) + [(v, u, w) for u, v, w in edges if u != v]
    source = weight = None
    if flow_model == "undirected":
        node, links = undirected_flow(edges, n)
    elif flow_model == "directed" and recorded_teleportation:
        node, links, source, weight = recorded_pagerank_flow(edges, n, teleportation, to_nodes)
    elif flow_model == "directed":
        node, links = pagerank_flow(edges, n, teleportation, to_nodes)
    else:
        node, links = one_step_flow(edges, n, flow_model)
    links = {key: f * markov_time for key, f in links.items()}
    return node, links, source, weight


def two_level_codelength(node_flow, labels, links, tele_source=None, tele_weight=None,
                         exit_network=0.0):
    """Return the two-level codelength of ``labels`` (any ids) in a
    (sub-)network that flow leaves at rate ``exit_network``: the exit
    codeword shares the index codebook."""
    labels = np.unique(np.asarray(labels), return_inverse=True)[1]
    enter, _ = module_enter_exit(labels, links, tele_source, tele_weight)
    _, module = map_equation(node_flow, labels, links, tele_source, tele_weight)
    index = plogp(sum(enter) + exit_network) - sum(plogp(q) for q in enter) - plogp(exit_network)
    return index + module
