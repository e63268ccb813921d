"""The front doors: coerce the input, check the arguments, call the engine.

:func:`cluster`, :func:`codelength`, :func:`evaluate` and :func:`compute_flow`
take the network (and the partition to score) by position and everything else
by keyword; the keywords they share are defined once, in
:mod:`infomap_py._options`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import sys
import warnings
from typing import TYPE_CHECKING, Any, Callable

import numpy as np

from . import _validate as check
from ._compile_notice import compile_notice
from ._options import (
    FlowKeywords,
    FlowOptions,
    MapEquationKeywords,
    ObjectiveOptions,
    shares_keywords,
    split_keywords,
)
from ._progress import TrialProgress
from .convert import is_state_graph, to_network, to_state_network
from .errors import InfomapArgumentError
from .flow import Flow
from .flow import compute_flow as _compute_flow
from .multilayer import MultilayerNetwork
from .network import Network, StateNetwork, filter_links
from .result import Codelength, InfomapResult
from .tree import ModuleTree, build_tree

if sys.version_info >= (3, 11):
    from typing import Unpack
elif TYPE_CHECKING:  # pragma: no cover - on Python 3.10 only type checkers read it
    from typing_extensions import Unpack

# The engine (``.optimize`` and ``._core``, which import Numba) is imported by
# the functions that call it, so that ``import infomap_py`` stays light.

#: ``fast_hierarchical`` values, as in :mod:`infomap_py.optimize` (repeated
#: here so that the signature of :func:`cluster` needs no engine import): the
#: full search, and keep the super-module levels and split nothing.
FULL, SUPER_LEVELS_ONLY = 0, 2


def _warn(message: str, category: type[Warning]) -> None:
    """Warn at the caller's line: the first frame outside this package."""
    level, frame = 2, sys._getframe(1)  # stacklevel 2: the caller of this function
    while frame is not None and frame.f_globals.get("__name__", "").startswith("infomap_py"):
        level, frame = level + 1, frame.f_back
    warnings.warn(message, category, stacklevel=level)


