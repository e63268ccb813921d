"""The higher-order sections of Pajek files, as the official Infomap defines them.

``*States`` (state nodes of a memory network), ``*Multilayer``/``*Multiplex``,
``*Intra`` and ``*Inter`` (multilayer links) and ``*Bipartite START_ID``.
:func:`infomap_py.io.readers.read_network` finds the sections; this module
parses their lines and assembles the :class:`~infomap_py.network.StateNetwork`,
:class:`~infomap_py.multilayer.MultilayerNetwork` or bipartite
:class:`~infomap_py.network.Network`.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field, replace

import numpy as np

from .._sort import unique, unique_inverse
from ..multilayer import MultilayerNetwork
from ..network import Network, StateNetwork
from ._source import decode, parse_number
from .readers import (
    MAX_ID,
    _locate,
    _Section,
    _strip_comment,
    _Text,
    _vertex_data,
    _Vertices,
)

STATE_FORMAT = "expected 'state_id physical_id [\"name\"] [weight]'"

#: The column layout of each multilayer section: its integer columns, then an
#: optional weight.
ROW_FORMATS = {
    "*multilayer": ("layer node layer node", 4),
    "*multiplex": ("layer node layer node", 4),
    "*intra": ("layer node node", 3),
    "*inter": ("layer node layer", 3),
}
MULTILAYER_SECTIONS = tuple(ROW_FORMATS)

# state id, physical id, then a quoted or bare name, then a weight; further
# tokens are ignored, as on vertex lines.
_STATE = re.compile(r'^(\S+)\s+(\S+)(?:\s+(?:"([^"]*)"|([^\s"]+)))?(?:\s+(\S+))?(?:\s.*)?$')
_SEPARATORS = re.compile(rb"[\s,]+")

#: The kind of network each section belongs to.
SECTION_KINDS = {
    "*edges": "first-order", "*arcs": "first-order", "*links": "first-order",
    "*states": "state", "*bipartite": "bipartite",
    **{section: "multilayer" for section in MULTILAYER_SECTIONS},
}

#: The kinds of sections that may share a file with each kind.
_COMPATIBLE = {
    "first-order": {"first-order", "state"},
    "state": {"state", "first-order"},
    "multilayer": {"multilayer"},
    "bipartite": {"bipartite"},
}


@dataclass
class SectionKinds:
    """The kinds of sections met so far.

    Each kind keeps the heading and line that first introduced it: a file
    holds one kind of network.
    """

    first: dict = field(default_factory=dict)

    def enter(self, text: _Text, kind: str, heading: str, line: int) -> None:
        """Record section ``heading`` on ``line``; refuse it where it mixes kinds."""
        for other, (other_heading, other_line) in self.first.items():
            if other not in _COMPATIBLE[kind]:
                raise text.error(line, f"{heading} cannot be mixed with {other_heading} "
                                       f"(line {other_line}): a file holds one network, first-"
                                       "order (*Edges/*Arcs/*Links), state (*States and "
                                       "*Links), multilayer (*Multilayer/*Intra/*Inter) or "
                                       "bipartite (one *Bipartite section)")
        self.first.setdefault(kind, (heading, line))

    @property
    def network_kind(self) -> str:
        """``"state"``, ``"multilayer"``, ``"bipartite"`` or ``"first-order"``."""
        for kind in ("state", "multilayer", "bipartite"):
            if kind in self.first:
                return kind
        return "first-order"


# ---------------------------------------------------------------- *States

@dataclass
class States:
    """The ``*States`` lines read so far, as arrays, one chunk per section.

    Each chunk is ``(ids, physical, names, weights, lines)``: per state its
    id, physical id, name (``names`` is ``None`` for a chunk without any),
    weight (NaN where the line gives none) and line number.
    """

    line: int
    chunks: list = field(default_factory=list)

    @property
    def count(self) -> int:
        """The number of states read."""
        return sum(int(chunk[0].shape[0]) for chunk in self.chunks)

    def columns(self) -> tuple[np.ndarray, np.ndarray, list | None, np.ndarray, np.ndarray]:
        """Return ``(ids, physical, names, weights, lines)`` of every state, in file order."""
        if not self.chunks:
            empty = np.empty(0, dtype=np.int64)
            return empty, empty, None, np.empty(0), empty
        ids, physical, weights, lines = (np.concatenate([c[k] for c in self.chunks])
                                         for k in (0, 1, 3, 4))
        names = None
        if any(chunk[2] is not None for chunk in self.chunks):
            names = [name for c in self.chunks
                     for name in (c[2] if c[2] is not None else [None] * c[0].shape[0])]
        return ids, physical, names, weights, lines


def _integer(text: _Text, line: int, token: str, what: str) -> int:
    """Return ``token`` as a non-negative int64 id, or raise naming the line."""
    if not (token.isdigit() and token.isascii()):
        raise text.error(line, f"{what} must be a non-negative integer, got {token!r}")
    value = int(token)
    if value > MAX_ID:
        raise text.error(line, f"{what} {value} is too large: ids must be at most {MAX_ID} "
                               "(2**63 - 1)")
    return value


def _weight(text: _Text, line: int, token: str, what: str) -> float:
    """Return ``token`` as a finite weight >= 0, or raise naming the line."""
    try:
        value = parse_number(token)
    except ValueError:
        raise text.error(line, f"{what} must be a number, got {token!r}") from None
    if not (np.isfinite(value) and value >= 0):
        raise text.error(line, f"{what} must be a finite number >= 0, got {token!r}")
    return value


def _is_number(token: str) -> bool:
    try:
        parse_number(token)
    except ValueError:
        return False
    return True


def read_state_lines(text: _Text, pos: int, line: int, states: States) -> tuple[int, int]:
    """Read ``*States`` lines into ``states``; return ``(pos, line)`` of the next heading.

    A line is ``state_id physical_id ["name"] [weight]``; as in the official
    Infomap a bare number after the ids is the weight.  Lines of two or
    three plain numbers are parsed with NumPy over the section's bytes;
    any other line (a name, a comment, a malformed line) token by token,
    so that errors name its line.  A state listed twice is an error.
    """
    body, end_pos, end_line = _raw_section(text, pos, line)
    fast = _fast_state_rows(body, line)
    if fast is None:  # some plain-looking line is malformed: parse every line carefully
        fast = _no_rows(), np.ones(body.count(b"\n") + 1, dtype=bool)
    rows, careful = fast
    careful_rows = _careful_state_rows(text, body, line, careful)
    states.chunks.append(_merge_rows(rows, careful_rows))
    _check_unique_states(text, states)
    return end_pos, end_line


def _raw_section(text: _Text, pos: int, line: int) -> tuple[bytes, int, int]:
    """Return ``(body, end_pos, end_line)``: the bytes from ``pos`` up to the
    next heading, and where that heading (or the end of the data) starts."""
    end_pos = _next_heading(text.data, pos)
    body = text.data[pos:end_pos]
    end_line = line + body.count(b"\n") + (0 if body.endswith(b"\n") or not body else 1)
    return body, end_pos, end_line


def _next_heading(data: bytes, pos: int) -> int:
    """Return the start of the first heading line (first non-blank byte
    ``*``) at or after ``pos``, a line start; ``len(data)`` if there is none."""
    star = pos - 1
    while True:
        star = data.find(b"*", star + 1)
        if star < 0:
            return len(data)
        start = data.rfind(b"\n", pos, star) + 1 or pos
        if not data[start:star].strip(b" \t\r\f\v"):
            return start


def _no_rows() -> tuple:
    empty = np.empty(0, dtype=np.int64)
    return empty, empty, np.empty(0), empty


_STATE_ODD = np.ones(256, dtype=bool)
_STATE_ODD[list(b"0123456789.eE+- \t\r\n\f\v")] = False


def _fast_state_rows(body: bytes, line: int):
    """Parse the plain state lines of ``body`` (two or three numbers) with NumPy.

    Returns ``((ids, physical, weights, lines), careful)``, where
    ``careful`` marks the lines (by index in ``body``) left to
    :func:`_careful_state_rows`: lines with other characters (names,
    comments), other token counts, ids that are not plain digits or have
    more than 18 of them.  Returns ``None`` where a plain-looking weight
    does not parse (``1e``, ``1.2.3``) or is negative: then every line is
    parsed carefully, which names the bad line.
    """
    buf = np.frombuffer(body, dtype=np.uint8)
    newlines = np.flatnonzero(buf == 10)
    space = _WHITESPACE[buf]
    starts = np.flatnonzero(~space & np.concatenate([[True], space[:-1]]))
    ends = np.flatnonzero(~space & np.concatenate([space[1:], [True]])) + 1
    token_line = np.searchsorted(newlines, starts)
    counts = np.bincount(token_line, minlength=newlines.size + 1)
    column = np.arange(starts.size) - (np.cumsum(counts) - counts)[token_line]
    careful = _careful_lines(buf, newlines, starts, ends, token_line, column, counts)
    plain_token = ~careful[token_line]
    ids = _plain_numbers(buf, starts, ends, plain_token & (column < 2), np.int64)
    is_weight = plain_token & (column == 2)
    weights = _plain_numbers(buf, starts, ends, is_weight, np.float64)
    if ids is None or weights is None or np.any(weights < 0):
        return None
    plain = np.flatnonzero(~careful & (counts > 0))
    per_line = np.full(plain.size, np.nan)
    per_line[counts[plain] == 3] = weights
    ids = ids.reshape(-1, 2)
    return (ids[:, 0].copy(), ids[:, 1].copy(), per_line, line + plain + 1), careful


def _careful_lines(buf, newlines, starts, ends, token_line, column, counts) -> np.ndarray:
    """Mark the lines that :func:`_fast_state_rows` leaves to the careful parser."""
    careful = np.zeros(newlines.size + 1, dtype=bool)
    careful[np.searchsorted(newlines, np.flatnonzero(_STATE_ODD[buf]))] = True
    signs = np.searchsorted(starts, np.flatnonzero(_NON_DIGIT[buf]), side="right") - 1
    careful[token_line[signs[column[signs] < 2]]] = True
    careful[token_line[(column < 2) & (ends - starts > 18)]] = True
    careful |= (counts != 0) & (counts != 2) & (counts != 3)
    return careful


def _plain_numbers(buf: np.ndarray, starts: np.ndarray, ends: np.ndarray, keep: np.ndarray,
                   dtype) -> np.ndarray | None:
    """Return the numbers of the tokens marked ``keep`` (all other bytes
    read as spaces), or ``None`` unless each token parses into one number."""
    expected = int(np.count_nonzero(keep))
    if expected == 0:
        return np.empty(0, dtype=dtype)
    if expected < starts.size:
        inside = np.zeros(buf.size + 1, dtype=np.int8)
        inside[starts[keep]] = 1
        inside[ends[keep]] -= 1
        buf = np.where(np.cumsum(inside[:-1], dtype=np.int8) > 0, buf, np.uint8(32))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            values = np.fromstring(buf.tobytes(), dtype=dtype, sep=" ")
        except (ValueError, DeprecationWarning):
            return None
    return values if values.size == expected else None


def _careful_state_rows(text: _Text, body: bytes, line: int, careful: np.ndarray) -> list:
    """Parse the lines of ``body`` marked ``careful`` one by one; skip blank
    and comment lines.  Returns ``(state, physical, name, weight, line)`` rows."""
    if not careful.any():
        return []
    newlines = np.flatnonzero(np.frombuffer(body, dtype=np.uint8) == 10)
    line_starts = np.concatenate([[0], newlines + 1]).tolist()
    line_ends = np.append(newlines, len(body)).tolist()
    rows = []
    for k in np.flatnonzero(careful).tolist():
        raw = body[line_starts[k]:line_ends[k]].strip()
        if raw and not raw.startswith(b"#"):
            rows.append(_parse_state_line(text, line + k + 1, _strip_comment(decode(raw))))
    return rows


def _parse_state_line(text: _Text, line: int, line_text: str) -> tuple:
    """Return ``(state, physical, name, weight, line)`` of a ``*States`` line
    (weight NaN where it gives none), or raise naming the line."""
    match = _STATE.match(line_text)
    if match is None:
        raise text.error(line, f"{STATE_FORMAT}, got {line_text!r}")
    id_text, physical_text, quoted, bare, weight_text = match.groups()
    state = _integer(text, line, id_text, "state id")
    physical = _integer(text, line, physical_text, "physical node id")
    if bare is not None and weight_text is None and _is_number(bare):
        bare, weight_text = None, bare
    weight = np.nan if weight_text is None else _weight(text, line, weight_text, "state weight")
    return state, physical, quoted if quoted is not None else bare, weight, line


def _merge_rows(rows: tuple, careful_rows: list) -> tuple:
    """Return the chunk of the NumPy-parsed ``rows`` and the ``careful_rows``, in line order."""
    ids, physical, weights, lines = rows
    if not careful_rows:
        return ids, physical, None, weights, lines
    more = list(zip(*careful_rows, strict=True))
    ids = np.concatenate([ids, np.array(more[0], dtype=np.int64)])
    physical = np.concatenate([physical, np.array(more[1], dtype=np.int64)])
    weights = np.concatenate([weights, np.array(more[3], dtype=np.float64)])
    lines = np.concatenate([lines, np.array(more[4], dtype=np.int64)])
    names = [None] * rows[0].shape[0] + list(more[2])
    order = np.argsort(lines, kind="stable")
    named = any(name is not None for name in names)
    names = [names[k] for k in order.tolist()] if named else None
    return ids[order], physical[order], names, weights[order], lines[order]


def _check_unique_states(text: _Text, states: States) -> None:
    """Refuse a state id listed twice, naming the line of its second listing."""
    ids, _, _, _, lines = states.columns() if len(states.chunks) > 1 else (
        states.chunks[0][0], None, None, None, states.chunks[0][4])
    order = np.argsort(ids, kind="stable")
    same = np.flatnonzero(ids[order][1:] == ids[order][:-1])
    if same.size:
        second = order[same + 1]
        k = int(second[np.argmin(lines[second])])
        first = int(lines[np.flatnonzero(ids == ids[k])[0]])
        raise text.error(int(lines[k]), f"state {int(ids[k])} is listed twice (first on line "
                                        f"{first})")


def _sorted_ids(ids: np.ndarray):
    """Return sorted distinct ``ids`` as a ``range`` where they are consecutive, else a list."""
    if ids.size and int(ids[-1]) - int(ids[0]) + 1 == ids.size:
        return range(int(ids[0]), int(ids[-1]) + 1)
    return ids.tolist()


def _link_indices(text: _Text, sections: list[_Section], states: States, ids: np.ndarray,
                  source: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Map link state ids to indices of the sorted state ``ids``.

    A link to an undeclared state is an error naming its line.
    """
    indices, missing = [], []
    consecutive = ids.size and int(ids[-1]) - int(ids[0]) + 1 == ids.size
    for end in (source, target):
        if consecutive:  # ids first..last: an index is an offset
            index = end - ids[0]
            missing.append((index < 0) | (index >= ids.size))
        else:
            index = np.searchsorted(ids, end)
            clipped = np.minimum(index, max(ids.size - 1, 0))
            missing.append(ids[clipped] != end if ids.size
                           else np.ones(end.shape[0], dtype=bool))
        indices.append(index.astype(np.int64))
    bad = np.flatnonzero(missing[0] | missing[1])
    if bad.size:
        k = int(bad[0])
        state = int(source[k]) if missing[0][k] else int(target[k])
        lines, _ = _locate(text, sections, bad[:1])
        raise text.error(int(lines[0]), f"link to state {state}, which *States (line "
                                        f"{states.line}) does not declare")
    return indices[0], indices[1]


