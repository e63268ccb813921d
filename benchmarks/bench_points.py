"""Clustering points (issue 21): the neighbour graph's weighting, Infomap
beside the usual clusterers, and time and memory as the points grow.

Three parts, each printed as a Markdown table (and saved as JSON under
``--out``):

* ``weighting``: NMI of :func:`infomap_py.cluster_points` (two-level, one
  trial) for every weighting of :data:`infomap_py.points.WEIGHTINGS` and every
  ``n_neighbors`` of ``--neighbors``, on the six sets of :func:`datasets`;
* ``seeds``: NMI over 20 seeds of the search (``--search-seeds``) for the best settings of
  ``weighting`` and the default;
* ``collapse``: how often one search (ours, the official's) ends in a single
  module on breast cancer at the default's Markov time, and five searches;
* ``compare``: NMI and ARI of the default :class:`infomap_py.InfomapClustering`
  beside k-means, agglomerative (Ward) and spectral clustering (each given the
  true number of clusters), DBSCAN and HDBSCAN (scikit-learn's, defaults but
  for DBSCAN's ``eps``, see :func:`compare`), and Leiden (leidenalg, modularity,
  on the same weighted neighbour graph Infomap clusters); also the former
  default (UMAP's weights, Markov time 2, one trial) and Leiden on its graph;
* ``figure``: digits in two dimensions (t-SNE), coloured by Infomap's
  modules and by the true digits (``benchmarks/figures/points_digits.png``);
* ``search``: time and recall of pynndescent against the exact search
  (scikit-learn) on 64-dimensional Gaussian blobs, which set
  :data:`infomap_py.points.APPROXIMATE_ABOVE`;
* ``scale``: seconds and peak memory of the neighbour search and of the
  clustering at growing sizes of 64-dimensional blobs, beside k-means and
  HDBSCAN, each size in a fresh process (peak resident memory of the
  process, less what it held before the step);
* ``scale-figure``: time and memory against the number of points, from the
  rows of ``scale`` runs (``--rows`` JSON files; a later file's row of a
  method and size replaces an earlier one's), in
  ``benchmarks/figures/points_scale.png``.

Run with one thread, on a quiet machine::

    OMP_NUM_THREADS=1 NUMBA_NUM_THREADS=1 python -m benchmarks.bench_points weighting seeds \\
        collapse compare figure --neighbors 10 15 20 30 50 --markov-times 1 1.5 2 2.75 3
    OMP_NUM_THREADS=1 NUMBA_NUM_THREADS=1 python -m benchmarks.bench_points search scale \\
        --sizes 10000 100000 1000000
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def datasets() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The six benchmark sets, as ``{name: (X, labels)}``: scikit-learn's
    digits (raw pixels), iris, wine and breast cancer (each feature
    standardised, as their units differ), six Gaussian blobs in 10
    dimensions that touch (2,000 points, standard deviation 2.5 around
    centres in a box of side 20) and two moons with noise 0.12 (2,000
    points)."""
    from sklearn import datasets as sk
    from sklearn.preprocessing import StandardScaler

    sets = {"digits": sk.load_digits(return_X_y=True)}
    for name, loader in (("iris", sk.load_iris), ("wine", sk.load_wine),
                         ("breast_cancer", sk.load_breast_cancer)):
        X, y = loader(return_X_y=True)
        sets[name] = (StandardScaler().fit_transform(X), y)
    sets["blobs"] = sk.make_blobs(n_samples=2000, centers=6, n_features=10, cluster_std=2.5,
                                  center_box=(-10, 10), random_state=0)
    sets["moons"] = sk.make_moons(n_samples=2000, noise=0.12, random_state=0)
    return {name: (np.asarray(X, dtype=float), np.asarray(y)) for name, (X, y) in sets.items()}


