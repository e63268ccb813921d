"""Clustering points: the neighbour graph, its weightings, the scikit-learn
estimator, the command-line tool's --points and plot.embedding."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

pytest.importorskip("sklearn")

from sklearn.datasets import make_blobs  # noqa: E402
from sklearn.metrics import normalized_mutual_info_score  # noqa: E402
from sklearn.neighbors import kneighbors_graph  # noqa: E402

import infomap_py  # noqa: E402
from infomap_py.cli import main  # noqa: E402
from infomap_py.errors import InfomapArgumentError  # noqa: E402
from infomap_py.io import read_partition  # noqa: E402
from infomap_py.points import (  # noqa: E402
    DEFAULT_MARKOV_TIME,
    DEFAULT_TRIALS,
    DEFAULT_WEIGHTING,
    WEIGHTINGS,
    InfomapClustering,
    cluster_points,
    nearest_neighbors,
    neighbor_weights,
    points_graph,
)


def blobs(n: int = 150, centers: int = 3, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Well-separated Gaussian blobs in 4 dimensions."""
    return make_blobs(n_samples=n, centers=centers, n_features=4, cluster_std=0.6,
                      center_box=(-20, 20), random_state=seed)


def test_the_estimator_passes_check_estimator():
    from sklearn.utils.estimator_checks import check_estimator

    # The checks fit as few as 10 points: n_neighbors must fit them.  The
    # only check skipped is the array API one, which needs SCIPY_ARRAY_API
    # set before SciPy is imported (the estimator does not take array API
    # input).
    results = check_estimator(InfomapClustering(n_neighbors=5), on_skip=None)
    skipped = [r["check_name"] for r in results if r["status"] == "skipped"]
    assert skipped in ([], ["check_array_api_input"])
    assert all(r["status"] in ("passed", "skipped") for r in results)


def test_well_separated_blobs_are_recovered_without_k():
    X, y = blobs(300, centers=4)
    model = InfomapClustering(n_neighbors=10, seed=3).fit(X)
    assert normalized_mutual_info_score(y, model.labels_) >= 0.95
    assert model.n_clusters_ == model.result_.num_modules == len(np.unique(model.labels_))
    assert model.result_.nodes == list(range(300))


def test_a_seed_gives_the_same_labels_and_the_function_agrees_with_the_estimator():
    X, _ = make_blobs(n_samples=200, centers=5, n_features=3, cluster_std=2.0, random_state=1)
    a = cluster_points(X, n_neighbors=8, seed=7)
    b = cluster_points(X, n_neighbors=8, seed=7)
    assert np.array_equal(a.labels, b.labels) and a.codelength == b.codelength
    model = InfomapClustering(n_neighbors=8, seed=7).fit(X)
    assert np.array_equal(model.labels_, a.labels)
    assert model.get_params()["n_neighbors"] == 8
    assert model.set_params(weighting="snn").weighting == "snn"


@pytest.mark.parametrize("weighting", WEIGHTINGS)
def test_every_weighting_gives_a_symmetric_graph_on_the_neighbour_pairs(weighting):
    X, _ = blobs(60)
    indices, distances = nearest_neighbors(X, 5)
    W = neighbor_weights(indices, distances, weighting)
    assert (abs(W - W.T)).sum() == 0 and W.diagonal().sum() == 0
    assert (W.data > 0).all() and (W.data <= 1.0 + 1e-12).all()
    listed = sp.csr_array((np.ones(indices.size), (np.repeat(np.arange(60), 5),
                                                    indices.ravel())), shape=(60, 60))
    union = (listed + listed.T) > 0
    assert ((W > 0) > union).nnz == 0  # only neighbour pairs are linked
    if weighting == "mutual":
        assert ((W > 0) != (listed.multiply(listed.T) > 0)).nnz == 0
    else:
        assert ((W > 0) != union).nnz == 0


def test_snn_weights_are_the_jaccard_index_of_the_neighbour_sets():
    X, _ = blobs(90, centers=4)
    indices, distances = nearest_neighbors(X, 7)
    W = sp.coo_array(neighbor_weights(indices, distances, "snn"))
    sets = [set(row) | {p} for p, row in enumerate(indices.tolist())]
    expected = [len(sets[i] & sets[j]) / len(sets[i] | sets[j]) for i, j in zip(W.row, W.col)]
    assert np.allclose(W.data, expected, rtol=0, atol=1e-15)


