"""The networkx-shaped functions and node attributes."""

from __future__ import annotations

import networkx as nx
import pytest

import infomap_py
from infomap_py import infomap_communities, map_equation, set_module_attributes


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


def test_map_equation_scores_communities_like_codelength():
    G = nx.karate_club_graph()
    communities = infomap_communities(G, weight="weight")
    assert map_equation(G, communities) == pytest.approx(
        infomap_py.cluster(G).codelength, abs=1e-9)
    assert map_equation(G, communities, weight=None) == pytest.approx(
        float(infomap_py.codelength(G, communities, weight=None)))
    assert map_equation(G, [set(G)]) > map_equation(G, communities)


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
