"""neural.mapequation: the soft map equation agrees with infomap_py's, its
gradient is right, and cluster() learns good, reproducible modules."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
nx = pytest.importorskip("networkx")

import infomap_py  # noqa: E402
from infomap_py.errors import InfomapArgumentError  # noqa: E402
from neural import mapequation  # noqa: E402
from neural.mapequation import cluster, flow_tensors, seed_infomap, soft_codelength  # noqa: E402


def _one_hot(labels) -> torch.Tensor:
    labels = torch.as_tensor(np.asarray(labels, dtype=np.int64))
    return torch.nn.functional.one_hot(labels).to(torch.float64)


def _directed_graph() -> nx.DiGraph:
    """A small directed graph with dangling nodes, weights and reciprocal links."""
    G = nx.gnp_random_graph(30, 0.12, seed=3, directed=True)
    rng = np.random.default_rng(0)
    for u, v in G.edges():
        G[u][v]["weight"] = float(rng.integers(1, 4))
    return G


KARATE_PARTITIONS = {
    "infomap": None,  # filled from infomap_py.cluster
    "random": np.random.default_rng(1).integers(0, 5, 34),
    "singletons": np.arange(34),
}

FLOW_OPTIONS = [
    {},
    {"flow_model": "directed"},
    {"flow_model": "directed", "recorded_teleportation": True},
    {"markov_time": 0.6},
    {"flow_model": "directed", "markov_time": 1.7},
]

DIRECTED_OPTIONS = [
    {},
    {"recorded_teleportation": True},
    {"recorded_teleportation": True, "to_nodes": True, "teleportation": 0.3},
    {"markov_time": 2.5},
    {"recorded_teleportation": True, "markov_time": 0.5},
    {"flow_model": "undirdir"},
    {"flow_model": "outdirdir"},
    {"flow_model": "rawdir"},
    {"regularized": True},
]


@pytest.mark.parametrize("options", FLOW_OPTIONS, ids=str)
@pytest.mark.parametrize("which", sorted(KARATE_PARTITIONS))
def test_one_hot_equals_infomap_codelength_on_karate(options, which):
    G = nx.karate_club_graph()
    labels = KARATE_PARTITIONS[which]
    if labels is None:
        labels = infomap_py.cluster(G, two_level=True, **options).labels
    expected = float(infomap_py.codelength(G, labels, **options))
    got = soft_codelength(_one_hot(labels), infomap_py.compute_flow(G, **options))
    assert got.dtype == torch.float64
    assert got.item() == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("options", DIRECTED_OPTIONS, ids=str)
def test_one_hot_equals_infomap_codelength_on_a_directed_graph(options):
    G = _directed_graph()
    flow = infomap_py.compute_flow(G, **options)
    if options.get("recorded_teleportation") or options.get("regularized"):
        assert flow.teleport_total > 0.0  # the teleportation terms are exercised
    for labels in (np.arange(30) % 4, infomap_py.cluster(G, two_level=True, **options).labels):
        expected = float(infomap_py.codelength(G, labels, **options))
        assert soft_codelength(_one_hot(labels), flow).item() == pytest.approx(expected,
                                                                              abs=1e-9)


@pytest.mark.parametrize("options", [{}, {"recorded_teleportation": True}], ids=str)
def test_the_hard_score_of_the_training_loop_is_the_one_hot_codelength(options):
    """cluster() picks its best epoch by a link-list formula; it is the soft one."""
    G = _directed_graph()
    tensors = flow_tensors(infomap_py.compute_flow(G, **options))
    for labels in (np.arange(30) % 4, np.zeros(30, dtype=np.int64), np.arange(30)):
        index = torch.as_tensor(labels)
        hard = mapequation._partition_codelength(index, int(labels.max()) + 2, tensors)
        assert hard.item() == pytest.approx(soft_codelength(_one_hot(labels), tensors).item(),
                                            abs=1e-12)


def test_one_module_is_the_one_level_codelength_and_empty_columns_cost_nothing():
    G = nx.les_miserables_graph()
    flow = infomap_py.compute_flow(G)
    one = float(infomap_py.codelength(G, [0] * G.number_of_nodes()))
    S = torch.zeros(G.number_of_nodes(), 3, dtype=torch.float64)
    S[:, 1] = 1.0
    assert soft_codelength(S, flow).item() == pytest.approx(one, abs=1e-9)


def test_soft_codelength_is_smooth_between_partitions():
    """Halfway between two partitions the code differs from both, and the
    value moves continuously from one to the other."""
    G = nx.karate_club_graph()
    flow = flow_tensors(infomap_py.compute_flow(G))
    first, second = np.arange(34) % 2, (np.arange(34) < 17).astype(np.int64)
    a, b = _one_hot(first), _one_hot(second)
    values = [soft_codelength((1 - t) * a + t * b, flow).item() for t in np.linspace(0, 1, 21)]
    assert values[0] == pytest.approx(float(infomap_py.codelength(G, first)))
    assert values[-1] == pytest.approx(float(infomap_py.codelength(G, second)))
    assert max(abs(np.diff(values))) < 0.2
    assert len(set(np.round(values, 9))) > 15


@pytest.mark.parametrize("options", [{}, {"flow_model": "directed",
                                          "recorded_teleportation": True}], ids=str)
def test_gradient_passes_gradcheck(options):
    G = nx.barbell_graph(4, 1)
    flow = flow_tensors(infomap_py.compute_flow(G, **options))
    logits = torch.randn(9, 3, dtype=torch.float64,
                         generator=torch.Generator().manual_seed(0)).requires_grad_()
    assert torch.autograd.gradcheck(lambda x: soft_codelength(torch.softmax(x, 1), flow),
                                    (logits,), eps=1e-6, atol=1e-6)


def test_gradient_is_finite_where_flows_are_zero():
    """One-hot rows and an empty column give plogp(0) terms: gradient 0, not NaN."""
    G = nx.karate_club_graph()
    S = _one_hot(np.arange(34) % 2)
    S = torch.cat([S, torch.zeros(34, 1, dtype=torch.float64)], dim=1).requires_grad_()
    soft_codelength(S, infomap_py.compute_flow(G)).backward()
    assert torch.isfinite(S.grad).all()


def test_soft_codelength_rejects_what_is_not_an_assignment():
    flow = infomap_py.compute_flow(nx.path_graph(4))
    with pytest.raises(ValueError, match=r"shape \(n, k\) with n = 4"):
        soft_codelength(torch.ones(3, 1, dtype=torch.float64), flow)
    with pytest.raises(ValueError, match="sum to 1"):
        soft_codelength(torch.full((4, 2), 0.6, dtype=torch.float64), flow)
    with pytest.raises(ValueError, match="non-negative"):
        soft_codelength(torch.tensor([[1.5, -0.5]] * 4, dtype=torch.float64), flow)
    with pytest.raises(TypeError, match="floating-point"):
        soft_codelength(torch.ones(4, 1, dtype=torch.int64), flow)
    with pytest.raises(TypeError, match="Flow"):
        soft_codelength(torch.ones(4, 1, dtype=torch.float64), "flow")


def test_karate_soft_clustering_is_within_five_percent_of_infomap():
    G = nx.karate_club_graph()
    best = infomap_py.cluster(G, two_level=True, trials=5).codelength
    for encoder, epochs in (("logits", 300), ("gcn", 150)):
        res = cluster(G, encoder=encoder, epochs=epochs)
        assert res.codelength <= 1.05 * best, encoder
        assert 2 <= res.num_modules <= 6
        # the reported codelengths are those of what is returned
        assert res.codelength == pytest.approx(float(infomap_py.codelength(G, res.labels)))
        assert res.soft_codelength == pytest.approx(
            soft_codelength(torch.as_tensor(res.soft), infomap_py.compute_flow(G)).item())
        assert np.array_equal(res.labels, mapequation.compact_labels(res.soft.argmax(1)))
        assert res.history.shape == (epochs,) and res.history[-1] < res.history[0]


@pytest.mark.parametrize("estimator", ["gumbel", "straight-through"])
def test_gumbel_estimators_learn_modules(estimator):
    G = nx.karate_club_graph()
    # Six columns: the sampled estimators learn worse with many empty ones.
    res = cluster(G, estimator=estimator, max_modules=6, epochs=150, seed=1)
    assert res.codelength < 0.95 * float(infomap_py.codelength(G, [0] * 34))
    assert res.soft.shape == (34, 6) and np.allclose(res.soft.sum(1), 1.0)


def test_default_module_columns():
    """Four columns per ceil(sqrt(n)), at most n."""
    assert cluster(nx.karate_club_graph(), epochs=2).soft.shape == (34, 24)
    assert cluster(nx.path_graph(5), epochs=2).soft.shape == (5, 5)


def test_same_seed_same_result_other_seed_other_noise():
    G = nx.karate_club_graph()
    runs = [cluster(G, estimator="gumbel", encoder="mlp", epochs=40, seed=s) for s in (5, 5, 6)]
    assert np.array_equal(runs[0].history, runs[1].history)
    assert np.array_equal(runs[0].soft, runs[1].soft)
    assert np.array_equal(runs[0].labels, runs[1].labels)
    assert not np.array_equal(runs[0].history, runs[2].history)


def test_directed_options_reach_the_flow_and_the_hard_codelength():
    # Three caves of 6, linked both ways: modules at Markov time 1.5 (on
    # _directed_graph() one module codes shorter, where the options change nothing).
    G = nx.DiGraph(nx.connected_caveman_graph(3, 6))
    options = {"recorded_teleportation": True, "markov_time": 1.5}
    res = cluster(G, epochs=60, **options)
    assert res.num_modules == 3
    assert res.codelength == pytest.approx(
        float(infomap_py.codelength(G, res.labels, **options)))
    assert res.codelength != pytest.approx(float(infomap_py.codelength(G, res.labels)))


@pytest.mark.parametrize("encoder", ["mlp", "gcn"])
def test_features_drive_the_encoder(encoder):
    """Features that name two planted groups let the encoder find them."""
    G = nx.barbell_graph(6, 0)
    features = np.repeat(np.eye(2), 6, axis=0)
    res = cluster(G, encoder=encoder, features=features, max_modules=3, epochs=100)
    assert sorted(np.bincount(res.labels).tolist()) == [6, 6]


def test_hybrid_starts_from_infomap_and_seeds_it():
    G = nx.karate_club_graph()
    start = infomap_py.cluster(G, two_level=True)
    res = cluster(G, init="infomap", epochs=30)
    assert res.codelength <= start.codelength + 1e-9
    seeded = seed_infomap(G, res, two_level=True)
    assert seeded.codelength <= res.codelength + 1e-9
    assert seeded.codelength == pytest.approx(
        infomap_py.cluster(G, two_level=True, initial_partition=res.labels).codelength)


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"encoder": "transformer"}, InfomapArgumentError, "encoder must be one of"),
    ({"estimator": "reinforce"}, InfomapArgumentError, "estimator must be one of"),
    ({"init": "louvain"}, InfomapArgumentError, "init must be one of"),
    ({"max_modules": 0}, InfomapArgumentError, "max_modules must be >= 1"),
    ({"epochs": 0}, InfomapArgumentError, "epochs must be >= 1"),
    ({"tau": 0.0}, InfomapArgumentError, "tau must be a finite number > 0"),
    ({"lr": -1.0}, InfomapArgumentError, "lr must be a finite number > 0"),
    ({"seed": -1}, InfomapArgumentError, "seed must be a non-negative integer"),
    ({"features": np.ones((5, 2)), "encoder": "mlp"}, InfomapArgumentError,
     r"one row per node \(4\)"),
    ({"features": np.ones(4), "encoder": "gcn"}, InfomapArgumentError,
     r"one row per node \(4\)"),
    ({"features": np.ones((4, 2))}, InfomapArgumentError, "encoder='logits' has none"),
    ({"device": "nonsense"}, InfomapArgumentError, "device must be a torch device"),
    ({"max_modules": 2.5}, TypeError, "max_modules must be an integer"),
    ({"teleportation": 1.5}, InfomapArgumentError, r"teleportation must be in \(0, 1\)"),
    ({"markov_start": 0.0}, InfomapArgumentError, r"markov_start must be a number in \(0, 1\]"),
    ({"markov_start": (1.0, 1.5)}, InfomapArgumentError, r"in \(0, 1\], got 1.5"),
    ({"markov_start": ()}, InfomapArgumentError, "at least one value"),
    ({"markov_start": "0.1"}, TypeError, "a number or a sequence of numbers, got str"),
    ({"markov_start": (0.5, "x")}, TypeError, r"markov_start must be a number in \(0, 1\], got 'x'"),
    ({"markov_start": True}, TypeError, r"markov_start must be a number in \(0, 1\], got True"),
    ({"markov_start": object()}, TypeError, "a number or a sequence of numbers"),
    ({"skip": 0.5}, InfomapArgumentError, "encoder='logits' has none"),
    ({"skip": 0.5, "encoder": "mlp"}, InfomapArgumentError, "encoder='mlp' has none"),
    ({"skip": -0.5, "encoder": "gcn"}, InfomapArgumentError,
     r"skip must be a number in \[0, inf\), got -0.5"),
    ({"skip": (), "encoder": "gcn"}, InfomapArgumentError, "skip must hold at least one value"),
    ({"skip": "0.5", "encoder": "gcn"}, TypeError, "skip must be a number or a sequence"),
    ({"skip": (0.0, float("nan")), "encoder": "gcn"}, InfomapArgumentError,
     "skip must be a number in"),
    ({"refine": -1}, InfomapArgumentError, "refine must be >= 0, got -1"),
    ({"split_time": 0.0}, InfomapArgumentError, r"split_time must be a number in \(0, 1\]"),
    ({"split_time": (0.5, 1.5)}, InfomapArgumentError,
     r"split_time must be a number in \(0, 1\], got 1.5"),
    ({"split_time": "0.5"}, TypeError, "split_time must be a number or a sequence"),
    ({"refine": 2.5}, TypeError, "refine must be an integer >= 0, got 2.5"),
    ({"refine": True}, TypeError, "refine must be an integer >= 0, got True"),
])
def test_cluster_rejects_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        cluster(nx.path_graph(4), epochs=kwargs.pop("epochs", 2), **kwargs)


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the error without a GPU")
def test_cuda_without_a_gpu_is_a_clear_error():
    with pytest.raises(InfomapArgumentError, match="no CUDA device"):
        cluster(nx.path_graph(4), device="cuda", epochs=2)


def test_draw_memberships_draws_a_pie_per_node_in_several_modules():
    pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt

    G = nx.barbell_graph(4, 0)
    soft = np.zeros((8, 3))
    soft[:4, 0] = soft[4:, 1] = 1.0
    soft[3] = [0.6, 0.3, 0.1]  # three shares above the threshold
    soft[4] = [0.02, 0.98, 0.0]  # one below it: a disc
    res = mapequation.SoftClustering(labels=soft.argmax(axis=1), soft=soft, codelength=1.0,
                                     soft_codelength=1.0, history=np.zeros(1), best_epoch=0)
    ax = mapequation.draw_memberships(G, res, threshold=0.05)
    links, discs, pies = ax.collections
    assert len(links.get_segments()) == G.number_of_edges()
    assert len(discs.get_offsets()) == 7
    assert pies.get_gid() == "network-pies" and len(pies.get_paths()) == 3
    assert np.allclose(pies.get_offsets(), pies.get_offsets()[0])  # all three at node 3
    assert "1 node in several" in ax.get_title()
    plt.close(ax.figure)
    with pytest.raises(InfomapArgumentError, match=r"threshold must be in \(0, 1\)"):
        mapequation.draw_memberships(G, res, threshold=1.5)
    with pytest.raises(InfomapArgumentError, match="result has 8 nodes but G has 5"):
        mapequation.draw_memberships(nx.path_graph(5), res)
    with pytest.raises(TypeError, match="SoftClustering"):
        mapequation.draw_memberships(G, soft)


# --------------------------------------------------------------------------- Markov time


@pytest.mark.parametrize(("scale", "directed"), [(0.3, False), (0.3, True), (1.0, True)])
def test_time_scale_codes_the_walk_at_that_markov_time(scale, directed):
    """The schedule's scale is the engine's Markov time, relative to the flow's."""
    G = (nx.gnp_random_graph(40, 0.12, seed=2, directed=True) if directed
         else nx.karate_club_graph())
    labels = infomap_py.cluster(G, two_level=True, seed=1, directed=directed).labels
    S = torch.nn.functional.one_hot(torch.as_tensor(labels)).to(torch.float64)
    tensors = flow_tensors(infomap_py.compute_flow(G, directed=directed))
    expected = float(infomap_py.codelength(G, labels, markov_time=scale, directed=directed))
    assert mapequation._codelength(S, tensors, scale).item() == pytest.approx(expected, abs=1e-12)


