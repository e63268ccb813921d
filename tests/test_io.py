"""The file formats: network readers, partition readers, writers, and round
trips with the official Infomap (its reader parses our files, ours parses its)."""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import re
import sys
import warnings
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

import infomap_py
from infomap_py.convert import to_network
from infomap_py.errors import InfomapPyError, InputFormatError, OutputError
from infomap_py.io import (
    _atomic,
    read_network,
    read_partition,
    read_tree,
    readers,
    write_clu,
    write_csv,
    write_ftree,
    write_json,
    write_tree,
    writers,
)

WRITERS = {"clu": write_clu, "tree": write_tree, "ftree": write_ftree, "json": write_json,
           "csv": write_csv}


def official_data(name: str) -> Path:
    import infomap

    return Path(infomap.__file__).parent / "datasets" / "data" / f"{name}.net"


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text, str):
        text = text.encode()
    path.write_bytes(text)
    return path


def links(network) -> list[tuple]:
    """The links as (source label, target label, weight) triples."""
    nodes = list(network.nodes)
    return [(nodes[s], nodes[t], w) for s, t, w in zip(
        network.source.tolist(), network.target.tolist(), network.weight.tolist(), strict=True)]


# --- link lists -----------------------------------------------------------------------

def test_link_list_separators_comments_and_blank_lines(tmp_path):
    text = ("# source target weight\n"
            "\n"
            "1 2\n"
            "2\t3\t0.5\n"
            "3,4,2\n"
            "  4 ,\t1   1.5   # a trailing comment\n"
            "# 9 9 9\n"
            "   \n"
            "1 3 1e-3\r\n"
            "4 2 +2.5")  # no final newline
    network = read_network(write(tmp_path, "net.txt", text))
    assert network.num_nodes == 4 and not network.directed
    assert network.nodes == range(1, 5)
    assert network.node_ids.tolist() == [1, 2, 3, 4]
    assert network.names is None and network.node_weights is None
    assert links(network) == [(1, 2, 1.0), (2, 3, 0.5), (3, 4, 2.0), (4, 1, 1.5),
                              (1, 3, 0.001), (4, 2, 2.5)]


def test_integer_ids_are_kept_as_given(tmp_path):
    network = read_network(write(tmp_path, "net.txt", "10 20\n20 5\n1000000 5\n"))
    assert list(network.nodes) == [5, 10, 20, 1000000]
    assert network.node_ids.tolist() == [5, 10, 20, 1000000]
    assert links(network) == [(10, 20, 1.0), (20, 5, 1.0), (1000000, 5, 1.0)]


def test_sparse_huge_ids(tmp_path):
    network = read_network(write(tmp_path, "net.txt", "123456789012345 7\n7 0\n"))
    assert list(network.nodes) == [0, 7, 123456789012345]
    assert links(network) == [(123456789012345, 7, 1.0), (7, 0, 1.0)]


def test_string_names_in_order_of_first_appearance(tmp_path):
    network = read_network(write(tmp_path, "net.txt", "b a 2\na c\n1 b\nc,1,0.5\n"))
    assert list(network.nodes) == ["b", "a", "c", "1"]
    assert list(network.names) == ["b", "a", "c", "1"]
    assert network.node_ids.tolist() == [0, 1, 2, 3]
    assert links(network) == [("b", "a", 2.0), ("a", "c", 1.0), ("1", "b", 1.0),
                              ("c", "1", 0.5)]


def test_names_slow_path_agrees(tmp_path, monkeypatch):
    """Names of the same hash go to the dict-based reader, which agrees."""
    from infomap_py._core import parse

    path = write(tmp_path, "net.txt", "alpha beta\nbeta gamma 3\n# x\ngamma alpha\nδ alpha\n")
    fast = read_network(path)
    # The kernel in Python, with a hash under which every name collides.
    monkeypatch.setattr(parse, "name_ids", parse.name_ids.py_func)
    monkeypatch.setattr(parse, "_fnv1a", lambda data, start, end: np.uint64(7))
    calls = []
    slow_path = readers._named_ids_slow
    monkeypatch.setattr(readers, "_named_ids_slow", lambda *a: calls.append(1) or slow_path(*a))
    slow = read_network(path)
    assert calls == [1]
    assert list(fast.nodes) == list(slow.nodes) == ["alpha", "beta", "gamma", "δ"]
    assert links(fast) == links(slow)


