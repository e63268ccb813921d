"""The command-line tool: ``infomap-py NETWORK [OUT_DIR] [options]``.

Option names follow the official Infomap, so that people can switch in
both directions; files are read and written in the official formats.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import os
import signal
import sys
import threading
import time
from functools import partial
from pathlib import Path
from typing import Callable, Iterator, Sequence

import numpy as np

from . import __version__
from ._compile_notice import compile_notice
from ._validate import MAX_LOOPS, MAX_THREADS, MAX_TRIALS
from .api import cluster, evaluate
from .errors import InfomapPyError, display_path
from .flow import FLOW_MODELS
from .network import StateNetwork

OUTPUT_FORMATS = ("clu", "tree", "ftree", "json", "csv", "states")

#: The largest seed: the official Infomap's seeds are 64-bit integers too.
MAX_SEED = 2**63 - 1


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
  infomap-py memory.net out/ -o tree,clu      a state network (*States): out/memory.tree
                                              (physical nodes) and out/memory_states.tree
  infomap-py layers.net out/ --multilayer-relax-rate 0.25
                                              a multilayer network (*Intra, *Inter)

As in the official Infomap, links are undirected unless -d is given or the
flow model (-f) is one of the directed ones, also in a Pajek file with *Arcs;
-d means -f directed, whatever -f says.

State (*States), multilayer (*Multilayer, *Intra, *Inter) and bipartite
(*Bipartite) Pajek files are read as the official reads them, with two
deliberate differences: a link to a state or node the file does not declare,
a state listed twice, or a file mixing first- and higher-order sections is
an error (the official accepts them silently), and -o states writes every
digit a weight needs (the official rounds to six).

The search controls -M, -L, -T, --core-loop-codelength-threshold,
--tune-iteration-relative-threshold and --prefer-modular-solution count as the
official counts them (-T 1 tunes nothing, -L counts the level a search starts
from); deliberate differences: they limit the search of the whole network,
while the partitions of single modules inside coarse-tuning and the recursive
split keep the defaults (the official passes the thresholds and
--prefer-modular-solution down to those too), and trial k draws the k-th
child seed of the seed, not seed + k: --trial-offset K -N 1 still repeats
trial K+1 of a longer run with the same seed.

Every output file and the --plot picture is first written under a temporary
name; all are renamed into place once all are written, so a run leaves all
its files or none.  Exit status: 0 on success, 2 on bad input or a failed
write, 130 when interrupted (Ctrl-C), 143 on SIGTERM.
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
        allow_abbrev=False,  # the official --clu must not pass for --cluster-data
    )
    parser.add_argument("network", metavar="NETWORK",
                        help="link list (source target [weight]) or Pajek .net file "
                             "(its *Arcs are undirected links unless -d is given); "
                             ".gz is read transparently; - reads standard input")
    parser.add_argument("out_dir", metavar="OUT_DIR", nargs="?", default=".",
                        help="directory for the output files (created when they are written; "
                             "default: .)")
    flow = parser.add_argument_group("flow")
    flow.add_argument("-d", "--directed", action="store_true",
                      help="directed links and flow: the same as -f directed, and it "
                           "overrides -f (default: undirected, even for *Arcs in Pajek)")
    flow.add_argument("-f", "--flow-model", choices=FLOW_MODELS, metavar="MODEL",
                      help=f"flow model: {', '.join(FLOW_MODELS)}; every model but "
                           "undirected takes the links as directed (default: undirected)")
    flow.add_argument("-p", "--teleportation-probability", type=float, default=0.15,
                      metavar="P", help="teleportation probability, directed flow (default 0.15)")
    flow.add_argument("--to-nodes", action="store_true",
                      help="teleport to nodes (by node weight) instead of to links")
    flow.add_argument("-e", "--recorded-teleportation", action="store_true",
                      help="code teleportation steps too")
    flow.add_argument("--markov-time", type=float, default=1.0, metavar="T",
                      help="scale link flow; larger gives fewer modules (default 1)")
    flow.add_argument("--bipartite-teleportation", action="store_true",
                      help="bipartite network: keep flow on feature nodes; with directed "
                           "flow, teleport to primary nodes in a two-step walk")
    flow.add_argument("--skip-adjust-bipartite-flow", action="store_true",
                      help="bipartite network: keep the flow on feature nodes instead of "
                           "moving it to the primary nodes")
    layers = parser.add_argument_group(
        "multilayer networks (*Multilayer, *Intra, *Inter: expanded into a state network "
        "as the official Infomap does)")
    layers.add_argument("--multilayer-relax-rate", type=float, default=0.15, metavar="P",
                        help="probability of relaxing from a state to the neighbours of its "
                             "node in other layers (*Intra without *Inter; default 0.15)")
    layers.add_argument("--multilayer-relax-limit", type=int, default=-1, metavar="N",
                        help="relax only to layers whose id differs by at most N (default -1: "
                             "any layer)")
    layers.add_argument("--multilayer-relax-limit-up", type=int, default=-1, metavar="N",
                        help="relax up to at most N higher layer ids (default -1: any)")
    layers.add_argument("--multilayer-relax-limit-down", type=int, default=-1, metavar="N",
                        help="relax down to at most N lower layer ids (default -1: any)")
    layers.add_argument("--multilayer-relax-by-jsd", action="store_true",
                        help="weight relaxation by the Jensen-Shannon similarity of the "
                             "node's out-links in the two layers")
    layers.add_argument("--multilayer-relax-to-self", action="store_true",
                        help="relax to the node itself in the other layer instead of to its "
                             "neighbours there")
    layers.add_argument("--matchable-multilayer-ids", type=int, default=0, metavar="N",
                        help="state ids from node and layer ids that match across networks "
                             "(N at least the largest layer id; default 0: numbered in order)")
    search = parser.add_argument_group("search")
    search.add_argument("-2", "--two-level", action="store_true",
                        help="two-level partition (default: multilevel, modules within modules)")
    search.add_argument("-F", "--fast-hierarchical-solution", action="count", default=0,
                        help="-F: keep every super-module level and split only the bottom "
                             "modules; -FF: keep the super-module levels, split nothing; "
                             "-FFF: as -FF (so does the official)")
    search.add_argument("-N", "--num-trials", type=int, default=1, metavar="N",
                        help="independent trials, the shortest wins (default 1, at most "
                             f"{MAX_TRIALS:,})")
    search.add_argument("-s", "--seed", type=int, default=123,
                        help="random seed, 0 to 2**63 - 1 (default 123)")
    search.add_argument("--num-threads", "--threads", type=_thread_count, metavar="N",
                        default="auto",
                        help="threads for trials and module splits: a count (at most "
                             f"{MAX_THREADS:,}) or auto (default): INFOMAP_NUM_THREADS, "
                             "SLURM_CPUS_PER_TASK or OMP_NUM_THREADS if set, else every CPU; "
                             "the result does not depend on it")
    search.add_argument("-c", "--cluster-data", metavar="FILE",
                        help="start from the partition in a .clu or .tree file (its top "
                             "modules)")
    search.add_argument("--no-infomap", action="store_true",
                        help="do not search: only score the partition or tree given with -c")
    # -- search controls (the official "Accuracy" options) --
    search.add_argument("-M", "--core-loop-limit", type=int, default=10, metavar="N",
                        help="sweeps over the nodes per core loop on single nodes, at least 1 "
                             "(default 10; aggregated levels and coarse-tuning: 20)")
    search.add_argument("-L", "--core-level-limit", type=int, default=0, metavar="N",
                        help="levels of aggregation per search of the levels, counting the "
                             "one it starts from (default 0: no limit)")
    search.add_argument("-T", "--tune-iteration-limit", type=int, default=0, metavar="N",
                        help="iterations of the two-level search, the first search of the "
                             "levels included: N allows N - 1 tuning rounds (default 0: no "
                             "limit)")
    search.add_argument("--core-loop-codelength-threshold", type=float, default=1e-10,
                        metavar="X",
                        help="a core loop goes on, and a tuning round, super-module level or "
                             "split counts, only while it gains more than X bits "
                             "(default 1e-10)")
    search.add_argument("--tune-iteration-relative-threshold", type=float, default=1e-5,
                        metavar="X",
                        help="a tuning round must also gain X times the one-level "
                             "codelength; two failed rounds in a row end tuning "
                             "(default 1e-05)")
    search.add_argument("--prefer-modular-solution", action="store_true",
                        help="keep the modules even where one module codes shorter")
    search.add_argument("--trial-offset", type=int, default=0, metavar="N",
                        help="run trials N, N+1, ... of a run from trial 0 with this seed: "
                             "-N 1 --trial-offset i repeats trial i+1 of a longer run "
                             "(default 0)")
    search.add_argument("--print-all-trials", action="store_true",
                        help="with -N > 1, also write every trial's result to "
                             "NAME_trial_K.FMT (K = offset + trial number, from 1) and print "
                             "its codelength")
    # -- end of search controls --
    output = parser.add_argument_group("output")
    output.add_argument("-o", "--output", default="tree", metavar="FORMATS",
                        help=f"comma-separated formats among {', '.join(OUTPUT_FORMATS)} "
                             "(default tree); for a state or multilayer network each format "
                             "but states writes NAME.FMT (physical nodes, one row per module "
                             "they are in) and NAME_states.FMT (state nodes); states writes "
                             "the state network, NAME_states.net")
    output.add_argument("--clu-level", type=int, default=1, metavar="N",
                        help="module depth of the clu output: 1 top modules (default), 2 "
                             "their sub-modules, ..., -1 the bottom modules")
    output.add_argument("--out-name", metavar="NAME",
                        help="file name stem of the output files, without a directory "
                             "(default: the network's)")
    output.add_argument("--plot", metavar="FILE",
                        help="draw the result to FILE (.png, .pdf, .svg, ...): the network of a "
                             "small graph, the module map of a large one (needs matplotlib: "
                             "pip install 'infomap-py[plot]')")
    output.add_argument("--hide-bipartite-nodes", action="store_true",
                        help="leave the feature nodes of a bipartite network out of the "
                             "clu, tree, json and csv files (the ftree keeps them)")
    output.add_argument("--silent", action="store_true", help="print nothing but errors")
    output.add_argument("-v", "--verbose", action="count", default=0,
                        help="print every phase of every trial")
    output.add_argument("--version", action="version", version=f"infomap-py {__version__}")
    return parser


class _UsageError(Exception):
    """A bad option value, reported as one line naming the option."""


def _thread_count(value: str) -> int | str:
    """``--num-threads``: ``auto`` or a positive count (checked in
    :func:`_check_options`)."""
    if value.strip().lower() == "auto":
        return "auto"
    try:
        return int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be 'auto' or a positive integer, got {value!r}")


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
    if args.num_trials > MAX_TRIALS:
        raise _UsageError(f"argument -N/--num-trials: must be <= {MAX_TRIALS:,}, "
                          f"got {args.num_trials}")
    if args.num_threads != "auto" and args.num_threads < 1:
        raise _UsageError("argument --num-threads: must be 'auto' or >= 1, got "
                          f"{args.num_threads}")
    if args.num_threads != "auto" and args.num_threads > MAX_THREADS:
        raise _UsageError(f"argument --num-threads: must be <= {MAX_THREADS:,}, "
                          f"got {args.num_threads}")
    _check_search_controls(args)
    if args.seed < 0:
        raise _UsageError(f"argument -s/--seed: must be >= 0, got {args.seed}")
    if args.seed > MAX_SEED:
        raise _UsageError(f"argument -s/--seed: must be <= 2**63 - 1 = {MAX_SEED}, "
                          f"got {args.seed}")
    if args.fast_hierarchical_solution > 3:
        raise _UsageError("argument -F/--fast-hierarchical-solution: at most -FFF, got "
                          f"{args.fast_hierarchical_solution}")
    if args.plot is not None:
        try:
            from .plot._save import picture_formats
        except ImportError:
            raise _UsageError("argument --plot: needs matplotlib; "
                              "pip install 'infomap-py[plot]'") from None
        plot = Path(args.plot)
        suffix = plot.suffix.lower().lstrip(".")
        if suffix not in picture_formats():
            raise _UsageError(f"argument --plot: {args.plot!r} must end in one of "
                              f"{', '.join('.' + f for f in sorted(picture_formats()))}")
        if plot.is_dir():
            raise _UsageError(f"argument --plot: {args.plot!r} is a directory")
        # The picture may go into OUT_DIR, which is created only when writing.
        if not (plot.parent.is_dir() or plot.parent.resolve() == Path(args.out_dir).resolve()):
            raise _UsageError(f"argument --plot: no directory {str(plot.parent)!r}")
    if not 0.0 <= args.multilayer_relax_rate <= 1.0:
        raise _UsageError("argument --multilayer-relax-rate: must be in [0, 1], got "
                          f"{args.multilayer_relax_rate}")
    if args.matchable_multilayer_ids < 0:
        raise _UsageError("argument --matchable-multilayer-ids: must be >= 0, got "
                          f"{args.matchable_multilayer_ids}")
    if args.clu_level == 0 or args.clu_level < -1:
        raise _UsageError(f"argument --clu-level: must be -1 or >= 1, got {args.clu_level}")
    if args.no_infomap and not args.cluster_data:
        raise _UsageError("argument --no-infomap: needs a partition given with -c/--cluster-data")
    if args.out_name is not None:
        name = args.out_name
        separators = [sep for sep in ("/", os.sep, os.altsep) if sep]
        if name in ("", ".", "..") or any(sep in name for sep in separators):
            raise _UsageError("argument --out-name: must be a file name stem without a "
                              f"directory (the files go to OUT_DIR), got {name!r}")
    _check_out_dir(Path(args.out_dir))


def _check_search_controls(args: argparse.Namespace) -> None:
    """The checks of the search controls (the official "Accuracy" options)."""
    counts = (("-M/--core-loop-limit", args.core_loop_limit, 1),
              ("-L/--core-level-limit", args.core_level_limit, 0),
              ("-T/--tune-iteration-limit", args.tune_iteration_limit, 0),
              ("--trial-offset", args.trial_offset, 0))
    for name, value, minimum in counts:
        if value < minimum:
            raise _UsageError(f"argument {name}: must be >= {minimum}, got {value}")
        limit = MAX_TRIALS if name == "--trial-offset" else MAX_LOOPS
        if value > limit:
            raise _UsageError(f"argument {name}: must be <= {limit:,}, got {value}")
    for name, value in (("--core-loop-codelength-threshold",
                         args.core_loop_codelength_threshold),
                        ("--tune-iteration-relative-threshold",
                         args.tune_iteration_relative_threshold)):
        if not (np.isfinite(value) and value >= 0):
            raise _UsageError(f"argument {name}: must be a finite number >= 0, got {value}")


def _check_out_dir(out_dir: Path) -> None:
    """Refuse an OUT_DIR that cannot be written to or created, without creating it."""
    if out_dir.exists():
        if not out_dir.is_dir():
            raise _UsageError(f"output directory {str(out_dir)!r} is not a directory")
        if not os.access(out_dir, os.W_OK | os.X_OK):
            raise _UsageError(f"output directory {str(out_dir)!r} is not writable")
        return
    ancestor = out_dir.parent
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise _UsageError(f"cannot create output directory {str(out_dir)!r}: "
                          f"{str(ancestor)!r} is not a directory")
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise _UsageError(f"cannot create output directory {str(out_dir)!r}: "
                          f"{str(ancestor)!r} is not writable")


def _make_directory(out_dir: Path) -> list[Path]:
    """Create ``out_dir`` and its missing parents; return those created,
    innermost first."""
    missing = []
    folder = out_dir
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    out_dir.mkdir(parents=True, exist_ok=True)
    return missing


def _remove_empty(folders: list[Path]) -> None:
    """Remove the folders this run created, innermost first, where still empty."""
    for folder in folders:
        with contextlib.suppress(OSError):
            folder.rmdir()


def _out_name(args: argparse.Namespace) -> str:
    if args.out_name is not None:
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
    the file each get a module of their own (a state network's nodes are
    its states)."""
    network = _state_level(network)
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