def test_markov_schedule_rises_to_one_by_half_the_epochs():
    schedule = mapequation._MarkovSchedule(0.1, 40, 10)
    scales = []
    for epoch in range(40):
        scales.append(schedule.scale)
        schedule.step(epoch, 0.1)  # uniform memberships: nothing sets
    assert scales[0] == 0.1 and all(b > a for a, b in zip(scales[:20], scales[1:21]))
    assert scales[20] == pytest.approx(1.0) and scales[-1] == 1.0


def test_markov_schedule_holds_while_modules_set_above_the_threshold():
    schedule = mapequation._MarkovSchedule(0.1, 40, 10)
    settling = 0.5  # between uniform (0.1) and SETTLED
    schedule.step(0, settling)  # below HOLD_ABOVE: it rises anyway
    assert schedule.scale > 0.1
    schedule.scale = mapequation.HOLD_ABOVE * 1.01
    for epoch in range(1, 30):
        schedule.step(epoch, settling)
    assert schedule.scale == mapequation.HOLD_ABOVE * 1.01
    schedule.step(29, mapequation.SETTLED)  # set: it rises again
    assert schedule.scale > mapequation.HOLD_ABOVE * 1.01
    held = schedule.scale
    schedule.step(30, settling)  # the last quarter: no more holding
    assert schedule.scale > held


