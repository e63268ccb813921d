"""The keywords the front doors share, defined once.

:func:`~infomap_py.cluster`, :func:`~infomap_py.codelength`,
:func:`~infomap_py.evaluate` and :func:`~infomap_py.compute_flow` read the
network and compute its flow alike, and the three that code the flow with
the map equation take the same terms of the objective.  Each of these
keywords is one field here, with its type, default, documentation and check:

* :class:`FlowOptions`: how the input is read and its flow computed (every
  front door);
* :class:`ObjectiveOptions`: the biased and the metadata map equation
  (every front door but ``compute_flow``).

A front door takes them as ``**options`` (typed for type checkers by
:class:`FlowKeywords` and :class:`MapEquationKeywords`);
:func:`shares_keywords` lists them in its signature and docstring, and
:func:`split_keywords` turns its ``**options`` into the checked dataclasses,
refusing a name that is none of theirs as Python refuses an unknown keyword.
"""

from __future__ import annotations

import difflib
import inspect
import textwrap
from dataclasses import dataclass, field, fields
from typing import Any, Callable, TypedDict, TypeVar

from . import _validate as check
from .errors import InfomapArgumentError
from .flow import (
    DEFAULT_FLOW_TOLERANCE,
    DEFAULT_MAX_FLOW_ITERATIONS,
    DEFAULT_MIN_FLOW_ITERATIONS,
    FlowIteration,
)

__all__ = ["FlowKeywords", "FlowOptions", "MapEquationKeywords", "ObjectiveOptions",
           "shares_keywords", "split_keywords"]


def _keyword(default: Any, kind: str, doc: str, params: str = "") -> Any:
    """A keyword of the front doors as a dataclass field: its default, its
    type as the docstring writes it (``kind``), its documentation, and when
    the result's ``params`` record it: ``"always"``, ``"changed"`` (where it
    is not the default), ``"bias"`` (with the biased map equation),
    ``"meta"`` (with metadata), or ``""`` (as the front door says)."""
    return field(default=default,
                 metadata={"kind": kind, "doc": textwrap.dedent(doc).strip(), "params": params})


def _set(options: Any, name: str, value: Any) -> None:
    """Store the checked ``value`` of ``name`` in the frozen ``options``."""
    object.__setattr__(options, name, value)


class _Keywords:
    """What :class:`FlowOptions` and :class:`ObjectiveOptions` share: the
    keywords a result's ``params`` record."""

    def recorded(self, when: str) -> dict[str, Any]:
        """The keywords the result's ``params`` record ``when`` (see
        :func:`_keyword`; with ``"changed"``, those that are not the
        default), with their values, in field order."""
        return {f.name: getattr(self, f.name) for f in fields(self)
                if f.metadata["params"] == when
                and (when != "changed" or getattr(self, f.name) != f.default)}


