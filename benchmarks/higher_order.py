"""The higher-order benchmark suite: state (memory), multilayer and
bipartite networks, infomap-py against the official Infomap.

``python -m benchmarks run --suite higher-order|higher-order-smoke [--out DIR]``
(see :mod:`benchmarks.__main__`).  Three kinds of entries:

- ``example``: every official example network of these kinds, two-level and
  multilevel, with and without ``-d``.  Both packages search with the same
  trials and seed; their codelengths must agree to 1e-6 bits, and each
  package scores the other's state-level tree to 1e-9 (infomap-py with
  ``codelength(net, read_tree(tree))``, the official with
  ``-c TREE --no-infomap``).
- ``generated``: a second-order network of paths on an LFR graph, three
  layers on one node set that share LFR communities (the links of one LFR
  graph dealt at random into three layers of ``*Intra`` links, relax rate
  0.15) and a planted
  bipartite graph; infomap-py's codelength must be at most the official's
  + 0.1 % with the same number of trials.
- ``speed``: a state network of about 10^6 state nodes and a multilayer
  file of about 10^6 ``*Intra`` links, written once in the official
  format; both command-line tools (``python -m infomap_py FILE OUT -o tree``
  and ``infomap FILE OUT -o tree``) run on it, each in its own process,
  timed with its peak resident memory.

Every search and every scoring runs in a fresh process
(:mod:`benchmarks.ho_worker`); the results go to ``results.json``,
``report.md`` and ``higher_order.png`` in the output folder, and the
generated files are kept in its ``data/`` folder (reused by later runs).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from benchmarks.suite import machine

TOOLS = ("infomap-py", "infomap")
EXAMPLES = ("states", "multilayer", "multilayer_intra", "multilayer_intra_inter", "bipartite")
#: Tolerances of the checks (bits, and the relative excess for generated networks).
EXAMPLE_TOLERANCE = 1e-6
SCORE_TOLERANCE = 1e-9
GENERATED_EXCESS = 1e-3
#: Targets of the speed entries: time ratio, and memory per link against the official's.
TIME_RATIO_TARGET = 1 / 3
MEMORY_RATIO_TARGET = 0.5


@dataclass(frozen=True)
class Entry:
    """One benchmark entry: a network (an official example or a generator
    with its parameters) and the search options."""

    name: str
    kind: str  # "example", "generated" or "speed"
    network: str  # the example's name or the generator's
    params: dict = field(default_factory=dict)
    two_level: bool = False
    directed: bool = False

    def flags(self) -> list[str]:
        """The worker's flags for the options."""
        return ["--two-level"] * self.two_level + ["--directed"] * self.directed


def _variants(kind: str, network: str, params: dict, directions=(False, True),
              levels=(False, True)) -> list[Entry]:
    entries = []
    for directed in directions:
        for two_level in levels:
            tag = ("two-level" if two_level else "multilevel") + (" -d" if directed else "")
            entries.append(Entry(f"{network} {tag}", kind, network, params, two_level, directed))
    return entries