def test_names_agree_with_a_dict_of_names(tmp_path):
    """Random names (bytes of any value but separators, '#' and line ends,
    some sharing a prefix or differing by a trailing NUL) are numbered in
    order of first appearance, as a plain dict does."""
    rng = np.random.default_rng(5)
    alphabet = [bytes([b]) for b in range(256) if b not in b" \t,\r\n\x0b\x0c#*"]
    pool = [b"".join(rng.choice(alphabet, size=int(rng.integers(1, 12)))) for _ in range(300)]
    pool += [name + b"\x00" for name in pool[:30]] + [pool[0] * 200]
    pool = [name for name in pool if not name.isdigit()]
    rows = [(pool[rng.integers(len(pool))], pool[rng.integers(len(pool))]) for _ in range(3000)]
    path = write(tmp_path, "net.txt", b"".join(u + b" " + v + b"\n" for u, v in rows))
    index: dict[bytes, int] = {}
    expected = [(index.setdefault(u, len(index)), index.setdefault(v, len(index))) for u, v in rows]
    network = read_network(path)
    assert list(zip(network.source.tolist(), network.target.tolist(), strict=True)) == expected
    assert list(network.nodes) == [readers.decode(name) for name in index]


def test_weights_parse_exactly_like_float(tmp_path):
    rng = np.random.default_rng(7)
    tokens = ["0", "0.0", "1", "2.", ".5", "+3", "1e3", "1E-3", "2.5e+2", "0.1", "0.3",
              "123456789", "0.1234567890123456789", "3.14159265358979323846", "1e-30",
              "7e22", "9007199254740993", "00012.50", "4.9e-324"]
    for _ in range(300):
        digits = "".join(rng.choice(list("0123456789"), size=rng.integers(1, 20)))
        point = int(rng.integers(0, len(digits) + 1))
        token = digits[:point] + "." + digits[point:]
        if rng.random() < 0.3:
            token += f"e{int(rng.integers(-30, 30))}"
        tokens.append(token)
    values = np.concatenate([rng.random(500), np.exp(rng.uniform(-700, 700, 500)),
                             rng.integers(0, 2**62, 200).astype(float)])
    for fmt in ("{!r}", "{:.18e}", "{:.17g}", "{:.25f}", "{:.30e}", "{:.3f}"):
        tokens += [fmt.format(float(v)) for v in values]
    text = "".join(f"{i} {i + 1} {token}\n" for i, token in enumerate(tokens))
    network = read_network(write(tmp_path, "net.txt", text))
    assert network.weight.tolist() == [float(token) for token in tokens]


def test_weight_kernel_leaves_little_to_python():
    """The kernel settles nearly every weight itself (NaN hands one to ``float()``)."""
    from infomap_py._core import parse

    rng = np.random.default_rng(11)
    values = rng.random(2000)
    for fmt in ("{!r}", "{:.18e}", "{:.6g}"):
        data = "".join(f"1 2 {fmt.format(float(v))}\n" for v in values).encode()
        size = len(values) + 1
        weight = np.empty(size)
        parse.parse_links(np.frombuffer(data, dtype=np.uint8), 0, 0, np.empty(size, np.int64),
                          np.empty(size, np.int64), weight, 0)
        assert np.isnan(weight[:len(values)]).mean() < 0.01, fmt


def test_link_list_agrees_with_loadtxt(tmp_path):
    rng = np.random.default_rng(3)
    edges = np.column_stack([rng.integers(0, 500, 5000), rng.integers(0, 500, 5000),
                             rng.random(5000)])
    path = tmp_path / "net.tsv"
    np.savetxt(path, edges, fmt=["%d", "%d", "%.17g"], delimiter="\t")
    network = read_network(path)
    nodes = np.asarray(network.nodes)
    assert np.array_equal(nodes[network.source], edges[:, 0])
    assert np.array_equal(nodes[network.target], edges[:, 1])
    assert np.array_equal(network.weight, edges[:, 2])


def test_directed_argument(tmp_path):
    path = write(tmp_path, "net.txt", "1 2\n")
    assert not read_network(path).directed
    assert read_network(path, directed=True).directed
    assert not read_network(path, directed=False).directed
    with pytest.raises(TypeError, match="directed"):
        read_network(path, directed="yes")


