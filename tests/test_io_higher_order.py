"""Higher-order Pajek files: *States, *Multilayer/*Intra/*Inter and *Bipartite
read by read_network, and write_state_network, checked against the official
Infomap's example files and, where it is installed, its reader and writer."""

from __future__ import annotations

import os
import re
import warnings

import numpy as np
import pytest

from infomap_py.errors import InputFormatError
from infomap_py.io import read_network, write_state_network
from infomap_py.multilayer import MultilayerNetwork
from infomap_py.network import Network, StateNetwork

try:
    import infomap as official
except ImportError:  # pragma: no cover - the oracle is optional
    official = None

needs_official = pytest.mark.skipif(official is None,
                                    reason="the official Infomap (pip install infomap) is not "
                                           "importable; it is the oracle of these tests")


def example(name: str) -> str:
    """The path of one of the official Infomap's example networks."""
    if official is None:
        pytest.skip("the official Infomap's example files come with its package, which is "
                    "not importable")
    path = os.path.join(os.path.dirname(official.__file__), "datasets", "data", name)
    if not os.path.exists(path):
        pytest.skip(f"the official Infomap's package has no {name}")
    return path


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def official_network(path):
    """The official Infomap's Infomap object after reading ``path``."""
    im = official.Infomap(silent=True, num_trials=1)
    im.read_file(str(path))
    return im


def state_links(state_network: StateNetwork) -> list[tuple[int, int, float]]:
    """The links as ``(source state id, target state id, weight)``, sorted."""
    network = state_network.network
    ids = network.node_ids
    return sorted(zip(ids[network.source].tolist(), ids[network.target].tolist(),
                      np.asarray(network.weight).tolist(), strict=True))


