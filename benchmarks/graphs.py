"""The graphs of the benchmark suite: seeded generators and the shared real networks.

A graph is named by a :class:`GraphSpec`; :func:`build` makes it, with its
ground truth (the finest planted groups) where there is one, and facts
about it such as the realised mixing (the share of edges between groups,
which for LFR differs from the requested ``mu``).
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from benchmarks.generators import hierarchical_planted_partition, planted_partition

SHARED_DATA = Path(os.environ.get("INFOMAP_PY_SHARED_DATA",
                                  Path(__file__).resolve().parents[2] / "shared" / "data"))


@dataclass(frozen=True)
class GraphSpec:
    """A benchmark graph: a generator (``kind``) and its arguments."""

    name: str
    kind: str  # "lfr", "planted", "dcsbm", "hierarchical" or "real"
    params: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Graph:
    """A built graph: ``edges`` is an ``(m, 2)`` int64 array (or ``(m, 3)``
    with weights), ``truth`` a label per node or ``None``."""

    spec: GraphSpec
    edges: np.ndarray
    num_nodes: int
    truth: np.ndarray | None
    info: dict

    def network(self):
        """The graph as an undirected infomap-py ``Network``."""
        from infomap_py.network import Network

        weights = (self.edges[:, 2].astype(float) if self.edges.shape[1] > 2
                   else np.ones(len(self.edges)))
        return Network(self.edges[:, 0].astype(np.int64), self.edges[:, 1].astype(np.int64),
                       weights, self.num_nodes, False, range(self.num_nodes))


def realised_mixing(edges: np.ndarray, truth: np.ndarray) -> float:
    """The share of edges whose ends lie in different ground-truth groups."""
    if len(edges) == 0:
        return 0.0
    source, target = edges[:, 0].astype(np.int64), edges[:, 1].astype(np.int64)
    return float(np.mean(truth[source] != truth[target]))


def _lfr(params: dict) -> tuple[np.ndarray, int, np.ndarray]:
    import networkx as nx

    n = params["nodes"]
    G = nx.LFR_benchmark_graph(n, 2.5, 1.5, params["mu"], average_degree=params.get("degree", 15),
                               max_degree=params.get("max_degree", 50),
                               min_community=params.get("min_community", 20),
                               max_community=params.get("max_community", 100),
                               seed=params.get("seed", 42))
    G.remove_edges_from(nx.selfloop_edges(G))
    groups: dict = {}
    truth = np.array([groups.setdefault(frozenset(G.nodes[v]["community"]), len(groups))
                      for v in range(n)], dtype=np.int64)
    edges = np.array(sorted(G.edges()), dtype=np.int64).reshape(-1, 2)
    return edges, n, truth


def _real(params: dict) -> tuple[np.ndarray, int, np.ndarray | None]:
    folder = SHARED_DATA / params["name"]
    if not (folder / "edges.tsv").exists():
        raise FileNotFoundError(f"shared data {folder} not present (set INFOMAP_PY_SHARED_DATA)")
    edges = np.loadtxt(folder / "edges.tsv", comments="#", ndmin=2)
    n = sum(1 for line in (folder / "nodes.tsv").read_text().splitlines()
            if line and not line.startswith("#"))
    truth = None
    labels = folder / "labels.tsv"
    if labels.exists():
        rows = [line.split("\t") for line in labels.read_text().splitlines()
                if line and not line.startswith("#")]
        names: dict = {}
        truth = np.array([names.setdefault(r[1], len(names))
                          for r in sorted(rows, key=lambda r: int(r[0]))], dtype=np.int64)
    if edges.shape[1] == 2 or np.all(edges[:, 2] == 1.0):
        edges = edges[:, :2].astype(np.int64)
    return edges, n, truth


def degree_corrected_sbm(num_nodes: int, num_groups: int, mean_degree: float, mixing: float,
                         exponent: float = 2.5, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(edges, groups)`` of a degree-corrected planted partition, in NumPy.

    Every node gets a propensity drawn from a power law with ``exponent``;
    an edge picks its source by propensity, and its target by propensity
    within the source's group with probability ``1 - mixing`` or in the
    whole network otherwise.  Builds 10^6 nodes in seconds.
    """
    rng = np.random.default_rng(seed)
    groups = rng.integers(0, num_groups, num_nodes)
    weight = (1.0 - rng.random(num_nodes)) ** (-1.0 / (exponent - 1.0))
    num_edges = int(num_nodes * mean_degree / 2)
    cumulative = np.cumsum(weight)
    source = np.searchsorted(cumulative, rng.random(num_edges) * cumulative[-1])
    order = np.argsort(groups, kind="stable")
    sizes = np.bincount(groups, minlength=num_groups)
    starts = np.concatenate([[0], np.cumsum(sizes)])
    group_cumulative = np.cumsum(weight[order])
    own = groups[source]
    low = np.where(starts[own] > 0, group_cumulative[starts[own] - 1], 0.0)
    high = group_cumulative[starts[own + 1] - 1]
    pick = np.searchsorted(group_cumulative, low + rng.random(num_edges) * (high - low))
    intra = order[np.minimum(pick, starts[own + 1] - 1)]
    inter = np.searchsorted(cumulative, rng.random(num_edges) * cumulative[-1])
    target = np.where(rng.random(num_edges) < mixing, inter, intra)
    keep = source != target
    return np.stack([source[keep], target[keep]], axis=1).astype(np.int64), groups


def build(spec: GraphSpec) -> Graph:
    """Make the graph that ``spec`` names."""
    p = spec.params
    if spec.kind == "lfr":
        edges, n, truth = _lfr(p)
    elif spec.kind == "planted":
        edges, truth = planted_partition(p["nodes"], p["groups"], p["degree"], p["mixing"],
                                         seed=p.get("seed", 1))
        n = p["nodes"]
    elif spec.kind == "dcsbm":
        edges, truth = degree_corrected_sbm(p["nodes"], p["groups"], p["degree"], p["mixing"],
                                            seed=p.get("seed", 1))
        n = p["nodes"]
    elif spec.kind == "hierarchical":
        edges, levels = hierarchical_planted_partition(
            p["nodes"], tuple(p["branching"]), p["degree"], tuple(p["mixing"]),
            seed=p.get("seed", 1))
        n, truth = p["nodes"], levels[:, -1]
    elif spec.kind == "real":
        edges, n, truth = _real(p)
    else:
        raise ValueError(f"unknown graph kind {spec.kind!r}")
    info = {"nodes": int(n), "edges": int(len(edges))}
    if truth is not None:
        info["groups"] = int(np.unique(truth).size)
        info["realised_mixing"] = realised_mixing(edges, truth)
    return Graph(spec, edges, int(n), truth, info)
