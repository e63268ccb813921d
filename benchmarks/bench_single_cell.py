"""Infomap against Leiden on the neighbour graph of a generated single-cell data set.

Generates counts of ``--cells`` cells and ``--genes`` genes from a negative
binomial model with planted cell types (a few lineages, each with a few
cell types of unequal sizes; lineage and type marker genes raised), then
follows scanpy's default recipe: total-count normalisation to 10^4, log1p,
the 1,000 most variable genes, 50 principal components, 15 nearest
neighbours, and connectivities from UMAP's fuzzy union (the weights
``sc.pp.neighbors`` stores in ``adata.obsp["connectivities"]``).  On that one
graph it runs ``infomap_py.tl.infomap`` (two-level, without the weights, the
default, and with them; and multilevel, labelled by top modules), the official
package's ``infomap.tl.infomap`` (two-level, and multilevel, its default),
and Leiden as ``sc.tl.leiden``
runs it (leidenalg, RB configuration, resolution 1, weighted, until
stable; and igraph's ``community_leiden`` with modularity and 2 iterations,
scanpy's coming default), and prints NMI and ARI against the planted types,
the number of clusters and the median seconds over ``--repeats`` runs.

    python -m benchmarks.bench_single_cell [--cells 3000 10000] [--genes 2000] [--seeds 1 2 3]
"""

from __future__ import annotations

import argparse
import time
from types import SimpleNamespace

import numpy as np


