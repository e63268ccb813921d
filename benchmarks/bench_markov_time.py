"""Search quality at Markov time above 1: infomap-py against the official Infomap.

On a ring of cliques (16 cliques of 5 nodes by default; two-level) the
cliques are the best partition at every Markov time measured here, but the
longer the Markov time, the more a first pass merges neighbouring cliques
in pairs.  For each Markov time, both packages run one trial from each of
``--seeds`` seeds; the table gives the share of seeds that reach the
cliques' codelength, the mean codelength and the number of modules found
most often; then ``--trials`` trials from each of ``--trial-seeds`` seeds.

    python -m benchmarks.bench_markov_time [--seeds 200] [--cliques 16] [--size 5]
                                           [--markov-times 1,2,2.5] [--trials 20]
                                           [--trial-seeds 5]
"""

from __future__ import annotations

import argparse
import time
import warnings

import networkx as nx
import numpy as np

import infomap_py

#: A run reaches the optimum if its codelength is within this many bits of it.
TOLERANCE = 1e-9


def run_ours(edges: np.ndarray, markov_time: float, seed: int, trials: int):
    """Return ``(codelength, num_modules)`` of infomap-py's two-level search."""
    res = infomap_py.cluster(edges, two_level=True, markov_time=markov_time, seed=seed,
                             trials=trials, n_jobs=1)
    return res.codelength, res.num_top_modules


def run_official(edges: np.ndarray, markov_time: float, seed: int, trials: int):
    """Return ``(codelength, num_modules)`` of the official two-level search."""
    import infomap

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        im = infomap.Infomap(two_level=True, markov_time=markov_time, seed=seed,
                             num_trials=trials, silent=True)
        im.add_links(edges.tolist())
        im.run()
        return im.codelength, im.num_top_modules


TOOLS = {"infomap-py": run_ours, "official": run_official}


def summary(runs: list[tuple[float, int]], optimum: float) -> str:
    lengths = np.array([length for length, _ in runs])
    modules = np.array([k for _, k in runs])
    values, counts = np.unique(modules, return_counts=True)
    reached = np.mean(lengths <= optimum + TOLERANCE)
    return (f"{reached:8.1%} {lengths.mean():12.6f} {lengths.min():12.6f} "
            f"{values[np.argmax(counts)]:8d}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=200,
                        help="single-trial runs per package and Markov time")
    parser.add_argument("--cliques", type=int, default=16)
    parser.add_argument("--size", type=int, default=5, help="nodes per clique")
    parser.add_argument("--markov-times", default="1,2,2.5",
                        help="comma-separated Markov times")
    parser.add_argument("--trials", type=int, default=20,
                        help="trials per run in the second table")
    parser.add_argument("--trial-seeds", type=int, default=5,
                        help="runs of --trials trials per package and Markov time")
    args = parser.parse_args(argv)
    markov_times = [float(t) for t in args.markov_times.split(",")]

    G = nx.ring_of_cliques(args.cliques, args.size)
    edges = np.array(list(G.edges()), dtype=np.int64)
    cliques = np.arange(G.number_of_nodes()) // args.size
    print(f"ring of {args.cliques} cliques of {args.size} nodes: {G.number_of_nodes()} nodes, "
          f"{len(edges)} links; two-level")
    start = time.perf_counter()
    infomap_py.cluster(edges, trials=1, two_level=True)  # compile (or load) the kernels
    print(f"infomap-py warm-up (Numba compile or cache load): "
          f"{time.perf_counter() - start:.2f} s")

    print(f"optimum: share of runs that reach the codelength of the {args.cliques} cliques; "
          f"modules: the number found most often")
    for trials, seeds in ((1, args.seeds), (args.trials, args.trial_seeds)):
        print(f"\n{trials} trial(s) per run, seeds 1..{seeds}")
        print(f"{'markov time':>11s} {'tool':10s} {'optimum':>8s} {'mean bits':>12s} "
              f"{'best bits':>12s} {'modules':>8s} {'seconds':>8s}")
        for markov_time in markov_times:
            optimum = float(infomap_py.codelength(edges, cliques, markov_time=markov_time))
            for tool, run in TOOLS.items():
                start = time.perf_counter()
                runs = [run(edges, markov_time, seed, trials) for seed in range(1, seeds + 1)]
                seconds = time.perf_counter() - start
                print(f"{markov_time:11.2f} {tool:10s} {summary(runs, optimum)} "
                      f"{seconds:8.2f}")


if __name__ == "__main__":
    main()