def test_cluster_keeps_the_shorter_of_its_runs():
    G = nx.les_miserables_graph()
    runs = {start: cluster(G, encoder="gcn", epochs=60, seed=3, markov_start=start)
            for start in (1.0, 0.1)}
    kept = min(runs.values(), key=lambda run: run.codelength)
    for starts in ((1.0, 0.1), (0.1, 1.0)):  # the shorter run kept, first or last
        both = cluster(G, encoder="gcn", epochs=60, seed=3, markov_start=starts)
        assert both.codelength == kept.codelength and both.markov_start == kept.markov_start
        assert np.array_equal(both.labels, kept.labels)
    assert runs[1.0].markov_start == 1.0 and runs[0.1].markov_start == 0.1
    assert runs[1.0].codelength != runs[0.1].codelength  # the schedule changes the search


def test_the_skip_weight_separates_groups_the_plain_gcn_merges():
    """An LFR graph (500 nodes, mu 0.3): the plain GCN's convolutions merge
    two groups; with each node's own output added at half weight the GCN
    separates them, codes within 0.02 % of Infomap and finds the groups
    better.  By default cluster() runs both and keeps the skip run here."""
    from sklearn.metrics import normalized_mutual_info_score as nmi

    from benchmarks.graphs import GraphSpec, build

    graph = build(GraphSpec("lfr-500", "lfr", {"nodes": 500, "mu": 0.3, "seed": 2}))
    G = graph.network()
    alone = {"split_time": (), "refine": 0}  # the runs themselves, no split run or refinement
    runs = {skip: cluster(G, encoder="gcn", epochs=150, seed=1, markov_start=1.0, skip=skip,
                          **alone)
            for skip in (0.0, 0.5)}
    assert runs[0.0].skip == 0.0 and runs[0.5].skip == 0.5
    assert runs[0.5].codelength < runs[0.0].codelength
    assert runs[0.5].num_modules > runs[0.0].num_modules
    assert nmi(graph.truth, runs[0.5].labels) > nmi(graph.truth, runs[0.0].labels) + 0.02
    best = infomap_py.cluster(G, two_level=True, trials=5, seed=1).codelength
    assert runs[0.5].codelength < 1.0002 * best
    both = cluster(G, encoder="gcn", epochs=150, seed=1, markov_start=1.0, **alone)
    assert mapequation.DEFAULT_GCN_SKIPS == (0.0, 0.5)
    assert both.skip == 0.5 and both.codelength == runs[0.5].codelength
    assert np.array_equal(both.labels, runs[0.5].labels)
    # only the GCN has a skip weight; the other encoders report none
    assert cluster(G, epochs=5, seed=1, markov_start=1.0).skip == 0.0