def test_gzip_is_read_transparently(tmp_path):
    text = "1 2 0.5\n2 3\n"
    plain = read_network(write(tmp_path, "net.txt", text))
    zipped = read_network(write(tmp_path, "net.txt.gz", gzip.compress(text.encode())))
    assert links(plain) == links(zipped)


def test_multi_member_gzip(tmp_path):
    data = gzip.compress(b"1 2\n") + gzip.compress(b"2 3 4\n")
    network = read_network(write(tmp_path, "net.txt.gz", data))
    assert links(network) == [(1, 2, 1.0), (2, 3, 4.0)]


def test_stdin(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"a b\nb c 2\n")))
    network = read_network("-")
    assert list(network.nodes) == ["a", "b", "c"]
    assert network.weight.tolist() == [1.0, 2.0]
    gz = gzip.compress(b"*Vertices 2\n1 \"x\"\n2 \"y\"\n*Arcs\n1 2\n")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(gz)))
    network = read_network("-")
    assert network.directed and network.names == ["x", "y"]


def test_byte_order_mark_is_skipped(tmp_path):
    network = read_network(write(tmp_path, "net.txt", b"\xef\xbb\xbf1 2\n"))
    assert list(network.nodes) == [1, 2]


# --- Pajek ------------------------------------------------------------------------------

PAJEK = """\
# a comment
*Vertices 5
1 "node one" 2.5
2 "b"
3 c
4
*Edges
1 2
2 3 0.5   # comment
*Arcs
3 1 2
"""


def test_pajek_names_node_weights_and_isolated_vertices(tmp_path):
    network = read_network(write(tmp_path, "net.net", PAJEK))
    assert network.directed  # an *Arcs section
    assert network.nodes == range(1, 6)
    assert network.num_nodes == 5  # 4 and 5 are isolated
    assert network.node_ids.tolist() == [1, 2, 3, 4, 5]
    assert list(network.names) == ["node one", "b", "c", "4", "5"]
    assert network.node_weights.tolist() == [2.5, 1.0, 1.0, 1.0, 1.0]
    assert links(network) == [(1, 2, 1.0), (2, 3, 0.5), (3, 1, 2.0)]


def test_pajek_is_detected_whatever_the_extension(tmp_path):
    assert read_network(write(tmp_path, "net.txt", PAJEK)).num_nodes == 5


@pytest.mark.parametrize("heading, directed, expected", [
    ("*Edges", None, False), ("*edges", True, True), ("*Arcs", None, True),
    ("*ARCS", False, False), ("*Links", None, False), ("*links", True, True),
])
def test_pajek_link_sections(tmp_path, heading, directed, expected):
    path = write(tmp_path, "net.net", f"*VERTICES 3\n{heading}\n1 2\n3 2 4\n")
    network = read_network(path, directed=directed)
    assert network.directed is expected
    assert links(network) == [(1, 2, 1.0), (3, 2, 4.0)]  # as given, never mirrored
    assert network.names is None and network.node_weights is None


def test_pajek_vertices_without_count_and_zero_based_ids(tmp_path):
    text = '*Vertices\n0 "zero"\n1 "one"\n2 "two"\n*Edges\n0 1\n1 2\n'
    network = read_network(write(tmp_path, "net.net", text))
    assert list(network.nodes) == [0, 1, 2]
    assert list(network.names) == ["zero", "one", "two"]


def test_pajek_without_vertices_section(tmp_path):
    network = read_network(write(tmp_path, "net.net", "*Edges\n5 7\n7 9\n"))
    assert list(network.nodes) == [5, 7, 9]


def test_pajek_links_before_any_heading(tmp_path):
    network = read_network(write(tmp_path, "net.net", "1 2\n*Vertices 3\n*Edges\n2 3\n"))
    assert links(network) == [(1, 2, 1.0), (2, 3, 1.0)]


def test_official_example_networks_are_read():
    expected = {"ninetriangles": (27, 39, False), "twotriangles": (6, 7, False),
                "modular_w": (25, 43, False), "modular_wd": (25, 48, True)}
    for name, (n, m, directed) in expected.items():
        network = read_network(official_data(name))
        assert (network.num_nodes, network.num_links, network.directed) == (n, m, directed)
    assert read_network(official_data("twotriangles")).names == list("ABCDEF")