def _network_and_flow(G: Any, options: FlowOptions, relax_to_self: np.ndarray | None = None,
                      num_physical: int | None = None) -> tuple[Network, Flow, dict]:
    """Return ``(network, flow, params)`` of ``G`` under ``options``; for a
    :class:`StateNetwork` the network of its state nodes, with the flow
    knowing their physical nodes (a :class:`MultilayerNetwork` is expanded
    into one first).  ``relax_to_self``: the physical node of every state,
    for the two-step flow of a relax-to-self expansion; ``num_physical``:
    the physical nodes of a state network."""
    G = _as_state_network(G, options.directed, options.weight)  # a no-op where done
    if isinstance(G, StateNetwork):
        if options.regularized and G.layer is not None:
            raise InfomapArgumentError(
                "regularized=True is not available for a multilayer network: its "
                "regularized flow needs a layer-aware map equation, which the official "
                "Infomap 2.16 release leaves out of its default build too; expand it with "
                "to_state_network() and pass the StateNetwork without its layers to "
                "regularize the states")
        if options.node_limit:
            raise InfomapArgumentError("node_limit applies to networks of ordinary nodes, "
                                       "not to a state or multilayer network")
        # A multilayer expansion's links are directed whatever its layers'
        # were (a walker relaxes one way): ``directed`` described the input.
        if G.layer is not None:
            options = dataclasses.replace(options, directed=None)
        network, flow, params = _network_and_flow(G.network, options,
                                                  G.physical if G.relax_to_self else None,
                                                  G.num_physical)
        return network, dataclasses.replace(flow, physical=G.physical), params
    directed = options.directed
    network = G if isinstance(G, Network) else to_network(G, directed=directed,
                                                          weight=options.weight)
    if isinstance(G, Network) and directed is not None:
        network = dataclasses.replace(network, directed=bool(directed))
    if options.bipartite_start_id is not None:
        network = dataclasses.replace(network, bipartite_start_id=options.bipartite_start_id)
    if options.node_weights is not None:
        network = dataclasses.replace(network, node_weights=check.check_node_weights(
            options.node_weights, G, network.num_nodes))
    if relax_to_self is not None and (options.weight_threshold > 0.0 or options.no_self_links):
        raise InfomapArgumentError("weight_threshold and no_self_links cannot filter the "
                                   "links of a relax-to-self expansion; filter the layers' "
                                   "links instead")
    network = filter_links(network, options.weight_threshold, options.no_self_links,
                           options.node_limit)
    params = {
        "flow_model": check.check_flow_model(options.flow_model, network.directed),
        "teleportation": options.teleportation,
        "to_nodes": options.to_nodes,
        "recorded_teleportation": options.recorded_teleportation,
        "markov_time": options.markov_time,
        "bipartite_teleportation": options.bipartite_teleportation,
        "skip_adjust_bipartite_flow": options.skip_adjust_bipartite_flow,
    }
    _check_regularized(options, params["flow_model"], network)
    flow = _compute_flow(network, **params, relax_to_self=relax_to_self,
                         regularized=options.regularized,
                         regularization_strength=options.regularization_strength,
                         num_physical=num_physical,
                         variable_markov_time=options.variable_markov_time,
                         variable_markov_damping=options.variable_markov_damping,
                         variable_markov_min_scale=options.variable_markov_min_scale,
                         iteration=options.iteration,
                         use_node_weights_as_flow=options.use_node_weights_as_flow)
    if options.regularized:
        params["recorded_teleportation"] = True  # as the official: the prior is recorded
    params.update(options.recorded("always"))
    if not flow.flow_converged:
        _warn(f"the flow did not converge: the power iteration stopped after "
              f"{flow.flow_iterations} steps with an L1 change of {flow.flow_error:.3g} "
              f"(tolerance {options.flow_tolerance:g})", RuntimeWarning)
    params.update(options.recorded("changed"))
    params["directed"] = network.directed
    params["bipartite_start_id"] = network.bipartite_start_id
    return network, flow, params


def _check_regularized(options: FlowOptions, flow_model: str, network: Network) -> None:
    """Refuse the combinations of ``regularized`` the prior network is not defined for."""
    if not options.regularized:
        return
    if flow_model not in ("undirected", "directed"):
        raise InfomapArgumentError(f"regularized=True needs flow_model 'undirected' or "
                                   f"'directed' (the prior network is defined for these), "
                                   f"got {flow_model!r}")
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


def _with_meta(G: Any, network: Network, flow: Flow, params: dict,
               objective: ObjectiveOptions) -> Flow:
    """Return ``flow`` coding ``objective.meta_data`` (the metadata map
    equation), or ``flow`` itself when that is ``None``; record the options
    in ``params``."""
    if objective.meta_data is None:
        return flow
    if isinstance(G, StateNetwork) or flow.physical is not None:
        raise InfomapArgumentError("meta_data is not available for a state or multilayer "
                                   "network (the official Infomap then drops the physical nodes "
                                   "of the memory map equation); to code metadata on the state "
                                   "nodes, pass their network (StateNetwork.network) as a plain "
                                   "network")
    categories = _meta_categories(objective.meta_data, G, network)
    params.update(objective.recorded("meta"))
    return dataclasses.replace(flow, meta=categories, meta_rate=objective.meta_data_rate,
                               meta_unweighted=objective.meta_data_unweighted)


# --- The biased map equation: entropy correction, preferred number of modules -----------

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


