"""The front doors: coerce the input, check the arguments, call the engine."""

from __future__ import annotations

import contextlib
import dataclasses
import sys
import warnings
from typing import Any, Callable

import numpy as np

from . import _validate as check
from ._compile_notice import compile_notice
from ._progress import TrialProgress
from .convert import is_state_graph, to_network, to_state_network
from .errors import InfomapArgumentError, NotAPartitionError
from .flow import (
    DEFAULT_FLOW_TOLERANCE,
    DEFAULT_MAX_FLOW_ITERATIONS,
    DEFAULT_MIN_FLOW_ITERATIONS,
    Flow,
    FlowIteration,
    flow_graph,
)
from .flow import compute_flow as _compute_flow
from .multilayer import MultilayerNetwork
from .network import Network, StateNetwork, filter_links
from .result import Codelength, InfomapResult
from .result import partition_labels
from .tree import ModuleTree, build_tree, tree_from_paths, two_level_tree


def _labels_of(partition: Any, nodes: list) -> np.ndarray:
    """Return ``partition`` as an int label per node of ``nodes``
    (:func:`infomap_py.result.partition_labels`), raising
    :class:`~infomap_py.errors.NotAPartitionError` where it does not fit them."""
    try:
        return partition_labels(partition, nodes)
    except NotAPartitionError:
        raise
    except ValueError as err:
        raise NotAPartitionError(str(err)) from None


def _tree_from_paths(paths: Any) -> tuple[np.ndarray, np.ndarray]:
    """:func:`infomap_py.tree.tree_from_paths`, raising
    :class:`~infomap_py.errors.NotAPartitionError` for a path that is not one."""
    try:
        return tree_from_paths(paths)
    except ValueError as err:
        raise NotAPartitionError(str(err)) from None


# The engine (``.optimize`` and ``._core``, which import Numba) is imported by
# the functions that call it, so that ``import infomap_py`` stays light.

#: The flow and input keywords of every front door, with the official
#: defaults (``--use-node-weights-as-flow``, ``--max-flow-iterations``,
#: ``--min-flow-iterations``, ``--flow-tolerance``, ``--weight-threshold``,
#: ``--no-self-links``, ``--node-limit``); ``node_weights`` gives the node
#: weights from Python.
FLOW_INPUT_DEFAULTS: dict[str, Any] = {
    "node_weights": None,
    "use_node_weights_as_flow": False,
    "max_flow_iterations": DEFAULT_MAX_FLOW_ITERATIONS,
    "min_flow_iterations": DEFAULT_MIN_FLOW_ITERATIONS,
    "flow_tolerance": DEFAULT_FLOW_TOLERANCE,
    "weight_threshold": 0.0,
    "no_self_links": False,
    "node_limit": 0,
}

#: ``fast_hierarchical`` values, as in :mod:`infomap_py.optimize` (repeated
#: here so that the signature of :func:`cluster` needs no engine import): the
#: full search, and keep the super-module levels and split nothing.
FULL, SUPER_LEVELS_ONLY = 0, 2


def _network_and_flow(G, directed, weight, flow_model, teleportation, to_nodes,
                      recorded_teleportation, markov_time, bipartite_start_id=None,
                      bipartite_teleportation=False,
                      skip_adjust_bipartite_flow=False,
                      relax_to_self=None, objective=None,
                      num_physical=None, **flow_input) -> tuple[Network, Flow, dict]:
    """Return ``(network, flow, params)``; for a :class:`StateNetwork` the
    network of its state nodes, with the flow knowing their physical nodes
    (a :class:`MultilayerNetwork` is expanded into one first).
    ``relax_to_self``: the physical node of every state, for the two-step
    flow of a relax-to-self expansion.  ``objective``: the checked
    options of :func:`_objective_options` (regularization, variable Markov
    time); ``num_physical``: the physical nodes of a state network;
    ``flow_input``: the keywords of :data:`FLOW_INPUT_DEFAULTS` (node
    weights, power iteration, link filters)."""
    unknown = set(flow_input) - set(FLOW_INPUT_DEFAULTS)
    if unknown:  # pragma: no cover - a programming error in this module
        raise TypeError(f"unknown flow options {sorted(unknown)}")
    inputs = {**FLOW_INPUT_DEFAULTS, **flow_input}
    G = _as_state_network(G, directed, weight)  # a no-op where the caller did it
    objective = _objective_options() if objective is None else objective
    if isinstance(G, StateNetwork):
        if objective["regularized"] and G.layer is not None:
            raise InfomapArgumentError("regularized=True is not available for a multilayer network: its "
                             "regularized flow needs a layer-aware map equation, which the "
                             "official Infomap 2.16 release leaves out of its default build "
                             "too; expand it with to_state_network() and pass the "
                             "StateNetwork without its layers to regularize the states")

        # A multilayer expansion's links are directed whatever its layers'
        # were (a walker relaxes one way): ``directed`` described the input.
        directed = None if G.layer is not None else directed
        if inputs["node_limit"]:
            raise InfomapArgumentError("node_limit applies to networks of ordinary nodes, not to a "
                             "state or multilayer network")
        network, flow, params = _network_and_flow(G.network, directed, weight, flow_model,
                                                  teleportation, to_nodes,
                                                  recorded_teleportation, markov_time,
                                                  bipartite_start_id, bipartite_teleportation,
                                                  skip_adjust_bipartite_flow,
                                                  G.physical if G.relax_to_self else None,
                                                  objective, G.num_physical, **inputs)
        return network, dataclasses.replace(flow, physical=G.physical), params
    network = G if isinstance(G, Network) else to_network(G, directed=directed, weight=weight)
    if isinstance(G, Network) and directed is not None:
        network = dataclasses.replace(network, directed=bool(directed))
    if bipartite_start_id is not None:
        network = dataclasses.replace(
            network, bipartite_start_id=check.check_bipartite_start_id(bipartite_start_id))
    if inputs["node_weights"] is not None:
        network = dataclasses.replace(network, node_weights=check.check_node_weights(
            inputs["node_weights"], G, network.num_nodes))
    threshold = check.check_number("weight_threshold", inputs["weight_threshold"], 0.0)
    no_self_links = check.check_bool("no_self_links", inputs["no_self_links"])
    node_limit = check.check_count("node_limit", inputs["node_limit"], minimum=0)
    if relax_to_self is not None and (threshold > 0.0 or no_self_links):
        raise InfomapArgumentError("weight_threshold and no_self_links cannot filter the links of a "
                         "relax-to-self expansion; filter the layers' links instead")
    network = filter_links(network, threshold, no_self_links, node_limit)
    iteration = FlowIteration(*check.check_flow_iteration(
        inputs["max_flow_iterations"], inputs["min_flow_iterations"], inputs["flow_tolerance"]))
    use_node_weights = check.check_bool("use_node_weights_as_flow",
                                        inputs["use_node_weights_as_flow"])
    params = {
        "flow_model": check.check_flow_model(flow_model, network.directed),
        "teleportation": check.check_probability("teleportation", teleportation),
        "to_nodes": check.check_bool("to_nodes", to_nodes),
        "recorded_teleportation": check.check_bool(
            "recorded_teleportation", recorded_teleportation
        ),
        "markov_time": check.check_positive("markov_time", markov_time),
        "bipartite_teleportation": check.check_bool("bipartite_teleportation",
                                                    bipartite_teleportation),
        "skip_adjust_bipartite_flow": check.check_bool("skip_adjust_bipartite_flow",
                                                       skip_adjust_bipartite_flow),
    }
    _check_regularized(objective, params["flow_model"], network)
    flow = _compute_flow(network, **params, relax_to_self=relax_to_self,
                         regularized=objective["regularized"],
                         regularization_strength=objective["regularization_strength"],
                         num_physical=num_physical,
                         variable_markov_time=objective["variable_markov_time"],
                         variable_markov_damping=objective["variable_markov_damping"],
                         variable_markov_min_scale=objective["variable_markov_min_scale"],
                         iteration=iteration, use_node_weights_as_flow=use_node_weights)
    if objective["regularized"]:
        params["recorded_teleportation"] = True  # as the official: the prior is recorded
    params.update(objective)
    if not flow.flow_converged:
        warnings.warn(f"the flow did not converge: the power iteration stopped after "
                      f"{flow.flow_iterations} steps with an L1 change of {flow.flow_error:.3g} "
                      f"(tolerance {iteration.tolerance:g})", RuntimeWarning, stacklevel=3)
    for name, value in (("use_node_weights_as_flow", use_node_weights),
                        ("max_flow_iterations", iteration.max_iterations),
                        ("min_flow_iterations", iteration.min_iterations),
                        ("flow_tolerance", iteration.tolerance),
                        ("weight_threshold", threshold), ("no_self_links", no_self_links),
                        ("node_limit", node_limit)):
        if value != FLOW_INPUT_DEFAULTS[name]:
            params[name] = value
    params["directed"] = network.directed
    params["bipartite_start_id"] = network.bipartite_start_id
    return network, flow, params