def _declared_physical(text: _Text, physical: np.ndarray, lines: np.ndarray,
                       vertices: _Vertices | None) -> dict:
    """Return the name per physical id of the ``*Vertices`` section.

    Every state's physical node must be declared there.
    """
    if vertices is None:
        return {}
    nodes, names, _ = _vertex_data(vertices)
    if isinstance(nodes, range):
        undeclared = (physical < nodes.start) | (physical >= nodes.stop)
    else:
        undeclared = ~np.isin(physical, np.asarray(nodes, dtype=np.int64))
    if undeclared.any():
        k = int(np.flatnonzero(undeclared)[0])
        heading = "*Vertices" if vertices.count is None else f"*Vertices {vertices.count}"
        raise text.error(int(lines[k]), f"state of physical node {int(physical[k])}, which "
                                        f"{heading} (line {vertices.line}) does not declare")
    return dict(zip(nodes, names, strict=True)) if names is not None else {}


def state_network(text: _Text, states: States | None, vertices: _Vertices | None,
                  sections: list[_Section], links: tuple, directed: bool) -> StateNetwork:
    """Assemble the state network of a file with a ``*States`` section.

    ``links`` are ``(source, target, weight)`` with state ids as in the file.
    Physical nodes are those that have states (declared vertices without
    states are left out, as the official Infomap leaves them out of its
    output), with their ``*Vertices`` names.
    """
    if states is None or states.count == 0:
        raise text.error(None, "the *States section lists no states: the network is empty")
    state_ids, physical_ids, names, weights, lines = states.columns()
    name_of = _declared_physical(text, physical_ids, lines, vertices)
    order = np.argsort(state_ids, kind="stable")
    sorted_ids = state_ids[order]
    source, target = _link_indices(text, sections, states, sorted_ids, *links[:2])
    physical_nodes, physical = unique_inverse(physical_ids[order])
    physical_nodes = _sorted_ids(physical_nodes)
    physical_names = ([name_of.get(node) or str(node) for node in physical_nodes]
                      if name_of else None)
    network = Network(source, target, links[2], int(state_ids.size), directed,
                      _sorted_ids(sorted_ids), _state_weights(weights, order),
                      _state_names(names, state_ids, order))
    return StateNetwork(network, physical.astype(np.int64).ravel(), physical_nodes,
                        physical_names)


