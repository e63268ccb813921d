"""Shared test helpers: example networks and the official Infomap as an oracle.

The official ``infomap`` package is a test-only dependency; nothing under
``infomap_py/`` imports it.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np
import pytest

from infomap_py import _compile_notice

# A call that compiles kernels prints a notice on stderr, once per process.
# Which test makes the first one depends on Numba's cache, not on the test,
# so the tests that read stderr run as if it had been printed already;
# tests/test_compile_notice.py checks the notice itself.
_compile_notice._shown = True

SHARED_DATA = Path(os.environ.get("INFOMAP_PY_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
EXAMPLE_NETWORKS = ("twotriangles", "ninetriangles", "modular_w", "modular_wd")


def read_example_network(name: str) -> tuple[np.ndarray, int]:
    """Return ``(edges, num_nodes)`` of an example network shipped with the
    official package: an (m, 3) float array ``source target weight`` with the
    file's node ids (node ids not in the file are isolated, with zero flow)."""
    import infomap

    path = Path(infomap.__file__).parent / "datasets" / "data" / f"{name}.net"
    edges, max_id = [], 0
    section = "links"
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("*"):
            section = "vertices" if line.lower().startswith("*vertices") else "links"
            continue
        parts = line.split()
        max_id = max(max_id, int(parts[0]))
        if section == "links":
            w = float(parts[2]) if len(parts) > 2 else 1.0
            edges.append((int(parts[0]), int(parts[1]), w))
            max_id = max(max_id, int(parts[1]))
    return np.array(edges, dtype=float), max_id + 1


def read_shared_network(name: str) -> tuple[np.ndarray, int, np.ndarray | None]:
    """Return ``(edges, num_nodes, ground_truth_or_None)`` of a network in
    ``../shared/data``; skip the test when that folder is absent."""
    folder = SHARED_DATA / name
    if not (folder / "edges.tsv").exists():
        pytest.skip(f"shared data {folder} not present (set INFOMAP_PY_SHARED_DATA)")
    edges = np.loadtxt(folder / "edges.tsv", comments="#", ndmin=2)
    n = sum(1 for line in (folder / "nodes.tsv").read_text().splitlines() if line and not line.startswith("#"))
    truth = None
    if (folder / "labels.tsv").exists():
        rows = [line.split("\t") for line in (folder / "labels.tsv").read_text().splitlines() if line and not line.startswith("#")]
        names = {}
        truth = np.array([names.setdefault(r[1], len(names)) for r in sorted(rows, key=lambda r: int(r[0]))])
    return edges, n, truth


def _official(edges, n, directed=False, options=None, initial=None, no_infomap=False):
    import infomap

    options = dict(options or {})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if "flow_model" not in options:
            # The official `directed` flag overrides a given flow model.
            options["directed"] = directed
        im = infomap.Infomap(silent=True, two_level=True, no_infomap=no_infomap, **options)
        for i in range(n):
            im.add_node(i)
        # A directed flow model on an undirected network uses every edge both
        # ways in infomap-py; the official package takes links as given.
        both_ways = not directed and options.get("flow_model", "undirected") != "undirected"
        for row in edges:
            w = float(row[2]) if len(row) > 2 else 1.0
            im.add_link(int(row[0]), int(row[1]), w)
            if both_ways and int(row[0]) != int(row[1]):
                im.add_link(int(row[1]), int(row[0]), w)
        if initial is not None:
            run = im.run(initial_partition={i: int(initial[i]) for i in range(n)})
        else:
            run = im.run()
        labels = np.zeros(n, dtype=np.int64)
        flow = np.zeros(n)
        for node in im.tree:
            if node.is_leaf:
                flow[node.node_id] = node.flow
                labels[node.node_id] = node.path[0]
        return {
            "codelength": im.codelength,
            "index_codelength": im.index_codelength,
            "module_codelength": im.module_codelength,
            "num_modules": im.num_top_modules,
            "labels": labels,
            "flow": flow,
            "flow_iterations": run.flow_iterations,
            "flow_converged": run.flow_converged,
        }


def official_cluster(edges, n, directed=False, **options):
    """Run the official two-level Infomap; return codelength, labels, flow, ..."""
    return _official(edges, n, directed, options)


def official_score(edges, n, labels, directed=False, **options):
    """The official package's codelength of the given partition (``no_infomap``)."""
    return _official(edges, n, directed, options, initial=labels, no_infomap=True)


@pytest.fixture(scope="session")
def compiled_here_cache(tmp_path_factory) -> Path:
    """A Numba cache of kernels compiled on this machine (the shipped ones
    switched off), shared by the tests that compile: the first that runs on
    it finds it empty and fills it, the later ones load from it."""
    return tmp_path_factory.mktemp("compiled-here")
