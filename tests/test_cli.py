"""The command-line tool, run as a subprocess like users run it."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
from pathlib import Path

import pytest

import infomap_py
from infomap_py.io import read_partition

ROOT = Path(__file__).resolve().parents[1]
KARATE = ROOT / "examples" / "karate.txt"


def run(*args, stdin=None, cwd=None):
    """Run ``python -m infomap_py ARGS``; return the completed process."""
    return subprocess.run([sys.executable, "-m", "infomap_py", *map(str, args)],
                          input=stdin, capture_output=True, text=True, cwd=cwd, timeout=300)


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def assert_clean_failure(proc, out_dir: Path, *needles: str):
    """Exit status 2, one line on stderr naming the problem, no traceback, no files."""
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    assert files_in(out_dir) == []


# --- options -----------------------------------------------------------------

def test_default_run_writes_a_tree_and_a_summary(tmp_path):
    proc = run(KARATE, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert files_in(tmp_path) == ["karate.tree"]
    assert proc.stdout == ""
    summary = proc.stderr.strip().splitlines()[-1]
    for word in ("34 nodes", "78 links", "modules", "codelength", " s"):
        assert word in summary
    partition = read_partition(tmp_path / "karate.tree")
    assert len(partition) == 34


def test_every_output_format_and_out_name(tmp_path):
    proc = run(KARATE, tmp_path, "-o", "clu,tree,ftree,json,csv", "--out-name", "club")
    assert proc.returncode == 0, proc.stderr
    assert files_in(tmp_path) == sorted(f"club.{x}" for x in ("clu", "tree", "ftree", "json",
                                                              "csv"))


def test_cli_codelength_equals_the_api(tmp_path):
    network = infomap_py.io.read_network(KARATE)
    res = infomap_py.cluster(network, trials=3, seed=9)
    proc = run(KARATE, tmp_path, "-N", "3", "-s", "9", "-o", "clu", "--silent")
    assert proc.returncode == 0 and proc.stderr == ""
    labels = read_partition(tmp_path / "karate.clu")
    scored = infomap_py.codelength(network, [labels[i] for i in network.nodes])
    assert float(scored) == pytest.approx(res.codelength, abs=1e-9)


@pytest.mark.parametrize("options", [
    ["-d"],
    ["--directed", "--to-nodes"],
    ["-d", "-e"],
    ["-d", "--recorded-teleportation", "-p", "0.3"],
    ["-f", "undirdir"],
    ["--flow-model", "rawdir"],
    ["--markov-time", "2"],
    ["-2", "-N", "2", "-s", "4"],
    ["--teleportation-probability", "0.05", "-d"],
])
def test_flow_and_search_options_match_the_api(tmp_path, options):
    proc = run(KARATE, tmp_path, "-o", "clu", "--silent", *options)
    assert proc.returncode == 0, proc.stderr
    labels = read_partition(tmp_path / "karate.clu")
    network = infomap_py.io.read_network(KARATE)
    names = {"-d": "directed", "--directed": "directed", "--to-nodes": "to_nodes",
             "-e": "recorded_teleportation", "--recorded-teleportation": "recorded_teleportation"}
    kwargs = {names[o]: True for o in options if o in names}
    values = dict(zip(options, options[1:]))
    for flag, key, kind in (("-f", "flow_model", str), ("--flow-model", "flow_model", str),
                            ("--markov-time", "markov_time", float),
                            ("-p", "teleportation", float),
                            ("--teleportation-probability", "teleportation", float),
                            ("-N", "trials", int), ("-s", "seed", int)):
        if flag in values:
            kwargs[key] = kind(values[flag])
    res = infomap_py.cluster(network, **kwargs)
    flow_kwargs = {k: v for k, v in kwargs.items() if k not in ("trials", "seed")}
    scored = infomap_py.codelength(network, [labels[i] for i in network.nodes], **flow_kwargs)
    assert float(scored) == pytest.approx(res.codelength, abs=1e-9)


def test_cluster_data_and_no_infomap_only_score(tmp_path):
    given = tmp_path / "given.clu"
    given.write_text("# node_id module\n" + "".join(
        f"{i} {1 if i < 17 else 2}\n" for i in range(34)))
    out = tmp_path / "out"
    proc = run(KARATE, out, "-c", given, "--no-infomap", "-o", "clu", "--silent")
    assert proc.returncode == 0, proc.stderr
    labels = read_partition(out / "karate.clu")
    assert len(set(labels.values())) == 2
    network = infomap_py.io.read_network(KARATE)
    expected = infomap_py.codelength(network, [0 if i < 17 else 1 for i in network.nodes])
    text = (out / "karate.clu").read_text()
    assert f"{float(expected):.6f}"[:7] in text
    # Without --no-infomap the given partition is a starting point.
    proc = run(KARATE, out, "-c", given, "-o", "clu", "--silent")
    assert proc.returncode == 0, proc.stderr


def test_reads_standard_input_and_gzip(tmp_path):
    proc = run("-", tmp_path, "--out-name", "piped", stdin=KARATE.read_text())
    assert proc.returncode == 0, proc.stderr
    assert files_in(tmp_path) == ["piped.tree"]
    packed = tmp_path / "karate.txt.gz"
    packed.write_bytes(gzip.compress(KARATE.read_bytes()))
    out = tmp_path / "gz"
    proc = run(packed, out, "-o", "clu")
    assert proc.returncode == 0, proc.stderr
    assert files_in(out) == ["karate.clu"]


def test_verbose_silent_version_and_help(tmp_path):
    proc = run(KARATE, tmp_path, "-v", "-N", "2")
    assert "trial 1/2" in proc.stderr and "trial 2/2" in proc.stderr
    proc = run(KARATE, tmp_path, "--silent")
    assert proc.returncode == 0 and proc.stderr == "" and proc.stdout == ""
    proc = run("--version")
    assert proc.returncode == 0 and infomap_py.__version__ in proc.stdout
    proc = run("-h")
    assert proc.returncode == 0
    for word in ("--flow-model", "--cluster-data", "--no-infomap", "examples:"):
        assert word in proc.stdout


# --- bad input ---------------------------------------------------------------

def test_missing_file(tmp_path):
    out = tmp_path / "out"
    proc = run(tmp_path / "nope.txt", out)
    assert_clean_failure(proc, out, "nope.txt")


def test_unreadable_file(tmp_path):
    folder = tmp_path / "a_directory.txt"
    folder.mkdir()
    out = tmp_path / "out"
    proc = run(folder, out)
    assert_clean_failure(proc, out, "a_directory.txt")


def test_empty_file(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("# nothing here\n\n")
    out = tmp_path / "out"
    assert_clean_failure(run(empty, out), out, "empty.txt")


@pytest.mark.parametrize("line", ["3", "1 2 3 4", "1 2 heavy", "1 2 -1", "1 2 nan", "1 2 inf"])
def test_malformed_line_names_file_and_line(tmp_path, line):
    bad = tmp_path / "bad.txt"
    bad.write_text(f"# a comment\n1 2\n{line}\n2 3\n")
    out = tmp_path / "out"
    assert_clean_failure(run(bad, out), out, "bad.txt", ":3")


def test_pajek_link_to_undeclared_vertex(tmp_path):
    bad = tmp_path / "bad.net"
    bad.write_text('*Vertices 3\n1 "a"\n2 "b"\n3 "c"\n*Edges\n1 2\n2 7\n')
    out = tmp_path / "out"
    assert_clean_failure(run(bad, out), out, "bad.net", ":7")


def test_unknown_output_format(tmp_path):
    out = tmp_path / "out"
    assert_clean_failure(run(KARATE, out, "-o", "clu,xml"), out, "-o/--output", "xml")


def test_unknown_flow_model(tmp_path):
    out = tmp_path / "out"
    assert_clean_failure(run(KARATE, out, "-f", "pagerank"), out, "--flow-model", "pagerank")


@pytest.mark.parametrize("options, needle", [
    (["-p", "1.5"], "--teleportation-probability"),
    (["-N", "0"], "--num-trials"),
    (["--markov-time", "-1"], "--markov-time"),
    (["--no-infomap"], "--no-infomap"),
    (["-c", "missing.clu"], "missing.clu"),
])
def test_bad_option_values(tmp_path, options, needle):
    out = tmp_path / "out"
    assert_clean_failure(run(KARATE, out, *options), out, needle)


def test_output_directory_that_cannot_be_created(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    out = blocker / "out"
    proc = run(KARATE, out)
    assert_clean_failure(proc, tmp_path / "nothing", "out")
    assert files_in(tmp_path) == ["file"]


def test_failed_write_leaves_no_output_behind(tmp_path):
    """A write that fails midway removes the files already written."""
    out = tmp_path / "out"
    (out / "karate.tree").mkdir(parents=True)  # a directory where a file must go
    proc = run(KARATE, out, "-o", "clu,tree")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "karate.tree" in proc.stderr
    assert files_in(out) == ["karate.tree"]  # only the obstacle; no karate.clu
    assert not any(p.name.startswith(".") for p in out.iterdir())


def test_progress_is_shown_on_a_terminal_only(tmp_path):
    import pty

    leader, follower = pty.openpty()
    proc = subprocess.run([sys.executable, "-m", "infomap_py", str(KARATE), str(tmp_path),
                           "-N", "3"], stderr=follower, stdout=subprocess.DEVNULL, timeout=300)
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.close(leader)
    shown = b"".join(chunks).decode()
    assert proc.returncode == 0
    assert "trial 3/3" in shown and "\r" in shown and "codelength" in shown
    # Piped stderr (not a terminal) gets the summary line only.
    piped = run(KARATE, tmp_path, "-N", "3")
    assert "trial" not in piped.stderr and len(piped.stderr.strip().splitlines()) == 1
