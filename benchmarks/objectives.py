"""Every objective option against the official Infomap: codelength and scoring.

For each objective option (``--regularized``, ``--variable-markov-time`` at
damping 1 and 0.5, ``--entropy-corrected``, ``--preferred-number-of-modules``
3 and the natural number + 2, ``--preferred-number-of-levels`` 2 and 4,
``--meta-data`` at rates 0.5 and 1) infomap-py and the official Infomap
search the same network with the same number of trials, two-level and
multilevel (``--preferred-number-of-levels`` acts on multilevel searches
only).  Each row gives both codelengths, the relative difference
``ours / official - 1``, the modules and levels of each, and ``Δscore``:
infomap-py's codelength of the official's partition (its tree, multilevel)
minus the codelength the official reports for it.  ``Δscore`` tells an
objective mismatch (``Δscore`` != 0) from a search gap (``Δscore`` = 0 and
ours longer).

Small networks: the first-order example networks shipped with the official
package (twotriangles, ninetriangles, modular_w, modular_wd (directed)) and
karate, lesmis, dolphins, football from the shared data, ``--trials`` (20)
trials each; a row is marked ``*`` where ours > official + 1e-6 relative.
Large networks: netscience, power and a 5000-node planted partition, one
trial each; marked ``*`` where ours > official + 0.1 %.  ``Δscore`` rows are
marked ``!`` where ``|Δscore|`` > 1e-9.

Metadata: karate's clubs and football's conferences; elsewhere the nodes in
breadth-first order cut into ``max(2, round(sqrt(n) / 2))`` equal blocks,
a fifth of them (seeded) moved to a random block.
The natural number of modules is the official's plain two-level number.

Where a row shows a search gap (ours longer, Δscore = 0), both tools search
again: the small network with ``--retry-trials`` (200) trials, the large one
with one trial from each of ``--retry-seeds`` (24) seeds; the best and the
mean codelength of each tool (the difference of the means with its standard
error) tell chance (a 20-trial search that missed an
optimum each trial finds 1-5 % of the time, as either tool may) from a
search that cannot reach it.  Where a small network's gap stays after that,
``--rate-trials`` (1000) one-trial searches of each tool count how often a
single trial finds the best codelength either found.

    python -m benchmarks.objectives [--trials 20] [--seed 123]
        [--small karate,...] [--large netscience,...] [--options regularized,...]
        [--retry-trials 200] [--retry-seeds 24] [--rate-trials 1000]
"""

from __future__ import annotations

import argparse
import os
import platform
import time
import warnings
from collections import deque
from pathlib import Path

import numpy as np

import infomap_py
from benchmarks.generators import planted_partition
from benchmarks.graphs import GraphSpec, build
from infomap_py.io import read_network
from infomap_py.network import Network

EXAMPLES = ("twotriangles", "ninetriangles", "modular_w", "modular_wd")
SHARED = ("karate", "lesmis", "dolphins", "football")
LARGE = ("netscience", "power", "planted-5000")

#: Option name -> (keyword arguments of both tools, searches it applies to).
#: ``meta`` marks the metadata rate; ``natural+2`` is filled in per network.
OPTIONS = {
    "regularized": ({"regularized": True, "regularization_strength": 1.0}, ("two", "multi")),
    "vmt-damping1": ({"variable_markov_time": True, "variable_markov_damping": 1.0},
                     ("two", "multi")),
    "vmt-damping0.5": ({"variable_markov_time": True, "variable_markov_damping": 0.5},
                       ("two", "multi")),
    "entropy-corrected": ({"entropy_corrected": True}, ("two", "multi")),
    "pref-modules3": ({"preferred_number_of_modules": 3}, ("two", "multi")),
    "pref-modules+2": ({"preferred_number_of_modules": "natural+2"}, ("two", "multi")),
    "pref-levels2": ({"preferred_number_of_levels": 2}, ("multi",)),
    "pref-levels4": ({"preferred_number_of_levels": 4}, ("multi",)),
    "meta-rate0.5": ({"meta_data_rate": 0.5}, ("two", "multi")),
    "meta-rate1": ({"meta_data_rate": 1.0}, ("two", "multi")),
}

