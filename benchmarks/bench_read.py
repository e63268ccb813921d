"""Time read_network on a weighted link list of ~7 million links, plain and gzipped.

The network is a planted-partition graph (one node per 7 links, mean degree
14) written as ``source target weight`` lines into a temporary folder.  The
Numba parser is compiled (or loaded from its cache) on a small file first,
so the timings are of reading alone: file to Network, ids mapped to node
indices and weights checked.

    python -m benchmarks.bench_read [--edges 7000000] [--repeat 3] [--seed 1]
"""

from __future__ import annotations

import argparse
import gzip
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.generators import planted_partition
from infomap_py.io import read_network


def write_link_list(path: Path, edges: np.ndarray, weights: np.ndarray) -> None:
    """Write ``source target weight`` lines, in chunks."""
    step = 500_000
    with open(path, "w") as handle:
        handle.write("# source target weight\n")
        for start in range(0, len(edges), step):
            rows = zip(edges[start:start + step, 0].tolist(),
                       edges[start:start + step, 1].tolist(),
                       weights[start:start + step].tolist(), strict=True)
            handle.write("".join([f"{u} {v} {w}\n" for u, v, w in rows]))


def time_read(path: Path, repeat: int) -> tuple[float, float, object]:
    """Return ``(best, median, network)`` of ``repeat`` reads."""
    seconds = []
    network = None
    for _ in range(repeat):
        start = time.perf_counter()
        network = read_network(path)
        seconds.append(time.perf_counter() - start)
    return min(seconds), float(np.median(seconds)), network


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edges", type=int, default=7_000_000,
                        help="about this many links (default 7,000,000)")
    parser.add_argument("--repeat", type=int, default=3, help="reads per file (default 3)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    num_nodes = max(args.edges // 7, 10)
    edges, _ = planted_partition(num_nodes, max(num_nodes // 1000, 1), 14.0, 0.3, args.seed)
    weights = np.round(np.random.default_rng(args.seed).uniform(0.1, 10.0, len(edges)), 3)

    with tempfile.TemporaryDirectory() as tmp:
        small = Path(tmp, "small.txt")
        write_link_list(small, edges[:100], weights[:100])
        start = time.perf_counter()
        read_network(small)
        print(f"warm-up (Numba compile or cache load): {time.perf_counter() - start:.2f} s")

        plain = Path(tmp, "network.txt")
        start = time.perf_counter()
        write_link_list(plain, edges, weights)
        zipped = Path(tmp, "network.txt.gz")
        zipped.write_bytes(gzip.compress(plain.read_bytes(), compresslevel=1))
        print(f"wrote {len(edges):,} links on {num_nodes:,} nodes "
              f"({plain.stat().st_size / 1e6:.0f} MB, gzipped {zipped.stat().st_size / 1e6:.0f} MB)"
              f" in {time.perf_counter() - start:.1f} s")

        print(f"{'file':10s} {'best s':>8s} {'median s':>9s} {'links/s':>12s} {'MB/s':>7s}")
        for label, path in (("plain", plain), ("gzip", zipped)):
            best, median, network = time_read(path, args.repeat)
            assert network.num_links == len(edges)
            print(f"{label:10s} {best:8.2f} {median:9.2f} {len(edges) / best:12,.0f} "
                  f"{plain.stat().st_size / 1e6 / best:7.0f}")


if __name__ == "__main__":
    main()
