"""Regressions: bad or extreme input gets one clear error (or is read right),
never a traceback from deep inside NumPy or Numba, nor a silent misreading."""

from __future__ import annotations

import re
import subprocess
import sys
import tracemalloc
from decimal import Decimal

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
from plotcheck import close_figures  # noqa: F401 - an autouse fixture

import infomap_py
from infomap_py import _validate
from infomap_py.errors import InputFormatError
from infomap_py.io import read_network, read_partition, read_tree, write_ftree, write_tree

TRIANGLE = [[0, 1, 1], [1, 0, 1], [1, 1, 0]]


def write(tmp_path, name, text):
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return path


def links(network):
    nodes = list(network.nodes)
    return [(nodes[s], nodes[t], w) for s, t, w in
            zip(network.source.tolist(), network.target.tolist(), network.weight.tolist(),
                strict=True)]


# 1. A NumPy array is an edge array, never an adjacency matrix.

@pytest.mark.parametrize("graph", [np.array(TRIANGLE), TRIANGLE, np.array([[0, 1], [1, 0]]),
                                   np.array(TRIANGLE, dtype=float)])
def test_square_2x2_and_3x3_arrays_are_refused_as_ambiguous(graph):
    k = len(graph)
    with pytest.raises(ValueError, match=rf"shape \({k}, {k}\) is ambiguous: {k} links or a "
                                         rf"{k} x {k} adjacency matrix; pass an adjacency "
                                         r"matrix as scipy.sparse.csr_array\(A\)"):
        infomap_py.cluster(graph)


def test_adjacency_matrix_as_sparse_is_read_as_one():
    network = infomap_py.convert.to_network(sp.csr_array(np.array(TRIANGLE)))
    assert network.num_nodes == 3 and network.num_links == 3
    two = infomap_py.convert.to_network(sp.csr_array(np.array([[0, 1], [1, 0]])))
    assert two.num_nodes == 2 and two.num_links == 1


def test_larger_square_array_says_how_to_pass_an_adjacency_matrix():
    with pytest.raises(ValueError, match=r"got \(4, 4\); an adjacency matrix must be a scipy "
                                         r"sparse matrix: scipy.sparse.csr_array\(A\)"):
        infomap_py.cluster(np.ones((4, 4)))


def test_edge_arrays_of_other_lengths_are_still_edge_arrays():
    assert list(infomap_py.convert.to_network(np.array([[0, 1], [1, 2], [2, 0], [0, 3]])).nodes) \
        == [0, 1, 2, 3]
    assert infomap_py.convert.to_network([[0, 1, 2.0]]).weight.tolist() == [2.0]


def test_ragged_edge_list_is_a_value_error():
    with pytest.raises(ValueError, match="edge array must be rectangular"):
        infomap_py.cluster([[0, 1], [1, 2, 3, 4]])


# 2. Sizes beyond this machine's memory are refused before anything is allocated.

def test_huge_vertices_count_is_refused_with_its_size(tmp_path):
    path = write(tmp_path, "net.net", "*Vertices 100000000000\n*Edges\n1 2\n")
    with pytest.raises(InputFormatError, match=r"net\.net:1: \*Vertices 100000000000: "
                                               r"100,000,000,000 nodes need at least 5\.82 TiB "
                                               r"of memory \(64 bytes per node\), more than"):
        read_network(path)


def test_vertices_count_beyond_int64_is_refused(tmp_path):
    path = write(tmp_path, "net.net", "*Vertices 10000000000000000000000\n*Edges\n1 2\n")
    with pytest.raises(InputFormatError, match=r"net\.net:1: \*Vertices 1000+: .* nodes need"):
        read_network(path)


def test_the_limit_is_this_machines_memory(tmp_path, monkeypatch):
    monkeypatch.setattr(_validate, "physical_memory", lambda: 64 * 1000)
    assert read_network(write(tmp_path, "ok.net", "*Vertices 1000\n*Edges\n1 2\n")).num_nodes \
        == 1000
    with pytest.raises(InputFormatError, match=r"1,001 nodes need at least 62\.6 KiB of memory "
                                               r"\(64 bytes per node\), more than the 62\.5 KiB "
                                               r"of this machine"):
        read_network(write(tmp_path, "big.net", "*Vertices 1001\n*Edges\n1 2\n"))
    with pytest.raises(ValueError, match=r"edge array node id 1000 in row 1: 1,001 nodes"):
        infomap_py.cluster(np.array([[0, 1], [2, 1000], [1, 2], [2, 3]]))
    with pytest.raises(ValueError, match=r"adjacency matrix of shape \(1001, 1001\): 1,001 nodes"):
        infomap_py.cluster(sp.csr_array((1001, 1001)))