#: Search-only options: no part of the codelength of a given tree.
SEARCH_ONLY = ("preferred_number_of_levels",)


class Case:
    """A network of the comparison: CSR-free edge arrays, metadata and the
    natural number of modules (filled in lazily)."""

    def __init__(self, name: str, source: np.ndarray, target: np.ndarray,
                 weight: np.ndarray, num_nodes: int, directed: bool,
                 categories: np.ndarray | None = None):
        self.name = name
        self.source, self.target, self.weight = source, target, weight
        self.num_nodes, self.directed = num_nodes, directed
        self.categories = categories if categories is not None else bfs_blocks(self)
        self.natural: int | None = None

    def network(self) -> Network:
        return Network(self.source, self.target, self.weight, self.num_nodes, self.directed,
                       range(self.num_nodes))


def bfs_blocks(case: Case) -> np.ndarray:
    """Categories that follow the network, with noise: nodes in breadth-first
    order (from node 0, then from the first node not reached, ...) cut into
    ``max(2, round(sqrt(n) / 2))`` blocks of equal size, then a fifth of the
    nodes (seeded) given a random category, so that modules are rarely pure."""
    n = case.num_nodes
    neighbours: list[list[int]] = [[] for _ in range(n)]
    for u, v in zip(case.source.tolist(), case.target.tolist()):
        neighbours[u].append(v)
        neighbours[v].append(u)
    order, seen = [], np.zeros(n, dtype=bool)
    for start in range(n):
        if seen[start]:
            continue
        seen[start] = True
        queue = deque([start])
        while queue:
            u = queue.popleft()
            order.append(u)
            for v in neighbours[u]:
                if not seen[v]:
                    seen[v] = True
                    queue.append(v)
    blocks = max(2, round(np.sqrt(n) / 2))
    categories = np.empty(n, dtype=np.int64)
    categories[np.array(order)] = np.arange(n) * blocks // n
    rng = np.random.default_rng(7)
    noisy = rng.random(n) < 0.2
    categories[noisy] = rng.integers(0, blocks, int(noisy.sum()))
    return categories


def load(name: str) -> Case:
    """An example network of the official package, a shared network or the planted graph."""
    if name in EXAMPLES:
        import infomap

        path = Path(infomap.__file__).parent / "datasets" / "data" / f"{name}.net"
        network = read_network(path, directed=True if name.endswith("wd") else None)
        return Case(name, network.source.astype(np.int64), network.target.astype(np.int64),
                    network.weight.astype(float), network.num_nodes, network.directed)
    if name == "planted-5000":
        edges, _ = planted_partition(5000, 25, 14.6, 0.3, seed=1)
        return Case(name, edges[:, 0], edges[:, 1], np.ones(len(edges)), 5000, False)
    graph = build(GraphSpec(name, "real", {"name": name}))
    edges = graph.edges
    weight = edges[:, 2].astype(float) if edges.shape[1] > 2 else np.ones(len(edges))
    truth = graph.truth if name in ("karate", "football") else None
    return Case(name, edges[:, 0].astype(np.int64), edges[:, 1].astype(np.int64), weight,
                graph.num_nodes, False, truth)


