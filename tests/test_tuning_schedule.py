"""The tuning schedule of a two-level trial, as the official Infomap runs it.

After the core loops and aggregation ("levels"), a trial alternates
fine-tuning and coarse-tuning, fine first, with no limit on the number of
rounds (the official ``--tune-iteration-limit`` default 0), and stops, as
the official, at the first fine-tuning round after coarse-tuning that shortens
the codelength by less than 1e-5 of the one-level codelength (the official
``minimumRelativeTuneIterationImprovement``) or by less than 1e-10 bits; a
coarse-tuning round that gains too little lets the fine-tuning after it run,
and two such rounds in a row, or a pair too little on average, stop it too.
A 40 x 40 grid needs many rounds, and coarse-tuning changes its modules.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

import infomap_py

from conftest import official_cluster

MIN_RELATIVE_TUNE_IMPROVEMENT = 1e-5
MIN_IMPROVEMENT = 1e-10
TRIALS = 2


@pytest.fixture(scope="module")
def grid():
    G = nx.convert_node_labels_to_integers(nx.grid_2d_graph(40, 40))
    return np.array(G.edges(), dtype=np.int64), G.number_of_nodes()


@pytest.fixture(scope="module")
def grid_phases(grid):
    """The result of two trials on the grid and their phases, trial by trial."""
    edges, _ = grid
    log = []
    res = infomap_py.cluster(edges, trials=TRIALS, seed=1, two_level=True,
                             progress=lambda *call: log.append(call))
    phases = {t: [(phase, k, length) for trial, phase, k, length in log if trial == t]
              for t in range(TRIALS)}
    return res, phases


def test_tuning_alternates_until_rounds_gain_too_little(grid_phases):
    res, phases = grid_phases
    one_level = res.one_level_codelength
    for trial, trial_phases in phases.items():
        names = [phase for phase, _, _ in trial_phases]
        assert names[0] == "levels", names
        rounds = [(phase, length) for phase, _, length in trial_phases
                  if phase in ("fine-tune", "coarse-tune")]
        assert names[1:1 + len(rounds)] == [phase for phase, _ in rounds], names
        # Fine first, then coarse, alternating.
        assert [phase for phase, _ in rounds] == [
            "fine-tune" if r % 2 == 0 else "coarse-tune" for r in range(len(rounds))]
        lengths = [trial_phases[0][2]] + [length for _, length in rounds]

        def gains(old, new, rounds):
            return (new <= old - rounds * MIN_IMPROVEMENT
                    and new < old - rounds * one_level * MIN_RELATIVE_TUNE_IMPROVEMENT)

        improved = [gains(old, new, 1) for old, new in zip(lengths, lengths[1:])]
        pair_improved = [gains(old, new, 2) for old, new in zip(lengths, lengths[2:])]

        def converged(r):  # after round r (0-based; even: fine-tuning), r >= 1
            fine_after_coarse = r % 2 == 0
            return (not (improved[r] or improved[r - 1]) or not pair_improved[r - 1]
                    or (fine_after_coarse and not improved[r]))

        # It stops at the first round the rule names, and only there.
        assert len(improved) >= 2 and converged(len(improved) - 1), (trial, lengths)
        for r in range(1, len(improved) - 1):
            assert not converged(r), (trial, r, lengths)
        # On this grid tuning goes on for many rounds and coarse-tuning pays.
        assert len(rounds) >= 5, (trial, names)
        assert any(ok for (phase, _), ok in zip(rounds, improved) if phase == "coarse-tune")


def test_tuning_gains_on_the_grid_as_much_as_the_official(grid, grid_phases):
    """Untuned the grid codes longer than the official's trials; tuned to
    the end, one-trial searches code no longer than the official's on
    average over seeds (one pair of trials is a draw either way)."""
    edges, n = grid
    _, phases = grid_phases
    seeds = range(1, 7)
    ours = [infomap_py.cluster(edges, trials=1, seed=s, two_level=True).codelength
            for s in seeds]
    theirs = [official_cluster(edges, n, False, num_trials=1, seed=s)["codelength"]
              for s in seeds]
    assert np.mean(ours) <= np.mean(theirs) * (1 + 1e-6), (ours, theirs)
    for trial_phases in phases.values():
        assert trial_phases[0][2] > max(theirs) * 1.01  # what tuning gains here


@pytest.mark.parametrize("gains, fine_after_coarse, stops", [
    ((3.0, 0.0), False, False),  # a coarse-tuning that moves nothing: the fine-tuning after
    ((0.0, 20.0), True, False),  # ... may gain, and here it did
    ((0.5, 0.4), False, True),   # two rounds in a row gain too little each
    ((1.2, 0.7), False, True),   # one round gains enough, but the pair too little on average
    ((2.5, 0.7), False, False),  # the pair gains enough on average
    ((2.5, 0.7), True, True),    # ... but a fine-tuning after coarse-tuning gains too little
    ((2.5, 1.5), True, False),   # ... and here it gained enough
])
def test_tuning_stop_rule(gains, fine_after_coarse, stops):
    """The stop rule on its own, gains in units of the relative threshold."""
    from infomap_py.two_level import _gains, _tuning_converged

    threshold = 1e-4
    before_previous = 10.0
    before = before_previous - gains[0] * threshold
    length = before - gains[1] * threshold
    previous_improved = _gains(before_previous, before, 1, MIN_IMPROVEMENT, threshold)
    assert _tuning_converged(before_previous, before, length, previous_improved,
                             MIN_IMPROVEMENT, threshold, fine_after_coarse) == stops
