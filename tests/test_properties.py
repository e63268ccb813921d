"""Property tests on random small graphs (hypothesis)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import infomap_py
from infomap_py.network import Network

import reference


@st.composite
def small_networks(draw):
    n = draw(st.integers(1, 14))
    m = draw(st.integers(0, 40))
    ids = st.integers(0, n - 1)
    links = draw(st.lists(st.tuples(ids, ids, st.floats(0.01, 10.0)), min_size=m, max_size=m))
    directed = draw(st.booleans())
    edges = np.array(links, dtype=float).reshape(-1, 3)
    return Network(edges[:, 0].astype(np.int64), edges[:, 1].astype(np.int64), edges[:, 2],
                   n, directed, range(n))


OPTIONS = st.sampled_from([
    {}, {"recorded_teleportation": True}, {"to_nodes": True}, {"markov_time": 0.7},
    {"flow_model": "undirdir"}, {"flow_model": "rawdir"},
])

SETTINGS = settings(max_examples=60, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(network=small_networks(), options=OPTIONS, seed=st.integers(0, 2**31))
def test_cluster_is_consistent(network, options, seed):
    if options.get("flow_model") in ("undirdir", "rawdir") and not network.directed:
        options = {}
    res = infomap_py.cluster(network, seed=seed, trials=2, **options)
    assert res.labels.shape == (network.num_nodes,)
    again = infomap_py.codelength(network, res.paths, **options)
    assert float(again) == pytest.approx(res.codelength, abs=1e-9)
    assert res.codelength <= res.one_level_codelength + 1e-9
    assert res.codelength >= -1e-12
    # The same seed gives the same tree.
    assert infomap_py.cluster(network, seed=seed, trials=2, **options).paths == res.paths
    # A two-level result scores as its labels.
    flat = infomap_py.cluster(network, seed=seed, trials=2, two_level=True, **options)
    assert float(infomap_py.codelength(network, flat.labels, **options)) == pytest.approx(
        flat.codelength, abs=1e-9)
    assert res.codelength <= flat.codelength + 1e-9


@SETTINGS
@given(network=small_networks(), data=st.data())
def test_codelength_matches_reference_on_any_partition(network, data):
    labels = np.array(data.draw(st.lists(st.integers(0, 3), min_size=network.num_nodes,
                                         max_size=network.num_nodes)), dtype=np.int64)
    flow = infomap_py.compute_flow(network)
    ours = infomap_py.codelength(network, labels)
    if flow.link_flow.shape[0] == 0 and not flow.node_flow.any():
        assert float(ours) == 0.0
        return
    links = {}
    for u, v, f in zip(*(a.tolist() for a in flow.directed_links())):
        links[(u, v)] = links.get((u, v), 0.0) + f
    dense = np.unique(labels, return_inverse=True)[1]
    index, module = reference.map_equation(flow.node_flow, dense, links)
    assert ours.index_codelength == pytest.approx(index, abs=1e-12)
    assert ours.module_codelength == pytest.approx(module, abs=1e-12)
