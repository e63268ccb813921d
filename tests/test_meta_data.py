"""The metadata map equation (official ``--meta-data``): its term, its moves
and the search, against a plain recomputation and against the official
Infomap; the Python and command-line faces and their errors.

Every module also codes the categories of its nodes, at the nodes' flow
(or ``1 / N`` each, unweighted), weighted by the metadata rate:
``rate * sum_m (plogp(F_m) - sum_c plogp(f_mc))``.
"""

from __future__ import annotations

import dataclasses
import warnings
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

import infomap_py
from infomap_py._core import mapeq, meta, moves
from infomap_py._core.search import node_entropy, total_codelength
from infomap_py.cli import main
from infomap_py.errors import InputFormatError
from infomap_py.flow import flow_graph
from infomap_py.io import read_meta_data

from conftest import SHARED_DATA


def real_network(name: str) -> tuple[nx.Graph, np.ndarray]:
    """A shared network with its ground-truth labels as metadata (integers)."""
    folder = SHARED_DATA / name
    if not (folder / "labels.tsv").exists():
        pytest.skip(f"shared data {name} not available")
    edges = np.loadtxt(folder / "edges.tsv", dtype=np.int64, comments="#")
    n = int(edges[:, :2].max()) + 1
    G = nx.Graph()
    G.add_nodes_from(range(n))
    G.add_edges_from(edges[:, :2].tolist())
    labels = {}
    for line in (folder / "labels.tsv").read_text().splitlines():
        if line and not line.startswith("#"):
            node, label = line.split("\t", 1)
            labels[int(node)] = label
    names = sorted(set(labels.values()))
    return G, np.array([names.index(labels[i]) for i in range(n)], dtype=np.int64)


def meta_term_naive(flow: np.ndarray, categories: np.ndarray, labels: np.ndarray,
                    rate: float) -> float:
    """The metadata term from scratch, in plain Python."""
    total = 0.0
    for m in set(labels.tolist()):
        inside = labels == m
        F = flow[inside].sum()
        for c in set(categories[inside].tolist()):
            f = flow[inside & (categories == c)].sum()
            if f > 0:
                total -= f * np.log2(f / F)
    return rate * total


