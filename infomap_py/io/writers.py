"""Writing results in the official Infomap's file formats: .clu, .tree, .ftree, .json, .csv,
.nwk (Newick), and networks as Pajek files (the parsed network, and its flow).

State networks are written in its state format (:func:`write_state_network`).
The result of a state (memory) network is written at two levels, as the
official Infomap writes ``NAME.tree`` and ``NAME_states.tree``: the
*physical* level (``states=False``: one row per physical node and module it
is in, with the flow of its states there) and the *state* level
(``states=True``: one row per state, with its physical node's id).

The layout follows the official Infomap (v2) so that its tools read our
files: modules numbered from 1 by decreasing flow, nodes within a module by
decreasing flow (ties by node index), paths ``module:rank``, numbers with six
significant digits, and the same header comment lines, with infomap-py's
version, arguments and results in them (the command line and the input
and config fingerprints of a :class:`RunInfo` where one is given).  Every
write is atomic.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TextIO

import numpy as np

from .._sort import stable_order, unique_inverse
from ..network import Network, StateNetwork
from ..result import InfomapResult
from ..tree import ModuleTree, build_tree, two_level_tree
from ._atomic import atomic_text_file
from ._fingerprint import InputFingerprint, config_fingerprint, config_from_params
from ._number_text import Field, rows_block, rows_text

_CHUNK = 1 << 16


@dataclass(frozen=True)
class RunInfo:
    """What the header of an output file says about the run besides its result.

    The command-line tool fills it in; a writer called without one writes
    the options equivalent to the result's parameters, no input fingerprint,
    and the config fingerprint of the result's parameters.

    Attributes
    ----------
    command : str or None
        The arguments as the user typed them (quoted for a shell), written
        after ``./infomap-py`` in the header and as ``args`` in JSON.
    input : InputFingerprint or None
        The official fingerprint of the network file
        (:func:`infomap_py.io.input_fingerprint`).
    cluster_data : InputFingerprint or None
        The fingerprint of the ``--cluster-data`` file, where one was read.
    config_fingerprint : str or None
        The official config fingerprint of the run's settings.
    """

    command: str | None = None
    input: InputFingerprint | None = None
    cluster_data: InputFingerprint | None = None
    config_fingerprint: str | None = None


def _command(result: InfomapResult, run: RunInfo | None) -> str:
    return run.command if run is not None and run.command is not None else _args(result)


def _config_fingerprint(result: InfomapResult, run: RunInfo | None) -> str:
    if run is not None and run.config_fingerprint is not None:
        return run.config_fingerprint
    return config_fingerprint(config_from_params(result.params or {}, int(result.seed)))


@dataclass(frozen=True)
class _Layout:
    """Where every node goes in the output.

    The rows are the nodes, or for a state network's result its states
    (``level == "state"``) or its physical nodes in each leaf module
    (``level == "physical"``).  ``order`` lists rows in ``.tree`` order;
    ``module_text`` is every tree module's path as text (``1:3``), so a
    row's path is ``module_text[leaf]:rank`` (made a block of rows at a
    time: a string per row held through the whole write would be the peak
    memory of writing a million states); ``names`` is an object array;
    ``top`` its top module (0-based); ``leaf`` and ``rank`` its leaf module
    and place in it;
    ``physical_ids`` the physical node id of every state and ``layer_ids``
    its layer id in a multilayer network (state level only).
    """

    tree: ModuleTree
    order: np.ndarray
    module_text: np.ndarray
    top: np.ndarray
    flow: np.ndarray
    node_ids: np.ndarray
    names: np.ndarray
    leaf: np.ndarray
    rank: np.ndarray
    level: str = ""
    physical_ids: np.ndarray | None = None
    layer_ids: np.ndarray | None = None

    @property
    def num_top_modules(self) -> int:
        return self.tree.num_top_modules


def _result_tree(result: InfomapResult) -> ModuleTree:
    if result.tree is not None:
        return result.tree
    if result.flow_data is None:
        raise ValueError("the result holds neither a module tree nor flow data")
    return build_tree(result.flow_data, *two_level_tree(result.labels))


def _object_array(items: Sequence) -> np.ndarray:
    """Return ``items`` as a 1-d object array.

    Rows of it are taken without a Python step per row.
    """
    array = np.empty(len(items), dtype=object)
    array[:] = items
    return array


def _module_text(tree: ModuleTree) -> np.ndarray:
    """Return every tree module's path as text, ``1:3`` (``""`` for the root).

    As ``":".join(map(str, tree.module_paths[t]))``, built from the parent's
    text (a parent comes before its children).
    """
    parent, rank = tree.parent.tolist(), tree.rank.tolist()
    text = [""] * len(parent)
    for t in range(1, len(parent)):
        above = text[parent[t]]
        text[t] = f"{above}:{rank[t]}" if above else str(rank[t])
    return _object_array(text)


def _layout(result: InfomapResult, hide_bipartite_nodes: bool = False,
            states: bool = False) -> _Layout:
    tree = _result_tree(result)
    if result.state_network is not None and not states:
        return _physical_layout(result, tree)
    flow = np.asarray(result.flow, dtype=np.float64)
    n = flow.shape[0]
    node_ids = (np.arange(n, dtype=np.int64) if result.node_ids is None
                else np.asarray(result.node_ids, dtype=np.int64))
    order = tree.order()
    start = (result.params or {}).get("bipartite_start_id")
    if hide_bipartite_nodes and start is not None:
        order = order[node_ids[order] < start]  # the primary nodes only
    level, physical_ids, layer_ids = "", None, None
    states_net = result.state_network
    if states_net is None:
        names = _object_array([str(node) for node in result.nodes] if result.names is None
                              else [str(name) for name in result.names])
    else:
        # As the official Infomap: a state is named by its physical node.
        level, physical = "state", np.asarray(states_net.physical, dtype=np.int64)
        physical_ids = states_net.physical_ids[physical]
        names = _object_array(states_net.physical_node_names)[physical]
        if states_net.layer is not None:
            layer_ids = np.asarray(states_net.layer, dtype=np.int64)
    return _Layout(tree, order, _module_text(tree), tree.ancestors_at(1) - 1, flow, node_ids, names,
                   tree.leaf_module, tree.leaf_rank, level, physical_ids, layer_ids)


def _physical_layout(result: InfomapResult, tree: ModuleTree) -> _Layout:
    """The rows of a state network's result at the physical level: every
    physical node once in each leaf module that holds its states, with their
    flow, ranked within the module by physical node id (as the official
    Infomap, which collects them by id)."""
    states_net = result.state_network
    leaf, phys, flow, first = states_net.module_flow(tree.leaf_module, result.flow)
    physical_ids = states_net.physical_ids[phys]  # (a property that checks every id)
    by_rank = _lexsort((physical_ids, leaf))
    group_start = np.searchsorted(leaf[by_rank], leaf[by_rank])
    rank = np.empty(leaf.size, dtype=np.int64)
    rank[by_rank] = np.arange(leaf.size) - group_start + 1
    position = np.empty(tree.parent.shape[0], dtype=np.int64)
    position[tree.module_order()] = np.arange(tree.parent.shape[0])
    order = _lexsort((rank, position[leaf]))
    top_of_state = tree.ancestors_at(1) - 1
    top = top_of_state[first]
    return _Layout(tree, order, _module_text(tree), top, flow, physical_ids,
                   _object_array(states_net.physical_node_names)[phys], leaf, rank, "physical")


def _g(x: float) -> str:
    """Format a number as the official Infomap prints it (C++ stream, 6 significant digits)."""
    return f"{x:.6g}"


def _args(result: InfomapResult) -> str:
    """Return the infomap-py command-line options equivalent to the run."""
    params = result.params or {}
    args = ["--two-level"] if params.get("two_level") else []
    if params.get("fast_hierarchical"):
        args += ["--fast-hierarchical-solution", str(params["fast_hierarchical"])]
    if params.get("trials") == 0:
        args.append("--no-infomap")
    if params.get("directed"):
        args.append("--directed")
    if params.get("flow_model"):
        args += ["--flow-model", str(params["flow_model"])]
    teleportation = params.get("teleportation", 0.15)
    if teleportation != 0.15:
        args += ["--teleportation-probability", f"{teleportation:g}"]
    if params.get("to_nodes"):
        args.append("--to-nodes")
    if params.get("recorded_teleportation"):
        args.append("--recorded-teleportation")
    for flag in ("bipartite_teleportation", "skip_adjust_bipartite_flow"):
        if params.get(flag):
            args.append("--" + flag.replace("_", "-"))
    markov_time = params.get("markov_time", 1.0)
    if markov_time != 1.0:
        args += ["--markov-time", f"{markov_time:g}"]
    if params.get("trials"):
        args += ["--num-trials", str(params["trials"]), "--seed", str(result.seed)]
    return " ".join(args)


def _started_at(result: InfomapResult) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(time.time() - result.seconds))


def _header(result: InfomapResult, layout: _Layout, run: RunInfo | None = None) -> list[str]:
    """Return the official header comment lines, with infomap-py's data."""
    from .. import __version__

    trials = len(result.trial_codelengths)
    flow_model = (result.params or {}).get("flow_model", "undirected")
    fingerprints = []
    if run is not None and run.input is not None:
        fingerprints.append(f"# input fingerprint {run.input.hash} ({run.input.size} bytes)")
    if run is not None and run.cluster_data is not None:
        fingerprints.append(f"# cluster data fingerprint {run.cluster_data.hash}")
    fingerprints.append(f"# config fingerprint {_config_fingerprint(result, run)}")
    return [
        f"# v{__version__} (infomap-py)",
        f"# ./infomap-py {_command(result, run)}",
        f"# started at {_started_at(result)}",
        f"# completed in {_g(result.seconds)} s",
        f"# trials {trials} of {trials}",
        f"# seed {result.seed}",
        f"# partitioned into {layout.tree.num_levels} levels with {layout.num_top_modules} "
        "top modules",
        f"# codelength {_g(result.codelength)} bits",
        f"# relative codelength savings {_g(100.0 * result.relative_codelength_savings)}%",
        f"# flow model {flow_model}",
    ] + fingerprints + ([f"# bipartite start id {start}"]
         if (start := (result.params or {}).get("bipartite_start_id")) is not None else []
         ) + (["# higher order"] if layout.level else [])


