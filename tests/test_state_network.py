"""StateNetwork built in Python: from_links, and networkx graphs of state
nodes (``node_id``/``layer_id`` node attributes) compared with the official
Infomap's ``add_networkx_graph``."""

from __future__ import annotations

import warnings

import networkx as nx
import numpy as np
import pytest

import infomap_py
from infomap_py import StateNetwork
from infomap_py.convert import is_state_graph, to_state_network

# ---------------------------------------------------------------- from_links


def test_from_links_numbers_physical_nodes_and_keeps_weights():
    net = StateNetwork.from_links([[0, 1, 2.0], [1, 2, 1.0], [2, 3, 0.5]], ["b", "a", "b", "c"],
                                  directed=True, state_ids=[10, 11, 12, 13])
    assert list(net.physical_nodes) == ["a", "b", "c"]
    assert net.physical.tolist() == [1, 0, 1, 2]
    assert net.directed and net.num_states == 4 and net.network.num_links == 3
    assert net.network.weight.tolist() == [2.0, 1.0, 0.5]
    assert net.network.node_ids.tolist() == [10, 11, 12, 13]


def test_from_links_integer_physical_array_and_given_order():
    net = StateNetwork.from_links(np.array([[0, 1], [1, 2]]), np.array([7, 8, 7]))
    assert list(net.physical_nodes) == [7, 8] and net.physical.tolist() == [0, 1, 0]
    net = StateNetwork.from_links([[0, 1]], ["x", "y"], physical_nodes=["y", "x"],
                                  physical_names=["Y", "X"], layer=[1, 2])
    assert net.physical.tolist() == [1, 0] and net.physical_node_names == ["Y", "X"]
    assert net.layer.tolist() == [1, 2]


def test_from_links_same_codelength_as_a_state_file(tmp_path):
    path = tmp_path / "s.net"
    path.write_text("*States\n0 1\n1 2\n2 1\n3 3\n*Links\n0 1\n1 2 2\n2 3\n3 0\n")
    read = infomap_py.read_network(path)
    built = StateNetwork.from_links([[0, 1, 1], [1, 2, 2], [2, 3, 1], [3, 0, 1]], [1, 2, 1, 3])
    labels = [0, 0, 1, 1]
    assert float(infomap_py.codelength(built, labels)) == pytest.approx(
        float(infomap_py.codelength(read, labels)), abs=1e-12)


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"links": [[0, 3]]}, ValueError, r"state indices must be in 0..2 .* \[0, 3\] in row 0"),
    ({"links": [[0, -1]]}, ValueError, "must be in 0..2"),
    ({"links": [[0, 1, -2.0]]}, ValueError, "finite and >= 0"),
    ({"links": [[0, 1, np.nan]]}, ValueError, "finite and >= 0"),
    ({"links": [[0, 1, 2, 3]]}, ValueError, r"shape \(m, 2\) or \(m, 3\)"),
    ({"links": [[0.5, 1]]}, TypeError, "must be integers"),
    ({"links": [["a", "b"]]}, TypeError, "dtype"),
    ({"physical": 5}, TypeError, "physical must be a sequence"),
    ({"physical_nodes": [1, 2]}, ValueError, "state 2 has physical node 3, which "
                                             "physical_nodes does not list"),
    ({"physical_nodes": [1, 2, 3, 4]}, ValueError, "lists 4, which no state belongs to"),
    ({"physical_nodes": [1, 2, 3, 3]}, ValueError, "lists 3 twice"),
    ({"physical_names": ["a"]}, ValueError, "one name per physical node"),
    ({"state_ids": [1, 2]}, ValueError, "one id per state"),
    ({"state_ids": [1, 2, 1]}, ValueError, "lists 1 twice"),
    ({"layer": [1, 2]}, ValueError, "one layer id per state"),
    ({"directed": "yes"}, TypeError, "directed must be True or False"),
])
def test_from_links_refuses_bad_arguments(kwargs, error, match):
    args = {"links": [[0, 1], [1, 2]], "physical": [1, 2, 3], **kwargs}
    with pytest.raises(error, match=match):
        StateNetwork.from_links(**args)


# ---------------------------------------------------------------- networkx


def _memory_graph(seed: int, directed: bool = False, labels=int) -> nx.Graph:
    rng = np.random.default_rng(seed)
    G = nx.DiGraph() if directed else nx.Graph()
    for s in range(30):
        G.add_node(labels(s), node_id=labels(int(rng.integers(12)) + 100))
    for _ in range(80):
        a, b = rng.integers(30, size=2)
        if a != b:
            G.add_edge(labels(int(a)), labels(int(b)), weight=float(rng.integers(1, 4)))
    return G


def _multilayer_graph(seed: int, inter: bool = False) -> nx.Graph:
    rng = np.random.default_rng(seed)
    G = nx.Graph()
    for layer in range(3):
        for node in range(10):
            G.add_node(100 * layer + node, node_id=node, layer_id=layer)
    for _ in range(60):
        layer, a, b = int(rng.integers(3)), *rng.integers(10, size=2).tolist()
        if a != b:
            G.add_edge(100 * layer + a, 100 * layer + b, weight=float(rng.integers(1, 3)))
    if inter:
        for node in range(0, 10, 2):
            G.add_edge(node, 100 + node, weight=0.5)
    return G