@dataclass(frozen=True)
class FlowOptions(_Keywords):
    """How a front door reads the network and computes its flow.

    The values are checked as the options are made (a
    :class:`~infomap_py.errors.InfomapArgumentError` or ``TypeError`` naming
    the keyword); what can only be checked against the network (the node
    weights, the default flow model) is checked where the network is read.

    Examples
    --------
    >>> FlowOptions(teleportation=0.2).teleportation
    0.2
    >>> FlowOptions(teleportation=1.5)
    Traceback (most recent call last):
    ...
    infomap_py.errors.InfomapArgumentError: teleportation must be in (0, 1), got 1.5
    """

    # --- the input -----------------------------------------------------------------------
    directed: bool | None = _keyword(None, "bool or None", """
        ``None`` takes it from the input (a ``DiGraph`` or directed igraph
        graph is directed, a sparse matrix unless it is symmetric; an edge
        array, a DataFrame and an ``edge_index`` are undirected).""")
    weight: Any = _keyword("weight", "str, torch.Tensor, array_like or None", """
        The networkx or igraph edge attribute, or the DataFrame column,
        holding link weights (missing means 1); with an ``edge_index``, a
        tensor or array of one weight per column.  ``None`` for 1.""")
    # --- the flow model ------------------------------------------------------------------
    flow_model: str | None = _keyword(None, '{"undirected", "directed", "undirdir", '
                                      '"outdirdir", "rawdir", "precomputed"} or None', """
        How flow is computed, with the official Infomap meanings; ``None``
        means ``"directed"`` for directed input and ``"undirected"``
        otherwise.  On an undirected graph the directed models use every
        edge in both directions, so the flow depends on the graph only (not
        on the order its edges were added in).""")
    teleportation: float = _keyword(0.15, "float", """
        Teleportation probability of the directed model, in (0, 1).  The
        PageRank is iterated to convergence (L1 change at most 1e-15) at
        any teleportation; ``result.flow_iterations``, ``flow_error`` and
        ``flow_converged`` report it, and a flow that does not converge
        warns (``RuntimeWarning``).""")
    to_nodes: bool = _keyword(False, "bool", """
        Teleport to nodes uniformly (or by node weight) instead of to links.""")
    recorded_teleportation: bool = _keyword(False, "bool", """
        Code teleportation steps too (off: only steps along links are coded).""")
    markov_time: float = _keyword(1.0, "float", """
        Scales the flow on links; larger gives fewer, larger modules.""")
    # --- bipartite networks --------------------------------------------------------------
    bipartite_start_id: int | None = _keyword(None, "int or None", """
        Makes the network bipartite: nodes whose id (``Network.node_ids``:
        the label where labels are integers, else the node index) is at
        least this are *feature* nodes, the others primary nodes.  ``None``
        keeps what the input says (a :class:`~infomap_py.Network` read from
        a ``*Bipartite`` file, a networkx graph with ``bipartite`` node
        attributes).  By default the feature nodes then hand their flow to
        the primary nodes they link (they get no flow), and link flows are
        doubled: a step between primary nodes takes two steps.""")
    bipartite_teleportation: bool = _keyword(False, "bool", """
        Keep the feature nodes' flow and double the link flows; with the
        directed model, flow is a two-step walk primary -> feature ->
        primary that teleports to primary nodes only (this needs links
        from feature nodes to primary nodes).""")
    skip_adjust_bipartite_flow: bool = _keyword(False, "bool", """
        Keep the flow model's flow on feature nodes (no adjustment).""")
    # --- regularization and variable Markov time -----------------------------------------
    regularized: bool = _keyword(False, "bool", """
        Add the fully connected Bayesian prior network of Smiljanić et al.,
        coded as recorded teleportation, so that sparse or noisy samples of
        modular networks are not over-partitioned (official
        ``--regularized``).  Needs the undirected or directed flow model;
        not available for bipartite or multilayer networks.""", "always")
    regularization_strength: float = _keyword(1.0, "float", """
        The strength of the prior network, >= 0.""", "always")
    intra_regularization_strength: float = _keyword(1.0, "float", """
        The prior within the layers of a multilayer network, relative to
        ``regularization_strength`` (>= 0; official
        ``--intra-regularization-strength``).  Checked and recorded in the
        result's ``params``; no effect here, as ``regularized`` is not
        available for multilayer networks.""", "always")
    inter_regularization_strength: float = _keyword(1.0, "float", """
        The prior between the layers of a multilayer network, as
        ``intra_regularization_strength``.""", "always")
    multilayer_skip_absent_nodes: bool = _keyword(False, "bool", """
        With ``regularized``: a node absent from a layer counts as absent,
        not as unobserved (official ``--multilayer-skip-absent-nodes``);
        checked and recorded, as ``intra_regularization_strength``.""", "always")
    variable_markov_time: bool = _keyword(False, "bool", """
        Scale each link's flow by a local Markov time: longer in sparse
        regions, shorter in dense ones (official ``--variable-markov-time``).""",
        "always")
    variable_markov_damping: float = _keyword(1.0, "float", """
        With ``variable_markov_time``: the local scale goes from the local
        effective degree (0) to its logarithm (1); in [0, 1].""", "always")
    variable_markov_min_scale: float = _keyword(1.0, "float", """
        With ``variable_markov_time``: the least local scale, > 0.""", "always")
    # --- node weights, the power iteration and link filters ------------------------------
    node_weights: Any = _keyword(None, "str, array_like or None", """
        Node weights (the official node weight, default 1): the name of a
        node attribute of a networkx graph (a node without it weighs 1), or
        one number >= 0 per node in node order.  ``None`` keeps the input's
        (a Pajek file's ``*Vertices`` weights).  They set where teleportation
        to nodes lands (``to_nodes``) and the node flow of
        ``flow_model="precomputed"`` and ``use_node_weights_as_flow``.""")
    use_node_weights_as_flow: bool = _keyword(False, "bool", """
        Replace the node flow of the flow model by the node weights,
        normalised to sum 1; link flows stay the model's (official
        ``--use-node-weights-as-flow``).  With ``flow_model="precomputed"``
        the node weights are the node flow and the link weights, as they
        are, the link flow.""", "changed")
    max_flow_iterations: int = _keyword(DEFAULT_MAX_FLOW_ITERATIONS, "int", """
        Cap on the power iteration of the directed flow, PageRank or the
        walk of ``regularized`` (official ``--max-flow-iterations``); 0 sets
        none: the iteration runs to ``flow_tolerance`` and where PageRank is
        slow its stationary flow is solved for directly.""", "changed")
    min_flow_iterations: int = _keyword(DEFAULT_MIN_FLOW_ITERATIONS, "int", """
        Power-iteration steps before the flow may count as converged.""", "changed")
    flow_tolerance: float = _keyword(DEFAULT_FLOW_TOLERANCE, "float", """
        The L1 change of the node flow in one step at which the iteration
        stops.""", "changed")
    weight_threshold: float = _keyword(0.0, "float", """
        Drop links whose weight is below this (official
        ``--weight-threshold``; 0 keeps all).""", "changed")
    no_self_links: bool = _keyword(False, "bool", """
        Drop links from a node to itself (official ``--no-self-links``).""", "changed")
    node_limit: int = _keyword(0, "int", """
        Keep only the nodes whose id is at most this, and their links among
        each other (official ``--node-limit``); 0 keeps all.""", "changed")

    def __post_init__(self) -> None:
        if self.flow_model is not None:
            check.check_flow_model(self.flow_model, False)
        _set(self, "teleportation", check.check_probability("teleportation", self.teleportation))
        for name in ("to_nodes", "recorded_teleportation", "bipartite_teleportation",
                     "skip_adjust_bipartite_flow", "regularized", "multilayer_skip_absent_nodes",
                     "variable_markov_time", "use_node_weights_as_flow", "no_self_links"):
            _set(self, name, check.check_bool(name, getattr(self, name)))
        _set(self, "markov_time", check.check_positive("markov_time", self.markov_time))
        if self.bipartite_start_id is not None:
            _set(self, "bipartite_start_id",
                 check.check_bipartite_start_id(self.bipartite_start_id))
        for name in ("regularization_strength", "intra_regularization_strength",
                     "inter_regularization_strength", "weight_threshold"):
            _set(self, name, check.check_number(name, getattr(self, name), 0.0))
        _set(self, "variable_markov_damping", check.check_number(
            "variable_markov_damping", self.variable_markov_damping, 0.0, 1.0))
        _set(self, "variable_markov_min_scale", check.check_positive(
            "variable_markov_min_scale", self.variable_markov_min_scale))
        if self.multilayer_skip_absent_nodes and not self.regularized:
            raise InfomapArgumentError("multilayer_skip_absent_nodes=True needs "
                                       "regularized=True, as in the official Infomap")
        iteration = check.check_flow_iteration(self.max_flow_iterations,
                                               self.min_flow_iterations, self.flow_tolerance)
        for name, value in zip(("max_flow_iterations", "min_flow_iterations",
                                "flow_tolerance"), iteration):
            _set(self, name, value)
        _set(self, "node_limit", check.check_count("node_limit", self.node_limit, minimum=0))

    @property
    def iteration(self) -> FlowIteration:
        """The power-iteration controls, as :func:`infomap_py.flow.compute_flow` takes them."""
        return FlowIteration(self.max_flow_iterations, self.min_flow_iterations,
                             self.flow_tolerance)


