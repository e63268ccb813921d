"""Progress tells the truth: each phase is reported as it ends, while the
search goes on (not in a burst after it), with the seconds it took."""

from __future__ import annotations

import re

import networkx as nx
import numpy as np

import infomap_py
from infomap_py import two_level
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
