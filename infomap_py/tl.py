"""Single-cell front door: :func:`infomap` in scanpy's ``tl`` conventions.

``infomap_py.tl.infomap(adata)`` clusters the neighbour graph that
``sc.pp.neighbors`` stores in ``adata.obsp["connectivities"]`` and writes the
modules where ``sc.tl.leiden`` writes its clusters, so it can stand in for
Leiden in a scanpy workflow.  Neither scanpy nor anndata is imported: any
AnnData-like object (``obs`` a pandas DataFrame, ``obsp`` and ``uns``
mappings, ``n_obs`` and, for ``copy=True``, ``copy()``) will do; pandas is
imported on the first call (the ``single-cell`` extra).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .adapters import import_optional
from .errors import InfomapArgumentError

__all__ = ["infomap"]

_ATTRIBUTES = ("obs", "obsp", "uns", "n_obs")


def infomap(
    adata: Any,
    *,
    neighbors_key: str | None = None,
    obsp: str | None = None,
    adjacency: Any = None,
    use_weights: bool = False,
    directed: bool = False,
    key_added: str = "infomap",
    two_level: bool = True,
    trials: int = 1,
    seed: int = 123,
    copy: bool = False,
    **options: Any,
) -> Any:
    """Cluster the cells of ``adata`` with Infomap, as ``sc.tl.leiden`` does.

    The graph is read as scanpy's ``tl`` functions read it: by default
    ``adata.obsp["connectivities"]`` (made by ``sc.pp.neighbors``); with
    ``neighbors_key``, the ``obsp`` key that
    ``adata.uns[neighbors_key]["connectivities_key"]`` names; with ``obsp``,
    ``adata.obsp[obsp]``; or the matrix ``adjacency`` given directly.  The
    labels go to ``adata.obs[key_added]`` as a pandas ``Categorical`` of
    strings (``"0"``, ``"1"``, ... by decreasing flow, so ``"0"`` is the
    module a random walker visits most), and the run's metadata to
    ``adata.uns[key_added]``: ``params`` (the arguments of the run),
    ``n_modules``, ``num_levels``, ``codelength`` and
    ``relative_codelength_savings``.

    Parameters
    ----------
    adata : AnnData or AnnData-like
        The cells: an object with ``obs`` (a pandas DataFrame), ``obsp``
        and ``uns`` (mappings) and ``n_obs``.
    neighbors_key : str or None
        The ``adata.uns`` entry of a neighbour graph (``sc.pp.neighbors(...,
        key_added=...)``); its ``"connectivities_key"`` names the
        ``obsp`` matrix.  At most one of ``neighbors_key``, ``obsp`` and
        ``adjacency``.
    obsp : str or None
        The ``adata.obsp`` key of the matrix to cluster.
    adjacency : scipy sparse matrix, numpy.ndarray or None
        A square ``n_obs x n_obs`` matrix given directly.
    use_weights : bool
        Use the matrix entries as link weights.  By default every non-zero
        entry counts 1: on the connectivities of ``sc.pp.neighbors``
        (UMAP's fuzzy union) the weights make the map equation split large
        cell types into many small modules, and the plain neighbour graph
        recovers planted cell types far better (``benchmarks/RESULTS.md``,
        "Issue 21").  ``True`` for a graph whose weights mean what they
        say.
    directed : bool
        Read ``[i, j]`` as a link ``i -> j`` and use the directed flow model
        (PageRank).  By default the graph is undirected: a matrix that is
        not symmetric counts ``[i, j] + [j, i]`` for the pair.
    key_added : str
        The ``adata.obs`` column and ``adata.uns`` entry written.
    two_level : bool
        Find modules of cells (the default, flat clusters as Leiden's).
        ``False`` runs the multilevel search, as the official package does by
        default, and labels the top modules of the tree.
    trials : int
        Independent runs; the shortest codelength wins.
    seed : int
        Seed of every random choice: the same seed gives the same labels.
    copy : bool
        Work on ``adata.copy()`` and return it; by default ``adata`` is
        changed in place and ``None`` is returned.
    **options
        Any other keyword of :func:`infomap_py.cluster`
        (``teleportation``, ``markov_time``, ``n_jobs``, ...).

    Returns
    -------
    AnnData or None
        The annotated copy with ``copy=True``, else ``None``.

    Raises
    ------
    InfomapArgumentError
        When ``adata`` is not AnnData-like, more than one graph source is
        given, the ``obsp`` or ``uns`` entry is missing (the message lists
        the keys there are), or the matrix is not square, does not match
        ``n_obs``, or holds a negative, NaN or infinite weight.

    Notes
    -----
    Differences from the official package's ``infomap.tl.infomap`` (and
    ``sc.tl.leiden``): the weights are not used unless ``use_weights=True``
    (both use them by default; see ``use_weights``); labels count from
    ``"0"`` (as Leiden's, and as :attr:`InfomapResult.labels`) where the
    official counts from ``"1"``; the search is two-level unless
    ``two_level=False`` (the official's is multilevel); ``adata.obs_names``
    is not needed; and ``params`` leaves out arguments that are ``None``,
    so that ``adata.write_h5ad`` can store it.

    Examples
    --------
    >>> import numpy as np, pandas as pd, scipy.sparse as sp
    >>> from types import SimpleNamespace
    >>> from infomap_py import tl
    >>> blocks = sp.block_diag([np.ones((4, 4)) - np.eye(4)] * 2, format="csr")
    >>> cells = SimpleNamespace(obs=pd.DataFrame(index=[f"c{i}" for i in range(8)]),
    ...                         obsp={"connectivities": blocks}, uns={}, n_obs=8)
    >>> tl.infomap(cells)
    >>> cells.obs["infomap"].tolist()
    ['0', '0', '0', '0', '1', '1', '1', '1']
    >>> cells.uns["infomap"]["n_modules"]
    2
    """
    from .api import cluster

    pd = import_optional("pandas", "single-cell")
    _check_anndata_like(adata)
    if not isinstance(key_added, str) or not key_added:
        raise InfomapArgumentError(f"key_added must be a non-empty string, got {key_added!r}")
    if copy:
        adata = _copied(adata)
    matrix, source, obsp_key = _graph_of(adata, adjacency, neighbors_key, obsp)
    matrix = _checked_matrix(matrix, source, int(adata.n_obs), use_weights)
    result = cluster(matrix, directed=bool(directed), two_level=two_level, trials=trials,
                     seed=seed, **options)
    categories = [str(k) for k in range(result.num_modules)]
    adata.obs[key_added] = pd.Categorical.from_codes(result.labels, categories=categories)
    params = {"neighbors_key": neighbors_key, "obsp": obsp_key, "use_weights": bool(use_weights),
              "directed": bool(directed), "two_level": bool(two_level), "trials": trials,
              "seed": seed, **options}
    adata.uns[key_added] = {
        "params": {name: value for name, value in params.items() if value is not None},
        "n_modules": int(result.num_modules),
        "num_levels": int(result.num_levels),
        "codelength": float(result.codelength),
        "relative_codelength_savings": float(result.relative_codelength_savings),
    }
    return adata if copy else None


def _check_anndata_like(adata: Any) -> None:
    missing = [name for name in _ATTRIBUTES if not hasattr(adata, name)]
    if missing:
        raise InfomapArgumentError(
            f"adata must be an AnnData or AnnData-like object with {', '.join(_ATTRIBUTES)}; "
            f"{type(adata).__name__} has no {missing[0]!r}")


def _copied(adata: Any) -> Any:
    copy = getattr(adata, "copy", None)
    if not callable(copy):
        raise InfomapArgumentError(
            f"copy=True needs adata.copy(), which {type(adata).__name__} does not have")
    return copy()


def _graph_of(adata: Any, adjacency: Any, neighbors_key: str | None, obsp: str | None
              ) -> tuple[Any, str, str | None]:
    """Return the matrix to cluster, a phrase naming where it came from, and
    its ``obsp`` key (``None`` for a matrix given directly)."""
    given = [name for name, value in (("adjacency", adjacency), ("neighbors_key", neighbors_key),
                                      ("obsp", obsp)) if value is not None]
    if len(given) > 1:
        raise InfomapArgumentError(
            f"pass at most one of adjacency, neighbors_key and obsp, got {' and '.join(given)}")
    if adjacency is not None:
        return adjacency, "adjacency", None
    if neighbors_key is not None:
        uns = adata.uns
        if neighbors_key not in uns:
            raise InfomapArgumentError(
                f"adata.uns has no neighbour graph {neighbors_key!r} (its keys: "
                f"{_keys(uns)}); run sc.pp.neighbors(adata, key_added={neighbors_key!r}) first")
        entry = uns[neighbors_key]
        key = entry.get("connectivities_key") if isinstance(entry, Mapping) else None
        if not isinstance(key, str):
            raise InfomapArgumentError(
                f"adata.uns[{neighbors_key!r}] names no 'connectivities_key', as "
                "sc.pp.neighbors writes it; pass obsp= the key of the matrix instead")
        obsp = key
    elif obsp is None:
        obsp = "connectivities"
    if obsp not in adata.obsp:
        raise InfomapArgumentError(
            f"adata.obsp has no {obsp!r} matrix (its keys: {_keys(adata.obsp)}); "
            "sc.pp.neighbors(adata) makes 'connectivities', or pass obsp=, neighbors_key= or "
            "adjacency=")
    return adata.obsp[obsp], f"adata.obsp[{obsp!r}]", obsp


def _keys(mapping: Any) -> str:
    keys = sorted(map(str, mapping.keys()))
    return ", ".join(repr(k) for k in keys) if keys else "none"


def _checked_matrix(matrix: Any, source: str, n_obs: int, use_weights: bool) -> Any:
    """Return ``matrix`` as a CSR array of float64 weights, checked."""
    import scipy.sparse as sp

    if not sp.issparse(matrix):
        dense = np.asarray(matrix)
        if dense.ndim != 2:
            raise InfomapArgumentError(
                f"{source} must be a 2-D matrix, got {dense.ndim} dimension(s)")
        matrix = dense
    shape = tuple(matrix.shape)
    if len(shape) != 2 or shape[0] != shape[1]:
        raise InfomapArgumentError(f"{source} must be a square matrix, got shape {shape}")
    if shape[0] != n_obs:
        raise InfomapArgumentError(
            f"{source} is {shape[0]} x {shape[1]} but adata has n_obs = {n_obs} cells")
    if np.dtype(matrix.dtype).kind not in "biuf":
        raise InfomapArgumentError(f"{source} must hold real numbers, got dtype {matrix.dtype}")
    csr = sp.csr_array(matrix, dtype=np.float64, copy=True)
    csr.eliminate_zeros()
    bad = ~np.isfinite(csr.data) | (csr.data < 0)
    if bad.any():
        coo = csr.tocoo()
        k = int(np.flatnonzero(~np.isfinite(coo.data) | (coo.data < 0))[0])
        raise InfomapArgumentError(
            f"{source} must hold finite weights >= 0, got {coo.data[k]} at "
            f"({int(coo.row[k])}, {int(coo.col[k])})")
    if not use_weights:
        csr.data[:] = 1.0
    return csr