def scores(truth: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """NMI (arithmetic mean, scikit-learn's default) and ARI; DBSCAN's noise
    points (label -1) count as one cluster."""
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    return (float(normalized_mutual_info_score(truth, labels)),
            float(adjusted_rand_score(truth, labels)))


# --- (a) the weighting and n_neighbors --------------------------------------------------

def weighting(neighbors: list[int], markov_times: list[float]) -> dict:
    """NMI, ARI and the number of clusters of every weighting, neighbour count
    and Markov time on every set, as ``{"weighting k markov_time": {set:
    (nmi, ari, clusters)}}``."""
    from infomap_py import cluster
    from infomap_py.points import WEIGHTINGS, points_graph

    table: dict = {}
    for name, (X, y) in datasets().items():
        for w in WEIGHTINGS:
            for k in neighbors:
                graph = points_graph(X, n_neighbors=k, weighting=w)
                for t in markov_times:
                    result = cluster(graph, two_level=True, markov_time=t, seed=1)
                    nmi, ari = scores(y, result.labels)
                    table.setdefault(f"{w} {k} {t:g}", {})[name] = (nmi, ari,
                                                                     result.num_modules)
                    print(f"{name:14s} {w:9s} k={k:3d} t={t:g} NMI {nmi:.3f} ARI {ari:.3f} "
                          f"modules {result.num_modules}", file=sys.stderr, flush=True)
    return table


#: The settings of the seed check, as (weighting, k, Markov time, trials): the
#: best by mean NMI in the weighting table with one trial, the former default
#: (umap, 30, 2) and the default (snn, 30, 2.75, 5 trials) with one trial and
#: with five.
SEED_CHECK = (("snn", 30, 3.0, 1), ("umap", 30, 3.0, 1), ("mutual", 50, 1.5, 1),
              ("snn", 20, 3.0, 1), ("umap", 30, 2.0, 1), ("binary", 15, 2.0, 1),
              ("binary", 30, 1.0, 1), ("snn", 30, 3.0, 5), ("snn", 30, 2.75, 1),
              ("snn", 30, 2.75, 5))


def seeds(seed_list: list[int]) -> str:
    """NMI, mean and standard deviation over the search's seeds, of the
    settings of :data:`SEED_CHECK`, as a Markdown table."""
    from infomap_py import cluster
    from infomap_py.points import points_graph

    sets = datasets()
    lines = ["| weighting | k | Markov time | trials | " + " | ".join(sets)
             + " | mean | lowest |",
             "|---|---:|---:|---:|" + "---:|" * len(sets) + "---:|---:|"]
    for w, k, t, trials in SEED_CHECK:
        cells, means, lowest = [], [], 1.0
        for X, y in sets.values():
            graph = points_graph(X, n_neighbors=k, weighting=w)
            nmis = [scores(y, cluster(graph, two_level=True, markov_time=t, trials=trials,
                                      seed=s).labels)[0]
                    for s in seed_list]
            cells.append(f"{np.mean(nmis):.3f} ± {np.std(nmis):.3f}")
            means.append(np.mean(nmis))
            lowest = min(lowest, min(nmis))
        lines.append(f"| {w} | {k} | {t:g} | {trials} | " + " | ".join(cells)
                     + f" | {np.mean(means):.3f} | {lowest:.3f} |")
        print(lines[-1], file=sys.stderr, flush=True)
    return "\n".join(lines)


def collapse(seed_count: int = 40) -> str:
    """How often one search ends in a single module on breast cancer's
    shared-neighbour graph (30 neighbours) at Markov times 2.75 and 3, for
    infomap-py with one trial and with :data:`~infomap_py.points.DEFAULT_TRIALS`,
    and for the official Infomap with one trial (the oracle, where it is
    installed); seeds 1 .. ``seed_count``.  A Markdown table, with the
    codelengths of one module and of the best partition found."""
    from infomap_py import cluster
    from infomap_py.points import DEFAULT_TRIALS, points_graph

    X, _ = datasets()["breast_cancer"]
    graph = points_graph(X, n_neighbors=30, weighting="snn")
    upper = _links_once(graph)
    lines = ["| Markov time | search | single module | codelength of one module | best found |",
             "|---:|---|---:|---:|---:|"]
    for t in (2.75, 3.0):
        runs = {f"infomap-py, {trials} trial{'s' * (trials > 1)}": [
            cluster(graph, two_level=True, markov_time=t, trials=trials, seed=s)
            for s in range(1, seed_count + 1)] for trials in (1, DEFAULT_TRIALS)}
        found = {name: [(r.num_modules, r.codelength) for r in results]
                 for name, results in runs.items()}
        try:
            import infomap
        except ImportError:
            infomap = None
        if infomap is not None:
            official = []
            for s in range(1, seed_count + 1):
                im = infomap.Infomap(two_level=True, markov_time=t, seed=s, num_trials=1,
                                     silent=True)
                for i, j, w in zip(*upper):
                    im.add_link(int(i), int(j), float(w))
                result = im.run()
                official.append((result.num_top_modules, result.codelength))
            found["official 2.16, 1 trial"] = official
        one = next(c for rows in found.values() for m, c in rows if m == 1)
        best = min(c for rows in found.values() for _, c in rows)
        for name, rows in found.items():
            singles = sum(m == 1 for m, _ in rows)
            lines.append(f"| {t:g} | {name} | {singles} of {len(rows)} | {one:.4f} | "
                         f"{best:.4f} |")
            print(lines[-1], file=sys.stderr, flush=True)
    return "\n".join(lines)


def _links_once(graph) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The links of a symmetric sparse graph once each: rows, columns, weights."""
    import scipy.sparse as sp

    upper = sp.triu(graph, k=1).tocoo()
    return upper.row, upper.col, upper.data


def weighting_markdown(table: dict) -> str:
    """One row per weighting, ``n_neighbors`` and Markov time, one NMI column
    (clusters found) per set, the mean NMI and the worst gap to the best row
    of each set; sorted by the mean."""
    names = list(next(iter(table.values())))
    best = {name: max(row[name][0] for row in table.values()) for name in names}
    lines = ["| weighting | k | Markov time | " + " | ".join(names) + " | mean | worst gap |",
             "|---|---:|---:|" + "---:|" * len(names) + "---:|---:|"]
    rows = sorted(table.items(), key=lambda item: -np.mean([v[0] for v in item[1].values()]))
    for key, row in rows:
        cells = [f"{row[name][0]:.3f} ({row[name][2]})" for name in names]
        mean = np.mean([row[name][0] for name in names])
        gap = max(best[name] - row[name][0] for name in names)
        lines.append(f"| {' | '.join(key.split())} | " + " | ".join(cells)
                     + f" | {mean:.3f} | {gap:.3f} |")
    return "\n".join(lines)


# --- (b) beside other clusterers ---------------------------------------------------------

def _leiden(graph, seed: int) -> np.ndarray:
    """Leiden (modularity, leidenalg) on the weighted graph."""
    import igraph as ig
    import leidenalg

    rows, cols, weights = _links_once(graph)
    g = ig.Graph(n=graph.shape[0], edges=np.column_stack([rows, cols]).tolist())
    part = leidenalg.find_partition(g, leidenalg.ModularityVertexPartition,
                                    weights=weights.tolist(), seed=seed)
    return np.asarray(part.membership)


def _dbscan_eps(X: np.ndarray, min_samples: int) -> float:
    """DBSCAN's ``eps`` by the usual rule: the knee of the sorted distances to
    the ``min_samples``-th neighbour, taken as the point farthest from the
    chord between the curve's ends."""
    from sklearn.neighbors import NearestNeighbors

    d = NearestNeighbors(n_neighbors=min_samples).fit(X).kneighbors(X)[0][:, -1]
    d = np.sort(d)
    x = np.linspace(0.0, 1.0, d.size)
    y = (d - d[0]) / max(d[-1] - d[0], 1e-300)
    return float(d[int(np.argmax(x - y))])


def compare(seed: int = 1) -> dict:
    """NMI, ARI, number of clusters and seconds of every method on every set."""
    from sklearn.cluster import DBSCAN, HDBSCAN, AgglomerativeClustering, KMeans, SpectralClustering

    from infomap_py import InfomapClustering
    from infomap_py.points import DEFAULT_N_NEIGHBORS, points_graph

    table: dict = {}
    for name, (X, y) in datasets().items():
        k = len(np.unique(y))
        methods = {
            "infomap (default, no k)": lambda: InfomapClustering(seed=seed).fit_predict(X),
            "Leiden, same graph (no k)": lambda: _leiden(
                points_graph(X, n_neighbors=DEFAULT_N_NEIGHBORS, seed=seed), seed),
            # The former default, and Leiden on its graph (the best on digits).
            "infomap (umap, time 2, 1 trial; no k)": lambda: InfomapClustering(
                weighting="umap", markov_time=2.0, trials=1, seed=seed).fit_predict(X),
            "Leiden, umap graph (no k)": lambda: _leiden(
                points_graph(X, n_neighbors=DEFAULT_N_NEIGHBORS, weighting="umap", seed=seed),
                seed),
            "k-means (k given)": lambda: KMeans(k, n_init=10, random_state=seed).fit_predict(X),
            "agglomerative ward (k given)": lambda: AgglomerativeClustering(k).fit_predict(X),
            "spectral (k given)": lambda: SpectralClustering(
                k, affinity="nearest_neighbors", n_neighbors=10, random_state=seed,
                assign_labels="cluster_qr").fit_predict(X),
            "DBSCAN (no k)": lambda: DBSCAN(eps=_dbscan_eps(X, 2 * X.shape[1]),
                                            min_samples=2 * X.shape[1]).fit_predict(X),
            "HDBSCAN (no k)": lambda: HDBSCAN(copy=True).fit_predict(X),
        }
        for method, run in methods.items():
            start = time.perf_counter()
            labels = run()
            seconds = time.perf_counter() - start
            nmi, ari = scores(y, labels)
            table.setdefault(name, {})[method] = (nmi, ari, len(np.unique(labels)), seconds)
            print(f"{name:14s} {method:30s} NMI {nmi:.3f} ARI {ari:.3f} "
                  f"clusters {len(np.unique(labels))} {seconds:.2f} s", file=sys.stderr,
                  flush=True)
    return table


def compare_markdown(table: dict) -> str:
    """One row per method; per set NMI / ARI (clusters found)."""
    names = list(table)
    methods = list(next(iter(table.values())))
    sizes = {name: X.shape for name, (X, _) in datasets().items()}
    lines = ["| method | " + " | ".join(f"{n} {sizes[n][0]}×{sizes[n][1]}" for n in names)
             + " |", "|---|" + "---:|" * len(names)]
    for method in methods:
        cells = []
        for name in names:
            nmi, ari, found, _ = table[name][method]
            best = max(v[0] for v in table[name].values())
            mark = "**" if nmi >= best - 0.02 else ""
            cells.append(f"{mark}{nmi:.3f}{mark} / {ari:.3f} ({found})")
        lines.append(f"| {method} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def compare_figure(table: dict, path: Path) -> None:
    """NMI of every method on every set, as grouped bars."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(table)
    methods = list(next(iter(table.values())))
    fig, ax = plt.subplots(figsize=(10, 4))
    width = 0.8 / len(methods)
    for m, method in enumerate(methods):
        values = [table[name][method][0] for name in names]
        ax.bar(np.arange(len(names)) + (m - len(methods) / 2 + 0.5) * width, values, width,
               label=method)
    ax.set_xticks(np.arange(len(names)), names)
    ax.set_ylabel("NMI against the labels")
    ax.set_ylim(0, 1)
    ax.legend(fontsize=7, ncol=4, loc="upper center", bbox_to_anchor=(0.5, -0.1))
    from infomap_py.points import (
        DEFAULT_MARKOV_TIME,
        DEFAULT_N_NEIGHBORS,
        DEFAULT_TRIALS,
        DEFAULT_WEIGHTING,
    )

    ax.set_title(f"Clustering points: Infomap's default ({DEFAULT_WEIGHTING} weights on "
                 f"{DEFAULT_N_NEIGHBORS} neighbours, Markov time {DEFAULT_MARKOV_TIME:g}, "
                 f"{DEFAULT_TRIALS} trials) beside others", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def digits_figure(path: Path, seed: int = 1) -> float:
    """Digits in two dimensions (t-SNE), coloured by the default estimator's
    modules (:func:`infomap_py.plot.embedding`) and by the true digit; return
    the NMI."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.manifold import TSNE

    from infomap_py import InfomapClustering, plot

    X, y = datasets()["digits"]
    model = InfomapClustering(seed=seed).fit(X)
    X2d = TSNE(random_state=0, init="pca").fit_transform(X)
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 6))
    plot.embedding(X2d, model.result_, ax=left)
    nmi = scores(y, model.labels_)[0]
    left.set_title(f"Infomap, 30-NN graph: {model.n_clusters_} modules, NMI {nmi:.3f}")
    right.scatter(X2d[:, 0], X2d[:, 1], s=4, c=y, cmap="tab10", linewidths=0)
    for digit in range(10):
        right.annotate(str(digit), np.median(X2d[y == digit], axis=0), ha="center",
                       fontweight="bold")
    right.set_title("the true digits")
    right.set_xticks([])
    right.set_yticks([])
    fig.suptitle("scikit-learn's digits (1,797 x 64), t-SNE projection")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return nmi


