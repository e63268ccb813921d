"""The two command-line tools side by side: the same link-list file in, a .tree file out.

Each run is a fresh process, as a shell user meets it: interpreter or binary
start, imports and (for infomap-py) the Numba cache load, reading the file,
the search and writing the tree.  The Numba cache is warmed by one untimed
run first.  Runs alternate between the tools; the table gives the median
and the range of ``--repeats`` runs and the median ratio.

    python -m benchmarks.bench_cli [--nodes 100000] [--groups 500] [--degree 14]
                                   [--mixing 0.3] [--repeats 5] [--two-level]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.generators import planted_partition


def codelength_of(tree: Path) -> float:
    """The codelength from a .tree file's header."""
    for line in tree.read_text().splitlines():
        if line.startswith("# codelength"):
            return float(line.split()[2])
    raise ValueError(f"{tree} has no codelength line")


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--groups", type=int, default=500)
    parser.add_argument("--degree", type=float, default=14.0)
    parser.add_argument("--mixing", type=float, default=0.3)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--two-level", action="store_true", help="pass -2 to both tools")
    args = parser.parse_args(argv)
    official = shutil.which("infomap")
    if official is None:
        sys.exit("bench_cli: the official 'infomap' command is not on PATH "
                 "(pip install infomap==2.16.0)")
    edges, _ = planted_partition(args.nodes, args.groups, args.degree, args.mixing, 1)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        network = folder / "net.txt"
        np.savetxt(network, edges, fmt="%d")
        flags = ["-2"] if args.two_level else []
        commands = {
            "infomap-py": [sys.executable, "-c", "from infomap_py.cli import main_entry; "
                           "main_entry()", str(network), str(folder / "ours"), "-o", "tree",
                           "--silent", *flags],
            "official": [official, str(network), str(folder / "theirs"), "-o", "tree",
                         "--silent", *flags],
        }
        print(f"planted partition: {args.nodes} nodes, {len(edges)} links in "
              f"{network.stat().st_size / 2**20:.1f} MiB; flags: {' '.join(flags) or '(none)'}")
        timed(commands["infomap-py"])  # warm the Numba cache
        seconds: dict[str, list[float]] = {tool: [] for tool in commands}
        for _ in range(args.repeats):
            for tool, command in commands.items():
                seconds[tool].append(timed(command))
        print(f"{'tool':12s} {'median s':>9s} {'min':>7s} {'max':>7s} {'codelength':>12s}")
        for tool, folder_name in (("infomap-py", "ours"), ("official", "theirs")):
            runs = seconds[tool]
            length = codelength_of(folder / folder_name / "net.tree")
            print(f"{tool:12s} {np.median(runs):9.2f} {min(runs):7.2f} {max(runs):7.2f} "
                  f"{length:12.6f}")
        ratios = np.array(seconds["infomap-py"]) / np.array(seconds["official"])
        print(f"ratio infomap-py / official: median {np.median(ratios):.2f} "
              f"(range {ratios.min():.2f}-{ratios.max():.2f}, {args.repeats} pairs)")


if __name__ == "__main__":
    main()
