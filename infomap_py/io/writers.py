"""Writing results in the official Infomap's file formats: .clu, .tree, .ftree, .json, .csv.

The layout follows the official Infomap (v2) so that its tools read our
files: modules numbered from 1 by decreasing flow, nodes within a module by
decreasing flow (ties by node index), paths ``module:rank``, numbers with six
significant digits, and the same header comment lines, with infomap-py's
version, arguments and results in them.  Every write is atomic.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TextIO

import numpy as np

from .._core.coarsen import module_flows
from ..flow import flow_graph
from ..result import InfomapResult
from ._atomic import atomic_text_file

_CHUNK = 1 << 16


@dataclass(frozen=True)
class _Layout:
    """Where every node goes in the output.

    ``order`` lists node indices in output order; ``module`` (0-based) and
    ``rank`` (1-based position within the module) are per node.
    """

    order: np.ndarray
    module: np.ndarray
    rank: np.ndarray
    sizes: np.ndarray
    num_modules: int
    flow: np.ndarray
    node_ids: np.ndarray
    names: list


def _layout(result: InfomapResult) -> _Layout:
    labels = np.asarray(result.labels, dtype=np.int64)
    flow = np.asarray(result.flow, dtype=np.float64)
    n = labels.shape[0]
    num_modules = max(int(result.num_modules), int(labels.max()) + 1 if n else 0)
    order = np.lexsort((np.arange(n), -flow, labels))
    sizes = np.bincount(labels, minlength=num_modules)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n) - starts[labels[order]] + 1
    node_ids = (np.arange(n, dtype=np.int64) if result.node_ids is None
                else np.asarray(result.node_ids, dtype=np.int64))
    names = ([str(node) for node in result.nodes] if result.names is None
             else [str(name) for name in result.names])
    return _Layout(order, labels, rank, sizes, num_modules, flow, node_ids, names)


def _g(x: float) -> str:
    """Format a number as the official Infomap prints it (C++ stream, 6 significant digits)."""
    return f"{x:.6g}"


def _args(result: InfomapResult) -> str:
    """Return the infomap-py command-line options equivalent to the run."""
    params = result.params or {}
    args = ["--two-level"]
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
    markov_time = params.get("markov_time", 1.0)
    if markov_time != 1.0:
        args += ["--markov-time", f"{markov_time:g}"]
    if params.get("trials"):
        args += ["--num-trials", str(params["trials"]), "--seed", str(result.seed)]
    return " ".join(args)


def _started_at(result: InfomapResult) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(time.time() - result.seconds))


def _header(result: InfomapResult, layout: _Layout) -> list[str]:
    """Return the official header comment lines, with infomap-py's data."""
    from .. import __version__

    trials = len(result.trial_codelengths)
    flow_model = (result.params or {}).get("flow_model", "undirected")
    return [
        f"# v{__version__} (infomap-py)",
        f"# ./infomap-py {_args(result)}",
        f"# started at {_started_at(result)}",
        f"# completed in {_g(result.seconds)} s",
        f"# trials {trials} of {trials}",
        f"# seed {result.seed}",
        f"# partitioned into 2 levels with {layout.num_modules} top modules",
        f"# codelength {_g(result.codelength)} bits",
        f"# relative codelength savings {_g(100.0 * result.relative_codelength_savings)}%",
        f"# flow model {flow_model}",
    ]


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


def _tree_rows(layout: _Layout) -> Iterable[str]:
    module, rank, flow, ids, names = (layout.module, layout.rank, layout.flow,
                                      layout.node_ids, layout.names)
    for i in layout.order.tolist():
        yield f'{module[i] + 1}:{rank[i]} {_g(flow[i])} "{names[i]}" {ids[i]}'


def write_clu(result: InfomapResult, path: str | os.PathLike) -> None:
    """Write the modules as a ``.clu`` file: ``node_id module flow`` per node.

    Modules count from 1 by decreasing flow; nodes are listed module by
    module, by decreasing flow.  The file is written atomically.

    Parameters
    ----------
    result : InfomapResult
        The result to write.
    path : str or os.PathLike
        The file to write (replaced if it exists).

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
    >>> from infomap_py.io import write_clu, read_partition
    >>> result = infomap_py.cluster(nx.barbell_graph(3, 0))
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     write_clu(result, Path(tmp, "barbell.clu"))
    ...     partition = read_partition(Path(tmp, "barbell.clu"))
    >>> sorted(partition.items())
    [(0, 1), (1, 1), (2, 1), (3, 2), (4, 2), (5, 2)]
    """
    layout = _layout(result)
    module, flow, ids = layout.module, layout.flow, layout.node_ids
    with atomic_text_file(path) as handle:
        _write_lines(handle, _header(result, layout) + ["# module level 1",
                                                        "# node_id module flow"])
        _write_lines(handle, (f"{ids[i]} {module[i] + 1} {_g(flow[i])}"
                              for i in layout.order.tolist()))