def test_umap_weights_sum_to_log2_k_per_point_before_the_union():
    from infomap_py.points import _fuzzy_memberships

    X, _ = blobs(80)
    _, distances = nearest_neighbors(X, 10)
    p = _fuzzy_memberships(distances)
    assert np.allclose(p[:, 0], 1.0)  # the nearest neighbour is fully trusted
    assert np.allclose(p.sum(axis=1), np.log2(11), rtol=1e-6)


def test_the_precomputed_distance_graph_gives_the_features_result():
    X, _ = blobs(90)
    graph = kneighbors_graph(X, 7, mode="distance")
    a = cluster_points(X, n_neighbors=7, seed=2)
    b = cluster_points(graph, n_neighbors=7, metric="precomputed", seed=2)
    assert np.array_equal(a.labels, b.labels) and a.codelength == pytest.approx(b.codelength)
    # A dense distance matrix too, and an affinity graph taken as the weights.
    dense = np.linalg.norm(X[:, None] - X[None], axis=2)
    c = cluster_points(dense, n_neighbors=7, metric="precomputed", seed=2)
    assert np.array_equal(a.labels, c.labels)
    weights = points_graph(X, n_neighbors=7)
    d = cluster_points(weights, metric="precomputed", precomputed="affinity", seed=2)
    assert np.array_equal(a.labels, d.labels)
    model = InfomapClustering(n_neighbors=7, metric="precomputed", seed=2).fit(graph)
    assert np.array_equal(model.labels_, a.labels)


def test_duplicates_and_ties_are_deterministic():
    X, _ = blobs(60)
    X = np.vstack([X, X[:10], X[:10]])  # each of the first ten points three times
    first = cluster_points(X, n_neighbors=5, seed=4)
    assert np.array_equal(first.labels, cluster_points(X, n_neighbors=5, seed=4).labels)
    copies = first.labels.reshape(-1)[[*range(10), *range(60, 70), *range(70, 80)]]
    assert (copies.reshape(3, 10) == copies[:10]).all()  # copies share their module
    # Zero distances: no NaN or infinite weight, and every link is kept.
    for weighting in WEIGHTINGS:
        W = points_graph(X, n_neighbors=5, weighting=weighting)
        assert np.isfinite(W.data).all() and (W.data > 0).all()
    # Ties are broken by index: the nearest of equal distances come first.
    line = np.array([[0.0], [1.0], [-1.0], [2.0], [-2.0]])
    indices, distances = nearest_neighbors(line, 4)
    assert indices[0].tolist() == [1, 2, 3, 4] and distances[0].tolist() == [1, 1, 2, 2]
    # Reordering the rows moves the labels with them (up to their numbering).
    order = np.random.default_rng(0).permutation(X.shape[0])
    moved = cluster_points(X[order], n_neighbors=5, seed=4)
    assert normalized_mutual_info_score(first.labels[order], moved.labels) == pytest.approx(1.0)


def test_ties_at_the_last_neighbour_are_broken_by_index_as_a_full_sort_does():
    # An integer grid: many neighbours at equal distances, computed exactly.
    grid = np.array([[x, y] for x in range(9) for y in range(7)], dtype=float)
    order = np.random.default_rng(1).permutation(len(grid))
    X = grid[order]
    indices, distances = nearest_neighbors(X, 6)
    full = np.sqrt(((X[:, None] - X[None]) ** 2).sum(axis=2))
    for i in range(len(X)):
        others = np.array([j for j in range(len(X)) if j != i])
        expected = others[np.lexsort((others, full[i, others]))][:6]
        assert indices[i].tolist() == expected.tolist()
        assert np.allclose(distances[i], full[i, expected])


def test_all_points_equal_still_cluster():
    result = cluster_points(np.ones((12, 3)), n_neighbors=4)
    assert result.num_nodes == 12 and np.isfinite(result.codelength)


@pytest.mark.parametrize("X, options, needle", [
    ([[0.0, np.nan], [1.0, 1.0], [2.0, 2.0]], {"n_neighbors": 1}, r"X\[0, 1\]"),
    ([[0.0, np.inf], [1.0, 1.0], [2.0, 2.0]], {"n_neighbors": 1}, "NaN or infinite"),
    ([0.0, 1.0, 2.0], {"n_neighbors": 1}, "2-D"),
    ([[0.0], [1.0], [2.0]], {"n_neighbors": 3}, "n_neighbors=3 needs more than 3 points"),
    ([[0.0], [1.0], [2.0]], {"n_neighbors": 0}, "n_neighbors must be >= 1"),
    ([[0.0], [1.0], [2.0]], {"n_neighbors": 1, "metric": "nope"}, "metric must be"),
    ([[0.0], [1.0], [2.0]], {"n_neighbors": 1, "weighting": "nope"}, "weighting must be"),
    ([[0.0], [1.0], [2.0]], {"n_neighbors": 1, "neighbor_search": "nope"}, "neighbor_search"),
    ([[0.0], [1.0], [2.0]], {"n_neighbors": 1, "directed": True}, "directed"),
])
def test_bad_input_names_the_argument(X, options, needle):
    with pytest.raises(InfomapArgumentError, match=needle):
        cluster_points(X, **options)


