"""Where the time of a higher-order run goes, phase by phase, in infomap-py
and in the official Infomap.

    python -m benchmarks.profile_higher_order FILE [-d] [--official]

infomap-py (in this process, kernels loaded first on a small example):
reading the file, expanding a multilayer network into states, the flow,
the search (each phase as the engine reports it), and writing ``NAME.tree``
and ``NAME_states.tree``; with the peak resident memory after each step.
With ``--official``, the official command line runs on the same file with
``--timing-json`` and its phases are printed beside its wall time and peak
memory.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.worker import vm_hwm_bytes


class _Clock:
    """Prints the seconds of each step and the peak memory so far."""

    def __init__(self) -> None:
        self.last = time.perf_counter()
        self.rows: list[tuple[str, float, int]] = []

    def step(self, name: str) -> None:
        now = time.perf_counter()
        self.rows.append((name, now - self.last, vm_hwm_bytes()))
        print(f"  {name:40s} {now - self.last:8.2f} s   peak {vm_hwm_bytes() / 2**20:7.0f} MiB",
              flush=True)
        self.last = now


def profile_ours(path: str, directed: bool) -> list[tuple[str, float, int]]:
    """Time every phase of an infomap-py run on ``path``."""
    import infomap_py
    from infomap_py.io import write_tree
    from infomap_py.multilayer import MultilayerNetwork

    from benchmarks.higher_order import example_folder

    for name in ("states", "multilayer_intra"):  # load (or compile) the kernels
        infomap_py.cluster(infomap_py.read_network(example_folder() / f"{name}.net"), trials=1)
    print(f"infomap-py on {path}")
    clock = _Clock()
    network = infomap_py.read_network(path, directed=True if directed else None)
    clock.step("read_network")
    flow_model = "directed" if directed else "undirected"
    if isinstance(network, MultilayerNetwork):
        network = network.to_state_network()
        flow_model = "directed" if network.directed else flow_model
        clock.step("to_state_network (relax 0.15)")
    print(f"  ({network!r})")
    infomap_py.compute_flow(network, flow_model=flow_model)
    clock.step(f"compute_flow ({flow_model}), alone")

    def progress(trial: int, phase: str, num_modules: int, length: float) -> None:
        clock.step(f"search: {phase} ({num_modules} modules)")

    clock.last = time.perf_counter()
    result = infomap_py.cluster(network, trials=1, seed=123, flow_model=flow_model,
                                progress=progress)
    clock.step("cluster: after the last phase")
    with tempfile.TemporaryDirectory() as tmp:
        write_tree(result, Path(tmp) / "net.tree")
        clock.step("write NAME.tree (physical)")
        write_tree(result, Path(tmp) / "net_states.tree", states=True)
        clock.step("write NAME_states.tree")
    print(f"  codelength {result.codelength:.9f}, {result.num_modules} top modules")
    return clock.rows


def profile_official(path: str, directed: bool) -> dict:
    """The official command line's own phase times, wall time and peak memory."""
    from benchmarks.higher_order import cli_command, timed_process

    with tempfile.TemporaryDirectory() as tmp:
        timing = Path(tmp) / "timing.json"
        command = cli_command("infomap", Path(path), Path(tmp)) + ["--timing-json", str(timing)]
        command += ["-d"] * directed
        record = timed_process(command, 3600)
        phases = json.loads(timing.read_text())["timing"] if timing.exists() else {}
    print(f"official on {path}: {record.get('seconds', 0):.2f} s wall, peak "
          f"{record.get('peak_bytes', 0) / 2**20:.0f} MiB")
    for name, seconds in phases.items():
        print(f"  {name:40s} {seconds:8.2f} s")
    return {**record, "phases": phases}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file")
    parser.add_argument("-d", "--directed", action="store_true")
    parser.add_argument("--official", action="store_true",
                        help="also run the official command line with --timing-json")
    args = parser.parse_args(argv)
    profile_ours(args.file, args.directed)
    if args.official:
        profile_official(args.file, args.directed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