def suite_entries(suite: str) -> list[Entry]:
    """The entries of ``higher-order`` (minutes, plus the two 10^6 runs) or
    ``higher-order-smoke`` (seconds, for tests)."""
    smoke = suite == "higher-order-smoke"
    if smoke:
        entries = [e for name in ("states", "multilayer_intra", "bipartite")
                   for e in _variants("example", name, {}, directions=(False,), levels=(False,))]
        lfr = dict(nodes=250, mu=0.3, min_community=20, max_community=60)
        generated = [("second-order-lfr", dict(lfr=lfr, memory=0.9)),
                     ("multilayer-lfr", dict(lfr=dict(lfr, degree=12), layers=3)),
                     ("bipartite-planted", dict(primary=300, features=60, groups=6, degree=6,
                                                noise=0.2))]
        speed = [("speed-states", dict(nodes=2_500, groups=25, degree=4.0, mixing=0.3)),
                 ("speed-multilayer", dict(nodes=1_000, groups=10, degree=6.7, mixing=0.3,
                                           layers=3))]
        entries += [e for name, p in generated
                    for e in _variants("generated", name, p,
                                       directions=(name == "second-order-lfr",), levels=(False,))]
    else:
        entries = [e for name in EXAMPLES for e in _variants("example", name, {})]
        lfr = dict(nodes=1000, mu=0.3)
        generated = [("second-order-lfr", dict(lfr=lfr, memory=0.9)),
                     ("multilayer-lfr", dict(lfr=dict(lfr, degree=24, max_degree=80), layers=3)),
                     ("bipartite-planted", dict(primary=3000, features=600, groups=30, degree=8,
                                                noise=0.2))]
        # A memory network's links are directed by construction: it runs with -d.
        entries += [e for name, p in generated
                    for e in _variants("generated", name, p,
                                       directions=(name == "second-order-lfr",))]
        speed = [("speed-states", dict(nodes=252_000, groups=1260, degree=4.0, mixing=0.3)),
                 ("speed-multilayer", dict(nodes=100_000, groups=500, degree=6.7, mixing=0.3,
                                           layers=3))]
    entries += [Entry(name, "speed", name, p) for name, p in speed]
    return entries


# ---------------------------------------------------------------------------
# The network files


def example_folder() -> Path:
    """The official package's example networks."""
    import infomap

    return Path(infomap.__file__).parent / "datasets" / "data"


def _lfr_layers(lfr: dict, count: int, seed: int = 1) -> tuple[list[np.ndarray], int]:
    """``count`` layers on one node set that share LFR communities: the links
    of one LFR graph, each put in a layer drawn at random (seeded)."""
    from benchmarks.graphs import _lfr

    edges, n, _ = _lfr(lfr)
    layer = np.random.default_rng(seed).integers(0, count, len(edges))
    return [edges[layer == k] for k in range(count)], n


def _second_order(path: Path, p: dict, lfr: bool) -> dict:
    from benchmarks.generators import planted_partition, second_order_from_edges
    from benchmarks.graphs import _lfr
    from benchmarks.ho_files import write_states_file

    if lfr:
        edges, n, groups = _lfr(p["lfr"])
    else:
        n = p["nodes"]
        edges, groups = planted_partition(n, p["groups"], p["degree"], p["mixing"],
                                          seed=p.get("seed", 1))
    memory = p.get("memory", 0.9)
    links, physical = second_order_from_edges(edges, groups, n, memory)
    # Integer weights of the same ratios (9 and 1 for memory 0.9): the same flow.
    links[:, 2] = np.round(links[:, 2] * 10)
    write_states_file(path, links, physical, n)
    return {"physical_nodes": int(n), "state_nodes": int(physical.size),
            "links": int(links.shape[0])}


def _multilayer(path: Path, p: dict, lfr: bool) -> dict:
    from benchmarks.generators import planted_partition
    from benchmarks.ho_files import write_intra_file

    if lfr:
        layers, n = _lfr_layers(p["lfr"], p["layers"])
    else:
        n = p["nodes"]
        layers = [planted_partition(n, p["groups"], p["degree"], p["mixing"], seed=s + 1)[0]
                  for s in range(p["layers"])]
    write_intra_file(path, layers, n)
    return {"physical_nodes": int(n), "layers": len(layers),
            "links": int(sum(len(e) for e in layers))}


def _bipartite(path: Path, p: dict) -> dict:
    from benchmarks.generators import planted_bipartite
    from benchmarks.ho_files import write_bipartite_file

    edges, _ = planted_bipartite(p["primary"], p["features"], p["groups"], p["degree"],
                                 p["noise"], seed=p.get("seed", 1))
    write_bipartite_file(path, edges, p["primary"], p["features"])
    return {"primary_nodes": p["primary"], "feature_nodes": p["features"],
            "links": int(len(edges))}


