"""Time the multilevel search against the two-level one, and against the official Infomap.

On a graph with groups within groups (``--branching 8,8,8``: 8 super-groups
of 8 groups of 8 sub-groups), infomap-py runs the two-level search and the
multilevel search on the same edge array (Numba kernels compiled
beforehand) and prints the best time of each over ``--repeats`` interleaved
runs, their ratio, the peak memory NumPy and Python allocate (traced in a run apart), the codelengths, the
depth of the tree and the NMI to the planted groups at every level; the
official package's multilevel run follows unless ``--no-official``.

    python -m benchmarks.bench_hierarchy [--nodes 100000] [--branching 8,8,8]
                                         [--degree 14] [--mixing 0.02,0.05,0.15]
                                         [--trials 1] [--seed 1] [--repeats 3]
                                         [--no-official]
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc
import warnings

import numpy as np

import infomap_py
from benchmarks.generators import hierarchical_planted_partition


def run_official(edges: np.ndarray, num_nodes: int, trials: int, seed: int):
    import infomap

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        im = infomap.Infomap(silent=True, num_trials=trials, seed=seed)
        im.add_nodes(range(num_nodes))
        im.add_links(edges)
        start = time.perf_counter()
        im.run()
        return time.perf_counter() - start, im.codelength, im.num_top_modules, im.num_levels


def _ints(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in text.split(","))


def _floats(text: str) -> tuple[float, ...]:
    return tuple(float(x) for x in text.split(","))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--branching", type=_ints, default=(8, 8, 8))
    parser.add_argument("--degree", type=float, default=14.0)
    parser.add_argument("--mixing", type=_floats, default=(0.02, 0.05, 0.15))
    parser.add_argument("--trials", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-official", action="store_true")
    args = parser.parse_args(argv)

    from sklearn.metrics import normalized_mutual_info_score as nmi

    edges, groups = hierarchical_planted_partition(args.nodes, args.branching, args.degree,
                                                   args.mixing, args.seed)
    print(f"hierarchical planted partition: {args.nodes} nodes, {len(edges)} edges, "
          f"branching {args.branching}, mixing {args.mixing}")
    start = time.perf_counter()
    warm_edges, _ = hierarchical_planted_partition(500, (2, 2), 8, (0.02, 0.1), seed=2)
    infomap_py.cluster(warm_edges, trials=1)  # compile (or load) the kernels
    print(f"infomap-py warm-up (Numba compile or cache load): {time.perf_counter() - start:.2f} s")

    variants = (("two-level", True), ("multilevel", False))
    times: dict[str, list[float]] = {label: [] for label, _ in variants}
    results = {}
    for _ in range(args.repeats):  # interleaved, so drift in machine speed hits both
        for label, two_level in variants:
            start = time.perf_counter()
            results[label] = infomap_py.cluster(edges, trials=args.trials, seed=args.seed,
                                                two_level=two_level)
            times[label].append(time.perf_counter() - start)
    runs = {label: min(values) for label, values in times.items()}
    for label, two_level in variants:
        result = results[label]
        tracemalloc.start()
        infomap_py.cluster(edges, trials=args.trials, seed=args.seed, two_level=two_level)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        scores = ", ".join(
            f"level {level} NMI {nmi(groups[:, level - 1], result.modules_at(level)):.4f}"
            for level in range(1, groups.shape[1] + 1))
        print(f"infomap-py {label:10s}: best of {args.repeats} {runs[label]:6.2f} s "
              f"(median {np.median(times[label]):.2f} s), peak traced memory "
              f"{peak / 2**20:6.1f} MiB (process peak so far {rss:6.0f} MiB), "
              f"codelength {result.codelength:.6f}, {result.num_top_modules} top modules, "
              f"{result.num_levels} levels, {result.num_leaf_modules} leaf modules; {scores}")
    print(f"multilevel / two-level time: {runs['multilevel'] / runs['two-level']:.2f}")
    if not args.no_official:
        seconds, length, top, levels = run_official(edges, args.nodes, args.trials, args.seed)
        print(f"official multilevel   : {seconds:7.2f} s, codelength {length:.6f}, "
              f"{top} top modules, {levels} levels")


if __name__ == "__main__":
    main()
