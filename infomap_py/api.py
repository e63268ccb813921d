"""The front doors: coerce the input, check the arguments, call the engine."""

from __future__ import annotations

import dataclasses
import sys
from typing import Any, Callable

import numpy as np

from . import _validate as check
from ._core import mapeq
from ._core.search import score
from .convert import to_network
from .flow import Flow, flow_graph
from .flow import compute_flow as _compute_flow
from .network import Network
from .optimize import search
from .result import Codelength, InfomapResult, order_by_flow, partition_labels


def _network_and_flow(G, directed, weight, flow_model, teleportation, to_nodes,
                      recorded_teleportation, markov_time) -> tuple[Network, Flow, dict]:
    network = G if isinstance(G, Network) else to_network(G, directed=directed, weight=weight)
    if isinstance(G, Network) and directed is not None:
        network = dataclasses.replace(network, directed=bool(directed))
    params = {
        "flow_model": check.check_flow_model(flow_model, network.directed),
        "teleportation": check.check_probability("teleportation", teleportation),
        "to_nodes": check.check_bool("to_nodes", to_nodes),
        "recorded_teleportation": check.check_bool(
            "recorded_teleportation", recorded_teleportation
        ),
        "markov_time": check.check_positive("markov_time", markov_time),
    }
    flow = _compute_flow(network, **params)
    params["directed"] = network.directed
    return network, flow, params


def _score(flow: Flow, labels: np.ndarray) -> Codelength:
    """Return the two-level codelength of ``labels`` (dense ``0..k-1``) under ``flow``."""
    one_level = mapeq.one_level_codelength(flow.node_flow, 0.0)
    if flow.link_flow.shape[0] == 0 and not flow.node_flow.any():
        return Codelength(0.0, 0.0, 0.0)
    graph, node_data, node_enter, node_exit = flow_graph(flow)
    constants = np.array([mapeq.entropy_terms(node_data[0]), 0.0])
    num_modules = int(labels.max()) + 1 if labels.size else 0
    index, module = score(graph, node_data, node_enter, node_exit, constants,
                          np.ascontiguousarray(labels, dtype=np.int64), num_modules)
    return Codelength(index, module, one_level)


def cluster(
    G: Any,
    directed: bool | None = None,
    weight: str | None = "weight",
    flow_model: str | None = None,
    teleportation: float = 0.15,
    to_nodes: bool = False,
    recorded_teleportation: bool = False,
    markov_time: float = 1.0,
    trials: int = 1,
    seed: int = 123,
    initial_partition: Any = None,
    verbose: bool = False,
    progress: Callable[[int, str, int, float], None] | None = None,
) -> InfomapResult:
    """Find the two-level partition of ``G`` that minimises the map equation.

    Parameters
    ----------
    G : networkx.Graph, scipy.sparse matrix or array, or array_like
        The network: a networkx graph (any hashable node labels; isolated
        nodes are kept), a square sparse adjacency matrix (``[i, j]`` is the
        weight of the link ``i -> j``), or an integer edge array of shape
        ``(m, 2)`` or ``(m, 3)`` (weights in the third column).
    directed : bool or None
        ``None`` takes it from the input (a ``DiGraph`` is directed, a sparse
        matrix unless it is symmetric, an edge array is undirected).
    weight : str or None
        The networkx edge attribute holding link weights; ``None`` for 1.
    flow_model : {"undirected", "directed", "undirdir", "outdirdir", "rawdir"} or None
        How flow is computed, with the official Infomap meanings; ``None``
        means ``"directed"`` for directed input and ``"undirected"`` otherwise.
    teleportation : float
        Teleportation probability of the directed model, in (0, 1).
    to_nodes : bool
        Teleport to nodes uniformly (or by node weight) instead of to links.
    recorded_teleportation : bool
        Code teleportation steps too (off: only steps along links are coded).
    markov_time : float
        Scales the flow on links; larger gives fewer, larger modules.
    trials : int
        Independent runs; the shortest codelength wins.
    seed : int
        Seed of every random choice: the same seed gives the same labels.
    initial_partition : sequence of int, dict, list of sets, or None
        A partition to start from (in any form :func:`codelength` takes);
        its modules may merge and its nodes may move.
    verbose : bool
        Print progress to standard error.
    progress : callable or None
        Called as ``progress(trial, phase, num_modules, codelength)`` after
        every phase of every trial (``trial`` counts from 0; ``phase`` is
        ``"levels"``, ``"fine-tune"`` or ``"coarse-tune"``); replaces the
        ``verbose`` printing.

    Returns
    -------
    InfomapResult
        Nodes, labels (modules numbered by decreasing flow), modules as sets,
        the codelength and its parts, node and module flow, and every
        trial's codelength.

    Raises
    ------
    TypeError, ValueError
        For an unsupported input, bad weights or bad arguments; the message
        names the problem.

    Examples
    --------
    >>> import networkx as nx
    >>> import infomap_py
    >>> G = nx.barbell_graph(5, 0)
    >>> res = infomap_py.cluster(G)
    >>> res.num_modules
    2
    >>> sorted(map(sorted, res.modules))
    [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]]
    """
    network, flow, params = _network_and_flow(G, directed, weight, flow_model,
                                              teleportation, to_nodes,
                                              recorded_teleportation, markov_time)
    trials = check.check_count("trials", trials)
    seed = check.check_seed(seed)
    verbose = check.check_bool("verbose", verbose)
    user_progress = progress
    if user_progress is not None and not callable(user_progress):
        raise TypeError(f"progress must be callable or None, got {user_progress!r}")
    if verbose:
        print(f"infomap-py: {network!r}, flow model {params['flow_model']}", file=sys.stderr)
    initial = None
    if initial_partition is not None:
        initial = partition_labels(initial_partition, list(network.nodes))
    progress = None
    if verbose:
        def progress(trial, phase, k, length):
            print(f"trial {trial + 1}/{trials} {phase}: {k} modules, codelength {length:.9f} bits",
                  file=sys.stderr)
    if user_progress is not None:
        progress = user_progress
    found = search(flow, trials=trials, seed=seed, initial_labels=initial, progress=progress)
    params["trials"] = trials
    return _make_result(network, flow, params, found.labels, found.trial_codelengths, seed,
                        found.seconds)


