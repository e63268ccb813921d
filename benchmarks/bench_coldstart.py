"""A new user's first run: the README's command on an empty and on a warm Numba cache.

(s) ``python -m infomap_py examples/karate.txt OUTDIR -N 10 -o clu,tree`` in a
    fresh process with an empty Numba cache (a temporary ``NUMBA_CACHE_DIR``),
    on the kernels' machine code shipped with the package (``_core/compiled``):
    wall time and peak memory (the child's maximum resident set size), median
    of ``--warm-runs`` runs, each on a cache of its own; where the shipped
    code cannot serve this machine, the reason;
(a) the same with the shipped code switched off
    (``INFOMAP_PY_SHIPPED_KERNELS=0``), so that every kernel compiles: the
    first run on a machine the shipped code does not serve;
(b) the same command again on the cache that run filled (median of
    ``--warm-runs``, default 3);
(c) ``python -c "import infomap_py"``: wall time (median of ``--import-runs``,
    default 5, next to ``python -c pass``), the import time of ``infomap_py``
    itself from ``-X importtime``, and whether it imports Numba or SciPy;
(d) with ``--per-kernel``: the compile time of every kernel in the cold run,
    exclusive of the kernels it calls (which compile inside it), with its
    number of type specializations, from Numba's ``"numba:compile"`` events
    (the cold run then starts the same command through this module, which
    registers the listener and calls ``infomap_py.cli.main``).  Numba's own
    array helpers compiled for a kernel are listed under their own names.

Every child runs on the package next to this file (it is put first on
``PYTHONPATH``), in a fresh copy for every first run, where Python writes
the package's bytecode as a user's Python does (the warm runs read it); the
machine's load shows up in every figure.

    PYTHONPATH=. python -m benchmarks.bench_coldstart [--per-kernel] [--json PATH]
        [--network examples/karate.txt] [--trials 10] [--formats clu,tree]
        [--two-level] [--warm-runs 3] [--import-runs 5] [--import-only] [--top 0]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: The environment variable that switches the shipped kernels off (``"0"``).
SHIPPED_SWITCH = "INFOMAP_PY_SHIPPED_KERNELS"


# --- The compile events of one process --------------------------------------

def record_compiles(path: str, cli_args: list[str]) -> int:
    """Run the command-line tool on ``cli_args`` while recording every
    ``"numba:compile"`` event; write the events to ``path`` as JSON."""
    from numba.core import event

    events: list[dict] = []
    lock = threading.Lock()

    class Recorder(event.Listener):
        def _record(self, ev, phase: str) -> None:
            tick = time.perf_counter()
            dispatcher = ev.data["dispatcher"]
            func = getattr(dispatcher, "py_func", None)  # lifted loops have none
            kernel = (f"{func.__module__}.{func.__qualname__}" if func is not None
                      else type(dispatcher).__name__)
            with lock:
                events.append({"phase": phase, "time": tick, "thread": threading.get_ident(),
                               "kernel": kernel,
                               "args": ", ".join(str(a) for a in ev.data["args"])})

        def on_start(self, ev) -> None:
            self._record(ev, "start")

        def on_end(self, ev) -> None:
            self._record(ev, "end")

    from infomap_py.cli import main

    recorder = Recorder()
    event.register("numba:compile", recorder)
    try:
        status = main(cli_args)
    finally:
        event.unregister("numba:compile", recorder)
        Path(path).write_text(json.dumps(events))
    return status


def exclusive_times(events: list[dict]) -> list[dict]:
    """Return one record per compilation: ``kernel``, ``args``, ``seconds``
    (its own time, without the compilations nested in it) and ``inclusive``.

    Compilations nest: a kernel compiles the kernels it calls while it
    compiles.  ``events`` are start and end events in time order, with the
    thread that fired them; each thread's events nest like brackets.
    """
    stacks: dict[int, list[dict]] = defaultdict(list)
    done = []
    for ev in sorted(events, key=lambda e: e["time"]):
        stack = stacks[ev["thread"]]
        if ev["phase"] == "start":
            stack.append({"kernel": ev["kernel"], "args": ev["args"], "start": ev["time"],
                          "nested": 0.0})
            continue
        if not stack or stack[-1]["kernel"] != ev["kernel"]:
            raise ValueError(f"compile events do not nest: end of {ev['kernel']} "
                             f"while {stack[-1]['kernel'] if stack else 'nothing'} compiles")
        top = stack.pop()
        inclusive = ev["time"] - top["start"]
        if stack:
            stack[-1]["nested"] += inclusive
        done.append({"kernel": top["kernel"], "args": top["args"], "inclusive": inclusive,
                     "seconds": inclusive - top["nested"]})
    open_ = [frame["kernel"] for stack in stacks.values() for frame in stack]
    if open_:
        raise ValueError(f"compile events do not nest: {open_[0]} never ends")
    return done


def per_kernel(compiles: list[dict]) -> list[dict]:
    """Sum :func:`exclusive_times` records by kernel; return ``kernel``,
    ``specializations`` (distinct argument types compiled) and ``seconds``,
    longest first."""
    seconds: dict[str, float] = defaultdict(float)
    signatures: dict[str, set] = defaultdict(set)
    for record in compiles:
        seconds[record["kernel"]] += record["seconds"]
        signatures[record["kernel"]].add(record["args"])
    rows = [{"kernel": k, "specializations": len(signatures[k]), "seconds": s}
            for k, s in seconds.items()]
    return sorted(rows, key=lambda row: (-row["seconds"], row["kernel"]))


# --- Timing fresh processes --------------------------------------------------

def child_env(cache: str | None = None, shipped: bool = True,
              package_root: Path = ROOT) -> dict:
    """This environment with the package in ``package_root`` (by default the
    one next to this file) first on the path, when given, ``cache`` as the
    Numba cache and, unless ``shipped``, the shipped kernels switched off.

    Python writes the package's compiled bytecode as a user's Python does,
    even where this environment says not to (``PYTHONDONTWRITEBYTECODE``):
    a process that compiles the package's Python source on every start
    would not be a warm run."""
    path = os.pathsep.join(p for p in (str(package_root), str(ROOT),
                                       os.environ.get("PYTHONPATH")) if p)
    env = dict(os.environ, PYTHONPATH=path)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if cache is not None:
        env["NUMBA_CACHE_DIR"] = cache
    env[SHIPPED_SWITCH] = "1" if shipped else "0"
    return env


def fresh_package(folder: Path) -> Path:
    """A copy of the package in ``folder``, without compiled bytecode, as a
    new install has it: the root to put on the path."""
    shutil.copytree(ROOT / "infomap_py", folder / "infomap_py",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def shipped_unfit() -> str | None:
    """Why the shipped kernels cannot serve a child here (None when they can)."""
    code = ("from infomap_py._core import _shipped; "
            "print(_shipped.why_unfit(_shipped.read_manifest()) or '')")
    done = subprocess.run([sys.executable, "-c", code], env=child_env(), cwd=ROOT,
                          capture_output=True, text=True, check=True)
    return done.stdout.strip() or None


def run_child(command: list[str], env: dict, cwd: Path = ROOT) -> dict:
    """Run ``command`` in ``cwd`` (the first place ``python -m`` looks for
    the package); return its wall time, peak memory (MiB) and stderr."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(command, stdout=out, stderr=err, env=env, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode(errors="replace")
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({proc.returncode}):\n{stderr}")
    # ru_maxrss is in KiB on Linux.
    return {"seconds": seconds, "peak_mib": usage.ru_maxrss / 1024, "stderr": stderr}