def network_file(entry: Entry, data_dir: Path) -> tuple[Path, dict]:
    """The file of the entry's network (an official example, or generated
    into ``data_dir`` once and reused), and facts about it."""
    if entry.kind == "example":
        return example_folder() / f"{entry.network}.net", {}
    key = "-".join(f"{k}{v}" for k, v in sorted(entry.params.items()) if k != "lfr")
    if "lfr" in entry.params:
        key += "-lfr" + "-".join(f"{k}{v}" for k, v in sorted(entry.params["lfr"].items()))
    path = data_dir / f"{entry.network}-{key}.net"
    facts_file = path.with_suffix(".json")
    if path.exists() and facts_file.exists():
        return path, json.loads(facts_file.read_text())
    data_dir.mkdir(parents=True, exist_ok=True)
    builders = {"second-order-lfr": lambda: _second_order(path, entry.params, lfr=True),
                "speed-states": lambda: _second_order(path, entry.params, lfr=False),
                "multilayer-lfr": lambda: _multilayer(path, entry.params, lfr=True),
                "speed-multilayer": lambda: _multilayer(path, entry.params, lfr=False),
                "bipartite-planted": lambda: _bipartite(path, entry.params)}
    start = time.perf_counter()
    facts = builders[entry.network]()
    facts.update(file_bytes=path.stat().st_size, write_seconds=time.perf_counter() - start)
    facts_file.write_text(json.dumps(facts))
    return path, facts


# ---------------------------------------------------------------------------
# Running the tools


def _env() -> dict:
    return dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))


def _worker(args: list[str], out: Path, timeout: float) -> dict:
    command = [sys.executable, "-m", "benchmarks.ho_worker", *args]
    start = time.perf_counter()
    try:
        subprocess.run(command, env=_env(), timeout=timeout, capture_output=True, check=False)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    if not out.exists():
        return {"error": "the worker wrote no result"}
    record = json.loads(out.read_text())
    record["fresh_process_seconds"] = time.perf_counter() - start
    return record


def run_quality(entry: Entry, path: Path, work: Path, trials: int, seed: int,
                timeout: float) -> dict:
    """Both tools search the entry's network; then each scores the other's tree."""
    runs, scores = {}, {}
    for tool in TOOLS:
        out_dir = work / tool
        runs[tool] = _worker(["run", tool, str(path), str(out_dir), "--trials", str(trials),
                              "--seed", str(seed), *entry.flags()],
                             out_dir / "result.json", timeout)
    for scorer, other in (("infomap-py", "infomap"), ("infomap", "infomap-py")):
        tree = work / other / "states.tree"
        if "error" in runs[other] or not tree.exists():
            continue
        out = work / f"score-{scorer}.json"
        record = _worker(["score", scorer, str(path), str(tree), str(out), *entry.flags()],
                         out, timeout)
        scores[f"{scorer} scores {other}"] = record.get("codelength", record.get("error"))
    return {"runs": runs, "scores": scores, "checks": quality_checks(entry, runs, scores)}


def quality_checks(entry: Entry, runs: dict, scores: dict) -> dict:
    """The pass/fail of an entry and its figures: the codelength difference
    (examples) or ratio (generated) and each package's score of the other's
    tree against that tree's own codelength."""
    ours, theirs = runs["infomap-py"], runs["infomap"]
    if "error" in ours or "error" in theirs:
        return {"passed": False}
    checks: dict = {"difference": ours["codelength"] - theirs["codelength"],
                    "ratio": ours["codelength"] / theirs["codelength"]}
    for key, value in scores.items():
        tree_owner = key.split(" scores ")[1]
        if isinstance(value, float):
            checks[f"{key} (difference)"] = value - runs[tree_owner]["codelength"]
    score_ok = (all(abs(v) <= SCORE_TOLERANCE for k, v in checks.items() if "scores" in k)
                and len(scores) == 2)
    if entry.kind == "example":
        length_ok = abs(checks["difference"]) <= EXAMPLE_TOLERANCE
    else:
        length_ok = checks["ratio"] <= 1 + GENERATED_EXCESS
    checks.update(codelength_ok=bool(length_ok), scores_ok=bool(score_ok),
                  passed=bool(length_ok and score_ok))
    return checks


