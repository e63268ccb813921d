"""Latency on a small graph: the first call in a fresh process and the
per-call time after it, on Zachary's karate club.

    python -m benchmarks.latency [OUT.json]

Run it in a fresh process with the kernels already cached on disk: the
first call then loads them from the cache instead of compiling.
"""

from __future__ import annotations

import json
import sys
import time


def measure(calls: int = 50) -> dict:
    start = time.perf_counter()
    import networkx as nx

    import infomap_py

    graph = nx.karate_club_graph()
    imported = time.perf_counter()
    infomap_py.cluster(graph, two_level=True)
    first = time.perf_counter()
    record = {"import_seconds": imported - start, "first_call_seconds": first - imported}
    for label, two_level in (("two_level", True), ("multilevel", False)):
        times = []
        for _ in range(calls):
            tick = time.perf_counter()
            infomap_py.cluster(graph, two_level=two_level)
            times.append(time.perf_counter() - tick)
        record[f"{label}_call_ms_median"] = 1000 * sorted(times)[calls // 2]
    return record


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    record = measure()
    text = json.dumps(record, indent=1)
    if argv:
        with open(argv[0], "w") as handle:
            handle.write(text)
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