def import_time_ms(env: dict, cwd: Path = ROOT) -> tuple[float, bool, bool]:
    """The cumulative ``-X importtime`` of ``infomap_py`` (ms), and whether
    the import loads Numba and SciPy."""
    code = "import infomap_py, sys; print('numba' in sys.modules, 'scipy' in sys.modules)"
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", code], env=env, cwd=cwd,
                          capture_output=True, text=True, check=True)
    cumulative = None
    for line in done.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[2].strip() == "infomap_py":
            cumulative = int(parts[1]) / 1000
    if cumulative is None:
        raise RuntimeError(f"no infomap_py line in -X importtime:\n{done.stderr}")
    numba, scipy = (word == "True" for word in done.stdout.split())
    return cumulative, numba, scipy


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--network", default="examples/karate.txt",
                        help="the network file (default: the README's karate club)")
    parser.add_argument("--trials", type=int, default=10, help="-N of the command (default 10)")
    parser.add_argument("--formats", default="clu,tree", help="-o of the command")
    parser.add_argument("--two-level", action="store_true", help="add --two-level")
    parser.add_argument("--warm-runs", type=int, default=3)
    parser.add_argument("--import-runs", type=int, default=5)
    parser.add_argument("--import-only", action="store_true",
                        help="measure the import only (c), not the runs (a, b)")
    parser.add_argument("--per-kernel", action="store_true",
                        help="record the compile time of every kernel in the cold run")
    parser.add_argument("--top", type=int, default=0,
                        help="print only the TOP longest kernels (default: all)")
    parser.add_argument("--json", type=Path, metavar="PATH", help="write the figures here")
    parser.add_argument("--record-compiles", nargs=2, metavar=("EVENTS", "CLI_ARGS"),
                        help=argparse.SUPPRESS)  # the child of --per-kernel
    args = parser.parse_args(argv)
    if args.record_compiles:
        events, cli_args = args.record_compiles
        return record_compiles(events, json.loads(cli_args))

    network = Path(args.network).resolve()
    if not network.is_file():
        parser.error(f"argument --network: no file {args.network!r}")
    if args.import_only and args.per_kernel:
        parser.error("argument --per-kernel: not with --import-only")
    figures: dict = {}
    if not args.import_only:
        figures.update(measure_runs(args, network))
    figures["import"] = measure_import(args.import_runs)
    print_figures(figures, args.top)
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
        print(f"wrote {args.json}")
    return 0