def _state_names(names: list | None, ids: np.ndarray, order: np.ndarray) -> list[str] | None:
    if names is None:
        return None
    return [names[k] if names[k] is not None else str(ids[k]) for k in order.tolist()]


def _state_weights(weights: np.ndarray, order: np.ndarray) -> np.ndarray | None:
    if np.isnan(weights).all():
        return None
    return np.where(np.isnan(weights), 1.0, weights)[order]


# ---------------------------------------------------------------- multilayer

@dataclass
class MultilayerRows:
    """The multilayer link lines, as arrays, one entry per section read.

    ``links`` holds ``(layer, node, layer, node, weight, line)`` of
    ``*Multilayer`` and ``*Intra`` lines, ``inter`` holds ``(layer, node,
    layer, weight, line)`` of ``*Inter`` lines.
    """

    links: list = field(default_factory=list)
    inter: list = field(default_factory=list)


_HEADING_LINE = re.compile(rb"^[ \t\r\f\v]*\*", re.MULTILINE)
_COMMENT = re.compile(rb"#[^\n]*")
_ID_CHARS = re.compile(rb"[^0-9\s]")
_WEIGHT_CHARS = re.compile(rb"[^0-9.eE+\-\s]")


def _section_bytes(text: _Text, pos: int, line: int) -> tuple[bytes, int, int]:
    """Return ``(body, end_pos, end_line)`` of the section starting at ``pos``.

    ``body`` holds the lines up to the next heading, without comments and
    with commas as spaces; ``end_pos`` and ``end_line`` say where that
    heading (or the end of the data) starts.
    """
    heading = _HEADING_LINE.search(text.data, pos)
    end_pos = heading.start() if heading else len(text.data)
    body = text.data[pos:end_pos]
    end_line = line + body.count(b"\n") + (0 if body.endswith(b"\n") or not body else 1)
    if b"#" in body:
        body = _COMMENT.sub(b"", body)
    return body.replace(b",", b" "), end_pos, end_line