# --- bad input ----------------------------------------------------------------------------

BAD_INPUT = [
    # (file name, content, line, fragment of the message)
    ("empty.txt", "", None, "no links"),
    ("comments.txt", "# nothing\n\n   \n", None, "no links"),
    ("one.txt", "1 2\n# c\n3\n", 3, "one column"),
    ("four.txt", "1 2\n2 3 1 7\n", 2, "more than three columns"),
    ("word.txt", "1 2\n2 3 heavy\n", 2, "weight must be a number, got 'heavy'"),
    ("negative.txt", "1 2\n\n2 3 -0.5\n", 3, "finite number >= 0, got '-0.5'"),
    ("nan.txt", "1 2 nan\n", 1, "finite number >= 0, got 'nan'"),
    ("inf.txt", "1 2 1\n2 3 inf\n", 2, "finite number >= 0, got 'inf'"),
    ("huge.txt", "1 2 1\n2 3 1e999\n", 2, "finite number >= 0"),
    ("names_weight.txt", "a b x\n", 1, "weight must be a number"),
    ("undeclared.net", "*Vertices 3\n*Edges\n1 2\n2 4\n", 4, "vertex 4"),
    ("undeclared0.net", "*Vertices 3\n*Arcs\n0 1\n", 3, "vertex 0"),
    ("pajek_id.net", "*Vertices 3\n*Edges\n1 b\n", 3, "must be non-negative integers"),
    ("pajek_columns.net", "*Vertices 3\n*Edges\n1\n", 3, "one column"),
    ("pajek_weight.net", "*Vertices 3\n*Edges\n1 2 -1\n", 3, "finite number >= 0"),
    ("vertices.net", "*Vertices many\n1 2\n", 1, "*Vertices N"),
    ("vertex_id.net", "*Vertices 2\nx \"a\"\n", 2, "vertex id"),
    ("vertex_twice.net", "*Vertices 2\n1 \"a\"\n1 \"b\"\n", 3, "listed twice"),
    ("node_weight.net", "*Vertices 2\n1 \"a\" -2\n", 2, "node weight"),
    ("two_vertices.net", "*Vertices 2\n*Vertices 2\n", 2, "second *Vertices"),
    ("section.net", "*Vertices 2\n*Matrix\n0 1\n", 2, "unsupported section '*Matrix'"),
    ("nothing.net", "*Vertices 0\n", None, "empty"),
]


@pytest.mark.parametrize("name, content, line, fragment", BAD_INPUT,
                         ids=[case[0] for case in BAD_INPUT])
def test_bad_input_names_file_and_line(tmp_path, name, content, line, fragment):
    path = write(tmp_path, name, content)
    with pytest.raises(InputFormatError) as info:
        read_network(path)
    err = info.value
    assert isinstance(err, ValueError) and isinstance(err, InfomapPyError)
    assert err.path == str(path) and err.line == line
    message = str(err)
    assert message.startswith(f"{path}:{line}: " if line else f"{path}: ")
    assert fragment in message


def test_bad_input_in_gzip_names_the_line(tmp_path):
    path = write(tmp_path, "net.txt.gz", gzip.compress(b"1 2\n2 3 x\n"))
    with pytest.raises(InputFormatError, match=r"net\.txt\.gz:2: weight must be a number"):
        read_network(path)


def test_missing_file(tmp_path):
    path = tmp_path / "missing.txt"
    with pytest.raises(InputFormatError, match=r"missing\.txt: no such file") as info:
        read_network(path)
    assert info.value.line is None


def test_directory(tmp_path):
    with pytest.raises(InputFormatError, match="is a directory"):
        read_network(tmp_path)


def test_unreadable_file(tmp_path, monkeypatch):
    path = write(tmp_path, "secret.txt", "1 2\n")

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    from infomap_py.io import _source

    monkeypatch.setattr(_source, "open", denied, raising=False)
    with pytest.raises(InputFormatError, match=r"secret\.txt: permission denied"):
        read_network(path)


def test_broken_gzip(tmp_path):
    payload = "".join(f"{i} {i * 7919 % 1000} {i / 7:.6f}\n" for i in range(2000)).encode()
    compressed = gzip.compress(payload)
    path = write(tmp_path, "net.txt.gz", compressed[: len(compressed) // 2])
    with pytest.raises(InputFormatError, match=r"net\.txt\.gz: not a valid gzip file"):
        read_network(path)


def test_error_on_stdin_is_named(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"1 2\n3\n")))
    with pytest.raises(InputFormatError, match=r"^<stdin>:2: "):
        read_network("-")


