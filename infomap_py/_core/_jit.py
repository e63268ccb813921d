"""The one place that sets the Numba compilation policy for all kernels."""

import numba

#: Decorator for every kernel: compiled once, cached on disk, GIL released so
#: trials can run in threads.  No ``fastmath``: codelengths must reproduce to
#: 1e-9 bits across runs and machines.
jit = numba.njit(cache=True, nogil=True)

#: Decorator for the few kernels that share a loop among Numba's threads
#: (``prange``).  Callers run them from one thread at a time only: the
#: default threading layer does not allow two parallel launches at once.
parallel_jit = numba.njit(cache=True, nogil=True, parallel=True)
