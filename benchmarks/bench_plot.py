"""Time every picture of :mod:`infomap_py.plot` on planted graphs of growing size.

Each function draws on a fresh Agg figure, which is then rendered to PNG
in memory; the table gives seconds to draw and to render.

    python -m benchmarks.bench_plot [--nodes 1000 5000 10000] [--seed 1]
"""

from __future__ import annotations

import argparse
import io
import time

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import infomap_py  # noqa: E402
from benchmarks.generators import planted_partition  # noqa: E402
from infomap_py import plot  # noqa: E402


def timed(draw) -> tuple[float, float]:
    """Seconds to draw and seconds to render to PNG."""
    start = time.perf_counter()
    ax = draw()
    drawn = time.perf_counter()
    ax.figure.savefig(io.BytesIO(), format="png", dpi=100)
    rendered = time.perf_counter()
    plt.close(ax.figure)
    return drawn - start, rendered - drawn


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, nargs="+", default=[1000, 5000, 10000])
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    print(f"{'nodes':>6} {'links':>7} {'modules':>7}  {'picture':<12} {'draw s':>7} "
          f"{'render s':>8}")
    for n in args.nodes:
        edges, truth = planted_partition(n, max(n // 100, 2), 12, 0.2, seed=args.seed)
        result = infomap_py.cluster(edges, seed=args.seed)
        pictures = {
            "network": lambda: plot.network(edges, result),
            "module_map": lambda: plot.module_map(result),
            "alluvial": lambda: plot.alluvial(np.asarray(truth), result),
            "tree": lambda: plot.tree(result),
            "sunburst": lambda: plot.tree(result, style="sunburst"),
            "codelength": lambda: plot.codelength(result),
        }
        for name, draw in pictures.items():
            draw_s, render_s = timed(draw)
            print(f"{n:>6} {len(edges):>7} {result.num_modules:>7}  {name:<12} {draw_s:>7.2f} "
                  f"{render_s:>8.2f}")


if __name__ == "__main__":
    main()
