"""The regularized map equation on sparse planted-partition graphs.

Sparse samples of a modular network (planted partition, ``--groups`` groups,
few links per node: most of the links of the modules are missing) make the
plain map equation over-partition: it finds many small modules in the
noise.  The Bayesian prior of ``--regularized`` (Smiljanić et al.) keeps it
from fitting the missing links.  For every mean degree, each of
``--graphs`` seeded graphs is clustered two-level (``--trials`` trials) by
infomap-py and by the official Infomap, plain and regularized; the table
gives the mean NMI against the planted groups and the mean number of
modules.

    python -m benchmarks.regularized [--nodes 400] [--groups 8] [--mixing 0.1]
                                     [--degrees 2,3,4,6,8] [--graphs 3] [--trials 5]
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np

import infomap_py
from benchmarks.generators import planted_partition


def _official(edges: np.ndarray, n: int, regularized: bool, trials: int, seed: int) -> np.ndarray:
    """The official Infomap's two-level top modules, one label per node."""
    import infomap

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        im = infomap.Infomap(silent=True, two_level=True, num_trials=trials, seed=seed,
                             regularized=regularized)
        for i in range(n):
            im.add_node(i)
        for u, v in edges.tolist():
            im.add_link(u, v)
        im.run()
        labels = np.zeros(n, dtype=np.int64)
        for node in im.tree:
            if node.is_leaf:
                labels[node.node_id] = node.path[0]
    return labels


def _ours(edges: np.ndarray, n: int, regularized: bool, trials: int, seed: int) -> np.ndarray:
    network = infomap_py.Network(edges[:, 0], edges[:, 1], np.ones(len(edges)), n, False,
                                 range(n))
    return infomap_py.cluster(network, trials=trials, seed=seed, two_level=True,
                              regularized=regularized).labels


def main(argv: list[str] | None = None) -> None:
    """Print NMI and module counts, plain and regularized, ours and the official's."""
    from sklearn.metrics import normalized_mutual_info_score as nmi

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=400)
    parser.add_argument("--groups", type=int, default=8)
    parser.add_argument("--mixing", type=float, default=0.1)
    parser.add_argument("--degrees", default="2,3,4,6,8")
    parser.add_argument("--graphs", type=int, default=3)
    parser.add_argument("--trials", type=int, default=5)
    args = parser.parse_args(argv)
    degrees = [float(d) for d in args.degrees.split(",")]
    runs = {"plain ours": (_ours, False), "plain official": (_official, False),
            "reg. ours": (_ours, True), "reg. official": (_official, True)}
    print(f"planted partition: {args.nodes} nodes, {args.groups} groups, mixing "
          f"{args.mixing}; two-level, {args.trials} trials; mean of {args.graphs} graphs")
    print("mean degree | " + " | ".join(f"{name:>14s} NMI (modules)" for name in runs))
    for degree in degrees:
        scores = {name: [] for name in runs}
        counts = {name: [] for name in runs}
        for graph in range(args.graphs):
            edges, groups = planted_partition(args.nodes, args.groups, degree, args.mixing,
                                              seed=graph + 1)
            for name, (run, regularized) in runs.items():
                labels = run(edges, args.nodes, regularized, args.trials, graph + 1)
                scores[name].append(nmi(groups, labels))
                counts[name].append(len(np.unique(labels)))
        print(f"{degree:11g} | " + " | ".join(
            f"{np.mean(scores[name]):>18.3f} ({np.mean(counts[name]):5.1f})" for name in runs))


if __name__ == "__main__":
    main()