def planted(n: int = 40, seed: int = 4) -> nx.Graph:
    return nx.planted_partition_graph(4, n // 4, 0.5, 0.05, seed=seed)


@pytest.mark.parametrize("rate", [0.0, 0.7, 2.0])
@pytest.mark.parametrize("unweighted", [False, True])
def test_codelength_adds_the_naive_meta_term(rate, unweighted):
    G = planted()
    rng = np.random.default_rng(1)
    categories = rng.integers(0, 3, G.number_of_nodes())
    labels = rng.integers(0, 5, G.number_of_nodes())
    plain = infomap_py.codelength(G, labels)
    with_meta = infomap_py.codelength(G, labels, meta_data=categories, meta_data_rate=rate,
                                      meta_data_unweighted=unweighted)
    flow = infomap_py.compute_flow(G).node_flow
    meta_flow = np.full(flow.shape, 1.0 / flow.shape[0]) if unweighted else flow
    expected = meta_term_naive(meta_flow, categories, labels, rate)
    assert with_meta.index_codelength == pytest.approx(plain.index_codelength, abs=1e-12)
    assert with_meta.module_codelength - plain.module_codelength == pytest.approx(expected,
                                                                                  abs=1e-12)
    one = meta_term_naive(meta_flow, categories, np.zeros_like(labels), rate)
    assert with_meta.one_level_codelength - plain.one_level_codelength == pytest.approx(
        one, abs=1e-12)


@pytest.mark.parametrize("directed", [False, True])
def test_every_move_delta_equals_the_recomputed_difference(directed):
    """Each delta the core loop uses (leave + join) equals the difference
    of two recomputed codelengths, and the running sums stay exact."""
    G = nx.gnp_random_graph(30, 0.15, seed=5, directed=directed)
    rng = np.random.default_rng(2)
    categories = rng.integers(0, 4, 30)
    flow = dataclasses.replace(infomap_py.compute_flow(G), meta=categories, meta_rate=1.3)
    net = flow_graph(flow)
    constants = mapeq.new_constants(node_entropy(net), 0.0, np.zeros(3))
    labels = rng.integers(0, 6, 30).astype(np.int64)
    state = moves.new_partition(net, labels)
    for _ in range(150):
        i = int(rng.integers(30))
        old = int(state.labels[i])
        new = int(rng.integers(30))
        if new == old:
            continue
        before = total_codelength(net, constants, state.labels.copy(), 30)
        predicted = meta.move_delta(state.meta, net.meta, i, old, new)
        meta_before = meta.meta_term(net.meta, state.labels.copy(), 30)
        trial = state.labels.copy()
        trial[i] = new
        assert predicted == pytest.approx(meta.meta_term(net.meta, trial, 30) - meta_before,
                                          abs=1e-12)
        delta_old = delta_new = 0.0
        indptr, neighbours, out_flow, in_flow = net.graph
        for e in range(indptr[i], indptr[i + 1]):
            if state.labels[neighbours[e]] == old:
                delta_old += out_flow[e] + in_flow[e]
            elif state.labels[neighbours[e]] == new:
                delta_new += out_flow[e] + in_flow[e]
        node_flow = net.node_data.flow
        mods = state.modules
        F, EN, EX = moves.FLOW, moves.ENTER, moves.EXIT
        full = predicted + mapeq.move_delta(
            state.terms, 0.0, node_flow[i], net.node_enter[i], net.node_exit[i],
            mods[old, F], mods[old, EN], mods[old, EX], mods[new, F], mods[new, EN],
            mods[new, EX], delta_old, delta_new)
        moves._move(net, state, i, new, delta_old, delta_new)
        after = total_codelength(net, constants, state.labels.copy(), 30)
        assert after - before == pytest.approx(full, abs=1e-10)
        assert mapeq.codelength(state.terms, constants) == pytest.approx(after, abs=1e-10)


def test_input_forms_agree():
    G = planted()
    rng = np.random.default_rng(3)
    cats = rng.choice(["a", "b", "c"], G.number_of_nodes())
    nx.set_node_attributes(G, {u: str(c) for u, c in zip(G.nodes, cats)}, "club")
    labels = [u // 10 for u in G.nodes]
    by_list = infomap_py.codelength(G, labels, meta_data=list(cats))
    by_dict = infomap_py.codelength(G, labels, meta_data=dict(zip(G.nodes, cats)))
    by_attr = infomap_py.codelength(G, labels, meta_data="club")
    assert float(by_list) == float(by_dict) == float(by_attr)
    res = infomap_py.cluster(G, seed=3, meta_data="club")
    again = infomap_py.cluster(G, seed=3, meta_data=np.array(cats))
    assert np.array_equal(res.labels, again.labels) and res.codelength == again.codelength
    assert res.params["meta_data_rate"] == 1.0
    ev = infomap_py.evaluate(G, res, meta_data="club")
    assert ev.codelength == pytest.approx(res.codelength, abs=1e-12)


def test_missing_nodes_share_one_category():
    G = planted()
    labels = [u // 10 for u in G.nodes]
    partial = {u: 1 for u in list(G.nodes)[::2]}
    full = [1 if u in partial else "missing" for u in G.nodes]
    assert float(infomap_py.codelength(G, labels, meta_data=partial)) == float(
        infomap_py.codelength(G, labels, meta_data=full))


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(meta_data=[0, 1]), ValueError, "2 categories for 40 nodes"),
    (dict(meta_data={"x": 1}), ValueError, "'x', which is not a node"),
    (dict(meta_data="nope"), ValueError, "no node has the attribute 'nope'"),
    (dict(meta_data=5), TypeError, "meta_data must be"),
    (dict(meta_data=[[1]] * 40), TypeError, "must be hashable"),
    (dict(meta_data=[0] * 40, meta_data_rate=-1), ValueError, "meta_data_rate"),
    (dict(meta_data=[0] * 40, meta_data_unweighted=1), TypeError, "meta_data_unweighted"),
])
def test_bad_meta_data_is_refused(kwargs, error, match):
    with pytest.raises(error, match=match):
        infomap_py.cluster(planted(), **kwargs)