def official(case: Case, options: dict, two_level: bool, trials: int, seed: int):
    """Run the official Infomap; return ``(codelength, top modules, levels, paths)``."""
    import infomap

    options = dict(options)
    meta = "meta_data_rate" in options
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        im = infomap.Infomap(silent=True, two_level=two_level, directed=case.directed,
                             num_trials=trials, seed=seed, **options)
        for i in range(case.num_nodes):
            im.add_node(i)
        for u, v, w in zip(case.source.tolist(), case.target.tolist(), case.weight.tolist()):
            im.add_link(u, v, w)
        if meta:
            im.set_meta_data({i: int(c) for i, c in enumerate(case.categories)})
        im.run()
        paths = {node.node_id: tuple(node.path) for node in im.tree if node.is_leaf}
        return (im.codelength, im.num_top_modules, im.num_levels,
                [paths[i] for i in range(case.num_nodes)])


def _our_result(case: Case, options: dict, two_level: bool, trials: int, seed: int):
    """Run infomap-py; return its result."""
    options = dict(options)
    if "meta_data_rate" in options:
        options["meta_data"] = case.categories
    return infomap_py.cluster(case.network(), trials=trials, seed=seed, two_level=two_level,
                              directed=case.directed, **options)


def ours(case: Case, options: dict, two_level: bool, trials: int, seed: int):
    """Run infomap-py; return ``(codelength, top modules, levels)``."""
    result = _our_result(case, options, two_level, trials, seed)
    return float(result.codelength), result.num_top_modules, result.num_levels


def score(case: Case, options: dict, paths: list, two_level: bool) -> float:
    """infomap-py's codelength of the official's partition (two-level) or tree."""
    options = {k: v for k, v in options.items() if k not in SEARCH_ONLY}
    if "meta_data_rate" in options:
        options["meta_data"] = case.categories
    partition = np.array([p[0] for p in paths]) if two_level else paths
    return float(infomap_py.codelength(case.network(), partition, directed=case.directed,
                                       **options))


def resolve(case: Case, options: dict, trials: int, seed: int) -> dict:
    """Fill in the natural number of modules + 2 where an option asks for it."""
    if options.get("preferred_number_of_modules") != "natural+2":
        return options
    if case.natural is None:
        case.natural = official(case, {}, True, trials, seed)[1]
    return dict(options, preferred_number_of_modules=case.natural + 2)


def compare(cases: list[Case], option_names: list[str], trials: int, seed: int,
            tolerance: float, log=print) -> list[dict]:
    """One row per network, option and search; print each as it comes."""
    rows = []
    log(f"{'network':14s} {'option':18s} {'search':6s} {'L ours':>11s} {'L official':>11s} "
        f"{'rel diff':>10s}   {'modules':>9s} {'levels':>7s} {'Δscore':>9s}")
    for case in cases:
        for option in option_names:
            template, searches = OPTIONS[option]
            options = resolve(case, template, trials, seed)
            for search in searches:
                two_level = search == "two"
                mine = ours(case, options, two_level, trials, seed)
                theirs = official(case, options, two_level, trials, seed)
                scored = score(case, options, theirs[3], two_level)
                relative = mine[0] / theirs[0] - 1 if theirs[0] else mine[0] - theirs[0]
                row = dict(network=case.name, option=option, search=search,
                           options={k: v for k, v in options.items()},
                           ours=mine[0], official=theirs[0], relative=relative,
                           modules=(mine[1], theirs[1]), levels=(mine[2], theirs[2]),
                           delta_score=scored - theirs[0])
                rows.append(row)
                mark = "*" if relative > tolerance else " "
                bad = "!" if abs(row["delta_score"]) > 1e-9 else " "
                log(f"{case.name:14s} {option:18s} {search:6s} {mine[0]:11.6f} "
                    f"{theirs[0]:11.6f} {relative:+10.2e} {mark} {mine[1]:4d}/{theirs[1]:<4d} "
                    f"{mine[2]:3d}/{theirs[2]:<3d} {row['delta_score']:+9.1e}{bad}")
    return rows


