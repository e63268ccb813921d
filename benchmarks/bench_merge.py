"""Time the merge phase of a two-level trial: the same trials with and without it.

Runs single two-level trials (``run_trial``, the engine's own trial, with
``merge`` on and off, same seeds) on a planted-partition graph and on the
official nine-triangles example, and prints time, codelength and number of
modules of each, and how many trials the merge phase shortened.

    python -m benchmarks.bench_merge [--nodes 100000] [--groups 500] [--seeds 6]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

import infomap_py
from benchmarks.generators import planted_partition
from infomap_py._core import mapeq
from infomap_py._core.rng import new_state
from infomap_py.flow import flow_graph
from infomap_py.optimize import run_trial, trial_seeds


def kernel_input(G) -> tuple:
    """The arrays a trial runs on, built as ``optimize.search`` builds them."""
    net = flow_graph(infomap_py.compute_flow(G))
    return net, mapeq.new_constants(mapeq.entropy_terms(net.node_data.flow), 0.0, np.zeros(3))


def compare(name: str, kernel: tuple, seeds: list[int]) -> None:
    totals = {False: 0.0, True: 0.0}
    shorter = 0
    for number, seed in enumerate(seeds):
        found = {}
        # Alternate which runs first, so that neither gains from a warmer machine.
        for merge in ((False, True) if number % 2 == 0 else (True, False)):
            start = time.perf_counter()
            parent, _, length = run_trial(kernel, new_state(seed), two_level=True, merge=merge)
            totals[merge] += time.perf_counter() - start
            found[merge] = (length, parent.shape[0] - 1)
        shorter += found[True][0] < found[False][0] - 1e-10
        print(f"{name:14s} seed {seed % 10**6:6d}  without {found[False][0]:.6f} bits "
              f"{found[False][1]:5d} modules   with {found[True][0]:.6f} bits "
              f"{found[True][1]:5d} modules")
    added = totals[True] - totals[False]
    print(f"{name:14s} {len(seeds)} trials: {totals[False]:.2f} s without, "
          f"{totals[True]:.2f} s with ({100 * added / totals[False]:+.1f} %); "
          f"shorter in {shorter}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--groups", type=int, default=500)
    parser.add_argument("--seeds", type=int, default=6)
    args = parser.parse_args(argv)
    seeds = trial_seeds(1, args.seeds)

    import infomap

    nine = infomap_py.read_network(Path(infomap.__file__).parent / "datasets" / "data"
                                   / "ninetriangles.net")
    compare("ninetriangles", kernel_input(nine), seeds)  # also compiles the kernels
    edges, _ = planted_partition(args.nodes, args.groups, 14, 0.3, seed=1)
    planted = kernel_input(edges)
    run_trial(planted, new_state(0), two_level=True)  # warm the caches on this graph
    compare("planted", planted, seeds)


if __name__ == "__main__":
    main()