@dataclass(frozen=True)
class ObjectiveOptions(_Keywords):
    """The terms a front door adds to the map equation: the biased map
    equation and the metadata map equation.

    Examples
    --------
    >>> ObjectiveOptions(entropy_corrected=True).recorded("bias")
    {'entropy_corrected': True, 'entropy_correction_strength': 1.0, \
'preferred_number_of_modules': 0}
    """

    # --- the biased map equation ---------------------------------------------------------
    entropy_corrected: bool = _keyword(False, "bool", """
        Optimize and report the biased map equation's entropy correction
        (official ``--entropy-corrected``): ``strength * (k - 1 + N) / (2 D
        ln 2)`` bits for ``k`` modules of ``N`` nodes with total degree ``D``
        (twice the link weight, or twice the number of links where that is
        more), which penalizes many small modules in sparse data.  The
        correction of ``k - 1`` modules is part of the index codelength,
        the rest of the module codelength, as the official reports them.""",
        "bias")
    entropy_correction_strength: float = _keyword(1.0, "float", """
        Scales the correction, >= 0.""", "bias")
    preferred_number_of_modules: int = _keyword(0, "int", """
        Add ``|k - preferred|`` bits to the codelength (its module part) of
        ``k`` top modules (official ``--preferred-number-of-modules``; 0
        sets no preference).  As in the official Infomap, a search then
        never replaces the partition by one module, and searches no
        super-modules above that many top modules.  Unlike the official, each
        trial also searches without the preference and again with it from
        the modules found, and keeps the shorter of that and its search from
        single nodes (about three searches a trial; the search from single
        nodes merges down to the preferred count and can stop far from the
        natural modules); not where an initial partition is given.""", "bias")
    # --- the metadata map equation -------------------------------------------------------
    meta_data: Any = _keyword(None, "dict, sequence, str or None", """
        Node categories to code with the metadata map equation (official
        ``--meta-data``): ``{node: category}``, one category per node in node
        order, or the name of a networkx node attribute.  Categories are
        any hashable values; nodes left out share one category of their
        own, as in the official Infomap.  Every module then also codes the
        categories of its nodes, which ``module_codelength`` includes.  Not
        available for state and multilayer networks.""")
    meta_data_rate: float = _keyword(1.0, "float", """
        The weight of the metadata term, >= 0 (official ``--meta-data-rate``;
        1: a category is coded at every step).""", "meta")
    meta_data_unweighted: bool = _keyword(False, "bool", """
        Code every node's category at the same rate ``1 / N`` instead of
        its flow (official ``--meta-data-unweighted``).""", "meta")

    def __post_init__(self) -> None:
        _set(self, "entropy_corrected",
             check.check_bool("entropy_corrected", self.entropy_corrected))
        _set(self, "entropy_correction_strength", check.check_number(
            "entropy_correction_strength", self.entropy_correction_strength, 0.0))
        _set(self, "preferred_number_of_modules", check.check_count(
            "preferred_number_of_modules", self.preferred_number_of_modules, minimum=0))
        _set(self, "meta_data_rate", check.check_number("meta_data_rate", self.meta_data_rate,
                                                        0.0))
        _set(self, "meta_data_unweighted",
             check.check_bool("meta_data_unweighted", self.meta_data_unweighted))


