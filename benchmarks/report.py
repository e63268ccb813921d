"""The markdown report and the plots of a suite's results."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def _runs_by(results: dict) -> dict[tuple[str, str], dict]:
    return {(run["graph"], run["tool"]): run for run in results["runs"]}


def _ok(run: dict | None) -> bool:
    return run is not None and "error" not in run and "skipped" not in run


def scaling_exponents(results: dict, prefix: str = "planted-") -> dict[str, float]:
    """The slope of log(time) against log(edges) per tool, over the planted graphs."""
    edges = {g["name"]: g["edges"] for g in results["graphs"] if g["name"].startswith(prefix)}
    slopes = {}
    for tool in sorted({run["tool"] for run in results["runs"]}):
        points = [(edges[run["graph"]], run["total_seconds"]) for run in results["runs"]
                  if run["tool"] == tool and run["graph"] in edges and _ok(run)
                  and run["total_seconds"] > 0]
        if len(points) >= 2:
            x, y = np.log10([p[0] for p in points]), np.log10([p[1] for p in points])
            slopes[tool] = float(np.polyfit(x, y, 1)[0])
    return slopes


def ratios(results: dict) -> list[str]:
    """The bars of the issue: infomap-py against the official package."""
    runs = _runs_by(results)
    lines = []
    for graph in [g["name"] for g in results["graphs"] if g["name"].startswith("planted-")]:
        ours, theirs = runs.get((graph, "infomap-py")), runs.get((graph, "infomap"))
        if not (_ok(ours) and _ok(theirs)):
            continue
        lines.append(
            f"- {graph}: infomap-py end to end {ours['total_seconds']:.2f} s vs the official "
            f"`run()` {theirs['run_seconds']:.2f} s (+ {theirs['build_seconds']:.2f} s "
            f"building): ratio {ours['total_seconds'] / theirs['run_seconds']:.2f}; "
            f"codelength {100 * (ours['codelength'] / theirs['codelength'] - 1):+.4f} %; "
            f"peak memory {ours['peak_bytes'] / 2**20:.0f} MiB vs "
            f"{theirs['peak_bytes'] / 2**20:.0f} MiB")
    latency = results.get("latency")
    if latency:
        lines.append(
            f"- karate: first call in a fresh process (kernels cached) "
            f"{latency['first_call_seconds']:.2f} s (+ {latency['import_seconds']:.2f} s "
            f"import); per call {latency['two_level_call_ms_median']:.2f} ms two-level, "
            f"{latency['multilevel_call_ms_median']:.2f} ms multilevel (median)")
    return lines


def _spread(run: dict | None) -> str:
    """`` (min-max, n runs)`` after a median time, where runs were repeated."""
    if run is None or run.get("repeats", 1) <= 1:
        return ""
    return (f" ({run['total_seconds_min']:.3f}-{run['total_seconds_max']:.3f}, "
            f"{run['repeats']} runs)")


def _cell(run: dict | None, key: str, fmt: str) -> str:
    if run is None:
        return ""
    if "skipped" in run:
        return "skipped"
    if "error" in run:
        return "error"
    value = run.get(key)
    return "" if value is None else format(value, fmt)


def write_report(results: dict, out_dir: Path) -> Path:
    """Write ``report.md``: the machine, one table per graph, the ratios,
    the scaling exponents and the plots."""
    runs = _runs_by(results)
    tools = list(dict.fromkeys(run["tool"] for run in results["runs"]))
    m = results["machine"]
    lines = [f"# Benchmark results: {results['suite']} suite", "",
             f"Machine: {m.get('processor')}, {m.get('cpus')} CPUs, "
             f"{m.get('memory_gib', '?')} GiB; Python {m.get('python')}; "
             + ", ".join(f"{k} {v}" for k, v in m.items()
                         if k in ("infomap-py", "infomap", "igraph", "python-igraph",
                                  "leidenalg", "networkx", "numba")),
             f"Trials {results['trials']}, seed {results['seed']}; the suite took "
             f"{results['seconds'] / 60:.1f} min.", "",
             "Time: building the tool's graph + running its algorithm, in seconds. Memory: "
             "peak resident memory of the tool's process (VmHWM). Codelength: the two-level "
             "map equation of the tool's (top-level) partition, scored by infomap-py for "
             "every tool. NMI and AMI against the planted or known groups.", ""]
    ratio_lines = ratios(results)
    if ratio_lines:
        lines += ["## infomap-py against the official package", ""] + ratio_lines + [""]
    slopes = scaling_exponents(results)
    if slopes:
        lines += ["## Scaling (planted partition graphs)", "",
                  "Fitted exponent of time against edges: "
                  + ", ".join(f"{tool} {slope:.2f}" for tool, slope in slopes.items()), ""]
    compile_times = [run["compile_seconds"] for run in results["runs"]
                     if "compile_seconds" in run]
    if compile_times:
        lines += [f"Numba compile or cache load, apart from the times above: first "
                  f"{compile_times[0]:.1f} s, then {np.median(compile_times):.2f} s (median).",
                  ""]
    lines += ["## Every tool on every graph", "",
              "Times are medians over repeated runs, each in a fresh process (the range "
              "and count follow the time). "
              "\"time\" is build and run inside the worker, after its imports and (for "
              "infomap-py) the Numba cache load; \"fresh process\" is the whole worker "
              "process as a user's script meets it: interpreter start, imports, cache load, "
              "reading the graph file and the run.  Threads: infomap-py's single trial "
              "coarse-tunes in a thread per CPU, the official package and the others run "
              "on one thread; `python -m benchmarks.bench_engine --threads 1` compares both "
              "on one thread.", ""]
    for graph in results["graphs"]:
        facts = f"{graph['nodes']:,} nodes, {graph['edges']:,} edges"
        if "realised_mixing" in graph:
            facts += f", {graph['groups']} groups, realised mixing {graph['realised_mixing']:.3f}"
        lines += [f"### {graph['name']} ({facts})", "",
                  "| tool | time (s) | build (s) | fresh process (s) | peak MiB | modules | "
                  "codelength | NMI | AMI |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for tool in tools:
            run = runs.get((graph["name"], tool))
            if run is None:
                continue
            peak = None if not _ok(run) else run["peak_bytes"] / 2**20
            lines.append(
                f"| {tool} | {_cell(run, 'total_seconds', '.3f')}{_spread(run)} | "
                f"{_cell(run, 'build_seconds', '.3f')} | "
                f"{_cell(run, 'fresh_process_seconds', '.2f')} | "
                f"{'' if peak is None else f'{peak:.0f}'} | {_cell(run, 'num_modules', 'd')} | "
                f"{_cell(run, 'codelength', '.6f')} | {_cell(run, 'nmi', '.4f')} | "
                f"{_cell(run, 'ami', '.4f')} |")
        lines.append("")
    notes = [f"- {run['graph']} / {run['tool']}: {run.get('error') or run.get('skipped')}"
             for run in results["runs"] if not _ok(run)]
    notes += [f"- {graph['name']} (not built): {graph['reason']}"
              for graph in results.get("skipped_graphs", [])]
    if notes:
        lines += ["## Runs not measured", ""] + notes + [""]
    lines += ["## Plots", "", "![time against edges](time_vs_edges.png)", "",
              "![NMI against mixing](nmi_vs_mixing.png)", "",
              "![memory per edge](memory_per_edge.png)", ""]
    path = out_dir / "report.md"
    path.write_text("\n".join(lines))
    return path


def write_plots(results: dict, out_dir: Path) -> list[Path]:
    """Time against edges (log-log, fitted exponent per tool), NMI against
    realised mixing on the LFR graphs, and memory per edge."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    graphs = {g["name"]: g for g in results["graphs"]}
    tools = list(dict.fromkeys(run["tool"] for run in results["runs"]))
    slopes = scaling_exponents(results)
    paths = []

    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    for tool in tools:
        points = sorted((graphs[run["graph"]]["edges"], run["total_seconds"])
                        for run in results["runs"] if run["tool"] == tool and _ok(run)
                        and run["graph"].startswith("planted-"))
        if points:
            label = f"{tool} (slope {slopes[tool]:.2f})" if tool in slopes else tool
            ax.loglog(*zip(*points), marker="o", label=label)
    ax.set_xlabel("edges")
    ax.set_ylabel("time (s): build + run")
    ax.set_title("Planted partition, mixing 0.3")
    ax.legend(fontsize=8)
    ax.grid(True, which="both", alpha=0.3)
    paths.append(out_dir / "time_vs_edges.png")
    fig.tight_layout()
    fig.savefig(paths[-1], dpi=120)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    for tool in tools:
        points = sorted((graphs[run["graph"]]["realised_mixing"], run["nmi"])
                        for run in results["runs"] if run["tool"] == tool and _ok(run)
                        and run["graph"].startswith("lfr-") and "nmi" in run)
        if points:
            ax.plot(*zip(*points), marker="o", label=tool)
    ax.set_xlabel("realised mixing (share of edges between groups)")
    ax.set_ylabel("NMI to the planted groups")
    ax.set_title("LFR benchmark")
    ax.legend(fontsize=8)
    ax.grid(True, alpha=0.3)
    paths.append(out_dir / "nmi_vs_mixing.png")
    fig.tight_layout()
    fig.savefig(paths[-1], dpi=120)
    plt.close(fig)

    planted = [g for g in results["graphs"] if g["name"].startswith("planted-")]
    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    if planted:
        largest = max(planted, key=lambda g: g["edges"])
        values = [(run["tool"], run["peak_bytes"] / largest["edges"])
                  for run in results["runs"] if run["graph"] == largest["name"] and _ok(run)]
        if values:
            ax.bar([v[0] for v in values], [v[1] for v in values])
            ax.set_title(f"Peak memory per edge, {largest['name']} "
                         f"({largest['edges']:,} edges)")
        ax.set_ylabel("bytes per edge (process peak)")
        ax.tick_params(axis="x", rotation=30, labelsize=8)
    paths.append(out_dir / "memory_per_edge.png")
    fig.tight_layout()
    fig.savefig(paths[-1], dpi=120)
    plt.close(fig)
    return paths

