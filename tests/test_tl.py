"""infomap_py.tl.infomap: scanpy's tl conventions on an AnnData or a stand-in."""

from __future__ import annotations

import importlib.util
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

import infomap_py
from infomap_py import tl
from infomap_py.errors import InfomapArgumentError

needs_anndata = pytest.mark.skipif(importlib.util.find_spec("anndata") is None,
                                   reason="needs anndata (the test extra)")


def _planted(groups: int = 3, size: int = 10, seed: int = 0) -> tuple[sp.csr_array, np.ndarray]:
    """A symmetric weighted graph of dense groups joined by a few weak links."""
    rng = np.random.default_rng(seed)
    n = groups * size
    truth = np.repeat(np.arange(groups), size)
    dense = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            if truth[i] == truth[j] and rng.random() < 0.7:
                dense[i, j] = rng.uniform(0.5, 1.0)
            elif truth[i] != truth[j] and rng.random() < 0.02:
                dense[i, j] = 0.1
    return sp.csr_array(dense + dense.T), truth


class StandIn:
    """The least an AnnData-like object needs: obs, obsp, uns, n_obs, copy()."""

    def __init__(self, n: int, obsp: dict | None = None, uns: dict | None = None):
        self.obs = pd.DataFrame(index=[f"cell{i}" for i in range(n)])
        self.obsp = dict(obsp or {})
        self.uns = dict(uns or {})
        self.n_obs = n

    def copy(self) -> StandIn:
        twin = StandIn(self.n_obs, {k: v.copy() for k, v in self.obsp.items()}, dict(self.uns))
        twin.obs = self.obs.copy()
        return twin


def _same_partition(a, b) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    pairs = set(zip(a.tolist(), b.tolist()))
    return len(pairs) == len(set(a.tolist())) == len(set(b.tolist()))


def test_stand_in_gets_categorical_labels_and_metadata():
    graph, truth = _planted()
    cells = StandIn(graph.shape[0], {"connectivities": graph})
    assert tl.infomap(cells, seed=7, use_weights=True) is None
    labels = cells.obs["infomap"]
    assert isinstance(labels.dtype, pd.CategoricalDtype)
    assert list(labels.cat.categories) == ["0", "1", "2"]
    assert _same_partition(labels.cat.codes, truth)
    expected = infomap_py.cluster(graph, directed=False, two_level=True, seed=7)
    np.testing.assert_array_equal(labels.cat.codes.to_numpy(), expected.labels)
    meta = cells.uns["infomap"]
    assert meta["n_modules"] == 3 and meta["num_levels"] == 2
    assert meta["codelength"] == pytest.approx(expected.codelength, abs=1e-12)
    assert meta["params"] == {"obsp": "connectivities", "use_weights": True, "directed": False,
                              "two_level": True, "trials": 1, "seed": 7}


def test_sources_of_the_graph_agree():
    graph, truth = _planted(seed=1)
    n = graph.shape[0]
    cells = StandIn(n, {"connectivities": graph, "other": graph},
                    {"nb": {"connectivities_key": "other"}})
    tl.infomap(cells, key_added="default")
    tl.infomap(cells, neighbors_key="nb", key_added="by_neighbors_key")
    tl.infomap(cells, obsp="other", key_added="by_obsp")
    tl.infomap(cells, adjacency=graph.toarray(), key_added="by_adjacency")
    for key in ("by_neighbors_key", "by_obsp", "by_adjacency"):
        assert cells.obs[key].tolist() == cells.obs["default"].tolist()
    assert cells.uns["by_neighbors_key"]["params"]["obsp"] == "other"
    assert "obsp" not in cells.uns["by_adjacency"]["params"]  # None is left out


def test_copy_returns_a_new_object_and_leaves_the_input():
    graph, _ = _planted()
    cells = StandIn(graph.shape[0], {"connectivities": graph})
    twin = tl.infomap(cells, copy=True, key_added="clusters")
    assert twin is not cells and "clusters" in twin.obs and "clusters" in twin.uns
    assert "clusters" not in cells.obs and cells.uns == {}