def test_bad_input_to_the_estimator_is_a_value_error():
    with pytest.raises(ValueError, match="weighting"):
        InfomapClustering(n_neighbors=2, weighting="nope").fit(np.eye(5))
    with pytest.raises(ValueError, match="n_neighbors=9 needs more than 9 points"):
        InfomapClustering(n_neighbors=9).fit(np.eye(5))
    with pytest.raises(TypeError, match="options must be a dict"):
        InfomapClustering(n_neighbors=2, options=[1]).fit(np.eye(5))


def test_the_approximate_search_reads_pynndescents_graph(monkeypatch):
    """pynndescent compiles for minutes in a fresh process, so a stand-in
    gives its answer here: the exact neighbours (the point itself among them,
    not always first), one not found (-1) and a point that lacks itself."""
    import sys
    import types

    X, _ = blobs(40)
    five, five_distances = nearest_neighbors(X, 5, neighbor_search="exact")
    exact, exact_distances = five[:, :4], five_distances[:, :4]
    calls = []

    class NNDescent:
        def __init__(self, data, n_neighbors, metric, random_state, n_jobs, compressed):
            calls.append((n_neighbors, metric, random_state))
            rows = np.arange(len(data))[:, None]
            indices = np.hstack([exact, rows])[:, ::-1].copy()  # itself first
            distances = np.hstack([exact_distances, np.zeros((len(data), 1))])[:, ::-1].copy()
            indices[0, 1], distances[0, 1] = -1, np.inf  # its 4th neighbour not found
            indices[1, 0], distances[1, 0] = five[1, 4], five_distances[1, 4]  # no itself
            self.neighbor_graph = (indices, distances)

    monkeypatch.setitem(sys.modules, "pynndescent", types.SimpleNamespace(NNDescent=NNDescent))
    approx, distances = nearest_neighbors(X, 4, neighbor_search="approximate", seed=9)
    assert calls == [(5, "euclidean", 9)]
    assert np.array_equal(approx[2:], exact[2:]) and np.array_equal(approx[0, :3], exact[0, :3])
    assert approx[0, 3] == 0 and distances[0, 3] == np.inf  # the missing one: no link
    assert np.array_equal(approx[1], exact[1])  # the farthest of a row without itself dropped
    W = neighbor_weights(approx, distances)
    assert np.isfinite(W.data).all() and W.diagonal().sum() == 0


def test_options_reach_cluster():
    X, _ = blobs(60)
    model = InfomapClustering(n_neighbors=5, two_level=False,
                              options={"core_loop_limit": 3}).fit(X)
    assert model.result_.params["core_loop_limit"] == 3
    assert model.result_.params["markov_time"] == DEFAULT_MARKOV_TIME == 2.75


def test_the_defaults_are_the_measured_setting_with_five_trials():
    X, _ = blobs(60)
    model = InfomapClustering(n_neighbors=5).fit(X)
    assert model.get_params()["weighting"] == DEFAULT_WEIGHTING == "snn"
    assert model.get_params()["trials"] == DEFAULT_TRIALS == 5
    assert model.result_.params["trials"] == 5
    graph = points_graph(X, n_neighbors=5, weighting="snn")
    assert np.array_equal(model.labels_, infomap_py.cluster(
        graph, two_level=True, markov_time=2.75, trials=5, seed=123).labels)


def test_options_may_not_repeat_the_estimators_own_parameters():
    X, _ = blobs(60)
    with pytest.raises(InfomapArgumentError, match="'markov_time' is a parameter"):
        InfomapClustering(n_neighbors=5, options={"markov_time": 1.0}).fit(X)