# --- partitions ---------------------------------------------------------------------------

def test_read_clu_and_tree(tmp_path):
    clu = write(tmp_path, "p.clu", "# v2.16.0\n# node_id module flow\n5 1 0.5\n7 2 0.25\n"
                                   "9 2 0.25\n")
    tree = write(tmp_path, "p.tree", '# path flow name node_id\n1:1 0.5 "a b" 5\n'
                                     '2:1 0.25 "c" 7\n2:2 0.25 "d" 9\n')
    ftree = write(tmp_path, "p.ftree", tree.read_text() + "*Links undirected\n*Links root 0 0 1 2\n"
                                                          "1 2 0.1\n")
    expected = {5: 1, 7: 2, 9: 2}
    assert read_partition(clu) == read_partition(tree) == read_partition(ftree) == expected
    gz = write(tmp_path, "p.clu.gz", gzip.compress(clu.read_bytes()))
    assert read_partition(gz) == expected
    two_columns = write(tmp_path, "p.clu2", "*Vertices 3\n5 1\n7 2\n9 2\n")
    assert read_partition(two_columns) == expected


def test_read_multilevel_tree_uses_top_modules(tmp_path):
    tree = write(tmp_path, "p.tree", '1:1:1 0.3 "a" 1\n1:2:1 0.3 "b" 2\n2:1 0.4 "c" 3\n')
    assert read_partition(tree) == {1: 1, 2: 1, 3: 2}


BAD_PARTITIONS = [
    ("one.clu", "# x\n1 1\n2\n", 3, "expected 'node_id module [flow]'"),
    ("node.clu", "a 1\n", 1, "node id"),
    ("module.clu", "1 -1\n", 1, "module"),
    ("flow.clu", "1 1 heavy\n", 1, "flow must be a number"),
    ("twice.clu", "1 1\n2 1\n1 2\n", 3, "listed twice (first on line 1)"),
    ("heading.clu", "*Arcs\n", 1, "unsupported heading"),
    ("empty.clu", "# nothing\n", None, "no nodes"),
    ("path.tree", '1:0 0.5 "a" 1\n', 1, "path must be positive integers"),
    ("flat.tree", '3 0.5 "a" 1\n', 1, "no module"),
    ("columns.tree", "1:1 0.5\n", 1, "expected 'path flow \"name\" node_id'"),
    ("id.tree", '1:1 0.5 "a" x\n', 1, "node id"),
    ("twice.tree", '1:1 0.5 "a" 1\n1:2 0.5 "a" 1\n', 2, "listed twice"),
]


@pytest.mark.parametrize("name, content, line, fragment", BAD_PARTITIONS,
                         ids=[case[0] for case in BAD_PARTITIONS])
def test_bad_partition_names_file_and_line(tmp_path, name, content, line, fragment):
    path = write(tmp_path, name, content)
    with pytest.raises(InputFormatError) as info:
        read_partition(path)
    assert info.value.line == line
    assert str(info.value).startswith(f"{path}:{line}: " if line else f"{path}: ")
    assert fragment in str(info.value)


def test_missing_partition_file(tmp_path):
    with pytest.raises(InputFormatError, match="no such file"):
        read_partition(tmp_path / "nothing.clu")


# --- writers ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def karate_result():
    return infomap_py.cluster(nx.karate_club_graph(), seed=3, two_level=True)


def data_lines(path: Path) -> list[str]:
    return [line for line in path.read_text().splitlines() if not line.startswith("#")]


