"""Parity with the official Infomap (the ``infomap`` package, a test-only oracle).

On the example networks that ship with the official package and on
Zachary's karate club, infomap-py's two-level codelength equals the
official one to 1e-6 bits or is lower, with the same number of trials, for
every flow option; node flows agree to 1e-9; both packages score the same
partition equally.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

import infomap_py
from infomap_py.network import Network

from conftest import EXAMPLE_NETWORKS, official_cluster, official_score, read_example_network

TRIALS = 40


def karate():
    G = nx.karate_club_graph()
    edges = np.array([(u, v, 1.0) for u, v in G.edges()])
    return edges, G.number_of_nodes()


def load(name):
    return karate() if name == "karate" else read_example_network(name)


def as_network(edges, n, directed):
    return Network(edges[:, 0].astype(np.int64), edges[:, 1].astype(np.int64),
                   edges[:, 2].astype(float), n, directed, range(n))


OFFICIAL_NAMES = {
    "to_nodes": "to_nodes",
    "recorded_teleportation": "recorded_teleportation",
    "flow_model": "flow_model",
    "markov_time": "markov_time",
    "teleportation": "teleportation_probability",
}


def official_options(options):
    return {OFFICIAL_NAMES[k]: v for k, v in options.items()}


NETWORKS = list(EXAMPLE_NETWORKS) + ["karate"]
VARIANTS = [
    (False, {}),
    (True, {}),
    (True, {"to_nodes": True}),
    (True, {"recorded_teleportation": True}),
    (True, {"recorded_teleportation": True, "to_nodes": True}),
    (True, {"flow_model": "undirdir"}),
    (True, {"flow_model": "outdirdir"}),
    (True, {"flow_model": "rawdir"}),
    (False, {"markov_time": 0.5}),
    (False, {"markov_time": 2.0}),
    (True, {"markov_time": 0.5}),
    (True, {"markov_time": 2.0}),
    (True, {"teleportation": 0.3}),
]


def variant_id(variant):
    directed, options = variant
    parts = ["directed" if directed else "undirected"] + [f"{k}={v}" for k, v in options.items()]
    return "-".join(parts)


@pytest.mark.parametrize("variant", VARIANTS, ids=variant_id)
@pytest.mark.parametrize("name", NETWORKS)
def test_codelength_no_worse_than_official(name, variant):
    directed, options = variant
    edges, n = load(name)
    network = as_network(edges, n, directed)
    ours = infomap_py.cluster(network, trials=TRIALS, seed=7, two_level=True, **options)
    theirs = official_cluster(edges, n, directed, num_trials=TRIALS, seed=7,
                              **official_options(options))
    assert ours.codelength <= theirs["codelength"] + 1e-6, (ours, theirs["codelength"])
    # The reported codelength is the codelength of the reported partition ...
    again = infomap_py.codelength(network, ours.labels, **options)
    assert float(again) == pytest.approx(ours.codelength, abs=1e-9)
    # ... and the official package scores that partition the same.
    scored = official_score(edges, n, ours.labels, directed, **official_options(options))
    assert scored["codelength"] == pytest.approx(ours.codelength, abs=1e-9)


@pytest.mark.parametrize("variant", VARIANTS, ids=variant_id)
@pytest.mark.parametrize("name", NETWORKS)
def test_node_flow_equals_official(name, variant):
    directed, options = variant
    edges, n = load(name)
    flow = infomap_py.compute_flow(as_network(edges, n, directed), **options)
    theirs = official_cluster(edges, n, directed, **official_options(options))
    np.testing.assert_allclose(flow.node_flow, theirs["flow"], atol=1e-9, rtol=0)


@pytest.mark.parametrize("variant", VARIANTS, ids=variant_id)
@pytest.mark.parametrize("name", NETWORKS)
def test_link_flow_scores_like_official(name, variant):
    """The link flow, which node flow does not show (Markov time scales it
    alone): both packages score a fixed partition equally, index and module
    codelength included."""
    directed, options = variant
    edges, n = load(name)
    labels = np.arange(n) % 3
    ours = infomap_py.codelength(as_network(edges, n, directed), labels, **options)
    theirs = official_score(edges, n, labels, directed, **official_options(options))
    assert float(ours) == pytest.approx(theirs["codelength"], abs=1e-9)
    assert ours.index_codelength == pytest.approx(theirs["index_codelength"], abs=1e-9)
    assert ours.module_codelength == pytest.approx(theirs["module_codelength"], abs=1e-9)
    if "markov_time" in options:
        plain = {k: v for k, v in options.items() if k != "markov_time"}
        unscaled = official_score(edges, n, labels, directed, **official_options(plain))
        assert abs(unscaled["codelength"] - theirs["codelength"]) > 1e-6


@pytest.mark.parametrize("variant", VARIANTS, ids=variant_id)
@pytest.mark.parametrize("name", ["ninetriangles", "modular_wd", "karate"])
def test_score_of_official_partition_equals_official(name, variant):
    """``codelength`` of the official partition equals the official codelength,
    index and module parts included."""
    directed, options = variant
    edges, n = load(name)
    theirs = official_cluster(edges, n, directed, num_trials=3, seed=1,
                              **official_options(options))
    ours = infomap_py.codelength(as_network(edges, n, directed), theirs["labels"], **options)
    assert float(ours) == pytest.approx(theirs["codelength"], abs=1e-9)
    if theirs["num_modules"] > 1:
        assert ours.index_codelength == pytest.approx(theirs["index_codelength"], abs=1e-9)
        assert ours.module_codelength == pytest.approx(theirs["module_codelength"], abs=1e-9)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_partitions_score_like_official(seed):
    """Arbitrary (bad) partitions score the same in both packages."""
    edges, n = load("modular_wd")
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 5, n)
    for directed in (False, True):
        ours = infomap_py.codelength(as_network(edges, n, directed), labels)
        theirs = official_score(edges, n, labels, directed)
        assert float(ours) == pytest.approx(theirs["codelength"], abs=1e-9)


def test_karate_matches_the_published_official_codelength():
    res = infomap_py.cluster(nx.karate_club_graph(), weight=None, trials=10, two_level=True)
    edges, n = karate()
    theirs = official_cluster(edges, n, False, num_trials=10)
    assert res.codelength == pytest.approx(theirs["codelength"], abs=1e-6)
    assert res.num_modules == theirs["num_modules"]