# --- (c) the neighbour search and the scaling ---------------------------------------------

#: The Gaussian centres of :func:`blobs64`.
BLOBS64_CENTRES = 100


def blobs64(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``n`` float32 points in 64 dimensions around :data:`BLOBS64_CENTRES`
    Gaussian centres (standard deviation 1, centres uniform in a box of side
    10)."""
    rng = np.random.default_rng(seed)
    centres = rng.uniform(-5, 5, (BLOBS64_CENTRES, 64)).astype(np.float32)
    truth = rng.integers(0, centres.shape[0], n)
    X = centres[truth] + rng.standard_normal((n, 64), dtype=np.float32)
    return X, truth


def search(sizes: list[int], k: int = 30) -> dict:
    """Seconds of the exact and the approximate search, and pynndescent's
    recall (the share of the exact neighbours it finds); pynndescent's
    kernels are compiled (or loaded from Numba's cache) on 500 points first,
    outside the timings."""
    from infomap_py.points import nearest_neighbors

    start = time.perf_counter()
    nearest_neighbors(blobs64(500)[0], k, neighbor_search="approximate", seed=1)
    print(f"pynndescent's first call (compiling): {time.perf_counter() - start:.1f} s",
          file=sys.stderr, flush=True)
    table = {}
    for n in sizes:
        X, _ = blobs64(n)
        start = time.perf_counter()
        exact, _ = nearest_neighbors(X, k, neighbor_search="exact")
        exact_s = time.perf_counter() - start
        start = time.perf_counter()
        approx, _ = nearest_neighbors(X, k, neighbor_search="approximate", seed=1)
        approx_s = time.perf_counter() - start
        found = [np.intersect1d(a, b).size for a, b in zip(exact, approx, strict=True)]
        recall = np.mean(found) / k
        table[n] = (exact_s, approx_s, float(recall))
        print(f"n={n:8d} exact {exact_s:.2f} s  pynndescent {approx_s:.2f} s  "
              f"recall {recall:.4f}", file=sys.stderr, flush=True)
    return table


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def scale_one(method: str, n: int) -> dict:
    """Run one method at one size in this process; return its seconds (split
    into neighbour search and clustering for Infomap) and peak memory growth."""
    from sklearn.metrics import normalized_mutual_info_score

    X, truth = blobs64(n)
    before = _peak_mb()
    out: dict = {"method": method, "n": n}
    start = time.perf_counter()
    if method == "infomap":
        from infomap_py import cluster
        from infomap_py.points import (
            APPROXIMATE_ABOVE,
            DEFAULT_MARKOV_TIME,
            DEFAULT_TRIALS,
            nearest_neighbors,
            neighbor_weights,
        )

        if n > APPROXIMATE_ABOVE:  # pynndescent compiles on its first call: apart
            nearest_neighbors(X[:1000], 30, neighbor_search="approximate", seed=1)
            out["compile_s"] = time.perf_counter() - start
            start = time.perf_counter()
        indices, distances = nearest_neighbors(X, 30, seed=1)
        graph = neighbor_weights(indices, distances)
        out["neighbors_s"] = time.perf_counter() - start
        out["neighbors_mb"] = _peak_mb() - before
        middle = time.perf_counter()
        labels = cluster(graph, two_level=True, seed=1, markov_time=DEFAULT_MARKOV_TIME,
                         trials=DEFAULT_TRIALS).labels
        out["cluster_s"] = time.perf_counter() - middle
    elif method == "kmeans":
        from sklearn.cluster import KMeans

        labels = KMeans(BLOBS64_CENTRES, n_init=1, random_state=1).fit_predict(X)
    else:
        from sklearn.cluster import HDBSCAN

        labels = HDBSCAN(copy=True).fit_predict(X)
    out["seconds"] = time.perf_counter() - start  # without pynndescent's compile
    out["peak_mb"] = _peak_mb() - before
    out["nmi"] = float(normalized_mutual_info_score(truth, labels))
    return out


def scale(sizes: list[int], methods: list[str], limit_s: float, out: Path,
          hdbscan_limit_s: float) -> list[dict]:
    """Every method at every size (sizes outer), each in a fresh process
    killed after ``limit_s`` seconds; a method that ran out of time is not
    tried at the sizes beyond (HDBSCAN is killed after ``hdbscan_limit_s``).
    The rows so far are saved to ``out`` after every run."""
    rows: list[dict] = []
    for n in sizes:
        for method in methods:
            if any(r["method"] == method and "timed_out_s" in r for r in rows):
                continue
            code = ("import json, sys; from benchmarks.bench_points import scale_one; "
                    f"print(json.dumps(scale_one({method!r}, {n})))")
            start = time.perf_counter()
            try:
                done = subprocess.run([sys.executable, "-c", code], capture_output=True,
                                      text=True, cwd=HERE.parent, check=True,
                                      timeout=hdbscan_limit_s if method == "hdbscan" else limit_s)
            except subprocess.TimeoutExpired:
                rows.append({"method": method, "n": n,
                             "timed_out_s": time.perf_counter() - start})
                print(f"{method} n={n}: over its limit", file=sys.stderr, flush=True)
            else:
                rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
                print(rows[-1], f"load {os.getloadavg()}", file=sys.stderr, flush=True)
            out.write_text(json.dumps(rows))
    return rows


def merged_rows(paths: list[Path]) -> list[dict]:
    """The rows of the ``scale`` JSON files ``paths``, one per method and size:
    a later file's row replaces an earlier one's."""
    rows: dict[tuple[str, int], dict] = {}
    for path in paths:
        for row in json.loads(Path(path).read_text()):
            rows[row["method"], row["n"]] = row
    return [rows[key] for key in sorted(rows, key=lambda key: (key[0], key[1]))]


def scale_figure(rows: list[dict], path: Path) -> None:
    """Seconds (Infomap split into neighbour search and clustering) and peak
    memory against the number of points, log-log; a run stopped at its time
    limit is drawn as an open marker at that limit."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (time_ax, memory_ax) = plt.subplots(1, 2, figsize=(11, 4))
    series = {"Infomap, neighbour search": ("infomap", "neighbors_s", "o-"),
              "Infomap, clustering": ("infomap", "cluster_s", "s-"),
              "Infomap, total": ("infomap", "seconds", "D-"),
              "k-means (given k)": ("kmeans", "seconds", "^-"),
              "HDBSCAN": ("hdbscan", "seconds", "v-")}
    for label, (method, key, style) in series.items():
        done = [(row["n"], row[key]) for row in rows if row["method"] == method and key in row]
        line = None
        if done:
            line, = time_ax.plot(*zip(*done), style, label=label)
        stopped = [(row["n"], row["timed_out_s"]) for row in rows
                   if row["method"] == method and "timed_out_s" in row and key == "seconds"]
        if stopped:
            time_ax.plot(*zip(*stopped), style[0], mfc="none", ms=10,
                         color=line.get_color() if line else None,
                         label=f"{label}: stopped at the limit")
    for method, label, style in (("infomap", "Infomap (search and clustering)", "D-"),
                                 ("kmeans", "k-means", "^-"), ("hdbscan", "HDBSCAN", "v-")):
        done = [(row["n"], row["peak_mb"]) for row in rows
                if row["method"] == method and "peak_mb" in row]
        if done:
            memory_ax.plot(*zip(*done), style, label=label)
    for ax, ylabel in ((time_ax, "seconds"), (memory_ax, "peak memory (MB)")):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("points (64-dimensional blobs)")
        ax.set_ylabel(ylabel)
        ax.legend(fontsize=7)
    time_ax.set_title("time (one thread)", fontsize=10)
    memory_ax.set_title("peak memory", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def scale_markdown(rows: list[dict]) -> str:
    lines = ["| method | points | pynndescent compile s | neighbour search s | clustering s "
             "| total s | peak memory MB | NMI |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        if "timed_out_s" in r:
            lines.append(f"| {r['method']} | {r['n']:,} | | | | over {r['timed_out_s']:.0f} "
                         "| | |")
            continue
        cells = [f"{r[key]:.1f}" if key in r else "" for key in
                 ("compile_s", "neighbors_s", "cluster_s")]
        if r["method"] == "infomap" and "compile_s" not in r:
            cells[0] = "(exact search)"
        lines.append(f"| {r['method']} | {r['n']:,} | {' | '.join(cells)} | {r['seconds']:.1f} "
                     f"| {r['peak_mb']:.0f} | {r['nmi']:.3f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("parts", nargs="+", choices=["weighting", "seeds", "collapse", "compare", "figure",
                                                     "search", "scale", "scale-figure"])
    parser.add_argument("--neighbors", type=int, nargs="+", default=[10, 15, 30, 50])
    parser.add_argument("--markov-times", type=float, nargs="+", default=[1.0, 2.0, 3.0])
    parser.add_argument("--search-seeds", type=int, default=20,
                        help="seeds 1..N of the search in the seeds part")
    parser.add_argument("--search-sizes", type=int, nargs="+",
                        default=[2000, 5000, 10000, 20000, 50000])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--methods", nargs="+", default=["infomap", "kmeans", "hdbscan"])
    parser.add_argument("--limit", type=float, default=1800.0,
                        help="seconds per method and size in the scaling part")
    parser.add_argument("--hdbscan-limit", type=float, default=600.0,
                        help="seconds per size for HDBSCAN in the scaling part")
    parser.add_argument("--out", type=Path, default=Path("/tmp/bench_points"))
    parser.add_argument("--rows", type=Path, nargs="+", default=None,
                        help="scale JSON files for scale-figure (default: OUT/scale.json)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    print(f"load: {os.getloadavg()}", file=sys.stderr)
    if "weighting" in args.parts:
        table = weighting(args.neighbors, args.markov_times)
        (args.out / "weighting.json").write_text(json.dumps(table))
        print(weighting_markdown(table))
    if "seeds" in args.parts:
        print(seeds(list(range(1, args.search_seeds + 1))))
    if "collapse" in args.parts:
        print(collapse())
    if "compare" in args.parts:
        table = compare()
        (args.out / "compare.json").write_text(json.dumps(table))
        print(compare_markdown(table))
        compare_figure(table, HERE / "figures" / "points_nmi.png")
    if "figure" in args.parts:
        nmi = digits_figure(HERE / "figures" / "points_digits.png")
        print(f"digits figure: NMI {nmi:.3f}")
    if "search" in args.parts:
        table = search(args.search_sizes)
        (args.out / "search.json").write_text(json.dumps(table))
        print("| points | exact s | pynndescent s | recall |\n|---:|---:|---:|---:|")
        for n, (e, a, r) in table.items():
            print(f"| {n:,} | {e:.2f} | {a:.2f} | {r:.4f} |")
    if "scale" in args.parts:
        rows = scale(args.sizes, args.methods, args.limit, args.out / "scale.json",
                     args.hdbscan_limit)
        print(scale_markdown(rows))
    if "scale-figure" in args.parts:
        rows = merged_rows(args.rows or [args.out / "scale.json"])
        scale_figure(rows, HERE / "figures" / "points_scale.png")
        print(scale_markdown(rows))
    print(f"load: {os.getloadavg()}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