def test_attribute_name_needs_a_graph():
    edges = np.array([[0, 1], [1, 2], [2, 0], [2, 3]])
    with pytest.raises(TypeError, match="needs a networkx graph"):
        infomap_py.codelength(edges, [0, 0, 0, 1], meta_data="club")


def test_state_network_is_refused():
    from infomap_py import Network, StateNetwork

    network = Network(np.array([0, 1, 2]), np.array([1, 2, 0]), np.ones(3), 3, True, range(3))
    states = StateNetwork(network, np.array([0, 1, 1]), range(2))
    with pytest.raises(ValueError, match="state or multilayer network"):
        infomap_py.cluster(states, meta_data=[0, 1, 0])


def test_plain_results_are_unchanged_by_a_rate_without_meta_data():
    G = planted()
    a = infomap_py.cluster(G, seed=7)
    b = infomap_py.cluster(G, seed=7, meta_data_rate=3.0, meta_data_unweighted=True)
    assert a.codelength == b.codelength and np.array_equal(a.labels, b.labels)
    assert a.meta_codelength == 0.0


# --- the file reader and the command line ------------------------------------------

def test_read_meta_data_follows_the_official_rules(tmp_path):
    path = tmp_path / "m.clu"
    path.write_text("# c\n\n1 3 9\n2 4 9 # note\n1 5 9\n*Vertices\n7 x\n")
    assert read_meta_data(path) == {1: 5, 2: 4}


@pytest.mark.parametrize("text, match", [
    ("1 a\n", r"m.clu:1: category must be an integer"),
    ("x 1\n", r"m.clu:1: node id must be"),
    ("1\n", r"m.clu:1: expected 'node_id category"),
    ("1 2\n2 3 4\n", r"m.clu:2: 2 categories where the lines before have 1"),
    ("1 -1\n", r"m.clu:1: category must be"),
    ("# nothing\n", r"no nodes"),
])
def test_read_meta_data_errors_name_file_and_line(tmp_path, text, match):
    path = tmp_path / "m.clu"
    path.write_text(text)
    with pytest.raises(InputFormatError, match=match):
        read_meta_data(path)


def _write_network(G: nx.Graph, path: Path) -> None:
    path.write_text("".join(f"{u} {v}\n" for u, v in G.edges))


def _write_meta(categories: np.ndarray, path: Path) -> None:
    path.write_text("".join(f"{i} {c}\n" for i, c in enumerate(categories)))


def test_cli_meta_data_matches_the_python_face(tmp_path, capsys):
    G, cats = real_network("karate")
    _write_network(G, tmp_path / "karate.txt")
    _write_meta(cats, tmp_path / "meta.clu")
    out = tmp_path / "out"
    assert main([str(tmp_path / "karate.txt"), str(out), "--silent", "-s", "5", "-o", "clu",
                 "--meta-data", str(tmp_path / "meta.clu"), "--meta-data-rate", "0.5",
                 "--summary-json", str(tmp_path / "s.json")]) == 0
    import json

    summary = json.loads((tmp_path / "s.json").read_text())
    res = infomap_py.cluster(G, seed=5, meta_data=cats, meta_data_rate=0.5)
    assert summary["codelength"] == pytest.approx(res.codelength, abs=1e-9)


