"""Draw the README's picture: the college football network of 2000
(Girvan & Newman), its modules, their map, and how they line up with the
twelve conferences.

    python examples/readme_figure.py [--data DIR] [--out FILE]

The network comes from the shared data folder (``../shared/data/football``
beside the project by default).  The picture is the same on every run.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import infomap_py  # noqa: E402
from infomap_py import plot  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "football"
OUT = ROOT / "examples" / "figures" / "football.png"


def read_table(path: Path) -> list[list[str]]:
    """Rows of a tab-separated file, without ``#`` comment lines."""
    with open(path, encoding="utf-8") as handle:
        return [line.rstrip("\n").split("\t") for line in handle
                if line.strip() and not line.startswith("#")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA,
                        help="folder with edges.tsv, nodes.tsv and labels.tsv")
    parser.add_argument("--out", type=Path, default=OUT, help="the picture to write")
    args = parser.parse_args(argv)
    missing = [name for name in ("edges.tsv", "nodes.tsv", "labels.tsv")
               if not (args.data / name).is_file()]
    if missing:
        print(f"readme_figure: {args.data} lacks {', '.join(missing)}; "
              "pass the football folder with --data", file=sys.stderr)
        return 2
    import networkx as nx

    names = {int(i): name for i, name in read_table(args.data / "nodes.tsv")}
    graph = nx.Graph()
    graph.add_nodes_from(names)
    graph.add_edges_from((int(u), int(v)) for u, v, *_ in read_table(args.data / "edges.tsv"))
    nx.relabel_nodes(graph, names, copy=False)
    conference = {names[int(i)]: int(c) for i, c in read_table(args.data / "labels.tsv")}

    result = infomap_py.cluster(graph, trials=20, seed=1)
    fig, axes = plt.subplots(2, 2, figsize=(13, 12))
    plot.network(graph, result, ax=axes[0, 0], labels=False, seed=2)
    axes[0, 0].set_title(f"Football 2000: {result.num_nodes} teams in "
                         f"{result.num_modules} modules", fontsize=11)
    plot.module_map(result, ax=axes[0, 1], names_per_module=2)
    axes[0, 1].set_title("The map: modules by flow, links by flow between them", fontsize=11)
    conferences = [conference[node] for node in result.nodes]
    plot.alluvial(np.array(conferences), result, nodes=result.nodes,
                  names=["conferences", "Infomap modules"], ax=axes[1, 0])
    axes[1, 0].set_title("Conferences vs modules", fontsize=11)
    plot.codelength(result, ax=axes[1, 1])
    axes[1, 1].set_title("Codelength of 20 trials, and by level", fontsize=11)
    fig.tight_layout()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(args.out, dpi=72)
    print(f"readme_figure: wrote {args.out} ({result.num_modules} modules, "
          f"codelength {result.codelength:.4f} bits)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
