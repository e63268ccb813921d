"""Atomic file writes: a temporary file in the same directory, renamed into place."""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Callable, TextIO

from ..errors import OutputError

TEMP_SUFFIX = ".tmp"


def _reason(err: BaseException) -> str:
    if isinstance(err, OSError):
        return err.strerror or str(err)
    return f"{type(err).__name__}: {err}"


@contextlib.contextmanager
def _temporary_beside(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a hidden temporary path beside ``path``; rename it onto
    ``path`` when the block completes.  On any exception the temporary
    file is removed and :class:`OutputError`, naming ``path``, is raised
    from it."""
    target = Path(path)
    temp = target.parent / f".{target.name}.{secrets.token_hex(6)}{TEMP_SUFFIX}"
    try:
        yield temp
        os.replace(temp, target)
    except BaseException as err:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        if not isinstance(err, Exception) or isinstance(err, OutputError):
            raise
        raise OutputError(os.fspath(path), _reason(err)) from err


@contextlib.contextmanager
def atomic_text_file(path: str | os.PathLike) -> Iterator[TextIO]:
    r"""Open a text file that appears at ``path`` only once the block completes.

    The file is UTF-8 with ``\n`` line ends.

    The text goes to a hidden temporary file beside ``path``, which is then
    renamed over it (``os.replace``), so readers never see a half-written
    file and a failed write leaves an existing file untouched.  On any
    exception the temporary file is removed and :class:`OutputError`, naming
    ``path``, is raised from it.
    """
    with _temporary_beside(path) as temp:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            yield handle


def write_atomically(path: str | os.PathLike, write: Callable[[Path], None]) -> None:
    """Call ``write(temp)`` to write a file at a temporary path beside
    ``path``, then rename it onto ``path``.

    For writers that take a path, not a text handle (a matplotlib figure,
    for one).  On any exception the temporary file is removed and
    :class:`OutputError`, naming ``path``, is raised from it.
    """
    with _temporary_beside(path) as temp:
        write(temp)