@pytest.mark.parametrize("extra, match", [
    (["--meta-data", "missing.clu"], "missing.clu"),
    (["--meta-data", "bad.clu"], "bad.clu:2:"),
    (["--meta-data", "meta.clu", "--meta-data-rate", "-2"], "--meta-data-rate"),
])
def test_cli_bad_meta_data_exits_2_and_writes_nothing(tmp_path, capsys, monkeypatch, extra,
                                                      match):
    monkeypatch.chdir(tmp_path)
    G, cats = real_network("karate")
    _write_network(G, tmp_path / "karate.txt")
    _write_meta(cats, tmp_path / "meta.clu")
    (tmp_path / "bad.clu").write_text("0 1\n1 one\n")
    assert main(["karate.txt", "out", "-o", "clu"] + extra) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and match in err[0]
    assert not (tmp_path / "out").exists()


# --- against the official Infomap -------------------------------------------------

@pytest.fixture
def official():
    return pytest.importorskip("infomap")


def _official_result(official, net_path, meta_path, initial=None, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        im = official.Infomap(silent=True, meta_data=str(meta_path),
                              no_infomap=initial is not None, **options)
        im.read_file(str(net_path))
        if initial is None:
            return im.run()
        return im.run(initial_partition=initial)


@pytest.mark.parametrize("name", ["karate", "football"])
@pytest.mark.parametrize("rate, unweighted", [(1.0, False), (0.3, False), (2.5, True)])
def test_codelength_of_a_partition_equals_the_official(official, tmp_path, name, rate,
                                                       unweighted):
    G, cats = real_network(name)
    _write_network(G, tmp_path / "net.txt")
    _write_meta(cats, tmp_path / "meta.clu")
    rng = np.random.default_rng(11)
    for labels in (rng.integers(0, 4, len(cats)), cats):
        ours = infomap_py.codelength(G, labels, meta_data=cats, meta_data_rate=rate,
                                     meta_data_unweighted=unweighted)
        theirs = _official_result(official, tmp_path / "net.txt", tmp_path / "meta.clu",
                                  {i: int(m) for i, m in enumerate(labels)}, two_level=True,
                                  meta_data_rate=rate, meta_data_unweighted=unweighted)
        assert float(ours) == pytest.approx(theirs.codelength, abs=1e-9)
        assert ours.index_codelength == pytest.approx(theirs.index_codelength, abs=1e-9)
        assert ours.module_codelength == pytest.approx(theirs.module_codelength, abs=1e-9)
        assert ours.one_level_codelength == pytest.approx(theirs.one_level_codelength,
                                                          abs=1e-9)
        res = infomap_py.evaluate(G, labels, meta_data=cats, meta_data_rate=rate,
                                  meta_data_unweighted=unweighted)
        assert res.meta_codelength == pytest.approx(theirs.meta_codelength, abs=1e-9)
        assert res.meta_entropy == pytest.approx(theirs.meta_entropy, abs=1e-9)


@pytest.mark.parametrize("name", ["karate", "football"])
@pytest.mark.parametrize("two_level", [True, False])
@pytest.mark.parametrize("rate", [0.5, 1.0, 2.0])
def test_search_matches_the_official(official, tmp_path, name, two_level, rate):
    """With 20 trials the best codelength equals the official's to 1e-6."""
    G, cats = real_network(name)
    _write_network(G, tmp_path / "net.txt")
    _write_meta(cats, tmp_path / "meta.clu")
    ours = infomap_py.cluster(G, trials=20, seed=1, two_level=two_level, meta_data=cats,
                              meta_data_rate=rate)
    theirs = _official_result(official, tmp_path / "net.txt", tmp_path / "meta.clu",
                              two_level=two_level, num_trials=20, seed=1, meta_data_rate=rate)
    assert ours.codelength == pytest.approx(theirs.codelength, abs=1e-6)
    # Our tree scores as the official scores it.
    assert infomap_py.codelength(G, ours, meta_data=cats, meta_data_rate=rate) == \
        pytest.approx(ours.codelength, abs=1e-12)
