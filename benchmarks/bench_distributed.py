"""Trials on a local Dask cluster against trials in this process.

Starts a ``LocalCluster`` of ``--workers`` single-threaded worker processes,
loads the kernels on every worker, then, ``--repeats`` times each
(alternating):

* ``--trials`` two-level trials on a planted-partition graph: in this
  process serially (``n_jobs=1``) and in threads (``n_jobs=None``), and as
  Dask tasks (:func:`infomap_py.distributed.cluster`); the three results
  must be identical (labels, codelength, every trial's codelength);
* ``--tiny-trials`` trials on the karate club, where a trial takes about a
  millisecond: the Dask time per trial is its overhead per trial
  (scheduling, sending the network, computing its flow again in each task,
  sending the winner back);
* ``--graphs`` small planted graphs with :func:`~infomap_py.distributed.cluster_many`
  against a loop of :func:`infomap_py.cluster` here.

Prints medians with their ranges and the machine's load average.

    python -m benchmarks.bench_distributed [--nodes 20000] [--trials 8] [--workers 2]
"""

from __future__ import annotations

import argparse
import os
import time

import networkx as nx
import numpy as np

import infomap_py
from benchmarks.generators import planted_partition
from infomap_py import distributed as ipd


def _timed(run):
    start = time.perf_counter()
    result = run()
    return time.perf_counter() - start, result


def _same(a, b) -> bool:
    return (np.array_equal(a.labels, b.labels) and a.codelength == b.codelength
            and np.array_equal(a.trial_codelengths, b.trial_codelengths))


def _line(label: str, runs: list[float], per: int = 1, unit: str = "s") -> str:
    runs = np.array(runs) / per
    scale = 1000.0 if unit == "ms" else 1.0
    return (f"{label:34s} median {np.median(runs) * scale:8.2f} {unit} "
            f"({runs.min() * scale:.2f}-{runs.max() * scale:.2f}, {len(runs)} runs)")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=20_000)
    parser.add_argument("--groups", type=int, default=100)
    parser.add_argument("--trials", type=int, default=8)
    parser.add_argument("--tiny-trials", type=int, default=40)
    parser.add_argument("--graphs", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    from distributed import Client, LocalCluster

    edges, _ = planted_partition(args.nodes, args.groups, 14, 0.3, seed=args.seed)
    karate = nx.karate_club_graph()
    many = [planted_partition(500, 10, 10, 0.3, seed=s)[0] for s in range(args.graphs)]
    print(f"planted partition: {args.nodes} nodes, {len(edges)} edges; {args.trials} "
          f"two-level trials; {args.workers} Dask workers (processes, 1 thread each); "
          f"load average before: {os.getloadavg()[0]:.2f}")
    infomap_py.cluster(edges[:200], trials=2, two_level=True)  # compile (or load) the kernels
    seconds: dict[str, list[float]] = {}
    with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                      dashboard_address=None) as local_cluster, Client(local_cluster) as client:
        client.wait_for_workers(args.workers)
        # Load the kernels on every worker before timing.
        ipd.cluster(edges[:200], trials=2 * args.workers, two_level=True, client=client)
        for _ in range(args.repeats):
            runs = {
                "local, serial (n_jobs=1)": lambda: infomap_py.cluster(
                    edges, trials=args.trials, seed=args.seed, two_level=True, n_jobs=1),
                "local, threads (n_jobs=None)": lambda: infomap_py.cluster(
                    edges, trials=args.trials, seed=args.seed, two_level=True),
                "dask": lambda: ipd.cluster(edges, trials=args.trials, seed=args.seed,
                                            two_level=True, client=client),
            }
            found = {}
            for label, run in runs.items():
                took, found[label] = _timed(run)
                seconds.setdefault(label, []).append(took)
            reference = found["local, serial (n_jobs=1)"]
            assert all(_same(reference, r) for r in found.values()), "results differ"
            took, tiny_local = _timed(lambda: infomap_py.cluster(
                karate, trials=args.tiny_trials, seed=args.seed, n_jobs=1))
            seconds.setdefault("karate local", []).append(took)
            took, tiny_dask = _timed(lambda: ipd.cluster(
                karate, trials=args.tiny_trials, seed=args.seed, client=client))
            seconds.setdefault("karate dask", []).append(took)
            assert _same(tiny_local, tiny_dask), "karate results differ"
            took, many_local = _timed(lambda: [infomap_py.cluster(g, n_jobs=1) for g in many])
            seconds.setdefault("many local", []).append(took)
            took, many_dask = _timed(lambda: ipd.cluster_many(many, client))
            seconds.setdefault("many dask", []).append(took)
            assert all(_same(a, b) for a, b in zip(many_local, many_dask, strict=True)), \
                "many differ"
    print(f"codelength {reference.codelength:.6f}, {reference.num_modules} modules; "
          f"every Dask result identical to the local one")
    for label in runs:
        print(_line(f"{args.trials} trials, {label}", seconds[label]))
    print(_line("karate, per trial, local", seconds["karate local"], args.tiny_trials, "ms"))
    print(_line("karate, per trial, dask", seconds["karate dask"], args.tiny_trials, "ms"))
    print(_line(f"{args.graphs} graphs of 500 nodes, local loop", seconds["many local"]))
    print(_line(f"{args.graphs} graphs of 500 nodes, cluster_many", seconds["many dask"]))
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