def test_the_command_line_clusters_npy_and_csv_points(tmp_path):
    X, y = blobs(60)
    np.save(tmp_path / "points.npy", X)
    np.savetxt(tmp_path / "points.csv", X, delimiter=",")
    expected = cluster_points(X, n_neighbors=6, seed=5)
    for name in ("points.npy", "points.csv"):
        out = tmp_path / name.replace(".", "_")
        assert main(["--points", str(tmp_path / name), str(out), "--neighbors", "6",
                     "-2", "--clu", "--silent", "-s", "5"]) == 0
        labels = read_partition(out / "points.clu")
        assert sorted(labels) == list(range(60))  # node ids are the row indices
        found = np.array([labels[i] for i in range(60)])
        assert normalized_mutual_info_score(expected.labels, found) == pytest.approx(1.0)
        assert normalized_mutual_info_score(y, found) == pytest.approx(1.0)


def test_the_command_line_takes_the_points_defaults_unless_told(tmp_path):
    import json

    X, _ = blobs(60)
    np.save(tmp_path / "points.npy", X)
    for extra, trials, time in (([], 5, 2.75), (["-N", "2", "--markov-time", "1.5"], 2, 1.5),
                                (["--num-trials=1"], 1, 2.75)):
        summary = tmp_path / "summary.json"
        assert main(["--points", str(tmp_path / "points.npy"), str(tmp_path / "out"),
                     "--neighbors", "6", "-0", "--silent", "--summary-json", str(summary),
                     *extra]) == 0
        report = json.loads(summary.read_text())
        assert report["trials"] == len(report["trial_codelengths"]) == trials
        expected = cluster_points(X, n_neighbors=6, markov_time=time, trials=trials)
        assert report["codelength"] == pytest.approx(expected.codelength, abs=1e-12)


@pytest.mark.parametrize("text, needle", [
    ("x,y\n1,2\n3,4\n", "points.csv:1: expected numbers separated by commas, got 'x' "
                        "(a header line? remove it)"),
    ("1,2\n3,four\n", "points.csv:2: expected numbers separated by commas, got 'four'"),
    ("1,2\n3\n", "points.csv:2: expected 2 values"),
    ("1,2\nnan,4\n", "points.csv:2: a NaN or infinite value"),
    ("\n\n", "points.csv: holds no points"),
])
def test_the_command_line_names_the_file_and_line_of_bad_points(tmp_path, capsys, text,
                                                                 needle):
    (tmp_path / "points.csv").write_text(text)
    assert main(["--points", str(tmp_path / "points.csv"), str(tmp_path / "out")]) == 2
    assert needle in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_the_command_line_refuses_a_missing_file_and_misplaced_options(tmp_path, capsys):
    assert main(["--points", str(tmp_path / "none.npy"), str(tmp_path)]) == 2
    assert "none.npy: no such file" in capsys.readouterr().err
    (tmp_path / "a.npy").write_bytes(b"not numpy")
    assert main(["--points", str(tmp_path / "a.npy"), str(tmp_path)]) == 2
    assert "a.npy: not a NumPy .npy file" in capsys.readouterr().err
    assert main([str(tmp_path / "a.npy"), str(tmp_path), "--neighbors", "3"]) == 2
    assert "argument --neighbors: needs --points" in capsys.readouterr().err
    assert main(["--points", str(tmp_path / "a.npy"), str(tmp_path), "-d"]) == 2
    assert "cannot be combined with --directed" in capsys.readouterr().err
    np.save(tmp_path / "few.npy", np.eye(4))
    assert main(["--points", str(tmp_path / "few.npy"), str(tmp_path)]) == 2
    assert "few.npy: n_neighbors=30 needs more than 30 points" in capsys.readouterr().err
    assert main(["-h"]) == 0
    assert "--points" in capsys.readouterr().out


def test_plot_embedding_returns_the_axes(monkeypatch):
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from infomap_py import plot

    X, _ = blobs(60)
    result = cluster_points(X, n_neighbors=5)
    ax = plot.embedding(X[:, :2], result)
    assert ax.collections[0].get_offsets().shape == (60, 2)
    assert len(ax.texts) == result.num_modules
    with pytest.raises(ValueError, match=r"X2d must have shape \(60, 2\)"):
        plot.embedding(X, result)
    plt.close("all")


def test_import_stays_light_and_the_estimator_is_lazy():
    import subprocess
    import sys

    code = "import sys, infomap_py; print('sklearn' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=120)
    assert done.stdout.split() == ["False"]
    assert infomap_py.cluster_points is cluster_points
    assert infomap_py.InfomapClustering is InfomapClustering
    assert {"cluster_points", "InfomapClustering"} <= set(infomap_py.__all__)
