"""Time writing and reading a state (memory) network file of ~10^6 states.

The network is the second-order network of a planted-partition graph
(:func:`benchmarks.generators.second_order_network`): one state per
directed edge, ~5 links per state.  It is written with
:func:`~infomap_py.io.write_state_network` (``*States`` and ``*Links``
lines, no names) into a temporary folder and read back with
:func:`~infomap_py.io.read_network`.

    python -m benchmarks.bench_states [--nodes 166667] [--degree 6] [--repeat 3]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from benchmarks.generators import second_order_network
from infomap_py.io import read_network, write_state_network
from infomap_py.network import StateNetwork


def build(nodes: int, degree: float, seed: int) -> StateNetwork:
    """Return the benchmark state network."""
    links, physical, _ = second_order_network(nodes, max(nodes // 100, 2), degree, 0.1,
                                              seed=seed)
    return StateNetwork.from_links(links, physical, directed=True)


def best_of(repeat: int, call) -> tuple[float, object]:
    """Return ``(best seconds, last value)`` of ``repeat`` calls."""
    seconds, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = call()
        seconds.append(time.perf_counter() - start)
    return min(seconds), value


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=166_667)
    parser.add_argument("--degree", type=float, default=6.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    net = build(args.nodes, args.degree, args.seed)
    print(f"{net!r}")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "states.net")
        write_s, _ = best_of(args.repeat, lambda: write_state_network(net, path))
        size = path.stat().st_size / 1e6
        read_network(path)  # warm the caches and any compiled parser
        read_s, back = best_of(args.repeat, lambda: read_network(path))
    assert back.num_states == net.num_states and back.network.num_links == net.network.num_links
    print(f"write_state_network: {write_s:.2f} s  ({size:.0f} MB)")
    print(f"read_network:        {read_s:.2f} s")


if __name__ == "__main__":
    main()
