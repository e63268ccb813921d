"""The exceptions of infomap-py.

Every error the package raises on purpose derives from :class:`InfomapPyError`,
so a caller (the command-line tool, for one) can catch them all in one place.
Each subclass also derives from the builtin exception it refines, so code that
catches ``ValueError`` or ``OSError`` keeps working.
"""

from __future__ import annotations

import os


def display_path(path: str | os.PathLike) -> str:
    r"""Return ``path`` as text that is safe to print in a message.

    A path of printable characters comes back unchanged; control characters
    (a newline, a terminal escape) and undecodable bytes are escaped as in
    ``repr``, so that a file name cannot break a message in two or recolour
    the terminal.

    Examples
    --------
    >>> display_path("out/net.tree")
    'out/net.tree'
    >>> print(display_path("bad\nname\x1b[31m.txt"))
    bad\nname\x1b[31m.txt
    """
    text = os.fspath(path)
    if isinstance(text, bytes):
        text = os.fsdecode(text)
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


class InfomapPyError(Exception):
    """Base class of the errors infomap-py raises on purpose.

    Examples
    --------
    >>> import networkx as nx
    >>> import infomap_py
    >>> try:
    ...     infomap_py.cluster(nx.path_graph(4), teleportation=1.5)
    ... except InfomapPyError as err:
    ...     print(err)
    teleportation must be in (0, 1), got 1.5
    """


class InfomapArgumentError(InfomapPyError, ValueError):
    """An argument out of its allowed range (``teleportation=1.5``).

    The message names the argument, what is allowed and what was received.
    An argument of the wrong type raises the builtin :class:`TypeError`.

    Examples
    --------
    >>> err = InfomapArgumentError("teleportation must be in (0, 1), got 1.5")
    >>> isinstance(err, ValueError), str(err)
    (True, 'teleportation must be in (0, 1), got 1.5')
    """


class NotAPartitionError(InfomapPyError, ValueError):
    """A partition or module tree that does not fit the network.

    Raised where a partition is matched to the nodes of a network: a node
    without a module, a module for a node the network lacks, a node in two
    communities, a path that is not a path.

    Parameters
    ----------
    message : str
        What does not fit.
    source : str or os.PathLike, optional
        The file the partition was read from (a ``.clu`` or ``.tree``), which
        the message then names first.

    Examples
    --------
    >>> str(NotAPartitionError("partition has no module for node 3"))
    'partition has no module for node 3'
    >>> str(NotAPartitionError("partition has no module for node 3", source="given.clu"))
    'given.clu: partition has no module for node 3'
    """

    def __init__(self, message: str, source: str | os.PathLike | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.source = None if source is None else str(source)

    def __str__(self) -> str:
        if self.source is None:
            return self.message
        return f"{display_path(self.source)}: {self.message}"

    def __reduce__(self):
        return type(self), (self.message, self.source)


class InputFormatError(InfomapPyError, ValueError):
    """An input file that cannot be read or parsed.

    Parameters
    ----------
    path : str or os.PathLike
        The file (``"<stdin>"`` for standard input).
    line : int or None
        The 1-based line number of the problem, or ``None`` when the problem
        concerns the whole file (missing, unreadable, empty).
    message : str
        What is wrong and, where it helps, what to do.

    Examples
    --------
    >>> str(InputFormatError("net.txt", 17, "expected 'source target [weight]', got 'a'"))
    "net.txt:17: expected 'source target [weight]', got 'a'"
    >>> str(InputFormatError("net.txt", None, "no such file"))
    'net.txt: no such file'
    """

    def __init__(self, path: str | os.PathLike, line: int | None, message: str) -> None:
        super().__init__(str(path), line, message)
        self.path = str(path)
        self.line = line
        self.message = message

    def __str__(self) -> str:
        path = display_path(self.path)
        if self.line is None:
            return f"{path}: {self.message}"
        return f"{path}:{self.line}: {self.message}"


class OutputError(InfomapPyError, OSError):
    """A result file that could not be written.

    Parameters
    ----------
    path : str or os.PathLike
        The file that was to be written (it is left untouched).
    message : str
        Why writing failed.

    Examples
    --------
    >>> str(OutputError("out/net.tree", "permission denied"))
    'cannot write out/net.tree: permission denied'
    """

    def __init__(self, path: str | os.PathLike, message: str) -> None:
        super().__init__(message)
        self.path = str(path)
        self.message = message

    def __str__(self) -> str:
        return f"cannot write {display_path(self.path)}: {self.message}"

    def __reduce__(self):
        return type(self), (self.path, self.message)