def _level_line(layout: _Layout) -> list[str]:
    """The official line that says which level of a state network's
    result a file holds (none for a first-order network)."""
    return [f"# {layout.level} level"] if layout.level else []


def _write_lines(handle: TextIO, lines: Iterable[str]) -> None:
    """Write ``lines`` (without line ends), in chunks."""
    buffer: list[str] = []
    for line in lines:
        buffer.append(line)
        if len(buffer) >= _CHUNK:
            handle.write("\n".join(buffer) + "\n")
            buffer.clear()
    if buffer:
        handle.write("\n".join(buffer) + "\n")


_NAME_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def _escaped_names(names: np.ndarray) -> np.ndarray:
    r"""Return ``names`` for the quotes of ``.tree`` lines.

    A backslash, a quote or a line break is escaped as ``\\``, ``\"``,
    ``\n`` or ``\r`` (the official Infomap writes them raw, which makes
    ``"a"b"`` ambiguous and a line break a broken line).  The array itself
    is returned when no name needs it.
    """
    text = "".join(names)
    if not any(c in text for c in '\\"\n\r'):
        return names
    return _object_array([name.translate(_NAME_ESCAPES) for name in names])


def _tree_columns(layout: _Layout) -> list[str]:
    if layout.level == "state":
        layer = " layer_id" if layout.layer_ids is not None else ""
        return [f"# path flow name state_id node_id{layer}"]
    return ["# path flow name node_id"]


def _row_blocks(layout: _Layout) -> Iterator[np.ndarray]:
    """Yield the rows of ``layout`` in ``.tree`` order, a block of them at a time.

    A block's text is made and written at once; the whole file's never is.
    """
    for start in range(0, layout.order.shape[0], _CHUNK):
        yield layout.order[start:start + _CHUNK]


def _side_by_side(columns: list[Sequence[str]]) -> str:
    """Return the rows of ``columns`` (equally many strings each) joined, one after another."""
    parts: list[str] = [""] * (len(columns) * len(columns[0]))
    for k, column in enumerate(columns):
        parts[k::len(columns)] = column
    return "".join(parts)


def _state_fields(layout: _Layout, rows: np.ndarray, sep: str,
                  layer_first: bool = False) -> list[Field]:
    """Return the physical node id fields of state rows, ``sep`` before each.

    A multilayer state's layer id follows it (or comes before it, as in
    CSV); rows of a first-order network or the physical level get none.
    """
    if layout.physical_ids is None:
        return []
    node = [sep, layout.physical_ids[rows]]
    if layout.layer_ids is None:
        return node
    layer = [sep, layout.layer_ids[rows]]
    return layer + node if layer_first else node + layer


def _tree_rows(layout: _Layout) -> Iterator[str]:
    """Yield the text of the ``.tree`` rows, a block of rows at a time."""
    names = _escaped_names(layout.names)
    for rows in _row_blocks(layout):
        n = rows.shape[0]
        yield _side_by_side([
            layout.module_text[layout.leaf[rows]].tolist(),
            rows_text([":", layout.rank[rows], " ", layout.flow[rows], ' "'], n),
            names[rows].tolist(),
            rows_text(['" ', layout.node_ids[rows]] + _state_fields(layout, rows, " ")
                      + ["\n"], n),
        ])


