"""The command-line tool: ``infomap-py NETWORK [OUT_DIR] [options]``.

Option names follow the official Infomap, so that people can switch in
both directions; files are read and written in the official formats.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Sequence

import numpy as np

from . import __version__
from .api import cluster, evaluate
from .errors import InfomapPyError
from .flow import FLOW_MODELS

OUTPUT_FORMATS = ("clu", "tree", "ftree", "json", "csv")

EXAMPLES = """\
examples:
  infomap-py network.txt out/                 module tree of a link list, out/network.tree
  infomap-py network.txt out/ -2              two-level modules only
  infomap-py network.net out/ -d -N 10        directed, best of 10 trials
  infomap-py network.txt out/ -o clu,json     write out/network.clu and out/network.json
  infomap-py network.txt out/ -c given.tree --no-infomap
                                              only score the tree in given.tree
  infomap-py network.txt out/ --plot out/modules.png
                                              also draw the modules to a picture
  gzip -dc big.txt.gz | infomap-py - out/ --out-name big
                                              read the network from standard input
"""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line on stderr and exit status 2."""

    def error(self, message: str) -> None:  # noqa: D102 - argparse API
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the command-line tool."""
    parser = _Parser(
        prog="infomap-py",
        description="Find communities in a network with the map equation (Infomap).",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("network", metavar="NETWORK",
                        help="link list (source target [weight]) or Pajek .net file; "
                             ".gz is read transparently; - reads standard input")
    parser.add_argument("out_dir", metavar="OUT_DIR", nargs="?", default=".",
                        help="directory for the output files (created if missing; default: .)")
    flow = parser.add_argument_group("flow")
    flow.add_argument("-d", "--directed", action="store_true",
                      help="links are directed (default: from the file, *Arcs in Pajek)")
    flow.add_argument("-f", "--flow-model", choices=FLOW_MODELS, metavar="MODEL",
                      help=f"flow model: {', '.join(FLOW_MODELS)}")
    flow.add_argument("-p", "--teleportation-probability", type=float, default=0.15,
                      metavar="P", help="teleportation probability, directed flow (default 0.15)")
    flow.add_argument("--to-nodes", action="store_true",
                      help="teleport to nodes (by node weight) instead of to links")
    flow.add_argument("-e", "--recorded-teleportation", action="store_true",
                      help="code teleportation steps too")
    flow.add_argument("--markov-time", type=float, default=1.0, metavar="T",
                      help="scale link flow; larger gives fewer modules (default 1)")
    search = parser.add_argument_group("search")
    search.add_argument("-2", "--two-level", action="store_true",
                        help="two-level partition (default: multilevel, modules within modules)")
    search.add_argument("-F", "--fast-hierarchical-solution", action="count", default=0,
                        help="-F: keep every super-module level and split only the bottom "
                             "modules; -FF: keep the super-module levels, split nothing")
    search.add_argument("-N", "--num-trials", type=int, default=1, metavar="N",
                        help="independent trials, the shortest wins (default 1)")
    search.add_argument("-s", "--seed", type=int, default=123, help="random seed (default 123)")
    search.add_argument("--num-threads", type=int, metavar="N",
                        help="threads for trials and module splits (default: every CPU; "
                             "the result does not depend on it)")
    search.add_argument("-c", "--cluster-data", metavar="FILE",
                        help="start from the partition in a .clu or .tree file (its top "
                             "modules)")
    search.add_argument("--no-infomap", action="store_true",
                        help="do not search: only score the partition or tree given with -c")
    output = parser.add_argument_group("output")
    output.add_argument("-o", "--output", default="tree", metavar="FORMATS",
                        help=f"comma-separated formats among {', '.join(OUTPUT_FORMATS)} "
                             "(default tree)")
    output.add_argument("--out-name", metavar="NAME",
                        help="file name stem of the output (default: the network's)")
    output.add_argument("--plot", metavar="FILE",
                        help="draw the result to FILE (.png, .pdf, .svg, ...): the network of a "
                             "small graph, the module map of a large one (needs matplotlib: "
                             "pip install 'infomap-py[plot]')")
    output.add_argument("--silent", action="store_true", help="print nothing but errors")
    output.add_argument("-v", "--verbose", action="count", default=0,
                        help="print every phase of every trial")
    output.add_argument("--version", action="version", version=f"infomap-py {__version__}")
    return parser


class _UsageError(Exception):
    """A bad option value, reported as one line naming the option."""


def _output_formats(value: str) -> list[str]:
    formats = [f.strip().lower() for f in value.split(",") if f.strip()]
    unknown = [f for f in formats if f not in OUTPUT_FORMATS]
    if unknown or not formats:
        raise _UsageError(
            f"argument -o/--output: unknown format {unknown[0] if unknown else value!r} "
            f"(choose from {', '.join(OUTPUT_FORMATS)})"
        )
    return list(dict.fromkeys(formats))


def _check_options(args: argparse.Namespace) -> None:
    if not 0.0 < args.teleportation_probability < 1.0:
        raise _UsageError("argument -p/--teleportation-probability: must be in (0, 1), "
                          f"got {args.teleportation_probability}")
    if not (np.isfinite(args.markov_time) and args.markov_time > 0):
        raise _UsageError(f"argument --markov-time: must be > 0, got {args.markov_time}")
    if args.num_trials < 1:
        raise _UsageError(f"argument -N/--num-trials: must be >= 1, got {args.num_trials}")
    if args.num_threads is not None and args.num_threads < 1:
        raise _UsageError(f"argument --num-threads: must be >= 1, got {args.num_threads}")
    if args.seed < 0:
        raise _UsageError(f"argument -s/--seed: must be >= 0, got {args.seed}")
    if args.fast_hierarchical_solution > 2:
        raise _UsageError("argument -F/--fast-hierarchical-solution: at most -FF, got "
                          f"{args.fast_hierarchical_solution}")
    if args.plot is not None:
        try:
            from .plot._save import picture_formats
        except ImportError:
            raise _UsageError("argument --plot: needs matplotlib; "
                              "pip install 'infomap-py[plot]'") from None
        suffix = Path(args.plot).suffix.lower().lstrip(".")
        if suffix not in picture_formats():
            raise _UsageError(f"argument --plot: {args.plot!r} must end in one of "
                              f"{', '.join('.' + f for f in sorted(picture_formats()))}")
    if args.no_infomap and not args.cluster_data:
        raise _UsageError("argument --no-infomap: needs a partition given with -c/--cluster-data")


def _out_name(args: argparse.Namespace) -> str:
    if args.out_name:
        return args.out_name
    if args.network == "-":
        return "stdin"
    name = Path(args.network).name
    for suffix in (".gz",):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    return Path(name).stem or "network"


def _initial_labels(network, partition: dict) -> np.ndarray:
    """Module label per node from ``{node_id: module}``; nodes missing from
    the file each get a module of their own."""
    ids = network.node_ids
    labels = np.empty(network.num_nodes, dtype=np.int64)
    next_module = max(partition.values(), default=-1) + 1
    for i, node_id in enumerate(ids.tolist()):
        module = partition.get(node_id)
        if module is None:
            module = next_module
            next_module += 1
        labels[i] = module
    return labels


def _initial_tree(network, paths: dict) -> list[tuple[int, ...]]:
    """A path per node from ``{node_id: path}``; nodes missing from the file
    each get a top module of their own."""
    next_module = max((p[0] for p in paths.values()), default=0) + 1
    tree = []
    for node_id in network.node_ids.tolist():
        path = paths.get(node_id)
        if path is None:
            path = (next_module, 1)
            next_module += 1
        tree.append(path)
    return tree


class _Progress:
    """Progress on stderr: one updating line on a terminal, or a line per
    phase with ``--verbose``."""

    def __init__(self, trials: int, enabled: bool, verbose: bool) -> None:
        self.trials = trials
        self.enabled = enabled
        self.verbose = verbose

    def __call__(self, trial: int, phase: str, num_modules: int, length: float) -> None:
        text = (f"trial {trial + 1}/{self.trials} {phase}: {num_modules} modules, "
                f"codelength {length:.6f} bits")
        if self.verbose:
            print(text, file=sys.stderr)
        elif self.enabled:
            print(f"\r{text:<78s}", end="", file=sys.stderr, flush=True)

    def finish(self) -> None:
        if self.enabled and not self.verbose:
            print("\r" + " " * 78 + "\r", end="", file=sys.stderr, flush=True)


def _fail(message: str) -> int:
    print(f"infomap-py: error: {message}", file=sys.stderr)
    return 2


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command-line tool; return the exit status (0, or 2 on bad input)."""
    from .io import read_network, read_tree, write_clu, write_csv, write_ftree, write_json, \
        write_tree

    writers = {"clu": write_clu, "tree": write_tree, "ftree": write_ftree,
               "json": write_json, "csv": write_csv}
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        formats = _output_formats(args.output)
        _check_options(args)
    except _UsageError as err:
        return _fail(str(err))
    start = time.perf_counter()
    written: list[Path] = []
    try:
        network = read_network(args.network, directed=True if args.directed else None)
        options = dict(
            flow_model=args.flow_model,
            teleportation=args.teleportation_probability,
            to_nodes=args.to_nodes,
            recorded_teleportation=args.recorded_teleportation,
            markov_time=args.markov_time,
        )
        initial = None
        if args.cluster_data:
            given = read_tree(args.cluster_data)
            initial = (_initial_tree(network, given) if args.no_infomap
                       else _initial_labels(network, {n: p[0] for n, p in given.items()}))
        out_dir = Path(args.out_dir)
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            return _fail(f"cannot create output directory {str(out_dir)!r}: {err.strerror}")
        if not os.access(out_dir, os.W_OK):
            return _fail(f"output directory {str(out_dir)!r} is not writable")
        if args.plot is not None and not Path(args.plot).parent.is_dir():
            return _fail(f"argument --plot: no directory {str(Path(args.plot).parent)!r}")

        if args.no_infomap:
            result = evaluate(network, initial, **options)
        else:
            progress = _Progress(args.num_trials, enabled=not args.silent and sys.stderr.isatty(),
                                 verbose=args.verbose > 0 and not args.silent)
            result = cluster(network, trials=args.num_trials, seed=args.seed,
                             initial_partition=initial, two_level=args.two_level,
                             fast_hierarchical=args.fast_hierarchical_solution,
                             n_jobs=args.num_threads,
                             progress=progress, **options)
            progress.finish()
        stem = _out_name(args)
        for fmt in formats:
            path = out_dir / f"{stem}.{fmt}"
            writers[fmt](result, path)
            written.append(path)
        if args.plot is not None:
            from .plot._save import save_picture

            save_picture(network, result, args.plot)
            written.append(Path(args.plot))
    except InfomapPyError as err:
        for path in written:
            path.unlink(missing_ok=True)
        return _fail(str(err))
    except (ValueError, TypeError) as err:
        for path in written:
            path.unlink(missing_ok=True)
        return _fail(f"{args.network}: {err}")
    if not args.silent:
        seconds = time.perf_counter() - start
        print(f"infomap-py: {network.num_nodes} nodes, {network.num_links} links, "
              f"{result.num_modules} top modules, {result.num_levels} levels, codelength {result.codelength:.9f} bits "
              f"({result.relative_codelength_savings:.2%} savings), {seconds:.2f} s; "
              f"wrote {', '.join(str(p) for p in written)}", file=sys.stderr)
    return 0


def main_entry() -> None:
    """Console-script entry point: exit with :func:`main`'s status."""
    sys.exit(main())