# --- Objective options: regularization and variable Markov time -----------------------

def _objective_options(regularized: Any = False, regularization_strength: Any = 1.0,
                       intra_regularization_strength: Any = 1.0,
                       inter_regularization_strength: Any = 1.0,
                       multilayer_skip_absent_nodes: Any = False,
                       variable_markov_time: Any = False, variable_markov_damping: Any = 1.0,
                       variable_markov_min_scale: Any = 1.0) -> dict:
    """Return the regularization and variable-Markov-time options, checked."""
    options = {
        "regularized": check.check_bool("regularized", regularized),
        "regularization_strength": check.check_number(
            "regularization_strength", regularization_strength, 0.0),
        "intra_regularization_strength": check.check_number(
            "intra_regularization_strength", intra_regularization_strength, 0.0),
        "inter_regularization_strength": check.check_number(
            "inter_regularization_strength", inter_regularization_strength, 0.0),
        "multilayer_skip_absent_nodes": check.check_bool(
            "multilayer_skip_absent_nodes", multilayer_skip_absent_nodes),
        "variable_markov_time": check.check_bool("variable_markov_time", variable_markov_time),
        "variable_markov_damping": check.check_number(
            "variable_markov_damping", variable_markov_damping, 0.0, 1.0),
        "variable_markov_min_scale": check.check_positive(
            "variable_markov_min_scale", variable_markov_min_scale),
    }
    if options["multilayer_skip_absent_nodes"] and not options["regularized"]:
        raise InfomapArgumentError("multilayer_skip_absent_nodes=True needs regularized=True, as in "
                         "the official Infomap")
    return options


def _check_regularized(objective: dict, flow_model: str, network: Network) -> None:
    """Refuse the combinations of ``regularized`` the prior network is not defined for."""
    if not objective["regularized"]:
        return
    if flow_model not in ("undirected", "directed"):
        raise InfomapArgumentError(f"regularized=True needs flow_model 'undirected' or 'directed' (the "
                         f"prior network is defined for these), got {flow_model!r}")
    if network.bipartite_start_id is not None:
        raise InfomapArgumentError("regularized=True is not available for a bipartite network")


# --- The metadata map equation -------------------------------------------------------

#: The category of the nodes that ``meta_data`` leaves out: one category
#: they share, as the official Infomap's nodes without a row in the file.
_MISSING = object()


def _meta_categories(meta_data: Any, G: Any, network: Network) -> np.ndarray:
    """Return every node's metadata category as ids from 0 (in order of
    first appearance over the nodes), from a ``{node: category}`` dict, a
    sequence in node order or the name of a networkx node attribute."""
    nodes = list(network.nodes)
    if isinstance(meta_data, str):
        node_view = getattr(G, "nodes", None)
        if node_view is None or not callable(getattr(node_view, "data", None)):
            raise TypeError(f"meta_data={meta_data!r} names a node attribute, which needs a "
                            "networkx graph; pass a dict or one category per node instead")
        values = [node_view[node].get(meta_data, _MISSING) for node in nodes]
        if all(v is _MISSING for v in values):
            raise InfomapArgumentError(f"meta_data: no node has the attribute {meta_data!r}")
    elif isinstance(meta_data, dict):
        known = set(nodes)
        extra = next((key for key in meta_data if key not in known), _MISSING)
        if extra is not _MISSING:
            raise InfomapArgumentError(f"meta_data has a category for {extra!r}, which is not a node")
        values = [meta_data.get(node, _MISSING) for node in nodes]
    else:
        if isinstance(meta_data, (bytes, set, frozenset)) or not hasattr(meta_data, "__len__"):
            raise TypeError("meta_data must be a dict {node: category}, a sequence of one "
                            "category per node or a node attribute name, got "
                            f"{type(meta_data).__name__}")
        values = meta_data.tolist() if isinstance(meta_data, np.ndarray) else list(meta_data)
        if len(values) != len(nodes):
            raise InfomapArgumentError(f"meta_data has {len(values)} categories for {len(nodes)} nodes")
    codes: dict = {}
    categories = np.empty(len(values), dtype=np.int64)
    for i, value in enumerate(values):
        try:
            categories[i] = codes.setdefault(value, len(codes))
        except TypeError:
            raise TypeError(f"meta_data: the category of node {nodes[i]!r} must be hashable, "
                            f"got {value!r}") from None
    return categories