def write_clu(result: InfomapResult, path: str | os.PathLike,
              hide_bipartite_nodes: bool = False, states: bool = False,
              level: int = 1, *, run: RunInfo | None = None) -> None:
    """Write the modules as a ``.clu`` file: ``node_id module flow`` per node.

    Modules count from 1 by decreasing flow; nodes are listed module by
    module, by decreasing flow.  The file is written atomically.  At the
    state level of a state network the rows are ``state_id module flow
    node_id``.

    Parameters
    ----------
    result : InfomapResult
        The result to write.
    path : str or os.PathLike
        The file to write (replaced if it exists).
    hide_bipartite_nodes : bool
        Leave out the feature nodes of a bipartite network (ids at least
        its bipartite start id), as the official ``--hide-bipartite-nodes``.
    states : bool
        For the result of a state network: write the state level (a row per
        state, with its physical node's id) instead of the physical level
        (a row per physical node in each module); the official Infomap
        writes both, the state level to ``NAME_states.*``.  Ignored for a
        first-order network.
    level : int
        The depth of the modules to write (the official ``--clu-level``):
        1 for the top modules, 2 for their sub-modules, ... (a node whose
        branch ends higher keeps its deepest module), -1 for the modules
        that hold the nodes.  Modules of a level count from 1 in tree order.
    run : RunInfo or None
        The command line and fingerprints for the header (see
        :class:`RunInfo`); ``None`` writes the options equivalent to the
        result's parameters.

    Raises
    ------
    OutputError
        When the file cannot be written; nothing is left at ``path`` then.
    ValueError
        When ``level`` is not -1 or a positive integer.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import networkx as nx
    >>> import infomap_py
    >>> from infomap_py.io import write_clu, read_partition
    >>> result = infomap_py.cluster(nx.barbell_graph(3, 0))
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     write_clu(result, Path(tmp, "barbell.clu"))
    ...     partition = read_partition(Path(tmp, "barbell.clu"))
    >>> sorted(partition.items())
    [(0, 1), (1, 1), (2, 1), (3, 2), (4, 2), (5, 2)]
    """
    if isinstance(level, bool) or not isinstance(level, (int, np.integer)) or not (
            level == -1 or level >= 1):
        raise ValueError(f"level must be -1 or an integer >= 1, got {level!r}")
    layout = _layout(result, hide_bipartite_nodes, states)
    module, flow, ids = _modules_at_level(layout, int(level)), layout.flow, layout.node_ids
    level_text = str(level)  # -1 as the official writes it
    columns = "# node_id module flow"
    if layout.level == "state":
        columns = ("# state_id module flow node_id layer_id" if layout.layer_ids is not None
                   else "# state_id module flow node_id")
    lines = _header(result, layout, run) + _level_line(layout)
    with atomic_text_file(path) as handle:
        _write_lines(handle, lines + [f"# module level {level_text}", columns])
        for rows in _row_blocks(layout):
            handle.write(rows_block([ids[rows], " ", module[rows] + 1, " ", flow[rows]]
                                    + _state_fields(layout, rows, " ") + ["\n"],
                                    rows.shape[0]))


def _modules_at_level(layout: _Layout, level: int) -> np.ndarray:
    """Every row's module at depth ``level`` (-1: its leaf module), numbered
    from 0 in tree order (by flow, depth first)."""
    if level == 1:
        return layout.top
    tree = layout.tree
    module = layout.leaf.copy()
    if level > 0:
        depth = tree.depth
        while True:
            deeper = depth[module] > level
            if not deeper.any():
                break
            module[deeper] = tree.parent[module[deeper]]
    position = np.empty(tree.parent.shape[0], dtype=np.int64)
    position[tree.module_order()] = np.arange(tree.parent.shape[0])
    return unique_inverse(position[module])[1]


def write_tree(result: InfomapResult, path: str | os.PathLike,
               hide_bipartite_nodes: bool = False, states: bool = False, *,
               run: RunInfo | None = None) -> None:
    r"""Write the modules as a ``.tree`` file: ``path flow "name" node_id`` per node.

    The path ``m:r`` is the node's module ``m`` (from 1, by decreasing flow)
    and its rank ``r`` within the module (from 1, by decreasing flow).  In
    the quoted name, a backslash, quote or line break is escaped as
    ``\\``, ``\"``, ``\n`` or ``\r``.  The file is written atomically.

    Parameters
    ----------
    result : InfomapResult
        The result to write.
    path : str or os.PathLike
        The file to write (replaced if it exists).
    hide_bipartite_nodes : bool
        Leave out the feature nodes of a bipartite network (ids at least
        its bipartite start id), as the official ``--hide-bipartite-nodes``.
    states : bool
        For the result of a state network: write the state level (a row per
        state, with its physical node's id) instead of the physical level
        (a row per physical node in each module); the official Infomap
        writes both, the state level to ``NAME_states.*``.  Ignored for a
        first-order network.
    run : RunInfo or None
        The command line and fingerprints for the header (see
        :class:`RunInfo`); ``None`` writes the options equivalent to the
        result's parameters.

    Raises
    ------
    OutputError
        When the file cannot be written; nothing is left at ``path`` then.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import networkx as nx
    >>> import infomap_py
    >>> from infomap_py.io import write_tree
    >>> result = infomap_py.cluster(nx.barbell_graph(3, 0))
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     write_tree(result, Path(tmp, "barbell.tree"))
    ...     lines = Path(tmp, "barbell.tree").read_text().splitlines()
    >>> lines[11:14]
    ['# path flow name node_id', '1:1 0.214286 "2" 2', '1:2 0.142857 "0" 0']
    """
    layout = _layout(result, hide_bipartite_nodes, states)
    with atomic_text_file(path) as handle:
        _write_lines(handle, _header(result, layout, run) + _level_line(layout)
                     + _tree_columns(layout))
        handle.writelines(_tree_rows(layout))


@dataclass(frozen=True)
class _ModuleLinks:
    """The flow on links, by the tree module whose children they join.

    Rows ``(scope, source, target, flow)`` sorted by scope, a tree module
    id (0: the root); source and target are the ranks of the two children
    of that module (sub-modules or nodes) that the link joins.
    """

    scope: np.ndarray
    source: np.ndarray
    target: np.ndarray
    link_flow: np.ndarray
    undirected: bool


