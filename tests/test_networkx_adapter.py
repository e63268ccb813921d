"""The networkx-shaped functions and node attributes."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

import infomap_py
from infomap_py import infomap_communities, map_equation, set_module_attributes

from conftest import official_cluster, official_score, read_example_network


def modular_wd():
    """The official "modular_wd" example (directed, weighted) with node ids
    from 0 (the file's unused id 0 dropped): ``(DiGraph, edges, n)``."""
    edges, n = read_example_network("modular_wd")
    edges[:, :2] -= 1
    D = nx.DiGraph()
    D.add_nodes_from(range(n - 1))
    D.add_weighted_edges_from((int(u), int(v), w) for u, v, w in edges)
    return D, edges, n - 1


def sets_of(labels):
    """The modules of a label array, as sorted lists of node indices."""
    labels = np.asarray(labels)
    return sorted(np.flatnonzero(labels == m).tolist() for m in np.unique(labels))


def test_infomap_communities_returns_sets_of_nodes():
    G = nx.relabel_nodes(nx.connected_caveman_graph(4, 5), lambda i: f"v{i}")
    communities = infomap_communities(G, seed=2)
    assert isinstance(communities, list) and all(isinstance(c, set) for c in communities)
    assert sorted(sorted(c) for c in communities) == sorted(
        sorted(f"v{i}" for i in range(k * 5, k * 5 + 5)) for k in range(4))


def test_infomap_communities_passes_options():
    G = nx.DiGraph(nx.connected_caveman_graph(3, 4))
    a = infomap_communities(G, flow_model="undirected")
    b = infomap_py.cluster(G, flow_model="undirected").modules
    assert a == b


@pytest.mark.parametrize("ours, theirs", [
    ({"flow_model": "undirected"}, {"flow_model": "undirected"}),
    ({"markov_time": 0.5}, {"markov_time": 0.5}),
])
def test_infomap_communities_options_change_the_communities(ours, theirs):
    # On modular_wd the undirected model and a short Markov time each give
    # other communities than the directed default; each equals the official's.
    D, edges, n = modular_wd()
    default = sorted(map(sorted, infomap_communities(D, trials=5)))
    assert default == sets_of(official_cluster(edges, n, True, num_trials=5)["labels"])
    communities = sorted(map(sorted, infomap_communities(D, trials=5, **ours)))
    assert communities != default
    assert communities == sets_of(
        official_cluster(edges, n, True, num_trials=5, **theirs)["labels"])


def test_map_equation_equals_the_official_score():
    # The official package scores the same partition of the weighted karate
    # club (and, with weight=None, of the unweighted one) to 1e-9.
    G = nx.karate_club_graph()
    communities = infomap_communities(G, weight="weight")
    labels = np.zeros(G.number_of_nodes(), dtype=np.int64)
    for k, module in enumerate(communities):
        labels[sorted(module)] = k
    weighted = np.array([(u, v, G[u][v]["weight"]) for u, v in G.edges()], dtype=float)
    unweighted = np.array([(u, v, 1.0) for u, v in G.edges()], dtype=float)
    n = G.number_of_nodes()
    assert map_equation(G, communities) == pytest.approx(
        official_score(weighted, n, labels)["codelength"], abs=1e-9)
    assert map_equation(G, communities, weight=None) == pytest.approx(
        official_score(unweighted, n, labels)["codelength"], abs=1e-9)
    assert map_equation(G, [set(G)]) > map_equation(G, communities)


@pytest.mark.parametrize("ours, theirs", [
    ({}, {}),
    ({"flow_model": "undirected"}, {"flow_model": "undirected"}),
    ({"markov_time": 2.0}, {"markov_time": 2.0}),
    ({"teleportation": 0.3}, {"teleportation_probability": 0.3}),
])
def test_map_equation_passes_flow_options(ours, theirs):
    D, edges, n = modular_wd()
    labels = np.arange(n) % 4
    communities = [set(np.flatnonzero(labels == k).tolist()) for k in range(4)]
    expected = official_score(edges, n, labels, True, **theirs)["codelength"]
    assert map_equation(D, communities, **ours) == pytest.approx(expected, abs=1e-9)
    if ours:
        assert abs(map_equation(D, communities) - expected) > 1e-6


def test_set_module_attributes_writes_every_node():
    G = nx.connected_caveman_graph(3, 4)
    set_module_attributes(G, name="community")
    values = nx.get_node_attributes(G, "community")
    assert set(values) == set(G) and set(values.values()) == {0, 1, 2}
    res = infomap_py.cluster(G)
    H = G.copy()
    set_module_attributes(H, res)
    assert nx.get_node_attributes(H, "module") == res.as_dict()
    with pytest.raises(ValueError, match="nodes differ"):
        set_module_attributes(nx.path_graph(3), res)


def test_infomap_communities_is_the_two_level_optimum():
    # The multilevel tree's top level groups the 12 cliques in 6 pairs; the
    # networkx-shaped function returns the partition of the nodes that the
    # two-level map equation (map_equation) scores best: one module a clique.
    G = nx.ring_of_cliques(12, 6)
    communities = infomap_communities(G, trials=5)
    assert sorted(map(sorted, communities)) == [
        list(range(6 * k, 6 * k + 6)) for k in range(12)]
    assert map_equation(G, communities) == pytest.approx(3.146, abs=5e-4)
    top = infomap_py.cluster(G, trials=5).modules
    assert map_equation(G, communities) < map_equation(G, top)
    with pytest.raises(TypeError, match="two-level"):
        infomap_communities(G, two_level=False)
