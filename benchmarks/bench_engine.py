"""Time infomap-py against the official Infomap on a planted-partition graph.

Both run in this process, one after the other, on the same edge array:
infomap-py end to end (edge array in, labels out; Numba kernels compiled
beforehand), the official package's network building and ``run()`` apart.

    python -m benchmarks.bench_engine [--nodes 100000] [--groups 500] [--degree 14]
                                      [--mixing 0.3] [--trials 1] [--seed 1]
                                      [--threads N]

infomap-py uses every CPU by default (a single trial coarse-tunes its modules
in threads); the official package runs on one.  ``--threads 1`` runs infomap-py
on one thread too, for a like-for-like comparison.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np

import infomap_py
from benchmarks.generators import planted_partition


def run_official(edges: np.ndarray, num_nodes: int, trials: int, seed: int):
    import infomap

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = time.perf_counter()
        im = infomap.Infomap(silent=True, two_level=True, num_trials=trials, seed=seed)
        im.add_nodes(range(num_nodes))
        im.add_links(edges)
        built = time.perf_counter()
        im.run()
        done = time.perf_counter()
        labels = np.zeros(num_nodes, dtype=np.int64)
        for node, module in im.modules:
            labels[node] = module
        return built - start, done - built, im.codelength, im.num_top_modules, labels


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--groups", type=int, default=500)
    parser.add_argument("--degree", type=float, default=14.0)
    parser.add_argument("--mixing", type=float, default=0.3)
    parser.add_argument("--trials", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threads", type=int, default=None,
                        help="infomap-py's threads (default: every CPU)")
    args = parser.parse_args(argv)

    from sklearn.metrics import normalized_mutual_info_score as nmi

    edges, groups = planted_partition(args.nodes, args.groups, args.degree, args.mixing,
                                      args.seed)
    print(f"planted partition: {args.nodes} nodes, {len(edges)} edges, "
          f"{args.groups} groups, mixing {args.mixing}")

    start = time.perf_counter()
    infomap_py.cluster(edges[:100], trials=1, two_level=True)  # compile (or load) the kernels
    print(f"infomap-py warm-up (Numba compile or cache load): {time.perf_counter() - start:.2f} s")

    start = time.perf_counter()
    ours = infomap_py.cluster(edges, trials=args.trials, seed=args.seed, two_level=True,
                              n_jobs=args.threads)
    ours_time = time.perf_counter() - start

    build, run, official_length, official_modules, official_labels = run_official(
        edges, args.nodes, args.trials, args.seed)

    print(f"{'':12s} {'seconds':>9s} {'codelength':>13s} {'modules':>8s} {'NMI':>7s}")
    print(f"{'infomap-py':12s} {ours_time:9.2f} {ours.codelength:13.6f} "
          f"{ours.num_modules:8d} {nmi(groups, ours.labels):7.4f}")
    print(f"{'official':12s} {run:9.2f} {official_length:13.6f} "
          f"{official_modules:8d} {nmi(groups, official_labels):7.4f}   (+{build:.2f} s building)")
    print(f"time ratio infomap-py / official run(): {ours_time / run:.2f}")
    print(f"codelength difference: {100 * (ours.codelength / official_length - 1):+.4f} %")


if __name__ == "__main__":
    main()
