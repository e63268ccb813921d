"""The output options of the official Infomap 2.16 (-o newick/network/flow,
--tree/--ftree/--clu, -0, --no-overwrite, --summary-json, --timing-json,
-V, -h/-hh, --clu-level) and the fingerprint lines of the headers, each
checked against the installed official command-line tool."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

import infomap_py
from infomap_py.cli import main
from infomap_py.io._fingerprint import config_fingerprint, input_fingerprint

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"

if shutil.which("infomap") is None:  # pragma: no cover - the oracle is a test dependency
    pytest.skip("the official infomap command is not installed", allow_module_level=True)

#: Duplicate links, a reversed link, a self-link and a node without in-links.
SMALL = "3 1 2\n1 2 0.5\n1 2 1\n5 5 1\n2 3\n4 3 1.5\n4 5 2\n"


def official(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["infomap", *args, "--silent"], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


def ours(*args: str, cwd: Path, monkeypatch) -> int:
    monkeypatch.chdir(cwd)
    return main([*args, "--silent"])


def body(path: Path) -> list[str]:
    """The lines of a file but its comments (the header names the tool)."""
    return [line for line in path.read_text().splitlines() if not line.startswith("#")]


def header(path: Path) -> list[str]:
    """The header lines that do not name the tool or the time."""
    skip = ("# v", "# ./", "# started at", "# completed in")
    return [line for line in path.read_text().splitlines()
            if line.startswith("#") and not line.startswith(skip)]


@pytest.fixture
def work(tmp_path):
    (tmp_path / "small.txt").write_text(SMALL)
    for name in ("karate.txt", "memory.net", "bipartite.net"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    return tmp_path


@pytest.mark.parametrize("options", [[], ["-d"], ["-d", "-e"], ["-f", "rawdir"],
                                     ["-f", "undirdir"], ["--markov-time", "2"],
                                     ["-d", "--markov-time", "0.5"]])
def test_network_and_flow_files_match_the_official(work, monkeypatch, options):
    assert official("small.txt", "off", "-o", "network,flow", *options, cwd=work).returncode == 0
    assert ours("small.txt", "ours", "-o", "network,flow", *options,
                cwd=work, monkeypatch=monkeypatch) == 0
    for name in ("small.net", "small_flow.net"):
        assert body(work / "ours" / name) == body(work / "off" / name), name


def test_state_network_newick_network_and_flow_match_the_official(work, monkeypatch):
    args = ("memory.net", "-o", "newick,network,flow")
    assert official(args[0], "off", *args[1:], cwd=work).returncode == 0
    assert ours(args[0], "ours", *args[1:], cwd=work, monkeypatch=monkeypatch) == 0
    names = sorted(p.name for p in (work / "off").iterdir())
    assert names == sorted(p.name for p in (work / "ours").iterdir())
    assert names == ["memory.nwk", "memory_states.nwk", "memory_states_as_physical.net",
                     "memory_states_as_physical_flow.net"]
    for name in names:
        off = (work / "off" / name).read_text().splitlines()
        mine = (work / "ours" / name).read_text().splitlines()
        assert [x for x in mine if not x.startswith(("# v", "# ./"))] == \
            [x for x in off if not x.startswith(("# v", "# ./"))], name


def _newick_tree(text: str):
    """Parse a Newick line into ``(children, flow)`` / ``(leaf id, flow)``,
    children sorted, so that ties in the order do not count."""
    position = 0

    def node():
        nonlocal position
        if text[position] == "(":
            position += 1
            children = [node()]
            while text[position] == ",":
                position += 1
                children.append(node())
            assert text[position] == ")"
            position += 1
            label = None
        else:
            end = position
            while text[end] not in ":,();":
                end += 1
            label, position = text[position:end], end
        flow = None
        if text[position] == ":":
            end = position + 1
            while text[end] not in ",();":
                end += 1
            flow, position = text[position + 1:end], end
        return (tuple(sorted(children, key=repr)) if label is None else label, flow)

    tree = node()
    assert text[position:] == ";"
    return tree


def test_newick_matches_the_official_tree(work, monkeypatch):
    assert official("karate.txt", "off", "-o", "newick", cwd=work).returncode == 0
    assert ours("karate.txt", "ours", "-o", "newick", cwd=work, monkeypatch=monkeypatch) == 0
    off = (work / "off" / "karate.nwk").read_text().strip()
    mine = (work / "ours" / "karate.nwk").read_text().strip()
    assert mine.startswith("(((") and mine.endswith("):1);")
    assert _newick_tree(mine) == _newick_tree(off)


def test_newick_parser_sees_a_moved_leaf():
    a = "(((1:0.5,2:0.25):0.75,(3:0.25):0.25):1);"
    b = "(((1:0.5):0.75,(2:0.25,3:0.25):0.25):1);"
    assert _newick_tree(a) != _newick_tree(b)


@pytest.mark.parametrize("network, options", [
    ("karate.txt", []), ("karate.txt", ["-d", "-N", "3", "-s", "7"]),
    ("karate.txt", ["-2", "--markov-time", "1.5", "-p", "0.2"]),
    ("karate.txt", ["-c", "given.clu"]), ("karate.txt", ["-F"]),
    ("memory.net", []), ("bipartite.net", []),
])
def test_header_and_json_fingerprints_match_the_official(work, monkeypatch, network, options):
    (work / "given.clu").write_text("".join(f"{i} {1 + i % 2}\n" for i in range(34)))
    formats = ["-o", "tree,clu,ftree,json"]
    assert official(network, "off", *formats, *options, cwd=work).returncode == 0
    assert ours(network, "ours", *formats, *options, cwd=work, monkeypatch=monkeypatch) == 0
    stem = Path(network).stem
    off, mine = header(work / "off" / f"{stem}.tree"), header(work / "ours" / f"{stem}.tree")
    fingerprint_lines = [x for x in off if "fingerprint" in x]
    assert len(fingerprint_lines) >= 2
    assert [x for x in mine if "fingerprint" in x] == fingerprint_lines
    if "-c" not in options:  # from the same start, the same partition
        same = ("# partitioned", "# codelength", "# flow model", "# config", "# input",
                "# bipartite", "# higher order", "# physical", "# path")
        assert [x for x in mine if x.startswith(same)] == [x for x in off if x.startswith(same)]
    for fmt in ("clu", "ftree"):
        lines = header(work / "ours" / f"{stem}.{fmt}")
        assert [x for x in lines if "fingerprint" in x] == fingerprint_lines
    off_json = json.loads((work / "off" / f"{stem}.json").read_text())
    our_json = json.loads((work / "ours" / f"{stem}.json").read_text())
    for key in ("configFingerprint", "input", "clusterData", "bipartiteStartId"):
        assert our_json.get(key) == off_json.get(key), key
    assert list(our_json)[:11] == [k for k in off_json if k != "trialOffset"][:11]


def test_header_command_line_is_the_typed_one(work, monkeypatch):
    (work / "my net.txt").write_text(SMALL)
    args = ["my net.txt", "out dir", "-o", "tree,json", "--markov-time", "1.5"]
    assert ours(*args, cwd=work, monkeypatch=monkeypatch) == 0
    lines = (work / "out dir" / "my net.tree").read_text().splitlines()
    assert lines[1] == "# ./infomap-py " + shlex.join([*args, "--silent"])
    document = json.loads((work / "out dir" / "my net.json").read_text())
    assert document["args"] == shlex.join([*args, "--silent"])


def test_fingerprints_of_files_and_settings():
    # Known values printed by the official infomap 2.16.
    assert input_fingerprint(EXAMPLES / "karate.txt").hash == "655a2c45200238af"
    assert config_fingerprint({}) == "741507a27cc3f2e9"
    assert config_fingerprint({"flow_model": "directed", "directed": True}) == "ba2da659f6a9fcc1"
    assert config_fingerprint({"teleport_to_nodes": True, "recorded_teleportation": True,
                               "teleportation_probability": 0.2}) == "7784e435f7e9ca21"


@pytest.mark.parametrize("options", [[], ["-N", "3"], ["-2"], ["-d", "-N", "3"]])
def test_summary_json_matches_the_official(work, monkeypatch, options):
    assert official("karate.txt", "-0", "--summary-json", "off.json", *options,
                    cwd=work).returncode == 0
    assert ours("karate.txt", "-0", "--summary-json", "ours.json", *options,
                cwd=work, monkeypatch=monkeypatch) == 0
    off = json.loads((work / "off.json").read_text())
    mine = json.loads((work / "ours.json").read_text())
    if "flow" in off:
        assert set(mine["flow"]) == {"converged", "iterations", "error"}
        assert mine["flow"]["converged"] is True
        off["flow"] = {k: off["flow"][k] for k in mine["flow"]}
        mine["flow"]["iterations"] = off["flow"]["iterations"]
        mine["flow"]["error"] = off["flow"]["error"]
    assert list(mine) == list(off)
    assert mine["codelength"] == pytest.approx(off["codelength"], abs=1e-9)
    # Directed karate has trees of equal codelength with 2 and 3 top modules.
    same = ("trials", "auto_stopped") if "-d" in options else (
        "top_modules", "levels", "trials", "auto_stopped")
    for key in same:
        assert mine[key] == off[key], key
    assert len(mine["trial_codelengths"]) == len(mine["trial_top_modules"]) == mine["trials"]
    best = mine["best_trial"]
    assert mine["trial_codelengths"][best - 1] == pytest.approx(mine["codelength"], abs=1e-12)
    assert mine["trial_top_modules"][best - 1] == mine["top_modules"]
    assert [p.name for p in work.iterdir() if p.is_dir()] == []  # -0: no result files


def test_timing_json_to_standard_output(work, monkeypatch, capsys):
    assert ours("karate.txt", "-0", "--timing-json", "-", "-N", "2",
                cwd=work, monkeypatch=monkeypatch) == 0
    report = json.loads(capsys.readouterr().out)
    assert list(report) == ["version", "openmp", "threads_requested", "threads_used",
                            "thread_source", "network", "timing", "trials"]
    assert report["network"] == {"nodes": 34, "links": 78, "directed": False}
    assert set(report["timing"]) == {"read_network_s", "flow_calculation_s",
                                     "trial_optimize_s", "output_s", "total_s"}
    assert all(v >= 0 for v in report["timing"].values())
    assert [t["trial"] for t in report["trials"]] == [1, 2]
    assert set(report["trials"][0]) == {"trial", "seed", "time_s", "codelength",
                                        "top_modules", "num_levels"}


def test_no_file_output_writes_nothing(work, monkeypatch):
    before = sorted(p.name for p in work.iterdir())
    assert ours("karate.txt", "out", "-0", "-o", "tree,clu,flow", cwd=work,
                monkeypatch=monkeypatch) == 0
    assert sorted(p.name for p in work.iterdir()) == before


def test_no_overwrite_refuses_as_the_official(work, monkeypatch, capsys):
    assert official("karate.txt", "off", "--no-overwrite", cwd=work).returncode == 0
    assert official("karate.txt", "off", "--no-overwrite", cwd=work).returncode != 0
    assert ours("karate.txt", "ours", "--no-overwrite", cwd=work, monkeypatch=monkeypatch) == 0
    tree = (work / "ours" / "karate.tree").read_bytes()
    capsys.readouterr()
    assert ours("karate.txt", "ours", "-o", "clu,tree", "--no-overwrite", cwd=work,
                monkeypatch=monkeypatch) == 2
    message = capsys.readouterr().err
    assert message.count("\n") == 1 and "--no-overwrite" in message and "karate.tree" in message
    assert sorted(p.name for p in (work / "ours").iterdir()) == ["karate.tree"]
    assert (work / "ours" / "karate.tree").read_bytes() == tree
    # Without it, files are replaced.
    assert ours("karate.txt", "ours", "-o", "clu,tree", cwd=work, monkeypatch=monkeypatch) == 0


def test_output_over_the_input_is_refused(work, monkeypatch, capsys):
    shutil.copy(EXAMPLES / "karate.txt", work / "karate.net")
    network = (work / "karate.net").read_bytes()
    assert official("karate.net", ".", "-o", "network", cwd=work).returncode != 0
    assert ours("karate.net", ".", "-o", "network", cwd=work, monkeypatch=monkeypatch) == 2
    assert "over the input file" in capsys.readouterr().err
    assert (work / "karate.net").read_bytes() == network


def test_format_shorthands_as_the_official(work, monkeypatch):
    for args in (["--clu"], ["--tree", "--ftree"], ["-o", "clu", "--tree"], []):
        for tool, out in (("off", "off"), ("ours", "ours")):
            folder = work / out
            shutil.rmtree(folder, ignore_errors=True)
            if tool == "off":
                assert official("small.txt", out, *args, cwd=work).returncode == 0
            else:
                assert ours("small.txt", out, *args, cwd=work, monkeypatch=monkeypatch) == 0
        assert sorted(p.name for p in (work / "ours").iterdir()) == \
            sorted(p.name for p in (work / "off").iterdir()), args


def _hierarchical_network() -> str:
    """Three levels: 3 groups of 3 cliques of 4 nodes."""
    links = []
    for group in range(3):
        for clique in range(3):
            base = 12 * group + 4 * clique
            links += [(base + i, base + j) for i in range(4) for j in range(i + 1, 4)]
            links.append((base, 12 * group + 4 * ((clique + 1) % 3) + 1))
        links.append((12 * group + 2, 12 * ((group + 1) % 3) + 3))
    return "".join(f"{u} {v}\n" for u, v in links)


@pytest.mark.parametrize("level", ["1", "2", "-1"])
def test_clu_level_matches_the_official(work, monkeypatch, level):
    (work / "levels.txt").write_text(_hierarchical_network())
    assert official("levels.txt", "off", "-o", "tree,clu", "--clu-level", level,
                    cwd=work).returncode == 0
    # Our clu of the official tree, scored without a search.
    assert ours("levels.txt", "ours", "-c", "off/levels.tree", "--no-infomap", "-o", "clu",
                "--clu-level", level, cwd=work, monkeypatch=monkeypatch) == 0
    assert body(work / "ours" / "levels.clu") == body(work / "off" / "levels.clu")
    off_header = header(work / "off" / "levels.clu")
    assert any(x.startswith("# partitioned into 3 levels") for x in
               (work / "off" / "levels.clu").read_text().splitlines())
    assert [x for x in header(work / "ours" / "levels.clu") if x.startswith("# module level")] \
        == [x for x in off_header if x.startswith("# module level")]


def test_version_and_help_levels(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["-V"])
    assert exit_.value.code == 0 and infomap_py.__version__ in capsys.readouterr().out
    assert main(["-h"]) == 0
    basic = capsys.readouterr().out
    assert main(["-hh"]) == 0
    every = capsys.readouterr().out
    for option in ("--two-level", "--flow-model", "--num-trials", "--cluster-data", "--tree",
                   "--silent"):
        assert option in basic and option in every, option
    for option in ("--markov-time", "--no-file-output", "--summary-json", "--clu-level",
                   "--out-name", "--no-overwrite"):
        assert option not in basic and option in every, option
    assert "-hh" in basic


@pytest.mark.parametrize("variables", [{}, {"OMP_NUM_THREADS": "1"},
                                       {"INFOMAP_NUM_THREADS": "3", "OMP_NUM_THREADS": "1"}])
def test_timing_json_names_the_threads_and_their_source_as_the_official(
        work, monkeypatch, capsys, variables):
    """With --num-threads left at auto, the report gives the count it
    resolved to and where it came from, as the official's does."""
    for name in ("INFOMAP_NUM_THREADS", "SLURM_CPUS_PER_TASK", "OMP_NUM_THREADS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    assert ours("karate.txt", "-0", "--timing-json", "-", cwd=work, monkeypatch=monkeypatch) == 0
    mine = json.loads(capsys.readouterr().out)
    done = subprocess.run(["infomap", "karate.txt", "-0", "--timing-json", "-", "--silent"],
                          cwd=work, capture_output=True, text=True, timeout=120,
                          env={**os.environ, **variables})
    off = json.loads(done.stdout)
    keys = ("threads_requested", "threads_used", "thread_source")
    assert [mine[k] for k in keys] == [off[k] for k in keys]
