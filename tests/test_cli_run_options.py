"""The official Infomap 2.16's remaining About/Output/Accuracy options
(--print-config-fingerprint, --print-json-parameters, --completion,
--pretty, --manifest-json, --memory-report, --trial-results,
--no-final-output, --converge, --parallel-trials, --inner-parallelization),
each checked against the installed official command-line tool."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from infomap_py.cli import CONVERGE_MIN_TRIALS, CONVERGE_PATIENCE, main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"

if shutil.which("infomap") is None:  # pragma: no cover - the oracle is a test dependency
    pytest.skip("the official infomap command is not installed", allow_module_level=True)


def official(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["infomap", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


def ours(*args: str, cwd: Path, monkeypatch) -> int:
    monkeypatch.chdir(cwd)
    return main(list(args))


@pytest.fixture
def work(tmp_path):
    for name in ("karate.txt", "memory.net"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    (tmp_path / "meta.clu").write_text("1 0\n2 0\n3 1\n")
    return tmp_path


@pytest.mark.parametrize("options", [
    [], ["-d"], ["-f", "rawdir", "-e"], ["--regularized"], ["-2", "-s", "7", "-N", "5"],
    ["--markov-time", "1.5", "--to-nodes", "-p", "0.2"], ["--converge"], ["--parallel-trials"],
    ["--inner-parallelization"], ["--meta-data", "meta.clu"], ["--no-infomap", "-c", "x.clu"],
    ["--entropy-corrected", "--preferred-number-of-modules", "3"], ["-FF"],
    ["-M", "3", "-L", "2", "--prefer-modular-solution", "--core-loop-codelength-threshold",
     "1e-7"]])
def test_print_config_fingerprint_is_the_officials(work, monkeypatch, capsys, options):
    expected = official("karate.txt", "out", *options, "--print-config-fingerprint", cwd=work)
    assert expected.returncode == 0, expected.stderr
    assert ours("karate.txt", "out", *options, "--print-config-fingerprint", cwd=work,
                monkeypatch=monkeypatch) == 0
    assert capsys.readouterr().out == expected.stdout
    assert not (work / "out").exists()  # it exits before reading or writing anything


def test_print_json_parameters_has_the_officials_layout(work, monkeypatch, capsys):
    theirs = json.loads(official("--print-json-parameters", cwd=work).stdout)["parameters"]
    assert ours("--print-json-parameters", cwd=work, monkeypatch=monkeypatch) == 0
    mine = json.loads(capsys.readouterr().out)["parameters"]
    assert set(mine[0]) <= set(theirs[0]) | {"longType", "shortType", "choices"}
    by_name = {p["long"]: p for p in mine}
    common = [p for p in theirs if p["long"] in by_name]
    assert len(common) >= 70
    for p in common:
        q = by_name[p["long"]]
        for key in ("short", "group", "required", "advanced", "incremental", "longType",
                    "shortType", "default", "choices"):
            assert q.get(key) == p.get(key), (p["long"], key)


def _complete(script: Path, words: list[str]) -> list[str]:
    """The words bash completion offers for the command line ``words``."""
    line = " ".join(f"'{w}'" for w in words)
    program = (f"source {script}; COMP_WORDS=({line}); COMP_CWORD={len(words) - 1}; "
               "_infomap_py_completion; printf '%s\\n' \"${COMPREPLY[@]}\"")
    done = subprocess.run(["bash", "-c", program], capture_output=True, text=True,
                          timeout=30, cwd=script.parent)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_completion_bash_completes_options_choices_and_files(work, monkeypatch, capsys):
    if shutil.which("bash") is None:  # pragma: no cover
        pytest.skip("bash is not installed")
    assert ours("--completion", "bash", cwd=work, monkeypatch=monkeypatch) == 0
    script = work / "completion.sh"
    script.write_text(capsys.readouterr().out)
    assert _complete(script, ["infomap-py", "--two"]) == ["--two-level"]
    assert _complete(script, ["infomap-py", "--comp"]) == ["--completion"]
    assert _complete(script, ["infomap-py", "-f", "u"]) == ["undirected", "undirdir"]
    assert "newick" in _complete(script, ["infomap-py", "-o", ""])
    assert _complete(script, ["infomap-py", "kar"]) == ["karate.txt"]
    assert _complete(script, ["infomap-py", "-N", "3", "karate.txt", "kar"]) == []  # a folder
    assert _complete(script, ["infomap-py", "-N", ""]) == []  # a number


def test_completion_zsh_lists_every_option(work, monkeypatch, capsys):
    from infomap_py.cli import build_parser

    assert ours("--completion=zsh", cwd=work, monkeypatch=monkeypatch) == 0
    script = capsys.readouterr().out
    assert script.startswith("#compdef infomap-py")
    for action in build_parser().options:
        for name in action.option_strings:
            assert name in script
    if shutil.which("zsh"):  # pragma: no cover - not installed everywhere
        (work / "_infomap-py").write_text(script)
        assert subprocess.run(["zsh", "-n", str(work / "_infomap-py")]).returncode == 0


def test_completion_refuses_another_shell_as_the_official_does(work, monkeypatch, capsys):
    assert official("--completion", "fish", cwd=work).returncode != 0
    assert ours("--completion", "fish", cwd=work, monkeypatch=monkeypatch) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--completion" in err and "fish" in err


def test_pretty_is_accepted_and_changes_nothing(work, monkeypatch):
    assert ours("karate.txt", "a", "--silent", cwd=work, monkeypatch=monkeypatch) == 0
    assert ours("karate.txt", "b", "--silent", "--pretty", cwd=work,
                monkeypatch=monkeypatch) == 0
    assert official("karate.txt", "c", "--silent", "--pretty", cwd=work).returncode == 0

    def body(path: Path) -> list[str]:
        return [x for x in path.read_text().splitlines() if not x.startswith("#")]

    assert body(work / "a" / "karate.tree") == body(work / "b" / "karate.tree")


@pytest.mark.parametrize("network, options", [
    ("karate.txt", ["-N", "2", "-o", "clu,json", "--summary-json", "s.json"]),
    ("memory.net", ["-o", "clu,csv,json,newick,ftree,tree,flow,network,states",
                    "--timing-json", "t.json", "--trial-results", "r.json"]),
    ("karate.txt", ["--converge", "-c", "given.clu", "--meta-data", "meta.clu", "-2"]),
    ("karate.txt", ["-0", "-d"]),
])
def test_manifest_json_is_the_officials(work, monkeypatch, network, options):
    (work / "given.clu").write_text("1 1\n2 1\n3 2\n")
    done = official(network, "theirs", *options, "--manifest-json", "m.json", "--silent",
                    cwd=work)
    assert done.returncode == 0, done.stderr
    theirs = json.loads((work / "m.json").read_text())
    (work / "m.json").unlink()
    assert ours(network, "theirs", *options, "--manifest-json", "m.json", "--silent",
                cwd=work, monkeypatch=monkeypatch) == 0
    mine = json.loads((work / "m.json").read_text())
    assert list(mine) == list(theirs)
    for key in theirs:
        if key != "version":
            assert mine[key] == theirs[key], key


def test_manifest_json_to_stdout(work, monkeypatch, capsys):
    assert ours("karate.txt", "out", "--manifest-json", "-", "--silent", cwd=work,
                monkeypatch=monkeypatch) == 0
    manifest = json.loads(capsys.readouterr().out)
    assert manifest["outputs"] == [{"key": "tree", "path": "out/karate.tree"}]


def test_memory_report(work, monkeypatch):
    assert ours("karate.txt", "out", "--timing-json", "t.json", "--memory-report", "--silent",
                cwd=work, monkeypatch=monkeypatch) == 0
    memory = json.loads((work / "t.json").read_text())["memory"]
    theirs = official("karate.txt", "out", "--timing-json", "-", "--memory-report",
                      "--silent", cwd=work)
    assert set(memory) == set(json.loads(theirs.stdout)["memory"])
    assert memory["rss_peak_mb"] > 1
    assert memory["bytes_per_node"] == pytest.approx(memory["rss_peak_mb"] * 2**20 / 34)
    assert memory["bytes_per_link"] == pytest.approx(memory["rss_peak_mb"] * 2**20 / 78)


@pytest.mark.parametrize("options, message", [
    (["--memory-report"], "--memory-report"),
    (["--converge", "--parallel-trials"], "--converge"),
    (["--converge", "--trial-offset", "2"], "--converge"),
    (["--converge", "--trial-results", "r.json"], "--converge"),
    # A deliberate difference: the official writes one report over the other.
    (["--trial-results", "r.json", "--manifest-json", "r.json"], "--trial-results"),
])
def test_bad_run_options_are_one_line_errors(work, monkeypatch, capsys, options, message):
    if "--manifest-json" not in options:
        assert official("karate.txt", "out", *options, "--silent", cwd=work).returncode != 0
    assert ours("karate.txt", "out", *options, cwd=work, monkeypatch=monkeypatch) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err
    assert not (work / "out").exists() and not (work / "r.json").exists()


def _trials(path: Path) -> list[tuple[int, int, float]]:
    return [(t["trial"], t["seed"], t["codelength"])
            for t in json.loads(path.read_text())["trials"]]


def test_trial_results_of_shards_give_the_best_of_one_run(work, monkeypatch):
    """Shards 0-2, 3-5 and 6 with --trial-offset run the trials of one -N 7
    run; the official merge tool picks that run's best tree from them."""
    from infomap.merge import merge_trial_results

    run = ("karate.txt", "out", "--silent", "-s", "5")
    assert ours(*run, "-N", "7", "--trial-results", "all.json", "--out-name", "all",
                cwd=work, monkeypatch=monkeypatch) == 0
    shards = []
    for k, (offset, count) in enumerate([(0, 3), (3, 3), (6, 1)]):
        shards.append(work / f"shard{k}.json")
        assert ours(*run, "-N", str(count), "--trial-offset", str(offset), "--trial-results",
                    str(shards[-1]), "--no-final-output", cwd=work,
                    monkeypatch=monkeypatch) == 0
    assert sum((_trials(path) for path in shards), []) == _trials(work / "all.json")
    assert not (work / "out" / "karate.tree").exists()  # --no-final-output
    monkeypatch.chdir(work)
    merged = merge_trial_results([str(p) for p in shards], out_name=str(work / "merged"),
                                 formats=("tree",), require_complete=True)
    whole = json.loads((work / "all.json").read_text())
    best = min(whole["trials"], key=lambda t: (t["codelength"], t["trial"]))
    assert merged["trial"] == best["trial"]
    assert merged["codelength"] == pytest.approx(best["codelength"], abs=1e-12)

    def body(path: Path) -> list[str]:
        return [x for x in path.read_text().splitlines() if not x.startswith("#")]

    assert body(Path(merged["winner_tree"])) == body(work / "out" / "all.tree")