def file_links(path, heading: str) -> list[tuple]:
    """The data lines of section ``heading`` of a Pajek file, as tuples of numbers."""
    rows, inside = [], False
    with open(path, encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    for line in lines:
        line = line.strip()
        if line.startswith("*"):
            inside = line.split()[0].lower() == heading.lower()
        elif inside and line and not line.startswith("#"):
            rows.append(tuple(float(x) if "." in x else int(x) for x in line.split()))
    return rows


# ------------------------------------------------------------------ *States

@needs_official
def test_states_example_matches_the_official_reader():
    path = example("states.net")
    state_network = read_network(path)
    im = official_network(path)
    assert isinstance(state_network, StateNetwork)
    assert state_network.num_states == im.network.numNodes() == 6
    assert state_network.network.num_links == im.network.numLinks() == 16
    assert state_network.num_physical == 5
    assert not state_network.directed
    assert state_network.network.node_ids.tolist() == [1, 2, 3, 4, 5, 6]
    assert dict(zip(state_network.network.node_ids.tolist(),
                    state_network.network.node_names, strict=True)) == im.get_state_names()
    assert state_network.physical_node_names == ["i", "j", "k", "l", "m"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        im.run()
        official_states = {node.state_id: node.node_id for node in im.get_nodes(states=True)}
    ours = dict(zip(state_network.network.node_ids.tolist(),
                    state_network.physical_ids[state_network.physical].tolist(), strict=True))
    assert ours == official_states
    assert state_links(state_network) == sorted(file_links(path, "*Links"))


def test_arcs_make_a_state_network_directed_and_directed_overrides(tmp_path):
    path = write(tmp_path, "arcs.net", "*States\n1 1\n2 2\n*Arcs\n1 2\n")
    assert read_network(path).directed
    assert not read_network(path, directed=False).directed
    links = write(tmp_path, "links.net", "*States\n1 1\n2 2\n*Links\n1 2\n")
    assert not read_network(links).directed
    assert read_network(links, directed=True).directed


def test_states_without_vertices_take_physical_nodes_from_the_states(tmp_path):
    path = write(tmp_path, "s.net", '*States\n30 3\n10 1\n20 2 "b"\n40 1 2.5\n'
                                    "*Links\n10 20\n20 30\n30 10 2\n40 20\n")
    state_network = read_network(path)
    assert state_network.network.node_ids.tolist() == [10, 20, 30, 40]
    assert state_network.physical_ids.tolist() == [1, 2, 3]
    assert state_network.physical.tolist() == [0, 1, 2, 0]
    assert state_network.physical_names is None
    assert state_network.network.node_names == ["10", "b", "30", "40"]
    assert state_network.network.node_weights.tolist() == [1.0, 1.0, 1.0, 2.5]
    assert state_links(state_network) == [(10, 20, 1.0), (20, 30, 1.0), (30, 10, 2.0),
                                          (40, 20, 1.0)]


@needs_official
def test_vertices_without_states_are_left_out_as_the_official_leaves_them_out(tmp_path):
    path = write(tmp_path, "s.net", '*Vertices 6\n1 "i"\n2 "j"\n3 "k"\n6 "z"\n'
                                    "*States\n1 1\n2 2\n3 3\n4 1\n*Links\n1 2\n2 3\n3 4\n")
    state_network = read_network(path)
    im = official_network(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        im.run()
        official_physical = sorted(node.node_id for node in im.physical_tree if node.is_leaf)
    assert state_network.physical_ids.tolist() == official_physical == [1, 2, 3]
    assert state_network.physical_node_names == ["i", "j", "k"]


# ---------------------------------------------------------------- round trip

def test_state_network_round_trip(tmp_path):
    network = Network(np.array([0, 1, 2, 3]), np.array([1, 2, 3, 0]),
                      np.array([1.0, 0.5, 1 / 3, 2e-7]), 4, True, [2, 5, 7, 9],
                      np.array([1.0, 2.0, 1.0, 0.5]), ["a", "b c", "7", "é"])
    original = StateNetwork(network, np.array([1, 0, 1, 2]), [10, 20, 30],
                            ["x", "y y", "z"])
    path = tmp_path / "out.net"
    write_state_network(original, path)
    again = read_network(path)
    assert isinstance(again, StateNetwork)
    assert again.directed
    assert again.network.node_ids.tolist() == [2, 5, 7, 9]
    assert again.network.node_names == ["a", "b c", "7", "é"]
    assert again.network.node_weights.tolist() == [1.0, 2.0, 1.0, 0.5]
    assert again.physical_ids.tolist() == [10, 20, 30]
    assert again.physical.tolist() == [1, 0, 1, 2]
    assert again.physical_node_names == ["x", "y y", "z"]
    assert state_links(again) == state_links(original)
    assert not list(tmp_path.glob(".*.tmp"))


@needs_official
def test_written_states_file_has_the_official_layout_and_reads_back(tmp_path):
    path = example("states.net")
    ours = tmp_path / "ours.net"
    write_state_network(read_network(path), ours)
    im = official_network(path)
    theirs = tmp_path / "theirs.net"
    im.write_state_network(str(theirs))
    body = [line for line in ours.read_text(encoding="utf-8").splitlines()
            if not line.startswith("# v") and not line.startswith("# ./")]
    official_body = [line for line in theirs.read_text(encoding="utf-8").splitlines()
                     if not line.startswith("# v") and not line.startswith("# ./")]
    assert body == official_body
    assert state_links(read_network(theirs)) == state_links(read_network(ours))
    again = official_network(ours)
    assert again.network.numNodes() == 6 and again.network.numLinks() == 16
    assert again.get_state_names() == im.get_state_names()


def test_writer_refuses_a_name_with_a_quote(tmp_path):
    network = Network(np.array([0]), np.array([1]), np.ones(1), 2, False, [1, 2], None,
                      ['a"b', "c"])
    with pytest.raises(ValueError, match="quote"):
        write_state_network(StateNetwork(network, np.array([0, 0]), [1]), tmp_path / "x.net")
    assert not (tmp_path / "x.net").exists()


# ---------------------------------------------------------------- multilayer

def layer_node_pairs(multilayer: MultilayerNetwork) -> set[tuple[int, int]]:
    source_layer, source_node, target_layer, target_node, _ = multilayer.links
    return set(zip(source_layer.tolist(), source_node.tolist(), strict=True)) | set(
        zip(target_layer.tolist(), target_node.tolist(), strict=True))


def official_states(path) -> set[tuple[int, int]]:
    im = official_network(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        im.run()
        return {(node.layer_id, node.node_id) for node in im.get_nodes(states=True)}


@needs_official
@pytest.mark.parametrize("name, heading", [("multilayer.net", "*Multilayer"),
                                           ("multilayer_intra.net", "*Intra"),
                                           ("multilayer_intra_inter.net", "*Intra")])
def test_multilayer_examples_match_the_file_and_the_official_states(name, heading):
    path = example(name)
    multilayer = read_network(path)
    assert isinstance(multilayer, MultilayerNetwork)
    assert not multilayer.directed
    assert list(multilayer.physical_nodes) == [1, 2, 3, 4, 5]
    assert list(multilayer.physical_names) == ["i", "j", "k", "l", "m"]
    assert multilayer.layers.tolist() == [1, 2]
    rows = file_links(path, heading)
    if heading == "*Intra":
        rows = [(layer, s, layer, t, w) for layer, s, t, w in rows]
    got = list(zip(*(column.tolist() for column in multilayer.links), strict=True))
    assert got == [tuple(float(x) for x in row) for row in rows]
    inter = list(zip(*(column.tolist() for column in multilayer.inter), strict=True))
    assert inter == [tuple(float(x) for x in row) for row in file_links(path, "*Inter")]
    assert layer_node_pairs(multilayer) == official_states(path)


def test_multilayer_columns_and_directed(tmp_path):
    path = write(tmp_path, "m.net", "*Multiplex\n1 7 2 9 0.5\n*Intra\n3 9 7\n"
                                    "*Inter\n1 7 3 2\n")
    multilayer = read_network(path, directed=True)
    assert multilayer.directed
    assert [column.tolist() for column in multilayer.links] == [[1, 3], [7, 9], [2, 3],
                                                                [9, 7], [0.5, 1.0]]
    assert [column.tolist() for column in multilayer.inter] == [[1], [7], [3], [2.0]]
    assert list(multilayer.physical_nodes) == [7, 9]
    assert multilayer.physical_names is None
    assert multilayer.links[0].dtype == np.int64 and multilayer.links[4].dtype == np.float64


def test_inter_link_to_a_layer_without_intra_links_is_accepted_as_official(tmp_path):
    path = write(tmp_path, "m.net", "*Intra\n1 1 2\n1 2 3\n*Inter\n1 1 3 0.5\n")
    assert read_network(path).layers.tolist() == [1, 3]


# ---------------------------------------------------------------- *Bipartite

@needs_official
def test_bipartite_example_matches_the_official_reader():
    path = example("bipartite.net")
    network = read_network(path)
    im = official_network(path)
    assert isinstance(network, Network)
    assert network.bipartite_start_id == im.bipartite_start_id == 4
    assert network.node_ids.tolist() == [1, 2, 3, 4, 5]
    assert network.node_names == ["Node 1", "Node 2", "Node 3", "Feature 1", "Feature 2"]
    ids = network.node_ids
    assert list(zip(ids[network.source].tolist(), ids[network.target].tolist(),
                    network.weight.tolist(), strict=True)) == \
        [(1, 4, 1.0), (2, 4, 1.0), (2, 5, 0.25), (3, 5, 1.0)]
    assert network.num_links == im.network.numLinks()


def test_bipartite_without_vertices_keeps_file_ids(tmp_path):
    network = read_network(write(tmp_path, "b.net", "*Bipartite 10\n1 10\n12 3 2\n"))
    assert network.bipartite_start_id == 10
    assert network.node_ids.tolist() == [1, 3, 10, 12]
    assert not network.directed


def test_first_order_files_are_not_bipartite(tmp_path):
    assert read_network(write(tmp_path, "e.net", "*Edges\n1 2\n")).bipartite_start_id is None


# ---------------------------------------------------------------- bad input

BAD_FILES = [
    # *States
    ("link to undeclared state", "*States\n1 1\n2 2\n*Links\n1 2\n2 3\n", 6,
     "link to state 3, which *States (line 1) does not declare"),
    ("state of undeclared vertex", "*Vertices 2\n1 a\n2 b\n*States\n1 1\n2 9\n*Links\n1 2\n", 6,
     "state of physical node 9, which *Vertices 2 (line 1) does not declare"),
    ("state listed twice", "*States\n1 1\n1 2\n*Links\n1 1\n", 3,
     "state 1 is listed twice (first on line 2)"),
    ("state line with one column", "*States\n1\n*Links\n1 1\n", 2,
     "expected 'state_id physical_id [\"name\"] [weight]', got '1'"),
    ("non-integer state id", "*States\na 1\n*Links\n1 1\n", 2,
     "state id must be a non-negative integer, got 'a'"),
    ("negative state weight", '*States\n1 1 "a" -1\n*Links\n1 1\n', 2,
     "state weight must be a finite number >= 0, got '-1'"),
    ("no states", "*States\n# none\n*Links\n", None, "lists no states"),
    # multilayer
    ("multilayer line with three columns", "*Multilayer\n1 1 2\n", 2,
     "expected 'layer node layer node [weight]' in *Multilayer, got '1 1 2' (3 columns)"),
    ("intra line with six columns", "*Intra\n1 1 2 3 4 5\n", 2,
     "expected 'layer node node [weight]' in *Intra, got '1 1 2 3 4 5' (6 columns)"),
    ("inter line with one column", "*Intra\n1 1 2\n*Inter\n1\n", 4,
     "expected 'layer node layer [weight]' in *Inter, got '1' (one column)"),
    ("non-integer layer", "*Intra\n1 1 2\nx 1 2\n", 3,
     "id must be a non-negative integer, got 'x'"),
    ("bad weight", "*Intra\n1 1 2 abc\n", 2, "weight must be a number, got 'abc'"),
    ("negative weight", "*Multilayer\n1 1 2 2 -0.5\n", 2,
     "weight must be a finite number >= 0, got '-0.5'"),
    ("inter within one layer", "*Intra\n1 1 2\n*Inter\n1 1 1 0.5\n", 4,
     "*Inter link from layer 1 to the same layer"),
    ("inter only", "*Inter\n1 1 2 0.5\n", None, "no *Multilayer or *Intra links"),
    ("undeclared node", '*Vertices 2\n1 "a"\n2 "b"\n*Intra\n1 1 2\n1 2 5\n', 6,
     "link to node 5, which *Vertices 2 (line 1) does not declare"),
    # *Bipartite
    ("start id beyond the vertices", "*Vertices 3\n1 a\n2 b\n3 c\n*Bipartite 5\n1 2\n", 5,
     "bipartite start id 5 is outside the vertex ids 1..3"),
    ("non-integer start id", "*Bipartite x\n1 3\n", 1, "expected '*Bipartite START_ID'"),
    ("missing start id", "*Bipartite\n1 3\n", 1, "expected '*Bipartite START_ID'"),
    ("link not crossing", "*Vertices 3\n1 a\n2 b\n3 c\n*Bipartite 3\n3 1\n1 2 0.5\n", 7,
     "bipartite link 1 -> 2 does not cross start id 3: both ends are primary nodes"),
    ("second bipartite", "*Bipartite 3\n1 3\n*Bipartite 3\n2 3\n", 3, "a second *Bipartite"),
    # mixed kinds
    ("edges with multilayer", "*Edges\n1 2\n*Multilayer\n1 1 1 2\n", 3,
     "*Multilayer cannot be mixed with *Edges (line 1)"),
    ("states with intra", "*States\n1 1\n2 2\n*Intra\n1 1 2\n", 4,
     "*Intra cannot be mixed with *States (line 1)"),
    ("bipartite with states", "*States\n1 1\n2 2\n*Bipartite 2\n1 2\n", 4,
     "*Bipartite cannot be mixed with *States (line 1)"),
    ("links after intra", "*Intra\n1 1 2\n*Links\n1 2\n", 3,
     "*Links cannot be mixed with *Intra (line 1)"),
    ("bipartite after edges", "*Edges\n1 2\n*Bipartite 2\n1 2\n", 3,
     "*Bipartite cannot be mixed with *Edges (line 1)"),
    ("headless links then multilayer", "1 2\n*Multilayer\n1 1 1 2\n", 2,
     "*Multilayer cannot be mixed with link lines before any heading (line 1)"),
    ("unknown section", "*Vertices 2\n*Paths\n1 2\n", 2, "unsupported section '*Paths'"),
]


@pytest.mark.parametrize("case, text, line, message", BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_bad_higher_order_file_names_the_file_and_line(tmp_path, case, text, line, message):
    path = write(tmp_path, "bad.net", text)
    with pytest.raises(InputFormatError) as info:
        read_network(path)
    error = info.value
    assert error.line == line
    assert message in error.message
    prefix = f"{path}:{line}: " if line is not None else f"{path}: "
    assert str(error).startswith(prefix)
    assert "\n" not in str(error)


def test_mixed_sections_error_is_one_line_with_file_and_line(tmp_path):
    path = write(tmp_path, "mixed.net", "*Vertices 2\n1 a\n2 b\n*Edges\n1 2\n*States\n1 1\n"
                                        "*Multilayer\n1 1 1 2\n")
    with pytest.raises(InputFormatError, match=re.escape(f"{path}:8: *Multilayer cannot be "
                                                         "mixed with")):
        read_network(path)


def test_multilayer_fast_and_careful_parsing_agree(tmp_path):
    from infomap_py.io import _higher_order

    body = b"1 2 3 4\r\n\t5 6 7 8 0.5\n\n9 10 11 12 1e-3\n"
    fast = _higher_order._fast_rows(body, 4, 4)
    assert fast is not None
    careful = _higher_order._careful_rows(None, body, 4, "*multilayer")
    for ours, theirs in zip(fast[0] + [fast[1], fast[2]],
                            careful[0] + [careful[1], careful[2]], strict=True):
        assert ours.tolist() == theirs.tolist()
    assert fast[2].tolist() == [5, 6, 8]
    path = write(tmp_path, "m.net", "*Intra\n# c\n1 1 2 # x\r\n*Inter\n*Intra\n2,1,2,0.5\n")
    assert [c.tolist() for c in read_network(path).links] == [[1, 2], [1, 1], [1, 2], [2, 2],
                                                              [1.0, 0.5]]


# ---------------------------------------------------------------- fast *States


def _careful_only(monkeypatch):
    """Make the *States reader parse every line one by one (the reference path)."""
    from infomap_py.io import _higher_order

    monkeypatch.setattr(_higher_order, "_fast_state_rows", lambda body, line: None)


def _same_state_network(a, b):
    assert a.network.nodes == b.network.nodes or list(a.network.nodes) == list(b.network.nodes)
    assert a.physical.tolist() == b.physical.tolist()
    assert list(a.physical_nodes) == list(b.physical_nodes)
    assert a.network.names == b.network.names
    assert (a.network.node_weights is None) == (b.network.node_weights is None)
    if a.network.node_weights is not None:
        assert a.network.node_weights.tolist() == b.network.node_weights.tolist()
    assert a.network.source.tolist() == b.network.source.tolist()
    assert a.network.target.tolist() == b.network.target.tolist()


STATE_FILES = {
    "plain": "*States\n1 10\n2 11\n3 10\n*Links\n1 2\n2 3\n",
    "weights": "*States\n# id phys w\n1 10 0.5\n2 11 2e0\n3 10\n  4\t12 .25\n*Links\n1 2\n4 3\n",
    "names": '*Vertices\n10 "ten"\n11 "eleven"\n*States\n1 10 "a b"\n2 11 x 3\n3 10 7\n'
             '4 11 "q" 2 # note\n*Links\n1 2\n3 4\n',
    "mixed": '*States\n5 1\n\n3 2 "three"\n1 1 0.5 # c\n9 3 nine\n*Links\n5 3\n1 9\n',
    "number-like-name": "*States\n1 1\n2 1 1e\n3 2 1.2.3 4\n*Links\n1 2\n",
    "two-sections": "*States\n1 1\n*Links\n1 2\n*States\n2 2 1.5\n",
}


@pytest.mark.parametrize("name", list(STATE_FILES))
def test_fast_states_reader_equals_the_careful_one(tmp_path, monkeypatch, name):
    path = tmp_path / "s.net"
    path.write_text(STATE_FILES[name])
    fast = read_network(path)
    _careful_only(monkeypatch)
    _same_state_network(fast, read_network(path))


@pytest.mark.parametrize(("body", "line", "match"), [
    ("1 1\n2 1 -0.5\n", 3, "state weight must be a finite number >= 0"),
    ("1 1\n2 1 x -1\n", 3, "state weight must be a finite number >= 0"),
    ("1 1\n2 1 x 1e\n", 3, "state weight must be a number"),
    ("1 1\n2.0 1\n", 3, "state id must be a non-negative integer"),
    ("1 1\n2 -1\n", 3, "physical node id must be a non-negative integer"),
    ("1 1\n2\n", 3, "expected 'state_id physical_id"),
    ("1 1\n2 1\n1 2\n", 4, r"state 1 is listed twice \(first on line 2\)"),
    ("1 1\n99999999999999999999 1\n", 3, "too large"),
    ("1 1\n2 1,5\n", 3, "physical node id must be a non-negative integer"),
])
def test_fast_states_reader_errors_name_the_line(tmp_path, body, line, match):
    path = tmp_path / "bad.net"
    path.write_text("*States\n" + body + "*Links\n1 1\n")
    with pytest.raises(InputFormatError, match=match) as info:
        read_network(path)
    assert info.value.line == line


def test_fast_states_reader_on_a_large_generated_file(tmp_path, monkeypatch):
    rng = np.random.default_rng(0)
    n = 5000
    physical = rng.integers(0, 800, n)
    weights = np.round(rng.random(n) * 3, 3)
    rows = [f"{k + 1} {p}" + (' "s"' if k % 997 == 0 else "") + (f" {w}" if k % 3 else "")
            for k, (p, w) in enumerate(zip(physical.tolist(), weights.tolist(), strict=True))]
    links = rng.integers(1, n + 1, size=(3 * n, 2))
    path = tmp_path / "big.net"
    path.write_text("*States\n" + "\n".join(rows) + "\n*Links\n"
                    + "\n".join(f"{a} {b}" for a, b in links.tolist()) + "\n")
    fast = read_network(path)
    assert fast.num_states == n and fast.network.num_links == 3 * n
    _careful_only(monkeypatch)
    _same_state_network(fast, read_network(path))
