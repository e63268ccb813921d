"""The command-line tool on state, multilayer and bipartite networks,
against the official Infomap's command-line tool on its example files.

Both tools write JSON (whose ``codelength`` has every digit) and each
reads the other's state-level ``.tree`` with ``-c FILE --no-infomap``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from infomap_py.cli import main

infomap = pytest.importorskip("infomap", reason="the official infomap package is the oracle")
OFFICIAL = shutil.which("infomap")
pytestmark = pytest.mark.skipif(OFFICIAL is None, reason="the official infomap CLI is the oracle")
DATA = Path(infomap.__file__).parent / "datasets" / "data"
HIGHER_ORDER = ("states", "multilayer", "multilayer_intra", "multilayer_intra_inter")
EXAMPLES = HIGHER_ORDER + ("bipartite",)
#: The README's worked examples, bundled with infomap-py.
BUNDLED = Path(__file__).resolve().parents[1] / "examples"


def ours(args: list[str]) -> None:
    assert main([*args, "--silent"]) == 0


def official(args: list[str]) -> None:
    subprocess.run([OFFICIAL, *args, "--silent"], check=True, capture_output=True)


def codelength(path: Path) -> float:
    return json.loads(path.read_text())["codelength"]


@pytest.mark.parametrize("options", [[], ["-2"], ["-d"], ["-d", "-2"]],
                         ids=["multilevel", "two-level", "directed", "directed-two-level"])
@pytest.mark.parametrize("name", EXAMPLES + ("memory", "layers", "bipartite-bundled"))
def test_codelength_equals_the_official(name, options, tmp_path):
    """The codelength of each example (the official's, and the README's
    bundled ones), as both tools find it (5 trials)."""
    network = str(DATA / f"{name}.net")
    if name in ("memory", "layers", "bipartite-bundled"):
        name = name.replace("-bundled", "")
        network = str(BUNDLED / f"{name}.net")
    ours([network, str(tmp_path / "ours"), "-o", "json", "-N", "5", *options])
    official([network, str(tmp_path / "official"), "-o", "json", "-N", "5", *options])
    assert codelength(tmp_path / "ours" / f"{name}.json") == pytest.approx(
        codelength(tmp_path / "official" / f"{name}.json"), abs=1e-6)


@pytest.mark.parametrize("options", [[], ["-2"], ["-d"]],
                         ids=["multilevel", "two-level", "directed"])
@pytest.mark.parametrize("name", HIGHER_ORDER)
def test_each_tool_scores_the_others_state_tree(name, options, tmp_path):
    """``-c NAME_states.tree --no-infomap``: each tool reads the other's
    state-level tree and scores it as the other did, to 1e-9."""
    network = str(DATA / f"{name}.net")
    ours([network, str(tmp_path / "ours"), "-o", "tree,json", "-N", "3", *options])
    official([network, str(tmp_path / "official"), "-o", "tree,json", "-N", "3", *options])
    ours([network, str(tmp_path / "ours_scores"), "-o", "json", "--no-infomap",
          "-c", str(tmp_path / "official" / f"{name}_states.tree"), *options])
    official([network, str(tmp_path / "official_scores"), "-o", "json", "--no-infomap",
              "-c", str(tmp_path / "ours" / f"{name}_states.tree"), *options])
    assert codelength(tmp_path / "ours_scores" / f"{name}.json") == pytest.approx(
        codelength(tmp_path / "official" / f"{name}.json"), abs=1e-9)
    assert codelength(tmp_path / "official_scores" / f"{name}.json") == pytest.approx(
        codelength(tmp_path / "ours" / f"{name}.json"), abs=1e-9)


def _rows(path: Path) -> list[str]:
    """The data lines of an output file (its header comments differ by tool)."""
    return [line for line in path.read_text().splitlines() if not line.startswith("#")]


def _by_module(rows: list[str], file: str) -> list[tuple[str, ...]]:
    """The rows grouped by top module, without the module number: the
    tools number modules of equal flow in different orders."""
    groups: dict[str, list[str]] = {}
    for row in rows:
        if file.endswith(".clu"):
            fields = row.split()
            module, rest = fields[1], " ".join(fields[:1] + fields[2:])
        else:
            separator = "," if file.endswith(".csv") else " "
            path, _, rest = row.partition(separator)
            module, _, rank = path.partition(":")
            rest = f"{rank}{separator}{rest}"
        if row.startswith("path"):
            continue  # the CSV header
        groups.setdefault(module, []).append(rest)
    return sorted(tuple(group) for group in groups.values())


@pytest.mark.parametrize("name", HIGHER_ORDER)
def test_files_match_the_official_layout(name, tmp_path):
    """NAME.tree/.clu/.csv (physical level) and NAME_states.* (state level,
    with layer ids for multilayer input) hold the official's rows, and
    ``-o states`` writes the state network as NAME_states.net."""
    network = str(DATA / f"{name}.net")
    formats = "tree,clu,csv,states"
    ours([network, str(tmp_path / "ours"), "-o", formats, "-N", "5"])
    official([network, str(tmp_path / "official"), "-o", formats, "-N", "5"])
    written = sorted(p.name for p in (tmp_path / "ours").iterdir())
    assert written == sorted(f"{name}{suffix}" for suffix in (
        ".tree", ".clu", ".csv", "_states.tree", "_states.clu", "_states.csv", "_states.net"))
    for file in written:
        if file.endswith(".net"):
            continue
        assert (_by_module(_rows(tmp_path / "ours" / file), file)
                == _by_module(_rows(tmp_path / "official" / file), file)), file
    header = [line for line in (tmp_path / "ours" / f"{name}_states.tree").read_text()
              .splitlines() if line.startswith("# path")]
    assert header == [line for line in (tmp_path / "official" / f"{name}_states.tree")
                      .read_text().splitlines() if line.startswith("# path")]


def test_clu_level_writes_sub_modules(tmp_path):
    """``--clu-level 2`` and ``-1`` write deeper modules than the top ones."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from benchmarks.generators import nested_triangles

    edges = tmp_path / "nested.txt"
    links, _ = nested_triangles(3)  # triangles in threes in threes: modules within modules
    edges.write_text("".join(f"{row[0]} {row[1]}\n" for row in np.asarray(links).tolist()))
    labels = {}
    for level in ("1", "2", "-1"):
        ours([str(edges), str(tmp_path / level), "-o", "clu", f"--clu-level={level}", "-N", "3"])
        text = (tmp_path / level / "nested.clu").read_text()
        assert f"# module level {level}" in text
        labels[level] = {row.split()[0]: row.split()[1] for row in _rows(tmp_path / level /
                                                                         "nested.clu")}
    sizes = [len(set(labels[level].values())) for level in ("1", "2", "-1")]
    assert sizes[0] < sizes[1] < sizes[2]
    for deeper, upper in (("2", "1"), ("-1", "2")):  # every module lies inside one above it
        inside = {}
        for node, module in labels[deeper].items():
            inside.setdefault(module, set()).add(labels[upper][node])
        assert all(len(above) == 1 for above in inside.values())
    assert main([str(edges), str(tmp_path / "bad"), "--clu-level", "0"]) == 2
    assert not (tmp_path / "bad").exists()


