"""Cluster cells with Infomap in scanpy's ``tl`` conventions.

Generates counts of 1,500 cells of six planted types (marker genes raised in
each), follows the usual recipe (normalise, log1p, PCA, 15 nearest
neighbours) with NumPy and scikit-learn where scanpy would run
``sc.pp.neighbors``, stores the graph in ``adata.obsp["connectivities"]``, and
calls ``infomap_py.tl.infomap(adata)`` as one would call ``sc.tl.leiden``.
Uses anndata when it is installed, else a plain stand-in object; needs pandas
and scikit-learn; runs offline in a few seconds.

Usage: python examples/single_cell.py
"""

from types import SimpleNamespace

import numpy as np
import pandas as pd
from sklearn.decomposition import PCA
from sklearn.metrics import adjusted_rand_score
from sklearn.neighbors import kneighbors_graph

from infomap_py import tl


def planted_counts(n_cells: int = 1500, n_genes: int = 1000, n_types: int = 6, seed: int = 0):
    """Return Poisson counts (cells x genes) in which every cell type raises
    30 marker genes fourfold, and the planted type of every cell."""
    rng = np.random.default_rng(seed)
    types = rng.choice(n_types, size=n_cells, p=rng.dirichlet(np.full(n_types, 3.0)))
    means = np.tile(rng.lognormal(-1.0, 1.2, size=n_genes), (n_types, 1))
    for t in range(n_types):
        means[t, 30 * t:30 * (t + 1)] *= 4.0
    library = rng.lognormal(0.0, 0.3, size=(n_cells, 1))
    return rng.poisson(means[types] * library).astype(np.float32), types


def cells_with_neighbours(counts: np.ndarray):
    """Return an AnnData (or a stand-in) holding the 15-nearest-neighbour graph."""
    logged = np.log1p(counts / counts.sum(axis=1, keepdims=True) * 1e4)
    pcs = PCA(n_components=30, random_state=0).fit_transform(logged)
    knn = kneighbors_graph(pcs, n_neighbors=15, mode="connectivity")
    connectivities = knn.maximum(knn.T).tocsr()  # symmetric, as sc.pp.neighbors stores it
    try:
        import anndata
    except ImportError:
        names = [f"cell{i}" for i in range(counts.shape[0])]
        return SimpleNamespace(obs=pd.DataFrame(index=names), obsp={
            "connectivities": connectivities}, uns={}, n_obs=counts.shape[0])
    adata = anndata.AnnData(counts)
    adata.obsm["X_pca"] = pcs
    adata.obsp["connectivities"] = connectivities
    return adata


def main() -> None:
    """Cluster the generated cells and compare the clusters with the planted types."""
    counts, types = planted_counts()
    adata = cells_with_neighbours(counts)
    tl.infomap(adata, seed=1)  # as sc.tl.leiden(adata)
    labels = adata.obs["infomap"]
    print(f"{type(adata).__name__} with {adata.n_obs} cells: obs['infomap'] holds "
          f"{labels.cat.categories.size} clusters ({labels.dtype})")
    print("metadata:", adata.uns["infomap"])
    print(f"ARI against the planted types: {adjusted_rand_score(types, labels):.3f}")
    print(pd.crosstab(labels, pd.Series(types, name="planted type", index=labels.index)))


if __name__ == "__main__":
    main()