def _packed_key(keys: tuple[np.ndarray, ...]) -> np.ndarray | None:
    """Return one int64 key that sorts as ``np.lexsort(keys)`` (the last key first).

    ``None`` where a key is negative or the keys do not fit in one int64.
    """
    if any(key.size and key.min() < 0 for key in keys):
        return None
    spans = [int(key.max()) + 1 if key.size else 1 for key in keys]
    if int(np.prod(spans, dtype=object)) >= 2**63:
        return None
    packed = np.array(keys[-1], dtype=np.int64)  # in place from here: no temporaries
    for key, span in zip(keys[-2::-1], spans[-2::-1], strict=True):
        packed *= span
        packed += np.asarray(key, dtype=np.int64)
    return packed


def _lexsort(keys: tuple[np.ndarray, ...]) -> np.ndarray:
    """Return ``np.lexsort(keys)``, by one packed key where the keys fit in one."""
    packed = _packed_key(keys)
    return np.lexsort(keys) if packed is None else stable_order(packed)


def _summed_by_triple(first: np.ndarray, second: np.ndarray, third: np.ndarray,
                      values: np.ndarray) -> tuple[np.ndarray, ...]:
    """Return the distinct triples of non-negative integers and the sum of ``values`` over each.

    The triples ``(first, second, third)`` come in lexicographic order and
    each sum is taken in the given order (as a stable ``np.lexsort`` and
    ``np.add.reduceat``).
    """
    if first.size == 0:
        return first, second, third, values
    keys = (third, second, first)
    packed = _packed_key(keys)
    if packed is None:
        order = np.lexsort(keys)
        first, second, third = first[order], second[order], third[order]
        new = np.ones(order.size, dtype=bool)
        new[1:] = ((first[1:] != first[:-1]) | (second[1:] != second[:-1])
                   | (third[1:] != third[:-1]))
        starts = np.flatnonzero(new)
        return (first[starts], second[starts], third[starts],
                np.add.reduceat(values[order], starts))
    order = stable_order(packed)
    packed = packed[order]
    new = np.ones(order.size, dtype=bool)
    new[1:] = packed[1:] != packed[:-1]
    starts = np.flatnonzero(new)
    packed = packed[starts]
    span3 = int(third.max()) + 1
    span = (int(second.max()) + 1) * span3
    return (packed // span, packed % span // span3, packed % span3,
            np.add.reduceat(values[order], starts))


def _module_links(result: InfomapResult, layout: _Layout) -> _ModuleLinks:
    flow_data = result.flow_data
    if flow_data is None:
        raise ValueError("the result holds no flow data (flow_data); module links need it")
    tree = layout.tree
    source, target, link_flow = flow_data.directed_links()
    source = np.asarray(source, dtype=np.int64)
    target = np.asarray(target, dtype=np.int64)
    link_flow = np.asarray(link_flow, dtype=np.float64)
    keep = source != target
    if not keep.all():  # (a copy of every link where there is no self-link to drop)
        source, target, link_flow = source[keep], target[keep], link_flow[keep]
    # Climb from both ends until the two sides share a container module
    # (only the links still apart: most are inside one leaf module).
    depth = tree.depth
    scope, container_v = tree.leaf_module[source], tree.leaf_module[target]
    a, b = tree.leaf_rank[source], tree.leaf_rank[target]
    del source, target, keep  # (a write's peak memory is in these link arrays)
    apart = np.flatnonzero(scope != container_v)
    container_u, container_v = scope[apart], container_v[apart]
    rank_u, rank_v = a[apart], b[apart]
    while apart.size:
        up_u = depth[container_u] >= depth[container_v]
        up_v = depth[container_v] >= depth[container_u]
        rank_u[up_u] = tree.rank[container_u[up_u]]
        container_u[up_u] = tree.parent[container_u[up_u]]
        rank_v[up_v] = tree.rank[container_v[up_v]]
        container_v[up_v] = tree.parent[container_v[up_v]]
        met = container_u == container_v
        if met.any():
            joined = apart[met]
            scope[joined], a[joined], b[joined] = container_u[met], rank_u[met], rank_v[met]
            left = ~met
            apart, container_u, container_v = apart[left], container_u[left], container_v[left]
            rank_u, rank_v = rank_u[left], rank_v[left]
    undirected = flow_data.model == "undirected"
    if undirected:
        a, b = np.minimum(a, b), np.maximum(a, b)
    scope, a, b, link_flow = _summed_by_triple(scope, a, b, link_flow)
    return _ModuleLinks(scope, a, b, link_flow, undirected)


def _clean(x: float) -> float:
    """Flows that are zero but for rounding (1e-17) are written as zero."""
    return 0.0 if abs(x) < 1e-14 else float(x)


def _num_children(tree: ModuleTree) -> np.ndarray:
    num_tree = tree.parent.shape[0]
    return (np.bincount(tree.parent[1:], minlength=num_tree)
            + np.bincount(tree.leaf_module, minlength=num_tree))


def _ftree_link_text(layout: _Layout, links: _ModuleLinks) -> Iterator[str]:
    """Yield the text of the ``.ftree`` link sections, a block of links at a time.

    A header per module in tree order, each followed by its links.
    """
    tree = layout.tree
    yield f"*Links {'undirected' if links.undirected else 'directed'}\n"
    if links.undirected:
        yield "# link flow is both directions combined, one row per module pair\n"
    yield "#*Links path enterFlow exitFlow numEdges numChildren\n"
    num_tree = tree.parent.shape[0]
    module_order = tree.module_order()
    position = np.empty(num_tree, dtype=np.int64)
    position[module_order] = np.arange(num_tree)
    # The links module by module in tree order (in scope order within one).
    by_module = np.argsort(position[links.scope], kind="stable")
    source, target = links.source[by_module], links.target[by_module]
    link_flow = links.link_flow[by_module]
    counts = np.bincount(links.scope, minlength=num_tree)[module_order]
    starts = (np.cumsum(counts) - counts).tolist()
    children = _num_children(tree)[module_order].tolist()
    paths = tree.module_paths
    headers = []
    for k, t in enumerate(module_order.tolist()):
        if t == 0:
            headers.append(f"*Links root 0 0 {counts[k]} {children[k]}\n")
        else:
            headers.append(f"*Links {':'.join(map(str, paths[t]))} {_g(_clean(tree.enter[t]))} "
                           f"{_g(_clean(tree.exit[t]))} {counts[k]} {children[k]}\n")
    h = 0
    for lo in range(0, source.shape[0], _CHUNK):
        hi = min(lo + _CHUNK, source.shape[0])
        lines = rows_text([source[lo:hi], " ", target[lo:hi], " ", link_flow[lo:hi], "\n"],
                          hi - lo)
        parts, done = [], lo
        while h < len(headers) and starts[h] < hi:  # a module's header before its first link
            parts.extend(lines[done - lo:starts[h] - lo])
            parts.append(headers[h])
            done, h = starts[h], h + 1
        parts.extend(lines[done - lo:])
        yield "".join(parts)
    yield "".join(headers[h:])


