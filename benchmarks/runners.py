"""The tools under comparison, each behind one signature.

``RUNNERS[name](edges, num_nodes, trials, seed)`` returns a :class:`ToolRun`:
the top-level module of every node, the seconds spent building the tool's
own graph object and running its algorithm apart, and extra facts.  Peers
are imported inside their runner, so a missing one fails only its runs.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, field
from typing import Callable

import numpy as np


@dataclass
class ToolRun:
    labels: np.ndarray
    build_seconds: float
    run_seconds: float
    extra: dict = field(default_factory=dict)


def _weights(edges: np.ndarray) -> np.ndarray:
    from infomap_py.network import unit_weights

    return edges[:, 2].astype(float) if edges.shape[1] > 2 else unit_weights(len(edges))


def _infomap_py(two_level: bool) -> Callable[..., ToolRun]:
    def run(edges: np.ndarray, num_nodes: int, trials: int, seed: int) -> ToolRun:
        import infomap_py
        from infomap_py.network import Network

        start = time.perf_counter()
        network = Network(edges[:, 0].astype(np.int64), edges[:, 1].astype(np.int64),
                          _weights(edges), num_nodes, False, range(num_nodes))
        built = time.perf_counter()
        result = infomap_py.cluster(network, trials=trials, seed=seed, two_level=two_level)
        done = time.perf_counter()
        return ToolRun(result.labels, built - start, done - built,
                       {"num_levels": result.num_levels,
                        "own_codelength": float(result.codelength)})
    return run


def warm_up_infomap_py() -> float:
    """Compile (or load from the disk cache) the kernels; return the seconds."""
    import infomap_py
    from benchmarks.generators import hierarchical_planted_partition

    start = time.perf_counter()
    edges, _ = hierarchical_planted_partition(300, (2, 2), 8, (0.02, 0.1), seed=3)
    infomap_py.cluster(edges, trials=2, two_level=True)
    infomap_py.cluster(edges, trials=1)
    return time.perf_counter() - start


def run_official(edges: np.ndarray, num_nodes: int, trials: int, seed: int) -> ToolRun:
    import infomap

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = time.perf_counter()
        im = infomap.Infomap(silent=True, two_level=True, num_trials=trials, seed=seed)
        im.add_nodes(range(num_nodes))
        im.add_links(edges)  # the array itself: a list of tuples takes 3x as long to add
        built = time.perf_counter()
        im.run()
        done = time.perf_counter()
        labels = np.zeros(num_nodes, dtype=np.int64)
        for node, module in im.modules:
            labels[node] = module
        return ToolRun(labels, built - start, done - built,
                       {"own_codelength": float(im.codelength)})


def _igraph_graph(edges: np.ndarray, num_nodes: int):
    import igraph

    graph = igraph.Graph(n=num_nodes, edges=edges[:, :2].astype(np.int64).tolist())
    if edges.shape[1] > 2:
        graph.es["weight"] = _weights(edges).tolist()
    return graph


def run_igraph_infomap(edges: np.ndarray, num_nodes: int, trials: int, seed: int) -> ToolRun:
    import random

    start = time.perf_counter()
    graph = _igraph_graph(edges, num_nodes)
    built = time.perf_counter()
    random.seed(seed)
    import igraph

    igraph.set_random_number_generator(random)
    weights = "weight" if edges.shape[1] > 2 else None
    clustering = graph.community_infomap(edge_weights=weights, trials=trials)
    done = time.perf_counter()
    return ToolRun(np.array(clustering.membership, dtype=np.int64), built - start, done - built)


def run_leiden(edges: np.ndarray, num_nodes: int, trials: int, seed: int) -> ToolRun:
    import leidenalg

    start = time.perf_counter()
    graph = _igraph_graph(edges, num_nodes)
    built = time.perf_counter()
    weights = "weight" if edges.shape[1] > 2 else None
    partition = leidenalg.find_partition(graph, leidenalg.ModularityVertexPartition,
                                         weights=weights, seed=seed)
    done = time.perf_counter()
    return ToolRun(np.array(partition.membership, dtype=np.int64), built - start, done - built)


def run_louvain(edges: np.ndarray, num_nodes: int, trials: int, seed: int) -> ToolRun:
    import networkx as nx

    start = time.perf_counter()
    graph = nx.Graph()
    graph.add_nodes_from(range(num_nodes))
    if edges.shape[1] > 2:
        graph.add_weighted_edges_from(
            (int(u), int(v), float(w)) for u, v, w in edges.tolist())
    else:
        graph.add_edges_from(edges.tolist())
    built = time.perf_counter()
    communities = nx.community.louvain_communities(graph, seed=seed)
    done = time.perf_counter()
    labels = np.zeros(num_nodes, dtype=np.int64)
    for module, members in enumerate(communities):
        labels[list(members)] = module
    return ToolRun(labels, built - start, done - built)


#: Tool name -> runner.  Infomap-like tools minimise the map equation; Leiden
#: and Louvain maximise modularity, so their codelength is only for reference.
RUNNERS: dict[str, Callable[..., ToolRun]] = {
    "infomap-py": _infomap_py(two_level=True),
    "infomap-py-multilevel": _infomap_py(two_level=False),
    "infomap": run_official,
    "igraph-infomap": run_igraph_infomap,
    "leidenalg": run_leiden,
    "networkx-louvain": run_louvain,
}
