"""The official JSON network format, ``infomap-network`` version 1.0, as input.

A document is an object with ``"format": "infomap-network"``,
``"version": "1.0"``, a ``"type"`` (``standard``, ``bipartite``, ``state`` or
``multilayer``; default standard) and arrays ``"nodes"`` (``id``, ``name``,
``weight``, ``meta``, ``path``), ``"states"`` (``id``, ``node``, ``name``,
``weight``, ``path``) and ``"edges"`` (``source``, ``target``, ``weight``, and
for multilayer networks ``layers``).  A bipartite document gives its
``"bipartiteStartId"``; a multilayer one its ``"multilayer"`` mode
(``full``: edges between two layers, ``intra``: edges within one,
``intra-inter``: one layer for an intra edge, two for an inter edge from a
node to itself).  As in the official reader, the document's ``"directed"``
does not decide the flow (the flow model does), and a ``path`` on a node or
state (its modules from the top, then its place, as in a ``.tree`` file)
gives an initial partition.  Fields the format does not define (and a
node's ``meta``) are ignored.

The document is checked here, with messages that name the element
(``edges[3].weight``), and then written as the equivalent Pajek text, which
the Pajek reader turns into the network: one set of network rules for both.
"""

from __future__ import annotations

import json
import math
from typing import Any

from ..errors import InputFormatError

TYPES = ("standard", "bipartite", "state", "multilayer")
MULTILAYER_MODES = ("full", "intra", "intra-inter")

#: The largest id the official reader takes (an unsigned 32-bit integer).
MAX_ID = 2**32 - 1


def looks_like_json(data: bytes) -> bool:
    """Whether ``data`` starts, after white space, with ``{`` (the official test)."""
    return data.lstrip()[:1] == b"{"


def to_pajek(data: bytes, name: str) -> tuple[bytes, dict | None, str]:
    """Return ``(pajek_text, paths, type)`` of a JSON network document.

    ``paths`` maps node (or, for a state network, state) ids to tree paths
    ``(module, ..., place)``, ``None`` when no element has a ``path``.
    """
    def fail(message: str) -> InputFormatError:
        return InputFormatError(name, None, message)

    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as err:
        raise fail(f"not UTF-8 text: {err.reason} at byte {err.start}") from None
    except json.JSONDecodeError as err:
        raise InputFormatError(name, err.lineno, f"JSON parse error at column {err.colno}: "
                                                 f"{err.msg}") from None
    if not isinstance(doc, dict):
        raise fail("a JSON network must be an object")
    if doc.get("format") != "infomap-network":
        raise fail(f"not an infomap-network document (format = {doc.get('format')!r}); "
                   "expected \"format\": \"infomap-network\"")
    if doc.get("version") != "1.0":
        raise fail(f"unsupported infomap-network version {doc.get('version')!r} (this reader "
                   "supports \"1.0\")")
    kind = doc.get("type", "standard")
    if kind not in TYPES:
        raise fail(f"unknown infomap-network type {kind!r}; expected one of {', '.join(TYPES)}")
    nodes = _array(doc, "nodes", fail)
    states = _array(doc, "states", fail)
    edges = _array(doc, "edges", fail)
    if states is not None and kind != "state":
        raise fail(f"'states' belong to a network of type 'state', not {kind!r}")
    if not edges and not nodes and not states:
        raise fail("the network is empty: no edges and no nodes")

    lines: list[str] = []
    paths: dict[int, tuple[int, ...]] = {}
    node_ids = set()
    if nodes is not None:
        lines.append("*Vertices")
        for k, node in enumerate(nodes):
            where = f"nodes[{k}]"
            fields = _element(node, where, {"id", "name", "weight", "meta", "path"}, fail)
            node_id = _id(fields, "id", where, fail)
            if node_id in node_ids:
                raise fail(f"{where}.id: node {node_id} is listed twice")
            node_ids.add(node_id)
            lines.append(f"{node_id} {_name(fields, node_id, where, fail)}"
                         f"{_weight(fields, where, fail, ' ')}")
            if "path" in fields:
                if kind == "multilayer":
                    raise fail(f"{where}.path: a multilayer network has no node paths")
                if kind != "state":
                    paths[node_id] = _path(fields["path"], where, fail)
    if kind == "bipartite":
        start = doc.get("bipartiteStartId")
        if not _is_int(start) or start < 0:
            raise fail("type 'bipartite' needs a non-negative integer 'bipartiteStartId', got "
                       f"{start!r}")
        lines.append(f"*Bipartite {start}")
    if kind == "state":
        lines.extend(_state_lines(states, edges, node_ids, nodes is not None, paths, fail))
    if kind == "multilayer":
        mode = doc.get("multilayer", "full")
        if mode not in MULTILAYER_MODES:
            raise fail(f"unknown multilayer mode {mode!r}; expected one of "
                       f"{', '.join(MULTILAYER_MODES)}")
        lines.extend(_multilayer_lines(edges or [], mode, node_ids, nodes is not None, fail))
    else:
        if kind != "bipartite":
            lines.append("*Edges")
        declared = node_ids if (nodes is not None and kind != "state") else None
        for k, edge in enumerate(edges or []):
            where = f"edges[{k}]"
            fields = _element(edge, where, {"source", "target", "weight"}, fail)
            ends = []
            for end in ("source", "target"):
                end_id = _id(fields, end, where, fail)
                if declared is not None and end_id not in declared:
                    raise fail(f"{where}.{end}: node {end_id} is not in 'nodes'")
                ends.append(end_id)
            lines.append(f"{ends[0]} {ends[1]}{_weight(fields, where, fail, ' ')}")
    return ("\n".join(lines) + "\n").encode(), _numbered(paths), kind