def summary(rows: list[dict], tolerance: float, log=print) -> None:
    """Per option and search: worst relative difference, rows over the
    tolerance, and the largest |Δscore|."""
    log(f"\n{'option':18s} {'search':6s} {'rows':>4s} {'max rel diff':>12s} "
        f"{'> tol':>5s} {'min rel diff':>12s} {'max |Δscore|':>12s}")
    for option in OPTIONS:
        for search in ("two", "multi"):
            picked = [r for r in rows if r["option"] == option and r["search"] == search]
            if not picked:
                continue
            rel = [r["relative"] for r in picked]
            log(f"{option:18s} {search:6s} {len(picked):4d} {max(rel):+12.2e} "
                f"{sum(x > tolerance for x in rel):5d} {min(rel):+12.2e} "
                f"{max(abs(r['delta_score']) for r in picked):12.1e}")


def retry(rows: list[dict], cases: list[Case], trials: int, seeds: int, seed: int,
          tolerance: float, log=print) -> list[dict]:
    """Search again where a row shows a search gap (ours > official +
    ``tolerance``, with |Δscore| <= 1e-9): both tools with ``trials`` trials,
    over ``seeds`` seeds (``seed``, ``seed + 1``, ...); compare the best and
    the mean codelength of each.  One search of a few trials misses an
    optimum that each trial finds only now and then, for either tool; this
    tells such chance from a search that cannot reach the optimum."""
    by_name = {case.name: case for case in cases}
    gaps = [r for r in rows if r["relative"] > tolerance and abs(r["delta_score"]) <= 1e-9]
    if not gaps:
        log("no search gaps to retry")
        return []
    log(f"{'network':14s} {'option':18s} {'search':6s} {'best ours':>11s} {'best off.':>11s} "
        f"{'rel diff':>10s}   {'mean ours':>11s} {'mean off.':>11s} {'rel diff':>10s}")
    retried = []
    for row in gaps:
        case, two_level = by_name[row["network"]], row["search"] == "two"
        mine = [ours(case, row["options"], two_level, trials, seed + k)[0] for k in range(seeds)]
        theirs = [official(case, row["options"], two_level, trials, seed + k)[0]
                  for k in range(seeds)]
        best = min(mine) / min(theirs) - 1
        mean = float(np.mean(mine)) / float(np.mean(theirs)) - 1
        # The standard error of the relative difference of the means.
        error = (float(np.sqrt((np.var(mine) + np.var(theirs)) / seeds)) / float(np.mean(theirs))
                 if seeds > 1 else 0.0)
        retried.append(dict(row, retry_best=best, retry_mean=mean, retry_mean_error=error))
        log(f"{row['network']:14s} {row['option']:18s} {row['search']:6s} {min(mine):11.6f} "
            f"{min(theirs):11.6f} {best:+10.2e} {'*' if best > tolerance else ' '} "
            f"{np.mean(mine):11.6f} {np.mean(theirs):11.6f} {mean:+10.2e} "
            f"{'*' if mean > tolerance else ' '}"
            + (f" ± {error:.1e}" if seeds > 1 else ""))
    return retried


def trial_codelengths(case: Case, options: dict, two_level: bool, trials: int, seed: int
                      ) -> tuple[np.ndarray, np.ndarray]:
    """The codelength of each of ``trials`` one-trial searches, ours (the
    trials of one run) and the official's (one run per seed ``seed``,
    ``seed + 1``, ...)."""
    mine = _our_result(case, options, two_level, trials, seed).trial_codelengths
    theirs = [official(case, options, two_level, 1, seed + k)[0] for k in range(trials)]
    return np.asarray(mine, dtype=float), np.asarray(theirs, dtype=float)


