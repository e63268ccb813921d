"""The markdown report and the plot of the higher-order suite's results."""

from __future__ import annotations

from pathlib import Path

from benchmarks.higher_order import (EXAMPLE_TOLERANCE, GENERATED_EXCESS, MEMORY_RATIO_TARGET,
                                     SCORE_TOLERANCE, TIME_RATIO_TARGET)


def _ok(run: dict | None) -> bool:
    return run is not None and "error" not in run


def _score_cell(checks: dict, scorer: str, other: str) -> str:
    value = checks.get(f"{scorer} scores {other} (difference)")
    return "" if value is None else f"{value:+.1e}"


def _facts(facts: dict) -> str:
    if "state_nodes" in facts:
        return f"{facts['state_nodes']:,} states of {facts['physical_nodes']:,} nodes"
    if "layers" in facts:
        return f"{facts['layers']} layers on {facts['physical_nodes']:,} nodes"
    if "primary_nodes" in facts:
        return f"{facts['primary_nodes']:,} + {facts['feature_nodes']:,} nodes"
    return ""


def _quality_table(entries: list[dict], generated: bool) -> list[str]:
    head = ("| network | options | infomap-py L | official L | " +
            ("ratio | modules | time (s) | peak MiB | " if generated else "difference | ") +
            "py scores official's tree | official scores py's tree | pass |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for e in entries:
        runs, checks = e["runs"], e.get("checks", {})
        ours, theirs = runs["infomap-py"], runs["infomap"]
        options = ("two-level" if e["two_level"] else "multilevel") + (" -d" if e["directed"]
                                                                        else "")
        name = e["network"] + (f" ({_facts(e['facts'])}, {e['facts']['links']:,} links)"
                               if generated else "")
        if not (_ok(ours) and _ok(theirs)):
            errors = "; ".join(f"{t}: {r['error']}" for t, r in runs.items() if not _ok(r))
            lines.append(f"| {name} | {options} | error: {errors} |")
            continue
        cells = [name, options, f"{ours['codelength']:.9f}", f"{theirs['codelength']:.9f}"]
        if generated:
            cells += [f"{checks['ratio']:.6f}",
                      f"{ours['num_top_modules']} / {theirs['num_top_modules']}",
                      f"{ours['build_seconds'] + ours['run_seconds']:.2f} / "
                      f"{theirs['build_seconds'] + theirs['run_seconds']:.2f}",
                      f"{ours['peak_bytes'] / 2**20:.0f} / {theirs['peak_bytes'] / 2**20:.0f}"]
        else:
            cells.append(f"{checks['difference']:+.1e}")
        cells += [_score_cell(checks, "infomap-py", "infomap"),
                  _score_cell(checks, "infomap", "infomap-py"),
                  "yes" if checks.get("passed") else "**no**"]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _speed_table(entries: list[dict]) -> list[str]:
    lines = ["| file | links | tool | time (s) | CPU (s) | peak MiB | bytes per link | "
             "codelength |",
             "|---|---:|---|---:|---:|---:|---:|---:|"]
    for e in entries:
        facts = e["facts"]
        for tool, run in e["runs"].items():
            if not _ok(run):
                lines.append(f"| {e['name']} | {facts['links']:,} | {tool} | error: "
                             f"{run['error']} | | | |")
                continue
            spread = (f" ({run['seconds_range'][0]:.1f}-{run['seconds_range'][1]:.1f}, "
                      f"{run['repeats']} runs)" if run["repeats"] > 1 else "")
            length = "" if run["codelength"] is None else f"{run['codelength']:.6g}"
            lines.append(f"| {e['name']} ({_facts(facts)}) | {facts['links']:,} | {tool} | "
                         f"{run['seconds']:.1f}{spread} | {run['cpu_seconds']:.1f} | "
                         f"{run['peak_bytes'] / 2**20:.0f} | "
                         f"{run['bytes_per_link']:.0f} | {length} |")
    lines.append("")
    for e in entries:
        c = e.get("checks")
        if c:
            lines.append(
                f"- {e['name']}: time ratio {c['time_ratio']:.2f} (target <= "
                f"{TIME_RATIO_TARGET:.2f}: {'met' if c['time_ok'] else 'not met'})"
                + (f", median of the ratios of the runs taken in turn "
                   f"{c['paired_time_ratio']:.2f}" if "paired_time_ratio" in c
                   and e["runs"]["infomap-py"].get("repeats", 1) > 1 else "")
                + ", CPU-time "
                f"ratio {c['cpu_ratio']:.2f}, peak "
                f"memory ratio {c['memory_ratio']:.2f} (target <= {MEMORY_RATIO_TARGET}: "
                f"{'met' if c['memory_ok'] else 'not met'})"
                + (f", codelength ratio {c['codelength_ratio']:.6f} (6 digits of the tree "
                   "headers)" if "codelength_ratio" in c else ""))
    return lines


def write_report(results: dict, out_dir: Path) -> Path:
    """Write ``report.md``: the machine and its load, then one table per kind of entry."""
    m = results["machine"]
    by_kind = {kind: [e for e in results["entries"] if e["kind"] == kind]
               for kind in ("example", "generated", "speed")}
    load = results.get("load_average_start"), results.get("load_average_end")
    lines = [f"# Benchmark results: {results['suite']} suite", "",
             f"Machine: {m.get('processor')}, {m.get('cpus')} CPUs, "
             f"{m.get('memory_gib', '?')} GiB; Python {m.get('python')}; infomap "
             f"{m.get('infomap')}, numba {m.get('numba')}. Load average at the start "
             f"{load[0][0]:.2f}, at the end {load[1][0]:.2f} (each entry's in results.json). "
             f"Trials {results['trials']}, seed {results['seed']} (quality entries); the "
             f"suite took {results['seconds'] / 60:.1f} min.", ""]
    passed = sum(bool(e.get("checks", {}).get("passed"))
                 for e in by_kind["example"] + by_kind["generated"])
    total = len(by_kind["example"]) + len(by_kind["generated"])
    lines += [f"Quality checks passed: {passed} of {total}.", ""]
    if by_kind["example"]:
        lines += ["## Official examples", "",
                  f"Codelengths of both packages' searches must agree to {EXAMPLE_TOLERANCE:g} "
                  f"bits; each package scores the other's state-level tree, which must give "
                  f"that tree's own codelength to {SCORE_TOLERANCE:g} (the columns show the "
                  "differences).", ""] + _quality_table(by_kind["example"], False) + [""]
    if by_kind["generated"]:
        lines += ["## Generated networks", "",
                  f"infomap-py's codelength must be at most the official's + "
                  f"{GENERATED_EXCESS:.1%} (ratio <= {1 + GENERATED_EXCESS}); modules, time "
                  "(read and search, in the worker) and peak memory as infomap-py / official.",
                  ""] + _quality_table(by_kind["generated"], True) + [""]
    if by_kind["speed"]:
        lines += ["## Speed and memory: the command-line tools", "",
                  "Each tool's command line runs in its own process, file in, `NAME.tree` and "
                  "`NAME_states.tree` out, one trial; time is the whole process (interpreter "
                  "start, imports, the Numba cache load, reading, expansion, flow, search, "
                  "writing); CPU is its user and system time over all threads (a fairer figure "
                  "than the wall time on a loaded machine); memory is the process's peak "
                  "resident memory (`ru_maxrss`), per link of the file.", ""]
        lines += _speed_table(by_kind["speed"]) + [""]
    lines += ["![higher-order](higher_order.png)", ""]
    path = out_dir / "report.md"
    path.write_text("\n".join(lines))
    return path


def write_plot(results: dict, out_dir: Path) -> Path:
    """Two panels: the codelength ratio of the generated entries, and the
    time and memory per link of the speed entries, infomap-py against the
    official."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    generated = [e for e in results["entries"] if e["kind"] == "generated"
                 and "ratio" in e.get("checks", {})]
    left.barh([e["name"] for e in generated],
              [100 * (e["checks"]["ratio"] - 1) for e in generated])
    left.axvline(100 * GENERATED_EXCESS, color="red", linestyle="--", label="limit +0.1 %")
    left.set_xlabel("codelength, infomap-py over the official (%)")
    left.set_title("Generated networks, same trials")
    left.legend(fontsize=8)
    speed = [e for e in results["entries"] if e["kind"] == "speed" and e.get("checks")]
    names = [e["name"] for e in speed]
    x = range(len(speed))
    bars = [("wall time", "time_ratio"), ("CPU time", "cpu_ratio"),
            ("peak memory", "memory_ratio")]
    for k, (label, key) in enumerate(bars):
        right.bar([i + 0.27 * (k - 1) for i in x], [e["checks"].get(key, 0) for e in speed],
                  width=0.27, label=label, color=f"C{k}")
    right.axhline(TIME_RATIO_TARGET, color="C0", linestyle="--", linewidth=1)
    right.axhline(MEMORY_RATIO_TARGET, color="C2", linestyle="--", linewidth=1)
    right.set_xticks(list(x), names)
    right.set_ylabel("infomap-py / official")
    right.set_title("Command-line tools (dashed: targets)")
    right.legend(fontsize=8)
    fig.tight_layout()
    path = out_dir / "higher_order.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