def test_refinement_moves_border_nodes_the_gcn_left():
    """An LFR graph (500 nodes, mu 0.35) where the GCN's run leaves nodes
    between groups: rounds of free logits restarted from its partition
    shorten the code and find the planted groups better, and stop once a
    round gains nothing (Infomap's five trials return one module here)."""
    from sklearn.metrics import normalized_mutual_info_score as nmi

    from benchmarks.graphs import GraphSpec, build

    graph = build(GraphSpec("lfr-500", "lfr", {"nodes": 500, "mu": 0.35, "seed": 3}))
    G = graph.network()
    options = {"encoder": "gcn", "epochs": 150, "seed": 1, "markov_start": 1.0, "split_time": ()}
    unrefined = cluster(G, refine=0, **options)
    refined = cluster(G, **options)
    assert unrefined.refine_rounds == 0
    assert 1 <= refined.refine_rounds < mapequation.DEFAULT_REFINE_ROUNDS
    assert refined.codelength < unrefined.codelength - 0.02
    assert nmi(graph.truth, refined.labels) > nmi(graph.truth, unrefined.labels) + 0.03
    # the run itself is the same; its labels are the last round's argmax
    assert refined.best_epoch == unrefined.best_epoch
    assert np.array_equal(refined.history, unrefined.history)
    assert np.array_equal(mapequation.compact_labels(refined.soft.argmax(axis=1)), refined.labels)
    assert refined.codelength == pytest.approx(
        float(infomap_py.codelength(G, refined.labels)), abs=1e-12)
    one = cluster(G, refine=1, **options)
    assert one.refine_rounds == 1
    assert refined.codelength <= one.codelength < unrefined.codelength


