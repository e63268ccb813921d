"""Directed flow at small teleportation: time, iterations and agreement with the official.

On a slowly mixing digraph (a ring with short chords, where the power
iteration's error falls by about ``1 - p`` a step) and on a random digraph
(fast mixing), for teleportation 0.15, 0.01 and 0.001: infomap-py's flow
time, power iterations, last L1 change and whether it converged, the
official package's flow time (``--no-infomap`` on one module) and
iterations, and the largest difference of their node flows.

    python -m benchmarks.bench_flow [--nodes 200000] [--seed 1]
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np

import infomap_py
from infomap_py.network import Network


def ring_with_chords(n: int, rng: np.random.Generator) -> np.ndarray:
    """Links i -> i+1, i -> i+2 and i -> i+k (k random below 50), weighted."""
    i = np.arange(n)
    source = np.concatenate([i, i, i])
    target = np.concatenate([(i + 1) % n, (i + 2) % n, (i + rng.integers(1, 50, n)) % n])
    return np.column_stack([source, target, rng.random(3 * n) + 0.1])


def random_digraph(n: int, rng: np.random.Generator) -> np.ndarray:
    """``3 n`` links between uniformly random nodes (some nodes dangle)."""
    m = 3 * n
    return np.column_stack([rng.integers(0, n, m), rng.integers(0, n, m), rng.random(m) + 0.1])


def official_flow(edges: np.ndarray, n: int, teleportation: float):
    import infomap

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        im = infomap.Infomap(directed=True, teleportation_probability=teleportation,
                             no_infomap=True, two_level=True, silent=True)
        im.add_nodes(range(n))
        im.add_links(edges.tolist())
        start = time.perf_counter()
        result = im.run(initial_partition={i: 0 for i in range(n)})
        seconds = time.perf_counter() - start
        flow = np.zeros(n)
        for node in im.tree:
            if node.is_leaf:
                flow[node.node_id] = node.flow
        return seconds, result.flow_iterations, flow


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    n = args.nodes
    infomap_py.compute_flow(Network(np.array([0, 1]), np.array([1, 0]), np.ones(2), 2, True,
                                    range(2)))  # compile (or load) the kernel
    print(f"{'graph':18s} {'p':>6s} {'ours s':>7s} {'iter':>6s} {'L1 change':>10s} "
          f"{'conv':>5s} {'official s':>10s} {'iter':>6s} {'max |diff|':>10s}")
    for name, make in (("ring with chords", ring_with_chords), ("random", random_digraph)):
        edges = make(n, rng)
        network = Network(edges[:, 0].astype(np.int64), edges[:, 1].astype(np.int64),
                          edges[:, 2].copy(), n, True, range(n))
        for p in (0.15, 0.01, 0.001):
            start = time.perf_counter()
            flow = infomap_py.compute_flow(network, teleportation=p)
            ours = time.perf_counter() - start
            theirs, their_iterations, their_flow = official_flow(edges, n, p)
            diff = float(np.abs(flow.node_flow - their_flow).max())
            print(f"{name:18s} {p:6g} {ours:7.2f} {flow.flow_iterations:6d} "
                  f"{flow.flow_error:10.2e} {str(flow.flow_converged):>5s} {theirs:10.2f} "
                  f"{their_iterations:6d} {diff:10.2e}")


if __name__ == "__main__":
    main()
