"""What a search tells while it runs: a line per phase, and a bar over the trials.

The engine reports every phase of every trial as it ends, and every
trial's end (:func:`infomap_py.optimize.search`).  :class:`TrialProgress`
turns these reports into what a person reads on standard error:

- with ``verbose``, one line per phase;
- with ``bar``, in a terminal only, once the run has lasted
  :data:`DELAY_SECONDS`: a tqdm progress bar over the trials, whose text
  tells the trial and phase that reported last and the best codelength so
  far; where tqdm is not installed, one status line that updates in place
  instead (none where the phase lines are printed).

Nothing is written to standard output, and nothing here changes a result.
tqdm is optional (the ``progress`` extra): it is imported when a bar is
to be shown, never at ``import infomap_py``.
"""

from __future__ import annotations

import io
import math
import os
import sys
import time
from typing import Any, Callable

#: Seconds a run lasts before the bar (or the status line) appears: a
#: short run shows none.
DELAY_SECONDS = 2.0

#: The width the status line is padded to, so that a shorter text covers a
#: longer one in place.
STATUS_WIDTH = 78


def _is_terminal(stream: Any) -> bool:
    """Whether ``stream`` is a terminal (``False`` for a closed stream or one
    without ``isatty``)."""
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def _columns(stream: Any) -> int:
    """The width of the terminal ``stream`` writes to: 0 where it tells none
    (some pseudo-terminals), -1 where it is no terminal tqdm can measure.
    (tqdm draws nothing on a terminal of 0 columns and rows.)"""
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return -1


class TrialProgress:
    """The progress of a search of ``trials`` trials, on standard error.

    :func:`infomap_py.cluster` given one of these as ``progress`` sends it
    every phase (:meth:`phase`) and the end of every trial
    (:meth:`trial_done`); it builds one itself otherwise.  Calls come one at
    a time, also where trials run in threads.

    Parameters
    ----------
    trials : int
        The number of trials: the total of the bar.
    bar : bool
        Show the bar, where standard error is a terminal.
    verbose : bool
        Print a line per phase (:meth:`line`).
    callback : callable or None
        Called as ``callback(trial, phase, num_modules, codelength)`` at
        every phase, instead of the phase lines.
    """

    def __init__(self, trials: int, *, bar: bool = False, verbose: bool = False,
                 callback: Callable[[int, str, int, float], None] | None = None) -> None:
        self.trials = trials
        self.verbose = verbose and callback is None
        self.callback = callback
        self.started = time.perf_counter()
        #: The shortest codelength of the trials that ended.
        self.best = math.inf
        self._bar: Any = None  # the tqdm bar
        self._bar_shown = False
        self._status_line = False  # the line that stands in for the bar
        self._status_shown = False
        if not bar or not _is_terminal(sys.stderr):
            return
        try:
            from tqdm import tqdm
        except ImportError:
            # Without tqdm: the status line, unless phase lines are printed.
            self._status_line = not self.verbose
            return
        # miniters=0: every report may redraw (tqdm still waits mininterval).
        # The bar follows the terminal's size, unless the terminal tells none.
        size = {"ncols": STATUS_WIDTH, "nrows": 20} if _columns(sys.stderr) == 0 else {
            "dynamic_ncols": True}
        self._bar = tqdm(total=trials, desc="infomap-py", unit="trial", file=sys.stderr,
                         delay=DELAY_SECONDS, leave=False, miniters=0, **size)
        self._bar_shown = DELAY_SECONDS <= 0  # tqdm draws it at once then

    @property
    def is_active(self) -> bool:
        """Whether the reports are shown or handed on (else the search
        need not make them)."""
        return (self.callback is not None or self.verbose or self._bar is not None
                or self._status_line)

    def line(self, trial: int, phase: str, num_modules: int, codelength: float,
             seconds: float) -> str:
        """The line printed for a phase with ``verbose``."""
        return (f"trial {trial + 1}/{self.trials} {phase}: {num_modules} modules, codelength "
                f"{codelength:.9f} bits ({seconds:.2f} s)")

    def status(self, trial: int, phase: str, num_modules: int, codelength: float) -> str:
        """The text of the bar (and of the status line) after a phase."""
        best = f", best {self.best:.6f}" if self.best < math.inf else ""
        return (f"trial {trial + 1}/{self.trials} {phase}: {num_modules} modules, "
                f"{codelength:.6f} bits{best}")

    def phase(self, trial: int, phase: str, num_modules: int, codelength: float,
              seconds: float) -> None:
        """Report that ``phase`` of ``trial`` (from 0) ended, after ``seconds``."""
        if self.callback is not None:
            self.callback(trial, phase, num_modules, codelength)
        if self.verbose:
            self.write(self.line(trial, phase, num_modules, codelength, seconds))
        if self._bar is not None:
            self._bar.set_postfix_str(self.status(trial, phase, num_modules, codelength),
                                      refresh=False)
            self._redraw(0)
        elif self._status_line and time.perf_counter() - self.started >= DELAY_SECONDS:
            elapsed = time.perf_counter() - self.started
            text = f"{self.status(trial, phase, num_modules, codelength)} [{elapsed:.1f} s]"
            print(f"\r{text:<{STATUS_WIDTH}s}", end="", file=sys.stderr, flush=True)
            self._status_shown = True

    def trial_done(self, trial: int, num_modules: int, codelength: float,
                   seconds: float) -> None:
        """Report that ``trial`` ended with ``num_modules`` top modules and
        ``codelength``, after ``seconds``."""
        self.best = min(self.best, codelength)
        if self._bar is not None:
            self._bar.set_postfix_str(self.status(trial, "done", num_modules, codelength),
                                      refresh=False)
            self._redraw(1)
            if self._bar_shown:
                self._bar.refresh()  # every count shows, however soon the next

    def _redraw(self, trials_done: int) -> None:
        """Count ``trials_done`` more trials on the bar, which tqdm draws once
        the delay has passed (and at most every ``mininterval``)."""
        if self._bar.update(trials_done):
            self._bar_shown = True

    def write(self, text: str) -> None:
        """Print ``text`` as a line on standard error, above the bar."""
        if self._bar_shown:
            self._bar.write(text, file=sys.stderr)
            return
        self._clear_status()
        print(text, file=sys.stderr)

    def _clear_status(self) -> None:
        if self._status_shown:
            print("\r" + " " * STATUS_WIDTH + "\r", end="", file=sys.stderr, flush=True)
            self._status_shown = False

    def close(self) -> None:
        """Take the bar (or the status line) off the terminal."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        self._clear_status()

    def __enter__(self) -> TrialProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
