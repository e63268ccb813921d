"""GraphRAG community tables: infomap_py.graphrag against the official package.

Generates GraphRAG-shaped ``entities`` and ``relationships`` tables of
``--entities`` entities in a planted two-level hierarchy (groups of about 10
entities, 10 groups to a topic; most relationships within a group, some
within a topic, a few anywhere; every entity and relationship with text-unit
ids), writes them as Parquet files, and times
``infomap_py.graphrag.run_parquet`` and the official
``infomap.tl.run_graphrag_communities`` on them (5 trials, seed 123, both
writing their tables), printing communities per level, codelength and the
median seconds over ``--repeats`` runs, and whether the two tables agree.

    python -m benchmarks.bench_graphrag [--entities 2000 20000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np


def knowledge_graph(n: int, seed: int = 1):
    """Return ``entities`` and ``relationships`` DataFrames of ``n`` entities."""
    import pandas as pd

    rng = np.random.default_rng(seed)
    group = np.arange(n) // 10
    topic = group // 10
    rows = []
    for i in range(n):
        same_group = np.flatnonzero(group == group[i])
        same_topic = np.flatnonzero(topic == topic[i])
        for j in rng.choice(same_group, size=3):
            rows.append((i, j))
        for j in rng.choice(same_topic, size=1):
            rows.append((i, j))
        if rng.random() < 0.3:
            rows.append((i, int(rng.integers(n))))
    pairs = np.array([(a, b) for a, b in rows if a != b])
    entities = pd.DataFrame({"id": [f"ent-{i}" for i in range(n)],
                             "title": [f"ENTITY {i}" for i in range(n)],
                             "text_unit_ids": [[f"tu-{i // 5}"] for i in range(n)]})
    relationships = pd.DataFrame({
        "id": [f"rel-{k}" for k in range(len(pairs))],
        "source": [f"ENTITY {a}" for a in pairs[:, 0]],
        "target": [f"ENTITY {b}" for b in pairs[:, 1]],
        "weight": rng.integers(1, 5, size=len(pairs)).astype(float),
        "text_unit_ids": [[f"tu-{a // 5}"] for a in pairs[:, 0]],
    })
    return entities, relationships


def _levels(communities) -> str:
    counts = communities.groupby("level").size()
    return "/".join(str(int(c)) for c in counts)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, nargs="+", default=[2000, 20000])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    from infomap.tl import run_graphrag_communities

    from infomap_py import graphrag

    print("| entities | relationships | tool | communities per level | codelength | seconds |")
    print("|---:|---:|---|---|---:|---:|")
    for n in args.entities:
        entities, relationships = knowledge_graph(n)
        with tempfile.TemporaryDirectory() as folder:
            index = Path(folder)
            entities.to_parquet(index / "entities.parquet")
            relationships.to_parquet(index / "relationships.parquet")
            graphrag.run_parquet(index, index / "warm", trials=1)  # compile the kernels
            runs = {"infomap_py.graphrag.run_parquet":
                    lambda index=index: graphrag.run_parquet(index, index / "ours"),
                    "official run_graphrag_communities":
                    lambda index=index: run_graphrag_communities(input_dir=index,
                                                                 output_dir=index / "theirs")}
            found = {}
            for name, run in runs.items():
                seconds = []
                for _ in range(args.repeats):
                    start = time.perf_counter()
                    found[name] = run()
                    seconds.append(time.perf_counter() - start)
                tables = found[name]
                print(f"| {n:,} | {len(relationships):,} | {name} | "
                      f"{_levels(tables.communities)} | {tables.result.codelength:.4f} | "
                      f"{np.median(seconds):.2f} |")
        ours, theirs = found.values()
        same = ours.communities[["id", "parent", "level", "size"]].equals(
            theirs.communities[["id", "parent", "level", "size"]])
        print(f"<!-- {n} entities: the same communities (id, parent, level, size): {same} -->")


if __name__ == "__main__":
    main()
