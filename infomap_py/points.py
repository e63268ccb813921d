"""Clustering points: a table of features -> a neighbour graph -> Infomap.

Most data that people want clustered is not a network but a table of
points (features, embeddings, cells).  The map equation on a k-nearest-
neighbour graph of the points finds the number of clusters by itself.  This
module builds that graph and hands it to :func:`infomap_py.cluster`:

1. :func:`nearest_neighbors`: every point's ``n_neighbors`` nearest other
   points, exactly (scikit-learn's ``NearestNeighbors``) up to
   :data:`APPROXIMATE_ABOVE` points and approximately (pynndescent) beyond;
2. :func:`neighbor_weights`: the undirected, weighted graph of those
   neighbours under one of :data:`WEIGHTINGS`;
3. :func:`cluster_points`, and the scikit-learn estimator
   :class:`InfomapClustering`: the two steps, then :func:`~infomap_py.cluster`.

scikit-learn (and, for large inputs, pynndescent) comes with the ``points``
extra: ``pip install 'infomap-py[points]'``.  This module imports
scikit-learn as it is imported itself; ``import infomap_py`` does not import
this module until :func:`cluster_points` or :class:`InfomapClustering` is
first used.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from ._core.neighbors import shared_neighbor_counts
from ._validate import check_count
from .api import cluster
from .errors import InfomapArgumentError
from .result import InfomapResult

try:
    from sklearn.base import BaseEstimator, ClusterMixin
except ImportError as err:  # pragma: no cover - scikit-learn is in the test extra
    raise ImportError("clustering points needs scikit-learn: "
                      "pip install 'infomap-py[points]'") from err

__all__ = ["APPROXIMATE_ABOVE", "WEIGHTINGS", "InfomapClustering", "cluster_points",
           "nearest_neighbors", "neighbor_weights"]

#: The edge weightings of the neighbour graph (see :func:`neighbor_weights`).
WEIGHTINGS = ("umap", "binary", "mutual", "gaussian", "snn")

#: The default weighting, neighbour count, Markov time and trials, chosen by
#: the comparison in ``benchmarks/bench_points.py`` (benchmarks/RESULTS.md,
#: issue 21): over the six sets, shared-nearest-neighbour weights on 30
#: neighbours at Markov time 2.75 were the best or within 0.02 NMI of the best
#: of the other methods on five (all but two moons), and varied least over 20
#: seeds of the search.  At Markov time 1 a neighbour graph splits into many
#: small modules (a walker on a graph with no bottlenecks still codes short
#: local moves cheaply); at 2.75 the codelengths of one, two and three modules lie close
#: on some sets, and one trial fell to a single module on breast cancer 11
#: times in 40 (the official Infomap alike), where 5 trials did not once.
DEFAULT_WEIGHTING = "snn"
DEFAULT_N_NEIGHBORS = 30
DEFAULT_MARKOV_TIME = 2.75
DEFAULT_TRIALS = 5

#: Above this many points the neighbours are found approximately, with
#: pynndescent (``neighbor_search="auto"``).  Measured in
#: ``benchmarks/bench_points.py`` (30 neighbours, 64 dimensions, one thread):
#: the exact search grows as the square of the points (6 s at 20,000, 37 s at
#: 50,000, 140 s at 100,000), pynndescent about linearly (1.2 s, 3.9 s, 10 s;
#: recall 0.996 or more), but a fresh process first spends about 40 s
#: compiling pynndescent's kernels; counting that, the two break even near
#: 55,000 points.
APPROXIMATE_ABOVE = 50_000

#: The neighbour searches: ``"auto"`` chooses by :data:`APPROXIMATE_ABOVE`.
NEIGHBOR_SEARCHES = ("auto", "exact", "approximate")

#: What a ``metric="precomputed"`` sparse matrix holds.
PRECOMPUTED_KINDS = ("distance", "affinity")


# --- Checks ------------------------------------------------------------------------------

def _check_name(name: str, value: Any, choices: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in choices:
        raise InfomapArgumentError(f"{name} must be one of {', '.join(map(repr, choices))}, "
                                   f"got {value!r}")
    return value


def _check_metric(metric: Any) -> str:
    """Return ``metric`` if scikit-learn's neighbour search knows it (or it is
    ``"precomputed"``)."""
    from sklearn.neighbors import VALID_METRICS

    known = set(VALID_METRICS["brute"]) | set(VALID_METRICS["ball_tree"]) | {"precomputed"}
    if not isinstance(metric, str) or metric not in known:
        raise InfomapArgumentError(
            f"metric must be 'precomputed' or a metric name of scikit-learn's "
            f"NearestNeighbors (such as 'euclidean', 'cosine', 'manhattan'), got {metric!r}")
    return metric


def check_points(X: Any) -> np.ndarray:
    """Return ``X`` as a C-contiguous float64 array of shape ``(n_points,
    n_features)``, or raise an error that names ``X``.

    Raises
    ------
    InfomapArgumentError
        For complex values, an array that is not two-dimensional, no points or
        no features, or a NaN or infinite value (naming its row and column).
    TypeError
        For values that are not numbers.
    """
    if sp.issparse(X):
        raise TypeError("X must be a dense array of points; a sparse matrix is taken "
                        "only with metric='precomputed'")
    array = np.asarray(X)
    if array.dtype.kind == "c":
        raise InfomapArgumentError("X: Complex data not supported; pass real features")
    if array.dtype.kind not in "biuf":
        try:
            array = array.astype(np.float64)
        except (TypeError, ValueError) as err:
            raise TypeError(f"X must hold numbers: {err}") from None
    if array.ndim != 2:
        raise InfomapArgumentError(f"X must be a 2-D array (points x features), got "
                                   f"{array.ndim}-D of shape {array.shape}; for one feature "
                                   f"use X.reshape(-1, 1)")
    if array.shape[0] == 0 or array.shape[1] == 0:
        raise InfomapArgumentError(f"X must hold at least one point and one feature, got "
                                   f"shape {array.shape}")
    array = np.ascontiguousarray(array, dtype=np.float64)
    bad = ~np.isfinite(array)
    if bad.any():
        row, col = np.argwhere(bad)[0]
        raise InfomapArgumentError(f"X holds NaN or infinite values: X[{row}, {col}] = "
                                   f"{array[row, col]}")
    return array


def _check_enough_points(n_points: int, n_neighbors: int) -> None:
    if n_points < 2:
        raise InfomapArgumentError(f"X has n_samples={n_points}: clustering needs at least "
                                   f"2 points")
    if n_neighbors >= n_points:
        raise InfomapArgumentError(f"n_neighbors={n_neighbors} needs more than {n_neighbors} "
                                   f"points, got {n_points}; pass n_neighbors <= "
                                   f"{n_points - 1}")


# --- Neighbours --------------------------------------------------------------------------

def _order_rows(indices: np.ndarray, distances: np.ndarray, n_neighbors: int
                ) -> tuple[np.ndarray, np.ndarray]:
    """Sort each row by distance and, among equal distances, by index, with
    the point itself moved last as missing (itself at an infinite distance);
    keep ``n_neighbors`` columns.  A row without the point itself (many
    duplicates at distance 0) so loses its farthest neighbour; a neighbour
    that was not found stays missing, which :func:`neighbor_weights` skips."""
    rows = np.broadcast_to(np.arange(indices.shape[0])[:, None], indices.shape)
    missing = (indices == rows) | (indices < 0) | ~np.isfinite(distances)
    indices = np.where(missing, rows, indices)
    distances = np.where(missing, np.inf, distances)
    order = np.lexsort((indices, distances), axis=1)[:, :n_neighbors]
    return (np.take_along_axis(indices, order, axis=1),
            np.take_along_axis(distances, order, axis=1))


def nearest_neighbors(X: Any, n_neighbors: int = DEFAULT_N_NEIGHBORS, metric: str = "euclidean",
                      *, neighbor_search: str = "auto", seed: int = 123
                      ) -> tuple[np.ndarray, np.ndarray]:
    """Return every point's ``n_neighbors`` nearest other points.

    Parameters
    ----------
    X : array_like of shape (n_points, n_features)
        The points.
    n_neighbors : int
        Neighbours per point, from 1 to ``n_points - 1``.
    metric : str
        A metric of scikit-learn's ``NearestNeighbors`` (and of pynndescent,
        for the approximate search): ``"euclidean"``, ``"cosine"``, ...
    neighbor_search : {"auto", "exact", "approximate"}
        ``"exact"``: scikit-learn's ``NearestNeighbors``; ``"approximate"``:
        pynndescent's ``NNDescent`` (seeded by ``seed``); ``"auto"``: exact up
        to :data:`APPROXIMATE_ABOVE` points, approximate beyond.
    seed : int
        Seed of the approximate search.

    Returns
    -------
    indices : numpy.ndarray of int64, shape (n_points, n_neighbors)
        Row ``i``: the neighbours of point ``i``, nearest first; equal
        distances in increasing index.  A point is never its own neighbour,
        but an exact duplicate of it (at distance 0) may be.
    distances : numpy.ndarray of float64, shape (n_points, n_neighbors)
        Their distances.

    Examples
    --------
    >>> from infomap_py.points import nearest_neighbors
    >>> indices, distances = nearest_neighbors([[0.0], [1.0], [3.0], [3.0]], 2)
    >>> indices.tolist()
    [[1, 2], [0, 2], [3, 1], [2, 1]]
    >>> distances.tolist()
    [[1.0, 3.0], [1.0, 2.0], [0.0, 2.0], [0.0, 2.0]]
    """
    X = check_points(X)
    n_neighbors = check_count("n_neighbors", n_neighbors)
    metric = _check_metric(metric)
    if metric == "precomputed":
        raise InfomapArgumentError("metric='precomputed' takes a graph: call "
                                   "cluster_points(graph, metric='precomputed')")
    neighbor_search = _check_name("neighbor_search", neighbor_search, NEIGHBOR_SEARCHES)
    n = X.shape[0]
    _check_enough_points(n, n_neighbors)
    # One more than asked, for the point itself.
    found = min(n, n_neighbors + 1)
    if neighbor_search == "approximate" or (neighbor_search == "auto" and n > APPROXIMATE_ABOVE):
        indices, distances = _approximate(X, found, metric, seed)
        return _order_rows(np.asarray(indices, dtype=np.int64),
                           np.asarray(distances, dtype=np.float64), n_neighbors)
    return _exact(X, n_neighbors, metric)


def _exact(X: np.ndarray, n_neighbors: int, metric: str) -> tuple[np.ndarray, np.ndarray]:
    """The exact neighbours, with every tie at the last one kept seen.

    Where the last neighbour kept is as far as the farthest one the search
    returned, others at that distance may have been left out in the search's
    own order (which changes with its number of threads): such rows are
    searched again with twice as many neighbours until the tie is seen
    whole, so that :func:`_order_rows` keeps the lowest indices."""
    from sklearn.neighbors import NearestNeighbors

    n = X.shape[0]
    search = NearestNeighbors(metric=metric).fit(X)
    found = min(n, n_neighbors + 1)
    distances, indices = search.kneighbors(X, found)
    indices, distances = np.asarray(indices, dtype=np.int64), np.asarray(distances, dtype=float)
    kept_i, kept_d = _order_rows(indices, distances, n_neighbors)
    rows = np.flatnonzero(kept_d[:, -1] >= distances[:, -1])
    while rows.size and found < n:
        found = min(n, 2 * found)
        distances, indices = search.kneighbors(X[rows], found)
        distances = np.asarray(distances, dtype=float)
        kept_i[rows], kept_d[rows] = _order_rows(np.asarray(indices, dtype=np.int64),
                                                 distances, n_neighbors)
        rows = rows[kept_d[rows, -1] >= distances[:, -1]]
    return kept_i, kept_d


def _approximate(X: np.ndarray, found: int, metric: str, seed: int
                 ) -> tuple[np.ndarray, np.ndarray]:
    """The ``found`` approximate nearest neighbours of every point (itself
    among them, as a rule), from pynndescent."""
    try:
        from pynndescent import NNDescent
    except ImportError as err:
        raise ImportError("the approximate neighbour search needs pynndescent: pip install "
                          "'infomap-py[points]', or pass neighbor_search='exact'") from err
    index = NNDescent(X, n_neighbors=found, metric=metric, random_state=seed,
                      n_jobs=1, compressed=True)
    return index.neighbor_graph  # a neighbour not found: index -1, infinite distance


# --- Edge weights ------------------------------------------------------------------------

def neighbor_weights(indices: np.ndarray, distances: np.ndarray,
                     weighting: str = DEFAULT_WEIGHTING) -> Any:
    r"""Return the undirected neighbour graph as a symmetric sparse matrix.

    Parameters
    ----------
    indices, distances : numpy.ndarray of shape (n_points, k)
        Every point's neighbours, nearest first, as :func:`nearest_neighbors`
        returns them.
    weighting : {"umap", "binary", "mutual", "gaussian", "snn"}
        The weight of a link between points :math:`i` and :math:`j`:

        * ``"umap"``: UMAP's fuzzy union.  Point :math:`i`
          trusts neighbour :math:`j` with :math:`p_{j|i} = \exp(-(d_{ij} -
          \rho_i) / \sigma_i)`, where :math:`\rho_i` is the distance to its
          nearest neighbour at a positive distance and :math:`\sigma_i` is set
          so that :math:`\sum_j p_{j|i} = \log_2(k + 1)`; the link weighs
          :math:`p_{j|i} + p_{i|j} - p_{j|i} p_{i|j}`.
        * ``"binary"``: 1 where :math:`j` is a neighbour of :math:`i` or
          :math:`i` of :math:`j`.
        * ``"mutual"``: 1 where each is a neighbour of the other (a point
          without a mutual neighbour stays alone).
        * ``"gaussian"``: :math:`\exp(-d_{ij}^2 / (\sigma_i \sigma_j))` on the
          links of ``"binary"``, with the local scale :math:`\sigma_i` the
          distance to the 7th neighbour (or the k-th, where :math:`k < 7`),
          as in self-tuning spectral clustering.
        * ``"snn"`` (the default of :func:`cluster_points`): shared nearest
          neighbours, the Jaccard index of the two points' neighbour sets
          (each holding the point itself), on the links of ``"binary"``, as
          PhenoGraph weights them.

    Returns
    -------
    scipy.sparse.csr_array
        The symmetric weight matrix, with no self-links.

    Examples
    --------
    >>> import numpy as np
    >>> from infomap_py.points import neighbor_weights
    >>> indices = np.array([[1], [0], [1]])
    >>> neighbor_weights(indices, np.ones((3, 1)), "binary").toarray().tolist()
    [[0.0, 1.0, 0.0], [1.0, 0.0, 1.0], [0.0, 1.0, 0.0]]
    >>> neighbor_weights(indices, np.ones((3, 1)), "mutual").toarray().tolist()
    [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
    """
    weighting = _check_name("weighting", weighting, WEIGHTINGS)
    indices = np.asarray(indices, dtype=np.int64)
    distances = np.asarray(distances, dtype=np.float64)
    n, k = indices.shape
    rows = np.repeat(np.arange(n), k)
    cols = indices.ravel()
    found = (cols != rows) & np.isfinite(distances.ravel())
    directed = sp.csr_array((np.ones(int(found.sum())), (rows[found], cols[found])),
                            shape=(n, n))
    directed.sum_duplicates()
    directed.data[:] = 1.0
    if weighting == "binary":
        return _symmetric(directed.maximum(directed.T))
    if weighting == "mutual":
        return _symmetric(directed.minimum(directed.T))
    if weighting == "umap":
        p = _fuzzy_memberships(distances)
        one_way = sp.csr_array((p.ravel()[found], (rows[found], cols[found])), shape=(n, n))
        one_way.sum_duplicates()
        return _symmetric(one_way + one_way.T - one_way.multiply(one_way.T))
    union = sp.coo_array(directed.maximum(directed.T))
    i, j = union.row, union.col
    if weighting == "gaussian":
        scale = distances[:, min(k, 7) - 1].copy()
        positive = distances[distances > 0]
        floor = positive.min() if positive.size else 1.0
        scale[~(scale > 0)] = floor  # a point with 7 duplicates
        # The pairs of the union need their distance in either direction.
        pair_distance = _pair_distances(indices, distances, i, j)
        weights = np.exp(-pair_distance ** 2 / (scale[i] * scale[j]))
        weights = np.maximum(weights, np.finfo(float).tiny)  # keep every link
    else:  # snn, on each pair once
        upper = i < j
        i, j = i[upper], j[upper]
        members = sp.csr_array(directed + sp.eye_array(n, format="csr"))
        members.sort_indices()
        counts = shared_neighbor_counts(members.indptr.astype(np.int64),
                                        members.indices.astype(np.int64),
                                        i.astype(np.int64), j.astype(np.int64))
        sizes = np.diff(members.indptr)
        weights = counts / (sizes[i] + sizes[j] - counts)  # the Jaccard index
    return _symmetric(sp.csr_array((weights, (i, j)), shape=(n, n)))


def _symmetric(matrix: Any) -> Any:
    """``matrix`` as a CSR array that is exactly symmetric, with no self-links
    and no stored zeros."""
    upper = sp.triu(sp.csr_array(matrix), k=1, format="csr")
    upper.eliminate_zeros()
    return (upper + upper.T).tocsr()


def _pair_distances(indices: np.ndarray, distances: np.ndarray, i: np.ndarray,
                    j: np.ndarray) -> np.ndarray:
    """The distance between points ``i[t]`` and ``j[t]``, read from the row of
    whichever of the two lists the other (the smaller, if both)."""
    n, k = indices.shape
    rows = np.repeat(np.arange(n), k)
    table = sp.csr_array((distances.ravel() + 1.0, (rows, indices.ravel())), shape=(n, n))
    table.sum_duplicates()
    # +1 keeps zero distances stored; a pair listed one way only reads 0 the
    # other way, so the larger of the two is the one listed.
    either = table.maximum(table.T)
    return np.asarray(either[i, j]).ravel() - 1.0


def _fuzzy_memberships(distances: np.ndarray, iterations: int = 64) -> np.ndarray:
    r"""UMAP's one-way memberships :math:`p_{j|i}` of every point's neighbours
    (see :func:`neighbor_weights`), with :math:`\sigma_i` found by bisection
    for all points at once."""
    n, k = distances.shape
    finite = np.isfinite(distances)
    d = np.where(finite, distances, 0.0)
    positive = np.where(finite & (d > 0), d, np.inf)
    rho = positive.min(axis=1)
    rho[~np.isfinite(rho)] = 0.0  # every neighbour at distance 0
    target = np.log2(k + 1)  # UMAP counts the point itself among its k + 1
    excess = np.maximum(d - rho[:, None], 0.0)
    low, high = np.zeros(n), np.full(n, np.inf)
    sigma = np.ones(n)
    for _ in range(iterations):
        total = np.where(finite, np.exp(-excess / sigma[:, None]), 0.0).sum(axis=1)
        too_many = total > target
        high = np.where(too_many, sigma, high)
        low = np.where(too_many, low, sigma)
        sigma = np.where(np.isfinite(high), (low + high) / 2.0, sigma * 2.0)
    # A floor on sigma, as UMAP's: a thousandth of the mean distance of the
    # row (of all rows, where the point has no positive distance).
    mean_all = d[finite].mean() if finite.any() else 1.0
    row_mean = np.where(finite, d, 0.0).sum(axis=1) / np.maximum(finite.sum(axis=1), 1)
    floor = 1e-3 * np.where(rho > 0, row_mean, mean_all)
    sigma = np.maximum(sigma, np.maximum(floor, np.finfo(float).tiny))
    p = np.exp(-excess / sigma[:, None])
    return np.where(finite, p, 0.0)


def _precomputed_graph(graph: Any, n_neighbors: int, weighting: str, kind: str) -> Any:
    """The symmetric weight matrix of a ``metric="precomputed"`` graph."""
    kind = _check_name("precomputed", kind, PRECOMPUTED_KINDS)
    if not sp.issparse(graph):
        array = np.asarray(graph)
        if array.ndim != 2 or array.shape[0] != array.shape[1]:
            raise InfomapArgumentError(f"metric='precomputed' needs a square matrix of "
                                       f"distances or affinities, got shape {array.shape}")
        graph = array
    if graph.shape[0] != graph.shape[1]:
        raise InfomapArgumentError(f"metric='precomputed' needs a square matrix of distances "
                                   f"or affinities, got shape {graph.shape}")
    if graph.dtype.kind not in "biuf":
        raise TypeError(f"a precomputed graph must hold real numbers, got dtype {graph.dtype}")
    n = graph.shape[0]
    if kind == "affinity":
        matrix = sp.csr_array(graph, dtype=np.float64)
        values = matrix.data
        if not np.all(np.isfinite(values)) or (values < 0).any():
            raise InfomapArgumentError("a precomputed affinity graph must hold finite "
                                       "weights >= 0")
        _check_enough_points(n, 1)
        # A link given in one direction or both: the larger weight.
        return _symmetric(matrix.maximum(matrix.T))
    _check_enough_points(n, n_neighbors)
    if sp.issparse(graph):
        matrix = sp.csr_array(graph, dtype=np.float64)
        matrix.sum_duplicates()
        matrix.sort_indices()
        if not np.all(np.isfinite(matrix.data)) or (matrix.data < 0).any():
            raise InfomapArgumentError("a precomputed distance graph must hold finite "
                                       "distances >= 0")
        indices, distances = _sparse_rows(matrix, n_neighbors)
    else:
        dense = np.asarray(graph, dtype=np.float64)
        if not np.all(np.isfinite(dense)) or (dense < 0).any():
            raise InfomapArgumentError("a precomputed distance matrix must hold finite "
                                       "distances >= 0")
        dense = dense.copy()
        np.fill_diagonal(dense, np.inf)
        indices = np.argsort(dense, axis=1, kind="stable")[:, :n_neighbors]
        distances = np.take_along_axis(dense, indices, axis=1)
    return neighbor_weights(indices, distances, weighting)


def _sparse_rows(matrix: Any, n_neighbors: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``n_neighbors`` nearest stored entries of every row of a sparse
    distance graph (stored zeros count: they are duplicates), nearest first
    and equal distances in index order; a row with fewer is padded with
    missing neighbours (infinite distance)."""
    n = matrix.shape[0]
    indices = np.zeros((n, n_neighbors), dtype=np.int64)
    distances = np.full((n, n_neighbors), np.inf)
    indptr, cols, data = matrix.indptr, matrix.indices, matrix.data
    for row in range(n):
        start, stop = indptr[row], indptr[row + 1]
        c, d = cols[start:stop], data[start:stop]
        others = c != row
        c, d = c[others], d[others]
        order = np.lexsort((c, d))[:n_neighbors]
        indices[row, :order.size] = c[order]
        indices[row, order.size:] = row
        distances[row, :order.size] = d[order]
    return indices, distances


# --- The front doors ---------------------------------------------------------------------

def points_graph(X: Any, *, n_neighbors: int = DEFAULT_N_NEIGHBORS, metric: str = "euclidean",
                 weighting: str = DEFAULT_WEIGHTING, neighbor_search: str = "auto",
                 precomputed: str = "distance", seed: int = 123) -> Any:
    """Return the weighted neighbour graph that :func:`cluster_points`
    clusters, as a symmetric ``scipy.sparse.csr_array``.  The arguments are
    those of :func:`cluster_points`."""
    n_neighbors = check_count("n_neighbors", n_neighbors)
    weighting = _check_name("weighting", weighting, WEIGHTINGS)
    metric = _check_metric(metric)
    if metric == "precomputed":
        return _precomputed_graph(X, n_neighbors, weighting, precomputed)
    indices, distances = nearest_neighbors(X, n_neighbors, metric,
                                           neighbor_search=neighbor_search, seed=seed)
    return neighbor_weights(indices, distances, weighting)


def cluster_points(X: Any, *, n_neighbors: int = DEFAULT_N_NEIGHBORS, metric: str = "euclidean",
                   weighting: str = DEFAULT_WEIGHTING, markov_time: float = DEFAULT_MARKOV_TIME,
                   two_level: bool = True, trials: int = DEFAULT_TRIALS, seed: int = 123,
                   neighbor_search: str = "auto", precomputed: str = "distance",
                   **options: Any) -> InfomapResult:
    """Cluster points with the map equation on their nearest-neighbour graph.

    Each point is linked to its ``n_neighbors`` nearest points, the links are
    weighted (``weighting``) and made undirected, and
    :func:`infomap_py.cluster` finds the modules: the number of clusters is
    not given, it is found.

    Parameters
    ----------
    X : array_like of shape (n_points, n_features), or a square matrix
        The points; with ``metric="precomputed"``, a square matrix (scipy
        sparse, or dense) of distances or affinities between them (see
        ``precomputed``).
    n_neighbors : int
        Neighbours per point (default 30, from 1 to ``n_points - 1``).
    metric : str
        ``"euclidean"`` (the default), ``"cosine"`` (for embeddings), any
        other metric of scikit-learn's ``NearestNeighbors``, or
        ``"precomputed"``.
    weighting : {"snn", "umap", "binary", "mutual", "gaussian"}
        How the links are weighted (see
        :func:`~infomap_py.points.neighbor_weights`); the default, shared
        nearest neighbours, did best over the benchmark sets of
        ``benchmarks/bench_points.py``.
    markov_time : float
        The Markov time of the map equation (default 2.75, where
        :func:`infomap_py.cluster`'s is 1): longer times give fewer, larger
        clusters.  On a neighbour graph, time 1 splits the clusters found at
        longer times into many small ones (see ``benchmarks/RESULTS.md``).
    two_level : bool
        Modules of points (the default), or a module tree.
    trials : int
        Independent searches, the shortest codelength kept (default 5, where
        :func:`infomap_py.cluster`'s is 1: at the default Markov time one
        search may end in a single module; pass 1 for speed on large inputs).
    seed : int
        As :func:`infomap_py.cluster`; it also seeds the approximate
        neighbour search.
    neighbor_search : {"auto", "exact", "approximate"}
        Exact neighbours (scikit-learn) or approximate (pynndescent);
        ``"auto"``: exact up to 50,000 points
        (:data:`~infomap_py.points.APPROXIMATE_ABOVE`).
    precomputed : {"distance", "affinity"}
        With ``metric="precomputed"``: what ``X`` holds.  ``"distance"``
        (scikit-learn's convention, as ``kneighbors_graph(mode="distance")``
        gives): every row's ``n_neighbors`` smallest stored entries are the
        point's neighbours (a stored 0 is a duplicate; an entry not stored is
        no neighbour) and are weighted by ``weighting``.  ``"affinity"``: the
        stored entries are the link weights (a link stored one way only, or
        unequal both ways, weighs the larger), and ``n_neighbors`` and
        ``weighting`` are not used.
    **options
        Any other keyword of :func:`infomap_py.cluster` (``markov_time``,
        ``num_trials``, ...).

    Returns
    -------
    InfomapResult
        Its nodes are the row indices ``0 .. n_points - 1``; ``labels`` the
        cluster of every point, ``0, 1, ...`` by decreasing flow.

    Raises
    ------
    InfomapArgumentError
        For ``X`` with NaN or infinite values, not two-dimensional, with
        fewer than ``n_neighbors + 1`` points, ``n_neighbors < 1``, or an
        unknown ``metric``, ``weighting``, ``neighbor_search`` or
        ``precomputed``; the message names the argument.

    Examples
    --------
    >>> import numpy as np
    >>> from infomap_py import cluster_points
    >>> rng = np.random.default_rng(0)
    >>> X = np.vstack([rng.normal(0, 1, (30, 2)), rng.normal(10, 1, (30, 2))])
    >>> result = cluster_points(X, n_neighbors=15)
    >>> result.num_modules, result.labels[:3].tolist(), result.labels[-3:].tolist()
    (2, [0, 0, 0], [1, 1, 1])
    """
    if "directed" in options:
        raise InfomapArgumentError("directed does not apply to points: their neighbour "
                                   "graph is undirected")
    graph = points_graph(X, n_neighbors=n_neighbors, metric=metric, weighting=weighting,
                         neighbor_search=neighbor_search, precomputed=precomputed, seed=seed)
    return cluster(graph, two_level=two_level, trials=trials, seed=seed,
                   markov_time=markov_time, **options)


class InfomapClustering(ClusterMixin, BaseEstimator):
    """Infomap on the nearest-neighbour graph of points, as a scikit-learn
    clusterer.

    The parameters are those of :func:`~infomap_py.cluster_points`;
    ``options`` is a dict of any other keyword of :func:`infomap_py.cluster`
    (scikit-learn estimators take no ``**kwargs``).

    Parameters
    ----------
    n_neighbors : int
        Neighbours per point (default 30).
    metric : str
        A metric of scikit-learn's ``NearestNeighbors``, or ``"precomputed"``.
    weighting : {"snn", "umap", "binary", "mutual", "gaussian"}
        The link weights (default ``"snn"``).
    markov_time : float
        The Markov time (default 2.75).
    two_level : bool
        Modules of points (default), or a tree (``labels_`` are then its top
        modules).
    trials : int
        Independent searches; the shortest codelength wins (default 5).
    seed : int
        Seed of the search (and of the approximate neighbour search).
    neighbor_search : {"auto", "exact", "approximate"}
        Exact or approximate neighbours (``"auto"``: by size).
    precomputed : {"distance", "affinity"}
        What a ``metric="precomputed"`` matrix holds.
    options : dict or None
        Other keywords of :func:`infomap_py.cluster`.

    Attributes
    ----------
    labels_ : numpy.ndarray of int64
        The cluster of every point, ``0, 1, ...`` by decreasing flow.
    n_clusters_ : int
        The number of clusters found.
    result_ : InfomapResult
        The whole result: codelengths, flow, the module tree.
    n_features_in_ : int
        The number of features seen in ``fit``.

    Examples
    --------
    >>> import numpy as np
    >>> from infomap_py import InfomapClustering
    >>> rng = np.random.default_rng(0)
    >>> X = np.vstack([rng.normal(0, 1, (30, 2)), rng.normal(10, 1, (30, 2))])
    >>> model = InfomapClustering(n_neighbors=15).fit(X)
    >>> model.n_clusters_, model.labels_[:3].tolist()
    (2, [0, 0, 0])
    """

    def __init__(self, n_neighbors: int = DEFAULT_N_NEIGHBORS, metric: str = "euclidean",
                 weighting: str = DEFAULT_WEIGHTING, markov_time: float = DEFAULT_MARKOV_TIME,
                 two_level: bool = True, trials: int = DEFAULT_TRIALS, seed: int = 123,
                 neighbor_search: str = "auto", precomputed: str = "distance",
                 options: dict | None = None) -> None:
        self.n_neighbors = n_neighbors
        self.metric = metric
        self.weighting = weighting
        self.markov_time = markov_time
        self.two_level = two_level
        self.trials = trials
        self.seed = seed
        self.neighbor_search = neighbor_search
        self.precomputed = precomputed
        self.options = options

    def fit(self, X: Any, y: Any = None) -> InfomapClustering:
        """Cluster ``X``; ``y`` is ignored.

        Returns
        -------
        InfomapClustering
            This estimator, fitted.
        """
        from sklearn.utils.validation import validate_data

        precomputed = self.metric == "precomputed"
        X = validate_data(self, X, accept_sparse="csr" if precomputed else False,
                          ensure_all_finite=False, dtype=None if precomputed else np.float64,
                          ensure_min_samples=2)
        if self.options is not None and not isinstance(self.options, dict):
            raise TypeError(f"options must be a dict of keywords of infomap_py.cluster or "
                            f"None, got {self.options!r}")
        own = sorted(set(self.options or {}) & set(self.get_params()))
        if own:
            raise InfomapArgumentError(f"options: {', '.join(map(repr, own))} "
                                       f"{'is a parameter' if len(own) == 1 else 'are parameters'}"
                                       " of InfomapClustering itself; set it there, not in "
                                       "options")
        result = cluster_points(X, n_neighbors=self.n_neighbors, metric=self.metric,
                                weighting=self.weighting, markov_time=self.markov_time,
                                two_level=self.two_level,
                                trials=self.trials, seed=self.seed,
                                neighbor_search=self.neighbor_search,
                                precomputed=self.precomputed, **(self.options or {}))
        self.result_ = result
        self.labels_ = np.asarray(result.labels, dtype=np.int64)
        self.n_clusters_ = int(result.num_top_modules)
        return self

    def fit_predict(self, X: Any, y: Any = None, **kwargs: Any) -> np.ndarray:
        """Cluster ``X`` and return ``labels_``."""
        return self.fit(X).labels_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = self.metric == "precomputed"
        tags.input_tags.pairwise = self.metric == "precomputed"
        tags.non_deterministic = False
        return tags


# --- Files of points (the command-line tool's --points) ------------------------------------

def read_points(path: str) -> np.ndarray:
    r"""Read a table of points from a ``.npy`` file (a 2-D array of numbers)
    or a text file of comma-separated numbers, one point a line (``.csv``;
    no header; empty lines are skipped).

    Raises
    ------
    InputFormatError
        When the file is missing or unreadable, or holds something that is
        not a table of numbers; the message names the file and, for a text
        file, the line.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "points.csv"
    >>> _ = path.write_text("0.5,1\n2,3e1\n")
    >>> read_points(path).tolist()
    [[0.5, 1.0], [2.0, 30.0]]
    """
    from .errors import InputFormatError
    from .io._source import read_bytes

    name = str(path)
    if name.endswith(".npy"):
        try:
            array = np.load(path, allow_pickle=False)
        except FileNotFoundError:
            raise InputFormatError(name, None, "no such file") from None
        except IsADirectoryError:
            raise InputFormatError(name, None, "is a directory, not a file") from None
        except (OSError, ValueError) as err:
            raise InputFormatError(name, None, f"not a NumPy .npy file of numbers ({err})") \
                from None
        if array.dtype.kind not in "biuf":
            raise InputFormatError(name, None, f"holds {array.dtype}, not numbers")
        if array.ndim != 2:
            raise InputFormatError(name, None, f"holds a {array.ndim}-D array of shape "
                                               f"{array.shape}; expected points x features")
        return np.asarray(array, dtype=np.float64)
    data, name = read_bytes(path)
    rows: list[list[float]] = []
    width = None
    for number, line in enumerate(data.decode("utf-8", errors="replace").split("\n"), 1):
        if not line.strip():
            continue
        cells = line.split(",")
        try:
            row = [float(cell) for cell in cells]
        except ValueError:
            bad = next(c for c in cells if not _is_number(c))
            hint = " (a header line? remove it)" if not rows else ""
            raise InputFormatError(name, number, f"expected numbers separated by commas, got "
                                                 f"{bad.strip()!r}{hint}") from None
        if not all(np.isfinite(row)):
            raise InputFormatError(name, number, f"a NaN or infinite value: {line.strip()!r}")
        if width is None:
            width = len(row)
        elif len(row) != width:
            raise InputFormatError(name, number, f"expected {width} values as on the lines "
                                                 f"before, got {len(row)}")
        rows.append(row)
    if not rows:
        raise InputFormatError(name, None, "holds no points")
    return np.array(rows, dtype=np.float64)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def read_points_network(path: str, *, n_neighbors: int, metric: str, weighting: str,
                        seed: int) -> Any:
    """The :class:`~infomap_py.Network` of the neighbour graph of the points in
    ``path`` (see :func:`read_points`), whose nodes are the row indices."""
    from .convert import to_network
    from .errors import InputFormatError

    points = read_points(path)
    try:
        graph = points_graph(points, n_neighbors=n_neighbors, metric=metric,
                             weighting=weighting, seed=seed)
    except InfomapArgumentError as err:  # X[3, 1] is NaN, too few points
        raise InputFormatError(str(path), None, str(err)) from None
    return to_network(graph, directed=False)