def test_state_graph_is_recognised_by_its_node_id_attribute():
    G = _memory_graph(1)
    assert is_state_graph(G)
    net = to_state_network(G)
    assert net.num_states == 30 and list(net.network.nodes) == list(G.nodes())
    assert not is_state_graph(nx.path_graph(3))
    G.add_node("extra")  # one node without the attribute: an ordinary graph
    assert not is_state_graph(G)


GRAPHS = {
    "memory": lambda: _memory_graph(1),
    "memory-directed": lambda: _memory_graph(2, directed=True),
    "memory-string-labels": lambda: _memory_graph(3, labels=lambda k: f"s{k}"),
    "multilayer-relaxed": lambda: _multilayer_graph(4),
    "multilayer-inter": lambda: _multilayer_graph(5, inter=True),
}


def _official(G, **options):
    infomap = pytest.importorskip("infomap", reason="the official Infomap is not installed")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        im = infomap.Infomap(silent=True, **options)
        mapping = im.add_networkx_graph(G)
        result = im.run()
        modules = {mapping[node.state_id]: node.module_id
                   for node in result.nodes(states=True)}
    return result.codelength, modules, mapping


def _official_score(G, partition) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import infomap

        im = infomap.Infomap(silent=True, two_level=True, no_infomap=True)
        mapping = im.add_networkx_graph(G)
        state_of = {label: state for state, label in mapping.items()}
        result = im.run(initial_partition={state_of[node]: int(module) + 1
                                           for node, module in partition.items()})
        return result.codelength


@pytest.mark.parametrize("name", list(GRAPHS))
def test_cluster_of_a_state_graph_matches_the_official(name):
    G = GRAPHS[name]()
    length, official, _ = _official(G, two_level=True)
    ours = infomap_py.cluster(G, two_level=True)
    assert ours.state_network is not None
    assert ours.codelength == pytest.approx(length, abs=1e-6)
    # Each scores the other's partition the same.
    assert float(infomap_py.codelength(G, official)) == pytest.approx(length, abs=1e-9)
    mine = dict(zip(ours.nodes, ours.labels.tolist(), strict=True))
    assert _official_score(G, mine) == pytest.approx(ours.codelength, abs=1e-9)


@pytest.mark.parametrize("name", ["memory", "multilayer-relaxed"])
def test_multilevel_cluster_of_a_state_graph_matches_the_official(name):
    G = GRAPHS[name]()
    length, _, _ = _official(G)
    assert infomap_py.cluster(G).codelength == pytest.approx(length, abs=1e-6)


def test_explicit_multilayer_links_match_the_official():
    G = _multilayer_graph(6, inter=True)
    G.add_edge(1, 102)  # a link between different nodes in different layers
    infomap = pytest.importorskip("infomap")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        im = infomap.Infomap(silent=True, two_level=True)
        im.add_networkx_graph(G, multilayer_inter_intra_format=False)
        length = im.run().codelength
    net = to_state_network(G, multilayer_inter_intra_format=False)
    assert net.layer is not None and net.num_states == G.number_of_nodes()
    assert infomap_py.cluster(net, two_level=True).codelength == pytest.approx(length, abs=1e-6)


def test_state_graph_results_keep_physical_nodes():
    G = nx.Graph()
    for state, physical in enumerate("abcadd"):
        G.add_node(state, node_id=physical)
    G.add_edges_from([(0, 1), (1, 2), (2, 0), (3, 4), (4, 5), (5, 3)])
    result = infomap_py.cluster(G)
    assert result.num_modules == 2
    assert list(result.state_network.physical_nodes) == ["a", "b", "c", "d"]


def test_bad_state_graphs_are_refused():
    G = _multilayer_graph(7)
    G.add_edge(1, 102)
    with pytest.raises(ValueError, match=r"edge \(1, 102\) joins different physical nodes"):
        infomap_py.cluster(G)
    G = _multilayer_graph(7)
    G.add_node(999, node_id=3, layer_id=0)
    with pytest.raises(ValueError, match="nodes 3 and 999 are both physical node 3 in layer 0"):
        to_state_network(G)
    G = _multilayer_graph(7)
    G.nodes[5]["layer_id"] = "top"
    with pytest.raises(ValueError, match="'layer_id' must be an integer >= 0.*'top' on node 5"):
        to_state_network(G)
    with pytest.raises(ValueError, match="must carry the physical node attribute 'node_id'"):
        to_state_network(nx.path_graph(3))


@pytest.mark.parametrize("name", ["multilayer-relaxed", "multilayer-inter"])
def test_directed_false_describes_the_layers_not_the_expanded_states(name):
    """``directed=False`` says the layers' links are undirected, which they
    are; the expanded state network's relaxed links still go one way, so
    the result is the same as without the argument (and the official's)."""
    G = GRAPHS[name]()
    length, _, _ = _official(G, two_level=True)
    plain = infomap_py.cluster(G, two_level=True)
    told = infomap_py.cluster(G, two_level=True, directed=False)
    assert told.params["flow_model"] == plain.params["flow_model"] == "directed"
    assert told.codelength == pytest.approx(plain.codelength, abs=1e-12)
    assert told.codelength == pytest.approx(length, abs=1e-6)
