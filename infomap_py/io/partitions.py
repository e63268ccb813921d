"""Reading partitions from the official Infomap's ``.clu``, ``.tree`` and ``.ftree`` files."""

from __future__ import annotations

import os

from ..errors import InputFormatError
from ._source import decode, parse_number, read_bytes, start_offset, strip_gz

CLU_FORMAT = "expected 'node_id module [flow]'"
TREE_FORMAT = "expected 'path flow \"name\" node_id'"


def read_partition(path: str | os.PathLike) -> dict[int, int]:
    r"""Read a partition written by Infomap (the official one or infomap-py).

    Parameters
    ----------
    path : str or os.PathLike
        A ``.clu`` file (lines ``node_id module [flow]``) or a ``.tree`` /
        ``.ftree`` file (lines ``path flow "name" node_id``, the path like
        ``1:2``), possibly gzipped; ``"-"`` reads standard input.  The format
        follows the extension (after ``.gz``) and is guessed from the first
        data line otherwise.

    Returns
    -------
    dict
        ``{node_id: module}``.  For a tree the module is the top-level one,
        the first component of the path (for a two-level tree, the path less
        its last component).

    Raises
    ------
    InputFormatError
        For a missing or unreadable file, a malformed line, a node listed
        twice, or a file without any node; the message names the file and
        the line.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from infomap_py.io import read_partition
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp, "net.tree")
    ...     _ = path.write_text('# path flow name node_id\n1:1 0.5 "a" 1\n2:1 0.5 "b" 2\n')
    ...     read_partition(path)
    {1: 1, 2: 2}
    """
    kind, partition = _read_any(path)
    if kind == "clu":
        return partition
    return {node: steps[0] for node, steps in partition.items()}


def read_tree(path: str | os.PathLike) -> dict[int, tuple[int, ...]]:
    r"""Read the module tree written by Infomap (the official one or infomap-py).

    Parameters
    ----------
    path : str or os.PathLike
        A ``.tree`` or ``.ftree`` file (lines ``path flow "name" node_id``,
        the path like ``1:3:2``), possibly gzipped, or ``"-"``; a ``.clu``
        file gives a two-level tree.

    Returns
    -------
    dict
        ``{node_id: path}``, the path a tuple of ints: the node's modules
        from the top down, then its place within its module.  It is what
        :func:`infomap_py.codelength` and :func:`infomap_py.evaluate` take
        as a tree.

    Raises
    ------
    InputFormatError
        As :func:`read_partition`.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from infomap_py.io import read_tree
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp, "net.tree")
    ...     _ = path.write_text('1:1:1 0.5 "a" 1\n1:2:1 0.25 "b" 2\n2:1 0.25 "c" 3\n')
    ...     read_tree(path)
    {1: (1, 1, 1), 2: (1, 2, 1), 3: (2, 1)}
    """
    kind, partition = _read_any(path)
    if kind != "clu":
        return partition
    count: dict[int, int] = {}
    paths = {}
    for node, module in partition.items():
        count[module] = count.get(module, 0) + 1
        paths[node] = (module, count[module])
    return paths


def _read_any(path: str | os.PathLike) -> tuple[str, dict]:
    """Return ``(kind, {node: module})`` of a .clu or ``(kind, {node: path})``
    of a .tree/.ftree file."""
    data, name = read_bytes(path)
    lines = decode(data[start_offset(data):]).split("\n")
    kind = _kind(name, lines)
    partition = _read_clu(name, lines) if kind == "clu" else _read_tree(name, lines)
    if not partition:
        raise InputFormatError(name, None, "no nodes: the file holds no partition lines ("
                               f"{CLU_FORMAT if kind == 'clu' else TREE_FORMAT})")
    return kind, partition


def _kind(name: str, lines: list[str]) -> str:
    """Return ``"clu"`` or ``"tree"``: from the extension, else from the first data line."""
    base = strip_gz(name).lower()
    if base.endswith(".clu"):
        return "clu"
    if base.endswith((".tree", ".ftree")):
        return "tree"
    for raw in lines:
        line = raw.strip()
        if line and not line.startswith(("#", "*")):
            first = line.split()[0]
            return "tree" if ":" in first or '"' in line else "clu"
    return "clu"


def _positive_int(text: str) -> int | None:
    return int(text) if text.isdigit() and text.isascii() else None


