"""The C heap of the command-line tool's process: large arrays are mapped
from the operating system and handed back when freed.

glibc's ``malloc`` serves a block smaller than its *mmap threshold* from
the heap, and raises that threshold (up to 32 MiB) each time a larger
mapped block is freed.  After a reader or the flow has freed its first
large buffer, arrays of a million numbers therefore came from the heap,
and the holes they left when freed stayed in the process: up to 150 MiB of
the peak memory of a run of a million links was freed memory.  A fixed
threshold (:data:`MMAP_THRESHOLD`) keeps every array above it mapped, so
that freeing it returns its memory; the many small arrays of the search
still come from the heap, as fast as before.
"""

from __future__ import annotations

import ctypes

#: Blocks of at least this many bytes (half a million numbers) are mapped.
MMAP_THRESHOLD = 4 << 20

#: glibc's ``mallopt`` parameter of the mmap threshold (``M_MMAP_THRESHOLD``).
_M_MMAP_THRESHOLD = -3


def map_large_arrays(threshold: int = MMAP_THRESHOLD) -> bool:
    """Fix the C heap's mmap threshold at ``threshold`` bytes, where the C
    library is glibc; return whether it was set (``False`` elsewhere, where
    nothing changes)."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # no C library to load, or not glibc's malloc
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    return mallopt(_M_MMAP_THRESHOLD, int(threshold)) == 1
