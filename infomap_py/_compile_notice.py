"""A notice on standard error while Numba compiles the kernels on a first run.

With an empty Numba cache the first run spends several seconds compiling
the kernels, which would otherwise pass in silence.  Numba fires a
``"numba:compile"`` event for every real compilation (never for a kernel
loaded from the on-disk cache), so a listener on that event tells exactly
when to say so: the notice is printed at the first compilation of one of
infomap-py's kernels, once per process, and never on a run whose kernels
all come from the cache.

Numba is imported only when the notice is switched on, so that importing
this module (and ``infomap_py``) stays light.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from typing import Iterator

#: What the user reads on a first run.
NOTICE = ("infomap-py: compiling kernels, first run only (some seconds); "
          "later runs load them from the cache")

_lock = threading.Lock()
_shown = False


def _is_ours(event) -> bool:
    """Whether a compile event is that of one of infomap-py's kernels."""
    dispatcher = event.data.get("dispatcher") if isinstance(event.data, dict) else None
    module = getattr(getattr(dispatcher, "py_func", None), "__module__", None) or ""
    return module == "infomap_py" or module.startswith("infomap_py.")


def _show_once() -> None:
    """Print :data:`NOTICE` to standard error unless it was printed before."""
    global _shown
    with _lock:
        if _shown:
            return
        _shown = True
    print(NOTICE, file=sys.stderr, flush=True)


@contextlib.contextmanager
def compile_notice(enabled: bool = True) -> Iterator[None]:
    """Print :data:`NOTICE` to standard error when a kernel compiles in the block.

    The notice is printed at most once per process, when the first of
    infomap-py's kernels starts to compile (kernels loaded from Numba's
    cache do not count).  The listener is removed when the block ends.

    Parameters
    ----------
    enabled : bool
        ``False`` does nothing (``--silent``, ``verbose=False``): Numba is
        not even imported.
    """
    if not enabled or _shown:
        yield
        return
    from numba.core import event

    class _Listener(event.Listener):
        def on_start(self, ev) -> None:
            if _is_ours(ev):
                _show_once()

        def on_end(self, ev) -> None:
            pass

    listener = _Listener()
    event.register("numba:compile", listener)
    try:
        yield
    finally:
        event.unregister("numba:compile", listener)