def test_written_files_parse_back(tmp_path, karate_result):
    result = karate_result
    expected = {int(node): int(label) + 1 for node, label in
                zip(result.node_ids.tolist(), result.labels.tolist(), strict=True)}
    for fmt, writer in WRITERS.items():
        writer(result, tmp_path / f"karate.{fmt}")
    assert sorted(os.listdir(tmp_path)) == sorted(f"karate.{fmt}" for fmt in WRITERS)
    for fmt in ("clu", "tree", "ftree"):
        assert read_partition(tmp_path / f"karate.{fmt}") == expected

    with open(tmp_path / "karate.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["path", "flow", "name", "node_id"]
    assert {int(row["node_id"]): int(row["path"].split(":")[0]) for row in rows} == expected

    document = json.loads((tmp_path / "karate.json").read_text())
    assert document["codelength"] == pytest.approx(result.codelength, abs=1e-12)
    assert document["numTopModules"] == result.num_modules
    assert {node["id"]: node["path"][0] for node in document["nodes"]} == expected
    assert sum(node["flow"] for node in document["nodes"]) == pytest.approx(1.0, abs=1e-5)
    assert [m["path"] for m in document["modules"]] == [[k] for k in
                                                         range(result.num_modules + 1)]
    module_codelengths = sum(m["codelength"] for m in document["modules"][1:])
    assert module_codelengths == pytest.approx(result.module_codelength, abs=1e-4)
    assert document["modules"][0]["codelength"] == pytest.approx(result.index_codelength,
                                                                 abs=1e-5)


def test_order_paths_and_header(tmp_path, karate_result):
    result = karate_result
    write_tree(result, tmp_path / "karate.tree")
    lines = (tmp_path / "karate.tree").read_text().splitlines()
    assert re.match(r"^# v\d+\.\d+\.\d+ \(infomap-py\)$", lines[0])
    assert lines[1].startswith("# ./infomap-py --two-level")
    header = "\n".join(lines[:12])
    for pattern in (r"# started at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d", r"# completed in \S+ s",
                    r"# trials 1 of 1", r"# seed 3",
                    rf"# partitioned into 2 levels with {result.num_modules} top modules",
                    rf"# codelength {result.codelength:.6g} bits",
                    r"# relative codelength savings [\d.]+%", r"# flow model undirected",
                    r"# path flow name node_id"):
        assert re.search(pattern, header), pattern
    rows = [line.split() for line in data_lines(tmp_path / "karate.tree")]
    paths = [tuple(map(int, row[0].split(":"))) for row in rows]
    assert paths == sorted(paths)  # module by module, ranks counting from 1
    module_flow = {}
    for (module, _), row in zip(paths, rows, strict=True):
        module_flow[module] = module_flow.get(module, 0.0) + float(row[1])
    flows = [module_flow[m] for m in sorted(module_flow)]
    assert flows == sorted(flows, reverse=True)
    for module in module_flow:
        node_flows = [float(row[1]) for (m, _), row in zip(paths, rows, strict=True) if m == module]
        assert node_flows == sorted(node_flows, reverse=True)
        ranks = [r for m, r in paths if m == module]
        assert ranks == list(range(1, len(ranks) + 1))


def test_names_are_quoted(tmp_path):
    result = infomap_py.cluster(read_network(write(tmp_path, "net.txt",
                                                   'a b\nb c\nc a\nsay"hi" a\n')))
    write_tree(result, tmp_path / "out.tree")
    write_csv(result, tmp_path / "out.csv")
    assert any(r'"say\"hi\""' in line for line in data_lines(tmp_path / "out.tree"))
    with open(tmp_path / "out.csv", newline="") as handle:
        assert 'say"hi"' in {row["name"] for row in csv.DictReader(handle)}


def test_ftree_links_sum_to_the_flow(tmp_path, karate_result):
    result = karate_result
    write_ftree(result, tmp_path / "karate.ftree")
    lines = (tmp_path / "karate.ftree").read_text().splitlines()
    start = lines.index("*Links undirected")
    headings = [line.split() for line in lines[start:] if line.startswith("*Links ")][1:]
    assert [h[1] for h in headings] == ["root"] + [str(m) for m in
                                                   range(1, result.num_modules + 1)]
    total = 0.0
    section = None
    for line in lines[start:]:
        if line.startswith("*Links"):
            section = line.split()[1]
        elif not line.startswith("#"):
            a, b, flow = line.split()
            assert int(a) < int(b)  # undirected: one row per pair
            total += float(flow)
    # the flow on all links, between and inside modules, sums to one
    assert total == pytest.approx(1.0, abs=1e-4)
    assert section == str(result.num_modules)


@pytest.mark.parametrize("fmt", list(WRITERS))
def test_failed_write_leaves_nothing(tmp_path, monkeypatch, karate_result, fmt):
    def broken(handle, lines):
        handle.write("half a line")
        raise RuntimeError("disk on fire")

    def broken_nodes(*args):  # the JSON writer fails after its head is written
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(writers, "_write_lines", broken)
    monkeypatch.setattr(writers, "_json_nodes", broken_nodes)
    with pytest.raises(OutputError) as info:
        WRITERS[fmt](karate_result, tmp_path / f"out.{fmt}")
    assert isinstance(info.value, OSError) and isinstance(info.value, InfomapPyError)
    assert f"out.{fmt}" in str(info.value) and "disk on fire" in str(info.value)
    assert os.listdir(tmp_path) == []


def test_failed_rename_keeps_the_old_file(tmp_path, monkeypatch, karate_result):
    path = tmp_path / "out.clu"
    path.write_text("old\n")

    def refuse(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(_atomic.os, "replace", refuse)
    with pytest.raises(OutputError, match=r"cannot write .*out\.clu: Permission denied"):
        write_clu(karate_result, path)
    assert os.listdir(tmp_path) == ["out.clu"]
    assert path.read_text() == "old\n"


def test_write_into_missing_directory(tmp_path, karate_result):
    path = tmp_path / "no" / "such" / "out.tree"
    with pytest.raises(OutputError, match=r"out\.tree"):
        write_tree(karate_result, path)


def test_write_replaces_existing_file(tmp_path, karate_result):
    path = tmp_path / "out.clu"
    path.write_text("old\n")
    write_clu(karate_result, path)
    assert read_partition(path)
    assert os.listdir(tmp_path) == ["out.clu"]


# --- round trips with the official Infomap -----------------------------------------------

def official_infomap(network, two_level=True, **options):
    """An official Infomap holding ``network`` (node ids as ours)."""
    import infomap

    im = infomap.Infomap(two_level=two_level, silent=True, directed=network.directed, **options)
    ids = network.node_ids.tolist()
    for i in ids:
        im.add_node(i)
    for s, t, w in zip(network.source.tolist(), network.target.tolist(),
                       network.weight.tolist(), strict=True):
        im.add_link(ids[s], ids[t], w)
    return im


def example_networks():
    yield "karate", to_network(nx.karate_club_graph(), weight=None)
    for name in ("ninetriangles", "twotriangles", "modular_w", "modular_wd"):
        yield name, read_network(official_data(name))


@pytest.mark.parametrize("two_level", [True, False], ids=["two-level", "multilevel"])
@pytest.mark.parametrize("name, network", list(example_networks()),
                         ids=[name for name, _ in example_networks()])
def test_official_reads_our_files(tmp_path, name, network, two_level):
    """The official package scores our files (``no_infomap``) to our codelength;
    a .clu holds the top modules only, so it is a two-level check."""
    result = infomap_py.cluster(network, seed=1, two_level=two_level)
    for fmt in ("clu", "tree", "ftree") if two_level else ("tree", "ftree"):
        path = tmp_path / f"{name}.{fmt}"
        WRITERS[fmt](result, path)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            im = official_infomap(network, two_level=two_level, no_infomap=True,
                                  cluster_data=str(path))
            im.run()
            assert im.num_top_modules == result.num_modules
            assert im.num_levels == result.num_levels
        assert im.codelength == pytest.approx(result.codelength, abs=1e-9), fmt


@pytest.mark.parametrize("two_level", [True, False], ids=["two-level", "multilevel"])
@pytest.mark.parametrize("name, network", list(example_networks()),
                         ids=[name for name, _ in example_networks()])
def test_we_read_official_files(tmp_path, name, network, two_level):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        im = official_infomap(network, two_level=two_level)
        im.run()
        im.write_clu(str(tmp_path / "official.clu"))
        im.write_tree(str(tmp_path / "official.tree"))
        im.write_flow_tree(str(tmp_path / "official.ftree"))
        official_codelength = im.codelength
    for fmt in ("clu", "tree", "ftree") if two_level else ("tree", "ftree"):
        tree = read_tree(tmp_path / f"official.{fmt}")
        ours = infomap_py.codelength(network, [tree[i] for i in network.node_ids.tolist()])
        assert float(ours) == pytest.approx(official_codelength, abs=1e-9), fmt
    top = read_partition(tmp_path / "official.clu")
    assert all(top[node] == path[0] for node, path in tree.items())


def numbers_close(ours: list[str], theirs: list[str]) -> bool:
    """Lines equal token by token, numbers to the six digits printed."""
    if len(ours) != len(theirs):
        return False
    for a, b in zip(ours, theirs, strict=True):
        ta, tb = a.split(), b.split()
        if len(ta) != len(tb):
            return False
        for x, y in zip(ta, tb, strict=True):
            if x == y:
                continue
            try:
                if abs(float(x) - float(y)) > 1e-5 * abs(float(y)) + 1e-12:
                    return False
            except ValueError:
                return False
    return True


@pytest.mark.parametrize("two_level", [True, False], ids=["two-level", "multilevel"])
@pytest.mark.parametrize("name", ["ninetriangles", "modular_w", "modular_wd"])
def test_same_layout_as_official(tmp_path, name, two_level):
    """With the official partition or tree, our files hold the official lines."""
    network = read_network(official_data(name))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        im = official_infomap(network, two_level=two_level)
        im.run()
        im.write_clu(str(tmp_path / "official.clu"))
        im.write_tree(str(tmp_path / "official.tree"))
        im.write_flow_tree(str(tmp_path / "official.ftree"))
        im.write_csv(str(tmp_path / "official.csv"))
        im.write_json(str(tmp_path / "official.json"))
    tree = read_tree(tmp_path / "official.tree")
    result = infomap_py.evaluate(network, [tree[i] for i in network.node_ids.tolist()])
    for fmt, writer in WRITERS.items():
        writer(result, tmp_path / f"ours.{fmt}")
    for fmt in ("clu", "tree", "csv"):
        assert data_lines(tmp_path / f"ours.{fmt}") == data_lines(tmp_path / f"official.{fmt}")
    assert numbers_close(data_lines(tmp_path / "ours.ftree"),
                         data_lines(tmp_path / "official.ftree"))
    ours = json.loads((tmp_path / "ours.json").read_text())
    theirs = json.loads((tmp_path / "official.json").read_text())
    assert set(ours) <= set(theirs)
    assert ours["nodes"] == theirs["nodes"]
    for a, b in zip(ours["modules"], theirs["modules"], strict=True):
        assert a.keys() == b.keys()
        for key in a:
            assert a[key] == pytest.approx(b[key], rel=1e-5, abs=1e-12), key


@pytest.mark.parametrize("vertex_lines", [
    '1 "a"\n2 "b b"\n\n3 "ç"\r\n',          # plain: read in one pass
    '1 "a"\n2 "b" 2.5\n3 c\n',              # a weight and a bare name: line by line
    '1 "a"\n  \n2 "b"  \n3 "c"',            # blank and padded lines, no final newline
])
def test_plain_vertex_lines_read_as_the_careful_reader_reads_them(tmp_path, monkeypatch,
                                                                   vertex_lines):
    from infomap_py.io import readers

    path = tmp_path / "net.net"
    path.write_text(f"*Vertices 3\n{vertex_lines}\n*Edges\n1 2\n2 3 oops\n")
    with pytest.raises(InputFormatError) as fast:
        infomap_py.read_network(path)
    monkeypatch.setattr(readers, "_plain_vertex_lines", lambda *args: None)
    with pytest.raises(InputFormatError) as careful:
        infomap_py.read_network(path)
    assert str(fast.value) == str(careful.value)  # the same line number for the bad link
    monkeypatch.undo()
    path.write_text(f"*Vertices 3\n{vertex_lines}\n*Edges\n1 2\n2 3\n")
    fast_network = infomap_py.read_network(path)
    monkeypatch.setattr(readers, "_plain_vertex_lines", lambda *args: None)
    careful_network = infomap_py.read_network(path)
    assert list(fast_network.nodes) == list(careful_network.nodes) == [1, 2, 3]
    assert list(fast_network.names) == list(careful_network.names)
    if careful_network.node_weights is None:
        assert fast_network.node_weights is None
    else:
        assert np.array_equal(fast_network.node_weights, careful_network.node_weights)


def test_a_vertex_listed_twice_is_named_with_its_first_line(tmp_path):
    path = tmp_path / "net.net"
    path.write_text('*Vertices 2\n1 "a"\n1 "b"\n*Edges\n1 1\n')
    with pytest.raises(InputFormatError, match=r"net.net:3: vertex 1 is listed twice "
                                               r"\(first on line 2\)"):
        infomap_py.read_network(path)
