"""Progress tells the truth: each phase is reported as it ends, while the
search goes on (not in a burst after it), with the seconds it took; the
progress bar counts the trials on a terminal, and only there."""

from __future__ import annotations

import contextlib
import io
import re
import sys
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

import infomap_py
from infomap_py import _progress, two_level
from infomap_py.cli import main
from infomap_py.convert import to_network
from infomap_py.flow import compute_flow
from infomap_py.optimize import search

GRAPH = nx.convert_node_labels_to_integers(nx.grid_2d_graph(12, 12))


def test_each_phase_is_reported_before_the_next_one_runs(monkeypatch):
    """The "levels" phase is reported before fine-tuning starts, and each
    tuning round before the next round's kernel runs."""
    events: list[str] = []
    fine_tune = two_level.fine_tune

    def recorded_fine_tune(*args):
        events.append("fine-tune runs")
        return fine_tune(*args)

    monkeypatch.setattr(two_level, "fine_tune", recorded_fine_tune)
    infomap_py.cluster(GRAPH, two_level=True, seed=3, n_jobs=1,
                       progress=lambda trial, phase, k, length: events.append(phase))
    # (Coarse-tuning moves its sub-modules with the same kernel.)
    assert events[0] == "levels"
    assert events[1] == "fine-tune runs"
    reports = [i for i, event in enumerate(events) if event in ("fine-tune", "coarse-tune")]
    runs = [i for i, event in enumerate(events) if event == "fine-tune runs"]
    assert len(reports) >= 2
    # Reports and kernel runs interleave: the first round is reported before
    # the second round's kernel runs, not with the others at the end.
    assert reports[0] < runs[-1]


def test_phases_come_with_the_seconds_they_took():
    calls = []
    network = to_network(np.array(GRAPH.edges(), dtype=np.int64))
    result = search(compute_flow(network, "undirected"), trials=2, seed=1, n_jobs=1,
                    progress=lambda *call: calls.append(call))
    assert {call[0] for call in calls} == {0, 1}
    assert all(len(call) == 5 and call[4] >= 0.0 for call in calls)
    total = sum(call[4] for call in calls)
    assert 0.0 < total <= result.seconds + 1e-6


def test_verbose_prints_each_phase_with_its_seconds(capsys):
    infomap_py.cluster(GRAPH, two_level=True, seed=3, verbose=True)
    lines = capsys.readouterr().err.splitlines()
    phases = [line for line in lines if line.startswith("trial 1/1 ")]
    assert phases and all(re.search(r"bits \(\d+\.\d\d s\)$", line) for line in phases)


# --- the progress bar ---------------------------------------------------------------------

KARATE = nx.karate_club_graph()
KARATE_FILE = Path(__file__).resolve().parents[1] / "examples" / "karate.txt"
#: What tqdm draws: "infomap-py:  50%|#####     | 2/4 [00:00<...".
BAR_COUNT = re.compile(r"infomap-py: +\d+%\|[^|]*\| (\d+)/(\d+) \[")


class Terminal(io.StringIO):
    """Standard error as a terminal, as far as ``isatty`` tells."""

    def isatty(self) -> bool:
        return True


@pytest.fixture()
def on_terminal(monkeypatch):
    """Run ``call`` with a terminal on standard error and a bar that shows
    from the start; return what it wrote there.  (Within the test: pytest
    sets ``sys.stderr`` again after the fixtures ran.)"""
    monkeypatch.setattr(_progress, "DELAY_SECONDS", 0.0)

    def run(call, *args, **kwargs):
        stream = Terminal()
        with contextlib.redirect_stderr(stream):
            call(*args, **kwargs)
        return stream.getvalue()

    return run


