"""The differentiable map equation (``neural.mapequation``) beside Infomap, and the hybrids.

For the shared real networks (karate, football, dolphins, lesmis) and
1000-node LFR and planted-partition graphs at a few mixing values, every
method gives a flat partition whose two-level codelength, number of
modules and NMI against the known groups are printed:

* ``infomap``: ``infomap_py.cluster(two_level=True, trials=5)``;
* ``soft logits`` / ``soft gcn``: ``neural.mapequation.cluster`` with free
  logits or a GCN (softmax estimator, ``--epochs`` epochs, ``max_modules``
  twice the default, :math:`2\\lceil\\sqrt n\\rceil`);
* ``soft gcn -> infomap``: Infomap (one trial) started from the GCN's
  partition (``seed_infomap``);
* ``infomap -> soft``: the soft optimizer started from Infomap's partition
  (``init="infomap"``).

Then the time per epoch (forward, backward, step and the hard score) of
``cluster`` at 10^4 and 10^5 nodes (planted partitions, mean degree 10,
100 module columns), free logits and GCN, and the process's peak resident
memory after each.  Run with one thread:

    OMP_NUM_THREADS=1 python -m benchmarks.bench_soft_mapequation [--epochs 300] [--seed 1]
"""

from __future__ import annotations

import argparse
import math
import resource
import time

import numpy as np

from benchmarks.generators import planted_partition
from benchmarks.graphs import GraphSpec, build


def graphs() -> list[GraphSpec]:
    """The graphs of the quality table."""
    specs = [GraphSpec(name, "real", {"name": name})
             for name in ("karate", "football", "dolphins", "lesmis")]
    specs += [GraphSpec(f"lfr-1000-mu{mu}", "lfr", {"nodes": 1000, "mu": mu, "seed": 42})
              for mu in (0.1, 0.3, 0.5)]
    specs += [GraphSpec(f"planted-1000-mix{mix}", "planted",
                        {"nodes": 1000, "groups": 20, "degree": 12, "mixing": mix, "seed": 1})
              for mix in (0.3, 0.5)]
    return specs


def quality_rows(spec: GraphSpec, epochs: int, seed: int) -> list[tuple]:
    """Return ``(graph, method, codelength, modules, nmi, seconds)`` per method."""
    from sklearn.metrics import normalized_mutual_info_score as nmi

    import infomap_py
    from neural import mapequation

    graph = build(spec)
    network = graph.network()
    max_modules = min(graph.num_nodes, 2 * math.ceil(math.sqrt(graph.num_nodes)))
    rows = []

    def record(method: str, labels: np.ndarray, codelength: float, started: float) -> None:
        score = float("nan") if graph.truth is None else nmi(graph.truth, labels)
        rows.append((spec.name, method, codelength, int(np.unique(labels).size), score,
                     time.perf_counter() - started))

    started = time.perf_counter()
    found = infomap_py.cluster(network, two_level=True, trials=5, seed=seed)
    record("infomap", found.labels, found.codelength, started)
    learned = {}
    for encoder in ("logits", "gcn"):
        started = time.perf_counter()
        learned[encoder] = mapequation.cluster(network, encoder=encoder,
                                               max_modules=max_modules, epochs=epochs, seed=seed)
        record(f"soft {encoder}", learned[encoder].labels, learned[encoder].codelength, started)
    started = time.perf_counter()
    seeded = mapequation.seed_infomap(network, learned["gcn"], two_level=True, seed=seed)
    record("soft gcn -> infomap", seeded.labels, seeded.codelength, started)
    started = time.perf_counter()
    hybrid = mapequation.cluster(network, init="infomap", max_modules=max_modules,
                                 epochs=epochs, seed=seed)
    record("infomap -> soft", hybrid.labels, hybrid.codelength, started)
    return rows


def epoch_seconds(num_nodes: int, encoder: str, num_modules: int = 100, epochs: int = 5
                  ) -> tuple[float, float]:
    """Return ``(seconds per epoch, peak RSS in MiB)`` of ``cluster`` on a planted
    partition of ``num_nodes`` nodes: the difference of a run of ``epochs + 1``
    epochs and a run of 1, over ``epochs``."""
    from infomap_py.network import Network
    from neural import mapequation

    edges, _ = planted_partition(num_nodes, num_modules, 10.0, 0.3, seed=1)
    network = Network(edges[:, 0], edges[:, 1], np.ones(len(edges)), num_nodes, False,
                      range(num_nodes))
    times = []
    for count in (1, epochs + 1):
        started = time.perf_counter()
        mapequation.cluster(network, encoder=encoder, max_modules=num_modules, epochs=count,
                            hidden=32)
        times.append(time.perf_counter() - started)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return (times[1] - times[0]) / epochs, peak


def main(argv: list[str] | None = None) -> int:
    import torch

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)

    print("| graph | method | codelength | modules | NMI | seconds |")
    print("|---|---|---:|---:|---:|---:|")
    for spec in graphs():
        for name, method, length, modules, score, seconds in quality_rows(spec, args.epochs,
                                                                          args.seed):
            shown = "-" if math.isnan(score) else f"{score:.3f}"
            print(f"| {name} | {method} | {length:.4f} | {modules} | {shown} | "
                  f"{seconds:.1f} |", flush=True)

    print()
    print("| nodes | encoder | seconds per epoch | peak RSS (MiB) |")
    print("|---:|---|---:|---:|")
    for num_nodes in (10_000, 100_000):
        for encoder in ("logits", "gcn"):
            seconds, peak = epoch_seconds(num_nodes, encoder)
            print(f"| {num_nodes} | {encoder} | {seconds:.3f} | {peak:.0f} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
