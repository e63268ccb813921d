"""igraph in (``cluster(g)``) and out (``res.to_igraph(g)``)."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

import infomap_py

ig = pytest.importorskip("igraph", reason="python-igraph is not installed (the igraph extra)")


def karate():
    G = nx.karate_club_graph()
    g = ig.Graph(n=G.number_of_nodes(), edges=list(G.edges()))
    g.es["weight"] = [d["weight"] for *_, d in G.edges(data=True)]
    return G, g


def digraph():
    D = nx.DiGraph()
    D.add_weighted_edges_from([(0, 1, 2.0), (1, 2, 1.0), (2, 0, 3.0), (2, 3, 0.5), (3, 4, 1.0),
                               (4, 5, 2.0), (5, 3, 1.0), (5, 0, 0.25)])
    g = ig.Graph(n=6, edges=[(u, v) for u, v in D.edges()], directed=True)
    g.es["weight"] = [w for *_, w in D.edges(data="weight")]
    return D, g


def test_weighted_undirected_graph_scores_as_networkx():
    G, g = karate()
    labels = infomap_py.cluster(G, seed=3).labels
    assert infomap_py.codelength(g, labels) == pytest.approx(
        infomap_py.codelength(G, labels), abs=1e-12)
    assert infomap_py.cluster(g, seed=3).codelength == pytest.approx(
        infomap_py.cluster(G, seed=3).codelength, abs=1e-12)


def test_directed_graph_keeps_its_direction():
    D, g = digraph()
    labels = [0, 0, 0, 1, 1, 1]
    expected = infomap_py.codelength(D, labels)
    assert infomap_py.codelength(g, labels) == pytest.approx(expected, abs=1e-12)
    # ... and differs from the undirected reading, so the test can tell them apart.
    assert infomap_py.codelength(g, labels, directed=False) != pytest.approx(expected)
    assert infomap_py.evaluate(g, labels).codelength == pytest.approx(expected, abs=1e-12)
    np.testing.assert_allclose(infomap_py.compute_flow(g).node_flow,
                               infomap_py.compute_flow(D).node_flow, atol=1e-15)


def test_directed_true_on_undirected_graph_as_networkx():
    G, g = karate()
    labels = infomap_py.cluster(G, seed=1).labels
    assert infomap_py.codelength(g, labels, directed=True) == pytest.approx(
        infomap_py.codelength(G, labels, directed=True), abs=1e-12)


def test_vertex_names_are_node_labels():
    G = nx.relabel_nodes(nx.karate_club_graph(), lambda i: f"v{i}")
    g = ig.Graph(n=34, edges=[(int(u[1:]), int(v[1:])) for u, v in G.edges()])
    g.vs["name"] = [f"v{i}" for i in range(34)]
    res = infomap_py.cluster(g, weight=None, seed=2)
    assert res.nodes == [f"v{i}" for i in range(34)]
    assert res.codelength == pytest.approx(infomap_py.codelength(G, res.as_dict(), weight=None),
                                           abs=1e-12)


def test_other_weight_attribute_and_unweighted():
    G, g = karate()
    g.es["w"] = g.es["weight"]
    del g.es["weight"]
    labels = infomap_py.cluster(G, seed=1).labels
    assert infomap_py.codelength(g, labels, weight="w") == pytest.approx(
        infomap_py.codelength(G, labels), abs=1e-12)
    # No "weight" attribute: every weight is 1, as a missing networkx attribute.
    assert infomap_py.codelength(g, labels) == pytest.approx(
        infomap_py.codelength(G, labels, weight=None), abs=1e-12)


def test_bad_igraph_input_names_the_argument():
    G, g = karate()
    with pytest.raises(ValueError, match="weight='w' names no edge attribute"):
        infomap_py.cluster(g, weight="w")
    g.es["weight"] = [-1.0] + g.es["weight"][1:]
    with pytest.raises(ValueError, match="finite and >= 0"):
        infomap_py.cluster(g)
    g.es["weight"] = ["a"] * g.ecount()
    with pytest.raises(TypeError, match="'weight' must hold numbers"):
        infomap_py.cluster(g)
    h = ig.Graph(n=2, edges=[(0, 1)])
    h.vs["name"] = ["a", "a"]
    with pytest.raises(ValueError, match="'a' names more than one vertex"):
        infomap_py.cluster(h)


def test_to_igraph_round_trips():
    G, g = karate()
    res = infomap_py.cluster(g, seed=4)
    clustering = res.to_igraph(g)
    assert isinstance(clustering, ig.VertexClustering) and clustering.graph is g
    assert clustering.membership == res.labels.tolist()
    assert len(clustering) == res.num_modules
    two = infomap_py.cluster(g, two_level=True, seed=4)
    assert infomap_py.codelength(g, two.to_igraph(g).membership) == pytest.approx(
        two.codelength, abs=1e-12)
    assert res.to_igraph(g, level=res.num_levels - 1).membership == \
        res.modules_at(res.num_levels - 1).tolist()


def test_to_igraph_matches_vertices_by_name():
    g = ig.Graph.Famous("Zachary")
    g.vs["name"] = [f"v{i}" for i in range(g.vcount())]
    res = infomap_py.cluster(g, seed=1)
    order = list(reversed(range(g.vcount())))
    h = g.permute_vertices(order)  # the same graph, vertices in another order
    clustering = res.to_igraph(h)
    assert dict(zip(h.vs["name"], clustering.membership)) == res.as_dict()
    with pytest.raises(ValueError, match="does not belong to this result"):
        res.to_igraph(ig.Graph(n=3))


def test_to_igraph_without_graph_builds_the_network():
    D, g = digraph()
    res = infomap_py.cluster(D, seed=1)
    clustering = res.to_igraph()
    built = clustering.graph
    assert built.is_directed() and built.vcount() == 6 and built.ecount() == 8
    assert infomap_py.cluster(built, seed=1).codelength == pytest.approx(res.codelength,
                                                                         abs=1e-12)