def _row_tokens(text: _Text, body: bytes, line: int, section: str):
    """Return ``(tokens, counts, lines)`` of the non-blank lines of ``body``.

    ``counts`` is the number of columns per line and ``lines`` the line
    numbers; a line with the wrong number of columns is an error.
    """
    columns, num_ids = ROW_FORMATS[section]
    split_lines = [raw.split() for raw in body.split(b"\n")]
    counts = np.fromiter(map(len, split_lines), dtype=np.int64, count=len(split_lines))
    filled = np.flatnonzero(counts)
    counts = counts[filled]
    bad = np.flatnonzero((counts != num_ids) & (counts != num_ids + 1))
    if bad.size:
        number = line + int(filled[bad[0]]) + 1
        found = int(counts[bad[0]])
        found_text = "one column" if found == 1 else f"{found} columns"
        raise text.error(number, f"expected '{columns} [weight]' in *{section[1:].capitalize()}, "
                                 f"got {text.line_number(number)!r} ({found_text})")
    tokens = [token for row in split_lines for token in row]
    return tokens, counts, line + filled + 1


def _id_columns(text: _Text, tokens: list, starts: np.ndarray, lines: np.ndarray,
                num_ids: int) -> list[np.ndarray]:
    """Return the ``num_ids`` integer columns.

    Ids that are not non-negative integers of at most 2**63 - 1 are refused.
    """
    picked = [tokens[k] for k in (starts[:, None] + np.arange(num_ids)).ravel().tolist()]
    joined = b" ".join(picked)
    if _ID_CHARS.search(joined) or any(len(token) > 18 for token in picked):
        for k, token in enumerate(picked):
            _integer(text, int(lines[k // num_ids]), decode(token), "id")
    values = np.array(joined.split(), dtype=np.int64) if picked else np.empty(0, np.int64)
    return list(values.reshape(-1, num_ids).T)


def _weight_column(text: _Text, tokens: list, starts: np.ndarray, counts: np.ndarray,
                   lines: np.ndarray, num_ids: int) -> np.ndarray:
    """Return the weights (1 where a line gives none), all finite and >= 0."""
    weights = np.ones(counts.shape[0], dtype=np.float64)
    given = np.flatnonzero(counts > num_ids)
    picked = [tokens[k] for k in (starts[given] + num_ids).tolist()]
    try:
        if _WEIGHT_CHARS.search(b" ".join(picked)):
            raise ValueError
        values = np.array([float(token) for token in picked], dtype=np.float64)
    except ValueError:
        values = np.array([_weight(text, int(lines[k]), decode(token), "weight")
                           for k, token in zip(given.tolist(), picked, strict=True)])
    weights[given] = values
    bad = np.flatnonzero(~(np.isfinite(values) & (values >= 0)))
    if bad.size:
        k = int(bad[0])
        _weight(text, int(lines[given[k]]), decode(picked[k]), "weight")
    return weights


_WHITESPACE = np.zeros(256, dtype=bool)
_WHITESPACE[list(b" \t\r\n\f\v")] = True
_NON_DIGIT = np.zeros(256, dtype=bool)
_NON_DIGIT[list(b".eE+-")] = True
_EXACT_LIMIT = float(1 << 53)


def _fast_rows(body: bytes, line: int, num_ids: int):
    """Parse well-formed multilayer lines with NumPy.

    Returns ``(ids, weights, lines)``, or ``None`` where any line needs the
    careful path (a wrong column count, a bad token, an id of 2**53 or more).
    """
    if _WEIGHT_CHARS.search(body):
        return None
    buf = np.frombuffer(body, dtype=np.uint8)
    space = _WHITESPACE[buf]
    starts = np.flatnonzero(~space & np.concatenate([[True], space[:-1]]))
    newlines = np.flatnonzero(buf == 10)
    token_line = np.searchsorted(newlines, starts)
    counts = np.bincount(token_line, minlength=newlines.size + 1)
    filled = np.flatnonzero(counts)
    counts = counts[filled]
    if not np.all((counts == num_ids) | (counts == num_ids + 1)):
        return None
    first_token = np.cumsum(counts) - counts
    column = np.arange(starts.size) - np.repeat(first_token, counts)
    odd = np.flatnonzero(_NON_DIGIT[buf])
    if np.any(column[np.searchsorted(starts, odd, side="right") - 1] < num_ids):
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            values = np.fromstring(body, dtype=np.float64, sep=" ")
        except (ValueError, DeprecationWarning):
            return None
    if values.size != starts.size:
        return None
    id_values = values[column < num_ids]
    if id_values.size and id_values.max() >= _EXACT_LIMIT:
        return None
    ids = list(id_values.astype(np.int64).reshape(-1, num_ids).T)
    weights = np.ones(counts.size, dtype=np.float64)
    given = counts > num_ids
    weights[given] = values[first_token[given] + num_ids]
    if not np.all(np.isfinite(weights) & (weights >= 0)):
        return None
    return ids, weights, line + filled + 1


def _careful_rows(text: _Text, body: bytes, line: int, section: str):
    """Parse multilayer lines token by token; errors name the line."""
    num_ids = ROW_FORMATS[section][1]
    tokens, counts, lines = _row_tokens(text, body, line, section)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    ids = _id_columns(text, tokens, starts, lines, num_ids)
    weights = _weight_column(text, tokens, starts, counts, lines, num_ids)
    return ids, weights, lines


def read_multilayer_lines(text: _Text, pos: int, line: int, section: str,
                          rows: MultilayerRows) -> tuple[int, int]:
    """Read the lines of multilayer section ``section`` (lower case) into ``rows``.

    Returns ``(pos, line)`` of the next heading (or the end of the data).
    """
    body, end_pos, end_line = _section_bytes(text, pos, line)
    parsed = _fast_rows(body, line, ROW_FORMATS[section][1])
    ids, weights, lines = parsed or _careful_rows(text, body, line, section)
    if section == "*inter":
        same = np.flatnonzero(ids[0] == ids[2])
        if same.size:
            raise text.error(int(lines[same[0]]), f"*Inter link from layer {int(ids[0][same[0]])}"
                                                  " to the same layer: inter-layer links go "
                                                  "between different layers")
        rows.inter.append((*ids, weights, lines))
    elif section == "*intra":
        # *Intra links are relaxed into other layers; *Multilayer links are kept as given.
        rows.links.append((ids[0], ids[1], ids[0], ids[2], weights, lines,
                           np.ones(lines.shape[0], dtype=bool)))
    else:
        rows.links.append((*ids, weights, lines, np.zeros(lines.shape[0], dtype=bool)))
    return end_pos, end_line


def _columns(parts: list, width: int) -> list[np.ndarray]:
    """Concatenate the per-section column tuples ``parts`` into ``width`` columns."""
    if not parts:
        return [np.empty(0, dtype=np.int64) for _ in range(width)]
    return [np.concatenate([part[k] for part in parts]) for k in range(width)]


def _check_declared_nodes(text: _Text, vertices: _Vertices, nodes, links: list,
                          inter: list) -> None:
    """Refuse a multilayer link whose node ``*Vertices`` does not declare."""
    declared = np.asarray(nodes, dtype=np.int64)
    heading = "*Vertices" if vertices.count is None else f"*Vertices {vertices.count}"
    for column, lines in ((links[1], links[5]), (links[3], links[5]), (inter[1], inter[4])):
        missing = np.flatnonzero(~np.isin(column, declared))
        if missing.size:
            k = int(missing[np.argmin(lines[missing])])
            raise text.error(int(lines[k]), f"link to node {int(column[k])}, which {heading} "
                                            f"(line {vertices.line}) does not declare")


def multilayer_network(text: _Text, rows: MultilayerRows, vertices: _Vertices | None,
                       directed: bool) -> MultilayerNetwork:
    """Assemble the :class:`MultilayerNetwork` of a file's multilayer sections.

    Physical nodes are the ``*Vertices`` (which must declare every node a
    link names), else every node id the links name.
    """
    links = _columns(rows.links, 7)
    inter = _columns(rows.inter, 5)
    if links[0].size == 0:
        raise text.error(None, "no *Multilayer or *Intra links: the network is empty "
                               "(*Inter lines only connect layers)")
    link_arrays = (*links[:4], links[4].astype(np.float64))
    inter_arrays = (*inter[:3], inter[3].astype(np.float64))
    from_intra = links[6].astype(bool)
    if vertices is None:
        used = unique(np.concatenate([links[1], links[3], inter[1]]))
        return MultilayerNetwork(link_arrays, inter_arrays, directed, _sorted_ids(used), None,
                                 from_intra)
    nodes, names, _ = _vertex_data(vertices)
    _check_declared_nodes(text, vertices, nodes, links, inter)
    return MultilayerNetwork(link_arrays, inter_arrays, directed, nodes, names, from_intra)


# ---------------------------------------------------------------- *Bipartite

def bipartite_start(text: _Text, heading: str, words: list[str], line: int,
                    previous: int | None) -> int:
    """Return the start id of heading ``*Bipartite START_ID`` on ``line``."""
    if previous is not None:
        raise text.error(line, f"a second *Bipartite section (the first is on line {previous}); "
                               "a file has at most one")
    if len(words) < 2 or not (words[1].isdigit() and words[1].isascii()):
        raise text.error(line, "expected '*Bipartite START_ID' with START_ID the smallest "
                               f"feature node id (a non-negative integer), got {heading!r}")
    start = int(words[1])
    if start > MAX_ID:
        raise text.error(line, f"bipartite start id {start} is too large: ids must be at most "
                               f"{MAX_ID} (2**63 - 1)")
    return start


def check_bipartite(text: _Text, start: int, heading_line: int, vertices: _Vertices | None,
                    sections: list[_Section], source: np.ndarray, target: np.ndarray) -> None:
    """Refuse a bipartite start id or link that does not fit.

    A start id outside the declared vertex ids, and a link that does not
    cross it (both ends primary nodes, or both features, which the official
    Infomap refuses too).
    """
    if vertices is not None:
        nodes, _, _ = _vertex_data(vertices)
        if len(nodes) and not (min(nodes) <= start <= max(nodes)):
            raise text.error(heading_line, f"bipartite start id {start} is outside the vertex "
                                           f"ids {min(nodes)}..{max(nodes)} of *Vertices (line "
                                           f"{vertices.line})")
    same_side = np.flatnonzero((source >= start) == (target >= start))
    if same_side.size:
        k = int(same_side[0])
        lines, _ = _locate(text, sections, same_side[:1])
        side = "features" if source[k] >= start else "primary nodes"
        raise text.error(int(lines[0]), f"bipartite link {int(source[k])} -> {int(target[k])} "
                                        f"does not cross start id {start}: both ends are "
                                        f"{side}")


def with_bipartite_start(network: Network, start: int) -> Network:
    """Return ``network`` marked as bipartite from node id ``start`` on."""
    return replace(network, bipartite_start_id=start)
