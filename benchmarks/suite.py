"""The benchmark suites: every tool on every graph, each run in its own
process; results as JSON, a markdown report and plots.

``python -m benchmarks run --suite quick|full [--out DIR]`` (see
:mod:`benchmarks.__main__`).
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.graphs import GraphSpec, build
from benchmarks.runners import RUNNERS

TOOLS = list(RUNNERS)

#: Slow peers are left out above these numbers of edges (their runs would
#: take longer than the whole suite); the report says so.
EDGE_LIMITS = {"igraph-infomap": 300_000, "networkx-louvain": 1_000_000}

REAL = ["karate", "football", "dolphins", "lesmis", "netscience", "power"]


def suite_graphs(suite: str) -> list[GraphSpec]:
    """The graphs of a suite: ``smoke`` (seconds, for tests), ``quick`` or ``full``."""
    if suite == "smoke":
        return [GraphSpec("lfr-250-mu0.3", "lfr", dict(nodes=250, mu=0.3, min_community=20,
                                                      max_community=60)),
                GraphSpec("planted-1000", "planted",
                          dict(nodes=1000, groups=10, degree=10, mixing=0.3))]
    mus = [0.1, 0.3, 0.5, 0.7] if suite == "quick" else [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]
    lfr_sizes = [1000] if suite == "quick" else [1000, 5000]
    sizes = [1_000, 10_000, 100_000] if suite == "quick" else [1_000, 10_000, 100_000, 1_000_000]
    graphs = [GraphSpec(f"lfr-{n}-mu{mu}", "lfr", dict(nodes=n, mu=mu))
              for n in lfr_sizes for mu in mus]
    graphs += [GraphSpec(f"planted-{n}", "planted",
                         dict(nodes=n, groups=max(10, n // 200), degree=14.6, mixing=0.3))
               for n in sizes]
    big = 10_000 if suite == "quick" else 100_000
    graphs.append(GraphSpec(f"dcsbm-{big}", "dcsbm",
                            dict(nodes=big, groups=big // 200, degree=14.6, mixing=0.3)))
    graphs.append(GraphSpec(f"hierarchical-{big}", "hierarchical",
                            dict(nodes=big, branching=[8, 8] if suite == "quick" else [8, 8, 8],
                                 degree=14, mixing=[0.02, 0.1] if suite == "quick"
                                 else [0.02, 0.05, 0.15])))
    graphs += [GraphSpec(name, "real", dict(name=name)) for name in REAL]
    return graphs


#: The times of a worker's record that repeated runs report as medians.
TIMED = ("build_seconds", "run_seconds", "total_seconds", "fresh_process_seconds",
         "compile_seconds")


def _run_worker(graph_file: Path, tool: str, out: Path, trials: int, seed: int,
                timeout: float) -> dict:
    command = [sys.executable, "-m", "benchmarks.worker", str(graph_file), tool, str(out),
               "--trials", str(trials), "--seed", str(seed)]
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    start = time.perf_counter()
    try:
        subprocess.run(command, env=env, timeout=timeout, capture_output=True, check=False)
    except subprocess.TimeoutExpired:
        return {"tool": tool, "error": f"timed out after {timeout:.0f} s"}
    fresh_process = time.perf_counter() - start
    if not out.exists():
        return {"tool": tool, "error": "the worker wrote no result"}
    record = json.loads(out.read_text())
    # What a user of a fresh process waits: interpreter start, imports, the
    # Numba cache load (or compile), reading the graph file and the run.
    record["fresh_process_seconds"] = fresh_process
    return record


def score(record: dict, labels: np.ndarray, network, truth: np.ndarray | None) -> None:
    """Add the two-level codelength of a tool's partition (one scorer for
    every tool) and its NMI and AMI to the ground truth."""
    import infomap_py

    record["codelength"] = float(infomap_py.codelength(network, labels))
    if truth is not None:
        from sklearn.metrics import adjusted_mutual_info_score, normalized_mutual_info_score

        record["nmi"] = float(normalized_mutual_info_score(truth, labels))
        record["ami"] = float(adjusted_mutual_info_score(truth, labels))


def machine() -> dict:
    """The machine the suite ran on."""
    info = {"python": platform.python_version(), "platform": platform.platform(),
            "processor": platform.processor() or platform.machine(), "cpus": os.cpu_count()}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["processor"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["memory_gib"] = round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    import importlib.metadata as md

    for package in ("infomap-py", "infomap", "python-igraph", "igraph", "leidenalg",
                    "networkx", "numba", "numpy"):
        try:
            info[package] = md.version(package)
        except md.PackageNotFoundError:
            pass
    return info


def default_repeats(suite: str, num_nodes: int) -> int:
    """Runs of each tool on each graph: 3 at 10^6 nodes and more, 5 below,
    once in the smoke suite (which only checks that everything runs)."""
    if suite == "smoke":
        return 1
    return 3 if num_nodes >= 1_000_000 else 5


def _repeated(graph_file: Path, tool: str, out: Path, trials: int, seed: int, timeout: float,
              repeats: int) -> dict:
    """Run the worker ``repeats`` times; return the first run's record (its
    labels stay in the labels file) with every time replaced by its median
    over the runs, and the spread of the end-to-end time beside it."""
    labels_file = Path(str(out) + ".labels.npy")
    record = _run_worker(graph_file, tool, out, trials, seed, timeout)
    if "error" in record or repeats <= 1:
        return record
    kept = labels_file.with_suffix(".first.npy")
    labels_file.replace(kept)
    times = {key: [record[key]] for key in TIMED if key in record}
    for _ in range(repeats - 1):
        again = _run_worker(graph_file, tool, out, trials, seed, timeout)
        if "error" in again:
            record["repeat_error"] = again["error"]
            break
        for key in times:
            times[key].append(again[key])
    kept.replace(labels_file)
    for key, values in times.items():
        record[key] = float(np.median(values))
    total = times.get("total_seconds", [])
    record.update(repeats=len(total), total_seconds_min=float(min(total)),
                  total_seconds_max=float(max(total)))
    return record


def run_suite(suite: str, out_dir: Path, trials: int = 1, seed: int = 1,
              tools: list[str] | None = None, timeout: float = 900.0,
              log=print, repeats: int | None = None,
              repeat_only: list[str] | None = None) -> dict:
    """Run every tool on every graph of ``suite``; write ``results.json``,
    ``report.md`` and the plots into ``out_dir``; return the results.

    Each tool runs ``repeats`` times on each graph (``None``:
    :func:`default_repeats`), each time in a fresh process; the times
    reported are the medians, with the range of the end-to-end time.
    ``repeat_only`` names the tools that repeat (the others run once), so
    that the side-by-side comparisons get medians without paying for
    repeated runs of the slowest peers."""
    tools = tools or TOOLS
    out_dir.mkdir(parents=True, exist_ok=True)
    started = time.time()
    results = {"suite": suite, "machine": machine(), "trials": trials, "seed": seed,
               "repeat_only": repeat_only,
               "graphs": [], "runs": []}
    with tempfile.TemporaryDirectory() as tmp:
        latency_file = Path(tmp) / "latency.json"
        env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
        for spec in suite_graphs(suite):
            try:
                graph = build(spec)
            except Exception as err:  # a missing data folder, an LFR that did not converge
                log(f"skip {spec.name}: {type(err).__name__}: {err}")
                results["skipped_graphs"] = results.get("skipped_graphs", []) + [
                    {"name": spec.name, "reason": f"{type(err).__name__}: {err}"}]
                continue
            results["graphs"].append({"name": spec.name, "spec": spec.as_dict(), **graph.info})
            graph_file = Path(tmp) / f"{spec.name}.npz"
            np.savez(graph_file, edges=graph.edges, num_nodes=graph.num_nodes)
            network = graph.network()
            for tool in tools:
                limit = EDGE_LIMITS.get(tool)
                out = Path(tmp) / "out.json"
                labels_file = Path(tmp) / "out.json.labels.npy"
                if limit is not None and graph.info["edges"] > limit:
                    record = {"tool": tool, "skipped": f"more than {limit:,} edges"}
                else:
                    count = repeats or default_repeats(suite, graph.num_nodes)
                    if repeat_only is not None and tool not in repeat_only:
                        count = 1
                    record = _repeated(graph_file, tool, out, trials, seed, timeout, count)
                    if "error" not in record:
                        score(record, np.load(labels_file), network, graph.truth)
                    out.unlink(missing_ok=True)
                    labels_file.unlink(missing_ok=True)
                record["graph"] = spec.name
                results["runs"].append(record)
                log(_one_line(record))
            graph_file.unlink()
        # After every infomap-py run the kernels are cached: a fresh process loads them.
        subprocess.run([sys.executable, "-m", "benchmarks.latency", str(latency_file)],
                       env=env, timeout=300, capture_output=True, check=False)
        if latency_file.exists():
            results["latency"] = json.loads(latency_file.read_text())
    results["seconds"] = time.time() - started
    (out_dir / "results.json").write_text(json.dumps(results, indent=1))
    from benchmarks.report import write_plots, write_report

    write_plots(results, out_dir)
    write_report(results, out_dir)
    return results


def _one_line(record: dict) -> str:
    if "error" in record or "skipped" in record:
        return f"{record['graph']:24s} {record['tool']:22s} {record.get('error') or record['skipped']}"
    nmi = f" NMI {record['nmi']:.3f}" if "nmi" in record else ""
    return (f"{record['graph']:24s} {record['tool']:22s} {record['total_seconds']:8.2f} s "
            f"{record['peak_bytes'] / 2**20:7.0f} MiB {record['num_modules']:6d} modules "
            f"L={record['codelength']:.6f}{nmi}")