def write_ftree(result: InfomapResult, path: str | os.PathLike, states: bool = False, *,
                run: RunInfo | None = None) -> None:
    """Write the modules as a ``.ftree`` file: a ``.tree`` plus the flow on links.

    The ``.tree`` lines are followed by the flow on the links between
    modules and inside every module.

    After ``*Links undirected`` (or ``directed``) comes one section per
    module, the root first: ``*Links path enterFlow exitFlow numEdges
    numChildren``, then one line ``source target flow`` per pair of children
    (modules for the root, node ranks inside a module) with flow between
    them; for undirected flow both directions are combined into one line.
    The file is written atomically.

    Parameters
    ----------
    result : InfomapResult
        The result to write; it must carry its ``flow_data``.
    path : str or os.PathLike
        The file to write (replaced if it exists).
    states : bool
        For the result of a state network: write the state level (a row per
        state, with its physical node's id) instead of the physical level
        (a row per physical node in each module); the official Infomap
        writes both, the state level to ``NAME_states.*``.  Ignored for a
        first-order network.
    run : RunInfo or None
        The command line and fingerprints for the header (see
        :class:`RunInfo`); ``None`` writes the options equivalent to the
        result's parameters.

    Raises
    ------
    OutputError
        When the file cannot be written; nothing is left at ``path`` then.
    ValueError
        When the result holds no flow data.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import networkx as nx
    >>> import infomap_py
    >>> from infomap_py.io import write_ftree
    >>> result = infomap_py.cluster(nx.barbell_graph(3, 0))
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     write_ftree(result, Path(tmp, "barbell.ftree"))
    ...     lines = Path(tmp, "barbell.ftree").read_text().splitlines()
    >>> lines[lines.index("*Links undirected") + 3:][:3]
    ['*Links root 0 0 1 2', '1 2 0.142857', '*Links 1 0.0714286 0.0714286 3 3']
    """
    layout = _layout(result, states=states)
    # The flow between modules is that of the states, at either level.
    links = _module_links(result, _layout(result, states=True))
    with atomic_text_file(path) as handle:
        _write_lines(handle, _header(result, layout, run) + _level_line(layout)
                     + _tree_columns(layout))
        handle.writelines(_tree_rows(layout))
        handle.writelines(_ftree_link_text(layout, links))


def _json_number(x: float) -> float:
    """Round to six significant digits, as the official JSON output does."""
    return float(f"{x:.6g}")


def write_json(result: InfomapResult, path: str | os.PathLike,
               hide_bipartite_nodes: bool = False, states: bool = False, *,
               run: RunInfo | None = None) -> None:
    """Write the result as JSON in the official Infomap layout.

    Top-level keys give the run (``version``, ``args``, ``codelength``,
    ``numTopModules``, ``flowModel``, ...); ``nodes`` lists every node with
    its ``path``, ``modules``, ``name``, ``flow``, modular centrality
    ``mec`` and ``id``; ``modules`` lists the root (``path [0]``) and every
    module with ``enterFlow``, ``exitFlow``, ``numEdges``, ``numChildren``
    and ``codelength``.  The file is written atomically.

    Parameters
    ----------
    result : InfomapResult
        The result to write; it must carry its ``flow_data``.
    path : str or os.PathLike
        The file to write (replaced if it exists).
    hide_bipartite_nodes : bool
        Leave out the feature nodes of a bipartite network (ids at least
        its bipartite start id), as the official ``--hide-bipartite-nodes``.
    states : bool
        For the result of a state network: write the state level (a row per
        state, with its physical node's id) instead of the physical level
        (a row per physical node in each module); the official Infomap
        writes both, the state level to ``NAME_states.*``.  Ignored for a
        first-order network.
    run : RunInfo or None
        The command line and fingerprints for the header (see
        :class:`RunInfo`); ``None`` writes the options equivalent to the
        result's parameters.

    Raises
    ------
    OutputError
        When the file cannot be written; nothing is left at ``path`` then.
    ValueError
        When the result holds no flow data.

    Examples
    --------
    >>> import json, tempfile
    >>> from pathlib import Path
    >>> import networkx as nx
    >>> import infomap_py
    >>> from infomap_py.io import write_json
    >>> result = infomap_py.cluster(nx.barbell_graph(3, 0))
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     write_json(result, Path(tmp, "barbell.json"))
    ...     data = json.loads(Path(tmp, "barbell.json").read_text())
    >>> data["numTopModules"], data["nodes"][0]
    (2, {'path': [1, 1], 'modules': [1], 'name': '2', 'flow': 0.214286, 'mec': 0.230673, 'id': 2})
    """
    from .. import __version__

    layout = _layout(result, hide_bipartite_nodes, states)
    tree = layout.tree
    links = _module_links(result, _layout(result, states=True))
    params = result.params or {}
    flow_model = params.get("flow_model", "undirected")
    module_flow = tree.flow[layout.leaf]
    rest = module_flow - layout.flow
    with np.errstate(divide="ignore", invalid="ignore"):
        centrality = np.where(rest > 0, -rest * np.log2(rest / module_flow), 0.0)
    module_paths = tree.module_paths
    # "modules" lists a node's module at every level (its deepest module
    # where its branch ends higher), each numbered depth first within its level.
    position = np.empty(tree.parent.shape[0], dtype=np.int64)
    position[tree.module_order()] = np.arange(tree.parent.shape[0])
    per_level = []
    for level in range(1, tree.num_levels):
        module = tree.ancestors_at(level)
        _, level_id = unique_inverse(position[module])
        per_level.append(level_id + 1)
    module_ids = (np.stack(per_level, axis=1) if per_level
                  else np.zeros((layout.flow.size, 0), dtype=np.int64))
    counts = np.bincount(links.scope, minlength=tree.parent.shape[0])
    children = _num_children(tree)
    modules = []
    for t in tree.module_order().tolist():
        modules.append({
            "path": list(module_paths[t]) if t else [0],
            "enterFlow": _json_number(_clean(tree.enter[t])) if t else 0.0,
            "exitFlow": _json_number(_clean(tree.exit[t])) if t else 0.0,
            "numEdges": int(counts[t]),
            "numChildren": int(children[t]),
            "codelength": _json_number(tree.codelength[t]),
        })
    modules_per_level = np.bincount(tree.depth[1:], minlength=tree.num_levels)[1:]
    trials = len(result.trial_codelengths)
    document = {
        "version": f"v{__version__}",
        "args": _command(result, run),
        "startedAt": _started_at(result),
        "completedIn": result.seconds,
        "codelength": float(result.codelength),
        "seed": int(result.seed),
        "trials": trials,
        "numTrials": trials,
        "configFingerprint": _config_fingerprint(result, run),
        **({"input": run.input.as_dict()} if run is not None and run.input is not None else {}),
        **({"clusterData": run.cluster_data.as_dict()}
           if run is not None and run.cluster_data is not None else {}),
        "numLevels": tree.num_levels,
        "numTopModules": tree.num_top_modules,
        "numModules": [int(c) for c in modules_per_level] + [0],
        "relativeCodelengthSavings": float(result.relative_codelength_savings),
        "directed": flow_model != "undirected",
        "flowModel": flow_model,
        "higherOrder": bool(layout.level),
        **({"stateLevel": layout.level == "state"} if layout.level else {}),
        **({"bipartiteStartId": int(params["bipartite_start_id"])}
           if params.get("bipartite_start_id") is not None else {}),
        "nodes": [],  # written a block at a time between the rest's halves
        "modules": modules,
    }
    # As json.dump(document, ...) with the nodes in place, but with the C
    # encoder (json.dump uses the pure-Python one) and no list of every node.
    head, tail = _json_text(document).split('"nodes":[]', 1)
    with atomic_text_file(path) as handle:
        handle.write(head + '"nodes":[')
        for k, rows in enumerate(_row_blocks(layout)):
            nodes = _json_nodes(layout, module_paths, module_ids, centrality, rows)
            handle.write(("," if k else "") + _json_text(nodes)[1:-1])
        handle.write("]" + tail)


