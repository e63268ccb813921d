"""The sharded core loop's steps in one process (infomap_py._sharded, no Dask).

The Dask runs are in test_distributed.py; here the shards are sequential
steps, which reach what Dask cannot cheaply: several sharded levels, range
sharding, and results that do not depend on how the links were cut.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

import infomap_py
from infomap_py import _sharded

# Eight planted groups of 50 nodes.
EDGES = np.array(sorted(nx.planted_partition_graph(8, 50, 0.25, 0.005, seed=2).edges),
                 dtype=np.int64)
GROUPS = np.repeat(np.arange(8), 50)


def sharded_run(num_shards, blocks=3, sharding="hash", coarse_threshold=100_000, seed=3):
    shards = _sharded.Sharding(num_shards, sharding, int(EDGES.max()))
    cut = [_sharded.edge_rows(EDGES[b, 0], EDGES[b, 1], np.ones(len(b)), shards)
           for b in np.array_split(np.arange(len(EDGES)), blocks)]
    pieces = [[rows[k] for rows in cut] for k in range(num_shards)]
    return _sharded.run(_sharded.InProcess(), pieces, shards, seed,
                        {"seed": seed, "two_level": True}, coarse_threshold=coarse_threshold,
                        max_rounds=10, min_moved=1e-3, sweeps_per_round=1, max_levels=16)


def check_quality(run):
    from sklearn.metrics import normalized_mutual_info_score

    np.testing.assert_array_equal(run.nodes, np.arange(400))
    assert normalized_mutual_info_score(GROUPS, run.modules) >= 0.99
    local = infomap_py.cluster(EDGES, seed=3, two_level=True)
    assert run.codelength <= local.codelength * 1.01
    scored = infomap_py.codelength(EDGES, dict(zip(run.nodes.tolist(), run.modules.tolist(),
                                                   strict=True)))
    assert run.codelength == pytest.approx(float(scored), rel=1e-9)


def test_several_sharded_levels_before_the_engine():
    run = sharded_run(3, coarse_threshold=10)
    assert len(run.level_modules) >= 2
    # Each level starts from the modules of the one below.
    for (_, below), (nodes, _) in zip(run.level_modules, run.level_modules[1:], strict=False):
        assert nodes == below
    check_quality(run)


def test_range_sharding():
    run = sharded_run(4, sharding="range")
    check_quality(run)


def test_the_result_does_not_depend_on_how_the_links_were_cut():
    a, b = sharded_run(3, blocks=1), sharded_run(3, blocks=5)
    np.testing.assert_array_equal(a.modules, b.modules)
    assert a.codelength == b.codelength
    check_quality(a)


def test_shard_of_hash_is_even_and_range_is_contiguous():
    ids = np.arange(10_000)
    counts = np.bincount(_sharded.shard_of(ids, 8), minlength=8)
    assert counts.min() > 0.9 * 10_000 / 8
    ranged = _sharded.shard_of(ids, 4, "range", 9_999)
    assert np.all(np.diff(ranged) >= 0) and list(np.bincount(ranged)) == [2500] * 4
