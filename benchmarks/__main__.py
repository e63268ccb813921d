"""The benchmark suite's command line.

    python -m benchmarks run --suite quick|full|smoke [--out DIR] [--trials 1]
                             [--seed 1] [--tools infomap-py,infomap,...]

Runs every tool on every graph of the suite, each in its own process, and
writes ``results.json``, ``report.md`` and the plots into ``DIR`` (default
``benchmarks/results/SUITE``).  The quick suite takes a few minutes; the
full one adds the 10^6-node graph and larger LFR graphs.

    python -m benchmarks run --suite higher-order|higher-order-smoke [--out DIR]
                             [--trials 5] [--seed 1] [--repeats 1]

The higher-order suite (:mod:`benchmarks.higher_order`) runs infomap-py
against the official Infomap on state (memory), multilayer and bipartite
networks: every official example of these kinds (two-level and
multilevel, with and without ``-d``: codelengths equal to 1e-6, and each
package scores the other's state-level tree to 1e-9); a second-order
network of paths on an LFR graph, three LFR layers on one node set and a
planted bipartite graph (codelength at most the official's + 0.1 % with
the same trials); and both command-line tools on a state network of 10^6
state nodes and a multilayer file of 10^6 ``*Intra`` links (time and peak
memory per link; ``--repeats`` runs of each, median).  It takes about 15
minutes, most of it the two 10^6 files; the smoke subset takes about a
minute.  ``--trials`` defaults to 5 there; ``--kinds example,generated``
runs the quality entries only; ``--tools`` does not apply.

    python -m benchmarks run --suite regularized|regularized-smoke [--out DIR]
                             [--trials 5] [--seed 1]

The regularized suite (:mod:`benchmarks.regularized`) clusters planted
partitions of 1000 nodes (10 and 20 groups) observed through a random
fraction of their links, or through weighted link observations, at observed
mean degrees 3 to 15, plain and ``--regularized``, by infomap-py and the
official Infomap: NMI, AMI and the number of modules (``results.json``,
``report.md``, ``regularized.png``; a few minutes).  The smoke subset runs
one sample at three degrees.  ``--tools`` does not apply.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from benchmarks.suite import TOOLS, run_suite

HIGHER_ORDER = ("higher-order", "higher-order-smoke")
REGULARIZED = ("regularized", "regularized-smoke")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks",
                                     description="Benchmarks of infomap-py and its peers.")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run a suite")
    run.add_argument("--suite", choices=("smoke", "quick", "full", *HIGHER_ORDER, *REGULARIZED),
                     default="quick")
    run.add_argument("--out", type=Path, help="output directory")
    run.add_argument("--trials", type=int, default=None,
                     help="trials per search (default 1; 5 for the higher-order and "
                          "regularized suites)")
    run.add_argument("--seed", type=int, default=1)
    run.add_argument("--tools", help=f"comma-separated subset of {', '.join(TOOLS)}")
    run.add_argument("--repeats", type=int, default=None,
                     help="runs of each tool on each graph; times are medians "
                          "(default: 3 at 10^6 nodes and more, 5 below, 1 for smoke)")
    run.add_argument("--repeat-only", metavar="TOOLS",
                     help="comma-separated tools whose runs repeat; the others run once "
                          "(default: every tool repeats)")
    run.add_argument("--kinds", default="example,generated,speed",
                     help="higher-order suites: the kinds of entries to run "
                          "(example, generated, speed)")
    run.add_argument("--timeout", type=float, default=900.0,
                     help="seconds one tool may take on one graph")
    args = parser.parse_args(argv)
    tools = args.tools.split(",") if args.tools else None
    repeat_only = args.repeat_only.split(",") if args.repeat_only else None
    unknown = [t for t in (tools or []) + (repeat_only or []) if t not in TOOLS]
    if unknown:
        parser.error(f"unknown tool {unknown[0]!r} (choose from {', '.join(TOOLS)})")
    out = args.out or Path(__file__).parent / "results" / args.suite
    if args.suite in HIGHER_ORDER:
        from benchmarks.higher_order import run_higher_order

        results = run_higher_order(args.suite, out, trials=args.trials or 5, seed=args.seed,
                                   timeout=max(args.timeout, 1800.0), repeats=args.repeats,
                                   kinds=tuple(args.kinds.split(",")))
        print(f"wrote {out / 'results.json'}, {out / 'report.md'} and "
              f"{out / 'higher_order.png'} ({results['seconds'] / 60:.1f} min)")
        return 0
    if args.suite in REGULARIZED:
        from benchmarks.regularized import run_regularized

        smoke = args.suite == "regularized-smoke"
        results = run_regularized(out, trials=args.trials or 5, seed=args.seed,
                                  graphs=1 if smoke else 5,
                                  degrees=(3, 6, 10) if smoke else (3, 4, 5, 5.5, 6, 7, 8, 10, 15),
                                  samplings=("fraction",) if smoke else ("fraction", "weighted"),
                                  groups=(10,) if smoke else (10, 20),
                                  plot=out / "regularized.png")
        print(f"wrote {out / 'results.json'}, {out / 'report.md'} and "
              f"{out / 'regularized.png'} ({results['seconds'] / 60:.1f} min)")
        return 0
    results = run_suite(args.suite, out, trials=args.trials or 1, seed=args.seed, tools=tools,
                        timeout=args.timeout, repeats=args.repeats,
                        repeat_only=repeat_only)
    print(f"wrote {out / 'results.json'}, {out / 'report.md'} and plots "
          f"({results['seconds'] / 60:.1f} min)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
