"""Overlapping modules: soft memberships beside the state-network route.

On graphs with overlapping nodes, three methods say which nodes are in
several modules.  The graphs (``--graph``):

* ``planted`` (the default): planted partitions
  (:func:`benchmarks.generators.planted_overlap`: 1000 nodes, 20 groups,
  mean degree 12, 10 % of the nodes in two groups);
* ``lfr``: LFR benchmark graphs with overlapping nodes
  (:func:`benchmarks.generators.lfr_overlap`: 1000 nodes, mean degree 12,
  max degree 40, degree exponent 2, 100 nodes in 2 communities each,
  communities of 20-60 nodes with size exponent 1).

The methods:

* ``soft gcn``: ``neural.mapequation.cluster`` (GCN encoder); a node is in
  every module where its membership is at least a threshold (each of
  ``--thresholds``);
* ``states (infomap-py)``: ``infomap_py.cluster`` (two-level) on the
  non-backtracking state network of the graph: a state ``u -> v`` of
  physical node ``v`` for every direction of every edge, and a step from it
  to every ``v -> w`` with ``w != u``, all alike (no knowledge of the
  groups; :func:`benchmarks.generators.second_order_from_edges` with memory
  0.5).  A physical node is in every module that holds at least the
  threshold of its flow;
* ``states (official)``: the official Infomap (``infomap`` package, an
  oracle here) on the same state network, read the same way.

Printed per mixing value and seed: the number of modules, the NMI of the
main module (the largest membership) against the first planted group on
the nodes in one group, and the precision, recall and F1 of finding the
overlapping nodes.  Run with one thread:

    OMP_NUM_THREADS=1 python -m benchmarks.bench_soft_overlap [--graph planted|lfr]
        [--mixing 0.1 0.2 0.3]
        [--seeds 0 1 2] [--thresholds 0.05 0.2] [--epochs 300]
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np

from benchmarks.generators import lfr_overlap, planted_overlap, second_order_from_edges


def shares_of_states(labels: np.ndarray, flow: np.ndarray, physical: np.ndarray,
                     num_physical: int) -> np.ndarray:
    """Return ``(num_physical, num_modules)``: the share of every physical node's
    flow in every module, from its states' ``labels`` and ``flow``."""
    shares = np.zeros((num_physical, int(labels.max()) + 1))
    np.add.at(shares, (physical, labels), flow)
    return shares / np.maximum(shares.sum(axis=1, keepdims=True), 1e-300)


def official_states(links: np.ndarray, physical: np.ndarray, seed: int
                    ) -> tuple[np.ndarray, np.ndarray, float]:
    """Return the module and flow of every state, and the codelength, from the
    official Infomap."""
    import infomap

    im = infomap.Infomap(two_level=True, directed=True, silent=True, seed=seed + 1,  # from 1
                         num_trials=1)
    for state, node in enumerate(physical.tolist()):
        im.add_state_node(state, node)
    for source, target, weight in links.tolist():
        im.add_link(int(source), int(target), weight)
    result = im.run()
    labels = np.empty(physical.size, dtype=np.int64)
    flow = np.empty(physical.size)
    for node in result.nodes(states=True):
        labels[node.state_id] = node.module_id
        flow[node.state_id] = node.flow
    return np.unique(labels, return_inverse=True)[1], flow, float(result.codelength)


def scores(shares: np.ndarray, members: np.ndarray, threshold: float) -> dict[str, float]:
    """Return the modules, main-module NMI and overlap precision/recall/F1."""
    from sklearn.metrics import normalized_mutual_info_score as nmi

    found = (shares >= threshold).sum(axis=1) > 1
    planted = members.sum(axis=1) > 1
    hits = int((found & planted).sum())
    precision = hits / found.sum() if found.any() else float("nan")
    recall = hits / planted.sum()
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    single = ~planted
    main = shares.argmax(axis=1)
    return {"modules": int(np.unique(main).size),
            "nmi": nmi(members[single].argmax(axis=1), main[single]),
            "found": int(found.sum()), "precision": precision, "recall": recall, "f1": f1}


def overlap_graph(graph: str, mixing: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(edges, members)`` of the ``planted`` or ``lfr`` graph with 1000 nodes
    (the module docstring gives the parameters)."""
    if graph == "planted":
        return planted_overlap(1000, 20, 12.0, mixing, 0.1, seed=seed)
    if graph == "lfr":
        return lfr_overlap(1000, 12.0, 40, mixing, overlapping_nodes=100, memberships=2,
                           min_community=20, max_community=60, seed=seed)
    raise ValueError(f"graph must be 'planted' or 'lfr', got {graph!r}")


def rows(mixing: float, seed: int, epochs: int, graph: str = "planted") -> list[tuple]:
    """Return ``(method, shares, members, codelength, seconds)`` for every method on
    one graph: ``shares`` the ``(n, modules)`` memberships it found, the codelength
    of the state network for the state-network methods."""
    import infomap_py
    from infomap_py.network import Network, StateNetwork
    from neural import mapequation

    edges, members = overlap_graph(graph, mixing, seed)
    n = members.shape[0]
    network = Network(edges[:, 0], edges[:, 1], np.ones(len(edges)), n, False, range(n))
    found = []

    started = time.perf_counter()
    soft = mapequation.cluster(network, encoder="gcn", max_modules=2 * math.ceil(math.sqrt(n)),
                               epochs=epochs, seed=seed)
    found.append(("soft gcn", soft.soft, float("nan"), time.perf_counter() - started))

    links, physical = second_order_from_edges(edges, members.argmax(axis=1), n, memory=0.5)
    started = time.perf_counter()
    state_net = Network(links[:, 0].astype(np.int64), links[:, 1].astype(np.int64), links[:, 2],
                        physical.size, True, range(physical.size))
    res = infomap_py.cluster(StateNetwork(state_net, physical, range(n)), two_level=True,
                             seed=seed)
    shares = shares_of_states(np.asarray(res.labels), np.asarray(res.flow), physical, n)
    found.append(("states (infomap-py)", shares, res.codelength, time.perf_counter() - started))

    started = time.perf_counter()
    labels, flow, codelength = official_states(links, physical, seed)
    found.append(("states (official)", shares_of_states(labels, flow, physical, n), codelength,
                  time.perf_counter() - started))
    return [(method, shares, members, length, seconds)
            for method, shares, length, seconds in found]


def main(argv: list[str] | None = None) -> int:
    import torch

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--graph", choices=["planted", "lfr"], default="planted")
    parser.add_argument("--mixing", type=float, nargs="+", default=[0.1, 0.2, 0.3])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--thresholds", type=float, nargs="+", default=[0.05, 0.2])
    parser.add_argument("--epochs", type=int, default=300)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)

    print(f"Graphs: {args.graph}. A node is in every module holding at least `threshold` of it.")
    print("| mixing | seed | method | threshold | state codelength | modules | NMI (one group) | "
          "overlapping found | precision | recall | F1 | seconds |")
    print("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for mixing in args.mixing:
        for seed in args.seeds:
            for method, shares, members, length, seconds, threshold in (
                    (*row, threshold) for row in rows(mixing, seed, args.epochs, args.graph)
                    for threshold in args.thresholds):
                found = scores(shares, members, threshold)
                shown = "-" if math.isnan(length) else f"{length:.4f}"
                print(f"| {mixing} | {seed} | {method} | {threshold} | {shown} | "
                      f"{found['modules']} | "
                      f"{found['nmi']:.3f} | {found['found']} | {found['precision']:.2f} | "
                      f"{found['recall']:.2f} | {found['f1']:.2f} | {seconds:.1f} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