def _bias(G: Any, network: Network, objective: ObjectiveOptions, params: dict
          ) -> np.ndarray | None:
    """Return the biased map equation's ``[preferred_num_modules,
    module_correction, node_correction]`` (see :mod:`infomap_py._core.mapeq`),
    or ``None`` for the plain map equation; record the options in ``params``
    where they apply.  As the official Infomap, a state network's objective
    (the memory map equation) leaves both out, with a warning."""
    preferred = objective.preferred_number_of_modules
    corrected = objective.entropy_corrected
    if not corrected and not preferred:
        return None
    if isinstance(G, StateNetwork):
        for name, on in (("entropy_corrected", corrected),
                         ("preferred_number_of_modules", preferred)):
            if on:
                _warn(f"{name} has no effect on a state or multilayer network: the memory "
                      f"map equation is optimized and reported without it, as in the "
                      f"official Infomap", UserWarning)
        return None
    correction = 0.0
    degree = _total_degree(network)
    if corrected and degree > 0.0:
        correction = objective.entropy_correction_strength / (2.0 * degree * np.log(2.0))
    params.update(objective.recorded("bias"))
    return np.array([float(preferred), correction, correction * network.num_nodes])


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


@shares_keywords(FlowOptions, ObjectiveOptions)
def cluster(
    G: Any,
    *,
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
    **options: Unpack[MapEquationKeywords],
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
    **options
        The shared keywords, documented here once the module is imported.
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
        no module dissolved for not paying.  Unlike the official, each trial
        also builds a tree from the super-modules found without the
        preference and keeps the tree that codes shorter less the bits the
        preference grants its depth.  Steering to a shallower tree is
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
        ``"levels"``, ``"fine-tune"``, ``"coarse-tune"``, with a preferred
        number of modules ``"natural start"`` (the search again from the
        modules found without the preference), then ``"merge"`` for a
        two-level search, or ``"super-modules"`` and ``"sub-modules"`` for a
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
    TypeError
        For an input or argument of the wrong type, an argument after ``G``
        given by position, or an unknown keyword.
    ValueError
        For bad weights or an argument out of range
        (:class:`~infomap_py.errors.InfomapArgumentError`), or an
        ``initial_partition`` that does not fit the nodes
        (:class:`~infomap_py.errors.NotAPartitionError`); the message names
        the problem.

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

    flow_options, objective = split_keywords("cluster", options, FlowOptions,
                                              ObjectiveOptions)
    G = _as_state_network(G, flow_options.directed, flow_options.weight)
    verbose = check.check_bool("verbose", verbose)
    progress_bar = verbose if progress_bar is None else check.check_bool("progress_bar",
                                                                         progress_bar)
    # With verbose=True, say so while the kernels compile on a first run.
    with compile_notice(verbose):
        network, flow, params = _network_and_flow(G, flow_options)
        flow = _with_meta(G, network, flow, params, objective)
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
            initial = check.check_partition(initial_partition, list(network.nodes))
        keep_trials = print_all_trials and trials > 1
        bias = _bias(G, network, objective, params)
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
        trial_trees = None
        if keep_trials:
            trial_trees = [build_tree(flow, parent, leaf_module, found.kernel_graph, bias)
                           for parent, leaf_module in found.trial_trees]
        trial_codelengths, seconds = found.trial_codelengths, found.seconds
        del found  # the search's flow graph, before the result's lists are made
        trial_results = None
        if trial_trees is not None:
            trial_results = tuple(
                _make_result(network, flow, params, trial_tree, trial_codelengths[t:t + 1],
                             seed, 0.0, _states_of(G), bias)
                for t, trial_tree in enumerate(trial_trees))
        result = _make_result(network, flow, params, tree, trial_codelengths, seed, seconds,
                              _states_of(G), bias)
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


def _evaluate(door: str, G: Any, partition: Any, options: dict[str, Any]) -> InfomapResult:
    """The one scoring path of :func:`evaluate` and :func:`codelength`
    (``door``, which names itself in errors): the result of ``partition``
    (flat or a tree) of ``G`` under ``options``."""
    flow_options, objective = split_keywords(door, options, FlowOptions, ObjectiveOptions)
    G = _as_state_network(G, flow_options.directed, flow_options.weight)
    network, flow, params = _network_and_flow(G, flow_options)
    flow = _with_meta(G, network, flow, params, objective)
    bias = _bias(G, network, objective, params)
    tree = build_tree(flow, *check.check_partition_tree(partition, list(network.nodes)),
                      bias=bias)
    params.update(trials=0, two_level=tree.num_levels <= 2, fast_hierarchical=FULL)
    return _make_result(network, flow, params, tree, np.array([tree.total_codelength]), 0, 0.0,
                        _states_of(G), bias)


@shares_keywords(FlowOptions, ObjectiveOptions)
def evaluate(G: Any, partition: Any, **options: Unpack[MapEquationKeywords]) -> InfomapResult:
    """Return the result object of a given partition or tree, without searching.

    The result of :func:`codelength`'s scoring: a full
    :class:`InfomapResult` (modules renumbered by decreasing flow) that the
    writers can save; its ``codelength`` is what :func:`codelength` returns.

    Parameters
    ----------
    G
        The network, as for :func:`cluster`.
    partition
        As for :func:`codelength`.
    **options
        The shared keywords, documented here once the module is imported.

    Returns
    -------
    InfomapResult
        As :func:`cluster` returns it, with ``trials`` 0 in its ``params``.

    Raises
    ------
    TypeError
        As :func:`cluster`, and for a ``partition`` of no form above.
    ValueError
        As :func:`cluster`; a ``partition`` that does not fit the nodes
        raises :class:`~infomap_py.errors.NotAPartitionError`.

    Examples
    --------
    >>> import networkx as nx
    >>> import infomap_py
    >>> res = infomap_py.evaluate(nx.barbell_graph(5, 0), [0] * 5 + [1] * 5)
    >>> res.num_modules, round(res.codelength, 6)
    (2, 2.642755)
    """
    return _evaluate("evaluate", G, partition, options)


@shares_keywords(FlowOptions, ObjectiveOptions)
def codelength(G: Any, partition: Any, **options: Unpack[MapEquationKeywords]) -> Codelength:
    """Return the codelength of any partition or module tree of ``G``.

    A flat partition is scored with the two-level map equation, a tree with
    the multilevel map equation (one codebook per module).  This is the
    ``codelength`` of :func:`evaluate`'s result, with its parts; of a
    result of :func:`cluster` it is that result's ``codelength``.

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
    **options
        The shared keywords, documented here once the module is imported.

    Returns
    -------
    Codelength
        A float (bits) carrying ``index_codelength``, ``module_codelength``
        and ``one_level_codelength``.

    Raises
    ------
    TypeError, ValueError
        As :func:`evaluate`.

    Examples
    --------
    >>> import networkx as nx
    >>> import infomap_py
    >>> G = nx.barbell_graph(5, 0)
    >>> L = infomap_py.codelength(G, [{0, 1, 2, 3, 4}, {5, 6, 7, 8, 9}])
    >>> round(float(L), 6), round(L.index_codelength, 6)
    (2.642755, 0.047619)
    """
    result = _evaluate("codelength", G, partition, options)
    return Codelength(result.index_codelength, result.module_codelength,
                      result.one_level_codelength)


@shares_keywords(FlowOptions)
def compute_flow(G: Any, **options: Unpack[FlowKeywords]) -> Flow:
    """Return the flow of ``G`` (node visit rates and link flows).

    Parameters
    ----------
    G
        The network, as for :func:`cluster`.
    **options
        The shared keywords, documented here once the module is imported.

    Returns
    -------
    Flow
        The node flow, the link flow and how the power iteration ended.

    Raises
    ------
    TypeError, ValueError
        As :func:`cluster`.

    Examples
    --------
    >>> import networkx as nx
    >>> import infomap_py
    >>> flow = infomap_py.compute_flow(nx.path_graph(3))
    >>> flow.node_flow.tolist()
    [0.25, 0.5, 0.25]
    """
    (flow_options,) = split_keywords("compute_flow", options, FlowOptions)
    return _network_and_flow(G, flow_options)[1]
