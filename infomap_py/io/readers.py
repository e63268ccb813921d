"""Reading networks: link lists and Pajek files, plain or gzipped, or from standard input.

The link lines of both formats are parsed by a Numba kernel over the file's
bytes (:mod:`infomap_py._core.parse`); Python only handles section headings,
Pajek vertex lines, the rare weight the kernel leaves to ``float()``, and
error messages, which name the file and the line.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace

import numpy as np

from .._core import parse
from .._sort import unique_inverse
from .._validate import check_num_nodes
from ..errors import InputFormatError
from ..multilayer import MultilayerNetwork
from ..network import Network, StateNetwork, filter_links
from ._json_network import looks_like_json, to_pajek
from ._source import decode, parse_number, read_bytes, start_offset

LINK_FORMAT = "expected 'source target [weight]'"
VERTEX_FORMAT = "expected 'id \"name\" [weight]'"
LINK_SECTIONS = ("*edges", "*arcs", "*links")

# id, then a quoted or bare name, then a weight; further tokens (Pajek
# coordinates and colours) are ignored, as the official Infomap does.
_VERTEX = re.compile(r'^(\S+)(?:\s+(?:"([^"]*)"|([^\s"]+)))?(?:\s+(\S+))?(?:\s.*)?$')
_ID_TOKEN = re.compile(rb"[^\s,#]+")

#: Node ids are int64: an id of digits only must be at most this.
MAX_ID = (1 << 63) - 1


@dataclass
class _Section:
    """A run of link lines.

    It starts at byte ``pos`` after ``line`` lines, and holds the links
    ``begin:end`` of the link arrays.
    """

    pos: int
    line: int
    begin: int
    end: int
    kind: str


class _Text:
    """The bytes being parsed, with helpers for error messages."""

    def __init__(self, data: bytes, name: str) -> None:
        self.filters = _Filters()
        self.data = data
        self.name = name
        self.buf = np.frombuffer(data, dtype=np.uint8)

    def error(self, line: int | None, message: str) -> InputFormatError:
        return InputFormatError(self.name, line, message)

    def line_at(self, pos: int) -> str:
        """Return the text of the line starting at byte ``pos``, shortened for messages."""
        stop = self.data.find(b"\n", pos)
        text = decode(self.data[pos: stop if stop >= 0 else len(self.data)]).strip()
        return text if len(text) <= 60 else text[:57] + "..."

    def line_number(self, line: int) -> str:
        """Return the text of line ``line`` (1-based)."""
        return self.line_at(_line_start(self, line))


def read_network(path: str | os.PathLike, directed: bool | None = None, *,
                 weight_threshold: float = 0.0, no_self_links: bool = False,
                 node_limit: int = 0) -> Network | StateNetwork | MultilayerNetwork:
    r"""Read a network from a link list or a Pajek file, first-order or higher-order.

    Parameters
    ----------
    path : str or os.PathLike
        The file; ``"-"`` reads standard input.  Gzip data (``.gz``) is
        decompressed transparently.
    directed : bool or None
        Whether links are directed.  ``None`` means undirected, except for a
        Pajek file with an ``*Arcs`` section; ``True`` makes every link
        directed (as given: source to target).
    weight_threshold : float
        Drop links whose weight is below this (the official
        ``--weight-threshold``).
    no_self_links : bool
        Drop links from a node (or state) to itself (``--no-self-links``).
    node_limit : int
        When > 0, read only the nodes whose id is at most this, and the links
        among them (``--node-limit``); first-order and bipartite files only.

        As in the official reader, a node of a link list (or of a Pajek file
        without ``*Vertices``) whose every link is dropped is no node of the
        network; declared vertices and states stay.  A multilayer file
        refuses these options.

    Returns
    -------
    Network or StateNetwork or MultilayerNetwork
        A :class:`Network` for a link list or a first-order Pajek file:
        link lists with integer ids keep them as node labels (the sorted
        distinct ids that occur); if any id is not a non-negative integer,
        all ids are names, numbered in order of first appearance.  Pajek
        files keep declared vertices without links, their names and node
        weights.  A ``*Bipartite`` file gives a :class:`Network` with its
        ``bipartite_start_id``; a ``*States`` file a :class:`StateNetwork`
        (its ``network.nodes`` are the sorted state ids, its physical nodes
        those that have states, named from ``*Vertices``); a
        ``*Multilayer``/``*Intra``/``*Inter`` file a
        :class:`~infomap_py.multilayer.MultilayerNetwork` (links as read,
        not yet expanded into states).

    Raises
    ------
    InputFormatError
        For a missing, unreadable or empty file, a malformed line, a weight
        that is not a decimal number (``1_000`` is not), a negative, NaN or
        infinite weight, an integer id above 2**63 - 1, a link list whose
        links all have weight 0 (the network is empty, as the official
        Infomap says), a ``*Vertices`` count too large for this machine's
        memory, or a Pajek link to an undeclared vertex; for a state,
        multilayer or bipartite file also a link to an undeclared state, a
        state of an undeclared physical node, a state listed twice, a
        multilayer line with the wrong number of columns, an ``*Inter``
        link within one layer, a multilayer file without ``*Multilayer`` or
        ``*Intra`` links, a missing or non-integer bipartite start id, one
        outside the ``*Vertices`` ids, a bipartite link that does not cross
        it, and sections of different kinds of network in one file; the
        message names the file and the line.

    Notes
    -----
    A file that starts with ``{`` is read as the official JSON network
    format (``"format": "infomap-network"``, version 1.0; see
    :mod:`infomap_py.io._json_network`), and gives the network of the
    equivalent Pajek file.

    A *link list* has one link per line, ``source target [weight]``, with
    spaces, tabs or commas between columns; ``#`` starts a comment and blank
    lines are skipped.  A file with a line starting with ``*`` is read as
    *Pajek*: ``*Vertices N`` followed by lines ``id "name" [weight]``, then
    ``*Edges``, ``*Arcs`` or ``*Links`` sections of link lines (headings are
    case-insensitive; link lines before any heading are read as links).

    Higher-order Pajek files, as the official Infomap defines them:

    - *state network*: ``*States`` lines ``state_id physical_id ["name"]
      [weight]`` (a bare number after the ids is the weight), links between
      state ids (``*Links``, ``*Edges`` or ``*Arcs``), and optionally
      ``*Vertices`` naming the physical nodes;
    - *multilayer network*: ``*Multilayer`` (or ``*Multiplex``) lines
      ``layer node layer node [weight]``, ``*Intra`` lines ``layer node node
      [weight]`` and ``*Inter`` lines ``layer node layer [weight]``, with
      optional ``*Vertices``; directed only when ``directed`` is ``True``;
    - *bipartite network*: ``*Bipartite START_ID`` above link lines ``node
      feature [weight]``, where feature ids are ``START_ID`` and above.

    One file holds one kind of network: first-order link sections go with
    ``*States`` only.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from infomap_py.io import read_network
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp, "net.txt")
    ...     _ = path.write_text("# source target weight\n1 2\n2 3 0.5\n")
    ...     network = read_network(path)
    >>> network
    Network(undirected, 3 nodes, 2 links)
    >>> network.node_ids.tolist(), network.weight.tolist()
    ([1, 2, 3], [1.0, 0.5])
    """
    return read_network_and_paths(path, directed, weight_threshold=weight_threshold,
                                  no_self_links=no_self_links, node_limit=node_limit)[0]


def read_network_and_paths(path: str | os.PathLike, directed: bool | None = None, *,
                           weight_threshold: float = 0.0, no_self_links: bool = False,
                           node_limit: int = 0):
    """Return ``(network, paths)``: :func:`read_network`'s network and, for
    a JSON network whose nodes (or states) have a ``path``, their initial
    tree as ``{id: path}`` (``None`` otherwise).

    A file whose first character after white space is ``{`` is read as the
    official JSON network format (:mod:`infomap_py.io._json_network`).
    """
    if directed is not None and not isinstance(directed, (bool, np.bool_)):
        raise TypeError(f"directed must be True, False or None, got {directed!r}")
    filters = _Filters(weight_threshold, no_self_links, node_limit)
    data, name = read_bytes(path)
    if looks_like_json(data):
        pajek, paths, kind = to_pajek(data, name)
        try:
            return _parse(pajek, name, directed, filters), paths
        except InputFormatError as err:
            # The line numbers are those of the Pajek text made from the document.
            raise InputFormatError(name, None, f"{kind} JSON network: {err.message}") from None
    return _parse(data, name, directed, filters), None


def _parse(data: bytes, name: str, directed: bool | None, filters: "_Filters"):
    """Parse a link list or Pajek file's bytes into a network."""
    text = _Text(data, name)
    text.filters = filters
    capacity = data.count(b"\n") + 1
    source = np.empty(capacity, dtype=np.int64)
    target = np.empty(capacity, dtype=np.int64)
    weight = np.empty(capacity, dtype=np.float64)
    start = start_offset(data)
    status, pos, line, count, text_line, _ = parse.parse_links(
        text.buf, start, 0, source, target, weight, 0
    )
    _check_columns(text, status, pos, line)
    first = _Section(start, 0, 0, count, "links")
    if status == parse.HEADING:
        if text_line:
            raise _integer_id_error(text, text_line)
        return _read_pajek(text, (source, target, weight), first, pos, line, directed)
    if count == 0:
        raise text.error(None, f"no links: the file is empty or holds only comments; {LINK_FORMAT}"
                               " per line")
    weights = _resolve_weights(text, [first], weight[:count])
    _check_not_all_zero(text, weights)
    if text_line:
        source, target, nodes = _named_ids(text, start, count)
        if all(name.isdigit() and name.isascii() for name in nodes):
            raise _too_large_id_error(text, text_line)
        names = list(nodes)
    else:
        source, target, nodes = _index_ids(source[:count], target[:count])
        names = None
    network = Network(source, target, weights, len(nodes), bool(directed), nodes, None, names)
    return filters.apply(text, network, drop_unlinked=True)


@dataclass
class _Filters:
    """The link filters of the official input options (see :func:`read_network`)."""

    weight_threshold: float = 0.0
    no_self_links: bool = False
    node_limit: int = 0

    @property
    def active(self) -> bool:
        return self.weight_threshold > 0.0 or self.no_self_links or self.node_limit > 0

    def apply(self, text: "_Text", network, drop_unlinked: bool):
        """Return ``network`` filtered; an error naming the file if nothing is left."""
        if not self.active:
            return network
        if isinstance(network, StateNetwork):
            if self.node_limit > 0:
                raise text.error(None, "--node-limit applies to first-order and bipartite "
                                       "networks, not to a state network")
            inner = filter_links(network.network, self.weight_threshold, self.no_self_links)
            return replace(network, network=inner)
        if isinstance(network, MultilayerNetwork):
            raise text.error(None, "--weight-threshold, --no-self-links and --node-limit do "
                                   "not apply to a multilayer network")
        filtered = filter_links(network, self.weight_threshold, self.no_self_links,
                                self.node_limit, drop_unlinked)
        if filtered.num_nodes == 0:
            raise text.error(None, "the network is empty: every link was dropped by "
                                   "--weight-threshold, --no-self-links or --node-limit")
        return filtered


def _check_columns(text: _Text, status: int, pos: int, line: int) -> None:
    if status == parse.TOO_FEW_COLUMNS:
        raise text.error(line, f"{LINK_FORMAT}, got {text.line_at(pos)!r} (one column)")
    if status == parse.TOO_MANY_COLUMNS:
        raise text.error(line, f"{LINK_FORMAT}, got {text.line_at(pos)!r} "
                               "(more than three columns)")


def _integer_id_error(text: _Text, line: int) -> InputFormatError:
    line_text = text.line_number(line)
    if all(token.isdigit() and token.isascii() for token in line_text.split()[:2]):
        return _too_large_id_error(text, line)
    return text.error(line, f"node ids in a Pajek file must be non-negative integers, got "
                            f"{line_text!r}")


def _too_large_id_error(text: _Text, line: int) -> InputFormatError:
    """The error for link line ``line``, whose integer ids include one above :data:`MAX_ID`."""
    start = _line_start(text, line)
    stop = text.data.find(b"\n", start)
    raw = text.data[start:stop if stop >= 0 else len(text.data)].split(b"#", 1)[0]
    tokens = _ID_TOKEN.findall(raw)[:2]
    big = next((t for t in tokens if int(t) > MAX_ID), tokens[0])
    return text.error(line, f"node id {decode(big)} is too large: integer ids must be at most "
                            f"{MAX_ID} (2**63 - 1)")


def _line_start(text: _Text, line: int) -> int:
    """Return the offset of line ``line`` (1-based)."""
    if line <= 1:
        return 0
    return int(np.flatnonzero(text.buf == 10)[line - 2]) + 1


def _check_not_all_zero(text: _Text, weights: np.ndarray) -> None:
    """Refuse links that all have weight 0: the official Infomap ignores
    them and finds the network empty."""
    if weights.size and not weights.any():
        raise text.error(None, f"the network is empty: all {weights.size:,} links have weight 0")


def _locate(text: _Text, sections: list[_Section], records: np.ndarray):
    """Return ``(lines, weight_tokens)`` of the links with the given sorted indices."""
    lines = np.zeros(records.shape[0], dtype=np.int64)
    tokens: list[bytes | None] = [None] * records.shape[0]
    for section in sections:
        inside = np.flatnonzero((records >= section.begin) & (records < section.end))
        if inside.size == 0:
            continue
        found, _, w_starts, w_ends = parse.locate_links(
            text.buf, section.pos, section.line, records[inside] - section.begin
        )
        lines[inside] = found
        for k, start, end in zip(inside.tolist(), w_starts.tolist(), w_ends.tolist(), strict=True):
            tokens[k] = text.data[start:end] if start >= 0 else None
    return lines, tokens


def _resolve_weights(text: _Text, sections: list[_Section], weight: np.ndarray) -> np.ndarray:
    """Parse the weights the kernel left as NaN; check that all are finite and >= 0."""
    hard = np.flatnonzero(np.isnan(weight))
    if hard.size:
        lines, tokens = _locate(text, sections, hard)
        for k, line, token in zip(hard.tolist(), lines.tolist(), tokens, strict=True):
            try:
                weight[k] = parse_number(token)
            except (TypeError, ValueError):
                raise text.error(line, "weight must be a number, got "
                                       f"{decode(token)!r}") from None
    bad = np.flatnonzero(~(np.isfinite(weight) & (weight >= 0)))
    if bad.size:
        lines, tokens = _locate(text, sections, bad[:1])
        raise text.error(int(lines[0]), "weight must be a finite number >= 0, got "
                                        f"{decode(tokens[0] or b'')!r}")
    return weight


def _index_ids(source: np.ndarray, target: np.ndarray):
    """Map integer ids to node indices; return ``(source, target, nodes)``.

    ``nodes`` are the sorted distinct ids.  Where ids are dense the arrays
    are renumbered in place.
    """
    m = source.shape[0]
    low = int(min(source.min(), target.min()))
    high = int(max(source.max(), target.max()))
    span = high - low + 1
    if span <= 8 * m + 1024:
        ids = parse.compact_ids(source, target, low, span)
        if ids.shape[0] == span:
            return source, target, range(low, high + 1)
        return source, target, ids.tolist()
    unique, inverse = unique_inverse(np.concatenate([source, target]))
    inverse = inverse.astype(np.int64).ravel()
    return inverse[:m].copy(), inverse[m:].copy(), unique.tolist()


def _named_ids(text: _Text, pos: int, m: int):
    """Return ``(source, target, names)`` of the first ``m`` link lines from ``pos``.

    The id tokens are names, numbered in order of first appearance.  Memory
    follows the number of names, not the longest one; the rare file with
    two names of the same hash goes to :func:`_named_ids_slow`.
    """
    ids, arena, bounds = parse.name_ids(text.buf, pos, m)
    if ids.shape[0] != 2 * m:
        return _named_ids_slow(text, pos, m)
    raw = arena.tobytes()
    bounds = bounds.tolist()
    names = [decode(raw[bounds[i]:bounds[i + 1]]) for i in range(len(bounds) - 1)]
    return ids[0::2].copy(), ids[1::2].copy(), names


def _named_ids_slow(text: _Text, pos: int, m: int):
    """Like :func:`_named_ids`, in Python with a dict of names."""
    source = np.empty(m, dtype=np.int64)
    target = np.empty(m, dtype=np.int64)
    index: dict[bytes, int] = {}
    k = 0
    for raw in text.data[pos:].split(b"\n"):
        tokens = _ID_TOKEN.findall(raw.split(b"#", 1)[0])
        if not tokens:
            continue
        source[k] = index.setdefault(tokens[0], len(index))
        target[k] = index.setdefault(tokens[1], len(index))
        k += 1
        if k == m:
            break
    return source, target, [decode(name) for name in index]


@dataclass
class _Vertices:
    """The ``*Vertices`` section.

    It holds the declared count (``None`` where the heading gives none), and
    the id, name and weight given on each vertex line (in file order).
    """

    count: int | None
    line: int
    ids: list
    names: list
    weights: list


@dataclass
class _PajekFile:
    """What the sections of a Pajek file hold, as they are read."""

    sections: list
    count: int
    kinds: object
    vertices: _Vertices | None = None
    has_arcs: bool = False
    states: object = None
    multilayer: object = None
    bipartite_start: int | None = None
    bipartite_line: int = 0


def _read_pajek(text: _Text, arrays, first: _Section, pos: int, line: int,
                directed: bool | None):
    """Read the sections of a Pajek file, from the first heading at ``pos`` on."""
    from . import _higher_order as higher_order

    pajek = _PajekFile([], first.end, higher_order.SectionKinds())
    if first.end > first.begin:
        pajek.sections.append(first)
        pajek.kinds.enter(text, "first-order", "link lines before any heading",
                          _first_link_line(text, first))
    n = len(text.data)
    while pos < n:
        stop = text.data.find(b"\n", pos)
        stop = n if stop < 0 else stop
        heading = decode(text.data[pos:stop]).strip()
        line += 1
        pos, line = _read_section(text, arrays, pajek, heading, stop + 1, line)
    weights = _resolve_weights(text, pajek.sections, arrays[2][:pajek.count])
    source, target = arrays[0][:pajek.count], arrays[1][:pajek.count]
    is_directed = pajek.has_arcs if directed is None else bool(directed)
    kind = pajek.kinds.network_kind
    filters, drop_unlinked = text.filters, pajek.vertices is None
    if kind == "state":
        return filters.apply(text, higher_order.state_network(
            text, pajek.states, pajek.vertices, pajek.sections, (source, target, weights),
            is_directed), drop_unlinked=False)
    if kind == "multilayer":
        return filters.apply(text, higher_order.multilayer_network(
            text, pajek.multilayer, pajek.vertices, bool(directed)), drop_unlinked=False)
    if kind == "bipartite":
        higher_order.check_bipartite(text, pajek.bipartite_start, pajek.bipartite_line,
                                     pajek.vertices, pajek.sections, source, target)
        network = _first_order(text, pajek, source, target, weights, is_directed)
        return filters.apply(text, higher_order.with_bipartite_start(
            network, pajek.bipartite_start), drop_unlinked)
    return filters.apply(text, _first_order(text, pajek, source, target, weights, is_directed),
                         drop_unlinked)


def _first_link_line(text: _Text, section: _Section) -> int:
    """Return the line number of the first link of ``section``."""
    lines, _ = _locate(text, [section], np.array([section.begin], dtype=np.int64))
    return int(lines[0])


def _read_section(text: _Text, arrays, pajek: _PajekFile, heading: str, pos: int,
                  line: int) -> tuple[int, int]:
    """Read the section under ``heading`` (on ``line``) into ``pajek``.

    Returns ``(pos, line)`` at the next heading (or the end of the data).
    """
    from . import _higher_order as higher_order

    words = heading.split("#", 1)[0].split()
    keyword = words[0].lower()
    kind = higher_order.SECTION_KINDS.get(keyword)
    if kind is not None:
        pajek.kinds.enter(text, kind, words[0], line)
    if keyword == "*vertices":
        return _read_vertices_section(text, pajek, heading, words, pos, line)
    if keyword == "*states":
        if pajek.states is None:
            pajek.states = higher_order.States(line)
        return higher_order.read_state_lines(text, pos, line, pajek.states)
    if keyword in higher_order.MULTILAYER_SECTIONS:
        if pajek.multilayer is None:
            pajek.multilayer = higher_order.MultilayerRows()
        return higher_order.read_multilayer_lines(text, pos, line, keyword, pajek.multilayer)
    if keyword == "*bipartite":
        pajek.bipartite_start = higher_order.bipartite_start(
            text, heading, words, line, pajek.bipartite_line or None)
        pajek.bipartite_line = line
        return _read_link_section(text, arrays, pajek, keyword, pos, line)
    if keyword in LINK_SECTIONS:
        pajek.has_arcs = pajek.has_arcs or keyword == "*arcs"
        return _read_link_section(text, arrays, pajek, keyword, pos, line)
    raise text.error(line, f"unsupported section {words[0]!r}: expected *Vertices, *Edges, "
                           "*Arcs, *Links, *States, *Multilayer, *Intra, *Inter or *Bipartite")


def _read_vertices_section(text: _Text, pajek: _PajekFile, heading: str, words: list[str],
                           pos: int, line: int) -> tuple[int, int]:
    if pajek.vertices is not None:
        raise text.error(line, f"a second *Vertices section (the first is on line "
                               f"{pajek.vertices.line}); a file has at most one")
    if len(words) > 1 and not (words[1].isdigit() and words[1].isascii()):
        raise text.error(line, "expected '*Vertices N' with N the number of nodes, got "
                               f"{heading!r}")
    declared = int(words[1]) if len(words) > 1 else None
    if declared is not None:
        try:
            check_num_nodes(declared, f"*Vertices {declared}")
        except ValueError as err:
            raise text.error(line, str(err)) from None
    pajek.vertices = _Vertices(declared, line, [], [], [])
    return _read_vertex_lines(text, pos, line, pajek.vertices)


def _read_link_section(text: _Text, arrays, pajek: _PajekFile, keyword: str, pos: int,
                       line: int) -> tuple[int, int]:
    """Parse the link lines of a section with the kernel, after the arrays' links."""
    source, target, weight = arrays
    status, end_pos, end_line, new_count, text_line, _ = parse.parse_links(
        text.buf, pos, line, source, target, weight, pajek.count
    )
    _check_columns(text, status, end_pos, end_line)
    if text_line:
        raise _integer_id_error(text, text_line)
    pajek.sections.append(_Section(pos, line, pajek.count, new_count, keyword))
    pajek.count = new_count
    return end_pos, end_line


def _first_order(text: _Text, pajek: _PajekFile, source: np.ndarray, target: np.ndarray,
                 weights: np.ndarray, directed: bool) -> Network:
    """Assemble the network of a Pajek file without higher-order sections."""
    vertices, count = pajek.vertices, pajek.count
    if vertices is None:
        if count == 0:
            raise text.error(None, "no links and no *Vertices: the network is empty")
        _check_not_all_zero(text, weights)
        source, target, nodes = _index_ids(source, target)
        return Network(source, target, weights, len(nodes), directed, nodes)
    nodes, names, node_weights = _vertex_data(vertices)
    if len(nodes) == 0 and count == 0:
        raise text.error(None, "no vertices and no links: the network is empty")
    source, target = _declared_indices(text, pajek.sections, vertices, nodes, source, target)
    return Network(source, target, weights, len(nodes), directed, nodes, node_weights, names)


_HEADING_LINE = re.compile(rb"^[ \t\r\f\v]*\*", re.M)
# The common vertex line, ``id "name"``, with an id of at most 18 digits.
_PLAIN_VERTEX = re.compile(rb'^[ \t]*(\d{1,18})[ \t]+"([^"\n]*)"[ \t\r]*$', re.M)


def _read_vertex_lines(text: _Text, pos: int, line: int, vertices: _Vertices) -> tuple[int, int]:
    """Read vertex lines into ``vertices`` up to the next heading.

    Returns ``(pos, line)`` there (or at the end of the data).
    """
    fast = _plain_vertex_lines(text, pos, line, vertices)
    if fast is not None:
        return fast
    data, n = text.data, len(text.data)
    seen: dict[int, int] = {}
    while pos < n:
        stop = data.find(b"\n", pos)
        stop = n if stop < 0 else stop
        raw = data[pos:stop].strip()
        if raw.startswith(b"*"):
            return pos, line
        line += 1
        pos = stop + 1
        if not raw or raw.startswith(b"#"):
            continue
        line_text = _strip_comment(decode(raw))
        match = _VERTEX.match(line_text)
        if match is None:
            raise text.error(line, f"{VERTEX_FORMAT}, got {line_text!r}")
        id_text, quoted, bare, weight_text = match.groups()
        if not (id_text.isdigit() and id_text.isascii()):
            raise text.error(line, f"vertex id must be a non-negative integer, got {id_text!r}")
        vertex = int(id_text)
        if vertex > MAX_ID:
            raise text.error(line, f"vertex id {vertex} is too large: ids must be at most "
                                   f"{MAX_ID} (2**63 - 1)")
        if vertex in seen:
            raise text.error(line, f"vertex {vertex} is listed twice (first on line "
                                   f"{seen[vertex]})")
        seen[vertex] = line
        node_weight = None
        if weight_text is not None:
            try:
                node_weight = parse_number(weight_text)
            except ValueError:
                raise text.error(line, "node weight must be a number, got "
                                       f"{weight_text!r}") from None
            if not (np.isfinite(node_weight) and node_weight >= 0):
                raise text.error(line, "node weight must be a finite number >= 0, got "
                                       f"{weight_text!r}")
        vertices.ids.append(vertex)
        vertices.names.append(quoted if quoted is not None else bare)
        vertices.weights.append(node_weight)
    return n, line


def _plain_vertex_lines(text: _Text, pos: int, line: int, vertices: _Vertices
                        ) -> tuple[int, int] | None:
    """Read a section of plain ``id "name"`` lines (blank lines between them
    allowed) in one pass, as :func:`_read_vertex_lines` reads them line by
    line; ``None`` (nothing read) where any line is another kind, or an id
    is listed twice, for the careful reader to take over and name it."""
    data = text.data
    heading = _HEADING_LINE.search(data, pos)
    end = heading.start() if heading else len(data)
    body = data[pos:end]
    if b"#" in body:
        return None
    rows = _PLAIN_VERTEX.findall(body)
    if len(rows) != sum(1 for raw in body.split(b"\n") if raw.strip()):
        return None
    ids = [int(vertex) for vertex, _ in rows]
    if len(set(ids)) != len(ids):
        return None
    vertices.ids.extend(ids)
    vertices.names.extend(decode(name) for _, name in rows)
    vertices.weights.extend([None] * len(rows))
    lines = body.count(b"\n") + (1 if body and not body.endswith(b"\n") else 0)
    return end, line + lines


def _strip_comment(line_text: str) -> str:
    """Return ``line_text`` without its ``#`` comment.

    A ``#`` inside the quoted name does not start one.
    """
    if '"' in line_text:
        hash_ = line_text.find("#", line_text.rfind('"'))
    else:
        hash_ = line_text.find("#")
    return line_text[:hash_].rstrip() if hash_ >= 0 else line_text


def _vertex_data(vertices: _Vertices):
    """Return ``(nodes, names, node_weights)`` of the declared vertices.

    The declared vertices are ``1..N`` for ``*Vertices N`` when every listed
    id lies in that range, and otherwise (files that number vertices from 0,
    or a heading without ``N``) the listed ids.
    """
    listed = vertices.ids
    count = vertices.count
    if count is not None and all(1 <= vertex <= count for vertex in listed):
        nodes: range | list = range(1, count + 1)
        position = {vertex: vertex - 1 for vertex in listed}
    else:
        nodes = sorted(listed)
        position = {vertex: i for i, vertex in enumerate(nodes)}
    names = None
    if any(name is not None for name in vertices.names):
        names = [str(node) for node in nodes]
        for vertex, name in zip(listed, vertices.names, strict=True):
            if name is not None:
                names[position[vertex]] = name
    node_weights = None
    if any(w is not None for w in vertices.weights):
        node_weights = np.ones(len(nodes))
        for vertex, w in zip(listed, vertices.weights, strict=True):
            if w is not None:
                node_weights[position[vertex]] = w
    return nodes, names, node_weights


def _declared_indices(text: _Text, sections: list[_Section], vertices: _Vertices, nodes,
                      source: np.ndarray, target: np.ndarray):
    """Map link ids to indices of the declared ``nodes``.

    A link to an undeclared vertex is an error naming its line.
    """
    if isinstance(nodes, range):
        source_index = source - nodes.start
        target_index = target - nodes.start
        size = len(nodes)
        bad_source = (source_index < 0) | (source_index >= size)
        bad_target = (target_index < 0) | (target_index >= size)
    else:
        ids = np.asarray(nodes, dtype=np.int64)
        source_index = np.searchsorted(ids, source)
        target_index = np.searchsorted(ids, target)
        bad_source = ids[np.minimum(source_index, ids.size - 1)] != source if ids.size else \
            np.ones(source.shape[0], dtype=bool)
        bad_target = ids[np.minimum(target_index, ids.size - 1)] != target if ids.size else \
            np.ones(target.shape[0], dtype=bool)
    bad = np.flatnonzero(bad_source | bad_target)
    if bad.size:
        k = int(bad[0])
        vertex = int(source[k]) if bad_source[k] else int(target[k])
        lines, _ = _locate(text, sections, bad[:1])
        heading = "*Vertices" if vertices.count is None else f"*Vertices {vertices.count}"
        raise text.error(int(lines[0]), f"link to vertex {vertex}, which {heading} (line "
                                        f"{vertices.line}) does not declare")
    return source_index.astype(np.int64), target_index.astype(np.int64)