def test_trial_results_layout_is_the_officials(work, monkeypatch):
    options = ("memory.net", "out", "-N", "3", "--trial-offset", "2", "--silent")
    assert official(*options, "--trial-results", "theirs.json", cwd=work).returncode == 0
    assert ours(*options, "--trial-results", "mine.json", cwd=work,
                monkeypatch=monkeypatch) == 0
    theirs = json.loads((work / "theirs.json").read_text())
    mine = json.loads((work / "mine.json").read_text())
    assert list(mine) == list(theirs)
    for key in ("network_fingerprint", "config_fingerprint", "base_seed", "trial_offset",
                "num_trials"):
        assert mine[key] == theirs[key], key
    assert [t["trial"] for t in mine["trials"]] == [2, 3, 4]
    assert list(mine["trials"][0]) == list(theirs["trials"][0])
    for key in ("best_tree_file", "best_states_tree_file"):
        assert (work / mine[key]).exists()
        assert mine[key].startswith("out/memory_trial_")


def test_trial_results_without_tree_output_names_no_tree(work, monkeypatch):
    assert ours("karate.txt", "out", "-N", "2", "-o", "clu", "--trial-results", "r.json",
                "--silent", cwd=work, monkeypatch=monkeypatch) == 0
    assert json.loads((work / "r.json").read_text())["best_tree_file"] == ""
    assert sorted(p.name for p in (work / "out").iterdir()) == ["karate.clu"]