def _state_lines(states, edges, node_ids, have_nodes, paths, fail) -> list[str]:
    """The ``*States`` and ``*Links`` lines of a state network (states from
    the edges, each its own physical node, where ``states`` is missing)."""
    lines = ["*States"]
    state_ids: set[int] = set()
    if states is not None:
        for k, state in enumerate(states):
            where = f"states[{k}]"
            fields = _element(state, where, {"id", "node", "name", "weight", "path"}, fail)
            state_id = _id(fields, "id", where, fail)
            node = _id(fields, "node", where, fail)
            if state_id in state_ids:
                raise fail(f"{where}.id: state {state_id} is listed twice")
            if have_nodes and node not in node_ids:
                raise fail(f"{where}.node: node {node} is not in 'nodes'")
            state_ids.add(state_id)
            lines.append(f"{state_id} {node} {_name(fields, state_id, where, fail)}"
                         f"{_weight(fields, where, fail, ' ')}")
            if "path" in fields:
                paths[state_id] = _path(fields["path"], where, fail)
    links = ["*Links"]
    implicit: list[int] = []
    for k, edge in enumerate(edges or []):
        where = f"edges[{k}]"
        fields = _element(edge, where, {"source", "target", "weight"}, fail)
        ends = [_id(fields, end, where, fail) for end in ("source", "target")]
        for end, end_id in zip(("source", "target"), ends, strict=True):
            if states is not None and end_id not in state_ids:
                raise fail(f"{where}.{end}: state {end_id} is not in 'states'")
            if states is None and end_id not in state_ids:
                state_ids.add(end_id)
                implicit.append(end_id)
        links.append(f"{ends[0]} {ends[1]}{_weight(fields, where, fail, ' ')}")
    lines.extend(f"{state_id} {state_id}" for state_id in implicit)
    if have_nodes and implicit:
        missing = next((s for s in implicit if s not in node_ids), None)
        if missing is not None:
            raise fail(f"edges: state {missing} (its own physical node, as 'states' is "
                       "missing) is not in 'nodes'")
    return lines + links