def test_weights_are_used_only_when_asked_and_the_matrix_is_kept():
    # Weights that alone decide: two cliques, heavy links between them.
    clique = np.ones((4, 4)) - np.eye(4)
    dense = np.block([[clique, 50.0 * np.eye(4)], [50.0 * np.eye(4), clique]])
    graph = sp.csr_array(dense)
    cells = StandIn(8, {"connectivities": graph})
    tl.infomap(cells, use_weights=True, key_added="weighted")
    tl.infomap(cells, key_added="plain")  # the default
    assert cells.uns["plain"]["params"]["use_weights"] is False
    unweighted = infomap_py.cluster(sp.csr_array((dense > 0).astype(float)), two_level=True)
    np.testing.assert_array_equal(cells.obs["plain"].cat.codes.to_numpy(), unweighted.labels)
    assert cells.obs["weighted"].tolist() != cells.obs["plain"].tolist()
    assert graph.data.max() == 50.0  # the caller's matrix is not changed


def test_multilevel_labels_the_top_modules():
    graph, _ = _planted(groups=4, size=8, seed=2)
    cells = StandIn(graph.shape[0], {"connectivities": graph})
    tl.infomap(cells, two_level=False, trials=2, seed=3, use_weights=True)
    expected = infomap_py.cluster(graph, directed=False, trials=2, seed=3)
    np.testing.assert_array_equal(cells.obs["infomap"].cat.codes.to_numpy(), expected.labels)
    assert cells.uns["infomap"]["params"]["two_level"] is False


def test_directed_reads_rows_as_links():
    graph, _ = _planted()
    upper = sp.triu(graph, format="csr")
    cells = StandIn(graph.shape[0], {"connectivities": upper})
    tl.infomap(cells, directed=True, use_weights=True, key_added="directed")
    expected = infomap_py.cluster(upper, directed=True, two_level=True)
    np.testing.assert_array_equal(cells.obs["directed"].cat.codes.to_numpy(), expected.labels)
    tl.infomap(cells, key_added="undirected")  # an asymmetric matrix read undirected: A + A^T
    symmetric = StandIn(graph.shape[0], {"connectivities": upper + upper.T})
    tl.infomap(symmetric)
    assert cells.obs["undirected"].tolist() == symmetric.obs["infomap"].tolist()


@pytest.mark.parametrize("call, message", [
    (lambda c: tl.infomap(c, obsp="distances"),
     "adata.obsp has no 'distances' matrix (its keys: 'connectivities'); sc.pp.neighbors"),
    (lambda c: tl.infomap(c, neighbors_key="nb"),
     "adata.uns has no neighbour graph 'nb' (its keys: none); run sc.pp.neighbors"),
    (lambda c: tl.infomap(c, obsp="connectivities", adjacency=np.eye(3)),
     "pass at most one of adjacency, neighbors_key and obsp, got adjacency and obsp"),
    (lambda c: tl.infomap(c, adjacency=np.ones((3, 4))),
     "adjacency must be a square matrix, got shape (3, 4)"),
    (lambda c: tl.infomap(c, adjacency=sp.eye(4, format="csr")),
     "adjacency is 4 x 4 but adata has n_obs = 3 cells"),
    (lambda c: tl.infomap(c, adjacency=np.array([[0, 1, -2], [1, 0, 0], [-2, 0, 0.0]])),
     "adjacency must hold finite weights >= 0, got -2.0 at (0, 2)"),
    (lambda c: tl.infomap(c, key_added=""), "key_added must be a non-empty string"),
])
def test_clear_errors(call, message):
    cells = StandIn(3, {"connectivities": sp.csr_array(np.ones((3, 3)))})
    with pytest.raises(InfomapArgumentError) as err:
        call(cells)
    assert message in str(err.value)