def _with_meta(G: Any, network: Network, flow: Flow, params: dict, meta_data: Any,
               meta_data_rate: Any, meta_data_unweighted: Any) -> Flow:
    """Return ``flow`` coding ``meta_data`` (the metadata map equation), or
    ``flow`` itself when ``meta_data`` is ``None``; record the options in
    ``params``."""
    rate = check.check_number("meta_data_rate", meta_data_rate, 0.0)
    unweighted = check.check_bool("meta_data_unweighted", meta_data_unweighted)
    if meta_data is None:
        return flow
    if isinstance(G, StateNetwork) or flow.physical is not None:
        raise InfomapArgumentError("meta_data is not available for a state or multilayer network (the "
                         "official Infomap then drops the physical nodes of the memory map "
                         "equation); to code metadata on the state nodes, pass their network "
                         "(StateNetwork.network) as a plain network")
    categories = _meta_categories(meta_data, G, network)
    params.update(meta_data_rate=rate, meta_data_unweighted=unweighted)
    return dataclasses.replace(flow, meta=categories, meta_rate=rate,
                               meta_unweighted=unweighted)


# --- The biased map equation: entropy correction, preferred number of modules -----------

def _bias_options(entropy_corrected: Any = False, entropy_correction_strength: Any = 1.0,
                  preferred_number_of_modules: Any = 0) -> dict:
    """Return the options of the biased map equation, checked."""
    return {
        "entropy_corrected": check.check_bool("entropy_corrected", entropy_corrected),
        "entropy_correction_strength": check.check_number(
            "entropy_correction_strength", entropy_correction_strength, 0.0),
        "preferred_number_of_modules": check.check_count(
            "preferred_number_of_modules", preferred_number_of_modules, minimum=0),
    }


def _total_degree(network: Network) -> float:
    """The official entropy correction's total degree: twice the link
    weight (a self-link counted once), or twice the number of links where
    that is more (the correction counts discrete link events)."""
    source, target = network.source, network.target
    weight = np.asarray(network.weight, dtype=float)
    keys = np.unique(np.stack([source, target], axis=1), axis=0) if source.size else source
    self_links = source == target
    weighted = 2.0 * weight.sum() - weight[self_links].sum()
    unweighted = 2 * len(keys) - int((keys[:, 0] == keys[:, 1]).sum()) if source.size else 0
    return max(weighted, float(unweighted))


def _bias(G: Any, network: Network, options: dict) -> np.ndarray | None:
    """Return the biased map equation's ``[preferred_num_modules,
    module_correction, node_correction]`` (see :mod:`infomap_py._core.mapeq`),
    or ``None`` for the plain map equation.  As the official Infomap, a
    state network's objective (the memory map equation) leaves both out,
    with a warning."""
    preferred = options["preferred_number_of_modules"]
    corrected = options["entropy_corrected"]
    if not corrected and not preferred:
        return None
    if isinstance(G, StateNetwork):
        for name, on in (("entropy_corrected", corrected),
                         ("preferred_number_of_modules", preferred)):
            if on:
                warnings.warn(f"{name} has no effect on a state or multilayer network: "
                              f"the memory map equation is optimized and reported without "
                              f"it, as in the official Infomap", UserWarning, stacklevel=3)
        return None
    correction = 0.0
    degree = _total_degree(network)
    if corrected and degree > 0.0:
        correction = options["entropy_correction_strength"] / (2.0 * degree * np.log(2.0))
    return np.array([float(preferred), correction, correction * network.num_nodes])


def _flow_input(arguments: dict) -> dict:
    """The keywords of :data:`FLOW_INPUT_DEFAULTS` among a front door's ``locals()``."""
    return {name: arguments[name] for name in FLOW_INPUT_DEFAULTS}


def _one_level_codelength(flow: Flow, bias: np.ndarray | None = None) -> float:
    """The codelength of one module holding every node (coding physical
    nodes for a state network's flow, and every node's category with
    metadata), under the biased map equation's ``bias`` if given."""
    from ._core import mapeq

    length = mapeq.one_level_codelength(flow.physical_flow, 0.0)
    if flow.meta is not None:
        from ._core.meta import meta_term
        from .flow import meta_nodes

        length += meta_term(meta_nodes(flow), np.zeros(flow.num_nodes, dtype=np.int64), 1)
    if bias is not None:
        index, module = mapeq.count_bias(1, mapeq.new_constants(0.0, 0.0, bias))
        length += index + module
    return length


