"""Atomic file writes: a temporary file in the same directory, renamed into place.

Inside :func:`atomic_group` several such writes become one: every file is
written to its temporary name first, and the temporary files are renamed
into place only when all of them are written, so a run leaves all its files
or none.
"""

from __future__ import annotations

import contextlib
import contextvars
import errno
import os
import re
import secrets
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Callable, TextIO

from ..errors import OutputError

TEMP_SUFFIX = ".tmp"

#: The (temporary, target) pairs written in the open :func:`atomic_group`
#: and not yet renamed; ``None`` outside a group.
_pending: contextvars.ContextVar[list[tuple[Path, Path]] | None] = contextvars.ContextVar(
    "infomap_py_atomic_group", default=None)


def _reason(err: BaseException) -> str:
    if isinstance(err, OSError):
        return err.strerror or str(err)
    return f"{type(err).__name__}: {err}"


def _temporary_name(target: Path) -> Path:
    return target.parent / f".{target.name}.{secrets.token_hex(6)}{TEMP_SUFFIX}"


def remove_stale_temporaries(path: str | os.PathLike) -> int:
    """Remove the temporary files that an earlier, killed write of ``path``
    left beside it (``.{name}.{hex}.tmp``); return how many were removed."""
    target = Path(path)
    pattern = re.compile(re.escape(f".{target.name}.") + "[0-9a-f]+" + re.escape(TEMP_SUFFIX))
    removed = 0
    with contextlib.suppress(OSError):
        for entry in os.scandir(target.parent):
            if pattern.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
                    removed += 1
    return removed


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """Run the block with SIGINT and SIGTERM put off until it ends, so that
    an interrupt cannot stop it halfway; a signal that came meanwhile is
    raised again afterwards.  Python runs signal handlers in the main
    thread only, so elsewhere there is nothing to put off."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    came: list[int] = []
    previous = {}
    for signum in (signal.SIGINT, signal.SIGTERM):
        if signal.getsignal(signum) is not None:  # None: a handler not set from Python
            previous[signum] = signal.signal(signum, lambda number, frame: came.append(number))
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        for signum in dict.fromkeys(came):
            signal.raise_signal(signum)


def _remove(temps: list[Path]) -> None:
    for temp in temps:
        with contextlib.suppress(OSError):
            os.unlink(temp)


@contextlib.contextmanager
def atomic_group() -> Iterator[None]:
    """Make every atomic write in the block part of one all-or-nothing write.

    Inside the block, :func:`atomic_text_file` and :func:`write_atomically`
    write their temporary files but do not rename them.  When the block
    completes, all the temporary files are renamed into place; when it
    raises anything (``KeyboardInterrupt`` and ``SystemExit`` included), all
    are removed and no target is touched.  The renames run with SIGINT and
    SIGTERM put off, so an interrupt cannot split the set.  A group
    inside a group joins the outer one.

    Raises
    ------
    infomap_py.errors.OutputError
        When a rename fails; the files not yet renamed are removed (files
        renamed before it stay written).
    """
    if _pending.get() is not None:
        yield
        return
    pending: list[tuple[Path, Path]] = []
    token = _pending.set(pending)
    try:
        yield
    except BaseException:
        with _signals_deferred():
            _remove([temp for temp, _ in pending])
        raise
    finally:
        _pending.reset(token)
    with _signals_deferred():
        for done, (temp, target) in enumerate(pending):
            try:
                os.replace(temp, target)
            except BaseException as err:
                _remove([t for t, _ in pending[done:]])
                if isinstance(err, OSError):
                    raise OutputError(os.fspath(target), _reason(err)) from err
                raise


@contextlib.contextmanager
def _temporary_beside(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a hidden temporary path beside ``path``; rename it onto
    ``path`` when the block completes (or, inside :func:`atomic_group`,
    when the group does).  On any exception the temporary file is removed
    and :class:`OutputError`, naming ``path``, is raised from it."""
    target = Path(path)
    temp = _temporary_name(target)
    group = _pending.get()
    try:
        if group is not None and target.is_dir():
            # Found now, before the other files of the group are written.
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), os.fspath(target))
        yield temp
        if group is None:
            os.replace(temp, target)
        else:
            group.append((temp, target))
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
    file and a failed write leaves an existing file untouched.  Inside
    :func:`atomic_group` the rename waits for the end of the group.  On any
    exception the temporary file is removed and :class:`OutputError`,
    naming ``path``, is raised from it.
    """
    with _temporary_beside(path) as temp:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            yield handle


def write_atomically(path: str | os.PathLike, write: Callable[[Path], None]) -> None:
    """Call ``write(temp)`` to write a file at a temporary path beside
    ``path``, then rename it onto ``path``.

    For writers that take a path, not a text handle (a matplotlib figure,
    for one).  Inside :func:`atomic_group` the rename waits for the end of
    the group.  On any exception the temporary file is removed and
    :class:`OutputError`, naming ``path``, is raised from it.
    """
    with _temporary_beside(path) as temp:
        write(temp)