def _multilayer_lines(edges, mode, node_ids, have_nodes, fail) -> list[str]:
    """The ``*Multilayer``, ``*Intra`` and ``*Inter`` lines of the edges."""
    full, intra, inter = ["*Multilayer"], ["*Intra"], ["*Inter"]
    for k, edge in enumerate(edges):
        where = f"edges[{k}]"
        fields = _element(edge, where, {"source", "target", "weight", "layers"}, fail)
        source, target = _id(fields, "source", where, fail), _id(fields, "target", where, fail)
        for end, end_id in (("source", source), ("target", target)):
            if have_nodes and end_id not in node_ids:
                raise fail(f"{where}.{end}: node {end_id} is not in 'nodes'")
        layers = fields.get("layers")
        if not isinstance(layers, list) or not layers or not all(
                _is_int(x) and 0 <= x <= MAX_ID for x in layers):
            raise fail(f"{where}.layers: expected a list of layer ids, got {layers!r}")
        weight = _weight(fields, where, fail, " ")
        if mode == "full" and len(layers) == 2:
            full.append(f"{layers[0]} {source} {layers[1]} {target}{weight}")
        elif mode == "intra" and len(layers) == 1 or mode == "intra-inter" and len(layers) == 1:
            intra.append(f"{layers[0]} {source} {target}{weight}")
        elif mode == "intra-inter" and len(layers) == 2:
            if source != target:
                raise fail(f"{where}: an inter-layer edge of mode 'intra-inter' goes from a node "
                           f"to itself, got {source} -> {target} (use mode 'full')")
            inter.append(f"{layers[0]} {source} {layers[1]}{weight}")
        else:
            need = {"full": "two layer ids", "intra": "one layer id",
                    "intra-inter": "one or two layer ids"}[mode]
            raise fail(f"{where}.layers: mode {mode!r} needs {need}, got {layers!r}")
    return [line for block in (full, intra, inter) if len(block) > 1 for line in block]


def _array(doc: dict, key: str, fail) -> list | None:
    value = doc.get(key)
    if value is not None and not isinstance(value, list):
        raise fail(f"'{key}' must be an array, got {type(value).__name__}")
    return value


def _element(value: Any, where: str, known: set, fail) -> dict:
    """Return the element ``value`` (an object); fields beyond ``known``
    are ignored, as the official reader ignores them (with a note)."""
    if not isinstance(value, dict):
        raise fail(f"{where} must be an object, got {value!r}")
    return value


def _is_int(value: Any) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool)) or (
        isinstance(value, float) and value.is_integer())


def _id(fields: dict, key: str, where: str, fail) -> int:
    if key not in fields:
        raise fail(f"{where}: missing the required field {key!r}")
    value = fields[key]
    if not _is_int(value) or not 0 <= value <= MAX_ID:
        raise fail(f"{where}.{key}: must be an integer id in [0, {MAX_ID}], got {value!r}")
    return int(value)


def _weight(fields: dict, where: str, fail, prefix: str) -> str:
    if "weight" not in fields:
        return ""
    value = fields["weight"]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not (
            math.isfinite(value) and value >= 0):
        raise fail(f"{where}.weight: must be a finite number >= 0, got {value!r}")
    return f"{prefix}{float(value)!r}"


def _name(fields: dict, element_id: int, where: str, fail) -> str:
    name = fields.get("name", str(element_id))
    if not isinstance(name, str):
        raise fail(f"{where}.name: must be a string, got {name!r}")
    if '"' in name or "\n" in name or "\r" in name:
        raise fail(f"{where}.name: a name may not hold a double quote or a line break, "
                   f"got {name!r}")
    return f'"{name}"'


def _path(value: Any, where: str, fail) -> tuple[int, ...]:
    if not isinstance(value, list) or not value or not all(
            _is_int(x) and x >= 1 for x in value):
        raise fail(f"{where}.path: must be a list of positive integers, got {value!r}")
    return tuple(int(x) for x in value)


def _numbered(paths: dict[int, tuple[int, ...]]) -> dict | None:
    """The paths as ``.tree`` paths: the modules (all but the last entry,
    or the one entry), then the node's place numbered anew within them."""
    if not paths:
        return None
    count: dict[tuple[int, ...], int] = {}
    numbered = {}
    for node, path in paths.items():
        modules = path[:-1] if len(path) > 1 else path
        count[modules] = count.get(modules, 0) + 1
        numbered[node] = (*modules, count[modules])
    return numbered