def _score(flow: Flow, labels: np.ndarray, bias: np.ndarray | None = None) -> Codelength:
    """Return the two-level codelength of ``labels`` (dense ``0..k-1``) under
    ``flow`` (and the biased map equation's ``bias``)."""
    from ._core import mapeq
    from ._core.search import node_entropy, score

    if flow.link_flow.shape[0] == 0 and not flow.node_flow.any():
        return Codelength(0.0, 0.0, 0.0)
    net = flow_graph(flow)
    one_level = _one_level_codelength(flow, bias)
    constants = mapeq.new_constants(node_entropy(net), 0.0,
                                    np.zeros(3) if bias is None else bias)
    num_modules = int(labels.max()) + 1 if labels.size else 0
    index, module = score(net, constants, np.ascontiguousarray(labels, dtype=np.int64),
                          num_modules)
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
    bipartite_start_id: int | None = None,
    bipartite_teleportation: bool = False,
    skip_adjust_bipartite_flow: bool = False,
    regularized: bool = False,
    regularization_strength: float = 1.0,
    intra_regularization_strength: float = 1.0,
    inter_regularization_strength: float = 1.0,
    multilayer_skip_absent_nodes: bool = False,
    variable_markov_time: bool = False,
    variable_markov_damping: float = 1.0,
    variable_markov_min_scale: float = 1.0,
    # -- the biased map equation --
    entropy_corrected: bool = False,
    entropy_correction_strength: float = 1.0,
    preferred_number_of_modules: int = 0,
    # -- end of the biased map equation --
    node_weights: Any = None,
    use_node_weights_as_flow: bool = False,
    max_flow_iterations: int = DEFAULT_MAX_FLOW_ITERATIONS,
    min_flow_iterations: int = DEFAULT_MIN_FLOW_ITERATIONS,
    flow_tolerance: float = DEFAULT_FLOW_TOLERANCE,
    weight_threshold: float = 0.0,
    no_self_links: bool = False,
    node_limit: int = 0,
    # -- metadata map equation --
    meta_data: Any = None,
    meta_data_rate: float = 1.0,
    meta_data_unweighted: bool = False,
    # -- end of metadata map equation --
    trials: int = 1,
    seed: int = 123,
    initial_partition: Any = None,
    two_level: bool = False,
    fast_hierarchical: int = FULL,
    n_jobs: int | str | None = None,
    # -- search controls (the official "Accuracy" options) --
    core_loop_limit: int = 10,
    core_level_limit: int = 0,
    tune_iteration_limit: int = 0,
    core_loop_codelength_threshold: float = 1e-10,
    tune_iteration_relative_threshold: float = 1e-5,
    prefer_modular_solution: bool = False,
    trial_offset: int = 0,
    print_all_trials: bool = False,
    num_random_moves: int | None = None,
    max_degree_for_random_moves: int = 2,
    # -- end of search controls --
    # -- preferred depth of the tree --
    preferred_number_of_levels: int = 0,
    preferred_number_of_levels_strength: float = 1.0,
    # -- end of preferred depth of the tree --
    verbose: bool = False,
    progress: Callable[[int, str, int, float], None] | None = None,
    progress_bar: bool | None = None,
) -> InfomapResult:
    """Find the module tree of ``G`` that minimises the map equation.

    By default the search is multilevel, as the official Infomap's: modules
    within modules, as deep as the flow supports (``two_level=True`` for
    modules of nodes only).

    Parameters
    ----------
    G : networkx.Graph, scipy.sparse matrix or array, or array_like
        The network: a networkx graph (any hashable node labels; isolated
        nodes are kept; weights must be real numbers), a square sparse
        adjacency matrix (``[i, j]`` is the weight of the link ``i -> j``), or
        an integer edge array of shape ``(m, 2)`` or ``(m, 3)`` (weights in
        the third column; ids are node indices, so the nodes are
        ``0..max id``).  A NumPy array or list is always an edge array: pass
        a dense adjacency matrix ``A`` as ``scipy.sparse.csr_array(A)``.
        Arrays of shape ``(2, 2)`` and ``(3, 3)`` could be either and are
        refused; pass two or three links as a networkx graph.  Or a
        :class:`~infomap_py.StateNetwork` (memory network): flow is computed
        on its state nodes and the memory map equation codes its physical
        nodes, so a physical node may be in several modules; the result's
        nodes are the states, and ``result.physical_modules`` gives the
        physical view.  A :class:`~infomap_py.MultilayerNetwork` is
        expanded into its state network with the official defaults (relax
        rate 0.15); call its ``to_state_network`` for other options.  Or an
        ``igraph.Graph`` (vertex ``name``s as node labels), a
        ``pandas.DataFrame`` edge list (columns ``source``, ``target`` and
        optionally ``weight``; any hashable ids) or a torch ``edge_index``
        tensor of shape ``(2, m)``; see :mod:`infomap_py.adapters`.
    directed : bool or None
        ``None`` takes it from the input (a ``DiGraph`` or directed igraph
        graph is directed, a sparse matrix unless it is symmetric; an edge
        array, a DataFrame and an ``edge_index`` are undirected).
    weight : str, torch.Tensor, array_like or None
        The networkx or igraph edge attribute, or the DataFrame column,
        holding link weights (missing means 1); with an ``edge_index``, a
        tensor or array of one weight per column.  ``None`` for 1.
    flow_model : {"undirected", "directed", "undirdir", "outdirdir", "rawdir", \
"precomputed"} or None
        How flow is computed, with the official Infomap meanings; ``None``
        means ``"directed"`` for directed input and ``"undirected"`` otherwise.
        On an undirected graph the directed models use every edge in both
        directions, so the flow depends on the graph only (not on the order
        its edges were added in).
    teleportation : float
        Teleportation probability of the directed model, in (0, 1).  The
        PageRank is iterated to convergence (L1 change at most 1e-15) at
        any teleportation; ``result.flow_iterations``, ``flow_error`` and
        ``flow_converged`` report it, and a flow that does not converge
        warns (``RuntimeWarning``).
    to_nodes : bool
        Teleport to nodes uniformly (or by node weight) instead of to links.
    recorded_teleportation : bool
        Code teleportation steps too (off: only steps along links are coded).
    markov_time : float
        Scales the flow on links; larger gives fewer, larger modules.
    bipartite_start_id : int or None
        Makes the network bipartite: nodes whose id (``Network.node_ids``:
        the label where labels are integers, else the node index) is at
        least this are *feature* nodes, the others primary nodes.  ``None``
        keeps what the input says (a :class:`Network` read from a
        ``*Bipartite`` file, a networkx graph with ``bipartite`` node
        attributes).  By default the feature nodes then hand their flow
        to the primary nodes they link (they get no flow), and link flows
        are doubled: a step between primary nodes takes two steps.
    bipartite_teleportation : bool
        Keep the feature nodes' flow and double the link flows; with the
        directed model, flow is a two-step walk primary -> feature ->
        primary that teleports to primary nodes only (this needs links
        from feature nodes to primary nodes).
    skip_adjust_bipartite_flow : bool
        Keep the flow model's flow on feature nodes (no adjustment).
    entropy_corrected : bool
        Optimize and report the biased map equation's entropy correction
        (official ``--entropy-corrected``): ``strength * (k - 1 + N) / (2 D
        ln 2)`` bits for ``k`` modules of ``N`` nodes with total degree ``D``
        (twice the link weight, or twice the number of links where that is
        more), which penalizes many small modules in sparse data.
    entropy_correction_strength : float
        Scales the correction, >= 0 (official default 1).
    preferred_number_of_modules : int
        Add ``|k - preferred|`` bits to the codelength of ``k`` top modules
        (official ``--preferred-number-of-modules``; 0, the default, sets no
        preference).  As in the official Infomap, the partition is then
        never replaced by one module, and no super-modules are searched
        above that many top modules.
    node_weights : str, array_like or None
        Node weights (the official node weight, default 1): the name of a
        node attribute of a networkx graph (a node without it weighs 1), or
        one number >= 0 per node in node order.  ``None`` keeps the input's
        (a Pajek file's ``*Vertices`` weights).  They set where teleportation
        to nodes lands (``to_nodes``) and the node flow of
        ``flow_model="precomputed"`` and ``use_node_weights_as_flow``.
    use_node_weights_as_flow : bool
        Replace the node flow of the flow model by the node weights,
        normalised to sum 1; link flows stay the model's (official
        ``--use-node-weights-as-flow``).  With ``flow_model="precomputed"``
        the node weights are the node flow and the link weights, as they
        are, the link flow.
    max_flow_iterations : int
        Cap on the power iteration of the directed flow, PageRank or the
        walk of ``regularized`` (official ``--max-flow-iterations``); 0,
        the default, sets none: the iteration runs to ``flow_tolerance`` and
        where PageRank is slow its stationary flow is solved for directly.
    min_flow_iterations : int
        Power-iteration steps before the flow may count as converged
        (default 50).
    flow_tolerance : float
        The L1 change of the node flow in one step at which the iteration
        stops (default 1e-15).
    weight_threshold : float
        Drop links whose weight is below this (official
        ``--weight-threshold``; default 0 keeps all).
    no_self_links : bool
        Drop links from a node to itself (official ``--no-self-links``).
    node_limit : int
        Keep only the nodes whose id is at most this, and their links among
        each other (official ``--node-limit``); 0, the default, keeps all.
    meta_data : dict, sequence, str or None
        Node categories to code with the metadata map equation (official
        ``--meta-data``): ``{node: category}``, one category per node in node
        order, or the name of a networkx node attribute.  Categories are
        any hashable values; nodes left out share one category of their
        own, as in the official Infomap.  Every module then also codes the
        categories of its nodes, which ``module_codelength`` includes.  Not
        available for state and multilayer networks.
    meta_data_rate : float
        The weight of the metadata term, >= 0 (official ``--meta-data-rate``,
        default 1: a category is coded at every step).
    meta_data_unweighted : bool
        Code every node's category at the same rate ``1 / N`` instead of
        its flow (official ``--meta-data-unweighted``).
    trials : int
        Independent runs; the shortest codelength wins.
    seed : int
        Seed of every random choice: the same seed gives the same labels.
    initial_partition : sequence of int, dict, list of sets, or None
        A partition to start from (in any form :func:`codelength` takes;
        of a tree, its top modules); its modules may merge and its nodes
        may move.
    two_level : bool
        Find a two-level partition (modules of nodes) instead of a tree.
    fast_hierarchical : {0, 1, 2, 3}
        0: the full multilevel search (super-modules, then every top module
        split into sub-modules recursively); 1: keep every level of
        super-modules and split only the bottom modules; 2: keep the
        super-module levels and split nothing (fastest); 3 (the official
        ``-FFF``) searches as 2 does, as in the official Infomap.
    n_jobs : int, "auto" or None
        Threads for the search: trials run in parallel, and a single trial
        splits its modules in parallel.  ``"auto"`` or ``None``: the first
        positive count in ``INFOMAP_NUM_THREADS``, ``SLURM_CPUS_PER_TASK``,
        ``OMP_NUM_THREADS``, else every CPU this process may use (the
        official ``--num-threads auto``).  The result does not depend on it.
    core_loop_limit : int
        Sweeps over the nodes per core loop on single nodes (the finest
        level and fine-tuning), at least 1 (official ``-M``, default 10);
        aggregated levels and coarse-tuning sweep up to 20 times.
    core_level_limit : int
        Levels of aggregation per search of the levels, counting the level
        of modules it starts from (official ``-L``; 0: no limit).  1 keeps
        the modules of the first core loop.
    tune_iteration_limit : int
        Iterations of the two-level search, counting the first search of
        the levels (official ``-T``; 0: no limit): ``n`` allows ``n - 1``
        rounds of fine- or coarse-tuning, so 1 tunes nothing.
    core_loop_codelength_threshold : float
        A core loop goes on, and a tuning round, a super-module level or a
        split into sub-modules is kept, only while it shortens the
        codelength by more than this many bits (official default 1e-10).
    tune_iteration_relative_threshold : float
        A tuning round counts as an improvement only if it also shortens
        the codelength by this fraction of the one-level codelength; two
        rounds in a row without improvement end the tuning (official
        default 1e-5).
    prefer_modular_solution : bool
        Keep the modules found even where one module codes the walk shorter
        (by default such a partition becomes one module).
    trial_offset : int
        Trial ``t`` runs as trial ``trial_offset + t`` of a run from trial
        0: ``trials=1, trial_offset=i`` repeats trial ``i`` of a longer run
        with the same seed (official ``--trial-offset``; default 0).
    print_all_trials : bool
        Keep every trial's result, in trial order, in the result's
        ``trial_results`` (the command-line tool writes each to files of its
        own, as the official does); only with more than one trial.
    num_random_moves : int or None
        In every sweep of the core loop, a node with at most
        ``max_degree_for_random_moves`` links also tries the modules of this
        many random nodes (official ``--num-random-moves``, default 5).
        ``None``: 5 where the objective gives a module or a node bits of its
        own, so that joining an unlinked module can pay (the biased map
        equation, metadata, recorded teleportation, ``regularized``), else 0:
        a plain map-equation run tries none, as such a move never shortens
        its codelength, and keeps its results for a seed.
    max_degree_for_random_moves : int
        Try random moves only for nodes with at most this many links (>= 0;
        official ``--max-degree-for-random-moves``, default 2; as the
        official counts them: a link in each direction counts apart, an
        undirected link once).
    preferred_number_of_levels : int
        A soft preference for the depth of the module tree, in the
        official's levels (a two-level partition has 2; 0, the default: no
        preference).  A level of super-modules or of sub-modules is kept
        even if it codes up to ``strength * (preferred - depth + 1/2) / ln
        2`` bits longer (below the preferred depth) or only if it codes that
        much shorter (at or above it); the tree is then kept as found, with
        no module dissolved for not paying.  Steering to a shallower tree is
        reliable, deeper is best-effort.  No effect with ``two_level``
        (official ``--preferred-number-of-levels``).
    preferred_number_of_levels_strength : float
        Scales the preference (>= 0; 0 turns it off; default 1).
    verbose : bool
        Print progress to standard error: a line per phase of every trial
        (and, unless ``progress_bar=False``, the progress bar).
    progress : callable or None
        Called as ``progress(trial, phase, num_modules, codelength)`` as
        every phase of every trial ends (``trial`` counts from 0; ``phase`` is
        ``"levels"``, ``"fine-tune"``, ``"coarse-tune"``, then ``"merge"`` for
        a two-level search, or ``"super-modules"`` and ``"sub-modules"`` for a
        tree); replaces the ``verbose`` printing.
    progress_bar : bool or None
        Show a progress bar over the trials on standard error, telling the
        phase that ended last and the best codelength so far: only where
        standard error is a terminal, and only once the run has lasted two
        seconds.  It needs tqdm (``pip install 'infomap-py[progress]'``);
        without it, one status line that updates in place stands in for it
        (none with ``verbose``).  ``None`` (the default) follows
        ``verbose``.  The bar changes no result.

    Returns
    -------
    InfomapResult
        Nodes, labels of the top modules (numbered by decreasing flow),
        modules as sets, the module tree (``paths``, ``num_levels``,
        ``modules_at(level)``, ``tree``), the codelength and its parts,
        node and module flow, and every trial's codelength.

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
    from .optimize import search

    G = _as_state_network(G, directed, weight)
    objective = _objective_options(
        regularized, regularization_strength, intra_regularization_strength,
        inter_regularization_strength, multilayer_skip_absent_nodes, variable_markov_time,
        variable_markov_damping, variable_markov_min_scale)
    bias_options = _bias_options(entropy_corrected, entropy_correction_strength,
                                 preferred_number_of_modules)
    verbose = check.check_bool("verbose", verbose)
    progress_bar = verbose if progress_bar is None else check.check_bool("progress_bar",
                                                                         progress_bar)
    # With verbose=True, say so while the kernels compile on a first run.
    with compile_notice(verbose):
        network, flow, params = _network_and_flow(G, directed, weight, flow_model,
                                                  teleportation, to_nodes,
                                                  recorded_teleportation, markov_time,
                                                  bipartite_start_id, bipartite_teleportation,
                                                  skip_adjust_bipartite_flow, objective=objective,
                                                  **_flow_input(locals()))
        flow = _with_meta(G, network, flow, params, meta_data, meta_data_rate,
                          meta_data_unweighted)
        trials = check.check_count("trials", trials, maximum=check.MAX_TRIALS)
        seed = check.check_seed(seed)
        two_level = check.check_bool("two_level", two_level)
        fast_hierarchical = check.check_choice("fast_hierarchical", fast_hierarchical,
                                               range(FULL, SUPER_LEVELS_ONLY + 2))
        if n_jobs is not None and not (isinstance(n_jobs, str) and n_jobs == "auto"):
            n_jobs = check.check_count("n_jobs", n_jobs, maximum=check.MAX_THREADS)
        controls = _search_controls(core_loop_limit, core_level_limit, tune_iteration_limit,
                                    core_loop_codelength_threshold,
                                    tune_iteration_relative_threshold, prefer_modular_solution)
        trial_offset = check.check_count("trial_offset", trial_offset, minimum=0,
                                         maximum=check.MAX_TRIALS)
        preference = _level_preference(preferred_number_of_levels,
                                       preferred_number_of_levels_strength)
        print_all_trials = check.check_bool("print_all_trials", print_all_trials)
        if progress is not None and not (callable(progress)
                                         or isinstance(progress, TrialProgress)):
            raise TypeError(f"progress must be callable or None, got {progress!r}")
        if verbose:
            iterations = (f" ({flow.flow_iterations} power iterations, L1 change "
                          f"{flow.flow_error:.2g})" if flow.flow_iterations else "")
            print(f"infomap-py: {network!r}, flow model {params['flow_model']}{iterations}",
                  file=sys.stderr)
        initial = None
        if initial_partition is not None:
            initial = _labels_of(initial_partition, list(network.nodes))
        keep_trials = print_all_trials and trials > 1
        bias = _bias(G, network, bias_options)
        if bias is not None:
            params.update(bias_options)
        random_moves = _random_moves(num_random_moves, max_degree_for_random_moves,
                                     bias is not None or flow.meta is not None
                                     or bool(params.get("recorded_teleportation")))
        if random_moves[0] > 0:
            params.update(num_random_moves=random_moves[0],
                          max_degree_for_random_moves=random_moves[1])
        if isinstance(progress, TrialProgress):
            # The command-line tool's: it shows the phases its own way.
            shown = contextlib.nullcontext(progress)
        else:
            shown = TrialProgress(trials, bar=progress_bar, verbose=verbose, callback=progress)
        with shown as observer:
            listening = observer.is_active
            found = search(flow, trials=trials, seed=seed, two_level=two_level,
                           fast_hierarchical=min(fast_hierarchical, SUPER_LEVELS_ONLY),
                           initial_labels=initial,
                           progress=observer.phase if listening else None,
                           n_jobs=None if n_jobs == "auto" else n_jobs,
                           controls=controls, trial_offset=trial_offset,
                           keep_trials=keep_trials, bias=bias, preference=preference,
                           random_moves=random_moves,
                           trial_done=observer.trial_done if listening else None)
        params.update(trials=trials, two_level=two_level, fast_hierarchical=fast_hierarchical,
                      **dataclasses.asdict(controls), trial_offset=trial_offset)
        if preference.levels:
            params.update(preferred_number_of_levels=preference.levels,
                          preferred_number_of_levels_strength=preference.strength)
        tree = build_tree(flow, found.parent, found.leaf_module, found.kernel_graph, bias)
        trial_results = None
        if keep_trials:
            trial_results = tuple(
                _make_result(network, flow, params,
                             build_tree(flow, parent, leaf_module, found.kernel_graph, bias),
                             found.trial_codelengths[t:t + 1], seed, 0.0, _states_of(G), bias)
                for t, (parent, leaf_module) in enumerate(found.trial_trees))
        result = _make_result(network, flow, params, tree, found.trial_codelengths, seed,
                              found.seconds, _states_of(G), bias)
        if trial_results is not None:
            result = dataclasses.replace(result, trial_results=trial_results)
        return result


#: The official ``--num-random-moves``, where random moves are on by default.
NUM_RANDOM_MOVES = 5


def _random_moves(num_random_moves: Any, max_degree: Any, objective_variant: bool
                  ) -> tuple[int, int]:
    """Return ``(num_random_moves, max_degree_for_random_moves)``, checked:
    ``None`` turns random moves on (:data:`NUM_RANDOM_MOVES`) only for an
    ``objective_variant``, where a module or a node costs bits of its own,
    and leaves plain map-equation runs as they were."""
    if num_random_moves is None:
        num_random_moves = NUM_RANDOM_MOVES if objective_variant else 0
    num_random_moves = check.check_count("num_random_moves", num_random_moves, minimum=0)
    max_degree = check.check_count("max_degree_for_random_moves", max_degree, minimum=0)
    return num_random_moves, max_degree


def _search_controls(core_loop_limit: Any, core_level_limit: Any, tune_iteration_limit: Any,
                     core_loop_codelength_threshold: Any,
                     tune_iteration_relative_threshold: Any,
                     prefer_modular_solution: Any) -> Any:
    """Check the search controls; return them as the engine's ``SearchControls``."""
    from .two_level import SearchControls

    return SearchControls(
        core_loop_limit=check.check_count("core_loop_limit", core_loop_limit,
                                          maximum=check.MAX_LOOPS),
        core_level_limit=check.check_count("core_level_limit", core_level_limit, minimum=0,
                                           maximum=check.MAX_LOOPS),
        tune_iteration_limit=check.check_count("tune_iteration_limit", tune_iteration_limit,
                                               minimum=0, maximum=check.MAX_LOOPS),
        core_loop_codelength_threshold=check.check_number(
            "core_loop_codelength_threshold", core_loop_codelength_threshold, 0.0),
        tune_iteration_relative_threshold=check.check_number(
            "tune_iteration_relative_threshold", tune_iteration_relative_threshold, 0.0),
        prefer_modular_solution=check.check_bool("prefer_modular_solution",
                                                 prefer_modular_solution),
    )


