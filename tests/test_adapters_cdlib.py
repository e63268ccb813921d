"""A result as a CDlib ``NodeClustering`` (``res.to_cdlib(G)``).

CDlib is optional (the ``cdlib`` extra, not in the ``test`` extra: it pulls
plotly, PuLP, seaborn and more); the tests that need it skip without it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import networkx as nx
import pytest

import infomap_py

MEMORY_NET = Path(__file__).resolve().parents[1] / "examples" / "memory.net"


@pytest.fixture(scope="module")
def karate():
    G = nx.karate_club_graph()
    return G, infomap_py.cluster(G, trials=2, seed=3)


@pytest.fixture(scope="module")
def memory():
    """The README's memory network, the graph of its physical nodes and that
    of its states; physical node 4 ("d") has a state in each module."""
    states = infomap_py.read_network(MEMORY_NET)
    res = infomap_py.cluster(states, trials=5, seed=1)
    network = states.network
    ids = list(network.nodes)
    physical_of = [states.physical_nodes[p] for p in states.physical.tolist()]
    physical = nx.Graph()
    physical.add_nodes_from(states.physical_nodes)
    physical.add_edges_from((physical_of[s], physical_of[t])
                            for s, t in zip(network.source.tolist(), network.target.tolist()))
    state_graph = nx.Graph()
    state_graph.add_nodes_from(ids)
    state_graph.add_edges_from((ids[s], ids[t])
                               for s, t in zip(network.source.tolist(), network.target.tolist()))
    return res, physical, state_graph


def cdlib_or_skip():
    return pytest.importorskip("cdlib", reason="cdlib is not installed (the cdlib extra)")


def test_without_cdlib_the_error_names_the_extra(karate, monkeypatch):
    G, res = karate
    monkeypatch.setitem(sys.modules, "cdlib", None)  # import cdlib raises ImportError
    with pytest.raises(ImportError, match=r"needs cdlib: pip install 'infomap-py\[cdlib\]'"):
        res.to_cdlib(G)


def test_the_clustering_holds_the_top_modules(karate):
    cdlib = cdlib_or_skip()
    G, res = karate
    clustering = res.to_cdlib(G)
    assert isinstance(clustering, cdlib.NodeClustering)
    assert sorted(map(sorted, clustering.communities)) == sorted(map(sorted, res.modules))
    assert clustering.method_name == "Infomap (infomap-py)"
    assert clustering.overlap is False and clustering.node_coverage == 1.0
    parameters = clustering.method_parameters
    assert parameters["seed"] == 3 and parameters["trials"] == 2 and parameters["level"] == 1
    assert parameters["flow_model"] == res.params["flow_model"]
    # CDlib's own scores run on it (weighted, as networkx's by default).
    assert clustering.newman_girvan_modularity().score == pytest.approx(
        nx.community.modularity(G, res.modules), abs=1e-12)


def nested_cliques(groups: int = 3, size: int = 5) -> nx.Graph:
    """``groups`` rings of ``groups`` cliques of ``size`` nodes (two links
    between neighbouring cliques), the rings joined in a ring by one link
    each: modules within modules."""
    G = nx.Graph()
    rings = [[list(range(start, start + size))
              for start in range(g * groups * size, (g + 1) * groups * size, size)]
             for g in range(groups)]
    for ring in rings:
        for k, clique in enumerate(ring):
            G.add_edges_from((u, v) for i, u in enumerate(clique) for v in clique[i + 1:])
            following = ring[(k + 1) % groups]
            G.add_edges_from([(clique[0], following[1]), (clique[2], following[3])])
    for g, ring in enumerate(rings):
        G.add_edge(ring[0][-1], rings[(g + 1) % groups][1][-1])
    return G


def test_a_deeper_level():
    cdlib_or_skip()
    G = nested_cliques()
    res = infomap_py.cluster(G, seed=1)
    assert res.num_levels >= 3
    clustering = res.to_cdlib(G, level=2)
    level2 = res.modules_at(2)
    expected = [{node for node, m in zip(res.nodes, level2) if m == k}
                for k in range(level2.max() + 1)]
    assert sorted(map(sorted, clustering.communities)) == sorted(map(sorted, expected))
    assert clustering.method_parameters["level"] == 2


def test_an_igraph_graph_by_vertex_name(karate):
    cdlib_or_skip()
    ig = pytest.importorskip("igraph")
    G, _ = karate
    g = ig.Graph(n=34, edges=list(G.edges()))
    g.vs["name"] = [f"v{i}" for i in range(34)]
    res = infomap_py.cluster(g, seed=3)
    clustering = res.to_cdlib(g)
    assert sorted(map(sorted, clustering.communities)) == sorted(map(sorted, res.modules))
    assert all(node.startswith("v") for c in clustering.communities for node in c)


def test_a_state_network_on_its_physical_nodes_overlaps(memory):
    cdlib_or_skip()
    res, physical, _ = memory
    clustering = res.to_cdlib(physical)
    assert clustering.overlap is True
    expected = [set(module) for module in res.physical_modules]
    assert sorted(map(sorted, clustering.communities)) == sorted(map(sorted, expected))
    # "d" (physical node 4) is in both modules.
    assert len(clustering.communities) == 2
    assert all(4 in community for community in clustering.communities)
    assert clustering.node_coverage == 1.0


def test_a_state_network_on_its_states_does_not_overlap(memory):
    cdlib_or_skip()
    res, _, states = memory
    clustering = res.to_cdlib(states)
    assert clustering.overlap is False
    assert sorted(map(sorted, clustering.communities)) == sorted(map(sorted, res.modules))


def test_a_graph_of_other_nodes_is_refused(karate):
    cdlib_or_skip()
    G, res = karate
    with pytest.raises(ValueError, match=r"node 'x' is not one of them"):
        res.to_cdlib(nx.relabel_nodes(G, {0: "x"}))
    with pytest.raises(ValueError, match=r"it has 33 nodes for the result's 34"):
        res.to_cdlib(G.subgraph(range(33)))
    with pytest.raises(TypeError, match="graph must be a networkx or igraph graph, got list"):
        res.to_cdlib(list(G.edges()))
