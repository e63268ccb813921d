"""The command-line tool: ``infomap-py NETWORK [OUT_DIR] [options]``.

Option names follow the official Infomap, so that people can switch in
both directions; files are read and written in the official formats.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import logging
import os
import shlex
import signal
import sys
import threading
import time
import warnings
from functools import partial
from pathlib import Path
from typing import Callable, Iterator, Sequence

import numpy as np

from . import __version__
from ._compile_notice import compile_notice
from ._progress import TrialProgress
from ._validate import MAX_LOOPS, MAX_THREADS, MAX_TRIALS
from .api import cluster, evaluate
from .errors import InfomapPyError, NotAPartitionError, display_path
from .flow import FLOW_MODELS
from .network import StateNetwork

OUTPUT_FORMATS = ("clu", "tree", "ftree", "newick", "json", "csv", "network", "states", "flow")

#: The options that the official Infomap's -h shows; -hh shows the others too.
BASIC_OPTIONS = frozenset({"network", "out_dir", "help", "version", "completion",
                           "print_json_parameters", "cluster_data",
                           "no_infomap", "two_level", "flow_model", "directed", "seed",
                           "num_trials", "converge", "tree", "ftree", "clu", "verbose",
                           "silent", "pretty", "plot", "points", "neighbors", "metric",
                           "weighting"})

#: Seconds to wait for the scheduler of --scheduler ADDRESS to answer.
SCHEDULER_TIMEOUT = 10

#: --converge (as the official Infomap 2.16): the trial cap without -N, and
#: the plateau rule: stop after PATIENCE trials in a row that do not shorten
#: the best codelength by more than TOLERANCE of it, once MIN_TRIALS have run.
CONVERGE_MAX_TRIALS = 50
CONVERGE_TOLERANCE = 1e-6
CONVERGE_PATIENCE = 5
CONVERGE_MIN_TRIALS = 5

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

--regularized is refused for a multilayer network (the official 2.16 release
is built without its regularized multilayer flow and refuses it too), for a
bipartite network and for flow models other than undirected and directed
(where the official gives a flow the prior is not defined for).
--variable-markov-time and --regularized follow the official 2.16 binary where
it differs from its published source (the damping's interpolation between 0
and 1; a link given both ways counts once with undirected flow).  A min
scale <= 0 is refused (it divides by zero).
Flow and input options differ from the official 2.16 deliberately in four
ways: --node-limit N reads only the nodes with id at most N, as its help
says (the official accepts it and reads every node); -k is accepted with a
note (the official refuses it); a JSON network's edge to a node missing from
its "nodes" is an error, as in a Pajek file, and its unnamed nodes are
named by their id; -f precomputed refuses a bipartite network.
--entropy-corrected, --entropy-correction-strength and
--preferred-number-of-modules give the biased map equation and report it as
the official 2.16 does (a tree's correction counts its modules and leaves less
one; one module codes as the one-level solution).  Deliberate differences: the
multilevel search weighs the correction and the preference in the codelength
of the tree it builds (the official's super-module test also charges the
nodes' correction, so it keeps fewer super-modules); with a preferred number of
modules each trial also searches from the modules found without the preference
and keeps the shorter partition (the official searches from single nodes only).
--preferred-number-of-levels N and its strength bias the tests that keep
super-modules and sub-modules by the depth they make, as the official 2.16
does, and then keep the tree as found (no module dissolved for not paying);
unlike the official, each trial also builds a tree from the super-modules
found without the preference and keeps the tree that codes shorter less the
bits the preference grants its depth.
The search controls -M, -L, -T, --core-loop-codelength-threshold,
--tune-iteration-relative-threshold and --prefer-modular-solution count as the
official counts them (-T 1 tunes nothing, -L counts the level a search starts
from); as in the official, they also limit the partitions of single modules
inside coarse-tuning and the recursive split, and the searches for
super-modules take the thresholds and --prefer-modular-solution.  Deliberate
difference: trial k draws the k-th child seed of the seed, not seed + k:
--trial-offset K -N 1 still repeats trial K+1 of a longer run with the same
seed.  Deliberate difference: a node left alone in its module and linked only
to the node that just left follows it only where that does not lengthen the
codelength (the official moves it regardless).  Deliberate difference:
fine-tuning a network of more than 131,072 nodes visits them in runs of 4,096
consecutive node ids (the runs, and the nodes of each run, in random order),
not in one uniformly random order, so that a run's data stay in the
processor's cache; smaller networks are searched as before.

--meta-data reads node categories as the official does (lines 'node_id
category ...', the first category coded; nodes without a line share one
category) and codes them with the metadata map equation at --meta-data-rate;
the codelength matches the official's.  Deliberate difference: a state or
multilayer network with --meta-data is refused (the official then codes state
nodes without the memory map equation's physical nodes).

Every output file and the --plot picture is first written under a temporary
name; all are renamed into place once all are written, so a run leaves all
its files or none.  Exit status: 0 on success, 2 on bad input or a failed
write (the official exits 3 on an output error), 130 when interrupted
(Ctrl-C), 143 on SIGTERM.

Output as the official Infomap 2.16 writes it, with these differences: the
headers name infomap-py and its version (# v1.2.3 (infomap-py), # ./infomap-py
ARGS); -0 leaves out the result files but still writes --plot, --summary-json
and --timing-json, which were asked for by name; --summary-json has no
"rate" and "accelerated" in its "flow" object, and --timing-json has
infomap-py's phases (read_network_s, flow_calculation_s, trial_optimize_s,
output_s, total_s) and per-trial time_s only for a single trial; an input
file over 64 MiB gets its "# input fingerprint" line only where the xxhash
package is installed.
"""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line on stderr and exit status 2,
    and which keeps every option it defines (:attr:`options`), for -h to hide
    the advanced ones."""

    def __init__(self, *args, **kwargs) -> None:
        self.options: list[argparse.Action] = []
        super().__init__(*args, **kwargs)

    def add_argument(self, *args, **kwargs) -> argparse.Action:  # noqa: D102 - argparse API
        action = super().add_argument(*args, **kwargs)
        self.options.append(action)
        return action

    def add_argument_group(self, *args, **kwargs):  # noqa: D102 - argparse API
        group = super().add_argument_group(*args, **kwargs)
        add = group.add_argument

        def add_argument(*names, **options) -> argparse.Action:
            action = add(*names, **options)
            self.options.append(action)
            return action

        group.add_argument = add_argument
        return group

    def error(self, message: str) -> None:  # noqa: D102 - argparse API
        self.exit(2, f"{self.prog}: error: {message}\n")

    def format_basic_help(self) -> str:
        """The help with only the options the official Infomap's -h shows."""
        hidden = [(action, action.help) for action in self.options
                  if action.dest not in BASIC_OPTIONS]
        epilog = self.epilog
        try:
            for action, _ in hidden:
                action.help = argparse.SUPPRESS
            self.epilog = "Use -hh to show the advanced options too."
            return self.format_help()
        finally:
            for action, text in hidden:
                action.help = text
            self.epilog = epilog


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the command-line tool."""
    parser = _Parser(
        prog="infomap-py",
        description="Find communities in a network with the map equation (Infomap).",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,  # the official --clu must not pass for --cluster-data
        add_help=False,  # -h and -hh: main() shows the basic or all options
    )
    parser.add_argument("-h", "--help", action="store_true",
                        help="print the basic options; -hh prints every option")
    parser.add_argument("network", metavar="NETWORK",
                        help="link list (source target [weight]), Pajek .net file "
                             "(its *Arcs are undirected links unless -d is given) or "
                             "official JSON network (infomap-network 1.0); "
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
    # --- Objective options: regularization and variable Markov time (issue 17) ---------
    objective = parser.add_argument_group("objective: regularization and variable Markov time")
    objective.add_argument("--regularized", action="store_true",
                           help="add a fully connected Bayesian prior network, coded as "
                                "recorded teleportation (implies -e), so that sparse or "
                                "noisy networks are not over-partitioned (undirected and "
                                "directed flow models)")
    objective.add_argument("--regularization-strength", type=float, default=1.0, metavar="S",
                           help="relative strength of the prior network (default 1, >= 0)")
    objective.add_argument("--intra-regularization-strength", type=float, default=1.0,
                           metavar="S", help="multilayer prior within layers, relative to "
                                             "--regularization-strength (default 1, >= 0)")
    objective.add_argument("--inter-regularization-strength", type=float, default=1.0,
                           metavar="S", help="multilayer prior between layers, relative to "
                                             "--regularization-strength (default 1, >= 0)")
    objective.add_argument("--multilayer-skip-absent-nodes", action="store_true",
                           help="with --regularized: a node absent from a layer is absent, "
                                "not unobserved")
    objective.add_argument("--variable-markov-time", action="store_true",
                           help="scale each link's flow by a local Markov time: longer in "
                                "sparse regions, shorter in dense ones")
    objective.add_argument("--variable-markov-damping", type=float, default=1.0, metavar="Q",
                           help="with --variable-markov-time: local scale from the local "
                                "effective degree (0) to its logarithm (1) (default 1)")
    objective.add_argument("--variable-markov-min-scale", type=float, default=1.0, metavar="M",
                           help="with --variable-markov-time: the least local scale (default "
                                "1, > 0)")
    # --- end of the objective options ----------------------------------------------------
    # --- The biased map equation (issue 17; official names and defaults) ----------------
    biased = parser.add_argument_group("objective: the biased map equation")
    biased.add_argument("--entropy-corrected", action="store_true",
                        help="correct for the negative entropy bias of small samples: add "
                             "(k - 1 + N) / (2 D ln 2) bits for k modules of N nodes of "
                             "total degree D, against solutions with many modules")
    biased.add_argument("--entropy-correction-strength", type=float, default=1.0,
                        metavar="C", help="with --entropy-corrected: scale the correction "
                                          "(default 1, >= 0)")
    biased.add_argument("--preferred-number-of-modules", type=int, default=0, metavar="K",
                        help="add |k - K| bits to the codelength of k top modules (default "
                             "0: no preference; each trial also searches from the modules "
                             "found without it, see -hh)")
    # --- end of the biased map equation --------------------------------------------------
    # -- flow from node weights and the power iteration (official names and defaults) --
    flow.add_argument("--use-node-weights-as-flow", action="store_true",
                      help="use the node weights (*Vertices lines' weights, default 1), "
                           "normalised, as node flow; link flow stays the flow model's "
                           "(-f precomputed: node weights are the node flow and link "
                           "weights, as they are, the link flow)")
    flow.add_argument("--max-flow-iterations", type=int, default=0, metavar="N",
                      help="cap the power iteration of directed flow (PageRank, or the "
                           "walk of --regularized) at N steps (default 0: no cap; it runs "
                           "to --flow-tolerance, solving a slow PageRank directly)")
    flow.add_argument("--min-flow-iterations", type=int, default=50, metavar="N",
                      help="power-iteration steps before the flow may converge (default 50)")
    flow.add_argument("--flow-tolerance", type=float, default=1e-15, metavar="X",
                      help="stop the power iteration once the L1 change of the flow in one "
                           "step is at most X (default 1e-15)")
    # -- end of flow from node weights and the power iteration --
    # -- input filters and -c completion (official names and defaults) --
    given = parser.add_argument_group("input")
    given.add_argument("--weight-threshold", type=float, default=0.0, metavar="W",
                       help="ignore links with weight below W (default 0); a link list's "
                            "node left without links is dropped, declared vertices stay")
    given.add_argument("--no-self-links", action="store_true",
                       help="ignore links from a node to itself (default: included)")
    given.add_argument("-k", "--include-self-links", action="store_true",
                       help="deprecated: self-links are included by default (accepted with a "
                            "note; the official 2.16 refuses it)")
    given.add_argument("--node-limit", type=int, default=0, metavar="N",
                       help="read only nodes with id at most N and the links among them "
                            "(default 0: all; first-order and bipartite files)")
    given.add_argument("--assign-to-neighbouring-module", action="store_true",
                       help="with -c, put a node the file leaves out into the module of its "
                            "first neighbour that has one (out-links first), instead of a "
                            "module of its own")
    # -- end of input filters --
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
    _add_points_options(parser)

    search = parser.add_argument_group("search")
    search.add_argument("-2", "--two-level", action="store_true",
                        help="two-level partition (default: multilevel, modules within modules)")
    search.add_argument("-F", "--fast-hierarchical-solution", action="count", default=0,
                        help="-F: keep every super-module level and split only the bottom "
                             "modules; -FF: keep the super-module levels, split nothing; "
                             "-FFF: as -FF (so does the official)")
    search.add_argument("-N", "--num-trials", type=int, default=None, metavar="N",
                        help="independent trials, the shortest wins (default 1, at most "
                             f"{MAX_TRIALS:,}; with --converge the cap, default "
                             f"{CONVERGE_MAX_TRIALS})")
    search.add_argument("--converge", action="store_true",
                        help="take -N as a cap and stop once the best codelength has "
                             f"plateaued: {CONVERGE_PATIENCE} trials in a row that do not "
                             f"shorten it by more than {CONVERGE_TOLERANCE:g} of it, after at "
                             f"least {CONVERGE_MIN_TRIALS} trials (trials run one by one; not "
                             "with --parallel-trials, --trial-offset or --trial-results)")
    search.add_argument("--parallel-trials", action="store_true",
                        help="accepted for the official's sake: trials already run in "
                             "parallel threads when --num-threads > 1, with the same result "
                             "as serial trials")
    search.add_argument("--inner-parallelization", action="store_true",
                        help="accepted and ignored (the official's experimental parallel node "
                             "moves): infomap-py moves nodes serially, so the partition is "
                             "the serial one; module splits run in threads already")
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
                             "codelength; a failed fine-tuning round after "
                             "coarse-tuning ends tuning, as in the official, and so "
                             "do two failed rounds in a row (default 1e-05)")
    search.add_argument("--prefer-modular-solution", action="store_true",
                        help="keep the modules even where one module codes shorter")
    search.add_argument("--trial-offset", type=int, default=0, metavar="N",
                        help="run trials N, N+1, ... of a run from trial 0 with this seed: "
                             "-N 1 --trial-offset i repeats trial i+1 of a longer run "
                             "(default 0)")
    search.add_argument("--scheduler", metavar="ADDRESS", default=None,
                        help="run the trials as Dask tasks on the scheduler at ADDRESS "
                             "(tcp://host:8786), or on a local cluster of this machine's "
                             "cores with 'local': the same result as without; each trial "
                             "runs on one thread unless --num-threads gives a count (needs "
                             "pip install 'infomap-py[dask]'; not with --converge or "
                             "--no-infomap)")
    search.add_argument("--shards", type=int, default=None, metavar="K",
                        help="with --scheduler: split the network's nodes into K shards "
                             "(K > 1) and run the sharded core loop on the workers, for a "
                             "network that does not fit one (undirected link lists or "
                             "Parquet edge files, read on the workers; writes NAME.clu of "
                             "the top modules; takes -2, -N, -s, --out-name, "
                             "--no-overwrite and --silent only)")
    search.add_argument("--print-all-trials", action="store_true",
                        help="with -N > 1, also write every trial's result to "
                             "NAME_trial_K.FMT (K = offset + trial number, from 1) and print "
                             "its codelength")
    search.add_argument("--num-random-moves", type=int, default=None, metavar="N",
                        help="in every sweep, a node with at most "
                             "--max-degree-for-random-moves links also tries the modules of N "
                             "random nodes (default 5 with the biased map equation, --meta-data, "
                             "-e or --regularized, where a module or a node costs bits of its "
                             "own; else 0, since they cannot shorten a plain map-equation "
                             "codelength, and plain runs keep their results)")
    search.add_argument("--max-degree-for-random-moves", type=int, default=2, metavar="D",
                        help="try random moves only for nodes with at most D links "
                             "(default 2)")
    # -- end of search controls --
    # -- preferred depth of the tree (official --preferred-number-of-levels) --
    search.add_argument("--preferred-number-of-levels", type=int, default=None, metavar="N",
                        help="soft preference for the depth of the tree, in levels (a "
                             "two-level partition has 2): below N a level of super- or "
                             "sub-modules is kept even if it codes up to (N - depth + 1/2) / "
                             "ln 2 bits longer, at or above N only if it codes that much "
                             "shorter, and no module is dissolved for not paying; shallower is "
                             "reliable, deeper best-effort; no-op with --two-level (default: "
                             "none)")
    search.add_argument("--preferred-number-of-levels-strength", type=float, default=1.0,
                        metavar="X",
                        help="scale the preference for the depth; 0 turns it off (default 1)")
    # -- end of preferred depth of the tree --
    # --- metadata map equation (official --meta-data options) ---
    meta = parser.add_argument_group("metadata map equation")
    meta.add_argument("--meta-data", metavar="FILE",
                      help="code node categories read from FILE (lines 'node_id category', "
                           "as a .clu file without flow) in every module too; nodes without "
                           "a line share one category")
    meta.add_argument("--meta-data-rate", type=float, default=1.0, metavar="X",
                      help="with --meta-data, the weight of the metadata term, >= 0 "
                           "(default 1: a category is coded at every step)")
    meta.add_argument("--meta-data-unweighted", action="store_true",
                      help="with --meta-data, code every node's category at the same rate "
                           "instead of by its flow")
    # --- end of metadata map equation ---
    output = parser.add_argument_group("output")
    output.add_argument("-o", "--output", metavar="FORMATS",
                        help=f"comma-separated formats among {', '.join(OUTPUT_FORMATS)} "
                             "(default tree): newick writes NAME.nwk, network the network as "
                             "read (Pajek, NAME.net), flow its node and link flow "
                             "(NAME_flow.net); for a state or multilayer network each result "
                             "format writes NAME.FMT (physical nodes, one row per module "
                             "they are in) and NAME_states.FMT (state nodes); states writes "
                             "the state network, NAME_states.net, network and flow its states "
                             "(NAME_states_as_physical.net, NAME_states_as_physical_flow.net)")
    # --- output files and run reports (the official Output options) ---
    output.add_argument("--tree", action="store_true",
                        help="write the module tree, NAME.tree: the same as -o tree "
                             "(the default when no format is chosen)")
    output.add_argument("--ftree", action="store_true",
                        help="write the module tree with the flow between modules, "
                             "NAME.ftree: the same as -o ftree")
    output.add_argument("--clu", action="store_true",
                        help="write the top module of every node, NAME.clu: the same as -o clu")
    output.add_argument("-0", "--no-file-output", action="store_true",
                        help="write no result files (--plot, --summary-json and --timing-json "
                             "are still written)")
    output.add_argument("--no-overwrite", action="store_true",
                        help="refuse to run when an output file exists already (default: "
                             "replace it)")
    output.add_argument("--summary-json", metavar="PATH",
                        help="write the run's summary as JSON to PATH (- for standard "
                             "output): codelength, top_modules, levels, trials, best_trial, "
                             "trial_codelengths, trial_top_modules, flow convergence")
    output.add_argument("--timing-json", metavar="PATH",
                        help="write the run's timing as JSON to PATH (- for standard "
                             "output): threads, network size, seconds per phase and per trial")
    output.add_argument("--manifest-json", metavar="PATH",
                        help="write the run's manifest as JSON to PATH (- for standard "
                             "output): command, trials, canonical config and its fingerprint, "
                             "input fingerprints and the output files")
    output.add_argument("--memory-report", action="store_true",
                        help="with --timing-json, also report the peak resident memory and "
                             "the bytes per node and per link")
    output.add_argument("--trial-results", metavar="PATH",
                        help="write every trial's seed, codelength, modules and levels as "
                             "JSON to PATH (- for standard output), for merging the shards of a run split with "
                             "--trial-offset; with tree output the best trial's tree is "
                             "written to NAME_trial_K.tree too")
    output.add_argument("--no-final-output", action="store_true",
                        help="do not write the best result's files (NAME.FMT); per-trial "
                             "files and the reports are still written")
    output.add_argument("--print-config-fingerprint", action="store_true",
                        help="print the official config fingerprint of the options and exit")
    output.add_argument("--print-json-parameters", action="store_true",
                        help="print the options as JSON, in the official's layout, and exit")
    output.add_argument("--completion", choices=("bash", "zsh"), metavar="SHELL",
                        help="print a completion script for bash or zsh and exit (bash: "
                             "source <(infomap-py --completion bash))")
    # --- end of output files and run reports ---
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
    output.add_argument("--pretty", action="store_true",
                        help="deprecated, does nothing (as in the official 2.16)")
    output.add_argument("-v", "--verbose", action="count", default=0,
                        help="print every phase of every trial")
    output.add_argument("-V", "--version", action="version", version=f"infomap-py {__version__}",
                        help="print the version and exit")
    return parser


class _UsageError(Exception):
    """A bad option value, reported as one line naming the option."""


def _add_points_options(parser: _Parser) -> None:
    """--points and the options of its neighbour graph (see :mod:`infomap_py.points`)."""
    points = parser.add_argument_group(
        "points: NETWORK is a table of points, clustered on its nearest-neighbour graph")
    points.add_argument("--points", action="store_true",
                        help="read NETWORK as points, one a row: a .npy file (2-D array) or "
                             "comma-separated numbers without a header (.csv); the node ids "
                             "written are the row indices from 0; the Markov time defaults "
                             "to 2.75 and -N to 5 (see -hh; needs scikit-learn: pip install "
                             "'infomap-py[points]')")
    points.add_argument("--neighbors", type=int, default=None, metavar="K",
                        help="with --points: neighbours per point (default 30)")
    points.add_argument("--metric", default=None, metavar="NAME",
                        help="with --points: the distance (default euclidean; cosine for "
                             "embeddings; any metric of scikit-learn's NearestNeighbors)")
    points.add_argument("--weighting", default=None, metavar="NAME",
                        help="with --points: the link weights: snn (default), umap, "
                             "binary, mutual or gaussian")


def _check_points_options(args: argparse.Namespace) -> None:
    """--neighbors, --metric and --weighting need --points, which reads
    ordinary points: no -d, no -c and no --no-infomap."""
    if not args.points:
        for flag, value in (("--neighbors", args.neighbors), ("--metric", args.metric),
                            ("--weighting", args.weighting)):
            if value is not None:
                raise _UsageError(f"argument {flag}: needs --points")
        return
    for flag, on in (("--directed", args.directed), ("--flow-model", args.flow_model),
                     ("--cluster-data", args.cluster_data), ("--no-infomap", args.no_infomap)):
        if on:
            raise _UsageError(f"argument --points: cannot be combined with {flag} (the "
                              "neighbour graph of points is undirected and made here)")


def _points_defaults(args: argparse.Namespace, argv: Sequence[str] | None) -> None:
    """With --points, the Markov time and the trials of
    :func:`infomap_py.cluster_points` (2.75 and 5) where --markov-time and
    -N are not given: at time 1 a neighbour graph splits into many small
    modules, and at 2.75 one trial may fall to one module."""
    if not args.points:
        return
    from .points import DEFAULT_MARKOV_TIME, DEFAULT_TRIALS

    if not any(arg.startswith("--markov-time") for arg in argv or ()):
        args.markov_time = DEFAULT_MARKOV_TIME
    if not args.num_trials_given and not args.converge:
        args.num_trials = args.num_trials_cap = DEFAULT_TRIALS


def _read_points(args: argparse.Namespace):
    """The network of --points: the neighbour graph of the rows of NETWORK."""
    from .points import DEFAULT_N_NEIGHBORS, DEFAULT_WEIGHTING, read_points_network

    return read_points_network(
        args.network,
        n_neighbors=DEFAULT_N_NEIGHBORS if args.neighbors is None else args.neighbors,
        metric=args.metric or "euclidean", weighting=args.weighting or DEFAULT_WEIGHTING,
        seed=args.seed)


def _thread_count(value: str) -> int | str:
    """``--num-threads``: ``auto`` or a positive count (checked in
    :func:`_check_options`)."""
    if value.strip().lower() == "auto":
        return "auto"
    try:
        return int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be 'auto' or a positive integer, got {value!r}")


def _output_formats(args: argparse.Namespace) -> list[str]:
    """The formats of -o and of --tree, --ftree, --clu; tree where none is chosen."""
    formats = []
    if args.output is not None:
        formats = [f.strip().lower() for f in args.output.split(",") if f.strip()]
        unknown = [f for f in formats if f not in OUTPUT_FORMATS]
        if unknown or not formats:
            raise _UsageError(
                f"argument -o/--output: unknown format "
                f"{unknown[0] if unknown else args.output!r} "
                f"(choose from {', '.join(OUTPUT_FORMATS)})"
            )
    formats += [f for f in ("tree", "ftree", "clu") if getattr(args, f)]
    return list(dict.fromkeys(formats)) or ["tree"]


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
    _check_level_preference(args)
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
    _check_objective_options(args)
    _check_biased_options(args)
    if not 0.0 <= args.multilayer_relax_rate <= 1.0:
        raise _UsageError("argument --multilayer-relax-rate: must be in [0, 1], got "
                          f"{args.multilayer_relax_rate}")
    if args.matchable_multilayer_ids < 0:
        raise _UsageError("argument --matchable-multilayer-ids: must be >= 0, got "
                          f"{args.matchable_multilayer_ids}")
    if args.max_flow_iterations < 0:
        raise _UsageError("argument --max-flow-iterations: must be >= 0, got "
                          f"{args.max_flow_iterations}")
    if args.min_flow_iterations < 0:
        raise _UsageError("argument --min-flow-iterations: must be >= 0, got "
                          f"{args.min_flow_iterations}")
    if not (np.isfinite(args.flow_tolerance) and args.flow_tolerance >= 0):
        raise _UsageError(f"argument --flow-tolerance: must be >= 0, got {args.flow_tolerance}")
    if not (np.isfinite(args.weight_threshold) and args.weight_threshold >= 0):
        raise _UsageError("argument --weight-threshold: must be a finite number >= 0, got "
                          f"{args.weight_threshold}")
    if args.node_limit < 0:
        raise _UsageError(f"argument --node-limit: must be >= 0, got {args.node_limit}")
    if not (np.isfinite(args.meta_data_rate) and args.meta_data_rate >= 0):
        raise _UsageError(f"argument --meta-data-rate: must be a finite number >= 0, got "
                          f"{args.meta_data_rate}")
    if args.assign_to_neighbouring_module and not args.cluster_data:
        raise _UsageError("argument --assign-to-neighbouring-module: needs a partition given "
                          "with -c/--cluster-data")
    if args.clu_level == 0 or args.clu_level < -1:
        raise _UsageError(f"argument --clu-level: must be -1 or >= 1, got {args.clu_level}")
    if args.no_infomap and not args.cluster_data and not _json_file(args.network):
        raise _UsageError("argument --no-infomap: needs a partition given with -c/--cluster-data "
                          "(or the paths of a JSON network)")
    if args.out_name is not None:
        name = args.out_name
        separators = [sep for sep in ("/", os.sep, os.altsep) if sep]
        if name in ("", ".", "..") or any(sep in name for sep in separators):
            raise _UsageError("argument --out-name: must be a file name stem without a "
                              f"directory (the files go to OUT_DIR), got {name!r}")
    _check_out_dir(Path(args.out_dir))


def _check_objective_options(args: argparse.Namespace) -> None:
    """Check the regularization and variable-Markov-time options."""
    for name in ("regularization_strength", "intra_regularization_strength",
                 "inter_regularization_strength"):
        value = getattr(args, name)
        if not (np.isfinite(value) and value >= 0.0):
            raise _UsageError(f"argument --{name.replace('_', '-')}: must be >= 0, got {value}")
    if not 0.0 <= args.variable_markov_damping <= 1.0:
        raise _UsageError("argument --variable-markov-damping: must be in [0, 1], got "
                          f"{args.variable_markov_damping}")
    if not (np.isfinite(args.variable_markov_min_scale) and args.variable_markov_min_scale > 0):
        raise _UsageError("argument --variable-markov-min-scale: must be > 0, got "
                          f"{args.variable_markov_min_scale}")
    if args.multilayer_skip_absent_nodes and not args.regularized:
        raise _UsageError("argument --multilayer-skip-absent-nodes: needs --regularized")
    if args.regularized and not args.directed and args.flow_model not in (
            None, "undirected", "directed"):
        raise _UsageError("argument --regularized: needs the undirected or directed flow "
                          f"model, got -f {args.flow_model}")


def _check_biased_options(args: argparse.Namespace) -> None:
    """Check the options of the biased map equation."""
    strength = args.entropy_correction_strength
    if not (np.isfinite(strength) and strength >= 0.0):
        raise _UsageError(f"argument --entropy-correction-strength: must be >= 0, got {strength}")
    if args.preferred_number_of_modules < 0:
        raise _UsageError("argument --preferred-number-of-modules: must be >= 0, got "
                          f"{args.preferred_number_of_modules}")


def _json_file(network: str) -> bool:
    """Whether the network file names a JSON network (by its ``.json`` suffix)."""
    return network.lower().removesuffix(".gz").endswith(".json")


def _check_search_controls(args: argparse.Namespace) -> None:
    """The checks of the search controls (the official "Accuracy" options)."""
    counts = (("-M/--core-loop-limit", args.core_loop_limit, 1),
              ("-L/--core-level-limit", args.core_level_limit, 0),
              ("-T/--tune-iteration-limit", args.tune_iteration_limit, 0),
              ("--trial-offset", args.trial_offset, 0),
              ("--num-random-moves", args.num_random_moves or 0, 0),
              ("--max-degree-for-random-moves", args.max_degree_for_random_moves, 0))
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


def _check_level_preference(args: argparse.Namespace) -> None:
    """The checks of --preferred-number-of-levels and its strength (as the
    official: given, the number of levels is at least 1)."""
    levels = args.preferred_number_of_levels
    if levels is not None and not 1 <= levels <= MAX_LOOPS:
        raise _UsageError("argument --preferred-number-of-levels: must be >= 1 and <= "
                          f"{MAX_LOOPS:,}, got {levels}")
    strength = args.preferred_number_of_levels_strength
    if not (np.isfinite(strength) and strength >= 0):
        raise _UsageError("argument --preferred-number-of-levels-strength: must be a finite "
                          f"number >= 0, got {strength}")


def _level_preference(args: argparse.Namespace) -> dict:
    """The keyword arguments of :func:`cluster` of the preferred depth."""
    return dict(preferred_number_of_levels=args.preferred_number_of_levels or 0,
                preferred_number_of_levels_strength=args.preferred_number_of_levels_strength)


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


@contextlib.contextmanager
def _partition_from(source: str | None):
    """Name ``source`` in a :class:`NotAPartitionError` raised inside: the
    -c file, or a JSON network's node paths, whose partition does not fit
    (``None``: the run has no partition, and such an error is left as it
    is; it never names the network file for a partition it does not hold)."""
    try:
        yield
    except NotAPartitionError as err:
        if err.source is not None or source is None:
            raise
        raise NotAPartitionError(err.message, source=source) from None


def _initial_labels(network, partition: dict, neighbours: bool = False) -> np.ndarray:
    """Module label per node from ``{node_id: module}``; nodes missing from
    the file each get a module of their own, or with ``neighbours`` (the
    official ``--assign-to-neighbouring-module``) that of a neighbour
    (:func:`_neighbour_module`) where one has a module (a state network's
    nodes are its states)."""
    network = _state_level(network)
    ids = network.node_ids
    labels = np.empty(network.num_nodes, dtype=np.int64)
    given = [partition.get(node_id) for node_id in ids.tolist()]
    if neighbours:
        _neighbour_module(network, given)
    next_module = max(partition.values(), default=-1) + 1
    if next_module + network.num_nodes > np.iinfo(np.int64).max:
        node, module = max(partition.items(), key=lambda item: item[1])
        most = np.iinfo(np.int64).max - network.num_nodes
        raise NotAPartitionError(f"module {module} of node {node} is too large: module "
                                 f"numbers must be at most {most}")
    for i, module in enumerate(given):
        if module is None:
            module = next_module
            next_module += 1
        labels[i] = module
    return labels


def _neighbour_module(network, given: list) -> None:
    """Fill the ``None`` entries of ``given`` (a module per node, in node
    order) from neighbours, as the official ``--assign-to-neighbouring-module``:
    a node takes the module of its first out-neighbour that has one (in
    node order), else of its first in-neighbour; nodes are visited in
    order, so a node filled this way can pass its module on.  The links of
    an undirected network count as out-links of their source."""
    missing = [i for i, module in enumerate(given) if module is None]
    if not missing:
        return
    n = network.num_nodes
    source, target = network.source, network.target
    by_source = np.lexsort((target, source))
    by_target = np.lexsort((source, target))
    out_start = np.concatenate([[0], np.cumsum(np.bincount(source, minlength=n))])
    in_start = np.concatenate([[0], np.cumsum(np.bincount(target, minlength=n))])
    for i in missing:
        candidates = np.concatenate([target[by_source[out_start[i]:out_start[i + 1]]],
                                     source[by_target[in_start[i]:in_start[i + 1]]]])
        for j in candidates.tolist():
            if j != i and given[j] is not None:
                given[i] = given[j]
                break


def _state_level(network):
    """The network of the states of a state network; any other as it is."""
    return network.network if isinstance(network, StateNetwork) else network


def _initial_tree(network, paths: dict, neighbours: bool = False) -> list[tuple[int, ...]]:
    """A path per node from ``{node_id: path}``; nodes missing from the file
    each get a top module of their own, or with ``neighbours`` join the
    bottom module of a neighbour (:func:`_neighbour_module`) where one has a
    path (a state network's nodes are its states)."""
    network = _state_level(network)
    given = [paths.get(node_id) for node_id in network.node_ids.tolist()]
    if neighbours:
        modules = [None if path is None else tuple(path[:-1]) for path in given]
        _neighbour_module(network, modules)
        size: dict = {}
        for path in given:
            if path is not None:
                size[tuple(path[:-1])] = max(size.get(tuple(path[:-1]), 0), path[-1])
        for i, path in enumerate(given):
            if path is None and modules[i] is not None:
                size[modules[i]] += 1
                given[i] = (*modules[i], size[modules[i]])
    next_module = max((p[0] for p in paths.values()), default=0) + 1
    tree = []
    for path in given:
        if path is None:
            path = (next_module, 1)
            next_module += 1
        tree.append(path)
    return tree


class _Progress(TrialProgress):
    """Progress on stderr: the bar over the trials on a terminal (a status
    line without tqdm), a line per phase with ``--verbose``; and every
    trial's last report, for --summary-json and --timing-json."""

    def __init__(self, trials: int, silent: bool, verbose: bool) -> None:
        super().__init__(trials, bar=not silent, verbose=verbose and not silent)
        #: Every trial's last report: (top modules, codelength).
        self.last: dict[int, tuple[int, float]] = {}

    @property
    def is_active(self) -> bool:
        """Always: the reports fill :attr:`last`."""
        return True

    def line(self, trial: int, phase: str, num_modules: int, codelength: float,
             seconds: float) -> str:
        """The line of ``--verbose``: with the seconds since the run began."""
        elapsed = time.perf_counter() - self.started
        return (f"trial {trial + 1}/{self.trials} {phase}: {num_modules} modules, "
                f"codelength {codelength:.6f} bits [{elapsed:.1f} s]")

    def phase(self, trial: int, phase: str, num_modules: int, codelength: float,
              seconds: float) -> None:
        self.last[trial] = (num_modules, codelength)
        super().phase(trial, phase, num_modules, codelength, seconds)

    def trial_done(self, trial: int, num_modules: int, codelength: float,
                   seconds: float) -> None:
        self.last[trial] = (num_modules, codelength)
        super().trial_done(trial, num_modules, codelength, seconds)


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
    argv = list(sys.argv[1:] if argv is None else argv)
    level = _help_level(argv)
    if level:
        print(parser.format_help() if level > 1 else parser.format_basic_help(), end="")
        return 0
    about = _about(parser, argv)
    if about is not None:
        return about
    args = parser.parse_args(_negative_values_attached(parser, argv))
    args.num_trials_given = args.num_trials is not None
    if args.num_trials is None:
        # As the official: --converge without -N caps the trials at a default.
        args.num_trials = (CONVERGE_MAX_TRIALS if args.converge and not args.no_infomap
                           else 1)
    args.num_trials_cap = args.num_trials
    with _sigterm_raises():
        try:
            # An empty Numba cache means seconds of compiling: say so.
            with compile_notice(not args.silent):
                return _run(args, argv)
        except KeyboardInterrupt as err:
            if sys.stderr.isatty() and not args.silent:
                print("\r" + " " * 78 + "\r", end="", file=sys.stderr)  # the progress line
            if isinstance(err, _Terminated):
                print("infomap-py: interrupted by SIGTERM", file=sys.stderr)
                return 128 + signal.SIGTERM
            print("infomap-py: interrupted", file=sys.stderr)
            return 128 + signal.SIGINT


def _negative_values_attached(parser: _Parser, argv: list[str]) -> list[str]:
    """``--clu-level -1`` as ``--clu-level=-1``: argparse takes a negative
    number for an option where the parser has options such as -0 and -2."""
    takes_value = {name for action in parser.options if action.nargs is None
                   and action.option_strings for name in action.option_strings
                   if name.startswith("--")}
    joined: list[str] = []
    k = 0
    while k < len(argv):
        arg = argv[k]
        if (arg in takes_value and k + 1 < len(argv) and argv[k + 1][:1] == "-"
                and argv[k + 1][1:2].isdigit()):
            joined.append(f"{arg}={argv[k + 1]}")
            k += 2
            continue
        if arg == "--":
            joined.extend(argv[k:])
            break
        joined.append(arg)
        k += 1
    return joined


def _about(parser: _Parser, argv: list[str]) -> int | None:
    """--print-json-parameters and --completion SHELL, which need no network
    (as in the official): print and return 0, or 2 for an unknown shell;
    None without them."""
    from ._cli_meta import completion_script, parameters_json

    shell = None
    for k, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--print-json-parameters":
            print(json.dumps(parameters_json(parser.options, BASIC_OPTIONS, OUTPUT_FORMATS),
                             indent=2))
            return 0
        if arg == "--completion":
            shell = argv[k + 1] if k + 1 < len(argv) else ""
        elif arg.startswith("--completion="):
            shell = arg.split("=", 1)[1]
    if shell is None:
        return None
    if shell not in ("bash", "zsh"):
        return _fail(f"argument --completion: must be bash or zsh, got {shell!r}")
    print(completion_script(parser.options, shell, OUTPUT_FORMATS), end="")
    return 0


def _help_level(argv: list[str]) -> int:
    """1 for -h or --help, 2 for -hh (more h's count as two); 0 without."""
    level = 0
    for arg in argv:
        if arg == "--":
            break
        if arg == "--help":
            level = max(level, 1)
        elif len(arg) > 1 and arg[0] == "-" and set(arg[1:]) == {"h"}:
            level = max(level, min(len(arg) - 1, 2))
    return level


#: The JSON reports, by option, with their key in the official manifest.
_REPORTS = (("--summary-json", "summary_json", "summary_json"),
            ("--timing-json", "timing_json", "timing_json"),
            ("--manifest-json", "manifest_json", "run_manifest"),
            ("--trial-results", "trial_results", "trial_results"))


def _report_paths(args: argparse.Namespace) -> dict[str, str]:
    """The JSON reports written to files, ``{option: path}`` (not those to stdout)."""
    return {flag: getattr(args, dest) for flag, dest, _ in _REPORTS
            if getattr(args, dest) not in (None, "-")}


def _check_report_paths(args: argparse.Namespace) -> None:
    """Refuse a report path (--summary-json, --timing-json, --manifest-json,
    --trial-results) that cannot be written, or that two of them name."""
    out_dir = Path(args.out_dir).resolve()
    seen: dict[str, str] = {}
    for flag, value in _report_paths(args).items():
        path = Path(value)
        if value == "" or path.is_dir():
            raise _UsageError(f"argument {flag}: {value!r} is a directory, not a file")
        if not (path.parent.is_dir() or path.parent.resolve() == out_dir):
            raise _UsageError(f"argument {flag}: no directory {str(path.parent)!r}")
        key = os.path.abspath(value)
        if key in seen:
            raise _UsageError(f"arguments {seen[key]} and {flag}: both name {value!r}")
        seen[key] = flag


def _check_run_options(args: argparse.Namespace) -> None:
    """The rules of the official run options: --memory-report needs
    --timing-json, and --converge cannot be combined with parallel trials
    or the sharding of a run (its shards cannot agree when to stop); and
    --shards needs --scheduler, K >= 1, and with K > 1 only the options the
    sharded search takes."""
    if args.memory_report and args.timing_json is None:
        raise _UsageError("argument --memory-report: needs --timing-json")
    if args.shards is not None:
        if args.scheduler is None:
            raise _UsageError("argument --shards: needs --scheduler (the shards run on a "
                              "Dask cluster; --scheduler local for this machine)")
        if args.shards < 1:
            raise _UsageError(f"argument --shards: must be >= 1, got {args.shards}")
        if args.shards > 1:
            _check_sharded_options(args)
    if args.scheduler is not None and (args.converge or args.no_infomap):
        raise _UsageError("argument --scheduler: cannot be combined with "
                          f"{'--converge' if args.converge else '--no-infomap'} (it runs "
                          "the trials of a search, all at once)")
    if args.converge:
        if args.parallel_trials:
            raise _UsageError("argument --converge: cannot be combined with "
                              "--parallel-trials (each trial must end before the next "
                              "decides whether to run)")
        if args.trial_offset > 0 or args.trial_results is not None:
            raise _UsageError("argument --converge: cannot be combined with --trial-offset "
                              "or --trial-results (the shards of a run cannot agree when to "
                              "stop)")


#: What a run with --shards K > 1 takes besides the network, the output
#: folder, --scheduler and --shards: the rest needs the whole network in
#: one process.
_SHARDED_OPTIONS = {"two_level", "num_trials", "seed", "silent", "verbose", "out_name",
                    "no_overwrite", "clu", "output"}


def _check_sharded_options(args: argparse.Namespace) -> None:
    """Refuse, naming it, an option that --shards K > 1 does not take."""
    for action in build_parser()._actions:
        if (not action.option_strings or action.dest in _SHARDED_OPTIONS
                or action.dest in ("scheduler", "shards", "help", "version")):
            continue
        if getattr(args, action.dest, action.default) != action.default:
            raise _UsageError(f"argument --shards: cannot be combined with "
                              f"{'/'.join(action.option_strings)} (the sharded search "
                              f"takes -2, -N, -s, --out-name, --no-overwrite and --silent)")
    if args.network == "-" or _json_file(args.network):
        raise _UsageError("argument --shards: the network must be link-list or Parquet "
                          "files the workers can read, not standard input or JSON")
    if args.output not in (None, "clu"):
        raise _UsageError(f"argument --shards: writes the .clu file only, not -o "
                          f"{args.output}")


def _sharded_run(args: argparse.Namespace) -> int:
    """--shards K > 1: cluster the network file on the Dask workers with
    :func:`infomap_py.distributed.cluster_sharded` and write OUT/NAME.clu
    (``node_id module``, modules from 1)."""
    from .distributed import cluster_sharded
    from .io._atomic import atomic_text_file

    out_dir = Path(args.out_dir)
    target = out_dir / f"{_out_name(args)}.clu"
    try:
        _preflight(args, [target])
    except _UsageError as err:
        return _fail(str(err))
    options = {"two_level": args.two_level}
    if args.num_trials is not None:
        options["trials"] = args.num_trials
    try:
        result = cluster_sharded(args.network, args.dask_client, num_shards=args.shards,
                                 seed=args.seed, **options)
    except InfomapPyError as err:  # a bad line names its file and line itself
        return _fail(str(err))
    created = _make_directory(out_dir)
    try:
        with atomic_text_file(target) as handle:
            handle.write(f"# sharded over {result.num_shards} shards, codelength "
                         f"{result.codelength:.9f} bits, {result.num_top_modules} top "
                         f"modules\n# node_id module\n")
            for node, module in zip(result.nodes.tolist(), (result.labels + 1).tolist(),
                                    strict=True):
                handle.write(f"{node} {module}\n")
    except BaseException:
        _remove_empty(created)
        raise
    if not args.silent:
        print(f"infomap-py: {result.num_top_modules} top modules, codelength "
              f"{result.codelength:.9f} bits ({result.num_shards} shards); wrote "
              f"{display_path(target)}")
    return 0


def _same_file(a: str | Path, b: str | Path) -> bool:
    return os.path.abspath(a) == os.path.abspath(b)


def _preflight(args: argparse.Namespace, targets: list[Path]) -> None:
    """Refuse to write over an input file, and with --no-overwrite over any file."""
    inputs = [p for p in (args.network, args.cluster_data) if p and p != "-"]
    for target in targets:
        for source in inputs:
            if _same_file(target, source):
                raise _UsageError(f"refusing to write output {display_path(target)!r} over the "
                                  f"input file {display_path(source)!r}: write to another "
                                  "directory, or give another --out-name")
    if args.no_overwrite:
        for target in targets:
            if os.path.lexists(target):
                raise _UsageError(f"argument --no-overwrite: output file "
                                  f"{display_path(target)!r} exists already")


def _run(args: argparse.Namespace, argv: list[str] | None = None) -> int:
    """Check the options, connect to --scheduler, cluster and write the
    results; return the exit status."""
    try:
        formats = _output_formats(args)
        _check_options(args)
        _check_points_options(args)
        _points_defaults(args, argv)
        _check_report_paths(args)
        _check_run_options(args)
    except _UsageError as err:
        return _fail(str(err))
    if args.print_config_fingerprint:
        # As the official: the options' fingerprint, without reading the network.
        from .io import config_fingerprint

        print(config_fingerprint(_config_settings(args, _params_from_args(args))))
        return 0
    with contextlib.ExitStack() as connection:
        args.dask_client = None
        if args.scheduler is not None:
            try:
                args.dask_client = _connect(args.scheduler, connection)
            except _UsageError as err:
                return _fail(str(err))
        if args.shards is not None and args.shards > 1:
            return _sharded_run(args)
        return _cluster_and_write(args, argv, formats)


def _connect(address: str, connection: contextlib.ExitStack):
    """A Dask client of the scheduler at ``address`` (``local``: of a new
    local cluster, one single-threaded worker process per core), closed with
    ``connection``; a _UsageError if it cannot be had."""
    from .adapters import import_optional

    try:
        distributed = import_optional("distributed", "dask", "dask[distributed]")
    except ImportError as err:
        raise _UsageError(f"argument --scheduler: {err}") from None
    try:
        if address == "local":
            # Its workers' logs stay quiet: a task that fails (a bad line in a
            # link list) is reported as one error line, not as their log.
            local = connection.enter_context(distributed.LocalCluster(
                threads_per_worker=1, processes=True, dashboard_address=":0",
                silence_logs=logging.CRITICAL))
            return connection.enter_context(distributed.Client(local))
        # A malformed address is refused before a client starts its event loop.
        scheme, _ = distributed.comm.parse_address(address)
        distributed.comm.registry.get_backend(scheme)
        if scheme in ("tcp", "tls", "ws", "wss"):
            distributed.comm.get_address_host_port(address)
        return connection.enter_context(distributed.Client(address, timeout=SCHEDULER_TIMEOUT))
    except (OSError, ValueError, TypeError) as err:  # TimeoutError is an OSError
        reason = (str(err).strip().splitlines() or [type(err).__name__])[0]
        raise _UsageError(f"argument --scheduler: cannot connect to {address!r}: "
                          f"{reason}") from None


def _cluster_and_write(args: argparse.Namespace, argv: list[str] | None,
                       formats: list[str]) -> int:
    """Read the network, cluster it and write the results in ``formats``;
    return the exit status."""
    from .io import read_tree
    from .io.readers import read_network_and_paths
    from .io._atomic import atomic_group, remove_stale_temporaries
    from .multilayer import MultilayerNetwork

    start = time.perf_counter()
    timing: dict[str, float] = {}
    from ._core._jit import load_numba_arrays_without_blas_probe
    from ._heap import map_large_arrays

    load_numba_arrays_without_blas_probe()
    map_large_arrays()  # freed arrays leave no holes in the heap (see _heap)
    # As in the official Infomap: -d means the directed flow model, and the
    # flow model alone decides whether links are directed.
    flow_model = "directed" if args.directed else (args.flow_model or "undirected")
    directed = flow_model != "undirected"
    network_name = "standard input" if args.network == "-" else display_path(args.network)
    if args.inner_parallelization and not args.silent:
        print("infomap-py: note: --inner-parallelization does nothing here: nodes move "
              "serially, which gives the serial partition the official's option may differ "
              "from", file=sys.stderr)
    if args.include_self_links and not args.silent:
        print("infomap-py: note: -k/--include-self-links is deprecated and does nothing: "
              "self-links are included by default (--no-self-links excludes them)",
              file=sys.stderr)
    try:
        if args.points:
            network, json_paths = _read_points(args), None
        else:
            network, json_paths = read_network_and_paths(
                args.network, directed=True if directed else None,
                weight_threshold=args.weight_threshold, no_self_links=args.no_self_links,
                node_limit=args.node_limit)
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
        timing["read_network_s"] = time.perf_counter() - start
        out_dir = Path(args.out_dir)
        plan = [] if args.no_file_output else _output_plan(
            args, formats, isinstance(network, StateNetwork))
        reports = [Path(p) for p in _report_paths(args).values()]
        targets = ([path for path, _, _, _ in plan] + reports
                   + ([Path(args.plot)] if args.plot is not None else []))
        try:
            _preflight(args, targets)
        except _UsageError as err:
            return _fail(str(err))
        options = dict(
            flow_model=flow_model,
            teleportation=args.teleportation_probability,
            to_nodes=args.to_nodes,
            recorded_teleportation=args.recorded_teleportation,
            markov_time=args.markov_time,
            bipartite_teleportation=args.bipartite_teleportation,
            skip_adjust_bipartite_flow=args.skip_adjust_bipartite_flow,
            regularized=args.regularized,
            regularization_strength=args.regularization_strength,
            intra_regularization_strength=args.intra_regularization_strength,
            inter_regularization_strength=args.inter_regularization_strength,
            multilayer_skip_absent_nodes=args.multilayer_skip_absent_nodes,
            variable_markov_time=args.variable_markov_time,
            variable_markov_damping=args.variable_markov_damping,
            variable_markov_min_scale=args.variable_markov_min_scale,
            entropy_corrected=args.entropy_corrected,
            entropy_correction_strength=args.entropy_correction_strength,
            preferred_number_of_modules=args.preferred_number_of_modules,
            use_node_weights_as_flow=args.use_node_weights_as_flow,
            max_flow_iterations=args.max_flow_iterations,
            min_flow_iterations=args.min_flow_iterations,
            flow_tolerance=args.flow_tolerance,
        )
        options.update(_meta_options(args, network))
        initial = partition_source = None
        if args.cluster_data or json_paths is not None:
            # As the official: the paths of a JSON network are its initial
            # partition, unless -c gives one.
            given = read_tree(args.cluster_data) if args.cluster_data else json_paths
            partition_source = args.cluster_data or f"{network_name} (its node paths)"
            neighbours = args.assign_to_neighbouring_module
            with _partition_from(partition_source):
                initial = (_initial_tree(network, given, neighbours) if args.no_infomap
                           else _initial_labels(network, {n: p[0] for n, p in given.items()},
                                                neighbours))

        clustering = time.perf_counter()
        with warnings.catch_warnings(), _partition_from(partition_source):
            # A flow that does not converge is said once, below, not as a Python warning.
            warnings.filterwarnings("ignore", "the flow did not converge", RuntimeWarning)
            result, progress = _search(args, network, initial, options)
        if not result.flow_converged and not args.silent:
            print(f"infomap-py: warning: the flow did not converge: the power iteration "
                  f"stopped after {result.flow_iterations} steps with an L1 change of "
                  f"{result.flow_error:.3g} (--flow-tolerance {args.flow_tolerance:g})",
                  file=sys.stderr)
        clustered = time.perf_counter() - clustering
        timing["flow_calculation_s"] = max(clustered - result.seconds, 0.0)
        timing["trial_optimize_s"] = result.seconds
        if args.print_all_trials and not args.silent:
            _print_trials(args, result)

        if args.converge and not args.no_infomap:
            # The plan was made for the cap; the run may have stopped earlier.
            args.num_trials = len(result.trial_codelengths)
            plan = [] if args.no_file_output else _output_plan(
                args, formats, isinstance(network, StateNetwork))
            targets = ([path for path, _, _, _ in plan] + reports
                       + ([Path(args.plot)] if args.plot is not None else []))
        if args.trial_results is not None and not args.no_file_output and "tree" in formats:
            best_tree = _best_trial_plan(args, result, isinstance(network, StateNetwork),
                                         {path for path, _, _, _ in plan})
            plan += best_tree
            targets += [path for path, _, _, _ in best_tree]
        run_info = _run_info(args, argv, result)
        outputs = [(path, _writer(fmt, states, args, network,
                                  result if trial is None else result.trial_results[trial],
                                  run_info))
                   for path, fmt, states, trial in plan]
        summary = _summary_json(result, progress)
        summary["auto_stopped"] = bool(getattr(args, "auto_stopped", False))
        writing = time.perf_counter()
        # OUT_DIR is created only when a file goes there (not with -0 alone).
        needs_out_dir = any(Path(t).parent.resolve() == out_dir.resolve() for t in targets)
        try:
            created = _make_directory(out_dir) if needs_out_dir else []
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
                if args.summary_json not in (None, "-"):
                    _write_json_file(args.summary_json, summary)
                manifest = _manifest_json(args, argv, result, run_info, formats,
                                          isinstance(network, StateNetwork))
                if args.manifest_json not in (None, "-"):
                    _write_json_file(args.manifest_json, manifest)
                trials = None if args.trial_results is None else _trial_results_json(
                    args, result, run_info, plan, isinstance(network, StateNetwork))
                if args.trial_results not in (None, "-"):
                    _write_json_file(args.trial_results, trials)
                timing["output_s"] = time.perf_counter() - writing
                timing["total_s"] = time.perf_counter() - start
                report = _timing_json(args, network, result, progress, timing)
                if args.timing_json not in (None, "-"):
                    _write_json_file(args.timing_json, report)
        except BaseException:
            _remove_empty(created)
            raise
    except InfomapPyError as err:
        # The package's errors name their file themselves (a partition's its
        # -c file), or concern no file: said as they are.
        return _fail(str(err))
    except (ValueError, TypeError) as err:  # the network's (a negative weight)
        return _fail(f"{network_name}: {err}")
    if args.summary_json == "-":
        print(json.dumps(summary, separators=(",", ":")))
    if args.timing_json == "-":
        print(json.dumps(report, separators=(",", ":")))
    if args.manifest_json == "-":
        print(json.dumps(manifest, separators=(",", ":")))
    if args.trial_results == "-":
        print(json.dumps(trials, separators=(",", ":")))
    if not args.silent:
        seconds = time.perf_counter() - start
        size = (f"{network.num_states} states of {network.num_physical} physical nodes, "
                f"{network.network.num_links} links" if isinstance(network, StateNetwork)
                else f"{network.num_nodes} nodes, {network.num_links} links")
        print(f"infomap-py: {size}, "
              f"{result.num_modules} top modules, {result.num_levels} levels, "
              f"codelength {result.codelength:.9f} bits "
              f"({result.relative_codelength_savings:.2%} savings), {seconds:.2f} s; "
              f"wrote {', '.join(display_path(p) for p in targets) or 'no files'}",
              file=sys.stderr)
    return 0


def _meta_options(args: argparse.Namespace, network) -> dict:
    """The keyword arguments of the metadata map equation: the categories
    of --meta-data in node order (-1, one category, for the nodes the file
    does not list, as the official Infomap gives them; lines of nodes the
    network lacks are ignored, as there)."""
    if not args.meta_data:
        return {}
    from .io import read_meta_data

    given = read_meta_data(args.meta_data)
    if isinstance(network, StateNetwork):
        meta_data = [given.get(int(i), -1) for i in network.network.node_ids]
    else:
        meta_data = [given.get(int(i), -1) for i in network.node_ids]
    return dict(meta_data=meta_data, meta_data_rate=args.meta_data_rate,
                meta_data_unweighted=args.meta_data_unweighted)


def _search(args: argparse.Namespace, network, initial, options: dict):
    """Return ``(result, progress)``: ``network`` clustered, or with
    --no-infomap only ``initial`` scored (``progress`` None)."""
    if args.no_infomap:
        return evaluate(network, initial, **options), None
    if args.scheduler is not None:
        from .distributed import cluster as cluster_on_dask

        threads = {} if args.num_threads == "auto" else {"n_jobs": args.num_threads}
        return cluster_on_dask(network, client=args.dask_client, trials=args.num_trials,
                               seed=args.seed, initial_partition=initial,
                               two_level=args.two_level,
                               fast_hierarchical=args.fast_hierarchical_solution,
                               **threads, **_level_preference(args), **options,
                               **_search_controls(args)), None
    search = partial(cluster, network, seed=args.seed, initial_partition=initial,
                     two_level=args.two_level,
                     fast_hierarchical=args.fast_hierarchical_solution,
                     n_jobs=args.num_threads, **_level_preference(args), **options)
    with _Progress(args.num_trials, silent=args.silent, verbose=args.verbose > 0) as progress:
        if args.converge:
            result = _converge(args, search, progress)
        else:
            result = search(trials=args.num_trials, progress=progress,
                            **_search_controls(args))
    return result, progress


def _converge(args: argparse.Namespace, search: Callable, progress: _Progress):
    """--converge: run trials 1, 2, ... of the run one at a time (trial k as
    ``--trial-offset k-1 -N 1`` would) and stop at the official's plateau
    (:data:`CONVERGE_PATIENCE` trials in a row that do not shorten the best
    codelength by more than :data:`CONVERGE_TOLERANCE` of it, once
    :data:`CONVERGE_MIN_TRIALS` have run) or at -N; return the best trial's
    result with every trial's codelength (and, with --print-all-trials,
    result).  Sets ``args.auto_stopped``."""
    controls = {**_search_controls(args), "print_all_trials": False}
    results, lengths = [], []
    best, since_improvement = None, 0
    args.auto_stopped = False
    for k in range(args.num_trials):
        started = time.perf_counter()
        phase_started = [started]

        def report(trial, phase, num_modules, length, k=k, phase_started=phase_started):
            now = time.perf_counter()
            progress.phase(k, phase, num_modules, length, now - phase_started[0])
            phase_started[0] = now

        trial = search(trials=1, progress=report, **{**controls, "trial_offset": k})
        length = float(np.asarray(trial.trial_codelengths)[0])  # as a run of -N trials
        progress.trial_done(k, trial.num_top_modules, length, time.perf_counter() - started)
        before = min(lengths, default=np.inf)
        lengths.append(length)
        if args.print_all_trials:
            results.append(trial)
        improved = length < before * (1.0 - CONVERGE_TOLERANCE)
        if best is None or length < before:
            best = trial
        since_improvement = 0 if improved else since_improvement + 1
        if k + 1 >= CONVERGE_MIN_TRIALS and since_improvement >= CONVERGE_PATIENCE:
            args.auto_stopped = True
            break
    seconds = sum(float(r.seconds) for r in results) if results else best.seconds
    return dataclasses.replace(
        best, trial_codelengths=np.asarray(lengths), seconds=seconds,
        trial_results=tuple(results) if len(results) > 1 else None)


def _search_controls(args: argparse.Namespace) -> dict:
    """The keyword arguments of :func:`cluster` of the search controls."""
    return dict(core_loop_limit=args.core_loop_limit,
                core_level_limit=args.core_level_limit,
                tune_iteration_limit=args.tune_iteration_limit,
                core_loop_codelength_threshold=args.core_loop_codelength_threshold,
                tune_iteration_relative_threshold=args.tune_iteration_relative_threshold,
                prefer_modular_solution=args.prefer_modular_solution,
                trial_offset=args.trial_offset,
                num_random_moves=args.num_random_moves,
                max_degree_for_random_moves=args.max_degree_for_random_moves,
                # --trial-results reports every trial's modules and levels too.
                print_all_trials=args.print_all_trials or args.trial_results is not None)


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


def _output_plan(args: argparse.Namespace, formats: list[str], higher_order: bool,
                 trial: int | None = None) -> list[tuple[Path, str, bool, int | None]]:
    """Every output file as ``(path, format, state level, trial)``, named as
    the official Infomap names them: ``NAME.FMT`` per format and, for a
    state network, ``NAME_states.FMT`` too.  With --print-all-trials (and
    -N > 1) also ``NAME_trial_K.FMT`` for every trial (``trial``: its index
    among the result's ``trial_results``; None for the best result), the
    state network, the same for every trial, only once."""
    out_dir, stem = Path(args.out_dir), _out_name(args)
    plan = []
    # --no-final-output: no files of the best result, only those of every trial.
    for fmt in formats if trial is not None or not args.no_final_output else ():
        if fmt == "states":
            plan.append((out_dir / f"{stem}_states.net", fmt, True, trial))
        elif fmt == "network":
            name = f"{stem}_states_as_physical.net" if higher_order else f"{stem}.net"
            plan.append((out_dir / name, fmt, higher_order, trial))
        elif fmt == "flow":
            name = (f"{stem}_states_as_physical_flow.net" if higher_order
                    else f"{stem}_flow.net")
            plan.append((out_dir / name, fmt, higher_order, trial))
        else:
            extension = "nwk" if fmt == "newick" else fmt
            plan.append((out_dir / f"{stem}.{extension}", fmt, False, trial))
            if higher_order:
                plan.append((out_dir / f"{stem}_states.{extension}", fmt, True, trial))
    if (trial is None and args.print_all_trials and args.num_trials > 1
            and not args.no_infomap):
        for t in range(args.num_trials):
            name = f"{_out_name(args)}_trial_{args.trial_offset + t + 1}"
            trial_args = argparse.Namespace(**{**vars(args), "out_name": name})
            plan += _output_plan(trial_args, [f for f in formats if f != "states"],
                                 higher_order, t)
    return plan


def _best_trial_plan(args: argparse.Namespace, result, higher_order: bool,
                     planned: set) -> list[tuple[Path, str, bool, int | None]]:
    """With --trial-results and tree output: the best trial's tree as
    ``NAME_trial_K.tree`` (K its number in the whole run, from 1), and for
    a state network ``NAME_trial_K_states.tree`` too, as the official
    writes them for merging shards; a file already planned (by
    --print-all-trials), or already there with --no-overwrite, is left as
    it is."""
    best = int(np.argmin(np.asarray(result.trial_codelengths)))
    stem = f"{_out_name(args)}_trial_{args.trial_offset + best + 1}"
    plan = [(Path(args.out_dir) / f"{stem}.tree", "tree", False, None)]
    if higher_order:
        plan.append((Path(args.out_dir) / f"{stem}_states.tree", "tree", True, None))
    return [entry for entry in plan if entry[0] not in planned
            and not (args.no_overwrite and os.path.lexists(entry[0]))]


def _writer(fmt: str, states: bool, args: argparse.Namespace, network, result,
            run) -> Callable[[Path], None]:
    """How to write one file of :func:`_output_plan`."""
    from .io import (
        write_clu,
        write_csv,
        write_flow_network,
        write_ftree,
        write_json,
        write_newick,
        write_pajek_network,
        write_state_network,
        write_tree,
    )

    if fmt == "states":
        # As the official Infomap, a first-order network is written as
        # states that are their own physical nodes.
        states_net = network if isinstance(network, StateNetwork) else StateNetwork(
            network, np.arange(network.num_nodes, dtype=np.int64), network.nodes, network.names)
        return partial(write_state_network, states_net, run=run)
    if fmt == "network":
        return partial(write_pajek_network, network, run=run)
    if fmt == "flow":
        return partial(write_flow_network, result, run=run)
    hide = {"hide_bipartite_nodes": True} if args.hide_bipartite_nodes else {}
    level = {"states": True} if states else {}
    writers = {"clu": partial(write_clu, level=args.clu_level, run=run, **hide),
               "tree": partial(write_tree, run=run, **hide),
               "ftree": partial(write_ftree, run=run),
               "newick": partial(write_newick, **hide),
               "json": partial(write_json, run=run, **hide),
               "csv": partial(write_csv, **hide)}
    write = writers[fmt]
    return lambda path: write(result, path, **level)


def _params_from_args(args: argparse.Namespace) -> dict:
    """The ``params`` that :func:`cluster` would record for these options
    (what --print-config-fingerprint knows without reading the network)."""
    return {"flow_model": "directed" if args.directed else (args.flow_model or "undirected"),
            "two_level": args.two_level, "trials": 0 if args.no_infomap else args.num_trials,
            "recorded_teleportation": args.recorded_teleportation or args.regularized,
            "teleportation": args.teleportation_probability, "markov_time": args.markov_time,
            "to_nodes": args.to_nodes, "bipartite_teleportation": args.bipartite_teleportation,
            "skip_adjust_bipartite_flow": args.skip_adjust_bipartite_flow,
            "fast_hierarchical": args.fast_hierarchical_solution}


def _config_settings(args: argparse.Namespace, params: dict) -> dict:
    """The official canonical settings of a run with these options and
    ``params`` (a result's)."""
    from .io._fingerprint import CANONICAL_CONFIG, config_from_params

    settings = config_from_params(params or {}, args.seed)
    settings.update(directed=bool(args.directed), seed=args.seed,
                    cluster_data=args.cluster_data or "", no_infomap=bool(args.no_infomap),
                    meta_data=getattr(args, "meta_data", None) or "",
                    converge_trials=bool(getattr(args, "converge", False)))
    # Options named as the official names them count wherever they exist.
    for key, _ in CANONICAL_CONFIG:
        value = getattr(args, key, None)
        if key not in settings and value is not None and not isinstance(value, str):
            settings[key] = value
    return settings


def _file_fingerprint(path: str | None):
    """The official input fingerprint of a file; None for none, standard
    input or a file that cannot be read."""
    from .io import input_fingerprint

    if not path or path == "-":
        return None
    try:
        return input_fingerprint(path)
    except OSError:
        return None


def _run_info(args: argparse.Namespace, argv: list[str] | None, result):
    """The command line and fingerprints for the headers of the output files."""
    from .io import RunInfo, config_fingerprint

    settings = _config_settings(args, result.params)
    return RunInfo(command=shlex.join(argv) if argv is not None else None,
                   input=_file_fingerprint(args.network),
                   cluster_data=_file_fingerprint(args.cluster_data),
                   config_fingerprint=config_fingerprint(settings))


#: The order of the result files in the official manifest, by format.
_MANIFEST_ORDER = ("states", "network", "flow", "tree", "ftree", "newick", "json", "csv", "clu")


def _manifest_json(args: argparse.Namespace, argv: list[str] | None, result, run,
                   formats: list[str], higher_order: bool) -> dict:
    """The official --manifest-json object: the command, the trial cap, the
    canonical config and its fingerprint, the input files' fingerprints and
    the files the run writes (the best result's and the reports, not the
    per-trial files, as the official lists them)."""
    from .io._fingerprint import canonical_config

    def described(fingerprint) -> dict | None:
        return None if fingerprint is None else fingerprint.as_dict()

    outputs = []
    plan = [] if args.no_file_output else _output_plan(
        argparse.Namespace(**{**vars(args), "print_all_trials": False}), formats, higher_order)
    plan.sort(key=lambda entry: _MANIFEST_ORDER.index(entry[1]))
    for path, fmt, states, _ in plan:
        if fmt in ("network", "flow"):
            key = ("states_as_physical" if fmt == "network" else "flow_as_physical") \
                if higher_order else ("net" if fmt == "network" else "flow")
        else:
            key = {"states": "states"}.get(fmt, f"{fmt}_states" if states else fmt)
        outputs.append({"key": key, "path": os.fspath(path)})
    for flag, dest, key in _REPORTS:
        value = getattr(args, dest)
        if value not in (None, "-"):
            outputs.append({"key": key, "path": value})
    return {
        "version": __version__,
        "command": shlex.join(argv) if argv is not None else "",
        "num_trials": int(args.num_trials_cap),
        "config": canonical_config(_config_settings(args, result.params)),
        "config_fingerprint": run.config_fingerprint,
        "input": described(run.input),
        "cluster_data": described(run.cluster_data),
        "meta_data": described(_file_fingerprint(getattr(args, "meta_data", None))),
        "outputs": outputs,
    }


def _trial_results_json(args: argparse.Namespace, result, run, plan: list,
                        higher_order: bool) -> dict:
    """The official --trial-results object: every trial of this process
    (numbered in the whole run, from 0) with its seed, codelength, top
    modules and levels, and the best trial's tree file, by a path relative
    to the results file's directory where it lies under it."""
    from .optimize import trial_seeds

    lengths = [float(x) for x in np.asarray(result.trial_codelengths).tolist()]
    seeds = trial_seeds(args.seed, len(lengths), args.trial_offset)
    per_trial = result.trial_results or (result,)
    best = int(np.argmin(lengths))
    document = {
        "network_fingerprint": run.input.hash if run.input is not None else "",
        "config_fingerprint": run.config_fingerprint,
        "infomap_version": __version__,
        "base_seed": int(args.seed),
        "trial_offset": int(args.trial_offset),
        "num_trials": len(lengths),
        "best_tree_file": "",
    }
    stem = f"{_out_name(args)}_trial_{args.trial_offset + best + 1}"
    folder = "" if args.trial_results == "-" else os.path.dirname(args.trial_results)

    def relative(path: Path) -> str:
        text = os.fspath(path)
        prefix = folder + os.sep if folder else ""
        return text[len(prefix):] if prefix and text.startswith(prefix) else text

    if not args.no_file_output and "tree" in _output_formats(args):
        tree = Path(args.out_dir) / f"{stem}.tree"
        document["best_tree_file"] = relative(tree)
        if higher_order:
            document["best_states_tree_file"] = relative(
                Path(args.out_dir) / f"{stem}_states.tree")
    document["trials"] = [
        {"trial": args.trial_offset + t, "seed": int(seeds[t]), "codelength": length,
         "num_top_modules": int(per_trial[t].num_top_modules),
         "num_levels": int(per_trial[t].num_levels), "thread": 0,
         "time_s": float(result.seconds) if len(lengths) == 1 else None}
        for t, length in enumerate(lengths)]
    return document


def _summary_json(result, progress: _Progress | None) -> dict:
    """The official --summary-json object of the run."""
    lengths = [float(x) for x in np.asarray(result.trial_codelengths).tolist()]
    best = int(np.argmin(lengths)) + 1 if lengths else 1
    top = [None] * len(lengths)
    if progress is not None:
        for trial, (num_modules, _) in progress.last.items():
            if 0 <= trial < len(top):
                top[trial] = int(num_modules)
    if lengths:
        top[best - 1] = int(result.num_top_modules)
    summary = {
        "version": __version__,
        "codelength": float(result.codelength),
        "top_modules": int(result.num_top_modules),
        "levels": int(result.num_levels),
        "trials": len(lengths),
        "best_trial": best,
        "auto_stopped": False,
    }
    flow = result.flow_data
    if flow is not None and flow.flow_iterations:
        summary["flow"] = {"converged": bool(flow.flow_converged),
                           "iterations": int(flow.flow_iterations),
                           "error": float(flow.flow_error)}
    summary.update(trial_codelengths=lengths, trial_top_modules=top)
    return summary


def _timing_json(args: argparse.Namespace, network, result, progress: _Progress | None,
                 timing: dict[str, float]) -> dict:
    """The --timing-json object of the run: the official layout, infomap-py's phases."""
    from .optimize import auto_threads_and_source, trial_seeds

    states = network.network if isinstance(network, StateNetwork) else network
    if isinstance(args.num_threads, int):
        threads, source = args.num_threads, "--num-threads"
    else:
        threads, source = auto_threads_and_source()
    lengths = np.asarray(result.trial_codelengths).tolist()
    seeds = (trial_seeds(args.seed, len(lengths), args.trial_offset)
             if lengths and not args.no_infomap else [])
    trials = []
    for t, length in enumerate(lengths):
        last = progress.last.get(t) if progress is not None else None
        best = t == int(np.argmin(lengths))
        trials.append({
            "trial": t + 1,
            "seed": int(seeds[t]) if seeds else int(args.seed),
            "time_s": float(result.seconds) if len(lengths) == 1 else None,
            "codelength": float(length),
            "top_modules": (int(result.num_top_modules) if best
                            else int(last[0]) if last is not None else None),
            "num_levels": int(result.num_levels) if best else None,
        })
    report = {
        "version": __version__,
        "openmp": False,
        "threads_requested": threads,
        "threads_used": threads,
        "thread_source": source,
        "network": {"nodes": int(states.num_nodes), "links": int(states.num_links),
                    "directed": (result.params or {}).get("flow_model", "undirected")
                    != "undirected"},
        "timing": {key: float(value) for key, value in timing.items()},
        "trials": trials,
    }
    if args.memory_report:
        report["memory"] = _memory_report(int(states.num_nodes), int(states.num_links))
    return report


def _memory_report(num_nodes: int, num_links: int) -> dict:
    """--memory-report, as the official computes it: the process's peak
    resident memory so far (MiB) and that divided by the nodes and by the
    links (left out for none); an empty object where the platform does not
    tell (Windows)."""
    try:
        import resource
    except ImportError:
        return {}
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peak *= 1 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB on Linux
    memory = {"rss_peak_mb": peak / (1024.0 * 1024.0)}
    if num_nodes > 0:
        memory["bytes_per_node"] = peak / num_nodes
    if num_links > 0:
        memory["bytes_per_link"] = peak / num_links
    return memory


def _write_json_file(path: str, document: dict) -> None:
    from .io._atomic import atomic_text_file

    with atomic_text_file(path) as handle:
        handle.write(json.dumps(document, separators=(",", ":")) + "\n")


def main_entry() -> None:
    """Console-script entry point: exit with :func:`main`'s status.

    A reader that closes the pipe early (``infomap-py ... --summary-json - |
    head``) ends the run quietly, as other command-line tools do, instead of
    with a traceback."""
    try:
        status = main()
        sys.stdout.flush()
    except BrokenPipeError:
        # Python would complain again when it flushes stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        status = 141  # 128 + SIGPIPE, as a shell reports it
    sys.exit(status)