def measure_runs(args: argparse.Namespace, network: Path) -> dict:
    """(a), (b) and, with ``--per-kernel``, (d)."""
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "numba-cache"
        cache.mkdir()
        cli_args = [str(network), str(Path(tmp) / "out"), "-N", str(args.trials),
                    "-o", args.formats] + (["--two-level"] if args.two_level else [])
        plain = [sys.executable, "-m", "infomap_py", *cli_args]
        events_file = Path(tmp) / "events.json"
        recording = [sys.executable, "-m", "benchmarks.bench_coldstart", "--record-compiles",
                     str(events_file), json.dumps(cli_args)]
        install = fresh_package(Path(tmp) / "install")
        env = child_env(str(cache), shipped=False, package_root=install)
        print(f"command: python -m infomap_py {network.name} OUTDIR "
              f"{' '.join(cli_args[2:])}")

        unfit = shipped_unfit()
        shipped = []
        for run in range(args.warm_runs if unfit is None else 0):
            own_cache = Path(tmp) / f"shipped-cache-{run}"
            own_cache.mkdir()
            own_install = fresh_package(Path(tmp) / f"install-{run}")
            shipped.append(run_child(plain, child_env(str(own_cache), package_root=own_install),
                                     own_install))
        cold = run_child(recording if args.per_kernel else plain, env, install)
        warm = [run_child(plain, env, install) for _ in range(args.warm_runs)]
        kernels = compiles = None
        if args.per_kernel:
            compiles = exclusive_times(json.loads(events_file.read_text()))
            kernels = per_kernel(compiles)

    figures = {
        "command": ["python", "-m", "infomap_py", str(args.network), "OUTDIR", *cli_args[2:]],
        "shipped": ({"unfit": unfit} if unfit is not None else
                    {"median_seconds": statistics.median(run["seconds"] for run in shipped),
                     "seconds": [run["seconds"] for run in shipped],
                     "peak_mib": max(run["peak_mib"] for run in shipped),
                     "compile_notice": any("compiling kernels" in run["stderr"]
                                           for run in shipped)}),
        "cold": {"seconds": cold["seconds"], "peak_mib": cold["peak_mib"],
                 "compile_notice": "compiling kernels" in cold["stderr"]},
        "warm": {"median_seconds": statistics.median(run["seconds"] for run in warm),
                 "seconds": [run["seconds"] for run in warm],
                 "peak_mib": max(run["peak_mib"] for run in warm),
                 "compile_notice": any("compiling kernels" in run["stderr"] for run in warm)},
    }
    if kernels is not None:
        figures["kernels"] = kernels
        figures["compile_total_seconds"] = sum(row["seconds"] for row in kernels)
        figures["compilations"] = len(compiles)
    return figures