def _level_preference(preferred_number_of_levels: Any,
                      preferred_number_of_levels_strength: Any) -> Any:
    """Check the preference for the depth of the tree; return it as the
    engine's ``LevelPreference``."""
    from .multilevel import LevelPreference

    return LevelPreference(
        levels=check.check_count("preferred_number_of_levels", preferred_number_of_levels,
                                 minimum=0, maximum=check.MAX_LOOPS),
        strength=check.check_number("preferred_number_of_levels_strength",
                                    preferred_number_of_levels_strength, 0.0))


def _as_state_network(G: Any, directed: bool | None = None, weight: str | None = "weight"
                      ) -> Any:
    """A :class:`MultilayerNetwork` expanded into its state network with the
    official defaults, a networkx graph of state nodes (every node with a
    ``node_id`` attribute) as its :class:`StateNetwork`; any other input as
    it is."""
    if isinstance(G, MultilayerNetwork):
        return G.to_state_network()
    if is_state_graph(G):
        return to_state_network(G, directed=directed, weight=weight)
    return G


def _states_of(G: Any) -> StateNetwork | None:
    return G if isinstance(G, StateNetwork) else None


def _make_result(network: Network, flow: Flow, params: dict, tree: ModuleTree,
                 trial_codelengths: np.ndarray, seed: int, seconds: float,
                 states: StateNetwork | None = None,
                 bias: np.ndarray | None = None) -> InfomapResult:
    length = _tree_codelength(flow, tree, bias)
    num_top = tree.num_top_modules
    return InfomapResult(
        nodes=list(network.nodes),
        labels=tree.ancestors_at(1) - 1,
        codelength=float(length),
        index_codelength=length.index_codelength,
        module_codelength=length.module_codelength,
        one_level_codelength=length.one_level_codelength,
        flow=flow.node_flow,
        module_flow=tree.flow[1:num_top + 1].copy(),
        trial_codelengths=trial_codelengths,
        seed=seed,
        params=params,
        seconds=seconds,
        node_ids=network.node_ids,
        names=network.node_names,
        flow_data=flow,
        tree=tree,
        state_network=states,
        network=network,
    )