def _json_text(value: object) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _json_nodes(layout: _Layout, module_paths: list, module_ids: np.ndarray,
                centrality: np.ndarray, rows: np.ndarray) -> list[dict]:
    """Return the JSON entries of ``rows``.

    As the official Infomap, the physical level of a state network lists no
    ``modules``, the state level adds the ``stateId`` and gives the physical
    node's ``id``.  Flows are rounded as :func:`_json_number`, a column at a time.
    """
    n = rows.shape[0]
    flow = list(map(float, rows_text([layout.flow[rows]], n)))
    mec = list(map(float, rows_text([centrality[rows]], n)))
    names = layout.names[rows].tolist()
    leaf, rank = layout.leaf[rows].tolist(), layout.rank[rows].tolist()
    state_ids = layout.node_ids[rows].tolist()
    ids = state_ids if layout.physical_ids is None else layout.physical_ids[rows].tolist()
    layers = None if layout.layer_ids is None else layout.layer_ids[rows].tolist()
    modules = None if layout.level == "physical" else module_ids[rows].tolist()
    nodes = []
    for k in range(n):
        node = {"path": list(module_paths[leaf[k]]) + [rank[k]]}
        if modules is not None:
            node["modules"] = modules[k]
        node.update(name=names[k], flow=flow[k], mec=mec[k])
        if layout.physical_ids is not None:
            node["stateId"] = state_ids[k]
            if layers is not None:
                node["layerId"] = layers[k]
        node["id"] = ids[k]
        nodes.append(node)
    return nodes


def _csv_quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def write_csv(result: InfomapResult, path: str | os.PathLike,
              hide_bipartite_nodes: bool = False, states: bool = False) -> None:
    """Write the modules as CSV: ``path,flow,name,node_id`` per node, as the official tool.

    Rows follow the ``.tree`` order; names are quoted (a quote inside is
    doubled, RFC 4180).  The file is written atomically.

    Parameters
    ----------
    result : InfomapResult
        The result to write.
    path : str or os.PathLike
        The file to write (replaced if it exists).
    hide_bipartite_nodes : bool
        Leave out the feature nodes of a bipartite network (ids at least
        its bipartite start id), as the official ``--hide-bipartite-nodes``.
    states : bool
        For the result of a state network: write the state level (a row per
        state, with its physical node's id) instead of the physical level
        (a row per physical node in each module); the official Infomap
        writes both, the state level to ``NAME_states.*``.  Ignored for a
        first-order network.

    Raises
    ------
    OutputError
        When the file cannot be written; nothing is left at ``path`` then.

    Examples
    --------
    >>> import csv, tempfile
    >>> from pathlib import Path
    >>> import networkx as nx
    >>> import infomap_py
    >>> from infomap_py.io import write_csv
    >>> result = infomap_py.cluster(nx.barbell_graph(3, 0))
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     write_csv(result, Path(tmp, "barbell.csv"))
    ...     with open(Path(tmp, "barbell.csv"), newline="") as handle:
    ...         rows = list(csv.DictReader(handle))
    >>> rows[0]
    {'path': '1:1', 'flow': '0.214286', 'name': '2', 'node_id': '2'}
    """
    layout = _layout(result, hide_bipartite_nodes, states)
    header = "path,flow,name,node_id"
    if layout.physical_ids is not None:
        # As the official Infomap: a multilayer state's layer before its node.
        header = ("path,flow,name,state_id,layer_id,node_id" if layout.layer_ids is not None
                  else "path,flow,name,state_id,node_id")
    with atomic_text_file(path) as handle:
        _write_lines(handle, [header])
        for rows in _row_blocks(layout):
            n = rows.shape[0]
            handle.write(_side_by_side([
                layout.module_text[layout.leaf[rows]].tolist(),
                rows_text([":", layout.rank[rows], ",", layout.flow[rows], ","], n),
                list(map(_csv_quoted, layout.names[rows].tolist())),
                rows_text([",", layout.node_ids[rows]]
                          + _state_fields(layout, rows, ",", layer_first=True) + ["\n"], n),
            ]))


def _pajek_number(x: float) -> str:
    """Format ``x`` with six significant digits, as the official Infomap does.

    All digits are kept where six would change the value.
    """
    short = f"{x:g}"
    return short if float(short) == x else repr(float(x))


def _pajek_names(names: list[str], what: str) -> list[str]:
    """Return ``names`` after checking that each fits in Pajek quotes."""
    for k, name in enumerate(names):
        if any(c in name for c in '"\n\r'):
            raise ValueError(f"the name of {what} {k} ({name!r}) holds a quote or a line "
                             "break, which a Pajek file cannot hold")
    return names


def _state_network_lines(state_network: StateNetwork, run: RunInfo | None = None
                         ) -> Iterable[str]:
    """Yield the lines of :func:`write_state_network`, without line ends."""
    from .. import __version__

    network = state_network.network
    yield f"# v{__version__} (infomap-py)"
    if run is not None and run.command is not None:
        yield f"# ./infomap-py {run.command}"
    if state_network.physical_names is not None:
        names = _pajek_names(state_network.physical_node_names, "physical node")
        yield "*Vertices"
        yield from (f'{node} "{name}"'
                    for node, name in zip(state_network.physical_ids.tolist(), names, strict=True))
    yield "*States"
    yield "# stateId physicalId"
    state_ids = network.node_ids
    physical_ids = state_network.physical_ids[state_network.physical].tolist()
    names = (_pajek_names(network.node_names, "state") if network.names is not None
             else None)
    weights = None if network.node_weights is None else np.asarray(network.node_weights)
    for k, state in enumerate(state_ids.tolist()):
        name = f' "{names[k]}"' if names is not None else ""
        weight = f" {_pajek_number(float(weights[k]))}" if weights is not None else ""
        yield f"{state} {physical_ids[k]}{name}{weight}"
    yield "*Arcs" if network.directed else "*Links"
    source, target = state_ids[network.source], state_ids[network.target]
    order = np.lexsort((target, source))
    weight = np.asarray(network.weight, dtype=np.float64)
    for s, t, w in zip(source[order].tolist(), target[order].tolist(), weight[order].tolist(),
                       strict=True):
        yield f"{s} {t} {_pajek_number(w)}"


