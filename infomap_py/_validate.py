"""Every argument check of the public API, in one place.

Messages name the argument, what is allowed and what was received. A value
out of range raises :class:`~infomap_py.errors.InfomapArgumentError` (a
``ValueError``), a value of the wrong type the builtin ``TypeError``; a
negative link weight or a network too large for memory is the network's fault,
not an argument's, and stays a plain ``ValueError``.  A partition or module
tree that does not fit the nodes raises
:class:`~infomap_py.errors.NotAPartitionError` (a ``ValueError`` too).
"""

from __future__ import annotations

import numbers
import os
from typing import Any, Sequence

import numpy as np

from ._sort import unique_inverse
from .errors import InfomapArgumentError, NotAPartitionError
from .flow import FLOW_MODELS
from .result import InfomapResult
from .tree import ModuleTree, tree_from_paths, two_level_tree

#: The most trials one call may ask for: each trial keeps its codelength, and
#: a count beyond this is a typo rather than a plan.
MAX_TRIALS = 1_000_000

#: The most threads one call may ask for: more only waits on the same cores.
MAX_THREADS = 10_000

#: The largest loop, level and iteration limit of the search: the kernels
#: count in int64, and a limit beyond this is a typo rather than a plan.
MAX_LOOPS = 1_000_000_000

#: A lower bound on the memory one node takes in a run: its flow, enter and
#: exit flow, module and CSR offset alone are more than eight 8-byte numbers.
BYTES_PER_NODE = 64


def check_flow_model(flow_model: Any, directed: bool) -> str:
    """Return the flow model to use: ``flow_model`` or the default for ``directed``."""
    if flow_model is None:
        return "directed" if directed else "undirected"
    if not isinstance(flow_model, str) or flow_model not in FLOW_MODELS:
        raise InfomapArgumentError(
            f"flow_model must be one of {', '.join(map(repr, FLOW_MODELS))}, got {flow_model!r}"
        )
    return flow_model


def check_probability(name: str, value: Any) -> float:
    """Return ``value`` as a float in the open interval (0, 1)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number in (0, 1), got {value!r}")
    value = float(value)
    if not 0.0 < value < 1.0:
        raise InfomapArgumentError(f"{name} must be in (0, 1), got {value!r}")
    return value


def check_positive(name: str, value: Any) -> float:
    """Return ``value`` as a finite float > 0."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a positive number, got {value!r}")
    value = float(value)
    if not (np.isfinite(value) and value > 0.0):
        raise InfomapArgumentError(f"{name} must be a finite number > 0, got {value!r}")
    return value


def check_number(name: str, value: Any, low: float, high: float | None = None,
                 low_open: bool = False, high_open: bool = False) -> float:
    """Return ``value`` as a float in the interval from ``low`` to ``high``
    (``None``: no upper end), closed unless ``low_open``/``high_open``."""
    interval = ("(" if low_open else "[") + f"{low:g}, " + (
        "inf)" if high is None else f"{high:g}" + (")" if high_open else "]"))
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number in {interval}, got {value!r}")
    x = float(value)
    inside = np.isfinite(x) and (x > low if low_open else x >= low) and (
        high is None or (x < high if high_open else x <= high))
    if not inside:
        raise InfomapArgumentError(f"{name} must be a number in {interval}, got {value!r}")
    return x


def check_count(name: str, value: Any, minimum: int = 1, maximum: int | None = None) -> int:
    """Return ``value`` as an int >= ``minimum`` (and <= ``maximum`` if given)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer >= {minimum}, got {value!r}")
    if value < minimum:
        raise InfomapArgumentError(f"{name} must be >= {minimum}, got {value!r}")
    if maximum is not None and value > maximum:
        raise InfomapArgumentError(f"{name} must be <= {maximum:,}, got {value!r}")
    return int(value)


def check_choice(name: str, value: Any, choices: Any) -> int:
    """Return ``value`` as an int if it is one of the integers ``choices``."""
    choices = list(choices)
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value not in choices:
        raise InfomapArgumentError(f"{name} must be one of {', '.join(map(str, choices))}, got {value!r}")
    return int(value)


def check_seed(seed: Any) -> int:
    """Return ``seed`` as a non-negative int."""
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"seed must be a non-negative integer, got {seed!r}")
    if seed < 0:
        raise InfomapArgumentError(f"seed must be a non-negative integer, got {seed!r}")
    return int(seed)


def check_bool(name: str, value: Any) -> bool:
    """Return ``value`` if it is a bool (or numpy bool)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def check_weights(weights: np.ndarray, describe_link) -> None:
    """Raise ``ValueError`` naming the first link whose weight is negative,
    NaN or infinite; ``describe_link(i)`` returns a readable name of link ``i``."""
    bad = ~np.isfinite(weights) | (weights < 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"link weights must be finite and >= 0, got {float(weights[i])} on link "
            f"{describe_link(i)}"
        )


