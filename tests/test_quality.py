"""Quality against the official Infomap on benchmark graphs with planted modules.

With the same number of trials and seed, infomap-py's codelength is at most
the official one + 1e-6 (relative), and its NMI to the planted partition at
least the official NMI - 0.01.  On the small real networks, with enough
trials, both find the same codelength (to 1e-6).  The tolerances are tight
on purpose: the official result is deterministic for a fixed seed, and a
looser one (+0.1 %) let a search that tunes only once pass every graph
here but the power grid (measured: LFR n=5000 mu=0.5 +8e-6, planted
partition mixing 0.4 +8e-5, football +7e-4, netscience +2e-4 over the
official with one tuning round, where the full schedule gives at most
+6e-14).
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from sklearn.metrics import normalized_mutual_info_score

import infomap_py
from benchmarks.generators import planted_partition
from infomap_py.network import Network

from conftest import official_cluster

TRIALS = 3

#: Relative margin over the official codelength (rounding only).
MARGIN = 1e-6


def lfr(n, mu, seed=42):
    G = nx.LFR_benchmark_graph(n, 2.5, 1.5, mu, average_degree=15, max_degree=50,
                               min_community=20, max_community=100, seed=seed)
    G.remove_edges_from(nx.selfloop_edges(G))
    truth = {}
    for node in G:
        truth.setdefault(frozenset(G.nodes[node]["community"]), len(truth))
    labels = np.array([truth[frozenset(G.nodes[node]["community"])] for node in sorted(G)])
    edges = np.array(sorted(G.edges()), dtype=np.int64)
    return edges, n, labels


def compare(edges, n, truth):
    network = Network(edges[:, 0], edges[:, 1], np.ones(len(edges)), n, False, range(n))
    ours = infomap_py.cluster(network, trials=TRIALS, seed=1, two_level=True)
    theirs = official_cluster(edges, n, False, num_trials=TRIALS, seed=1)
    ours_nmi = normalized_mutual_info_score(truth, ours.labels)
    theirs_nmi = normalized_mutual_info_score(truth, theirs["labels"])
    return ours, theirs, ours_nmi, theirs_nmi


@pytest.mark.slow
@pytest.mark.parametrize("n", [1000, 5000])
@pytest.mark.parametrize("mu", [0.1, 0.3, 0.5, 0.6, 0.7, 0.8])
def test_lfr_quality_matches_official(n, mu):
    edges, n, truth = lfr(n, mu)
    ours, theirs, ours_nmi, theirs_nmi = compare(edges, n, truth)
    assert ours.codelength <= theirs["codelength"] * (1 + MARGIN), (ours.codelength,
                                                                   theirs["codelength"])
    assert ours_nmi >= theirs_nmi - 0.01, (ours_nmi, theirs_nmi)


@pytest.mark.slow
@pytest.mark.parametrize("mixing", [0.2, 0.4, 0.6])
def test_planted_partition_quality_matches_official(mixing):
    edges, truth = planted_partition(10_000, 100, 10, mixing, seed=3)
    ours, theirs, ours_nmi, theirs_nmi = compare(edges, 10_000, truth)
    assert ours.codelength <= theirs["codelength"] * (1 + MARGIN), (ours.codelength,
                                                                   theirs["codelength"])
    assert ours_nmi >= theirs_nmi - 0.01, (ours_nmi, theirs_nmi)


def test_lfr_strong_mixing_gives_one_module_like_official():
    """Past the detectability limit both packages give one module."""
    edges, n, truth = lfr(1000, 0.9)
    ours, theirs, _, _ = compare(edges, n, truth)
    assert theirs["num_modules"] == 1
    assert ours.num_modules == 1


#: Real networks in ``../shared/data``: trials per run, and whether both
#: packages then find the same codelength (else infomap-py's is at most the
#: official's; on football and the power grid it is shorter).  Five trials
#: on football and the power grid, twenty on netscience, are where a search
#: that tunes only once codes longer than the official (measured: +7e-4,
#: +6e-3, +2e-4).
REAL_NETWORKS = {
    "karate": (20, True),
    "football": (5, False),
    "dolphins": (20, True),
    "lesmis": (20, True),
    "netscience": (20, False),
    "power": (5, False),
}


@pytest.mark.parametrize("name", list(REAL_NETWORKS))
def test_real_networks_match_official(name):
    """The real networks in ``../shared/data`` (skipped when absent)."""
    from conftest import read_shared_network

    trials, same = REAL_NETWORKS[name]
    edges, n, truth = read_shared_network(name)
    if edges.shape[1] == 2:
        edges = np.column_stack([edges, np.ones(len(edges))])
    network = Network(edges[:, 0].astype(np.int64), edges[:, 1].astype(np.int64), edges[:, 2],
                      n, False, range(n))
    ours = infomap_py.cluster(network, trials=trials, seed=1, two_level=True)
    theirs = official_cluster(edges, n, False, num_trials=trials, seed=1)
    if same:
        assert ours.codelength == pytest.approx(theirs["codelength"], abs=1e-6)
    else:
        assert ours.codelength <= theirs["codelength"] * (1 + MARGIN), (ours.codelength,
                                                                       theirs["codelength"])
    if truth is not None:
        ours_nmi = normalized_mutual_info_score(truth, ours.labels)
        theirs_nmi = normalized_mutual_info_score(truth, theirs["labels"])
        assert ours_nmi >= theirs_nmi - 0.01, (ours_nmi, theirs_nmi)
