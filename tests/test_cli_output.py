"""What the command-line tool leaves on disk: all its files or none, even when
interrupted, killed or failing, and only where it was asked to write; and
messages that print file names safely."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import infomap_py.io
from infomap_py import cli
from infomap_py._compile_notice import NOTICE
from infomap_py.cli import main
from infomap_py.errors import InputFormatError, OutputError, display_path
from infomap_py.io import _atomic
from infomap_py.io._atomic import atomic_group, atomic_text_file, write_atomically

ROOT = Path(__file__).resolve().parents[1]
KARATE = ROOT / "examples" / "karate.txt"


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def failing_writer(result, path, **options):
    """A writer that fails halfway through its file."""
    with atomic_text_file(path) as handle:
        handle.write("half a file")
        raise RuntimeError("disk on fire")


# --- the all-or-nothing group ----------------------------------------------------

def test_group_renames_only_when_every_file_is_written(tmp_path):
    with atomic_group():
        with atomic_text_file(tmp_path / "a.txt") as handle:
            handle.write("a\n")
        write_atomically(tmp_path / "b.bin", lambda temp: Path(temp).write_bytes(b"b"))
        # Written, but under temporary names until the group ends.
        names = files_in(tmp_path)
        assert len(names) == 2 and all(n.startswith(".") and n.endswith(".tmp") for n in names)
    assert files_in(tmp_path) == ["a.txt", "b.bin"]
    assert (tmp_path / "a.txt").read_text() == "a\n"


@pytest.mark.parametrize("error", [RuntimeError("boom"), KeyboardInterrupt(), SystemExit(143)])
def test_group_that_raises_leaves_nothing_and_keeps_old_files(tmp_path, error):
    (tmp_path / "a.txt").write_text("old\n")
    with pytest.raises(type(error)):
        with atomic_group():
            with atomic_text_file(tmp_path / "a.txt") as handle:
                handle.write("new\n")
            with atomic_text_file(tmp_path / "b.txt") as handle:
                handle.write("b\n")
            raise error
    assert files_in(tmp_path) == ["a.txt"]
    assert (tmp_path / "a.txt").read_text() == "old\n"


def test_group_refuses_a_directory_target_before_writing_it(tmp_path):
    (tmp_path / "b.txt").mkdir()
    with pytest.raises(OutputError, match=r"b\.txt: Is a directory"):
        with atomic_group():
            with atomic_text_file(tmp_path / "a.txt") as handle:
                handle.write("a\n")
            with atomic_text_file(tmp_path / "b.txt") as handle:
                handle.write("b\n")
    assert files_in(tmp_path) == ["b.txt"]


def test_nested_group_joins_the_outer_one(tmp_path):
    with pytest.raises(RuntimeError):
        with atomic_group():
            with atomic_group():
                with atomic_text_file(tmp_path / "a.txt") as handle:
                    handle.write("a\n")
            raise RuntimeError("later")
    assert files_in(tmp_path) == []


@pytest.fixture
def foreground_sigint():
    """Python's own SIGINT handler, as in a foreground process: a shell starts a
    background job (``pytest &``) with SIGINT ignored, and Python keeps that."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def test_interrupt_during_the_renames_waits_until_all_are_done(tmp_path, monkeypatch,
                                                               foreground_sigint):
    real_replace = os.replace
    calls = []

    def replace_then_interrupt(src, dst):
        calls.append(dst)
        if len(calls) == 1:
            signal.raise_signal(signal.SIGINT)
        real_replace(src, dst)

    monkeypatch.setattr(_atomic.os, "replace", replace_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        with atomic_group():
            for name in ("a.txt", "b.txt", "c.txt"):
                with atomic_text_file(tmp_path / name) as handle:
                    handle.write(name)
    assert files_in(tmp_path) == ["a.txt", "b.txt", "c.txt"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_remove_stale_temporaries(tmp_path):
    for name in (".net.tree.0123456789ab.tmp", ".net.tree.ffff.tmp",  # stale temporaries
                 ".net.tree.notes.tmp", ".net.clu.0123456789ab.tmp", "net.tree"):  # other files
        (tmp_path / name).write_text("x")
    assert _atomic.remove_stale_temporaries(tmp_path / "net.tree") == 2
    assert files_in(tmp_path) == [".net.clu.0123456789ab.tmp", ".net.tree.notes.tmp", "net.tree"]


# --- interrupted and killed runs -------------------------------------------------

#: Runs the CLI with a tree writer that stops halfway, so that a test can
#: signal it while its files are being written.  argv: MARKER CLI-ARGS...
SLOW_WRITER = """
import signal, sys, time
from pathlib import Path
import infomap_py.io
from infomap_py.io._atomic import atomic_text_file
from infomap_py.cli import main

def slow_tree(result, path, **options):
    with atomic_text_file(path) as handle:
        handle.write("# half a tree\\n")
        handle.flush()
        Path(sys.argv[1]).touch()
        time.sleep(120)

infomap_py.io.write_tree = slow_tree
signal.signal(signal.SIGINT, signal.default_int_handler)  # also where a shell ignores it
sys.exit(main(sys.argv[2:]))
"""


def start_slow_run(tmp_path: Path, out: Path) -> subprocess.Popen:
    """Start the CLI writing clu, tree and json to ``out``; return once it
    is halfway through the tree (the clu written, under a temporary name)."""
    marker = tmp_path / "writing"
    proc = subprocess.Popen([sys.executable, "-c", SLOW_WRITER, str(marker), str(KARATE),
                             str(out), "-o", "clu,tree,json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while not marker.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    temporaries = files_in(out)
    assert len(temporaries) == 2 and all(n.endswith(".tmp") for n in temporaries), temporaries
    return proc


@pytest.mark.parametrize("signum, status, line", [
    (signal.SIGINT, 130, "infomap-py: interrupted"),
    (signal.SIGTERM, 143, "infomap-py: interrupted by SIGTERM"),
])
def test_interrupted_run_leaves_no_files(tmp_path, signum, status, line):
    out = tmp_path / "out"
    proc = start_slow_run(tmp_path, out)
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == status, err
    # (without the notice of a first run, which depends on Numba's cache)
    assert [text for text in err.strip().splitlines() if text != NOTICE] == [line]
    assert files_in(out) == []  # neither the clu nor any temporary file


def test_killed_run_temporaries_are_removed_by_the_next_run(tmp_path):
    out = tmp_path / "out"
    proc = start_slow_run(tmp_path, out)
    proc.kill()
    proc.communicate(timeout=120)
    assert all(name.endswith(".tmp") for name in files_in(out)) and files_in(out)
    assert main([str(KARATE), str(out), "-o", "clu,tree", "--silent"]) == 0
    assert files_in(out) == ["karate.clu", "karate.tree"]


# --- failing runs keep what was there --------------------------------------------

def test_failed_write_keeps_the_earlier_run(tmp_path, monkeypatch):
    """A rerun whose last file fails changes none of the earlier run's files."""
    prev = tmp_path / "prev"
    assert main([str(KARATE), str(prev), "-o", "clu,tree", "--silent"]) == 0
    before = contents(prev)
    monkeypatch.setattr(infomap_py.io, "write_json", failing_writer)
    assert main([str(KARATE), str(prev), "-o", "clu,tree,json", "-s", "5", "--silent"]) == 2
    assert contents(prev) == before


def test_plot_to_a_directory_is_refused_before_clustering(tmp_path, monkeypatch, capsys):
    prev = tmp_path / "prev"
    assert main([str(KARATE), str(prev), "-o", "clu,tree", "--silent"]) == 0
    before = contents(prev)
    (tmp_path / "pic.png").mkdir()

    def no_clustering(*args, **kwargs):
        raise AssertionError("clustered before the options were checked")

    monkeypatch.setattr(cli, "cluster", no_clustering)
    status = main([str(KARATE), str(prev), "-o", "clu,tree", "--plot",
                   str(tmp_path / "pic.png")])
    assert status == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and "--plot" in lines[0] and "is a directory" in lines[0]
    assert contents(prev) == before


def test_plot_into_the_output_directory_to_be_created(tmp_path):
    out = tmp_path / "new" / "out"
    assert main([str(KARATE), str(out), "--plot", str(out / "k.png"), "--silent"]) == 0
    assert files_in(out) == ["k.png", "karate.tree"]


def test_refused_run_creates_no_output_directory(tmp_path, capsys):
    out = tmp_path / "out"
    status = main([str(KARATE), str(out), "--plot", str(tmp_path / "missing" / "k.png")])
    assert status == 2 and "argument --plot: no directory" in capsys.readouterr().err
    assert not out.exists()


def test_failed_write_removes_the_output_directory_it_created(tmp_path, monkeypatch):
    out = tmp_path / "new" / "out"
    monkeypatch.setattr(infomap_py.io, "write_tree", failing_writer)
    assert main([str(KARATE), str(out), "-o", "clu,tree", "--silent"]) == 2
    assert files_in(tmp_path) == []


@pytest.mark.parametrize("blocked", ["out", "out/sub"])
def test_output_directory_that_is_a_file_is_refused_before_clustering(tmp_path, monkeypatch,
                                                                      capsys, blocked):
    (tmp_path / "out").write_text("a file")

    def no_clustering(*args, **kwargs):
        raise AssertionError("clustered before the options were checked")

    monkeypatch.setattr(cli, "cluster", no_clustering)
    assert main([str(KARATE), str(tmp_path / blocked)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and "is not a directory" in lines[0]
    assert files_in(tmp_path) == ["out"]


@pytest.mark.parametrize("name", ["../x", "sub/x", "ABSOLUTE", "", ".", ".."])
def test_out_name_with_a_directory_is_refused(tmp_path, capsys, name):
    out = tmp_path / "out"
    if name == "ABSOLUTE":
        name = str(tmp_path / "x")
    assert main([str(KARATE), str(out), "--out-name", name]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and "argument --out-name" in lines[0]
    assert files_in(tmp_path) == []


# --- file names in messages ------------------------------------------------------

NASTY = "bad\n\x1b[31mname"
SHOWN = "bad\\n\\x1b[31mname"


def test_display_path_escapes_only_what_is_not_printable():
    assert display_path("out/net 1.tree") == "out/net 1.tree"
    assert display_path(Path("ünï/cödé.txt")) == "ünï/cödé.txt"
    assert display_path(NASTY) == SHOWN
    assert display_path("a\tb\udcff") == "a\\tb\\udcff"  # an undecodable byte, too


def test_errors_show_paths_safely():
    assert str(InputFormatError(NASTY, 3, "expected 'source target [weight]', got 'a'")) == (
        f"{SHOWN}:3: expected 'source target [weight]', got 'a'")
    assert str(InputFormatError(NASTY, None, "no such file")) == f"{SHOWN}: no such file"
    assert str(OutputError(NASTY, "Permission denied")) == (
        f"cannot write {SHOWN}: Permission denied")
    assert InputFormatError(NASTY, None, "x").path == NASTY  # the attribute stays the real path


def assert_one_safe_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    assert "\x1b" not in text
    return lines[0]


def test_cli_messages_show_file_names_safely(tmp_path, capsys):
    bad = tmp_path / f"{NASTY}.txt"
    bad.write_text("1 2\n3\n")
    assert main([str(bad), str(tmp_path / "out")]) == 2
    line = assert_one_safe_line(capsys.readouterr().err)
    assert f"{SHOWN}.txt:2:" in line

    assert main([str(tmp_path / f"missing{NASTY}.txt"), str(tmp_path / "out")]) == 2
    assert f"missing{SHOWN}.txt" in assert_one_safe_line(capsys.readouterr().err)

    blocker = tmp_path / f"out{NASTY}"
    blocker.write_text("a file")
    assert main([str(KARATE), str(blocker)]) == 2
    assert f"out{SHOWN}" in assert_one_safe_line(capsys.readouterr().err)

    assert main([str(KARATE), str(tmp_path / "out"), "--plot", str(tmp_path / f"{NASTY}.png"),
                 "--out-name", f"club{NASTY}"]) == 0
    summary = assert_one_safe_line(capsys.readouterr().err)
    assert f"club{SHOWN}.tree" in summary and f"{SHOWN}.png" in summary


def test_a_reader_that_closes_the_pipe_early_ends_the_run_quietly(tmp_path):
    """``infomap-py ... --summary-json - | head -c 1``: the write to a closed
    pipe ends the run with status 141 (128 + SIGPIPE) and no traceback."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p))
    process = subprocess.Popen(
        [sys.executable, "-m", "infomap_py", str(ROOT / "examples" / "karate.txt"),
         str(tmp_path), "--summary-json", "-", "--silent"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    process.stdout.close()  # before the run writes its summary
    with process.stderr:
        stderr = process.stderr.read().decode()
    assert process.wait(timeout=300) == 141, stderr
    assert "Traceback" not in stderr