def test_the_split_run_merges_small_modules_into_infomaps_partition():
    """An LFR graph (500 nodes, mu 0.35): the runs that rise to the full
    Markov time, refined, stay 0.4 % above Infomap.  The run held at half
    of it splits the graph into small modules, and the refinement merges
    them node by node into a partition as short as Infomap's five trials,
    closer to the planted groups."""
    from sklearn.metrics import normalized_mutual_info_score as nmi

    from benchmarks.graphs import GraphSpec, build

    graph = build(GraphSpec("lfr-500", "lfr", {"nodes": 500, "mu": 0.35, "seed": 1}))
    G = graph.network()
    options = {"encoder": "gcn", "epochs": 150, "seed": 1, "markov_start": 1.0}
    without = cluster(G, split_time=(), **options)
    found = cluster(G, **options)
    assert mapequation.DEFAULT_SPLIT_TIMES == (0.5,)
    assert without.split_time is None
    assert found.split_time == 0.5 and found.markov_start == 1.0 and found.refine_rounds > 0
    assert found.codelength < without.codelength - 0.02
    best = infomap_py.cluster(G, two_level=True, trials=5, seed=1).codelength
    assert found.codelength < best + 1e-6
    assert nmi(graph.truth, found.labels) > nmi(graph.truth, without.labels) + 0.01
    # held at the full time it is the full-time run
    held = cluster(G, split_time=1.0, **options)
    assert held.codelength <= without.codelength