def _make_result(network: Network, flow: Flow, params: dict, labels: np.ndarray,
                 trial_codelengths: np.ndarray, seed: int, seconds: float) -> InfomapResult:
    labels, module_flow = order_by_flow(labels, flow.node_flow)
    length = _score(flow, labels)
    return InfomapResult(
        nodes=list(network.nodes),
        labels=labels,
        codelength=float(length),
        index_codelength=length.index_codelength,
        module_codelength=length.module_codelength,
        one_level_codelength=length.one_level_codelength,
        flow=flow.node_flow,
        module_flow=module_flow,
        trial_codelengths=trial_codelengths,
        seed=seed,
        params=params,
        seconds=seconds,
        node_ids=network.node_ids,
        names=network.node_names,
        flow_data=flow,
    )


def evaluate(
    G: Any,
    partition: Any,
    directed: bool | None = None,
    weight: str | None = "weight",
    flow_model: str | None = None,
    teleportation: float = 0.15,
    to_nodes: bool = False,
    recorded_teleportation: bool = False,
    markov_time: float = 1.0,
) -> InfomapResult:
    """Return the result object of a given partition, without searching.

    Like :func:`codelength`, but returns a full :class:`InfomapResult`
    (modules renumbered by decreasing flow) that the writers can save.

    Examples
    --------
    >>> import networkx as nx
    >>> import infomap_py
    >>> res = infomap_py.evaluate(nx.barbell_graph(5, 0), [0] * 5 + [1] * 5)
    >>> res.num_modules, round(res.codelength, 6)
    (2, 2.642755)
    """
    network, flow, params = _network_and_flow(G, directed, weight, flow_model, teleportation,
                                              to_nodes, recorded_teleportation, markov_time)
    labels = partition_labels(partition, list(network.nodes))
    length = _score(flow, np.unique(labels, return_inverse=True)[1].astype(np.int64))
    params["trials"] = 0
    return _make_result(network, flow, params, labels, np.array([float(length)]), 0, 0.0)


def codelength(
    G: Any,
    partition: Any,
    directed: bool | None = None,
    weight: str | None = "weight",
    flow_model: str | None = None,
    teleportation: float = 0.15,
    to_nodes: bool = False,
    recorded_teleportation: bool = False,
    markov_time: float = 1.0,
) -> Codelength:
    """Return the two-level codelength of any partition of ``G``.

    Parameters
    ----------
    G
        The network, as for :func:`cluster`.
    partition : sequence of int, dict, list of sets, or InfomapResult
        Labels aligned with the nodes (for networkx graphs, in
        ``G.nodes()`` order; otherwise by node id), ``{node: module}``, or
        the modules as a list of sets of nodes.
    directed, weight, flow_model, teleportation, to_nodes, recorded_teleportation, markov_time
        The flow options, as for :func:`cluster`.

    Returns
    -------
    Codelength
        A float (bits) carrying ``index_codelength``, ``module_codelength``
        and ``one_level_codelength``.

    Examples
    --------
    >>> import networkx as nx
    >>> import infomap_py
    >>> G = nx.barbell_graph(5, 0)
    >>> L = infomap_py.codelength(G, [{0, 1, 2, 3, 4}, {5, 6, 7, 8, 9}])
    >>> round(float(L), 6), round(L.index_codelength, 6)
    (2.642755, 0.047619)
    """
    network, flow, _ = _network_and_flow(G, directed, weight, flow_model, teleportation,
                                         to_nodes, recorded_teleportation, markov_time)
    labels = partition_labels(partition, list(network.nodes))
    _, dense = np.unique(labels, return_inverse=True)
    return _score(flow, dense.astype(np.int64))


def compute_flow(
    G: Any,
    directed: bool | None = None,
    weight: str | None = "weight",
    flow_model: str | None = None,
    teleportation: float = 0.15,
    to_nodes: bool = False,
    recorded_teleportation: bool = False,
    markov_time: float = 1.0,
) -> Flow:
    """Return the flow of ``G`` (node visit rates and link flows).

    Parameters are those of :func:`cluster`.

    Examples
    --------
    >>> import networkx as nx
    >>> import infomap_py
    >>> flow = infomap_py.compute_flow(nx.path_graph(3))
    >>> flow.node_flow.tolist()
    [0.25, 0.5, 0.25]
    """
    return _network_and_flow(G, directed, weight, flow_model, teleportation, to_nodes,
                             recorded_teleportation, markov_time)[1]
