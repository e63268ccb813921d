"""pandas in (a DataFrame edge list) and out (``res.to_pandas()``), and the
networkx graph out (``res.to_networkx()``)."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

import infomap_py
from infomap_py.adapters.pandas import from_pandas

pd = pytest.importorskip("pandas", reason="pandas is not installed (the pandas extra)")


def test_edge_list_scores_as_networkx():
    G = nx.karate_club_graph()
    df = nx.to_pandas_edgelist(G)
    labels = infomap_py.cluster(G, seed=3).as_dict()
    assert infomap_py.codelength(df, labels) == pytest.approx(
        infomap_py.codelength(G, labels), abs=1e-12)
    res = infomap_py.cluster(df, seed=3)
    assert res.codelength == pytest.approx(infomap_py.cluster(G, seed=3).codelength, abs=1e-12)
    assert infomap_py.evaluate(df, labels).codelength == pytest.approx(
        infomap_py.codelength(G, labels), abs=1e-12)


def test_any_hashable_ids_in_networkx_order():
    df = pd.DataFrame({"source": ["c", "a", ("t", 1), "d", "e", "f", "e"],
                       "target": ["a", "b", "b", "e", "f", "d", ("t", 1)],
                       "weight": [1.0, 2.0, 0.5, 3.0, 1.0, 2.0, 0.25]})
    G = nx.from_pandas_edgelist(df, edge_attr="weight")
    net = from_pandas(df)
    assert list(net.nodes) == list(G.nodes())
    res = infomap_py.cluster(df, two_level=True, seed=1)
    assert res.nodes == list(G.nodes())
    assert res.codelength == pytest.approx(infomap_py.codelength(G, res.as_dict()), abs=1e-12)
    # The integer 1 and the string "1" are two nodes.
    assert from_pandas(pd.DataFrame({"source": [1], "target": ["1"]})).num_nodes == 2


def test_directed_edge_list_and_flow():
    D = nx.DiGraph()
    D.add_weighted_edges_from([(0, 1, 2.0), (1, 2, 1.0), (2, 0, 3.0), (2, 3, 0.5), (3, 4, 1.0),
                               (4, 5, 2.0), (5, 3, 1.0), (5, 0, 0.25)])
    df = nx.to_pandas_edgelist(D)
    labels = {0: 0, 1: 0, 2: 0, 3: 1, 4: 1, 5: 1}
    expected = infomap_py.codelength(D, labels)
    assert infomap_py.codelength(df, labels, directed=True) == pytest.approx(expected, abs=1e-12)
    assert infomap_py.codelength(df, labels) != pytest.approx(expected)
    np.testing.assert_allclose(infomap_py.compute_flow(df, directed=True).node_flow,
                               infomap_py.compute_flow(D).node_flow, atol=1e-15)


def test_weight_column_choice():
    G = nx.karate_club_graph()
    df = nx.to_pandas_edgelist(G).rename(columns={"weight": "w"})
    labels = infomap_py.cluster(G, seed=1).as_dict()
    assert infomap_py.codelength(df, labels, weight="w") == pytest.approx(
        infomap_py.codelength(G, labels), abs=1e-12)
    assert infomap_py.codelength(df, labels) == pytest.approx(
        infomap_py.codelength(G, labels, weight=None), abs=1e-12)
    net = from_pandas(df.rename(columns={"source": "u", "target": "v"}), source="u", target="v",
                      weight="w")
    assert infomap_py.codelength(net, labels) == pytest.approx(
        infomap_py.codelength(G, labels), abs=1e-12)


def test_bad_edge_list_names_the_problem():
    df = pd.DataFrame({"from": [0], "to": [1]})
    with pytest.raises(ValueError, match="needs the columns 'source' and 'target'"):
        infomap_py.cluster(df)
    df = pd.DataFrame({"source": [0, None], "target": [1, 2]})
    with pytest.raises(ValueError, match="'source' has a missing node id in row 1"):
        infomap_py.cluster(df)
    df = pd.DataFrame({"source": [0, 1], "target": [1, 2], "weight": ["a", "b"]})
    with pytest.raises(TypeError, match="weight column 'weight' must hold numbers"):
        infomap_py.cluster(df)
    df = pd.DataFrame({"source": [0, 1], "target": [1, 2], "weight": [1.0, np.nan]})
    with pytest.raises(ValueError, match=r"finite and >= 0, got nan on link \(1, 2\) in row 1"):
        infomap_py.cluster(df)
    with pytest.raises(ValueError, match="weight='w' is not a column"):
        infomap_py.cluster(df, weight="w")


def test_to_pandas_round_trips():
    G = nx.relabel_nodes(nx.connected_caveman_graph(4, 5), lambda i: f"v{i}")
    G.add_edges_from([("v0", "v7"), ("v12", "v19")])
    res = infomap_py.cluster(G, seed=2)
    df = res.to_pandas()
    assert list(df.columns[:4]) == ["node", "module", "path", "flow"]
    assert len(df) == G.number_of_nodes()
    levels = [c for c in df.columns if c.startswith("module_level_")]
    assert len(levels) == res.num_levels - 1
    assert dict(zip(df["node"], df["module"])) == res.as_dict()
    assert (df["module_level_1"] == df["module"]).all()
    np.testing.assert_allclose(df["flow"].sum(), 1.0)
    # The paths are the tree: scoring them gives the result's codelength.
    assert infomap_py.codelength(G, list(df["path"])) == pytest.approx(res.codelength,
                                                                       abs=1e-12)
    for level, column in enumerate(levels, start=1):
        assert df[column].tolist() == res.modules_at(level).tolist()


def test_to_networkx_round_trips():
    G = nx.karate_club_graph()
    res = infomap_py.cluster(G, seed=5)
    H = res.to_networkx()
    assert type(H) is nx.Graph
    assert list(H.nodes()) == list(G.nodes())
    assert {frozenset(e): w for *e, w in H.edges(data="weight")} == {
        frozenset(e): float(w) for *e, w in G.edges(data="weight")}
    for node, label, path in zip(res.nodes, res.labels.tolist(), res.paths):
        data = H.nodes[node]
        assert data["infomap_module"] == label + 1 == path[0]
        assert data["infomap_path"] == ":".join(map(str, path))
        assert [data[f"infomap_level_{k}"] for k in range(1, len(path) + 1)] == list(path)
    assert infomap_py.codelength(H, res.paths) == pytest.approx(res.codelength, abs=1e-12)
    assert infomap_py.cluster(H, seed=5).codelength == pytest.approx(res.codelength, abs=1e-12)


def test_to_networkx_directed_and_attribute_options():
    D = nx.DiGraph([(0, 1), (1, 2), (2, 0), (2, 3), (3, 4), (4, 5), (5, 3), (5, 0), (0, 1)])
    res = infomap_py.cluster(D, seed=1)
    H = res.to_networkx(module_attribute="m", flow_attribute=None, include_hierarchy=False)
    assert type(H) is nx.DiGraph and set(H.edges()) == set(D.edges())
    assert set(H.nodes[0]) == {"name", "m"}


def test_to_networkx_has_the_official_attributes():
    infomap = pytest.importorskip("infomap", reason="the official infomap package (test extra)")
    if not hasattr(infomap, "run"):
        pytest.skip("this official infomap has no run()/Result.to_networkx")
    G = nx.karate_club_graph()
    official = infomap.run(G, silent=True).to_networkx()
    ours = infomap_py.cluster(G, seed=1).to_networkx()
    node = 0
    assert set(ours.nodes[node]) == set(official.nodes[node])
    assert ours.nodes[node]["name"] == official.nodes[node]["name"]
