"""Trials on a local Dask cluster against trials in this process.

Starts a ``LocalCluster`` of ``--workers`` single-threaded worker processes,
loads the kernels on every worker, then, ``--repeats`` times each
(alternating):

* ``--trials`` two-level trials on a planted-partition graph: in this
  process serially (``n_jobs=1``) and in threads (``n_jobs=None``), and as
  Dask tasks (:func:`infomap_py.distributed.cluster`); the three results
  must be identical (labels, codelength, every trial's codelength);
* ``--tiny-trials`` trials on the karate club, where a trial takes about a
  millisecond: the Dask time per trial is its overhead per trial
  (scheduling, sending the network, computing its flow again in each task,
  sending the winner back);
* ``--graphs`` small planted graphs with :func:`~infomap_py.distributed.cluster_many`
  against a loop of :func:`infomap_py.cluster` here.

Prints medians with their ranges and the machine's load average.

    python -m benchmarks.bench_distributed [--nodes 20000] [--trials 8] [--workers 2]

The sharded core loop (:func:`infomap_py.distributed.cluster_sharded`) has
three benchmarks of its own:

* ``sharded``: a planted-partition graph written as Parquet files, clustered
  by ``cluster_sharded`` on a ``LocalCluster`` (``--shards`` shards on
  ``--workers`` workers) and by ``infomap_py.cluster`` here: codelength, NMI
  against the planted groups, time, rounds, bytes between shards, and every
  worker's resident memory before the run and its peak during it (Linux
  ``VmRSS`` and ``VmHWM``, the peak reset before the run);
* ``simulate``: the same search with every shard a step of this process
  (:class:`infomap_py._sharded.InProcess`), for 8-64 shards: codelength and
  bytes exchanged per round, and each shard's resident state;
* ``memory``: ``sharded`` at several graph sizes, each on a fresh cluster,
  and the growth of the workers' peak memory against the links each worker
  holds, with the simulation's resident state per shard, plotted to
  ``benchmarks/figures/sharded_memory.png``.

    python -m benchmarks.bench_distributed sharded [--nodes 200000] [--shards 4]
    python -m benchmarks.bench_distributed simulate [--nodes 200000] [--shards 8 16 32 64]
    python -m benchmarks.bench_distributed memory [--sizes 25000 50000 100000 200000]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import sys
import tempfile
import time

import networkx as nx
import numpy as np

import infomap_py
from benchmarks.generators import planted_partition
from infomap_py import distributed as ipd


def _timed(run):
    start = time.perf_counter()
    result = run()
    return time.perf_counter() - start, result


def _same(a, b) -> bool:
    return (np.array_equal(a.labels, b.labels) and a.codelength == b.codelength
            and np.array_equal(a.trial_codelengths, b.trial_codelengths))


def _line(label: str, runs: list[float], per: int = 1, unit: str = "s") -> str:
    runs = np.array(runs) / per
    scale = 1000.0 if unit == "ms" else 1.0
    return (f"{label:34s} median {np.median(runs) * scale:8.2f} {unit} "
            f"({runs.min() * scale:.2f}-{runs.max() * scale:.2f}, {len(runs)} runs)")


def main(argv=None) -> None:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] in _SHARDED:
        _SHARDED[argv[0]](argv[1:])
    else:
        _trials(argv)


@contextlib.contextmanager
def _local_client(workers: int):
    """A Dask client of a local cluster of ``workers`` single-threaded worker
    processes (its dashboard on any free port), every worker started."""
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      dashboard_address=":0") as local_cluster, Client(local_cluster) as client:
        client.wait_for_workers(workers)
        yield client


def _trials(argv) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=20_000)
    parser.add_argument("--groups", type=int, default=100)
    parser.add_argument("--trials", type=int, default=8)
    parser.add_argument("--tiny-trials", type=int, default=40)
    parser.add_argument("--graphs", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    edges, _ = planted_partition(args.nodes, args.groups, 14, 0.3, seed=args.seed)
    karate = nx.karate_club_graph()
    many = [planted_partition(500, 10, 10, 0.3, seed=s)[0] for s in range(args.graphs)]
    print(f"planted partition: {args.nodes} nodes, {len(edges)} edges; {args.trials} "
          f"two-level trials; {args.workers} Dask workers (processes, 1 thread each); "
          f"load average before: {os.getloadavg()[0]:.2f}")
    infomap_py.cluster(edges[:200], trials=2, two_level=True)  # compile (or load) the kernels
    seconds: dict[str, list[float]] = {}
    with _local_client(args.workers) as client:
        # Load the kernels on every worker before timing.
        ipd.cluster(edges[:200], trials=2 * args.workers, two_level=True, client=client)
        for _ in range(args.repeats):
            runs = {
                "local, serial (n_jobs=1)": lambda: infomap_py.cluster(
                    edges, trials=args.trials, seed=args.seed, two_level=True, n_jobs=1),
                "local, threads (n_jobs=None)": lambda: infomap_py.cluster(
                    edges, trials=args.trials, seed=args.seed, two_level=True),
                "dask": lambda: ipd.cluster(edges, trials=args.trials, seed=args.seed,
                                            two_level=True, client=client),
            }
            found = {}
            for label, run in runs.items():
                took, found[label] = _timed(run)
                seconds.setdefault(label, []).append(took)
            reference = found["local, serial (n_jobs=1)"]
            assert all(_same(reference, r) for r in found.values()), "results differ"
            took, tiny_local = _timed(lambda: infomap_py.cluster(
                karate, trials=args.tiny_trials, seed=args.seed, n_jobs=1))
            seconds.setdefault("karate local", []).append(took)
            took, tiny_dask = _timed(lambda: ipd.cluster(
                karate, trials=args.tiny_trials, seed=args.seed, client=client))
            seconds.setdefault("karate dask", []).append(took)
            assert _same(tiny_local, tiny_dask), "karate results differ"
            took, many_local = _timed(lambda: [infomap_py.cluster(g, n_jobs=1) for g in many])
            seconds.setdefault("many local", []).append(took)
            took, many_dask = _timed(lambda: ipd.cluster_many(many, client))
            seconds.setdefault("many dask", []).append(took)
            assert all(_same(a, b) for a, b in zip(many_local, many_dask, strict=True)), \
                "many differ"
    print(f"codelength {reference.codelength:.6f}, {reference.num_modules} modules; "
          f"every Dask result identical to the local one")
    for label in runs:
        print(_line(f"{args.trials} trials, {label}", seconds[label]))
    print(_line("karate, per trial, local", seconds["karate local"], args.tiny_trials, "ms"))
    print(_line("karate, per trial, dask", seconds["karate dask"], args.tiny_trials, "ms"))
    print(_line(f"{args.graphs} graphs of 500 nodes, local loop", seconds["many local"]))
    print(_line(f"{args.graphs} graphs of 500 nodes, cluster_many", seconds["many dask"]))
    print(f"load average after: {os.getloadavg()[0]:.2f}")


# --- the sharded core loop ------------------------------------------------------------------


def _status_mb(field: str) -> float | None:
    """A memory field of ``/proc/self/status`` (``VmHWM``, ``VmRSS``) in MB, or
    ``None`` where Linux does not give it."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(f"{field}:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return None