def rates(rows: list[dict], cases: list[Case], trials: int, seed: int, log=print) -> list[dict]:
    """Where a retried row still shows a gap, count how often a single trial
    of each tool finds the best codelength either found (to 1e-9 relative)
    over ``trials`` one-trial searches each, with each tool's mean: an optimum
    that one tool reaches rarely and the other never is a search that cannot
    reach it; one both reach at different rates is chance."""
    by_name = {case.name: case for case in cases}
    log(f"{'network':14s} {'option':18s} {'search':6s} {'best':>11s} {'ours':>7s} "
        f"{'official':>8s}   {'mean ours':>11s} {'mean off.':>11s}")
    counted = []
    for row in rows:
        case, two_level = by_name[row["network"]], row["search"] == "two"
        mine, theirs = trial_codelengths(case, row["options"], two_level, trials, seed)
        best = min(mine.min(), theirs.min())
        ours_rate = float(np.mean(mine <= best * (1 + 1e-9)))
        official_rate = float(np.mean(theirs <= best * (1 + 1e-9)))
        counted.append(dict(row, best=best, ours_rate=ours_rate, official_rate=official_rate,
                            mean_ours=float(mine.mean()), mean_official=float(theirs.mean())))
        log(f"{row['network']:14s} {row['option']:18s} {row['search']:6s} {best:11.6f} "
            f"{ours_rate:7.2%} {official_rate:8.2%}   {mine.mean():11.6f} {theirs.mean():11.6f}")
    return counted


def main(argv: list[str] | None = None) -> None:
    """Print the two tables (small networks, then large ones) and their summaries."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=20, help="trials on the small networks")
    parser.add_argument("--seed", type=int, default=123)
    parser.add_argument("--small", default=",".join(EXAMPLES + SHARED))
    parser.add_argument("--large", default=",".join(LARGE), help="'' for none")
    parser.add_argument("--options", default=",".join(OPTIONS))
    parser.add_argument("--retry-trials", type=int, default=200,
                        help="trials of each tool where a small network shows a search gap "
                             "(0: no retry)")
    parser.add_argument("--retry-seeds", type=int, default=24,
                        help="one-trial searches (seeds) of each tool where a large network "
                             "shows a search gap (0: no retry)")
    parser.add_argument("--rate-trials", type=int, default=1000,
                        help="one-trial searches of each tool that count how often each "
                             "finds the best codelength, where a small network's gap stays "
                             "after the retry (0: none)")
    args = parser.parse_args(argv)
    option_names = [o for o in args.options.split(",") if o]
    unknown = [o for o in option_names if o not in OPTIONS]
    if unknown:
        parser.error(f"unknown option {unknown[0]!r} (choose from {', '.join(OPTIONS)})")
    import infomap

    print(f"infomap-py vs official Infomap {infomap.__version__}; {platform.machine()}, "
          f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}; seed {args.seed}")
    started = time.time()
    small = [load(name) for name in args.small.split(",") if name]
    if small:
        print(f"\nSmall networks, {args.trials} trials; * ours > official + 1e-6 relative; "
              "! |Δscore| > 1e-9")
        rows = compare(small, option_names, args.trials, args.seed, 1e-6)
        summary(rows, 1e-6)
        if args.retry_trials:
            print(f"\nSearch gaps searched again: {args.retry_trials} trials, each tool")
            retried = retry(rows, small, args.retry_trials, 1, args.seed, 1e-6)
            stayed = [r for r in retried if r["retry_best"] > 1e-6]
            if stayed and args.rate_trials:
                print(f"\nHow often one trial finds the best codelength: {args.rate_trials} "
                      "one-trial searches, each tool")
                rates(stayed, small, args.rate_trials, args.seed)
    large = [load(name) for name in args.large.split(",") if name]
    if large:
        print("\nLarge networks, 1 trial; * ours > official + 0.1 %; ! |Δscore| > 1e-9")
        rows = compare(large, option_names, 1, args.seed, 1e-3)
        summary(rows, 1e-3)
        if args.retry_seeds:
            print(f"\nSearch gaps searched again: 1 trial, {args.retry_seeds} seeds, each tool")
            retry(rows, large, 1, args.retry_seeds, args.seed, 1e-3)
    print(f"\n{(time.time() - started) / 60:.1f} min")


if __name__ == "__main__":
    main()
