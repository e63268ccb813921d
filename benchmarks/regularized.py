"""The regularized map equation on planted-partition graphs with missing links.

A dense planted partition (``--nodes`` nodes in ``--groups`` groups, mean
degree ``--dense-degree``, ``--mixing``: the chance that a link stub goes to
a random node of the whole network) is observed incompletely, so that the
observed mean degree is each of ``--degrees``: through a random fraction of
its links (``fraction``), or through link observations drawn with
replacement, a link's weight counting its observations (``weighted``).
Sparse observations make the plain map equation over-partition: it finds
many small modules among the missing links.  The Bayesian prior of
``--regularized`` (Smiljanić et al., Phys. Rev. E 104, 014302, 2021) keeps
it from fitting them; where the sample is too sparse for the prior to trust
any module, it returns one module.  For every sampling, group count and
observed mean degree, ``--graphs`` seeded samples are clustered two-level
(``--trials`` trials) by infomap-py and by the official Infomap, plain and
regularized: mean NMI and AMI against the planted groups, and the mean
number of modules.

    python -m benchmarks.regularized [--nodes 1000] [--groups 10,20] [--mixing 0.1]
        [--dense-degree 60] [--degrees 3,4,5,5.5,6,7,8,10,15] [--graphs 5]
        [--trials 5] [--samplings fraction,weighted]
        [--plot benchmarks/figures/regularized.png] [--out DIR]

Also ``python -m benchmarks run --suite regularized`` (results.json, report.md
and regularized.png in ``benchmarks/results/regularized``).
"""

from __future__ import annotations

import argparse
import itertools
import json
import time
import warnings
from pathlib import Path

import numpy as np

import infomap_py
from benchmarks.generators import observed_links, planted_partition

#: The four searches of every sample: (tool, regularized).
RUNS = {"plain ours": ("ours", False), "plain official": ("official", False),
        "reg. ours": ("ours", True), "reg. official": ("official", True)}

FIGURE = Path(__file__).parent / "figures" / "regularized.png"


def _official(edges: np.ndarray, n: int, regularized: bool, trials: int, seed: int) -> np.ndarray:
    """The official Infomap's two-level top modules, one label per node."""
    import infomap

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        im = infomap.Infomap(silent=True, two_level=True, num_trials=trials, seed=seed,
                             regularized=regularized)
        for i in range(n):
            im.add_node(i)
        weights = edges[:, 2] if edges.shape[1] > 2 else np.ones(len(edges))
        for (u, v), w in zip(edges[:, :2].astype(np.int64).tolist(), weights.tolist()):
            im.add_link(u, v, w)
        im.run()
        labels = np.zeros(n, dtype=np.int64)
        for node in im.tree:
            if node.is_leaf:
                labels[node.node_id] = node.path[0]
    return labels


def _ours(edges: np.ndarray, n: int, regularized: bool, trials: int, seed: int) -> np.ndarray:
    weights = edges[:, 2].astype(float) if edges.shape[1] > 2 else np.ones(len(edges))
    network = infomap_py.Network(edges[:, 0].astype(np.int64), edges[:, 1].astype(np.int64),
                                 weights, n, False, range(n))
    return infomap_py.cluster(network, trials=trials, seed=seed, two_level=True,
                              regularized=regularized).labels


def run_regularized(out_dir: Path | None = None, nodes: int = 1000,
                    groups: tuple[int, ...] = (10, 20), mixing: float = 0.1,
                    dense_degree: float = 60.0,
                    degrees: tuple[float, ...] = (3, 4, 5, 5.5, 6, 7, 8, 10, 15),
                    graphs: int = 5, trials: int = 5, seed: int = 1,
                    samplings: tuple[str, ...] = ("fraction", "weighted"),
                    plot: Path | None = FIGURE, log=print) -> dict:
    """Cluster every sample four ways; print a table row per point; write
    ``results.json`` and ``report.md`` into ``out_dir`` (if given) and the
    plot to ``plot`` (if given); return the results."""
    from sklearn.metrics import adjusted_mutual_info_score as ami
    from sklearn.metrics import normalized_mutual_info_score as nmi

    from benchmarks.suite import machine

    started = time.time()
    results = {"suite": "regularized", "machine": machine(), "nodes": nodes, "mixing": mixing,
               "dense_degree": dense_degree, "graphs": graphs, "trials": trials, "seed": seed,
               "points": []}
    log(header(results))
    log(f"{'links':8s} {'groups':>6s} {'degree':>6s} | "
        + " | ".join(f"{name:>25s}" for name in RUNS))
    log(f"{'':8s} {'':6s} {'':6s} | " + " | ".join(f"{'NMI   AMI   modules':>25s}" for _ in RUNS))
    for sampling, num_groups, degree in itertools.product(samplings, groups, degrees):
        point = {"sampling": sampling, "groups": num_groups, "degree": degree,
                 **{name: {"nmi": [], "ami": [], "modules": []} for name in RUNS}}
        for graph in range(graphs):
            graph_seed = seed + graph
            dense, truth = planted_partition(nodes, num_groups, dense_degree, mixing,
                                             seed=graph_seed)
            edges = observed_links(dense, nodes, degree, weighted=sampling == "weighted",
                                   seed=graph_seed + 1000)
            for name, (tool, regularized) in RUNS.items():
                run = _ours if tool == "ours" else _official
                labels = run(edges, nodes, regularized, trials, graph_seed)
                point[name]["nmi"].append(float(nmi(truth, labels)))
                point[name]["ami"].append(float(ami(truth, labels)))
                point[name]["modules"].append(int(np.unique(labels).size))
        results["points"].append(point)
        log(f"{sampling:8s} {num_groups:6d} {degree:6g} | " + " | ".join(
            f"{np.mean(point[name]['nmi']):5.3f} {np.mean(point[name]['ami']):5.3f} "
            f"{np.mean(point[name]['modules']):7.1f}{'':6s}" for name in RUNS))
    results["seconds"] = time.time() - started
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "results.json").write_text(json.dumps(results, indent=1))
        write_report(results, out_dir)
    if plot is not None:
        write_plot(results, plot)
    return results


