"""Time trials run serially against trials run in parallel threads (``n_jobs``).

Runs ``--trials`` two-level trials on a planted-partition graph with
``n_jobs=1`` and with every available CPU, ``--repeats`` times each
(alternating), checks that both give exactly the same result for the same
seed, and prints the median times and speed-up with their ranges.

    python -m benchmarks.bench_trials [--nodes 50000] [--trials 10] [--seed 1] [--repeats 5]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import infomap_py
from benchmarks.generators import planted_partition
from infomap_py.optimize import available_cpus


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=50_000)
    parser.add_argument("--groups", type=int, default=250)
    parser.add_argument("--trials", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)

    edges, _ = planted_partition(args.nodes, args.groups, 14, 0.3, seed=args.seed)
    print(f"planted partition: {args.nodes} nodes, {len(edges)} edges; {args.trials} "
          f"two-level trials; {available_cpus()} CPUs")
    infomap_py.cluster(edges[:200], trials=2, two_level=True)  # compile (or load) the kernels
    results = {}
    seconds: dict[str, list[float]] = {"serial": [], "parallel": []}
    for _ in range(args.repeats):
        for label, n_jobs in (("serial", 1), ("parallel", None)):
            start = time.perf_counter()
            results[label] = infomap_py.cluster(edges, trials=args.trials, seed=args.seed,
                                                two_level=True, n_jobs=n_jobs)
            seconds[label].append(time.perf_counter() - start)
    for label, runs in seconds.items():
        print(f"{label:8s}: median {np.median(runs):6.2f} s ({min(runs):.2f}-{max(runs):.2f}, "
              f"{len(runs)} runs), codelength {results[label].codelength:.6f}")
    same = (np.array_equal(results["serial"].labels, results["parallel"].labels)
            and np.array_equal(results["serial"].trial_codelengths,
                               results["parallel"].trial_codelengths))
    speed_ups = np.array(seconds["serial"]) / np.array(seconds["parallel"])
    print(f"speed-up: median {np.median(speed_ups):.2f}x ({speed_ups.min():.2f}-"
          f"{speed_ups.max():.2f}); same result: {same}")

if __name__ == "__main__":
    main()
