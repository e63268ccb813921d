"""The command-line tool, run as a subprocess like users run it."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

import infomap_py
from infomap_py._compile_notice import NOTICE
from infomap_py.cli import main
from infomap_py.io import read_partition, read_tree

ROOT = Path(__file__).resolve().parents[1]
KARATE = ROOT / "examples" / "karate.txt"


def run(*args, stdin=None, cwd=None):
    """Run ``python -m infomap_py ARGS``; return the completed process.

    Its stderr is without the notice of a first run (kernels compiling),
    which depends on the state of Numba's cache, not on the test.
    """
    proc = subprocess.run([sys.executable, "-m", "infomap_py", *map(str, args)],
                          input=stdin, capture_output=True, text=True, cwd=cwd, timeout=300)
    proc.stderr = proc.stderr.replace(NOTICE + "\n", "", 1)
    return proc


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
    proc = run(KARATE, tmp_path, "-N", "3", "-s", "9", "-o", "tree", "--silent")
    assert proc.returncode == 0 and proc.stderr == ""
    paths = read_tree(tmp_path / "karate.tree")
    scored = infomap_py.codelength(network, [paths[i] for i in network.nodes])
    assert float(scored) == pytest.approx(res.codelength, abs=1e-9)


def _nine_triangles() -> str:
    """Three groups of three linked triangles, the groups joined by weaker
    links: a tree of three levels."""
    links = []
    for t in range(9):
        a, b, c = 3 * t + 1, 3 * t + 2, 3 * t + 3
        links += [(a, b, 1), (a, c, 1), (b, c, 1)]
    for g in range(3):
        first = 9 * g
        links += [(first + 2, first + 4, 1), (first + 3, first + 7, 1), (first + 6, first + 8, 1)]
        links.append((first + 5, (first + 9) % 27 + 1, 0.8))
    return "".join(f"{u} {v} {w}\n" for u, v, w in links)


NINETRIANGLES = _nine_triangles()


@pytest.mark.parametrize("options, two_level, fast", [
    ([], False, 0), (["-2"], True, 0), (["-F"], False, 1), (["-FF"], False, 2),
    (["--two-level", "--fast-hierarchical-solution"], True, 1),
])
def test_two_level_and_fast_hierarchical_options(tmp_path, options, two_level, fast):
    net = tmp_path / "ring.txt"
    net.write_text(NINETRIANGLES)
    proc = run(net, tmp_path, "-N", "3", "-o", "tree,json", "--silent", *options)
    assert proc.returncode == 0, proc.stderr
    network = infomap_py.io.read_network(net)
    res = infomap_py.cluster(network, trials=3, two_level=two_level, fast_hierarchical=fast)
    paths = read_tree(tmp_path / "ring.tree")
    assert [paths[i] for i in network.node_ids.tolist()] == res.paths
    document = json.loads((tmp_path / "ring.json").read_text())
    assert document["numLevels"] == res.num_levels
    assert (res.num_levels == 2) == two_level


def test_no_infomap_scores_a_whole_tree(tmp_path):
    net = tmp_path / "ring.txt"
    net.write_text(NINETRIANGLES)
    network = infomap_py.io.read_network(net)
    res = infomap_py.cluster(network, trials=5)
    assert res.num_levels == 3
    infomap_py.io.write_tree(res, tmp_path / "given.tree")
    proc = run(net, tmp_path / "out", "-c", str(tmp_path / "given.tree"), "--no-infomap",
               "-o", "tree,json", "--silent")
    assert proc.returncode == 0, proc.stderr
    assert read_tree(tmp_path / "out" / "ring.tree") == read_tree(tmp_path / "given.tree")
    assert f"codelength {res.codelength:.6g} bits" in (tmp_path / "out" / "ring.tree").read_text()
    assert codelength_in_json(tmp_path / "out" / "ring.json") == pytest.approx(
        res.codelength, abs=1e-9)


def test_more_than_three_f_is_refused(tmp_path):
    proc = run(KARATE, tmp_path, "-FFFF")
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "infomap-py: error: argument -F/--fast-hierarchical-solution: at most -FFF, got 4"]


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
    proc = run(KARATE, tmp_path, "-o", "tree", "--silent", *options)
    assert proc.returncode == 0, proc.stderr
    paths = read_tree(tmp_path / "karate.tree")
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
    if kwargs.get("flow_model", "undirected") != "undirected":
        kwargs["directed"] = True  # as in the official: directed models take links as directed
    res = infomap_py.cluster(network, **kwargs)
    flow_kwargs = {k: v for k, v in kwargs.items() if k not in ("trials", "seed")}
    scored = infomap_py.codelength(network, [paths[i] for i in network.nodes], **flow_kwargs)
    assert float(scored) == pytest.approx(res.codelength, abs=1e-9)


LINKS = "1 2\n2 3\n3 1\n3 4\n4 5\n5 6\n6 4\n6 1\n2 5\n"
ARCS = ("*Vertices 6\n" + "".join(f'{i} "n{i}"\n' for i in range(1, 7)) + "*Arcs\n" + LINKS)


@pytest.mark.parametrize("name, text, flags", [
    ("links.txt", LINKS, ""),
    ("links.txt", LINKS, "-d"),
    ("links.txt", LINKS, "-f undirdir"),
    ("links.txt", LINKS, "-d -f undirdir"),
    ("links.txt", LINKS, "-f undirdir -d"),
    ("links.txt", LINKS, "-f rawdir"),
    ("arcs.net", ARCS, ""),
    ("arcs.net", ARCS, "-f undirected"),
    ("arcs.net", ARCS, "-d"),
    ("arcs.net", ARCS, "-f outdirdir"),
])
def test_directed_flag_flow_model_and_arcs_as_the_official(tmp_path, name, text, flags):
    """-d means the directed model whatever -f says; links are directed only
    with a directed flow model, *Arcs or not: node flows as the official CLI's."""
    from infomap import Infomap

    net = tmp_path / name
    net.write_text(text)
    out = tmp_path / "out"
    assert main([str(net), str(out), "-2", "-o", "json", "--silent", *flags.split()]) == 0
    document = json.loads((out / f"{net.stem}.json").read_text())
    official = Infomap(f"{flags} --two-level --silent")
    official.read_file(str(net))
    official.run()
    theirs = {node.node_id: node.flow for node in official.nodes}
    ours = {node["id"]: node["flow"] for node in document["nodes"]}
    assert ours == pytest.approx(theirs, rel=1e-5, abs=1e-7)
    words = flags.split()
    model = "directed" if "-d" in words else dict(zip(words, words[1:])).get("-f", "undirected")
    assert document["flowModel"] == model
    assert document["directed"] == (model != "undirected")


