"""The tuning schedule of a two-level trial, as the official Infomap runs it.

After the core loops and aggregation ("levels"), a trial alternates
fine-tuning and coarse-tuning, fine first, with no limit on the number of
rounds (the official ``--tune-iteration-limit`` default 0), and stops once two
rounds in a row each shorten the codelength by less than 1e-5 of the
one-level codelength (the official ``minimumRelativeTuneIterationImprovement``)
or by less than 1e-10 bits.  A 40 x 40 grid needs many rounds, and
coarse-tuning changes its modules.
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


def test_tuning_alternates_until_two_rounds_in_a_row_fail(grid_phases):
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
        improved = [
            new <= old - MIN_IMPROVEMENT and new < old - one_level * MIN_RELATIVE_TUNE_IMPROVEMENT
            for old, new in zip(lengths, lengths[1:])
        ]
        # It stops at the first two failed rounds in a row, and only there.
        assert len(improved) >= 2 and improved[-2:] == [False, False], (trial, lengths)
        for r in range(len(improved) - 2):
            assert improved[r] or improved[r + 1], (trial, r, lengths)
        # On this grid tuning goes on for many rounds and coarse-tuning pays.
        assert len(rounds) >= 6, (trial, names)
        assert any(ok for (phase, _), ok in zip(rounds, improved) if phase == "coarse-tune")


def test_tuning_gains_on_the_grid_as_much_as_the_official(grid, grid_phases):
    """Untuned (or tuned once) the grid codes longer than the official's
    trials; tuned to the end, no longer."""
    edges, n = grid
    res, phases = grid_phases
    theirs = official_cluster(edges, n, False, num_trials=TRIALS, seed=1)
    assert res.codelength <= theirs["codelength"] * (1 + 1e-6), (res.codelength,
                                                                 theirs["codelength"])
    for trial_phases in phases.values():
        assert trial_phases[0][2] > theirs["codelength"] * 1.01  # what tuning gains here