def write_state_network(state_network: StateNetwork, path: str | os.PathLike, *,
                        run: RunInfo | None = None) -> None:
    r"""Write a state network in the official Infomap's state format.

    The layout is the one of the official ``--output states`` file: a
    version comment, ``*Vertices`` with the physical node names (only when
    the network has them), ``*States`` with ``state_id physical_id ["name"]``
    lines (and each state's weight where the network has state weights),
    then the links ``source target weight`` by state id, sorted by source
    and target, under ``*Links`` (``*Arcs`` for a directed network, so that
    reading the file back keeps the direction).  Weights have six
    significant digits, or all of them where six would change the value.
    The file is written atomically.

    Parameters
    ----------
    state_network : StateNetwork
        The network to write.
    path : str or os.PathLike
        The file to write.
    run : RunInfo or None
        Its ``command`` goes into a second header line, as the official
        ``# ./Infomap ...``; ``None`` writes the version line only.

    Raises
    ------
    ValueError
        When a name holds a quote or a line break.
    OutputError
        When the file cannot be written (it is left untouched).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from infomap_py.io import read_network, write_state_network
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp, "states.net")
    ...     _ = path.write_text("*States\n1 1\n2 2\n3 1\n*Links\n1 2\n2 3 0.5\n")
    ...     write_state_network(read_network(path), Path(tmp, "copy.net"))
    ...     print(Path(tmp, "copy.net").read_text().split("\n", 1)[1], end="")
    *States
    # stateId physicalId
    1 1
    2 2
    3 1
    *Links
    1 2 1
    2 3 0.5
    """
    lines = list(_state_network_lines(state_network, run))
    with atomic_text_file(path) as handle:
        _write_lines(handle, lines)


def _newick_text(layout: _Layout) -> str:
    """The Newick tree of ``layout``: ``(children):flow`` per module,
    ``id:flow`` per node, the root wrapped once more, as the official ``.nwk``."""
    tree, flow, ids = layout.tree, layout.flow, layout.node_ids
    chains: dict[int, list[int]] = {}

    def chain_of(module: int) -> list[int]:
        """The modules from the top down to ``module`` (the root left out)."""
        if module not in chains:
            chain, m = [], module
            while m != 0:
                chain.append(m)
                m = int(tree.parent[m])
            chains[module] = chain[::-1]
        return chains[module]

    parts, open_chain = ["(("], []
    for k, i in enumerate(layout.order.tolist()):
        chain = chain_of(int(layout.leaf[i]))
        shared = 0
        while (shared < min(len(chain), len(open_chain))
               and chain[shared] == open_chain[shared]):
            shared += 1
        parts.extend(f"):{_g(tree.flow[m])}" for m in reversed(open_chain[shared:]))
        if k:
            parts.append(",")
        parts.append("(" * (len(chain) - shared))
        parts.append(f"{ids[i]}:{_g(flow[i])}")
        open_chain = chain
    parts.extend(f"):{_g(tree.flow[m])}" for m in reversed(open_chain))
    root_flow = float(tree.flow[0]) if tree.flow.shape[0] else 0.0
    parts.append(f"):{_g(root_flow)});")
    return "".join(parts)


def write_newick(result: InfomapResult, path: str | os.PathLike,
                 hide_bipartite_nodes: bool = False, states: bool = False) -> None:
    """Write the module tree in the Newick format, as the official ``-o newick`` (``.nwk``).

    Every module is ``(children):flow`` and every node ``node_id:flow``, in
    the order of the ``.tree`` file, with six significant digits; the root
    module, whose flow is 1, is wrapped in one more pair of parentheses, as
    the official Infomap writes it.  The file is one line and has no header.
    It is written atomically.

    Parameters
    ----------
    result : InfomapResult
        The result to write.
    path : str or os.PathLike
        The file to write (replaced if it exists).
    hide_bipartite_nodes : bool
        Leave out the feature nodes of a bipartite network (ids at least
        its bipartite start id), as the official ``--hide-bipartite-nodes``.
    states : bool
        For the result of a state network: write the state level (a leaf
        per state, named by its state id) instead of the physical level (a
        leaf per physical node in each module); the official Infomap writes
        both, the state level to ``NAME_states.nwk``.  Ignored for a
        first-order network.

    Raises
    ------
    OutputError
        When the file cannot be written; nothing is left at ``path`` then.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import networkx as nx
    >>> import infomap_py
    >>> from infomap_py.io import write_newick
    >>> result = infomap_py.cluster(nx.barbell_graph(3, 0))
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     write_newick(result, Path(tmp, "barbell.nwk"))
    ...     print(Path(tmp, "barbell.nwk").read_text(), end="")
    (((2:0.214286,0:0.142857,1:0.142857):0.5,(3:0.214286,4:0.142857,5:0.142857):0.5):1);
    """
    text = _newick_text(_layout(result, hide_bipartite_nodes, states))
    with atomic_text_file(path) as handle:
        handle.write(text + "\n")


def _pajek_header(run: RunInfo | None) -> list[str]:
    from .. import __version__

    lines = [f"# v{__version__} (infomap-py)"]
    if run is not None and run.command is not None:
        lines.append(f"# ./infomap-py {run.command}")
    return lines