def cli_command(tool: str, path: Path, out_dir: Path) -> list[str]:
    """The command line of a tool: file in, ``NAME.tree`` out."""
    if tool == "infomap-py":
        return [sys.executable, "-m", "infomap_py", str(path), str(out_dir), "-o", "tree"]
    official = shutil.which("infomap")
    prefix = [official] if official else [sys.executable, "-m", "infomap"]
    return [*prefix, str(path), str(out_dir), "-o", "tree"]


def timed_process(command: list[str], timeout: float) -> dict:
    """Run ``command``; return its wall seconds, its CPU seconds (user and
    system, all threads), its peak resident memory (``ru_maxrss`` of that
    process alone) and its exit status."""
    start = time.perf_counter()
    process = subprocess.Popen(command, env=_env(), stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    deadline = start + timeout
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            process.kill()
            process.returncode = os.waitstatus_to_exitcode(os.wait4(process.pid, 0)[1])
            process.stderr.close()
            return {"error": f"timed out after {timeout:.0f} s"}
        time.sleep(0.05)
    seconds = time.perf_counter() - start
    stderr = process.stderr.read().decode(errors="replace")
    process.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    process.returncode = code  # reaped here: Popen must not wait for it again
    record = {"seconds": seconds, "cpu_seconds": usage.ru_utime + usage.ru_stime,
              "peak_bytes": usage.ru_maxrss * 1024, "exit_status": code}
    if code != 0:
        record["error"] = f"exit status {code}: {stderr.strip()[-300:]}"
    return record


def tree_codelength(path: Path) -> float | None:
    """The codelength in a ``.tree`` file's header (6 significant digits)."""
    if not path.exists():
        return None
    with open(path) as handle:
        for line in handle:
            if not line.startswith("#"):
                break
            match = re.match(r"# codelength (\S+) bits", line)
            if match:
                return float(match.group(1))
    return None


def warm_up_cli(work: Path) -> None:
    """Load (or compile) infomap-py's kernels for state and multilayer runs,
    untimed, so that the timed runs meet a warm cache."""
    folder = example_folder()
    for name in ("states", "multilayer_intra"):
        timed_process(cli_command("infomap-py", folder / f"{name}.net", work / "warm-up"), 900)


def run_speed(entry: Entry, path: Path, facts: dict, work: Path, repeats: int,
              timeout: float) -> dict:
    """Both command-line tools on the file, ``repeats`` times each (median),
    taking turns (ours, the official's, ours, ...): the machine's speed
    drifts over minutes, and each pair of neighbouring runs sees nearly the
    same machine, so the median of the pairs' time ratios is kept beside
    the ratio of the medians."""
    records: dict[str, list[dict]] = {tool: [] for tool in TOOLS}
    for _ in range(repeats):
        for tool in TOOLS:
            if records[tool] and "error" in records[tool][-1]:
                continue
            out_dir = work / tool
            shutil.rmtree(out_dir, ignore_errors=True)
            record = timed_process(cli_command(tool, path, out_dir), timeout)
            record["codelength"] = tree_codelength(out_dir / f"{path.stem}.tree")
            records[tool].append(record)
    runs = {}
    for tool in TOOLS:
        good = [r for r in records[tool] if "error" not in r]
        if not good:
            runs[tool] = records[tool][-1]
            continue
        runs[tool] = {"seconds": float(np.median([r["seconds"] for r in good])),
                      "seconds_range": [min(r["seconds"] for r in good),
                                        max(r["seconds"] for r in good)],
                      "seconds_each": [r["seconds"] for r in good],
                      "cpu_seconds": float(np.median([r["cpu_seconds"] for r in good])),
                      "peak_bytes": int(max(r["peak_bytes"] for r in good)),
                      "codelength": good[0]["codelength"], "repeats": len(good),
                      "command": " ".join(cli_command(tool, path, Path("OUT")))}
        runs[tool]["bytes_per_link"] = runs[tool]["peak_bytes"] / facts["links"]
    checks: dict = {}
    ours, theirs = runs["infomap-py"], runs["infomap"]
    if "error" not in ours and "error" not in theirs:
        pairs = [a["seconds"] / b["seconds"] for a, b in zip(records["infomap-py"],
                                                              records["infomap"])
                 if "error" not in a and "error" not in b]
        checks = {"time_ratio": ours["seconds"] / theirs["seconds"],
                  "paired_time_ratio": float(np.median(pairs)),
                  "cpu_ratio": ours["cpu_seconds"] / theirs["cpu_seconds"],
                  "memory_ratio": ours["peak_bytes"] / theirs["peak_bytes"]}
        if ours["codelength"] and theirs["codelength"]:
            checks["codelength_ratio"] = ours["codelength"] / theirs["codelength"]
        checks.update(time_ok=checks["time_ratio"] <= TIME_RATIO_TARGET,
                      memory_ok=checks["memory_ratio"] <= MEMORY_RATIO_TARGET)
    return {"runs": runs, "checks": checks}


# ---------------------------------------------------------------------------
# The suite


def run_higher_order(suite: str, out_dir: Path, trials: int = 5, seed: int = 1,
                     timeout: float = 1800.0, repeats: int | None = None, log=print,
                     kinds: tuple[str, ...] = ("example", "generated", "speed")) -> dict:
    """Run every entry of ``suite``; write ``results.json``, ``report.md`` and
    the plot into ``out_dir``; return the results.

    Quality entries (examples, generated) run both packages with ``trials``
    trials and ``seed``; speed entries run the command-line tools
    ``repeats`` times each (default 1), with their own defaults (one trial).
    ``kinds`` picks the kinds of entries to run.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    data_dir, work_root = out_dir / "data", out_dir / "work"
    started = time.time()
    results = {"suite": suite, "machine": machine(), "trials": trials, "seed": seed,
               "load_average_start": os.getloadavg(), "entries": []}
    warmed = False
    for index, entry in enumerate(e for e in suite_entries(suite) if e.kind in kinds):
        path, facts = network_file(entry, data_dir)
        work = work_root / f"{index:02d}"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        record = {**asdict(entry), "file": str(path), "facts": facts,
                  "load_average": os.getloadavg()}
        if entry.kind == "speed":
            if not warmed:
                warm_up_cli(work)
                warmed = True
            record.update(run_speed(entry, path, facts, work, repeats or 1, timeout))
        else:
            record.update(run_quality(entry, path, work, trials, seed, timeout))
        results["entries"].append(record)
        log(one_line(record))
    shutil.rmtree(work_root, ignore_errors=True)
    results["seconds"] = time.time() - started
    results["load_average_end"] = os.getloadavg()
    (out_dir / "results.json").write_text(json.dumps(results, indent=1))
    from benchmarks.ho_report import write_plot, write_report

    write_plot(results, out_dir)
    write_report(results, out_dir)
    return results


def one_line(record: dict) -> str:
    """A progress line for an entry."""
    checks = record.get("checks", {})
    runs = record["runs"]
    errors = [f"{tool}: {run['error']}" for tool, run in runs.items() if "error" in run]
    if errors:
        return f"{record['name']:32s} " + "; ".join(errors)
    if record["kind"] == "speed":
        ours, theirs = runs["infomap-py"], runs["infomap"]
        return (f"{record['name']:32s} {ours['seconds']:7.1f} s vs {theirs['seconds']:7.1f} s "
                f"(ratio {checks['time_ratio']:.2f}"
                + (f", paired {checks['paired_time_ratio']:.2f}" if ours["repeats"] > 1 else "")
                + f"), {ours['bytes_per_link']:.0f} vs "
                f"{theirs['bytes_per_link']:.0f} B/link")
    return (f"{record['name']:32s} L {runs['infomap-py']['codelength']:.9f} vs "
            f"{runs['infomap']['codelength']:.9f} (diff {checks['difference']:+.1e}, ratio "
            f"{checks['ratio']:.6f}) {'ok' if checks.get('passed') else 'FAILED'}")