def _summary(path: Path) -> dict:
    return json.loads(path.read_text())


def test_converge_stops_where_the_official_rule_says(work, monkeypatch):
    """Karate's trials all find the same codelength: the run stops after the
    first trial and PATIENCE more, as the official's does."""
    assert official("karate.txt", "o", "--converge", "--summary-json", "theirs.json",
                    "--silent", cwd=work).returncode == 0
    assert ours("karate.txt", "out", "--converge", "--summary-json", "mine.json", "--silent",
                cwd=work, monkeypatch=monkeypatch) == 0
    theirs, mine = _summary(work / "theirs.json"), _summary(work / "mine.json")
    assert mine["trials"] == theirs["trials"] == max(CONVERGE_MIN_TRIALS,
                                                     1 + CONVERGE_PATIENCE)
    assert mine["auto_stopped"] is theirs["auto_stopped"] is True
    assert mine["codelength"] == pytest.approx(theirs["codelength"], rel=1e-9)


def test_converge_trials_are_the_trials_of_a_plain_run(work, monkeypatch):
    """With -N under the plateau, --converge runs every trial, the same
    trials (seeds, codelengths, best) as without it."""
    run = ("karate.txt", "out", "-N", "3", "-s", "11", "--silent", "--timing-json")
    assert ours(*run, "a.json", "--converge", "--summary-json", "sa.json", cwd=work,
                monkeypatch=monkeypatch) == 0
    assert ours(*run, "b.json", "--summary-json", "sb.json", cwd=work,
                monkeypatch=monkeypatch) == 0
    a, b = _summary(work / "sa.json"), _summary(work / "sb.json")
    assert a["auto_stopped"] is False and a["trials"] == 3
    assert a["trial_codelengths"] == b["trial_codelengths"]
    assert ([t["seed"] for t in _summary(work / "a.json")["trials"]]
            == [t["seed"] for t in _summary(work / "b.json")["trials"]])


def test_converge_with_print_all_trials_writes_the_trials_run(work, monkeypatch):
    assert ours("karate.txt", "out", "--converge", "--print-all-trials", "--silent",
                "-N", "20", cwd=work, monkeypatch=monkeypatch) == 0
    names = sorted(p.name for p in (work / "out").iterdir())
    assert names == ["karate.tree"] + [f"karate_trial_{k}.tree" for k in range(1, 7)]


@pytest.mark.parametrize("option", ["--parallel-trials", "--inner-parallelization"])
def test_parallel_options_are_accepted_and_keep_the_result(work, monkeypatch, capsys, option):
    assert official("karate.txt", "o", option, "--silent", cwd=work).returncode == 0
    run = ("karate.txt", "out", "-N", "3", "--num-threads", "2", "--summary-json")
    assert ours(*run, "a.json", option, cwd=work, monkeypatch=monkeypatch) == 0
    err = capsys.readouterr().err
    assert ("--inner-parallelization does nothing" in err) == (option != "--parallel-trials")
    assert ours(*run, "b.json", "--silent", cwd=work, monkeypatch=monkeypatch) == 0
    assert _summary(work / "a.json") == _summary(work / "b.json")