@pytest.fixture()
def no_tqdm(monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm", None)  # import tqdm raises ImportError


def bar_counts(text: str, total: int) -> list[int]:
    counts = [(int(done), int(of)) for done, of in BAR_COUNT.findall(text)]
    assert counts and all(of == total for _, of in counts), text
    return [done for done, _ in counts]


def cleared_at_the_end(text: str) -> bool:
    """Whether the last thing written blanks the line of the bar."""
    return text.endswith("\r") and text.rsplit("\r", 2)[-2].strip() == ""


def same_result(a, b) -> bool:
    return (a.labels.tolist() == b.labels.tolist() and a.codelength == b.codelength
            and a.trial_codelengths.tolist() == b.trial_codelengths.tolist())


def test_the_bar_counts_the_trials_on_a_terminal_and_changes_nothing(on_terminal, capsys):
    pytest.importorskip("tqdm")
    plain = infomap_py.cluster(KARATE, trials=4, seed=2, n_jobs=1)
    found = []
    text = on_terminal(lambda: found.append(
        infomap_py.cluster(KARATE, trials=4, seed=2, n_jobs=1, progress_bar=True)))
    counts = bar_counts(text, 4)
    assert counts == sorted(counts) and set(counts) == {0, 1, 2, 3, 4}
    assert "trial 4/4 done: " in text and ", best " in text
    assert cleared_at_the_end(text)
    assert capsys.readouterr().out == ""
    assert same_result(found[0], plain)


def test_trials_in_threads_are_counted_too(on_terminal):
    pytest.importorskip("tqdm")
    text = on_terminal(infomap_py.cluster, KARATE, trials=4, seed=2, n_jobs=2,
                       progress_bar=True)
    assert bar_counts(text, 4)[-1] == 4


def test_verbose_shows_the_bar_and_prints_the_phase_lines_above_it(on_terminal):
    pytest.importorskip("tqdm")
    text = on_terminal(infomap_py.cluster, KARATE, trials=2, seed=2, n_jobs=1, verbose=True)
    assert bar_counts(text, 2)[-1] == 2
    # Each phase line is written on a line of its own, after the bar is wiped.
    lines = [line.rsplit("\r", 1)[-1] for line in text.split("\n")]
    assert sum(line.startswith("trial 2/2 ") and line.endswith(" s)") for line in lines) >= 2


@pytest.mark.parametrize("options", [dict(), dict(verbose=True, progress_bar=False),
                                     dict(verbose=False)])
def test_no_bar_unless_asked(on_terminal, options):
    text = on_terminal(infomap_py.cluster, KARATE, trials=2, seed=2, **options)
    assert not BAR_COUNT.search(text) and "\r" not in text
    assert ("trial 2/2 " in text) == bool(options.get("verbose"))


def test_no_bar_where_stderr_is_not_a_terminal(capsys):
    infomap_py.cluster(KARATE, trials=2, seed=2, progress_bar=True)
    assert capsys.readouterr().err == ""
    infomap_py.cluster(KARATE, trials=2, seed=2, verbose=True)
    err = capsys.readouterr().err
    assert "trial 2/2 " in err and not BAR_COUNT.search(err) and "\r" not in err


def test_a_short_run_shows_no_bar(on_terminal, monkeypatch):
    monkeypatch.setattr(_progress, "DELAY_SECONDS", 3600.0)
    assert on_terminal(infomap_py.cluster, KARATE, trials=2, seed=2, progress_bar=True) == ""


def test_without_tqdm_a_status_line_stands_in_for_the_bar(on_terminal, no_tqdm):
    plain = infomap_py.cluster(KARATE, trials=3, seed=2, n_jobs=1)
    found = []
    text = on_terminal(lambda: found.append(
        infomap_py.cluster(KARATE, trials=3, seed=2, n_jobs=1, progress_bar=True)))
    assert "\rtrial 3/3 " in text and not BAR_COUNT.search(text)
    assert cleared_at_the_end(text)
    assert same_result(found[0], plain)
    # With the phase lines, no status line.
    text = on_terminal(infomap_py.cluster, KARATE, trials=2, seed=2, verbose=True)
    assert "trial 2/2 " in text and "\r" not in text


def test_bad_progress_bar():
    with pytest.raises(TypeError, match="progress_bar must be True or False"):
        infomap_py.cluster(KARATE, progress_bar="yes")


def command(*args: str) -> int:
    return main([str(KARATE_FILE), *args, "-o", "clu"])


def test_the_command_line_tool_shows_the_bar_unless_silent(on_terminal, tmp_path, capsys):
    pytest.importorskip("tqdm")
    text = on_terminal(command, str(tmp_path), "-N", "3")
    assert bar_counts(text, 3)[-1] == 3
    # The bar is wiped before the summary line.
    _, blank, summary = text.split("\n")[-2].rsplit("\r", 2)
    assert blank.strip() == "" and summary.startswith("infomap-py: 34 nodes")
    assert capsys.readouterr().out == ""
    assert on_terminal(command, str(tmp_path), "-N", "3", "--silent") == ""


def test_the_command_line_tool_counts_converge_trials(on_terminal, tmp_path):
    pytest.importorskip("tqdm")
    counts = bar_counts(on_terminal(command, str(tmp_path), "-N", "2", "--converge"), 2)
    assert counts[-1] == 2 and set(counts) == {0, 1, 2}


def test_the_command_line_tool_without_tqdm(on_terminal, no_tqdm, tmp_path):
    text = on_terminal(command, str(tmp_path), "-N", "3")
    assert "\rtrial 3/3 " in text and not BAR_COUNT.search(text)