def _read_clu(name: str, lines: list[str]) -> dict[int, int]:
    partition: dict[int, int] = {}
    first_line: dict[int, int] = {}
    for number, raw in enumerate(lines, 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("*"):
            if line.split()[0].lower() == "*vertices":
                continue
            raise InputFormatError(name, number, f"unsupported heading {line!r} in a .clu file")
        tokens = line.replace(",", " ").split()
        if len(tokens) < 2:
            raise InputFormatError(name, number, f"{CLU_FORMAT}, got {line!r}")
        node, module = _positive_int(tokens[0]), _positive_int(tokens[1])
        if node is None:
            raise InputFormatError(name, number, "node id must be a non-negative integer, got "
                                                 f"{tokens[0]!r}")
        if module is None:
            raise InputFormatError(name, number, "module must be a non-negative integer, got "
                                                 f"{tokens[1]!r}")
        if len(tokens) > 2:
            _check_flow(name, number, tokens[2])
        if node in partition:
            raise InputFormatError(name, number, f"node {node} is listed twice (first on line "
                                                 f"{first_line[node]})")
        partition[node] = module
        first_line[node] = number
    return partition


def _check_flow(name: str, number: int, token: str) -> None:
    try:
        parse_number(token)
    except ValueError:
        raise InputFormatError(name, number, f"flow must be a number, got {token!r}") from None


def _read_tree(name: str, lines: list[str]) -> dict[int, tuple[int, ...]]:
    partition: dict[int, tuple[int, ...]] = {}
    first_line: dict[int, int] = {}
    for number, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("*"):
            break  # the link sections of a .ftree
        if '"' in line:
            head, _, tail = line.partition('"')
            tokens = head.split() + tail[tail.rfind('"') + 1:].split()
            if '"' not in tail or len(tokens) < 3:
                raise InputFormatError(name, number, f"{TREE_FORMAT}, got {line!r}")
        else:
            tokens = line.split()
            if len(tokens) < 4:
                raise InputFormatError(name, number, f"{TREE_FORMAT}, got {line!r}")
            tokens = [tokens[0], tokens[1], tokens[-1]]
        path, flow, node_text = tokens[0], tokens[1], tokens[2]
        steps = [_positive_int(step) for step in path.split(":")]
        if any(step is None or step == 0 for step in steps):
            raise InputFormatError(name, number, "path must be positive integers joined by ':' "
                                                 f"(like 1:2), got {path!r}")
        if len(steps) < 2:
            raise InputFormatError(name, number, f"path {path!r} puts the node in no module "
                                                 "(expected module:node, like 1:2)")
        _check_flow(name, number, flow)
        node = _positive_int(node_text)
        if node is None:
            raise InputFormatError(name, number, "node id must be a non-negative integer, got "
                                                 f"{node_text!r}")
        if node in partition:
            raise InputFormatError(name, number, f"node {node} is listed twice (first on line "
                                                 f"{first_line[node]})")
        partition[node] = tuple(steps)
        first_line[node] = number
    return partition


META_FORMAT = "expected 'node_id category [category ...]'"

#: The largest category id the official Infomap reads (a C ``int``).
MAX_META_CATEGORY = 2**31 - 1


def read_meta_data(path: str | os.PathLike) -> dict[int, int]:
    r"""Read node categories for the metadata map equation (official ``--meta-data``).

    Parameters
    ----------
    path : str or os.PathLike
        A text file (possibly gzipped) of lines ``node_id category
        [category ...]``, as the official Infomap reads it: ``#`` starts a
        comment, blank lines are skipped, reading stops at the first line
        that starts with ``*``; every line has the same number of
        categories, and the first one is coded.  Ids and categories are
        non-negative integers (categories at most ``2**31 - 1``).  A node
        listed twice keeps its last line.

    Returns
    -------
    dict
        ``{node_id: category}``.

    Raises
    ------
    InputFormatError
        For a missing or unreadable file, a malformed line, a line with a
        different number of categories than the first, or a file without
        any node; the message names the file and the line.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from infomap_py.io import read_meta_data
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp, "meta.clu")
    ...     _ = path.write_text("# node category\n1 0\n2 0 # a comment\n3 1\n")
    ...     read_meta_data(path)
    {1: 0, 2: 0, 3: 1}
    """
    data, name = read_bytes(path)
    categories: dict[int, int] = {}
    columns = 0
    for number, raw in enumerate(decode(data[start_offset(data):]).split("\n"), 1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("*"):
            break
        tokens = stripped.split("#", 1)[0].split()
        node = _positive_int(tokens[0])
        if node is None:
            raise InputFormatError(name, number, "node id must be a non-negative integer, got "
                                                 f"{tokens[0]!r}")
        if len(tokens) < 2:
            raise InputFormatError(name, number, f"{META_FORMAT}, got {stripped!r}")
        values = [_positive_int(token) for token in tokens[1:]]
        for token, value in zip(tokens[1:], values):
            if value is None or value > MAX_META_CATEGORY:
                raise InputFormatError(name, number, "category must be an integer from 0 to "
                                                     f"{MAX_META_CATEGORY}, got {token!r}")
        if columns and len(values) != columns:
            raise InputFormatError(name, number, f"{len(values)} categories where the lines "
                                                 f"before have {columns}")
        columns = len(values)
        categories[node] = values[0]
    if not categories:
        raise InputFormatError(name, None, f"no nodes: the file holds no metadata lines "
                                           f"({META_FORMAT})")
    return categories
