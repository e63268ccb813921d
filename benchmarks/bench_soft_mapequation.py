"""The differentiable map equation (``neural.mapequation``) beside Infomap, and the hybrids.

For the shared real networks (karate, football, dolphins, lesmis) and
1000-node LFR and planted-partition graphs at a few mixing values, every
method gives a flat partition whose two-level codelength, number of
modules and NMI against the known groups are printed:

* ``infomap``: ``infomap_py.cluster(two_level=True, trials=5)``;
* ``soft logits`` / ``soft gcn``: ``neural.mapequation.cluster`` with free
  logits or a GCN (softmax estimator, ``--epochs`` epochs, its defaults:
  :math:`4\\lceil\\sqrt n\\rceil` module columns, one run from the full
  Markov time, one from a tenth of it and one held at half of it, the GCN
  each with skip weight 0 and 0.5, every run's partition refined, the
  shortest kept);
* ``soft gcn -> infomap``: Infomap (one trial) started from the GCN's
  partition (``seed_infomap``);
* ``infomap -> soft``: the soft optimizer started from Infomap's partition
  (``init="infomap"``).

On the real networks Louvain (``networkx.community.louvain_communities``)
and Leiden (``leidenalg`` with modularity, on igraph) stand beside them,
scored by the same map equation.

Then the time per epoch (forward, backward, step and the hard score) of
``cluster`` at 10^4 and 10^5 nodes (planted partitions, mean degree 10,
100 module columns), free logits and GCN, and the process's peak resident
memory after each.

``--table lfr`` instead runs Infomap, the GCN and both hybrids on LFR
graphs of ``--nodes`` nodes for every ``--mu`` and graph seed (the seed
of the graph is the seed of every method) and prints, per mixing value
and method, the mean and standard deviation over the seeds of the hard
codelength, its excess over Infomap's on the same graph (%), the NMI
against the planted groups and the number of modules.  Run with one
thread:

    OMP_NUM_THREADS=1 python -m benchmarks.bench_soft_mapequation [--epochs 300] [--seed 1]
    OMP_NUM_THREADS=1 python -m benchmarks.bench_soft_mapequation --table real
    OMP_NUM_THREADS=1 python -m benchmarks.bench_soft_mapequation --table lfr --nodes 1000 \
        --seeds 0 1 2 3 4 --mu 0.1 0.2 0.3 0.4 0.5 0.6 0.7
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


def modularity_partitions(graph, seed: int) -> dict[str, np.ndarray]:
    """Return the labels of Louvain (networkx) and Leiden (leidenalg, modularity)
    on ``graph``, weighted where it is; Leiden is left out where ``leidenalg``
    is not installed."""
    import networkx as nx

    ends = graph.edges[:, :2].astype(np.int64).tolist()
    weights = (graph.edges[:, 2].astype(float) if graph.edges.shape[1] > 2
               else np.ones(len(ends))).tolist()
    nx_graph = nx.Graph()
    nx_graph.add_nodes_from(range(graph.num_nodes))
    nx_graph.add_weighted_edges_from((u, v, w) for (u, v), w in zip(ends, weights, strict=True))
    found = {"louvain": np.empty(graph.num_nodes, dtype=np.int64)}
    for module, members in enumerate(nx.community.louvain_communities(nx_graph, seed=seed)):
        found["louvain"][list(members)] = module
    try:
        import igraph
        import leidenalg
    except ImportError:
        return found
    ig_graph = igraph.Graph(n=graph.num_nodes, edges=ends)
    partition = leidenalg.find_partition(ig_graph, leidenalg.ModularityVertexPartition,
                                         weights=weights, seed=seed)
    found["leiden"] = np.asarray(partition.membership, dtype=np.int64)
    return found


def quality_rows(spec: GraphSpec, epochs: int, seed: int,
                 encoders: tuple[str, ...] = ("logits", "gcn"),
                 modularity: bool = False) -> list[tuple]:
    """Return ``(graph, method, codelength, modules, nmi, seconds)`` per method.

    ``encoders`` are the soft optimizer's encoders run alone (the hybrids
    use the GCN); ``modularity`` adds Louvain and Leiden."""
    from sklearn.metrics import normalized_mutual_info_score as nmi

    import infomap_py
    from neural import mapequation

    graph = build(spec)
    network = graph.network()
    rows = []

    def record(method: str, labels: np.ndarray, codelength: float, started: float) -> None:
        score = float("nan") if graph.truth is None else nmi(graph.truth, labels)
        rows.append((spec.name, method, codelength, int(np.unique(labels).size), score,
                     time.perf_counter() - started))

    started = time.perf_counter()
    found = infomap_py.cluster(network, two_level=True, trials=5, seed=seed)
    record("infomap", found.labels, found.codelength, started)
    if modularity:
        started = time.perf_counter()
        for method, labels in modularity_partitions(graph, seed).items():
            record(method, labels, float(infomap_py.codelength(network, labels)), started)
            started = time.perf_counter()
    learned = {}
    for encoder in dict.fromkeys((*encoders, "gcn")):
        started = time.perf_counter()
        learned[encoder] = mapequation.cluster(network, encoder=encoder, epochs=epochs,
                                               seed=seed)
        if encoder in encoders:
            record(f"soft {encoder}", learned[encoder].labels, learned[encoder].codelength,
                   started)
    started = time.perf_counter()
    seeded = mapequation.seed_infomap(network, learned["gcn"], two_level=True, seed=seed)
    record("soft gcn -> infomap", seeded.labels, seeded.codelength, started)
    started = time.perf_counter()
    hybrid = mapequation.cluster(network, init="infomap", epochs=epochs, seed=seed)
    record("infomap -> soft", hybrid.labels, hybrid.codelength, started)
    return rows


def lfr_summary(rows: list[tuple]) -> list[tuple]:
    """Return ``(mu, method, runs, codelength, excess %, NMI, modules)`` rows, each
    statistic a ``(mean, standard deviation)`` pair over the graph seeds, from
    ``(mu, seed, method, codelength, modules, nmi, seconds)`` rows; the excess
    is over Infomap's codelength on the same graph."""
    infomap = {(mu, seed): length for mu, seed, method, length, *_ in rows
               if method == "infomap"}
    summary = []
    for mu in dict.fromkeys(row[0] for row in rows):
        for method in dict.fromkeys(row[2] for row in rows):
            runs = [row for row in rows if row[0] == mu and row[2] == method]
            lengths = np.array([row[3] for row in runs])
            excess = np.array([100 * (row[3] / infomap[mu, row[1]] - 1) for row in runs])
            scores = np.array([row[5] for row in runs])
            modules = np.array([row[4] for row in runs], dtype=float)
            summary.append((mu, method, len(runs),
                            *((values.mean(), values.std()) for values in
                              (lengths, excess, scores, modules))))
    return summary