def test_twenty_digit_vertex_id_is_refused(tmp_path):
    path = write(tmp_path, "net.net", '*Vertices 3\n1 "a"\n12345678901234567890 "b"\n'
                                      "*Edges\n1 2\n")
    with pytest.raises(InputFormatError, match=r"net\.net:3: vertex id 12345678901234567890 is "
                                               r"too large: ids must be at most "
                                               r"9223372036854775807"):
        read_network(path)


def test_twenty_digit_node_id_in_a_link_list_is_refused(tmp_path):
    path = write(tmp_path, "net.txt", "1 2\n# comment\n2 12345678901234567890 0.5\n")
    with pytest.raises(InputFormatError, match=r"net\.txt:3: node id 12345678901234567890 is "
                                               r"too large: integer ids must be at most "
                                               r"9223372036854775807 \(2\*\*63 - 1\)"):
        read_network(path)
    pajek = write(tmp_path, "net.net", "*Edges\n1 2\n99999999999999999999 1\n")
    with pytest.raises(InputFormatError, match=r"net\.net:3: node id 99999999999999999999 is "
                                               r"too large"):
        read_network(pajek)


def test_nineteen_digit_ids_that_fit_int64_are_integers(tmp_path):
    network = read_network(write(tmp_path, "net.txt", "9223372036854775807 1\n1 2\n"))
    assert list(network.nodes) == [1, 2, 9223372036854775807]
    assert network.names is None
    assert links(network) == [(9223372036854775807, 1, 1.0), (1, 2, 1.0)]


def test_a_long_digit_name_among_names_stays_a_name(tmp_path):
    network = read_network(write(tmp_path, "net.txt", "alice 12345678901234567890\n"))
    assert list(network.nodes) == ["alice", "12345678901234567890"]


def test_huge_id_in_an_edge_array_is_refused_before_allocating():
    with pytest.raises(ValueError, match=r"edge array node id 1000000000000 in row 0: "
                                         r"1,000,000,000,001 nodes need at least 58\.2 TiB .*; "
                                         r"node ids are node indices 0\.\.max id: renumber"):
        infomap_py.cluster(np.array([[0, 10**12], [0, 1], [1, 2]]))


def test_uint64_id_above_int64_is_not_reported_negative():
    edges = np.array([[2**63, 1], [1, 2], [2, 0]], dtype=np.uint64)
    with pytest.raises(ValueError, match=r"edge array node id 9223372036854775808 in row 0"):
        infomap_py.cluster(edges)


def test_networkx_node_beyond_int64_falls_back_to_index_ids(tmp_path):
    G = nx.Graph([(2**70, 1), (1, 2), (2, 2**70)])
    res = infomap_py.cluster(G, seed=1)
    assert list(res.nodes) == [2**70, 1, 2]
    assert res.node_ids.tolist() == [0, 1, 2]
    write_tree(res, tmp_path / "out.tree")
    assert f'"{2**70}" 0' in (tmp_path / "out.tree").read_text()
    small = infomap_py.cluster(nx.Graph([(-5, 2**62)]), seed=1)
    assert small.node_ids.tolist() == [-5, 2**62]


def test_plots_of_an_empty_result_say_there_is_nothing_to_draw():
    from infomap_py import plot

    G = nx.empty_graph(0)
    res = infomap_py.cluster(G)
    with pytest.raises(ValueError, match="the result holds no nodes .*nothing to draw"):
        plot.network(G, res)
    with pytest.raises(ValueError, match="the result holds no nodes .*nothing to draw"):
        plot.module_map(res)


@pytest.mark.parametrize("figsize", [(0, 0), (-1, 3), (float("nan"), 3), ("7", 7), (7,)])
def test_plots_refuse_a_figsize_that_is_not_two_positive_numbers(figsize):
    from infomap_py import plot

    G = nx.karate_club_graph()
    res = infomap_py.cluster(G, seed=1)
    calls = [lambda: plot.network(G, res, figsize=figsize),
             lambda: plot.module_map(res, figsize=figsize),
             lambda: plot.tree(res, figsize=figsize),
             lambda: plot.codelength(res, figsize=figsize),
             lambda: plot.alluvial(res, res, figsize=figsize)]
    for call in calls:
        with pytest.raises(ValueError, match=r"figsize must be \(width, height\) in inches, two "
                                             r"numbers > 0, got "):
            call()


