"""infomap_py.distributed: trials and many networks on a local Dask cluster.

The cluster is started here (two worker processes, one thread each) and shut
down when the module's tests end; every result is compared with the local
``infomap_py.cluster`` for the same seed.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

import infomap_py
from infomap_py.errors import InfomapArgumentError

distributed = pytest.importorskip("distributed")
from infomap_py import distributed as ipd  # noqa: E402


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None,
                                  local_directory=str(tmp_path_factory.mktemp("dask"))
                                  ) as local_cluster:
        with distributed.Client(local_cluster) as dask_client:
            yield dask_client


# Trials that find different codelengths (les_miserables: a tie between
# trials 1 and 4 of seed 5, so the tie rule counts).
GRAPHS = {"lesmis": nx.les_miserables_graph(), "gnp": nx.gnp_random_graph(40, 0.1, seed=3)}


def assert_same_result(got, expected):
    assert got.nodes == expected.nodes
    np.testing.assert_array_equal(got.labels, expected.labels)
    assert got.codelength == expected.codelength
    assert got.index_codelength == expected.index_codelength
    np.testing.assert_array_equal(got.trial_codelengths, expected.trial_codelengths)
    assert got.paths == expected.paths
    assert got.params == expected.params
    assert got.seed == expected.seed


@pytest.mark.parametrize("name", sorted(GRAPHS))
@pytest.mark.parametrize(("trials", "seed", "options"), [
    (1, 123, {}), (6, 5, {}), (5, 11, {"two_level": True}), (4, 2, {"trial_offset": 3})])
def test_trials_on_dask_equal_the_local_run(client, name, trials, seed, options):
    G = GRAPHS[name]
    expected = infomap_py.cluster(G, trials=trials, seed=seed, **options)
    got = ipd.cluster(G, trials=trials, seed=seed, client=client, **options)
    assert_same_result(got, expected)