def physical_memory() -> int | None:
    """Return the bytes of physical memory of this machine (``None`` if unknown)."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, ValueError, OSError):  # pragma: no cover - not POSIX
        return None


def check_num_nodes(num_nodes: int, what: str) -> None:
    """Raise ``ValueError`` when ``num_nodes`` nodes cannot fit in this machine's memory.

    The check runs before anything of that size is allocated.  ``what``
    names where the count comes from (``"*Vertices 100000000000"``) and
    starts the message.
    """
    need = num_nodes * BYTES_PER_NODE
    total = physical_memory()
    limit = total if total is not None else 1 << 50
    if need > limit:
        have = f"the {_size(total)} of this machine" if total is not None else "1 PiB"
        raise ValueError(f"{what}: {num_nodes:,} nodes need at least {_size(need)} of memory "
                         f"({BYTES_PER_NODE} bytes per node), more than {have}")


def _size(num_bytes: float) -> str:
    """Return a byte count in readable units, e.g. ``'5.8 TiB'``."""
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if num_bytes < 1024 or unit == "PiB":
            break
        num_bytes /= 1024
    return f"{num_bytes:,.3g} {unit}" if unit != "bytes" else f"{int(num_bytes)} bytes"


def check_bipartite_start_id(value: Any) -> int:
    """Return ``value`` if it is an integer node id (not a bool) in int64 range."""
    if not isinstance(value, (int, np.integer)) or isinstance(value, (bool, np.bool_)):
        raise TypeError(f"bipartite_start_id must be an integer node id or None, got {value!r}")
    if not -(1 << 63) <= int(value) < (1 << 63):
        raise InfomapArgumentError(f"bipartite_start_id must fit in int64, got {value}")
    return int(value)


def check_node_weights(node_weights: Any, graph: Any, num_nodes: int) -> np.ndarray:
    """Return the node weights given as ``node_weights``, one per node.

    A string names a node attribute of the networkx ``graph`` (a node
    without it weighs 1, the official default); anything else is an
    array_like of ``num_nodes`` finite numbers >= 0, in node order.
    """
    if isinstance(node_weights, str):
        nodes = getattr(graph, "nodes", None)
        if nodes is None or not callable(nodes):
            raise TypeError(f"node_weights={node_weights!r} names a node attribute, which "
                            f"needs a networkx graph, got {type(graph).__name__}; give an "
                            "array of weights in node order")
        values = [value for _, value in graph.nodes(data=node_weights, default=1.0)]
        bad = next((v for v in values if isinstance(v, bool) or not isinstance(v, numbers.Real)),
                   None)
        if bad is not None:
            raise TypeError(f"node attribute {node_weights!r} must hold numbers, got {bad!r}")
        weights = np.asarray(values, dtype=np.float64)
    else:
        try:
            weights = np.asarray(node_weights, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError("node_weights must be a node attribute name or an array of "
                            f"numbers, got {type(node_weights).__name__}") from None
        if weights.ndim != 1 or weights.shape[0] != num_nodes:
            raise InfomapArgumentError(f"node_weights must hold one weight per node ({num_nodes}), got "
                             f"shape {weights.shape}")
    bad = ~np.isfinite(weights) | (weights < 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"node weights must be finite and >= 0, got {weights[i]} for node "
                         f"index {i}")
    return weights


def check_flow_iteration(max_flow_iterations: Any, min_flow_iterations: Any,
                         flow_tolerance: Any) -> tuple[int, int, float]:
    """Return the power-iteration controls checked: a cap >= 0 (0: none), a
    minimum >= 0 and a tolerance >= 0."""
    most = check_count("max_flow_iterations", max_flow_iterations, minimum=0)
    least = check_count("min_flow_iterations", min_flow_iterations, minimum=0)
    tolerance = check_number("flow_tolerance", flow_tolerance, 0.0)
    return most, least, tolerance


# --- Partitions and module trees --------------------------------------------------------

def check_partition(partition: Any, nodes: Sequence[Any]) -> np.ndarray:
    """Return ``partition`` as an int label per node of ``nodes``.

    ``partition`` may be a sequence of labels aligned with ``nodes``, a dict
    ``{node: module}``, a list of sets of nodes (communities), or an
    :class:`~infomap_py.InfomapResult` (its top modules).  A partition that
    does not fit the nodes raises
    :class:`~infomap_py.errors.NotAPartitionError`, one of another type
    ``TypeError``.

    Examples
    --------
    >>> check_partition({"a": "x", "b": "y", "c": "x"}, ["a", "b", "c"]).tolist()
    [0, 1, 0]
    >>> check_partition([{"a", "c"}, {"b"}], ["a", "b", "c", "d"])
    Traceback (most recent call last):
    ...
    infomap_py.errors.NotAPartitionError: node 'd' is in no community
    """
    n = len(nodes)
    if isinstance(partition, InfomapResult):
        partition = partition.labels
    if isinstance(partition, dict):
        missing = [node for node in nodes if node not in partition]
        if missing:
            raise NotAPartitionError(f"partition has no module for node {missing[0]!r}")
        if len(partition) > n:
            node_set = set(nodes)
            extra = next(key for key in partition if key not in node_set)
            raise NotAPartitionError(f"partition has a module for {extra!r}, which is not a "
                                     "node")
        module_ids: dict = {}
        return np.array(
            [module_ids.setdefault(partition[node], len(module_ids)) for node in nodes],
            dtype=np.int64,
        )
    if isinstance(partition, (list, tuple)) and partition and all(
        isinstance(c, (set, frozenset)) for c in partition
    ):
        index = {node: i for i, node in enumerate(nodes)}
        labels = np.full(n, -1, dtype=np.int64)
        for module, community in enumerate(partition):
            for node in community:
                if node not in index:
                    raise NotAPartitionError(f"community {module} holds {node!r}, which is "
                                             "not a node")
                if labels[index[node]] >= 0:
                    raise NotAPartitionError(f"node {node!r} is in more than one community")
                labels[index[node]] = module
        if (labels < 0).any():
            node = nodes[int(np.flatnonzero(labels < 0)[0])]
            raise NotAPartitionError(f"node {node!r} is in no community")
        return labels
    try:
        labels = np.asarray(partition)
    except (TypeError, ValueError):
        labels = None
    if labels is None or labels.ndim != 1 or labels.dtype.kind not in "iu":
        raise TypeError(
            "partition must be a sequence of integer labels (one per node), a dict "
            "{node: module} or a list of sets of nodes"
        )
    if labels.shape[0] != n:
        raise NotAPartitionError(f"partition has {labels.shape[0]} labels for {n} nodes")
    return labels.astype(np.int64)


def check_module_tree(partition: Any, nodes: Sequence[Any]
                      ) -> tuple[np.ndarray, np.ndarray] | None:
    """Return ``(parent, leaf_module)`` when ``partition`` is a module tree
    of ``nodes`` (a result or :class:`~infomap_py.ModuleTree`, or a path
    per node as a sequence aligned with ``nodes`` or ``{node: path}``);
    ``None`` for a flat partition.  A tree that does not fit the nodes
    raises :class:`~infomap_py.errors.NotAPartitionError`."""
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
                raise NotAPartitionError(f"the tree has a path for {extra!r}, which is not a "
                                         "node")
            return _tree_of_paths([partition[node] for node in nodes])
        return None
    if (isinstance(partition, (list, tuple)) and partition
            and all(isinstance(v, (tuple, list)) for v in partition)):
        if len(partition) != len(nodes):
            raise NotAPartitionError(f"the tree has {len(partition)} paths for {len(nodes)} "
                                     "nodes")
        return _tree_of_paths(partition)
    return None


def check_partition_tree(partition: Any, nodes: Sequence[Any]) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(parent, leaf_module)`` of a module tree of ``nodes``
    (:func:`check_module_tree`), or of a flat partition
    (:func:`check_partition`) as a two-level tree."""
    tree = check_module_tree(partition, nodes)
    if tree is not None:
        return tree
    _, labels = unique_inverse(check_partition(partition, nodes))
    return two_level_tree(labels)


def _tree_of_paths(paths: Any) -> tuple[np.ndarray, np.ndarray]:
    """:func:`infomap_py.tree.tree_from_paths`, raising
    :class:`~infomap_py.errors.NotAPartitionError` for a path that is not one."""
    try:
        return tree_from_paths(paths)
    except ValueError as err:
        raise NotAPartitionError(str(err)) from None