def test_missing_connectivities_and_non_anndata_are_named():
    with pytest.raises(InfomapArgumentError, match=r"adata.obsp has no 'connectivities' matrix "
                                                   r"\(its keys: none\); sc.pp.neighbors"):
        tl.infomap(StandIn(3))
    with pytest.raises(InfomapArgumentError, match="dict has no 'obs'"):
        tl.infomap({"obsp": {}})
    no_copy = SimpleNamespace(obs=pd.DataFrame(index=range(2)), obsp={}, uns={}, n_obs=2)
    with pytest.raises(InfomapArgumentError, match=r"copy=True needs adata.copy\(\)"):
        tl.infomap(no_copy, copy=True)
    bad = StandIn(3, {"connectivities": sp.eye(3, format="csr")}, {"nb": {"distances": "x"}})
    with pytest.raises(InfomapArgumentError, match="names no 'connectivities_key'"):
        tl.infomap(bad, neighbors_key="nb")


@needs_anndata
def test_anndata_in_place_copy_and_h5ad(tmp_path):
    import anndata

    graph, truth = _planted(seed=4)
    n = graph.shape[0]
    adata = anndata.AnnData(np.zeros((n, 2), dtype=np.float32))
    adata.obsp["connectivities"] = sp.csr_matrix(graph)
    adata.obsp["distances"] = sp.csr_matrix(graph)
    adata.uns["neighbors"] = {"connectivities_key": "connectivities",
                              "distances_key": "distances"}
    copied = tl.infomap(adata, neighbors_key="neighbors", copy=True)
    assert isinstance(copied, anndata.AnnData) and "infomap" not in adata.obs
    assert tl.infomap(adata, seed=5) is None
    assert adata.obs["infomap"].dtype == "category"
    assert _same_partition(adata.obs["infomap"].cat.codes, truth)
    assert copied.obs["infomap"].cat.categories.tolist() == ["0", "1", "2"]
    path = tmp_path / "cells.h5ad"
    adata.write_h5ad(path)  # the metadata is storable
    back = anndata.read_h5ad(path)
    assert back.obs["infomap"].tolist() == adata.obs["infomap"].tolist()
    assert back.uns["infomap"]["n_modules"] == 3


def test_official_package_agrees_on_the_partition():
    """The official ``infomap.tl.infomap`` (a test oracle) finds the same
    modules on the same stand-in; it numbers them from "1"."""
    official = pytest.importorskip("infomap.tl")
    graph, _ = _planted(seed=5)
    ours = StandIn(graph.shape[0], {"connectivities": graph})
    theirs = StandIn(graph.shape[0], {"connectivities": graph})
    theirs.obs_names = theirs.obs.index
    tl.infomap(ours, two_level=True, use_weights=True)
    official.infomap(theirs, two_level=True)
    assert _same_partition(ours.obs["infomap"].cat.codes, theirs.obs["infomap"].cat.codes)
    assert ours.uns["infomap"]["n_modules"] == theirs.uns["infomap"]["n_modules"]
    assert ours.uns["infomap"]["codelength"] == pytest.approx(
        theirs.uns["infomap"]["codelength"], abs=1e-9)


def test_the_front_doors_import_nothing_heavy():
    """``infomap_py.tl`` and ``infomap_py.graphrag`` load on first use and import
    neither pandas, anndata, pyarrow nor SciPy until they are called."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    path = os.pathsep.join(p for p in (str(root), os.environ.get("PYTHONPATH")) if p)
    code = ("import sys, infomap_py; print(callable(infomap_py.tl.infomap), "
            "callable(infomap_py.graphrag.run_communities), "
            "[m for m in ('pandas', 'anndata', 'pyarrow', 'scipy', 'numba') if m in sys.modules])")
    done = subprocess.run([sys.executable, "-c", code], env=dict(os.environ, PYTHONPATH=path),
                          capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.strip() == "True True []"