def _peak_rss_mb() -> float:
    """This process's peak resident memory (MB) since the last
    :func:`_reset_peak_rss` (Linux ``VmHWM``), else since it started."""
    peak = _status_mb("VmHWM")
    if peak is None:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    return peak


def _reset_peak_rss() -> float:
    """Start this process's peak resident memory afresh where Linux can
    (``/proc/self/clear_refs``); return the present resident memory (MB)."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:
        return _peak_rss_mb()
    resident = _status_mb("VmRSS")
    return resident if resident is not None else _peak_rss_mb()


def _nmi(a, b) -> float:
    from sklearn.metrics import normalized_mutual_info_score

    return float(normalized_mutual_info_score(a, b))


def _planted_arguments(parser: argparse.ArgumentParser, nodes: int) -> None:
    parser.add_argument("--nodes", type=int, default=nodes)
    parser.add_argument("--group-size", type=int, default=200)
    parser.add_argument("--degree", type=float, default=10.0)
    parser.add_argument("--mixing", type=float, default=0.3)
    parser.add_argument("--seed", type=int, default=1)


def _planted(args, nodes=None):
    nodes = nodes or args.nodes
    return planted_partition(nodes, max(1, nodes // args.group_size), args.degree,
                             args.mixing, seed=args.seed)


def _sharded_run(client, edges, groups, folder, args, warm=True) -> dict:
    """Write ``edges`` as Parquet into ``folder`` and cluster it sharded on
    ``client``; return the figures of the run."""
    import dask.dataframe as dd
    import pandas as pd

    frame = pd.DataFrame({"source": edges[:, 0], "target": edges[:, 1]})
    dd.from_pandas(frame, npartitions=8).to_parquet(folder)
    del frame
    if warm:  # load the kernels on every worker before measuring
        small, _ = planted_partition(2000, 10, args.degree, args.mixing, seed=args.seed)
        ipd.cluster_sharded(small, client, num_shards=args.shards, seed=args.seed,
                            two_level=True)
    before = client.run(_reset_peak_rss)
    took, result = _timed(lambda: ipd.cluster_sharded(folder, client, num_shards=args.shards,
                                                      seed=args.seed, two_level=True))
    after = client.run(_peak_rss_mb)
    rounds = result.rounds
    return {"seconds": took, "result": result, "rss_before": list(before.values()),
            "rss_after": list(after.values()),
            "nmi": _nmi(groups[result.nodes], result.labels),
            "bytes": sum(r["bytes"] for r in rounds),
            "max_round_bytes": max(r["bytes"] for r in rounds), "rounds": len(rounds)}


def _sharded(argv) -> None:
    """``sharded``: one graph, sharded on a local cluster against one machine."""
    parser = argparse.ArgumentParser(description="cluster_sharded against infomap_py.cluster")
    _planted_arguments(parser, 200_000)
    parser.add_argument("--shards", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    edges, groups = _planted(args)
    print(f"planted partition: {args.nodes} nodes, {len(edges)} edges, groups of "
          f"{args.group_size}, mean degree {args.degree}, mixing {args.mixing}; "
          f"{args.shards} shards on {args.workers} workers; load average before: "
          f"{os.getloadavg()[0]:.2f}", flush=True)
    with tempfile.TemporaryDirectory() as folder, _local_client(args.workers) as client:
        run = _sharded_run(client, edges, groups, os.path.join(folder, "net.parquet"), args)
    result = run["result"]
    took, local = _timed(lambda: infomap_py.cluster(edges, seed=args.seed, two_level=True))
    print(f"sharded: codelength {result.codelength:.6f}, {result.num_top_modules} modules, "
          f"NMI {run['nmi']:.4f}, {run['seconds']:.1f} s, {run['rounds']} rounds, "
          f"{run['bytes'] / 1e6:.1f} MB between shards (at most "
          f"{run['max_round_bytes'] / 1e6:.2f} MB in a round); levels "
          f"{result.level_modules}")
    print(f"one machine: codelength {local.codelength:.6f}, {local.num_modules} modules, "
          f"NMI {_nmi(groups, local.labels):.4f}, {took:.1f} s")
    print(f"codelength sharded / one machine - 1: "
          f"{100 * (result.codelength / local.codelength - 1):+.3f} %")
    print("worker RSS before -> peak during the run (MB): " + ", ".join(
        f"{a:.0f} -> {b:.0f}" for a, b in zip(run["rss_before"], run["rss_after"], strict=True)))
    print(f"load average after: {os.getloadavg()[0]:.2f}")


def _shard_state_bytes(edges, num_shards: int) -> list[tuple[int, int]]:
    """``(rows, resident bytes)`` of every shard of a level built from
    ``edges``: its links, flow graph, labels and ghosts (the module table
    it homes comes on top, one entry per module homed there)."""
    from infomap_py import _sharded

    sharding = _sharded.Sharding(num_shards)
    rows = _sharded.edge_rows(edges[:, 0], edges[:, 1], np.ones(len(edges)), sharding)
    shards = [_sharded.build_shard(k, sharding, [rows[k]]) for k in range(num_shards)]
    total = sum(_sharded.total_weight(s) for s in shards)
    sizes = []
    for shard in shards:
        shard = _sharded.start_level(shard, total, 1)
        held = _sharded.nbytes([shard.owned, shard.ghosts, list(shard.rows), shard.labels,
                                list(shard.net.graph), list(shard.net.node_data),
                                shard.net.node_enter, shard.net.node_exit, shard.boundary,
                                list(shard.ghosted_in), list(shard.reported)])
        sizes.append((int(shard.rows[0].shape[0]), held))
    return sizes


def _simulate(argv) -> None:
    """``simulate``: 8-64 shards as sequential steps of this process."""
    from infomap_py import _sharded

    parser = argparse.ArgumentParser(description="the sharded search, shards in one process")
    _planted_arguments(parser, 200_000)
    parser.add_argument("--shards", type=int, nargs="+", default=[8, 16, 32, 64])
    parser.add_argument("--rounds", action="store_true", help="print every round")
    args = parser.parse_args(argv)
    edges, groups = _planted(args)
    print(f"planted partition: {args.nodes} nodes, {len(edges)} edges; load average before: "
          f"{os.getloadavg()[0]:.2f}", flush=True)
    took, local = _timed(lambda: infomap_py.cluster(edges, seed=args.seed, two_level=True))
    print(f"one machine: codelength {local.codelength:.6f}, NMI "
          f"{_nmi(groups, local.labels):.4f}, {took:.1f} s", flush=True)
    print("| shards | rounds | codelength | vs one machine | NMI | MB sent in all | "
          "MB per round (mean, max) | max shard state MB | max shard rows | s |")
    print("|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|")
    for num_shards in args.shards:
        sharding = _sharded.Sharding(num_shards)
        blocks = [_sharded.edge_rows(edges[b, 0], edges[b, 1], np.ones(len(b)), sharding)
                  for b in np.array_split(np.arange(len(edges)), 8)]
        pieces = [[block[k] for block in blocks] for k in range(num_shards)]
        del blocks
        start = time.perf_counter()
        run = _sharded.run(_sharded.InProcess(), pieces, sharding, args.seed,
                           {"seed": args.seed, "two_level": True},
                           coarse_threshold=ipd.COARSE_THRESHOLD, max_rounds=10, min_moved=1e-3,
                           sweeps_per_round=1, max_levels=16)
        took = time.perf_counter() - start
        del pieces
        sent = np.array([r[5] for r in run.rounds], dtype=np.float64)
        state = _shard_state_bytes(edges, num_shards)
        print(f"| {num_shards} | {len(run.rounds)} | {run.codelength:.5f} | "
              f"{100 * (run.codelength / local.codelength - 1):+.3f} % | "
              f"{_nmi(groups[run.nodes], run.modules):.4f} | {sent.sum() / 1e6:.1f} | "
              f"{sent.mean() / 1e6:.2f}, {sent.max() / 1e6:.2f} | "
              f"{max(b for _, b in state) / 1e6:.2f} | {max(r for r, _ in state)} | "
              f"{took:.1f} |", flush=True)
        if args.rounds:
            for level, r, moved, length, modules, nbytes in run.rounds:
                print(f"    level {level:2d} round {r:2d}: moved {moved:7d}, codelength "
                      f"{length:.5f}, modules {modules:7d}, {nbytes / 1e6:.3f} MB")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


def _memory(argv) -> None:
    """``memory``: workers' peak memory against the links each holds."""
    parser = argparse.ArgumentParser(description="peak memory per worker against shard size")
    _planted_arguments(parser, 0)
    parser.add_argument("--sizes", type=int, nargs="+",
                        default=[25_000, 50_000, 100_000, 200_000])
    parser.add_argument("--shards", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--figure", default=os.path.join(os.path.dirname(__file__), "figures",
                                                         "sharded_memory.png"))
    args = parser.parse_args(argv)
    print(f"load average before: {os.getloadavg()[0]:.2f}", flush=True)
    measured = []
    for nodes in args.sizes:
        edges, groups = _planted(args, nodes)
        with tempfile.TemporaryDirectory() as folder, _local_client(args.workers) as client:
            run = _sharded_run(client, edges, groups, os.path.join(folder, "net.parquet"), args)
        growth = max(b - a for a, b in zip(run["rss_before"], run["rss_after"], strict=True))
        rows_per_worker = 2 * len(edges) / args.workers
        state = _shard_state_bytes(edges, args.shards)
        measured.append((nodes, len(edges), rows_per_worker, growth,
                         max(r for r, _ in state), max(b for _, b in state) / 1e6))
        print(f"{nodes} nodes, {len(edges)} edges: {rows_per_worker:.0f} link rows per worker, "
              f"peak RSS growth of a worker {growth:.0f} MB (RSS before "
              f"{max(run['rss_before']):.0f} MB); a shard's resident state "
              f"{measured[-1][5]:.1f} MB for {measured[-1][4]} rows; "
              f"{run['seconds']:.1f} s", flush=True)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.5, 3.8))
    rows = np.array([m[2] for m in measured]) / 1e6
    ax.plot(rows, [m[3] for m in measured], "o-",
            label=f"worker peak RSS growth ({args.shards} shards, {args.workers} workers)")
    ax.plot(np.array([m[4] for m in measured]) / 1e6, [m[5] for m in measured], "s--",
            label="one shard's resident state (arrays)")
    ax.set_xlabel("link rows held (millions; a link is a row at each end)")
    ax.set_ylabel("MB")
    ax.set_title("cluster_sharded: memory against shard size")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    os.makedirs(os.path.dirname(args.figure), exist_ok=True)
    fig.savefig(args.figure, dpi=120)
    print(f"wrote {args.figure}; load average after: {os.getloadavg()[0]:.2f}")


_SHARDED = {"sharded": _sharded, "simulate": _simulate, "memory": _memory}


if __name__ == "__main__":
    main()