def header(results: dict) -> str:
    return (f"planted partition: {results['nodes']} nodes, mixing {results['mixing']}, dense "
            f"mean degree {results['dense_degree']:g}, observed through a random fraction of "
            "its links (fraction) or through link observations drawn with replacement, a "
            "link's weight counting them (weighted); two-level, "
            f"{results['trials']} trials; mean of {results['graphs']} samples per point")


def write_report(results: dict, out_dir: Path) -> Path:
    """A markdown table: mean NMI, AMI and modules of the four searches per point."""
    lines = ["# The regularized map equation with missing links", "", header(results) + ".", "",
             "| links | groups | observed mean degree | " + " | ".join(RUNS) + " |",
             "|---|---:|---:|" + "---:|" * len(RUNS)]
    for point in results["points"]:
        lines.append(f"| {point['sampling']} | {point['groups']} | {point['degree']:g} | "
                     + " | ".join(
            f"NMI {np.mean(point[name]['nmi']):.3f}, AMI {np.mean(point[name]['ami']):.3f}, "
            f"{np.mean(point[name]['modules']):.1f} modules" for name in RUNS) + " |")
    machine = results["machine"]
    lines += ["", f"{machine.get('processor', '')}, {machine.get('cpus')} CPUs; infomap "
              f"{machine.get('infomap', '?')}; {results['seconds'] / 60:.1f} min."]
    path = out_dir / "report.md"
    path.write_text("\n".join(lines) + "\n")
    return path


def write_plot(results: dict, path: Path) -> Path:
    """AMI and the number of modules against the observed mean degree, one
    column per sampling and group count; plain and regularized, ours (lines)
    and the official's (markers)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    columns = list(dict.fromkeys((p["sampling"], p["groups"]) for p in results["points"]))
    fig, axes = plt.subplots(2, len(columns), figsize=(3.4 * len(columns), 6.0), squeeze=False,
                             sharex=True)
    styles = {"plain ours": ("C0", "-", None), "plain official": ("C0", "none", "o"),
              "reg. ours": ("C3", "-", None), "reg. official": ("C3", "none", "s")}
    for column, (sampling, num_groups) in enumerate(columns):
        points = [p for p in results["points"]
                  if (p["sampling"], p["groups"]) == (sampling, num_groups)]
        x = [p["degree"] for p in points]
        for name, (color, line, marker) in styles.items():
            for row, key in enumerate(("ami", "modules")):
                axes[row, column].plot(x, [np.mean(p[name][key]) for p in points], color=color,
                                       linestyle=line, marker=marker, fillstyle="none",
                                       label=name)
        axes[1, column].axhline(num_groups, color="grey", linestyle=":", label="planted")
        axes[1, column].set_yscale("log")
        axes[0, column].set_title(f"{num_groups} groups, {sampling}", fontsize=10)
        axes[1, column].set_xlabel("observed mean degree")
    axes[0, 0].set_ylabel("AMI to the planted groups")
    axes[1, 0].set_ylabel("modules")
    axes[1, 0].legend(fontsize=8)
    fig.suptitle(f"Missing links: plain vs regularized map equation ({results['nodes']} nodes, "
                 f"mixing {results['mixing']})", fontsize=10)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _floats(text: str) -> tuple[float, ...]:
    return tuple(float(x) for x in text.split(","))


def main(argv: list[str] | None = None) -> None:
    """Print NMI, AMI and module counts, plain and regularized, ours and the official's."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=1000)
    parser.add_argument("--groups", default="10,20")
    parser.add_argument("--mixing", type=float, default=0.1)
    parser.add_argument("--dense-degree", type=float, default=60.0)
    parser.add_argument("--degrees", default="3,4,5,5.5,6,7,8,10,15")
    parser.add_argument("--graphs", type=int, default=5)
    parser.add_argument("--trials", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--samplings", default="fraction,weighted",
                        help="fraction (a random fraction of the links), weighted (link "
                             "observations with replacement) or both")
    parser.add_argument("--plot", type=Path, default=FIGURE, help="'' for none")
    parser.add_argument("--out", type=Path, help="also write results.json and report.md here")
    args = parser.parse_args(argv)
    run_regularized(args.out, nodes=args.nodes,
                    groups=tuple(int(g) for g in args.groups.split(",")),
                    mixing=args.mixing, dense_degree=args.dense_degree,
                    degrees=_floats(args.degrees), graphs=args.graphs, trials=args.trials,
                    seed=args.seed, samplings=tuple(args.samplings.split(",")),
                    plot=args.plot if str(args.plot) not in ("", ".") else None)


if __name__ == "__main__":
    main()
