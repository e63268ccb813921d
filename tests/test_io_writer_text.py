"""The writers format whole columns with NumPy: the text must be the one a
plain f-string per row gives (``str(i)``, ``f"{x:.6g}"``), byte for byte.

A straightforward reference writer (a row at a time, in plain Python, from
the result's tree) is compared with the .tree, .clu, .csv and .ftree files
of a first-order, a state and a multilayer network.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np
import pytest

import infomap_py
from infomap_py import StateNetwork
from infomap_py.io import read_network, write_clu, write_csv, write_ftree, write_tree
from infomap_py.io._number_text import rows_block, rows_text

# ------------------------------------------------------------ number columns


def _awkward_floats() -> np.ndarray:
    rng = np.random.default_rng(7)
    powers = 10.0 ** np.arange(-30, 31)
    mantissas = rng.integers(100_000, 1_000_000, 2000)
    return np.concatenate([
        [0.0, -0.0, np.inf, -np.inf, np.nan, 1.0, 0.5, 1 / 3, 5e-324, 2.5e-310,
         1.7976931348623157e308, -1.7976931348623157e308, 100000.5, 100001.5, 999999.5],
        powers, np.nextafter(powers, 0), np.nextafter(powers, np.inf),
        powers * 0.9999995, powers * 0.99999949999, powers * 9.999995,
        (mantissas + 0.5) * 10.0 ** rng.integers(-12, 3, mantissas.size),  # halfway cases
        mantissas * 10.0 ** rng.integers(-12, 8, mantissas.size),  # trailing zeros
        rng.random(2000) ** 8,  # flows
        10.0 ** rng.uniform(-320, 308, 2000) * rng.choice([-1.0, 1.0], 2000),
    ])


def test_float_column_is_python_g6_for_awkward_values():
    values = _awkward_floats()
    assert rows_text([values], values.size) == [f"{x:.6g}" for x in values.tolist()]


def test_int_column_is_python_str_including_the_extremes():
    values = np.concatenate([[0, 1, 9, 10, 99, 100, -1, -10, 2**31 - 1, 2**31, -2**31,
                              2**63 - 1, -2**63],
                             np.random.default_rng(3).integers(-10**15, 10**15, 500)])
    assert rows_text([values], values.size) == [str(i) for i in values.tolist()]


def test_fields_side_by_side_with_text_between():
    ids = np.array([3, 10, 200])
    flow = np.array([0.25, 1e-7, 0.0])
    expected = "".join(f"{i} x{f:.6g};\n" for i, f in zip(ids.tolist(), flow.tolist(), strict=True))
    assert rows_block([ids, " x", flow, ";\n"], 3) == expected
    assert rows_text([ids, " x", flow], 3) == expected.replace(";\n", "\n").splitlines()
    assert rows_block([ids], 0) == "" and rows_text([ids], 0) == []


# ------------------------------------------------------ reference writers


def _g(x: float) -> str:
    return f"{x:.6g}"


def _escaped(name: str) -> str:
    return (name.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
            .replace("\r", "\\r"))


def _reference_rows(result, states: bool) -> list[tuple]:
    """``(path, flow, name, id, extra ids)`` of every row in .tree order, a
    row at a time from the result's tree, without the writers' layout."""
    tree = result.tree
    net = result.state_network
    if net is None or states:
        n = len(result.flow)
        ids = (list(range(n)) if result.node_ids is None
               else [int(i) for i in result.node_ids])
        names = ([str(x) for x in result.nodes] if result.names is None
                 else [str(x) for x in result.names])
        extra = [()] * n
        if net is not None:
            physical = [int(p) for p in net.physical]
            physical_ids = [int(i) for i in net.physical_ids]
            names = [net.physical_node_names[p] for p in physical]
            layers = None if net.layer is None else [int(x) for x in net.layer]
            extra = [(physical_ids[p],) + (() if layers is None else (layers[s],))
                     for s, p in enumerate(physical)]
        rows = [(tree.paths[i], float(result.flow[i]), names[i], ids[i], extra[i])
                for i in range(n)]
    else:  # physical level: each physical node once per leaf module, flows summed
        summed: dict[tuple[int, int], float] = {}
        for s, p in enumerate(int(p) for p in net.physical):
            key = (int(tree.leaf_module[s]), p)
            summed[key] = summed.get(key, 0.0) + float(result.flow[s])
        physical_ids = [int(i) for i in net.physical_ids]
        by_module: dict[int, list[int]] = {}
        for module, p in summed:
            by_module.setdefault(module, []).append(p)
        rows = []
        for module, members in by_module.items():
            for rank, p in enumerate(sorted(members, key=lambda q: physical_ids[q]), 1):
                rows.append((tree.module_paths[module] + (rank,), summed[module, p],
                             net.physical_node_names[p], physical_ids[p], ()))
    return sorted(rows, key=lambda row: row[0])  # paths sort in .tree order


def _body(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines()
            if not line.startswith("#")]


def _check_files(result, tmp_path: Path, states: bool) -> None:
    rows = _reference_rows(result, states)
    sep_ids = [" ".join(str(i) for i in (row[3],) + row[4]) for row in rows]
    write_tree(result, tmp_path / "r.tree", states=states)
    assert _body(tmp_path / "r.tree") == [
        f'{":".join(map(str, path))} {_g(flow)} "{_escaped(name)}" {ids}'
        for (path, flow, name, _, _), ids in zip(rows, sep_ids, strict=True)]
    write_clu(result, tmp_path / "r.clu", states=states)
    assert _body(tmp_path / "r.clu") == [
        " ".join([str(row[3]), str(row[0][0]), _g(row[1])] + [str(i) for i in row[4]])
        for row in rows]
    write_csv(result, tmp_path / "r.csv", states=states)
    csv_lines = (tmp_path / "r.csv").read_text(encoding="utf-8").split("\n")[1:-1]
    expected_csv = []
    for path, flow, name, node_id, extra in rows:
        quoted = '"' + name.replace('"', '""') + '"'
        tail = [node_id] + list(extra[::-1])  # a multilayer state: layer before node
        expected_csv.append(f"{':'.join(map(str, path))},{_g(flow)},{quoted},"
                            + ",".join(map(str, tail)))
    assert "\n".join(csv_lines) == "\n".join(expected_csv)
    write_ftree(result, tmp_path / "r.ftree", states=states)
    ftree = _body(tmp_path / "r.ftree")
    assert ftree[:len(rows)] == _body(tmp_path / "r.tree")
    assert ftree[len(rows)].startswith("*Links ")


def _nine_triangles() -> nx.Graph:
    """Three groups of three triangles: a hierarchy of three levels, and
    names that need escaping in a .tree and quoting in a CSV."""
    graph = nx.Graph()
    for t in range(9):
        a, b, c = 3 * t, 3 * t + 1, 3 * t + 2
        graph.add_edges_from([(a, b), (b, c), (c, a)])
    for group in range(3):
        first = 9 * group
        graph.add_edges_from([(first, first + 3), (first + 3, first + 6), (first + 6, first)])
    graph.add_edges_from([(1, 10), (10, 19), (19, 1)])
    names = {0: 'a"b', 1: "c\\d", 2: "e\nf", 3: "g,h", 4: "ä ö"}
    return nx.relabel_nodes(graph, {i: names.get(i, f"n{i}") for i in graph})


def test_first_order_files_match_the_reference_writer(tmp_path):
    result = infomap_py.cluster(_nine_triangles(), seed=2, trials=2)
    assert result.tree.num_levels >= 3
    _check_files(result, tmp_path, states=False)


def test_state_network_files_match_the_reference_writer_at_both_levels(tmp_path):
    links = [(0, 1), (1, 2), (2, 0), (2, 3), (3, 4), (4, 5), (5, 3), (5, 6), (6, 7), (7, 0),
             (1, 6), (4, 7)]
    states = StateNetwork.from_links(links, [40, 10, 30, 10, 20, 30, 40, 20],
                                     physical_nodes=[40, 10, 30, 20],
                                     physical_names=["w", 'x"', "y", "z"])
    result = infomap_py.cluster(states, seed=1, trials=2)
    for level in (False, True):
        _check_files(result, tmp_path, states=level)


def test_multilayer_files_match_the_reference_writer_at_both_levels(tmp_path):
    path = tmp_path / "m.net"
    path.write_text('*Vertices 4\n1 "i"\n2 "j"\n3 "k"\n4 "l"\n'
                    "*Intra\n1 1 2\n1 2 3\n1 3 1\n1 3 4\n2 1 4\n2 4 2\n2 2 1\n2 3 4\n"
                    "*Inter\n1 1 2 0.5\n2 2 1 0.5\n")
    result = infomap_py.cluster(read_network(path), seed=1, trials=2)
    assert result.state_network.layer is not None
    for level in (False, True):
        _check_files(result, tmp_path, states=level)


@pytest.mark.parametrize("size", [1, 5])
def test_tiny_results_write_every_row(tmp_path, size):
    graph = nx.path_graph(size)
    result = infomap_py.cluster(graph, seed=1)
    _check_files(result, tmp_path, states=False)