def _tree_codelength(flow: Flow, tree: ModuleTree, bias: np.ndarray | None = None
                     ) -> Codelength:
    one_level = _one_level_codelength(flow, bias)
    if flow.link_flow.shape[0] == 0 and not flow.node_flow.any():
        return Codelength(0.0, 0.0, 0.0)
    index = float(tree.codelength[0])
    module = float(tree.codelength[1:].sum()) + tree.preference_codelength
    return Codelength(index, module, one_level)


def _tree_arrays(partition: Any, nodes: list) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(parent, leaf_module)`` of a tree or of a flat partition
    (a two-level tree)."""
    tree = _as_tree(partition, nodes)
    if tree is not None:
        return tree
    _, labels = np.unique(_labels_of(partition, nodes), return_inverse=True)
    return two_level_tree(labels)


def _as_tree(partition: Any, nodes: list) -> tuple[np.ndarray, np.ndarray] | None:
    """Return ``(parent, leaf_module)`` when ``partition`` is a module tree
    (a result or ``ModuleTree`` with more than two levels, or node paths);
    ``None`` for a flat partition."""
    if isinstance(partition, InfomapResult):
        partition = partition.tree
    if isinstance(partition, ModuleTree):
        if partition.leaf_module.shape[0] != len(nodes):
            raise NotAPartitionError(f"the tree has {partition.leaf_module.shape[0]} nodes, "
                             f"the network {len(nodes)}")
        return partition.parent, partition.leaf_module
    if isinstance(partition, dict):
        values = list(partition.values())
        if values and all(isinstance(v, (tuple, list)) for v in values):
            missing = [node for node in nodes if node not in partition]
            if missing:
                raise NotAPartitionError(f"the tree has no path for node {missing[0]!r}")
            if len(partition) > len(nodes):
                known = set(nodes)
                extra = next(key for key in partition if key not in known)
                raise NotAPartitionError(f"the tree has a path for {extra!r}, which is not a node")
            return _tree_from_paths([partition[node] for node in nodes])
        return None
    if (isinstance(partition, (list, tuple)) and partition
            and all(isinstance(v, (tuple, list)) for v in partition)):
        if len(partition) != len(nodes):
            raise NotAPartitionError(f"the tree has {len(partition)} paths for {len(nodes)} nodes")
        return _tree_from_paths(partition)
    return None


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
    bipartite_start_id: int | None = None,
    bipartite_teleportation: bool = False,
    skip_adjust_bipartite_flow: bool = False,
    regularized: bool = False,
    regularization_strength: float = 1.0,
    intra_regularization_strength: float = 1.0,
    inter_regularization_strength: float = 1.0,
    multilayer_skip_absent_nodes: bool = False,
    variable_markov_time: bool = False,
    variable_markov_damping: float = 1.0,
    variable_markov_min_scale: float = 1.0,
    # -- the biased map equation --
    entropy_corrected: bool = False,
    entropy_correction_strength: float = 1.0,
    preferred_number_of_modules: int = 0,
    # -- end of the biased map equation --
    node_weights: Any = None,
    use_node_weights_as_flow: bool = False,
    max_flow_iterations: int = DEFAULT_MAX_FLOW_ITERATIONS,
    min_flow_iterations: int = DEFAULT_MIN_FLOW_ITERATIONS,
    flow_tolerance: float = DEFAULT_FLOW_TOLERANCE,
    weight_threshold: float = 0.0,
    no_self_links: bool = False,
    node_limit: int = 0,
    # -- metadata map equation --
    meta_data: Any = None,
    meta_data_rate: float = 1.0,
    meta_data_unweighted: bool = False,
    # -- end of metadata map equation --
) -> InfomapResult:
    """Return the result object of a given partition or tree, without searching.

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
    G = _as_state_network(G, directed, weight)
    objective = _objective_options(
        regularized, regularization_strength, intra_regularization_strength,
        inter_regularization_strength, multilayer_skip_absent_nodes, variable_markov_time,
        variable_markov_damping, variable_markov_min_scale)
    network, flow, params = _network_and_flow(G, directed, weight, flow_model, teleportation,
                                              to_nodes, recorded_teleportation, markov_time,
                                              bipartite_start_id, bipartite_teleportation,
                                              skip_adjust_bipartite_flow, objective=objective,
                                              **_flow_input(locals()))
    flow = _with_meta(G, network, flow, params, meta_data, meta_data_rate, meta_data_unweighted)
    bias_options = _bias_options(entropy_corrected, entropy_correction_strength,
                                 preferred_number_of_modules)
    bias = _bias(G, network, bias_options)
    if bias is not None:
        params.update(bias_options)
    tree = build_tree(flow, *_tree_arrays(partition, list(network.nodes)), bias=bias)
    params.update(trials=0, two_level=tree.num_levels <= 2, fast_hierarchical=FULL)
    return _make_result(network, flow, params, tree, np.array([tree.total_codelength]), 0, 0.0,
                        _states_of(G), bias)


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
    bipartite_start_id: int | None = None,
    bipartite_teleportation: bool = False,
    skip_adjust_bipartite_flow: bool = False,
    regularized: bool = False,
    regularization_strength: float = 1.0,
    intra_regularization_strength: float = 1.0,
    inter_regularization_strength: float = 1.0,
    multilayer_skip_absent_nodes: bool = False,
    variable_markov_time: bool = False,
    variable_markov_damping: float = 1.0,
    variable_markov_min_scale: float = 1.0,
    # -- the biased map equation --
    entropy_corrected: bool = False,
    entropy_correction_strength: float = 1.0,
    preferred_number_of_modules: int = 0,
    # -- end of the biased map equation --
    node_weights: Any = None,
    use_node_weights_as_flow: bool = False,
    max_flow_iterations: int = DEFAULT_MAX_FLOW_ITERATIONS,
    min_flow_iterations: int = DEFAULT_MIN_FLOW_ITERATIONS,
    flow_tolerance: float = DEFAULT_FLOW_TOLERANCE,
    weight_threshold: float = 0.0,
    no_self_links: bool = False,
    node_limit: int = 0,
    # -- metadata map equation --
    meta_data: Any = None,
    meta_data_rate: float = 1.0,
    meta_data_unweighted: bool = False,
    # -- end of metadata map equation --
) -> Codelength:
    """Return the codelength of any partition or module tree of ``G``.

    A flat partition is scored with the two-level map equation, a tree with
    the multilevel map equation (one codebook per module).

    Parameters
    ----------
    G
        The network, as for :func:`cluster`.
    partition : sequence of int, dict, list of sets, paths, ModuleTree or InfomapResult
        A partition: labels aligned with the nodes (for networkx graphs, in
        ``G.nodes()`` order; otherwise by node id), ``{node: module}``, or
        the modules as a list of sets of nodes.  Or a tree: a path per node
        (a sequence of tuples aligned with the nodes, or ``{node: path}``),
        written as in a ``.tree`` file (modules from the top down, then the
        node's place in its module, e.g. ``(1, 3, 2)``), a
        :class:`ModuleTree`, or a result (its tree).
    directed, weight, flow_model, teleportation, to_nodes, recorded_teleportation, markov_time
        The flow options, as for :func:`cluster`.
    bipartite_start_id, bipartite_teleportation, skip_adjust_bipartite_flow
        The bipartite options, as for :func:`cluster`.
    entropy_corrected, entropy_correction_strength, preferred_number_of_modules
        The biased map equation, as for :func:`cluster`: its terms are part
        of the codelength (the correction of ``k - 1`` modules of the index
        codelength, the rest of the module codelength, as the official
        reports them).
    node_weights, use_node_weights_as_flow, max_flow_iterations, min_flow_iterations
        The node-weight and power-iteration options, as for :func:`cluster`.
    flow_tolerance, weight_threshold, no_self_links, node_limit
        As for :func:`cluster`.
    meta_data, meta_data_rate, meta_data_unweighted
        The metadata map equation, as for :func:`cluster`: the codelength
        then includes the metadata term in ``module_codelength``.

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
    G = _as_state_network(G, directed, weight)
    objective = _objective_options(
        regularized, regularization_strength, intra_regularization_strength,
        inter_regularization_strength, multilayer_skip_absent_nodes, variable_markov_time,
        variable_markov_damping, variable_markov_min_scale)
    network, flow, _ = _network_and_flow(G, directed, weight, flow_model, teleportation,
                                         to_nodes, recorded_teleportation, markov_time,
                                         bipartite_start_id, bipartite_teleportation,
                                         skip_adjust_bipartite_flow, objective=objective,
                                         **_flow_input(locals()))
    flow = _with_meta(G, network, flow, {}, meta_data, meta_data_rate, meta_data_unweighted)
    bias = _bias(G, network, _bias_options(entropy_corrected, entropy_correction_strength,
                                           preferred_number_of_modules))
    nodes = list(network.nodes)
    if _as_tree(partition, nodes) is None:
        _, dense = np.unique(_labels_of(partition, nodes), return_inverse=True)
        return _score(flow, dense.astype(np.int64), bias)
    return _tree_codelength(flow, build_tree(flow, *_tree_arrays(partition, nodes), bias=bias),
                            bias)


def compute_flow(
    G: Any,
    directed: bool | None = None,
    weight: str | None = "weight",
    flow_model: str | None = None,
    teleportation: float = 0.15,
    to_nodes: bool = False,
    recorded_teleportation: bool = False,
    markov_time: float = 1.0,
    bipartite_start_id: int | None = None,
    bipartite_teleportation: bool = False,
    skip_adjust_bipartite_flow: bool = False,
    regularized: bool = False,
    regularization_strength: float = 1.0,
    intra_regularization_strength: float = 1.0,
    inter_regularization_strength: float = 1.0,
    multilayer_skip_absent_nodes: bool = False,
    variable_markov_time: bool = False,
    variable_markov_damping: float = 1.0,
    variable_markov_min_scale: float = 1.0,
    node_weights: Any = None,
    use_node_weights_as_flow: bool = False,
    max_flow_iterations: int = DEFAULT_MAX_FLOW_ITERATIONS,
    min_flow_iterations: int = DEFAULT_MIN_FLOW_ITERATIONS,
    flow_tolerance: float = DEFAULT_FLOW_TOLERANCE,
    weight_threshold: float = 0.0,
    no_self_links: bool = False,
    node_limit: int = 0,
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
    objective = _objective_options(
        regularized, regularization_strength, intra_regularization_strength,
        inter_regularization_strength, multilayer_skip_absent_nodes, variable_markov_time,
        variable_markov_damping, variable_markov_min_scale)
    return _network_and_flow(G, directed, weight, flow_model, teleportation, to_nodes,
                             recorded_teleportation, markov_time, bipartite_start_id,
                             bipartite_teleportation, skip_adjust_bipartite_flow,
                             objective=objective, **_flow_input(locals()))[1]
