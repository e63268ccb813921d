"""Compile the kernels ahead of time into ``infomap_py/_core/compiled/``.

Run this after every change to a file in ``infomap_py/_core/`` (the tests
fail while the shipped code is out of date):

    python scripts/ship_kernels.py

It runs a set of typical jobs (the command-line tool on the bundled
examples, the Python API on first-order, memory, multilayer and bipartite
networks, every objective) in a child process whose Numba cache is empty,
whose shipped kernels are off and whose code is compiled for the baseline
CPU model of :mod:`infomap_py._core._shipped`; then it replaces the shipped
folder with the cache that child filled and writes the manifest.  A second
child runs the same jobs on the new folder and notes which kernels it loads;
the others (kernels that only other kernels call, whose code is in their
callers' already) are left out, a third of the size.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


def workload() -> None:
    """The jobs whose kernels are shipped (run in the child process)."""
    import warnings

    import networkx as nx
    import numpy as np

    import infomap_py
    from infomap_py.cli import main

    warnings.simplefilter("ignore")
    out = tempfile.mkdtemp()
    karate = str(EXAMPLES / "karate.txt")
    for args in (["-N", "10", "-o", "clu,tree"], ["--two-level", "-o", "clu,ftree,json,csv"],
                 ["-d", "-N", "2"], ["--markov-time", "0.8", "-2"]):
        main([karate, out, "--silent", *args])
    for name, extra in (("memory.net", ["-o", "clu,tree,states"]), ("layers.net", []),
                        ("bipartite.net", []), ("memory.net", ["--two-level"])):
        main([str(EXAMPLES / name), out, "--silent", *extra])
    named = os.path.join(out, "named.txt")  # node names instead of numbers
    with open(named, "w", encoding="utf-8") as handle:
        handle.write("ann bob\nbob cid\ncid ann\ndan eve\neve fay\nfay dan\nann dan\n")
    main([named, out, "--silent"])
    shutil.rmtree(out, ignore_errors=True)

    graphs = [nx.karate_club_graph(), nx.gnp_random_graph(60, 0.08, seed=1, directed=True)]
    for G in graphs:
        for two_level in (False, True):
            res = infomap_py.cluster(G, trials=2, seed=1, two_level=two_level)
            infomap_py.codelength(G, res.labels)
            infomap_py.evaluate(G, res.tree)
        infomap_py.compute_flow(G)
        for options in ({"regularized": True}, {"entropy_corrected": True},
                        {"preferred_number_of_modules": 3}, {"variable_markov_time": True},
                        {"markov_time": 2.0}, {"meta_data": [i % 3 for i in range(len(G))]},
                        {"preferred_number_of_levels": 2}, {"flow_model": "rawdir"}):
            infomap_py.cluster(G, seed=1, **options)
    edges = np.array([[0, 1], [1, 2], [2, 0], [2, 3], [3, 4], [4, 5], [5, 3]])
    infomap_py.cluster(edges, seed=1)
    karate = graphs[0]
    infomap_py.cluster(karate, seed=1, initial_partition={n: n % 4 for n in karate})
    infomap_py.cluster(nx.connected_caveman_graph(10, 5), seed=1, two_level=True)  # merges
    lonely = nx.DiGraph(nx.barbell_graph(6, 0))  # nodes without links, reached by teleportation
    lonely.add_nodes_from(range(12, 16))
    infomap_py.cluster(lonely, seed=1, recorded_teleportation=True, to_nodes=True)
    layers = infomap_py.read_network(str(EXAMPLES / "layers.net"))
    infomap_py.cluster(layers.to_state_network(relax_to_self=True), seed=1)
    # A state network whose modules split into sub-modules: the multilevel
    # search cuts their sub-networks out from Python (the first large state
    # network compiled them).
    nested = nx.disjoint_union_all([nx.connected_caveman_graph(4, 6) for _ in range(3)])
    nested.add_edges_from([(0, 24), (24, 48), (48, 0)])
    pairs = np.array(nested.edges, dtype=np.int64)
    size = nested.number_of_nodes()
    infomap_py.cluster(infomap_py.StateNetwork(
        infomap_py.Network(pairs[:, 0], pairs[:, 1], np.ones(len(pairs)), size, False,
                           range(size)),
        np.arange(size) // 2, range(size // 2)), seed=1)
    # The shared-neighbour weights of clustering points (the default weighting).
    from infomap_py.points import neighbor_weights

    neighbor_weights(np.array([[1, 2], [0, 2], [0, 1], [2, 1]]), np.ones((4, 2)), "snn")
    # The sharded core loop calls the sweep kernel from Python (a Dask worker
    # would compile it on its first round): two shards, as sequential steps.
    from infomap_py import _sharded

    caveman = np.array(nx.connected_caveman_graph(6, 8).edges, dtype=np.int64)
    shards = _sharded.Sharding(2, "hash", int(caveman.max()))
    rows = _sharded.edge_rows(caveman[:, 0], caveman[:, 1], np.ones(len(caveman)), shards)
    _sharded.run(_sharded.InProcess(), [[rows[0]], [rows[1]]], shards, 1,
                 {"seed": 1, "two_level": True}, coarse_threshold=2, max_rounds=3,
                 min_moved=1e-3, sweeps_per_round=1, max_levels=2)


def build(folder: Path) -> dict:
    """Compile the kernels in a child and move its cache into ``folder``."""
    from infomap_py._core import _shipped

    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache, NUMBA_CPU_NAME=_shipped.TARGET_CPU,
                   NUMBA_CPU_FEATURES=_shipped.TARGET_TM_FEATURES, **{_shipped.SWITCH: "0"})
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
        start = time.perf_counter()
        subprocess.run([sys.executable, __file__, "--workload"], env=env, check=True)
        seconds = time.perf_counter() - start
        core = [d for d in Path(cache).iterdir() if d.name.startswith("_core_")]
        if len(core) != 1:
            raise SystemExit(f"expected one cache folder of infomap_py/_core in {cache}, "
                             f"found {[d.name for d in core]}")
        if folder.exists():
            shutil.rmtree(folder)
        shutil.copytree(core[0], folder)
    import numba

    from infomap_py._core._jit import _kernels_stamp

    manifest = {"numba": numba.__version__, "python": _shipped.python_tag(),
                "triple": _shipped.host_triple(), "cpu": _shipped.TARGET_CPU,
                "features": list(_shipped.TARGET_FEATURES),
                "kernel_sources": _kernels_stamp().hex()}
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    kernels = prune(folder, env)
    manifest["files"] = len(list(folder.glob("*.nbc")))
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    size = sum(p.stat().st_size for p in folder.iterdir())
    print(f"compiled in {seconds:.1f} s; shipped {kernels} kernels, "
          f"{manifest['files']} signatures: "
          f"{size / 2**20:.1f} MiB in {folder}")
    return manifest


def loaded_kernels(report: Path) -> None:
    """Run :func:`workload` on the shipped code; write the file name bases
    of the kernels loaded from it to ``report`` (run in the child)."""
    from infomap_py._core import _shipped

    loaded = set()
    load = _shipped.ShippedFirstCache._load_overload

    def spy(cache, sig, target_context):
        data = load(cache, sig, target_context)
        if data is not None:
            loaded.add(cache._impl.filename_base)
        return data

    _shipped.ShippedFirstCache._load_overload = spy
    workload()
    report.write_text("\n".join(sorted(loaded)) + "\n")


def prune(folder: Path, env: dict) -> int:
    """Remove the kernels :func:`workload` does not load from ``folder``;
    return how many were kept."""
    from infomap_py._core import _shipped

    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "loaded.txt"
        env = dict(env, NUMBA_CACHE_DIR=tmp)
        del env[_shipped.SWITCH]
        subprocess.run([sys.executable, __file__, "--loaded", str(report)], env=env,
                       check=True)
        keep = set(report.read_text().split())
    if not keep:
        raise SystemExit("no kernel was loaded from the shipped folder: nothing to ship")
    for path in folder.iterdir():
        base = path.name.split(".nbi")[0] if path.suffix == ".nbi" else path.name.rsplit(".", 2)[0]
        if base not in keep:
            path.unlink()
    return len(keep)


if __name__ == "__main__":
    if sys.argv[1:] == ["--workload"]:
        workload()
    elif sys.argv[1:2] == ["--loaded"]:
        loaded_kernels(Path(sys.argv[2]))
    else:
        sys.path.insert(0, str(ROOT))
        from infomap_py._core import _shipped

        build(Path(_shipped.SHIPPED_FOLDER))