# 3. Names are stored ragged: memory does not grow with the longest name.

def test_one_long_name_does_not_blow_up_memory(tmp_path):
    lines = [f"n{i} n{i + 1}\n" for i in range(20_000)] + ["x" * 5300 + " n0\n"]
    path = write(tmp_path, "net.txt", "".join(lines))
    read_network(path)  # compile or load the kernels outside the measurement
    tracemalloc.start()
    try:
        network = read_network(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert network.num_nodes == 20_002 and network.names[-1] == "x" * 5300
    # The file is 0.3 MB; a name matrix as wide as the longest name took 212 MB.
    assert peak < 20_000_000


def test_a_name_ending_in_nul_is_not_the_name_without_it(tmp_path):
    network = read_network(write(tmp_path, "net.txt", b"a\x00 b\na c\nb a\x00\n"))
    assert list(network.nodes) == ["a\x00", "b", "a", "c"]
    assert links(network) == [("a\x00", "b", 1.0), ("a", "c", 1.0), ("b", "a\x00", 1.0)]


# 4. Quotes in names are escaped in .tree and .ftree files, and read back.

@pytest.mark.parametrize("writer", [write_tree, write_ftree])
def test_quotes_backslashes_and_line_breaks_in_names_are_escaped(tmp_path, writer):
    names = ['a"b', "c\\", "d\ne", "plain"]
    G = nx.Graph([(names[0], names[1]), (names[1], names[2]), (names[2], names[3])])
    res = infomap_py.cluster(G, seed=1)
    path = tmp_path / f"out.{writer.__name__[6:]}"
    writer(res, path)
    rows = [line for line in path.read_text().split("\n")
            if line and not line.startswith(("#", "*")) and '"' in line]
    assert len(rows) == 4
    quoted = {line[line.index('"'):line.rindex('"') + 1] for line in rows}
    assert quoted == {r'"a\"b"', '"c\\\\"', r'"d\ne"', '"plain"'}
    assert read_tree(path) == {int(i): tuple(p) for i, p in zip(res.node_ids, res.paths,
                                                                  strict=True)}
    assert set(read_partition(path).values()) == {p[0] for p in res.paths}


# 5. Weights, paths, partitions and ids that are not what they claim are refused.

@pytest.mark.parametrize("bad", ["2.5", b"2", True, 1 + 2j, None])
def test_networkx_weight_that_is_not_a_number_is_refused(bad):
    G = nx.Graph()
    G.add_edge("u", "v", weight=1.0)
    G.add_edge("v", "w", weight=bad)
    with pytest.raises(TypeError, match=r"edge attribute 'weight' must hold numbers, got "
                                        + re.escape(repr(bad)) + r" on edge \('v', 'w'\)"):
        infomap_py.cluster(G)


def test_networkx_weights_of_other_number_types_are_read():
    G = nx.Graph()
    G.add_edge(0, 1, weight=np.float32(2.5))
    G.add_edge(1, 2, weight=Decimal("0.5"))
    G.add_edge(2, 0, weight=3)
    assert infomap_py.convert.to_network(G).weight.tolist() == [2.5, 3.0, 0.5]


def test_complex_sparse_weights_are_refused():
    matrix = sp.csr_array(np.array([[0, 1 + 1j, 0], [1 + 1j, 0, 1], [0, 1, 0]]))
    with pytest.raises(TypeError, match="adjacency matrix must hold real numbers, got dtype "
                                        "complex128"):
        infomap_py.cluster(matrix)


def test_boolean_sparse_adjacency_is_read_as_ones():
    matrix = sp.csr_array(np.array(TRIANGLE, dtype=bool))
    assert infomap_py.convert.to_network(matrix).weight.tolist() == [1.0, 1.0, 1.0]


@pytest.mark.parametrize("token", ["1_000", "1_0.5", "0x10", "١"])
def test_weight_with_digit_separators_is_refused(tmp_path, token):
    path = write(tmp_path, "net.txt", f"1 2\n2 3 {token}\n")
    with pytest.raises(InputFormatError, match=rf"net\.txt:2: weight must be a number, got "
                                               rf"'{token}'"):
        read_network(path)


def test_node_weight_and_flow_with_digit_separators_are_refused(tmp_path):
    path = write(tmp_path, "net.net", '*Vertices 2\n1 "a" 1_000\n2 "b"\n*Edges\n1 2\n')
    with pytest.raises(InputFormatError, match=r"net\.net:2: node weight must be a number, got "
                                               r"'1_000'"):
        read_network(path)
    clu = write(tmp_path, "p.clu", "1 1 0.5\n2 1 1_0\n")
    with pytest.raises(InputFormatError, match=r"p\.clu:2: flow must be a number, got '1_0'"):
        read_partition(clu)


@pytest.mark.parametrize("paths", [[(1.5, 1), (1, 2), (2, 1)], [(1, 1), (True, 2), (2, 1)],
                                   {0: (1, 1), 1: (1.0, 2), 2: (2, 1)}])
def test_tree_path_component_that_is_not_an_integer_is_refused(paths):
    with pytest.raises(ValueError, match=r"path of node \d is not a sequence of integers"):
        infomap_py.codelength(nx.path_graph(3), paths)


def test_tree_path_component_in_a_file_is_refused(tmp_path):
    path = write(tmp_path, "t.tree", '1.5:1 0.5 "a" 1\n1:2 0.5 "b" 2\n')
    with pytest.raises(InputFormatError, match=r"t\.tree:1: path must be positive integers"):
        read_tree(path)


def test_partition_dict_with_a_key_that_is_not_a_node_is_refused():
    G = nx.path_graph(3)
    with pytest.raises(ValueError, match="partition has a module for 99, which is not a node"):
        infomap_py.codelength(G, {0: 0, 1: 0, 2: 1, 99: 1})
    with pytest.raises(ValueError, match="community 1 holds 99, which is not a node"):
        infomap_py.codelength(G, [{0, 1}, {2, 99}])
    assert infomap_py.codelength(G, {0: 0, 1: 0, 2: 1}) == infomap_py.codelength(G, [0, 0, 1])


# 6. A network of zero weights is empty; CR-only line ends are line ends.

def test_link_list_of_only_zero_weights_is_empty(tmp_path):
    path = write(tmp_path, "net.txt", "1 2 0\n2 3 0.0\n")
    with pytest.raises(InputFormatError, match=r"net\.txt: the network is empty: all 2 links "
                                               r"have weight 0"):
        read_network(path)
    pajek = write(tmp_path, "net.net", "*Edges\n1 2 0\n")
    with pytest.raises(InputFormatError, match="the network is empty"):
        read_network(pajek)


def test_declared_vertices_with_zero_weight_links_are_not_empty(tmp_path):
    """The official Infomap runs on declared vertices whatever the links."""
    network = read_network(write(tmp_path, "net.net", "*Vertices 3\n*Edges\n1 2 0\n"))
    assert network.num_nodes == 3


def test_some_zero_weights_are_fine(tmp_path):
    network = read_network(write(tmp_path, "net.txt", "1 2 0\n2 3\n"))
    assert network.weight.tolist() == [0.0, 1.0]


def test_cr_only_line_ends_are_line_ends(tmp_path):
    network = read_network(write(tmp_path, "net.txt", b"# net\r1 2\r2 3 0.5\r3 1\r"))
    assert links(network) == [(1, 2, 1.0), (2, 3, 0.5), (3, 1, 1.0)]
    with pytest.raises(InputFormatError, match=r"bad\.txt:3: expected 'source target \[weight\]'"
                                               r", got '4' \(one column\)"):
        read_network(write(tmp_path, "bad.txt", b"1 2\r2 3\r4\r"))
    clu = write(tmp_path, "p.clu", b"# node module\r1 1\r2 1\r3 2\r")
    assert read_partition(clu) == {1: 1, 2: 1, 3: 2}


# 7. The readers are top-level names, imported on first use.

def test_readers_are_top_level_names():
    assert infomap_py.read_network is read_network
    assert infomap_py.read_partition is read_partition
    assert infomap_py.read_tree is read_tree
    assert {"read_network", "read_partition", "read_tree"} <= set(infomap_py.__all__)
    code = ("import sys, infomap_py; assert 'infomap_py.io' not in sys.modules; "
            "assert infomap_py.read_network.__module__ == 'infomap_py.io.readers'; "
            "assert 'matplotlib' not in sys.modules")
    assert subprocess.run([sys.executable, "-c", code], timeout=120).returncode == 0


def test_tree_dict_with_a_key_that_is_not_a_node_is_refused():
    import networkx as nx

    G = nx.path_graph(3)
    paths = {0: (1, 1), 1: (1, 2), 2: (2, 1), "x": (2, 2)}
    with pytest.raises(ValueError, match="'x', which is not a node"):
        infomap_py.codelength(G, paths)
