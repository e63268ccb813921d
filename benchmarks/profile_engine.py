"""Where the time of a two-level run goes, stage by stage and kernel by kernel.

    python -m benchmarks.profile_engine [--nodes 1000000] [--groups 5000] [--degree 14.6]
                                        [--mixing 0.3] [--seed 1] [--lines]

Times, on a planted-partition graph: building the network from the edge
array, the flow, the CSR flow graph, then the phases of one two-level trial
as the engine itself reports them (:func:`infomap_py.two_level.partition`
calls its ``report`` hook as each phase ends: the first core loops and
aggregation levels, then alternating fine- and coarse-tuning rounds, each
with the levels after it), and finally the result's module tree.  The trial
runs in one thread; the kernels are compiled beforehand.

With ``--lines`` it also profiles ``infomap_py.cluster`` on the same graph
line by line (``line_profiler``, in the ``bench`` extra): the Python layer
around the kernels, each kernel call one line.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from benchmarks.generators import planted_partition
from infomap_py._core import mapeq
from infomap_py._core.rng import new_state
from infomap_py.convert import to_network
from infomap_py.flow import compute_flow, flow_graph
from infomap_py.optimize import trial_seeds
from infomap_py.tree import build_tree, two_level_tree
from infomap_py.two_level import partition

def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=1_000_000)
    parser.add_argument("--groups", type=int, default=5_000)
    parser.add_argument("--degree", type=float, default=14.6)
    parser.add_argument("--mixing", type=float, default=0.3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--lines", action="store_true",
                        help="also profile infomap_py.cluster line by line")
    args = parser.parse_args(argv)
    small, _ = planted_partition(2000, 20, args.degree, args.mixing, args.seed)
    profile(small)  # compile (or load) every kernel called below
    edges, _ = planted_partition(args.nodes, args.groups, args.degree, args.mixing, args.seed)
    print(f"planted partition: {args.nodes} nodes, {len(edges)} edges")
    stages, k, length = profile(edges)
    total = sum(seconds for _, seconds in stages)
    for label, seconds in stages:
        print(f"{label:50s} {seconds:7.2f} s  {100 * seconds / total:5.1f} %")
    print(f"{'total':50s} {total:7.2f} s; {k} modules, codelength {length:.6f}")
    if args.lines:
        profile_lines(edges)


def profile_lines(edges: np.ndarray) -> None:
    """Print the line-by-line profile of one two-level ``cluster`` call."""
    try:
        from line_profiler import LineProfiler
    except ImportError:
        raise SystemExit("--lines needs line_profiler: pip install -e '.[bench]'") from None
    import infomap_py
    from infomap_py import api, flow, optimize, two_level

    profiler = LineProfiler(api.cluster, api._network_and_flow, flow.compute_flow,
                            optimize.search, optimize.run_trial, two_level.partition)
    profiler.runcall(infomap_py.cluster, edges, two_level=True, seed=1)
    profiler.print_stats(output_unit=1e-3, stripzeros=True)


def profile(edges: np.ndarray) -> tuple[list[tuple[str, float]], int, float]:
    """Return ``(stages, num_modules, codelength)``: seconds per stage of one trial."""
    stages: list[tuple[str, float]] = []

    def timed(label, function, *arguments):
        start = time.perf_counter()
        value = function(*arguments)
        stages.append((label, time.perf_counter() - start))
        return value

    network = timed("network from the edge array", to_network, edges)
    flow = timed("flow (undirected)", compute_flow, network, "undirected")
    net = timed("CSR flow graph", flow_graph, flow)
    constants = mapeq.new_constants(mapeq.entropy_terms(net[1][0]), 0.0, np.zeros(3))
    rng = new_state(trial_seeds(123, 1)[0])
    n = network.num_nodes
    rounds = [0]

    def report(phase: str, k: int, length: float, seconds: float) -> None:
        if phase == "levels":
            stages.append(("core loops and aggregation levels", seconds))
        else:
            rounds[0] += 1
            stages.append((f"round {rounds[0]}: {phase} and the levels after it", seconds))

    labels, k, length = partition(net, constants, np.arange(n), n, rng, False, report=report)
    timed("module tree of the result", build_tree, flow, *two_level_tree(labels, k), net)
    return stages, k, length


if __name__ == "__main__":
    main()