def write_tree(result: InfomapResult, path: str | os.PathLike) -> None:
    """Write the modules as a ``.tree`` file: ``path flow "name" node_id`` per node.

    The path ``m:r`` is the node's module ``m`` (from 1, by decreasing flow)
    and its rank ``r`` within the module (from 1, by decreasing flow).  The
    file is written atomically.

    Parameters
    ----------
    result : InfomapResult
        The result to write.
    path : str or os.PathLike
        The file to write (replaced if it exists).

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
    >>> lines[10:13]
    ['# path flow name node_id', '1:1 0.214286 "2" 2', '1:2 0.142857 "0" 0']
    """
    layout = _layout(result)
    with atomic_text_file(path) as handle:
        _write_lines(handle, _header(result, layout) + ["# path flow name node_id"])
        _write_lines(handle, _tree_rows(layout))


def _plogp(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    out = np.zeros_like(x)
    positive = x > 0
    out[positive] = x[positive] * np.log2(x[positive])
    return out


@dataclass(frozen=True)
class _ModuleData:
    """Per module: enter and exit flow, codelength, and its links.

    Links are rows ``(scope, source, target, flow)`` sorted by scope: scope 0
    is the root (links between modules, as module numbers from 1); scope
    ``m`` lists the links inside module ``m`` between node ranks.
    """

    enter: np.ndarray
    exit: np.ndarray
    codelength: np.ndarray
    scope: np.ndarray
    source: np.ndarray
    target: np.ndarray
    link_flow: np.ndarray
    undirected: bool


def _module_data(result: InfomapResult, layout: _Layout) -> _ModuleData:
    flow_data = result.flow_data
    if flow_data is None:
        raise ValueError("the result holds no flow data (flow_data); module links and "
                         "enter/exit flows need it")
    labels = np.ascontiguousarray(layout.module, dtype=np.int64)
    k = layout.num_modules
    graph, node_data, node_enter, node_exit = flow_graph(flow_data)
    module_flow, enter, exit_, _, _ = module_flows(graph, node_data, node_enter, node_exit,
                                                   labels, k)
    node_terms = np.bincount(labels, weights=_plogp(layout.flow), minlength=k)
    codelength = _plogp(exit_ + module_flow) - _plogp(exit_) - node_terms
    # Flows that are zero but for rounding (1e-17) are written as zero.
    enter = np.where(np.abs(enter) < 1e-14, 0.0, enter)
    exit_ = np.where(np.abs(exit_) < 1e-14, 0.0, exit_)

    source = np.asarray(flow_data.source, dtype=np.int64)
    target = np.asarray(flow_data.target, dtype=np.int64)
    link_flow = np.asarray(flow_data.link_flow, dtype=np.float64)
    keep = source != target
    source, target, link_flow = source[keep], target[keep], link_flow[keep]
    source_module, target_module = labels[source], labels[target]
    between = source_module != target_module
    scope = np.where(between, 0, source_module + 1)
    a = np.where(between, source_module + 1, layout.rank[source])
    b = np.where(between, target_module + 1, layout.rank[target])
    undirected = flow_data.model == "undirected"
    if undirected:
        a, b = np.minimum(a, b), np.maximum(a, b)
    order = np.lexsort((b, a, scope))
    scope, a, b, link_flow = scope[order], a[order], b[order], link_flow[order]
    if order.size:
        new = np.ones(order.size, dtype=bool)
        new[1:] = (scope[1:] != scope[:-1]) | (a[1:] != a[:-1]) | (b[1:] != b[:-1])
        starts = np.flatnonzero(new)
        link_flow = np.add.reduceat(link_flow, starts)
        scope, a, b = scope[starts], a[starts], b[starts]
    return _ModuleData(enter, exit_, codelength, scope, a, b, link_flow, undirected)


def _ftree_link_lines(layout: _Layout, data: _ModuleData) -> Iterable[str]:
    yield f"*Links {'undirected' if data.undirected else 'directed'}"
    if data.undirected:
        yield "# link flow is both directions combined, one row per module pair"
    yield "#*Links path enterFlow exitFlow numEdges numChildren"
    bounds = np.searchsorted(data.scope, np.arange(layout.num_modules + 2))
    source, target, flow = data.source.tolist(), data.target.tolist(), data.link_flow.tolist()
    for scope in range(layout.num_modules + 1):
        begin, end = int(bounds[scope]), int(bounds[scope + 1])
        if scope == 0:
            yield f"*Links root 0 0 {end - begin} {layout.num_modules}"
        else:
            m = scope - 1
            yield (f"*Links {scope} {_g(data.enter[m])} {_g(data.exit[m])} {end - begin} "
                   f"{layout.sizes[m]}")
        for e in range(begin, end):
            yield f"{source[e]} {target[e]} {_g(flow[e])}"


def write_ftree(result: InfomapResult, path: str | os.PathLike) -> None:
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
    layout = _layout(result)
    data = _module_data(result, layout)
    with atomic_text_file(path) as handle:
        _write_lines(handle, _header(result, layout) + ["# path flow name node_id"])
        _write_lines(handle, _tree_rows(layout))
        _write_lines(handle, _ftree_link_lines(layout, data))


def _json_number(x: float) -> float:
    """Round to six significant digits, as the official JSON output does."""
    return float(f"{x:.6g}")


def write_json(result: InfomapResult, path: str | os.PathLike) -> None:
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

    layout = _layout(result)
    data = _module_data(result, layout)
    params = result.params or {}
    flow_model = params.get("flow_model", "undirected")
    module_flow = np.bincount(layout.module, weights=layout.flow, minlength=layout.num_modules)
    rest = module_flow[layout.module] - layout.flow
    with np.errstate(divide="ignore", invalid="ignore"):
        centrality = np.where(rest > 0, -rest * np.log2(rest / module_flow[layout.module]), 0.0)
    nodes = [
        {
            "path": [int(layout.module[i]) + 1, int(layout.rank[i])],
            "modules": [int(layout.module[i]) + 1],
            "name": layout.names[i],
            "flow": _json_number(layout.flow[i]),
            "mec": _json_number(centrality[i]),
            "id": int(layout.node_ids[i]),
        }
        for i in layout.order.tolist()
    ]
    counts = np.bincount(data.scope, minlength=layout.num_modules + 1)
    modules = [{
        "path": [0], "enterFlow": 0.0, "exitFlow": 0.0, "numEdges": int(counts[0]),
        "numChildren": layout.num_modules,
        "codelength": _json_number(result.index_codelength),
    }]
    for m in range(layout.num_modules):
        modules.append({
            "path": [m + 1],
            "enterFlow": _json_number(data.enter[m]),
            "exitFlow": _json_number(data.exit[m]),
            "numEdges": int(counts[m + 1]),
            "numChildren": int(layout.sizes[m]),
            "codelength": _json_number(data.codelength[m]),
        })
    trials = len(result.trial_codelengths)
    document = {
        "version": f"v{__version__}",
        "args": _args(result),
        "startedAt": _started_at(result),
        "completedIn": result.seconds,
        "codelength": float(result.codelength),
        "seed": int(result.seed),
        "trials": trials,
        "numTrials": trials,
        "numLevels": 2,
        "numTopModules": layout.num_modules,
        "numModules": [layout.num_modules, 0],
        "relativeCodelengthSavings": float(result.relative_codelength_savings),
        "directed": flow_model != "undirected",
        "flowModel": flow_model,
        "higherOrder": False,
        "nodes": nodes,
        "modules": modules,
    }
    with atomic_text_file(path) as handle:
        json.dump(document, handle, separators=(",", ":"), ensure_ascii=False)


def _csv_quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def write_csv(result: InfomapResult, path: str | os.PathLike) -> None:
    """Write the modules as CSV: ``path,flow,name,node_id`` per node, as the official tool.

    Rows follow the ``.tree`` order; names are quoted (a quote inside is
    doubled, RFC 4180).  The file is written atomically.

    Parameters
    ----------
    result : InfomapResult
        The result to write.
    path : str or os.PathLike
        The file to write (replaced if it exists).

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
    layout = _layout(result)
    module, rank, flow, ids, names = (layout.module, layout.rank, layout.flow,
                                      layout.node_ids, layout.names)
    with atomic_text_file(path) as handle:
        _write_lines(handle, ["path,flow,name,node_id"])
        _write_lines(handle, (f"{module[i] + 1}:{rank[i]},{_g(flow[i])},{_csv_quoted(names[i])},"
                              f"{ids[i]}" for i in layout.order.tolist()))