def test_annealing_finds_the_groups_the_full_time_merges():
    """A planted partition with many groups: from the full Markov time the
    GCN leaves groups merged; from a tenth it separates more of them."""
    from benchmarks.generators import planted_partition

    edges, truth = planted_partition(1500, 60, 10.0, 0.1, seed=4)
    G = nx.Graph(edges.tolist())
    found = {start: cluster(G, encoder="gcn", epochs=150, seed=1, max_modules=80,
                            markov_start=start) for start in (1.0, 0.1)}
    assert found[0.1].codelength < found[1.0].codelength
    assert found[0.1].num_modules > found[1.0].num_modules


def test_one_module_is_kept_where_no_partition_found_codes_shorter():
    """A sparse random graph has no modules (Infomap returns one): the
    GCN's best epoch still splits it, so cluster() returns one module, as
    Infomap compares with the one-level codelength, and says so with
    best_epoch = -1."""
    G = nx.gnp_random_graph(200, 0.05, seed=1)
    assert infomap_py.cluster(G, two_level=True, seed=1).num_modules == 1
    one_level = float(infomap_py.codelength(G, np.zeros(200, dtype=int)))
    result = cluster(G, encoder="gcn", epochs=100, seed=1)
    assert result.best_epoch == -1 and result.num_modules == 1
    assert result.codelength == pytest.approx(one_level, abs=1e-12)
    assert result.soft_codelength == pytest.approx(one_level, abs=1e-9)
    assert np.array_equal(result.soft[:, 0], np.ones(200)) and result.soft.sum() == 200
    assert result.history.shape == (100,)