def _state_level(network):
    """The network of the states of a state network; any other as it is."""
    return network.network if isinstance(network, StateNetwork) else network


def _initial_tree(network, paths: dict) -> list[tuple[int, ...]]:
    """A path per node from ``{node_id: path}``; nodes missing from the file
    each get a top module of their own (a state network's nodes are its states)."""
    network = _state_level(network)
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
        self.started = time.perf_counter()

    def __call__(self, trial: int, phase: str, num_modules: int, length: float) -> None:
        elapsed = time.perf_counter() - self.started
        text = (f"trial {trial + 1}/{self.trials} {phase}: {num_modules} modules, "
                f"codelength {length:.6f} bits [{elapsed:.1f} s]")
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


class _Terminated(KeyboardInterrupt):
    """Raised by the SIGTERM handler, so that SIGTERM cleans up as Ctrl-C does."""


def _raise_terminated(signum: int, frame: object) -> None:
    raise _Terminated()


@contextlib.contextmanager
def _sigterm_raises() -> Iterator[None]:
    """Turn SIGTERM into :class:`_Terminated` while the block runs (in the
    main thread only, where Python runs signal handlers)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command-line tool; return the exit status.

    0 on success, 2 on bad input or a failed write, 130 when interrupted
    (Ctrl-C), 143 on SIGTERM; an interrupted run leaves no files.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    with _sigterm_raises():
        try:
            # An empty Numba cache means seconds of compiling: say so.
            with compile_notice(not args.silent):
                return _run(args)
        except KeyboardInterrupt as err:
            if sys.stderr.isatty() and not args.silent:
                print("\r" + " " * 78 + "\r", end="", file=sys.stderr)  # the progress line
            if isinstance(err, _Terminated):
                print("infomap-py: interrupted by SIGTERM", file=sys.stderr)
                return 128 + signal.SIGTERM
            print("infomap-py: interrupted", file=sys.stderr)
            return 128 + signal.SIGINT


def _run(args: argparse.Namespace) -> int:
    """Check the options, cluster and write the results; return the exit status."""
    from .io import read_network, read_tree
    from .io._atomic import atomic_group, remove_stale_temporaries
    from .multilayer import MultilayerNetwork

    try:
        formats = _output_formats(args.output)
        _check_options(args)
    except _UsageError as err:
        return _fail(str(err))
    start = time.perf_counter()
    # As in the official Infomap: -d means the directed flow model, and the
    # flow model alone decides whether links are directed.
    flow_model = "directed" if args.directed else (args.flow_model or "undirected")
    directed = flow_model != "undirected"
    network_name = "standard input" if args.network == "-" else display_path(args.network)
    try:
        network = read_network(args.network, directed=True if directed else None)
        if isinstance(network, MultilayerNetwork):
            network = _expand_layers(network, args)
            if network.directed and args.flow_model is None:
                # The official Infomap codes the relaxed walk of *Intra links as directed.
                flow_model, directed = "directed", True
        if network.directed and not directed:
            network = _undirected(network)
            if not args.silent:
                print(f"infomap-py: note: {network_name} has *Arcs; its links are taken as "
                      "undirected, as the official Infomap does (-d makes them directed)",
                      file=sys.stderr)
        options = dict(
            flow_model=flow_model,
            teleportation=args.teleportation_probability,
            to_nodes=args.to_nodes,
            recorded_teleportation=args.recorded_teleportation,
            markov_time=args.markov_time,
            bipartite_teleportation=args.bipartite_teleportation,
            skip_adjust_bipartite_flow=args.skip_adjust_bipartite_flow,
        )
        initial = None
        if args.cluster_data:
            given = read_tree(args.cluster_data)
            initial = (_initial_tree(network, given) if args.no_infomap
                       else _initial_labels(network, {n: p[0] for n, p in given.items()}))

        if args.no_infomap:
            result = evaluate(network, initial, **options)
        else:
            progress = _Progress(args.num_trials, enabled=not args.silent and sys.stderr.isatty(),
                                 verbose=args.verbose > 0 and not args.silent)
            result = cluster(network, trials=args.num_trials, seed=args.seed,
                             initial_partition=initial, two_level=args.two_level,
                             fast_hierarchical=args.fast_hierarchical_solution,
                             n_jobs=args.num_threads,
                             progress=progress, **_search_controls(args), **options)
            progress.finish()
            if args.print_all_trials and not args.silent:
                _print_trials(args, result)

        out_dir = Path(args.out_dir)
        outputs = _outputs(args, formats, network, result)
        targets = [path for path, _ in outputs]
        if args.plot is not None:
            targets.append(Path(args.plot))
        try:
            created = _make_directory(out_dir)
        except OSError as err:
            return _fail(f"cannot create output directory {str(out_dir)!r}: {err.strerror}")
        try:
            for target in targets:
                remove_stale_temporaries(target)
            # Every file is written under a temporary name and renamed only
            # once all are written: the run leaves all its files or none.
            with atomic_group():
                for path, write in outputs:
                    write(path)
                if args.plot is not None:
                    from .plot._save import save_picture

                    save_picture(network, result, args.plot)
        except BaseException:
            _remove_empty(created)
            raise
    except InfomapPyError as err:
        return _fail(str(err))
    except (ValueError, TypeError) as err:
        return _fail(f"{network_name}: {err}")
    if not args.silent:
        seconds = time.perf_counter() - start
        size = (f"{network.num_states} states of {network.num_physical} physical nodes, "
                f"{network.network.num_links} links" if isinstance(network, StateNetwork)
                else f"{network.num_nodes} nodes, {network.num_links} links")
        print(f"infomap-py: {size}, "
              f"{result.num_modules} top modules, {result.num_levels} levels, "
              f"codelength {result.codelength:.9f} bits "
              f"({result.relative_codelength_savings:.2%} savings), {seconds:.2f} s; "
              f"wrote {', '.join(display_path(p) for p in targets)}", file=sys.stderr)
    return 0


def _search_controls(args: argparse.Namespace) -> dict:
    """The keyword arguments of :func:`cluster` of the search controls."""
    return dict(core_loop_limit=args.core_loop_limit,
                core_level_limit=args.core_level_limit,
                tune_iteration_limit=args.tune_iteration_limit,
                core_loop_codelength_threshold=args.core_loop_codelength_threshold,
                tune_iteration_relative_threshold=args.tune_iteration_relative_threshold,
                prefer_modular_solution=args.prefer_modular_solution,
                trial_offset=args.trial_offset,
                print_all_trials=args.print_all_trials)


def _print_trials(args: argparse.Namespace, result) -> None:
    """With --print-all-trials, one line per trial on stderr."""
    for t, trial in enumerate(result.trial_results or ()):
        print(f"infomap-py: trial {args.trial_offset + t + 1}: {trial.num_modules} top "
              f"modules, {trial.num_levels} levels, codelength {trial.codelength:.9f} bits",
              file=sys.stderr)


def _expand_layers(network, args: argparse.Namespace):
    """The state network of a multilayer network, with the options of ``args``."""
    def limit(value: int) -> int | None:
        return None if value < 0 else value

    return network.to_state_network(
        relax_rate=args.multilayer_relax_rate,
        relax_limit=limit(args.multilayer_relax_limit),
        relax_limit_up=limit(args.multilayer_relax_limit_up),
        relax_limit_down=limit(args.multilayer_relax_limit_down),
        relax_by_jsd=args.multilayer_relax_by_jsd,
        relax_to_self=args.multilayer_relax_to_self,
        matchable_ids=args.matchable_multilayer_ids or None)


def _undirected(network):
    """The network (or state network) with its links taken as undirected."""
    if isinstance(network, StateNetwork):
        return dataclasses.replace(network,
                                   network=dataclasses.replace(network.network, directed=False))
    return dataclasses.replace(network, directed=False)


def _outputs(args: argparse.Namespace, formats: list[str], network, result
             ) -> list[tuple[Path, Callable[[Path], None]]]:
    """Every output file and how to write it: ``NAME.FMT`` per format and,
    for a state network, ``NAME_states.FMT`` too, as the official Infomap."""
    from .io import write_clu, write_csv, write_ftree, write_json, write_state_network, write_tree

    out_dir, stem = Path(args.out_dir), _out_name(args)
    hide = {"hide_bipartite_nodes": True} if args.hide_bipartite_nodes else {}
    writers = {"clu": partial(write_clu, level=args.clu_level, **hide),
               "tree": partial(write_tree, **hide), "ftree": write_ftree,
               "json": partial(write_json, **hide), "csv": partial(write_csv, **hide)}
    higher_order = isinstance(network, StateNetwork)
    outputs = []
    for fmt in formats:
        if fmt == "states":
            # As the official Infomap, a first-order network is written as
            # states that are their own physical nodes.
            states = network if higher_order else StateNetwork(
                network, np.arange(network.num_nodes, dtype=np.int64), network.nodes,
                network.names)
            outputs.append((out_dir / f"{stem}_states.net", partial(write_state_network, states)))
            continue
        outputs.append((out_dir / f"{stem}.{fmt}", partial(writers[fmt], result)))
        if higher_order:
            outputs.append((out_dir / f"{stem}_states.{fmt}",
                            partial(writers[fmt], result, states=True)))
    # --print-all-trials: every trial's files too, as the official names
    # them (the state network, the same for every trial, only once).
    for t, trial in enumerate(result.trial_results or ()):
        trial_args = argparse.Namespace(**{**vars(args),
                                           "out_name": f"{stem}_trial_{args.trial_offset + t + 1}"})
        outputs += _outputs(trial_args, [f for f in formats if f != "states"], network, trial)
    return outputs


def main_entry() -> None:
    """Console-script entry point: exit with :func:`main`'s status."""
    sys.exit(main())