@pytest.mark.parametrize("option, value", [("--multilayer-relax-rate", "1.5"),
                                           ("--matchable-multilayer-ids", "-1")])
def test_bad_multilayer_options_exit_2_writing_nothing(option, value, tmp_path, capsys):
    status = main([str(DATA / "multilayer_intra.net"), str(tmp_path / "out"), f"{option}={value}"])
    assert status == 2
    assert option in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def _links(path: Path) -> list[tuple[float, float, float]]:
    rows = _rows(path)
    start = next(i for i, row in enumerate(rows) if row.startswith(("*Links", "*Arcs")))
    return [tuple(float(x) for x in row.split()) for row in rows[start + 1:]]


def test_relax_rate_changes_the_state_network(tmp_path):
    """``--multilayer-relax-rate`` reaches the expansion: the state network
    written with ``-o states`` changes with it, as the official's does."""
    network = str(DATA / "multilayer_intra.net")
    for rate in ("0.15", "0.4"):
        ours([network, str(tmp_path / f"ours{rate}"), "-o", "states",
              "--multilayer-relax-rate", rate])
        official([network, str(tmp_path / f"official{rate}"), "-o", "states",
                  "--multilayer-relax-rate", rate])
        # The links, as numbers: the official writes 6 digits, ours every digit needed.
        got = np.array(sorted(_links(tmp_path / f"ours{rate}" / "multilayer_intra_states.net")))
        expected = np.array(sorted(_links(tmp_path / f"official{rate}" /
                                          "multilayer_intra_states.net")))
        np.testing.assert_allclose(got, expected, atol=1e-5)
    assert (_rows(tmp_path / "ours0.15" / "multilayer_intra_states.net")
            != _rows(tmp_path / "ours0.4" / "multilayer_intra_states.net"))


@pytest.mark.parametrize("text, line, words", [
    ("*Vertices 2\n1 \"a\"\n2 \"b\"\n*States\n1 1\n2 3\n*Links\n1 2\n", 6, "3"),
    ("*Vertices 2\n1 \"a\"\n2 \"b\"\n*States\n1 1\n2 2\n*Links\n1 3\n", 8, "3"),
    ("*Vertices 3\n1 \"a\"\n2 \"b\"\n3 \"c\"\n*Bipartite 7\n1 3\n", 5, "7"),
    ("*Intra\n1 1 2 1\n*Edges\n1 2\n", 3, "*Edges"),
])
def test_bad_higher_order_input_exits_2_naming_the_line(text, line, words, tmp_path, capsys):
    """A state of an undeclared vertex, a link to an undeclared state, a
    bipartite start id outside the vertices, mixed first- and higher-order
    sections: one line on stderr with the file and line, exit 2, no files."""
    network = tmp_path / "bad.net"
    network.write_text(text)
    assert main([str(network), str(tmp_path / "out"), "-o", "tree,clu"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert f"bad.net:{line}:" in err and words in err
    assert not (tmp_path / "out").exists()
