"""The worked example of ``neural.mapequation``: karate's soft memberships as pies.

Learns soft modules of Zachary's karate club (``networkx.karate_club_graph``,
weighted) with the GCN encoder and 6 module columns (:math:`\\lceil\\sqrt
n\\rceil`; with the default 24 the memberships end nearly one-hot), and
draws every node as a pie of its memberships above 5 %
(:func:`neural.mapequation.draw_memberships`) into
``benchmarks/figures/soft_karate.png``, printing the result and the nodes in
several modules:

    OMP_NUM_THREADS=1 python -m benchmarks.soft_karate_figure [--seed 1] [--epochs 150] \\
        [--max-modules 6]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

FIGURE = Path(__file__).resolve().parent / "figures" / "soft_karate.png"


def main(argv: list[str] | None = None) -> int:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import networkx as nx
    import torch

    from neural import mapequation

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--epochs", type=int, default=150)
    parser.add_argument("--max-modules", type=int, default=6)
    parser.add_argument("--threshold", type=float, default=0.05)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)

    G = nx.karate_club_graph()
    res = mapequation.cluster(G, encoder="gcn", max_modules=args.max_modules,
                              epochs=args.epochs, seed=args.seed)
    print(res)
    for node in np.flatnonzero((res.soft >= args.threshold).sum(axis=1) > 1).tolist():
        shares = ", ".join(f"{share:.2f}" for share in sorted(res.soft[node], reverse=True)
                           if share >= args.threshold)
        print(f"node {node}: {shares}")
    ax = mapequation.draw_memberships(G, res, threshold=args.threshold, seed=args.seed,
                                      figsize=(5.0, 4.2))
    ax.figure.savefig(FIGURE, dpi=90, bbox_inches="tight")
    plt.close(ax.figure)
    print(f"wrote {FIGURE} ({FIGURE.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
