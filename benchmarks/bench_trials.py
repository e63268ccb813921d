"""Time trials run serially against trials run in parallel threads (``n_jobs``).

Runs ``--trials`` two-level trials on a planted-partition graph with
``n_jobs=1`` and with every available CPU, checks that both give exactly
the same result for the same seed, and prints the speed-up.

    python -m benchmarks.bench_trials [--nodes 50000] [--trials 10] [--seed 1]
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
    args = parser.parse_args(argv)

    edges, _ = planted_partition(args.nodes, args.groups, 14, 0.3, seed=args.seed)
    print(f"planted partition: {args.nodes} nodes, {len(edges)} edges; {args.trials} "
          f"two-level trials; {available_cpus()} CPUs")
    infomap_py.cluster(edges[:200], trials=2, two_level=True)  # compile (or load) the kernels
    results = {}
    for label, n_jobs in (("serial", 1), ("parallel", None)):
        start = time.perf_counter()
        results[label] = infomap_py.cluster(edges, trials=args.trials, seed=args.seed,
                                            two_level=True, n_jobs=n_jobs)
        seconds = time.perf_counter() - start
        results[label + " seconds"] = seconds
        print(f"{label:8s}: {seconds:6.2f} s, codelength {results[label].codelength:.6f}")
    same = (np.array_equal(results["serial"].labels, results["parallel"].labels)
            and np.array_equal(results["serial"].trial_codelengths,
                               results["parallel"].trial_codelengths))
    print(f"speed-up {results['serial seconds'] / results['parallel seconds']:.2f}x; "
          f"same result: {same}")


if __name__ == "__main__":
    main()