def _merged_links(source: np.ndarray, target: np.ndarray, value: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The links with equal ``(source, target)`` summed, sorted by source and target."""
    if source.size == 0:
        return source, target, value
    order = np.lexsort((target, source))
    source, target, value = source[order], target[order], value[order]
    new = np.ones(source.size, dtype=bool)
    new[1:] = (source[1:] != source[:-1]) | (target[1:] != target[:-1])
    starts = np.flatnonzero(new)
    return source[starts], target[starts], np.add.reduceat(value, starts)


def _pajek_lines(ids: np.ndarray, names: list[str] | None, node_values: np.ndarray,
                 source: np.ndarray, target: np.ndarray, values: np.ndarray,
                 undirected: bool, column: str) -> Iterable[str]:
    """The ``*Vertices`` and link sections of a Pajek network by node id."""
    yield "*Vertices"
    yield f"#id name {column}"
    labels = [str(i) for i in ids.tolist()] if names is None else _pajek_names(names, "node")
    order = np.argsort(ids, kind="stable")
    for k in order.tolist():
        yield f'{ids[k]} "{labels[k]}" {_g(node_values[k])}'
    yield "*Edges" if undirected else "*Arcs"
    yield f"#source target {column}"
    for s, t, v in zip(source.tolist(), target.tolist(), values.tolist(), strict=True):
        yield f"{s} {t} {_g(v)}"


def write_pajek_network(network: Network | StateNetwork, path: str | os.PathLike, *,
                        run: RunInfo | None = None) -> None:
    """Write the network as read, as the official ``-o network`` Pajek file.

    ``*Vertices`` lists ``id "name" weight`` per node by id (weight 1 where
    the network has no node weights), then ``*Edges`` (an undirected
    network) or ``*Arcs`` lists ``source target weight`` per link by source
    and target id, links between the same two nodes in the same direction
    summed, as the official Infomap aggregates them.  A state network is
    written as its network of states (the official
    ``NAME_states_as_physical.net``: states named by their ids).  Weights
    have six significant digits.  The file is written atomically.

    Parameters
    ----------
    network : Network or StateNetwork
        The network to write.
    path : str or os.PathLike
        The file to write (replaced if it exists).
    run : RunInfo or None
        Its ``command`` goes into the second header line, as the official
        ``# ./Infomap ...``; ``None`` writes the version line only.

    Raises
    ------
    ValueError
        When a node name holds a quote or a line break.
    OutputError
        When the file cannot be written; nothing is left at ``path`` then.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from infomap_py.io import read_network, write_pajek_network
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = Path(tmp, "net.txt").write_text("2 1 0.5\\n1 2\\n1 2\\n")
    ...     write_pajek_network(read_network(Path(tmp, "net.txt")), Path(tmp, "net.net"))
    ...     print(Path(tmp, "net.net").read_text().split("\\n", 1)[1], end="")
    *Vertices
    #id name weight
    1 "1" 1
    2 "2" 1
    *Edges
    #source target weight
    1 2 2
    2 1 0.5
    """
    lines = _pajek_header(run)
    names: list[str] | None
    if isinstance(network, StateNetwork):
        lines.append("# State network as physical network")
        network, names = network.network, None
    else:
        names = network.node_names
    ids = network.node_ids
    weights = (np.ones(network.num_nodes) if network.node_weights is None
               else np.asarray(network.node_weights, dtype=np.float64))
    links = _merged_links(ids[network.source], ids[network.target],
                          np.asarray(network.weight, dtype=np.float64))
    body = _pajek_lines(ids, names, weights, *links, not network.directed, "weight")
    with atomic_text_file(path) as handle:
        _write_lines(handle, lines)
        _write_lines(handle, body)


def write_flow_network(result: InfomapResult, path: str | os.PathLike, *,
                       run: RunInfo | None = None) -> None:
    """Write the network with its flow, as the official ``-o flow`` (``NAME_flow.net``).

    The layout is the one of :func:`write_pajek_network` with flow instead
    of weight: ``id "name" flow`` per node, ``source target flow`` per link,
    self-links included.  For the undirected flow model a link's flow is
    that of both directions, and links between the same two nodes in
    either direction are one line (``min max`` where a link runs that way);
    otherwise links are arcs.  Link flow is before ``--markov-time`` scales
    it, as the official writes it.  For a state network the nodes are the
    states, named by their ids (the official
    ``NAME_states_as_physical_flow.net``).  The file is written atomically.

    Parameters
    ----------
    result : InfomapResult
        The result whose flow to write; it must carry its ``flow_data``.
    path : str or os.PathLike
        The file to write (replaced if it exists).
    run : RunInfo or None
        Its ``command`` goes into the second header line, as the official
        ``# ./Infomap ...``; ``None`` writes the version line only.

    Raises
    ------
    ValueError
        When the result holds no flow data, or a name holds a quote or a
        line break.
    OutputError
        When the file cannot be written; nothing is left at ``path`` then.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import networkx as nx
    >>> import infomap_py
    >>> from infomap_py.io import write_flow_network
    >>> result = infomap_py.cluster(nx.path_graph(3))
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     write_flow_network(result, Path(tmp, "path_flow.net"))
    ...     print(Path(tmp, "path_flow.net").read_text().split("\\n", 1)[1], end="")
    *Vertices
    #id name flow
    0 "0" 0.25
    1 "1" 0.5
    2 "2" 0.25
    *Edges
    #source target flow
    0 1 0.5
    1 2 0.5
    """
    flow = result.flow_data
    if flow is None:
        raise ValueError("the result holds no flow data (flow_data); the flow network needs it")
    lines = _pajek_header(run)
    ids = (np.arange(flow.num_nodes, dtype=np.int64) if result.node_ids is None
           else np.asarray(result.node_ids, dtype=np.int64))
    names: list[str] | None = None
    if result.state_network is not None:
        lines.append("# State network as physical network")
    elif result.names is not None:
        names = [str(name) for name in result.names]
    markov_time = float((result.params or {}).get("markov_time", 1.0))
    source = ids[np.asarray(flow.source, dtype=np.int64)]
    target = ids[np.asarray(flow.target, dtype=np.int64)]
    link_flow = np.asarray(flow.link_flow, dtype=np.float64)
    undirected = flow.model == "undirected"
    if undirected:
        # One line per pair of nodes, the flow of both directions; it runs
        # from the smaller id where some link does.
        link_flow = 2.0 * link_flow if flow.symmetric else link_flow
        low, high = np.minimum(source, target), np.maximum(source, target)
        low_first = source <= target
        pairs, pair_of = np.unique(np.stack([low, high], axis=1), axis=0, return_inverse=True)
        pair_of = pair_of.reshape(-1)
        pair_has_low_first = np.zeros(pairs.shape[0], dtype=bool)
        pair_has_low_first[pair_of[low_first]] = True
        forward = pair_has_low_first[pair_of]
        source, target = np.where(forward, low, high), np.where(forward, high, low)
    if flow.self_nodes is not None:
        self_ids = ids[np.asarray(flow.self_nodes, dtype=np.int64)]
        source = np.concatenate([source, self_ids])
        target = np.concatenate([target, self_ids])
        link_flow = np.concatenate([link_flow, np.asarray(flow.self_flow, dtype=np.float64)])
    links = _merged_links(source, target, link_flow / markov_time)
    body = _pajek_lines(ids, names, np.asarray(flow.node_flow, dtype=np.float64), *links,
                        undirected, "flow")
    with atomic_text_file(path) as handle:
        _write_lines(handle, lines)
        _write_lines(handle, body)