def lfr_table(nodes: int, mus: list[float], seeds: list[int], epochs: int) -> None:
    """Print every run on LFR graphs of ``nodes`` nodes, then the summary table."""
    rows = []
    print("| mu | seed | realised mixing | method | codelength | modules | NMI | seconds |")
    print("|---:|---:|---:|---|---:|---:|---:|---:|")
    for mu in mus:
        for seed in seeds:
            spec = GraphSpec(f"lfr-{nodes}-mu{mu}-seed{seed}", "lfr",
                             {"nodes": nodes, "mu": mu, "seed": seed})
            mixing = build(spec).info["realised_mixing"]
            for _, method, length, modules, score, seconds in quality_rows(
                    spec, epochs, seed, encoders=("gcn",)):
                rows.append((mu, seed, method, length, modules, score, seconds))
                print(f"| {mu} | {seed} | {mixing:.3f} | {method} | {length:.4f} | {modules} | "
                      f"{score:.3f} | {seconds:.1f} |", flush=True)
    print()
    print("| mu | method | runs | codelength | excess over Infomap (%) | NMI | modules |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    for mu, method, runs, lengths, excess, scores, modules in lfr_summary(rows):
        print(f"| {mu} | {method} | {runs} | {lengths[0]:.3f} ± {lengths[1]:.3f} | "
              f"{excess[0]:.2f} ± {excess[1]:.2f} | {scores[0]:.3f} ± {scores[1]:.3f} | "
              f"{modules[0]:.1f} ± {modules[1]:.1f} |", flush=True)


def epoch_seconds(num_nodes: int, encoder: str, num_modules: int = 100, epochs: int = 5
                  ) -> tuple[float, float]:
    """Return ``(seconds per epoch, peak RSS in MiB)`` of ``cluster`` on a planted
    partition of ``num_nodes`` nodes: the difference of a run of ``epochs + 1``
    epochs and a run of 1, over ``epochs``, one run (one Markov-time schedule,
    no split run and no refinement, and for the GCN one skip weight; the
    GCN's defaults run six)."""
    from infomap_py.network import Network
    from neural import mapequation

    edges, _ = planted_partition(num_nodes, num_modules, 10.0, 0.3, seed=1)
    network = Network(edges[:, 0], edges[:, 1], np.ones(len(edges)), num_nodes, False,
                      range(num_nodes))
    times = []
    for count in (1, epochs + 1):
        started = time.perf_counter()
        mapequation.cluster(network, encoder=encoder, max_modules=num_modules, epochs=count,
                            hidden=32, markov_start=1.0, split_time=(), refine=0,
                            **({"skip": 0.0} if encoder == "gcn" else {}))
        times.append(time.perf_counter() - started)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return (times[1] - times[0]) / epochs, peak


def main(argv: list[str] | None = None) -> int:
    import torch

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--table", choices=("quality", "real", "lfr"), default="quality",
                        help="quality: every graph, then the time per epoch; real: the real "
                             "networks only; lfr: the LFR table")
    parser.add_argument("--nodes", type=int, default=1000, help="LFR nodes (--table lfr)")
    parser.add_argument("--mu", type=float, nargs="+", default=[0.1, 0.3, 0.5, 0.7])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    if args.table == "lfr":
        lfr_table(args.nodes, args.mu, args.seeds, args.epochs)
        return 0

    print("| graph | method | codelength | modules | NMI | seconds |")
    print("|---|---|---:|---:|---:|---:|")
    for spec in graphs():
        if args.table == "real" and spec.kind != "real":
            continue
        for name, method, length, modules, score, seconds in quality_rows(
                spec, args.epochs, args.seed, modularity=spec.kind == "real"):
            shown = "-" if math.isnan(score) else f"{score:.3f}"
            print(f"| {name} | {method} | {length:.4f} | {modules} | {shown} | "
                  f"{seconds:.1f} |", flush=True)
    if args.table == "real":
        return 0

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