def measure_import(runs: int) -> dict:
    """(c): ``import infomap_py`` in fresh processes (after one that writes
    the package's bytecode)."""
    with tempfile.TemporaryDirectory() as tmp:
        install = fresh_package(Path(tmp))
        env = child_env(package_root=install)
        importing = [sys.executable, "-c", "import infomap_py"]
        run_child(importing, env, install)
        imports = [run_child(importing, env, install) for _ in range(runs)]
        bare = [run_child([sys.executable, "-c", "pass"], env, install) for _ in range(runs)]
        own_ms, imports_numba, imports_scipy = import_time_ms(env, install)
    return {"runs": runs,
            "median_seconds": statistics.median(run["seconds"] for run in imports),
            "peak_mib": max(run["peak_mib"] for run in imports),
            "python_startup_median_seconds": statistics.median(run["seconds"] for run in bare),
            "python_startup_peak_mib": max(run["peak_mib"] for run in bare),
            "infomap_py_importtime_ms": own_ms,
            "imports_numba": imports_numba, "imports_scipy": imports_scipy}


def print_figures(figures: dict, top: int) -> None:
    """The table of runs and, when measured, of kernels."""
    imp = figures["import"]
    rows = []
    if "cold" in figures:
        cold, warm, shipped = figures["cold"], figures["warm"], figures["shipped"]
        if "unfit" not in shipped:
            rows.append((f"first run, shipped kernels (median of {len(shipped['seconds'])})",
                         shipped["median_seconds"], shipped["peak_mib"]))
        rows.append(("first run, compiling (no shipped)", cold["seconds"], cold["peak_mib"]))
        rows.append((f"warm, on that cache (median of {len(warm['seconds'])})",
                     warm["median_seconds"],
                     warm["peak_mib"]))
    rows.append((f"import infomap_py (median of {imp['runs']})", imp["median_seconds"],
                 imp["peak_mib"]))
    rows.append((f"python -c pass (median of {imp['runs']})",
                 imp["python_startup_median_seconds"], imp["python_startup_peak_mib"]))
    if "unfit" in figures.get("shipped", {}):
        print(f"the shipped kernels cannot serve this machine: {figures['shipped']['unfit']}")
    print(f"{'run':46s} {'seconds':>9s} {'peak MiB':>9s}")
    for label, seconds, peak in rows:
        print(f"{label:46s} {seconds:9.2f} {peak:9.0f}")
    print(f"-X importtime of infomap_py: {imp['infomap_py_importtime_ms']:.0f} ms; "
          f"imports numba: {imp['imports_numba']}, scipy: {imp['imports_scipy']}")
    if "cold" in figures:
        print(f"compile notice on the cold run: {figures['cold']['compile_notice']}, "
              f"on a warm run: {figures['warm']['compile_notice']}, on a shipped run: "
              f"{figures['shipped'].get('compile_notice', 'not run')}")
    kernels = figures.get("kernels")
    if kernels is None:
        return
    total = figures["compile_total_seconds"]
    shown = kernels[:top] if top > 0 else kernels
    width = max([len(row["kernel"]) for row in shown] + [20])
    print(f"\n{'kernel':{width}s} {'specs':>5s} {'seconds':>8s} {'share':>6s}")
    for row in shown:
        print(f"{row['kernel']:{width}s} {row['specializations']:5d} {row['seconds']:8.2f} "
              f"{row['seconds'] / total:6.1%}")
    if len(shown) < len(kernels):
        rest = kernels[len(shown):]
        print(f"{f'... {len(rest)} more':{width}s} "
              f"{sum(r['specializations'] for r in rest):5d} "
              f"{sum(r['seconds'] for r in rest):8.2f}")
    print(f"{'total':{width}s} {sum(r['specializations'] for r in kernels):5d} {total:8.2f} "
          f"({figures['compilations']} compilations, "
          f"{total / figures['cold']['seconds']:.0%} of the cold run)")


if __name__ == "__main__":
    sys.exit(main())