def generate_counts(n_cells: int, n_genes: int, seed: int, type_fold: float = 4.0,
                    lineages: int = 3, types_per_lineage: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Return a cells x genes count matrix and the planted type of every cell.

    Cell types have unequal sizes (Dirichlet proportions); every lineage
    raises 50 marker genes 3-fold, every type a further 40 genes
    ``type_fold``-fold;
    counts are negative binomial (dispersion 0.2) around a log-normal gene
    mean times a log-normal library size.
    """
    rng = np.random.default_rng(seed)
    n_types = lineages * types_per_lineage
    proportions = rng.dirichlet(np.full(n_types, 2.0))
    types = rng.choice(n_types, size=n_cells, p=proportions)
    base = rng.lognormal(mean=-1.0, sigma=1.5, size=n_genes)
    means = np.tile(base, (n_types, 1))
    genes = rng.permutation(n_genes)
    cursor = 0
    for lineage in range(lineages):
        markers = genes[cursor:cursor + 50]
        cursor += 50
        means[lineage * types_per_lineage:(lineage + 1) * types_per_lineage, markers] *= 3.0
    for t in range(n_types):
        markers = genes[cursor:cursor + 40]
        cursor += 40
        means[t, markers] *= type_fold
    library = rng.lognormal(mean=0.0, sigma=0.3, size=n_cells)[:, None]
    mu = means[types] * library
    dispersion = 0.2
    gamma = rng.gamma(shape=1.0 / dispersion, scale=mu * dispersion)
    return rng.poisson(gamma).astype(np.float32), types


def pca_of_counts(counts: np.ndarray, n_top_genes: int = 1000, n_comps: int = 50,
                  seed: int = 0) -> np.ndarray:
    """scanpy's default preprocessing: normalise to 10^4 counts per cell,
    log1p, the most variable genes, PCA."""
    from sklearn.decomposition import PCA

    totals = counts.sum(axis=1, keepdims=True)
    logged = np.log1p(counts / np.maximum(totals, 1.0) * 1e4)
    top = np.argsort(logged.var(axis=0))[::-1][:n_top_genes]
    return PCA(n_components=n_comps, random_state=seed).fit_transform(logged[:, top])


def umap_connectivities(X: np.ndarray, n_neighbors: int = 15):
    """The symmetric fuzzy-union weights of UMAP on the ``n_neighbors``
    nearest neighbours (the point itself included, as scanpy counts them),
    as ``sc.pp.neighbors`` computes ``connectivities``."""
    import scipy.sparse as sp
    from sklearn.neighbors import NearestNeighbors

    n = X.shape[0]
    distances, indices = NearestNeighbors(n_neighbors=n_neighbors).fit(X).kneighbors(X)
    distances, indices = distances[:, 1:], indices[:, 1:]  # drop the point itself
    rho = distances[:, 0]
    target = np.log2(n_neighbors)
    lo, hi = np.zeros(n), np.full(n, np.inf)
    sigma = np.ones(n)
    for _ in range(64):  # UMAP's binary search for each point's bandwidth
        total = np.exp(-np.maximum(distances - rho[:, None], 0.0) / sigma[:, None]).sum(axis=1)
        high = total > target
        hi = np.where(high, sigma, hi)
        lo = np.where(high, lo, sigma)
        sigma = np.where(np.isinf(hi), sigma * 2.0, (lo + hi) / 2.0)
    mean_distance = distances.mean()
    sigma = np.maximum(sigma, 1e-3 * np.where(rho > 0, distances.mean(axis=1), mean_distance))
    weights = np.exp(-np.maximum(distances - rho[:, None], 0.0) / sigma[:, None])
    rows = np.repeat(np.arange(n), n_neighbors - 1)
    P = sp.csr_array((weights.ravel(), (rows, indices.ravel())), shape=(n, n))
    PT = P.T.tocsr()
    return (P + PT - P * PT).tocsr()


def _leiden_leidenalg(adjacency, seed: int) -> np.ndarray:
    import igraph as ig
    import leidenalg

    upper = adjacency.tocoo()
    keep = upper.row < upper.col
    graph = ig.Graph(n=adjacency.shape[0], edges=list(zip(upper.row[keep], upper.col[keep])))
    partition = leidenalg.find_partition(
        graph, leidenalg.RBConfigurationVertexPartition, weights=upper.data[keep].tolist(),
        resolution_parameter=1.0, n_iterations=-1, seed=seed)
    return np.asarray(partition.membership)


def _leiden_igraph(adjacency, seed: int) -> np.ndarray:
    import random

    import igraph as ig

    upper = adjacency.tocoo()
    keep = upper.row < upper.col
    graph = ig.Graph(n=adjacency.shape[0], edges=list(zip(upper.row[keep], upper.col[keep])))
    random.seed(seed)
    ig.set_random_number_generator(random)
    clusters = graph.community_leiden(objective_function="modularity",
                                      weights=upper.data[keep].tolist(), resolution=1.0,
                                      n_iterations=2)
    return np.asarray(clusters.membership)


def _cells(adjacency) -> SimpleNamespace:
    import pandas as pd

    n = adjacency.shape[0]
    return SimpleNamespace(obs=pd.DataFrame(index=[f"cell{i}" for i in range(n)]),
                           obs_names=pd.Index([f"cell{i}" for i in range(n)]),
                           obsp={"connectivities": adjacency}, uns={}, n_obs=n)


def _infomap_py(adjacency, seed: int, **options) -> np.ndarray:
    from infomap_py import tl

    cells = _cells(adjacency)
    tl.infomap(cells, seed=seed, **options)
    return cells.obs["infomap"].cat.codes.to_numpy()


def _official(adjacency, seed: int, **options) -> np.ndarray:
    from infomap import tl

    cells = _cells(adjacency)
    tl.infomap(cells, seed=seed, **options)
    return cells.obs["infomap"].cat.codes.to_numpy()


METHODS = {
    "infomap_py, two-level, unweighted (the default)":
        lambda a, s: _infomap_py(a, s, use_weights=False),
    "infomap_py, two-level, use_weights=True": lambda a, s: _infomap_py(a, s, use_weights=True),
    "infomap_py, multilevel (top modules), weighted":
        lambda a, s: _infomap_py(a, s, two_level=False, use_weights=True),
    "official infomap.tl.infomap, two-level, weighted":
        lambda a, s: _official(a, s, two_level=True),
    "official infomap.tl.infomap, multilevel (its default), weighted": _official,
    "Leiden, leidenalg (sc.tl.leiden flavor='leidenalg')": _leiden_leidenalg,
    "Leiden, igraph (sc.tl.leiden flavor='igraph')": _leiden_igraph,
}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, nargs="+", default=[3000, 10000])
    parser.add_argument("--genes", type=int, default=2000)
    parser.add_argument("--type-fold", type=float, nargs="+", default=[4.0, 2.0],
                        help="how strongly type markers are raised: clear and subtle types")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    import infomap_py

    infomap_py.cluster([[0, 1], [1, 2], [2, 0], [2, 3]], two_level=True)  # compile the kernels
    print("| cells | type markers | method | NMI | ARI | clusters | seconds |")
    print("|---:|---:|---|---:|---:|---:|---:|")
    for n_cells, fold in ((n, f) for n in args.cells for f in args.type_fold):
        scores: dict[str, list[tuple[float, float, int, float]]] = {m: [] for m in METHODS}
        graph_seconds = []
        for seed in args.seeds:
            counts, types = generate_counts(n_cells, args.genes, seed, fold)
            start = time.perf_counter()
            adjacency = umap_connectivities(pca_of_counts(counts, seed=seed))
            graph_seconds.append(time.perf_counter() - start)
            for name, method in METHODS.items():
                seconds = []
                for _ in range(args.repeats):
                    start = time.perf_counter()
                    labels = method(adjacency, seed)
                    seconds.append(time.perf_counter() - start)
                scores[name].append((normalized_mutual_info_score(types, labels),
                                     adjusted_rand_score(types, labels),
                                     int(np.unique(labels).size), float(np.median(seconds))))
        for name, rows in scores.items():
            nmi, ari, k, sec = (np.array(column) for column in zip(*rows))
            print(f"| {n_cells:,} | {fold:g}x | {name} | {nmi.mean():.3f} ± {nmi.std():.3f} | "
                  f"{ari.mean():.3f} ± {ari.std():.3f} | {k.mean():.1f} | {np.median(sec):.2f} |")
        print(f"<!-- {n_cells} cells, type markers {fold:g}x: 9 planted types; preprocessing "
              "and neighbour graph "
              f"{np.median(graph_seconds):.1f} s (median over {len(args.seeds)} data sets) -->")


if __name__ == "__main__":
    main()