class FlowKeywords(TypedDict, total=False):
    """The keywords of :class:`FlowOptions`, for type checkers
    (``**options: Unpack[FlowKeywords]``); a test keeps the two alike."""

    directed: bool | None
    weight: Any
    flow_model: str | None
    teleportation: float
    to_nodes: bool
    recorded_teleportation: bool
    markov_time: float
    bipartite_start_id: int | None
    bipartite_teleportation: bool
    skip_adjust_bipartite_flow: bool
    regularized: bool
    regularization_strength: float
    intra_regularization_strength: float
    inter_regularization_strength: float
    multilayer_skip_absent_nodes: bool
    variable_markov_time: bool
    variable_markov_damping: float
    variable_markov_min_scale: float
    node_weights: Any
    use_node_weights_as_flow: bool
    max_flow_iterations: int
    min_flow_iterations: int
    flow_tolerance: float
    weight_threshold: float
    no_self_links: bool
    node_limit: int


class MapEquationKeywords(FlowKeywords, total=False):
    """The keywords of :class:`FlowOptions` and :class:`ObjectiveOptions`,
    for type checkers; a test keeps them alike."""

    entropy_corrected: bool
    entropy_correction_strength: float
    preferred_number_of_modules: int
    meta_data: Any
    meta_data_rate: float
    meta_data_unweighted: bool