def test_arcs_without_d_is_undirected_with_a_note(tmp_path, capsys):
    net = tmp_path / "arcs.net"
    net.write_text(ARCS)
    assert main([str(net), str(tmp_path / "a"), "-o", "json"]) == 0
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 2 and "*Arcs" in lines[0] and "-d" in lines[0], lines
    assert "undirected" in lines[0]
    assert json.loads((tmp_path / "a" / "arcs.json").read_text())["directed"] is False
    assert main([str(net), str(tmp_path / "b"), "-d"]) == 0
    assert "*Arcs" not in capsys.readouterr().err
    assert main([str(net), str(tmp_path / "c"), "--silent"]) == 0
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("option", ["--clus", "--two", "--out", "--silen"])
def test_abbreviated_long_options_are_refused(tmp_path, capsys, option):
    """No abbreviation passes for the option it abbreviates (--clu is the
    official shorthand for -o clu, never --cluster-data)."""
    given = tmp_path / "given.clu"
    given.write_text("".join(f"{i} {1 + i % 2}\n" for i in range(34)))
    args = [str(KARATE), str(tmp_path / "out"), option]
    if option in ("--clu", "--clus", "--out"):
        args.append(str(given) if option != "--out" else "x")
    with pytest.raises(SystemExit) as info:
        main(args)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and option in err
    assert not (tmp_path / "out").exists()


def codelength_in_json(path: Path) -> float:
    """The codelength a ``.json`` output gives, to full precision."""
    return float(json.loads(path.read_text())["codelength"])


def test_cluster_data_and_no_infomap_only_score(tmp_path):
    given = tmp_path / "given.clu"
    given.write_text("# node_id module\n" + "".join(
        f"{i} {1 if i < 17 else 2}\n" for i in range(34)))
    out = tmp_path / "out"
    proc = run(KARATE, out, "-c", given, "--no-infomap", "-o", "clu,json", "--silent")
    assert proc.returncode == 0, proc.stderr
    labels = read_partition(out / "karate.clu")
    assert sorted(labels) == list(range(34))
    assert {i for i in labels if labels[i] == labels[0]} == set(range(17))
    assert {i for i in labels if labels[i] == labels[33]} == set(range(17, 34))
    network = infomap_py.io.read_network(KARATE)
    expected = infomap_py.codelength(network, [0 if i < 17 else 1 for i in network.nodes])
    assert codelength_in_json(out / "karate.json") == pytest.approx(float(expected), abs=1e-9)


