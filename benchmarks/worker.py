"""Run one tool on one graph in this process and write the measures as JSON.

    python -m benchmarks.worker GRAPH.npz TOOL OUT.json [--trials 1] [--seed 1]

Run by the suite in a fresh subprocess per (tool, graph), so that the peak
memory (``VmHWM``) is this tool's.  The graph file holds ``edges`` and
``num_nodes``.  Peak memory is reported both as the process peak and as the
rise over the peak after imports and loading; the labels go to
``OUT.json.labels.npy`` for the suite to score.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import traceback

import numpy as np


def vm_hwm_bytes() -> int:
    """The peak resident memory of this process so far (Linux ``VmHWM``)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


def _import_tool(tool: str) -> None:
    """Import what a tool needs before the memory baseline is taken."""
    modules = {"infomap": ["infomap"], "igraph-infomap": ["igraph"],
               "leidenalg": ["igraph", "leidenalg"], "networkx-louvain": ["networkx"]}
    for module in modules.get(tool, []):
        __import__(module)


def measure(graph_file: str, tool: str, trials: int, seed: int, labels_file: str) -> dict:
    """Run ``tool`` on the graph; save its labels to ``labels_file`` (the
    suite scores them, so that this process loads nothing else)."""
    from benchmarks.runners import RUNNERS, warm_up_infomap_py

    data = np.load(graph_file)
    edges, num_nodes = data["edges"], int(data["num_nodes"])
    _import_tool(tool)
    record: dict = {"tool": tool}
    if tool.startswith("infomap-py"):
        record["compile_seconds"] = warm_up_infomap_py()
    baseline = vm_hwm_bytes()
    run = RUNNERS[tool](edges, num_nodes, trials, seed)
    peak = vm_hwm_bytes()
    labels = np.unique(run.labels, return_inverse=True)[1].astype(np.int64)
    np.save(labels_file, labels)
    record.update(
        build_seconds=run.build_seconds,
        run_seconds=run.run_seconds,
        total_seconds=run.build_seconds + run.run_seconds,
        peak_bytes=peak,
        tool_peak_bytes=max(0, peak - baseline),
        num_modules=int(labels.max()) + 1 if labels.size else 0,
        **run.extra,
    )
    return record


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("graph_file")
    parser.add_argument("tool")
    parser.add_argument("out")
    parser.add_argument("--trials", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        record = measure(args.graph_file, args.tool, args.trials, args.seed,
                         args.out + ".labels.npy")
    except Exception as err:  # reported in the results, not a crash of the suite
        record = {"tool": args.tool, "error": f"{type(err).__name__}: {err}",
                  "traceback": traceback.format_exc(limit=3)}
    record["process_seconds"] = time.perf_counter() - start
    with open(args.out, "w") as handle:
        json.dump(record, handle)
    return 0 if "error" not in record else 1


if __name__ == "__main__":
    sys.exit(main())