#: Where a front door's docstring lists the shared keywords: an entry of its
#: Parameters section that :func:`shares_keywords` replaces (written as a
#: parameter, so that tools that read the source, not the imported
#: docstring, still parse it).
KEYWORDS_MARKER = ("    **options\n"
                   "        The shared keywords, documented here once the module is imported.\n")

_Door = TypeVar("_Door", bound=Callable[..., Any])


def keyword_docs(groups: tuple[type, ...]) -> str:
    """The numpydoc entries of the keywords of ``groups``, indented for a
    function's Parameters section."""
    entries = []
    for group in groups:
        for f in fields(group):
            doc = textwrap.indent(f.metadata["doc"], " " * 8)
            entries.append(f"    {f.name} : {f.metadata['kind']}, default {f.default!r}\n"
                           f"{doc}\n")
    return "".join(entries)


def shares_keywords(*groups: type) -> Callable[[_Door], _Door]:
    """Give a front door that takes the keywords of ``groups`` as
    ``**options`` a signature and a docstring that list them.

    The signature (what ``help`` and :func:`inspect.signature` show) puts
    them as keyword-only parameters, with their defaults and types, after
    the door's positional parameters and before its own keywords; the
    docstring documents them in place of the line :data:`KEYWORDS_MARKER`.
    """
    def decorate(door: _Door) -> _Door:
        signature = inspect.signature(door)
        own = [p for p in signature.parameters.values() if p.kind is not p.VAR_KEYWORD]
        first_keyword = next((i for i, p in enumerate(own) if p.kind is p.KEYWORD_ONLY),
                             len(own))
        shared = [inspect.Parameter(f.name, inspect.Parameter.KEYWORD_ONLY, default=f.default,
                                    annotation=f.type)
                  for group in groups for f in fields(group)]
        door.__signature__ = signature.replace(  # type: ignore[attr-defined]
            parameters=own[:first_keyword] + shared + own[first_keyword:])
        if door.__doc__:  # None under python -OO
            if KEYWORDS_MARKER not in door.__doc__:
                raise AssertionError(f"{door.__name__}'s docstring has no {KEYWORDS_MARKER!r}")
            door.__doc__ = door.__doc__.replace(KEYWORDS_MARKER, keyword_docs(groups))
        return door

    return decorate


def split_keywords(door: str, options: dict[str, Any], *groups: type) -> tuple[Any, ...]:
    """Return ``options``, the ``**options`` of the front door named
    ``door``, as one checked instance of each of ``groups``.

    Raises
    ------
    TypeError
        For a keyword that none of ``groups`` has, worded as Python words
        an unexpected keyword argument (with the closest known name).

    Examples
    --------
    >>> split_keywords("compute_flow", {"markov_time": 2}, FlowOptions)[0].markov_time
    2.0
    >>> split_keywords("compute_flow", {"meta_data": [0, 1]}, FlowOptions)
    Traceback (most recent call last):
    ...
    TypeError: compute_flow() got an unexpected keyword argument 'meta_data'
    """
    known = [f.name for group in groups for f in fields(group)]
    for name in options:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise TypeError(f"{door}() got an unexpected keyword argument {name!r}{hint}")
    return tuple(group(**{f.name: options[f.name] for f in fields(group) if f.name in options})
                 for group in groups)