def test_cluster_data_is_a_starting_point(tmp_path):
    # At Markov time 3 a single two-level trial from singletons sometimes
    # merges two cliques of a ring of cliques; started with -c from the
    # cliques, the same trial (same seed) ends at the cliques.
    net = tmp_path / "ring.txt"
    net.write_text("".join(f"{u + 1} {v + 1}\n" for u, v in nx.ring_of_cliques(12, 6).edges()))
    given = tmp_path / "cliques.clu"
    given.write_text("".join(f"{i + 1} {i // 6 + 1}\n" for i in range(72)))
    network = infomap_py.io.read_network(net)
    cliques = [(node - 1) // 6 for node in network.node_ids.tolist()]
    good = float(infomap_py.codelength(network, cliques, markov_time=3))
    seed = next((s for s in range(1, 41) if infomap_py.cluster(
        network, seed=s, two_level=True, markov_time=3).codelength > good + 1e-9), None)
    assert seed is not None, "no seed misses the cliques: choose a harder start"
    options = ["-2", "--markov-time", "3", "-s", seed, "-o", "clu,json", "--silent"]
    proc = run(net, tmp_path / "plain", *options)
    assert proc.returncode == 0, proc.stderr
    assert codelength_in_json(tmp_path / "plain" / "ring.json") > good + 1e-9
    proc = run(net, tmp_path / "started", "-c", given, *options)
    assert proc.returncode == 0, proc.stderr
    assert codelength_in_json(tmp_path / "started" / "ring.json") == pytest.approx(good, abs=1e-9)
    labels = read_partition(tmp_path / "started" / "ring.clu")
    assert sorted(sorted(n for n in labels if labels[n] == m) for m in set(labels.values())) == [
        list(range(6 * k + 1, 6 * k + 7)) for k in range(12)]


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
    proc = run("-hh")
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
    (["-N", "100000000000000000000"], "argument -N/--num-trials: must be <= 1,000,000"),
    (["--num-threads", "1000000"], "argument --num-threads: must be <="),
    (["--num-threads", "100000000000000000000"], "argument --num-threads: must be <="),
    (["-s", str(2**63)], "argument -s/--seed: must be <="),
    (["-s", str(2**70)], "argument -s/--seed: must be <="),
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
    """On a real terminal (a pseudo-terminal), with the bar's delay of two
    seconds set to none (the karate runs end sooner): the bar over the
    trials, or the status line where tqdm is not installed."""
    import pty

    leader, follower = pty.openpty()
    code = ("import sys, infomap_py._progress as p; p.DELAY_SECONDS = 0; "
            "from infomap_py.cli import main; sys.exit(main())")
    proc = subprocess.run([sys.executable, "-c", code, str(KARATE), str(tmp_path), "-N", "3"],
                          stderr=follower, stdout=subprocess.DEVNULL, timeout=300)
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
    assert "trial 3/3" in shown and "\r" in shown and "bits" in shown
    # Piped stderr (not a terminal) gets the summary line only.
    piped = run(KARATE, tmp_path, "-N", "3")
    assert "trial" not in piped.stderr and len(piped.stderr.strip().splitlines()) == 1


def test_num_threads_does_not_change_the_result(tmp_path):
    outputs = []
    for threads in ("1", "2"):
        out = tmp_path / threads
        proc = run(KARATE, out, "-N", "4", "--num-threads", threads, "-o", "tree", "--silent")
        assert proc.returncode == 0, proc.stderr
        outputs.append([line for line in (out / "karate.tree").read_text().splitlines()
                        if not line.startswith(("# started", "# completed", "# ./"))])
    assert outputs[0] == outputs[1]


def test_bad_num_threads(tmp_path):
    proc = run(KARATE, tmp_path, "--num-threads", "0")
    assert proc.returncode == 2
    assert proc.stderr.strip() == ("infomap-py: error: argument --num-threads: must be 'auto' "
                                   "or >= 1, got 0")
    assert not tmp_path.exists() or files_in(tmp_path) == []
