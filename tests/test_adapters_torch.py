"""A torch ``edge_index`` of shape (2, m), weights as a tensor."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

import infomap_py
from infomap_py.adapters.torch import from_edge_index

torch = pytest.importorskip("torch", reason="torch is not installed (the torch extra)")


def karate():
    G = nx.karate_club_graph()
    edge_index = torch.tensor(np.array(G.edges()).T, dtype=torch.long)
    weight = torch.tensor([w for *_, w in G.edges(data="weight")], dtype=torch.float32)
    return G, edge_index, weight


def test_edge_index_scores_as_networkx():
    G, edge_index, weight = karate()
    labels = infomap_py.cluster(G, seed=3).labels
    assert infomap_py.codelength(edge_index, labels, weight=weight) == pytest.approx(
        infomap_py.codelength(G, labels), abs=1e-12)
    assert infomap_py.cluster(edge_index, weight=weight, seed=3).codelength == pytest.approx(
        infomap_py.cluster(G, seed=3).codelength, abs=1e-12)
    assert infomap_py.evaluate(edge_index, labels, weight=weight.numpy()).codelength == \
        pytest.approx(infomap_py.codelength(G, labels), abs=1e-12)
    # Without weights: every weight 1.
    assert infomap_py.codelength(edge_index, labels) == pytest.approx(
        infomap_py.codelength(G, labels, weight=None), abs=1e-12)


def test_both_directions_give_the_same_codelength():
    G, edge_index, weight = karate()
    both = torch.cat([edge_index, edge_index.flip(0)], dim=1)
    labels = infomap_py.cluster(G, seed=3).labels
    assert infomap_py.codelength(both, labels, weight=torch.cat([weight, weight])) == \
        pytest.approx(infomap_py.codelength(G, labels), abs=1e-12)


def test_directed_edge_index_and_flow():
    D = nx.DiGraph()
    D.add_weighted_edges_from([(0, 1, 2.0), (1, 2, 1.0), (2, 0, 3.0), (2, 3, 0.5), (3, 4, 1.0),
                               (4, 5, 2.0), (5, 3, 1.0), (5, 0, 0.25)])
    edge_index = torch.tensor([[u for u, _ in D.edges()], [v for _, v in D.edges()]])
    weight = torch.tensor([w for *_, w in D.edges(data="weight")], dtype=torch.float64)
    labels = [0, 0, 0, 1, 1, 1]
    expected = infomap_py.codelength(D, labels)
    assert infomap_py.codelength(edge_index, labels, directed=True, weight=weight) == \
        pytest.approx(expected, abs=1e-12)
    assert infomap_py.codelength(edge_index, labels, weight=weight) != pytest.approx(expected)
    np.testing.assert_allclose(
        infomap_py.compute_flow(edge_index, directed=True, weight=weight).node_flow,
        infomap_py.compute_flow(D).node_flow, atol=1e-15)


def test_num_nodes_keeps_isolated_nodes():
    net = from_edge_index(torch.tensor([[0, 1], [1, 2]]), num_nodes=5)
    assert net.num_nodes == 5
    with pytest.raises(ValueError, match="num_nodes must exceed the largest node id 2"):
        from_edge_index(torch.tensor([[0, 1], [1, 2]]), num_nodes=2)


def test_bad_edge_index_names_the_argument():
    G, edge_index, weight = karate()
    with pytest.raises(ValueError, match=r"edge_index must have shape \(2, m\).*edge_index.T"):
        infomap_py.cluster(edge_index.T)
    with pytest.raises(TypeError, match="edge_index must hold integer node ids"):
        infomap_py.cluster(edge_index.float())
    with pytest.raises(ValueError, match=r"edge_index node ids must be >= 0"):
        infomap_py.cluster(torch.tensor([[0, -1, 2], [1, 2, 0]]))
    with pytest.raises(ValueError, match=r"weight must hold one weight per edge_index column"):
        infomap_py.cluster(edge_index, weight=weight[:-1])
    with pytest.raises(TypeError, match="weight must be a tensor or array"):
        infomap_py.cluster(edge_index, weight="w")
    with pytest.raises(ValueError, match="finite and >= 0"):
        infomap_py.cluster(edge_index, weight=-weight)
    # An array of weights goes with an edge_index only.
    with pytest.raises(TypeError, match="weight must be the name of an edge attribute"):
        infomap_py.cluster(G, weight=weight)
