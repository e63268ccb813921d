"""The one thread scheme of the search: modules shared among threads.

Kernels release the GIL, so threads that each run a kernel on their own part
of the modules run in parallel.  Every module carries its own random state,
so a result never depends on how many threads shared the work.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable

import numpy as np


@dataclass(frozen=True)
class Workers:
    """Threads to share a step's modules among: ``pool`` and its size
    ``count``; ``Workers()`` runs everything in the calling thread."""

    pool: ThreadPoolExecutor | None = None
    count: int = 1

    def run(self, work: Callable[[np.ndarray], None], modules: np.ndarray,
            sizes: np.ndarray) -> None:
        """Call ``work`` on parts of ``modules`` in the threads: the biggest
        modules (by ``sizes``) first, dealt round-robin, so the threads share
        the work evenly; with one thread, ``work(modules)`` once."""
        if self.pool is None or self.count <= 1 or modules.shape[0] < 2:
            work(modules)
            return
        order = np.argsort(-sizes, kind="stable")
        parts = [modules[order[w::self.count]] for w in range(self.count)]
        list(self.pool.map(work, parts))


#: Everything in the calling thread.
SERIAL = Workers()
