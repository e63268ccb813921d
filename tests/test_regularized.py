"""Regularized flow (Bayesian prior network) and variable Markov time, against
the official Infomap 2.16 and against their own definitions."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
from conftest import official_cluster, official_score, read_shared_network

import infomap_py
from infomap_py.cli import main

pytest.importorskip("infomap")

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
KARATE = str(EXAMPLES / "karate.txt")

OPTIONS = [
    (dict(regularized=True), dict(regularized=True)),
    (dict(regularized=True, regularization_strength=0.3),
     dict(regularized=True, regularization_strength=0.3)),
    (dict(variable_markov_time=True), dict(variable_markov_time=True)),
    (dict(variable_markov_time=True, variable_markov_damping=0.0, variable_markov_min_scale=2.0),
     dict(variable_markov_time=True, variable_markov_damping=0.0,
          variable_markov_min_scale=2.0)),
]


def _network(name: str, directed: bool):
    edges, n, _ = read_shared_network(name)
    links = np.column_stack([edges[:, :2].astype(np.int64), edges[:, 2]]) if edges.shape[1] > 2 \
        else np.column_stack([edges[:, :2].astype(np.int64), np.ones(len(edges))])
    if directed:  # every edge both ways, as the official reads a symmetric arc list
        links = np.vstack([links, links[:, [1, 0, 2]]])
    return links, n


def _ours(links, n, directed):
    return infomap_py.Network(links[:, 0].astype(np.int64), links[:, 1].astype(np.int64),
                              links[:, 2].astype(float), n, directed, range(n))


@pytest.mark.parametrize("name", ["karate", "lesmis"])
@pytest.mark.parametrize("directed", [False, True])
@pytest.mark.parametrize("ours_kw, official_kw", OPTIONS)
def test_codelength_of_the_officials_partition(name, directed, ours_kw, official_kw):
    links, n = _network(name, directed)
    found = official_cluster(links, n, directed=directed, num_trials=5, seed=3, **official_kw)
    labels = found["labels"]
    if len(set(labels.tolist())) == 1:  # score a partition that is not trivial too
        labels = np.arange(n) % 3
    theirs = official_score(links, n, labels, directed=directed, **official_kw)["codelength"]
    ours = infomap_py.codelength(_ours(links, n, directed), labels, **ours_kw)
    assert float(ours) == pytest.approx(theirs, abs=1e-9)


@pytest.mark.parametrize("name", ["karate", "lesmis"])
@pytest.mark.parametrize("directed", [False, True])
@pytest.mark.parametrize("ours_kw, official_kw", OPTIONS[:3])
def test_twenty_trials_find_the_officials_codelength(name, directed, ours_kw, official_kw):
    links, n = _network(name, directed)
    theirs = official_cluster(links, n, directed=directed, num_trials=20, seed=2,
                              **official_kw)["codelength"]
    res = infomap_py.cluster(_ours(links, n, directed), trials=20, seed=2, two_level=True,
                             **ours_kw)
    assert res.codelength == pytest.approx(theirs, rel=1e-6)


def test_regularized_flow_is_a_distribution_and_undirected_equals_both_ways():
    links, n = _network("karate", False)
    und = infomap_py.compute_flow(_ours(links, n, False), regularized=True)
    dirs = infomap_py.compute_flow(_ours(*_network("karate", True), True), regularized=True)
    assert und.node_flow.sum() == pytest.approx(1.0, abs=1e-12)
    assert und.teleport_weight.sum() == pytest.approx(1.0, abs=1e-12)
    # A symmetric digraph's iterated flow is the undirected closed form.
    np.testing.assert_allclose(dirs.node_flow, und.node_flow, atol=1e-12)
    np.testing.assert_allclose(dirs.teleport_source, und.teleport_source, atol=1e-12)
    assert dirs.flow_converged


def test_a_stronger_prior_gives_fewer_modules():
    links, n = _network("lesmis", False)
    net = _ours(links, n, False)
    counts = [infomap_py.cluster(net, trials=3, seed=1, two_level=True, regularized=True,
                                 regularization_strength=s).num_modules for s in (0.1, 1, 10)]
    assert counts[0] >= counts[1] >= counts[2]
    assert counts[0] > counts[2]


def test_variable_markov_time_is_off_by_default_and_defaults_are_bit_identical():
    links, n = _network("karate", False)
    net = _ours(links, n, False)
    plain = infomap_py.compute_flow(net)
    explicit = infomap_py.compute_flow(net, regularized=False, variable_markov_time=False)
    assert np.array_equal(plain.link_flow, explicit.link_flow)
    vmt = infomap_py.compute_flow(net, variable_markov_time=True)
    assert not np.array_equal(plain.link_flow, vmt.link_flow)
    assert np.array_equal(plain.node_flow, vmt.node_flow)  # only links are rescaled


@pytest.mark.parametrize("kw, match", [
    (dict(regularization_strength=-1.0), "regularization_strength"),
    (dict(intra_regularization_strength=float("nan")), "intra_regularization_strength"),
    (dict(variable_markov_damping=1.5), "variable_markov_damping"),
    (dict(variable_markov_min_scale=0.0), "variable_markov_min_scale"),
    (dict(multilayer_skip_absent_nodes=True), "multilayer_skip_absent_nodes"),
    (dict(regularized=True, flow_model="rawdir"), "regularized"),
    (dict(regularized="yes"), "regularized"),
])
def test_bad_arguments_name_themselves(kw, match):
    with pytest.raises((ValueError, TypeError), match=match):
        infomap_py.cluster(np.array([[0, 1], [1, 2], [2, 0], [2, 3]]), **kw)


def test_regularized_multilayer_is_refused_as_the_official_build_does():
    layers = infomap_py.read_network(EXAMPLES / "layers.net")
    with pytest.raises(ValueError, match="regularized=True is not available for a multilayer"):
        infomap_py.cluster(layers, regularized=True)


@pytest.mark.parametrize("option", [
    ["--regularization-strength=-1"], ["--variable-markov-damping", "2"],
    ["--variable-markov-min-scale", "0"], ["--multilayer-skip-absent-nodes"],
    ["--regularized", "-f", "undirdir"],
])
def test_cli_refuses_bad_options_without_writing(tmp_path, capsys, option):
    assert main([KARATE, str(tmp_path / "out"), *option]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and option[0].split("=")[0] in err
    assert not (tmp_path / "out").exists()


def test_cli_regularized_matches_the_official_cli(tmp_path):
    import subprocess

    assert main([KARATE, str(tmp_path / "ours"), "--regularized",
                 "--regularization-strength", "0.3", "-N", "10", "--silent"]) == 0
    subprocess.run(["infomap", KARATE, str(tmp_path / "theirs"), "--regularized",
                    "--regularization-strength", "0.3", "-N", "10", "--silent"], check=True)

    def codelength(path):
        line = next(x for x in path.read_text().splitlines() if x.startswith("# codelength"))
        return float(line.split()[2])

    assert codelength(tmp_path / "ours" / "karate.tree") == pytest.approx(
        codelength(tmp_path / "theirs" / "karate.tree"), abs=1e-5)


def _official_state_flow(path, directed, **kw):
    """The official's flow per state of ``path`` and its codelength for its
    own partition, with the labels of that partition per state id."""
    import warnings

    import infomap
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        im = infomap.Infomap(silent=True, two_level=True, directed=directed, num_trials=3,
                             **kw)
        im.read_file(str(path))
        im.run()
        nodes = list(im.get_nodes(states=True))
        return ({n.state_id: n.flow for n in nodes}, {n.state_id: n.module_id for n in nodes},
                im.codelength)


@pytest.mark.parametrize("directed", [False, True])
@pytest.mark.parametrize("strength", [1.0, 0.3])
def test_regularized_memory_network_equals_official(directed, strength):
    # The undirected prior counts a link and its reverse (every link of
    # memory.net is given both ways) as one link, as the official does.
    path = EXAMPLES / "memory.net"
    kw = dict(regularized=True, regularization_strength=strength)
    flow, modules, length = _official_state_flow(path, directed, **kw)
    network = infomap_py.read_network(path, directed=directed)
    states = list(network.network.nodes)
    model = "directed" if directed else "undirected"
    ours = infomap_py.compute_flow(network, flow_model=model, **kw)
    np.testing.assert_allclose(ours.node_flow, [flow[s] for s in states], rtol=0, atol=1e-9)
    labels = [modules[s] for s in states]
    assert float(infomap_py.codelength(network, labels, flow_model=model, **kw)) == \
        pytest.approx(length, abs=1e-9)


def test_regularized_undirected_counts_a_link_and_its_reverse_once():
    rng = np.random.default_rng(5)
    pairs = {(int(a), int(b)) for a, b in rng.integers(0, 12, size=(40, 2)) if a != b}
    links = np.array([(a, b, float(rng.choice([0.5, 1.0, 2.0]))) for a, b in sorted(pairs)])
    n = 12
    labels = np.arange(n) % 3
    theirs = official_score(links, n, labels, directed=False, regularized=True)
    ours = infomap_py.codelength(_ours(links, n, False), labels, regularized=True)
    assert float(ours) == pytest.approx(theirs["codelength"], abs=1e-9)


def test_regularized_directed_prior_counts_a_self_link_as_any_link():
    # The official 2.16 binary's directed prior takes the mean link weight
    # with self-links counted as other links (not at one end only).
    links = np.array([(0, 1, 1.0), (1, 2, 1.0), (2, 0, 1.0), (2, 3, 1.0), (3, 1, 1.0),
                      (2, 2, 0.5), (0, 0, 2.0), (3, 4, 1.0), (4, 5, 1.0), (5, 3, 2.0)])
    n = 6
    labels = np.array([0, 0, 0, 1, 1, 1])
    theirs = official_score(links, n, labels, directed=True, regularized=True)
    network = _ours(links, n, True)
    flow = infomap_py.compute_flow(network, regularized=True)
    np.testing.assert_allclose(flow.node_flow, theirs["flow"], rtol=0, atol=1e-9)
    assert float(infomap_py.codelength(network, labels, regularized=True)) == pytest.approx(
        theirs["codelength"], abs=1e-9)


#: A small directed network whose regularized walk needs about 50 steps to
#: settle, so that every limit below stops it somewhere else.
WALK = np.array([(0, 1, 1.0), (1, 2, 2.0), (2, 0, 1.0), (2, 3, 0.5), (3, 4, 1.0), (4, 5, 1.0),
                 (5, 3, 3.0), (5, 6, 1.0), (6, 7, 1.0), (7, 6, 1.0), (1, 6, 0.3)])


@pytest.mark.parametrize("limits", [
    dict(max_flow_iterations=1),
    dict(max_flow_iterations=3),
    dict(flow_tolerance=1e-3, min_flow_iterations=0),
    dict(flow_tolerance=1e-2, min_flow_iterations=2),
    dict(min_flow_iterations=200, max_flow_iterations=60),
    dict(min_flow_iterations=120),
], ids=lambda limits: ",".join(f"{k}={v}" for k, v in limits.items()))
def test_regularized_directed_walk_stops_where_the_officials_does(limits):
    n = 8
    labels = np.array([0, 0, 0, 1, 1, 1, 2, 2])
    theirs = official_score(WALK, n, labels, directed=True, regularized=True, **limits)
    network = _ours(WALK, n, True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        flow = infomap_py.compute_flow(network, regularized=True, **limits)
        length = infomap_py.codelength(network, labels, regularized=True, **limits)
    np.testing.assert_allclose(flow.node_flow, theirs["flow"], rtol=0, atol=1e-9)
    assert float(length) == pytest.approx(theirs["codelength"], abs=1e-9)
    assert flow.flow_iterations == theirs["flow_iterations"]
    assert flow.flow_converged == theirs["flow_converged"]
    # As the official: a walk the cap stops above the tolerance is said to
    # have not converged, once per call.
    said = [str(w.message) for w in caught if "did not converge" in str(w.message)]
    assert len(said) == (0 if theirs["flow_converged"] else 2)


def test_cli_says_when_the_cap_stops_the_regularized_walk(tmp_path, capsys):
    path = tmp_path / "walk.txt"
    path.write_text("".join(f"{int(s)} {int(t)} {w}\n" for s, t, w in WALK))
    for cap, warned in (("3", True), ("0", False)):
        assert main([str(path), str(tmp_path / "out"), "-d", "--regularized", "-2",
                     "--max-flow-iterations", cap]) == 0
        err = capsys.readouterr().err
        assert ("did not converge: the power iteration stopped after 3 steps" in err) == warned


@pytest.mark.parametrize("name", ["karate", "lesmis"])
@pytest.mark.parametrize("directed", [False, True])
@pytest.mark.parametrize("damping", [0.25, 0.5, 0.75])
def test_variable_markov_damping_between_0_and_1_equals_official(name, directed, damping):
    # The official 2.16 binary interpolates with (1 - q)**2 where its source
    # has 1 - q; one node per module codes every link's scale.
    links, n = _network(name, directed)
    kw = dict(variable_markov_time=True, variable_markov_damping=damping)
    for labels in (np.arange(n), np.arange(n) % 3):
        theirs = official_score(links, n, labels, directed=directed, **kw)["codelength"]
        ours = infomap_py.codelength(_ours(links, n, directed), labels, **kw)
        assert float(ours) == pytest.approx(theirs, abs=1e-9)


@pytest.mark.parametrize("min_scale", [0.5, 3.0, 100.0])
@pytest.mark.parametrize("damping", [0.0, 0.5, 1.0])
def test_variable_markov_min_scale_above_the_largest_scale_keeps_the_flow(damping, min_scale):
    links, n = _network("karate", True)
    labels = np.arange(n) % 5
    kw = dict(variable_markov_time=True, variable_markov_damping=damping,
              variable_markov_min_scale=min_scale)
    theirs = official_score(links, n, labels, directed=True, **kw)["codelength"]
    ours = infomap_py.codelength(_ours(links, n, True), labels, **kw)
    assert float(ours) == pytest.approx(theirs, abs=1e-9)


@pytest.mark.parametrize("damping", [0.0, 0.5, 1.0])
def test_variable_markov_undirected_counts_a_link_and_its_reverse_once(damping):
    rng = np.random.default_rng(5)
    pairs = {(int(a), int(b)) for a, b in rng.integers(0, 12, size=(40, 2)) if a != b}
    links = np.array([(a, b, float(rng.choice([0.5, 1.0, 2.0]))) for a, b in sorted(pairs)])
    n, labels = 12, np.arange(12) % 3
    kw = dict(variable_markov_time=True, variable_markov_damping=damping)
    theirs = official_score(links, n, labels, directed=False, **kw)["codelength"]
    ours = infomap_py.codelength(_ours(links, n, False), labels, **kw)
    assert float(ours) == pytest.approx(theirs, abs=1e-9)
