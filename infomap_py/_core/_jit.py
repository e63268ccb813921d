"""The one place that sets the Numba compilation policy for all kernels.

Every kernel compiles once per argument types.  Numba would also compile a
kernel again for every *constant* another kernel passes it (a loop limit of
10 and of 20, a literal ``True``: each a type of its own), which multiplied
the first run's compile time; the decorators here type such constants as
the plain ``int64``/``bool``/``float64`` they are, so one specialization
serves every caller.  Kernels take no default arguments for the same reason
(an omitted argument is a type of its own too).
"""

import functools
import hashlib
import os

import numba
from numba.core import types
from numba.extending import overload


def kernel_sources_digest(folder: str) -> bytes:
    """The SHA-256 of every ``.py`` file in ``folder`` (names and contents),
    in name order: the cache stamp of every kernel there."""
    digest = hashlib.sha256()
    for name in sorted(os.listdir(folder)):
        if name.endswith(".py"):
            digest.update(name.encode() + b"\0")
            with open(os.path.join(folder, name), "rb") as handle:
                digest.update(handle.read() + b"\0")
    return digest.digest()


@functools.lru_cache(maxsize=None)
def _kernels_stamp() -> bytes:
    return kernel_sources_digest(_KERNEL_FOLDER)


_KERNEL_FOLDER = os.path.dirname(os.path.abspath(__file__))


def _stamp_with_every_kernel_file(locator_class):
    """A subclass of one of Numba's cache locators whose source stamp covers
    every kernel file, for the kernels in this folder only.

    Numba stamps a cached kernel with its own file alone, but a compiled
    kernel holds the code of the kernels it calls, which may live in other
    files: after an edit of ``moves.py`` (a ``git pull``, say), the kernels
    of ``search.py`` were loaded from the cache with the old sweep in them,
    and gave the old answers.  With every kernel file in the stamp, any
    change compiles every kernel again.
    """
    class KernelFolderLocator(locator_class):
        def get_source_stamp(self):
            return _kernels_stamp()

        @classmethod
        def from_function(cls, py_func, py_file):
            if os.path.dirname(os.path.abspath(py_file)) != _KERNEL_FOLDER:
                return None
            return super().from_function(py_func, py_file)

    KernelFolderLocator.__name__ = KernelFolderLocator.__qualname__ = (
        "KernelFolder" + locator_class.__name__.lstrip("_"))
    return KernelFolderLocator


def _install_kernel_locators() -> None:
    """Put :func:`_stamp_with_every_kernel_file`'s locators first in Numba's
    list (where this Numba has the classes; otherwise Numba's own apply)."""
    try:
        from numba.core import caching

        def named(name):  # Numba spelled these with a leading underscore before 0.60
            return getattr(caching, name, None) or getattr(caching, "_" + name)

        bases = [named(name) for name in
                 ("UserProvidedCacheLocator", "InTreeCacheLocator", "UserWideCacheLocator")]
        impl = named("CacheImpl")
        impl._locator_classes = ([_stamp_with_every_kernel_file(base) for base in bases]
                                 + list(impl._locator_classes))
    except (AttributeError, ImportError):  # pragma: no cover - another Numba's internals
        pass


_install_kernel_locators()


def _one_type_per_value(dispatcher):
    """Make ``dispatcher`` compile for non-literal argument types only."""
    if not hasattr(dispatcher, "get_call_template"):  # NUMBA_DISABLE_JIT: a plain function
        return dispatcher
    resolve = dispatcher.get_call_template

    def get_call_template(args, kws):
        return resolve(tuple(types.unliteral(a) for a in args),
                       {name: types.unliteral(t) for name, t in kws.items()})

    dispatcher.get_call_template = get_call_template
    return dispatcher


class _CacheOnFirstUse:
    """Stands in for a kernel's cache until the kernel is first called.

    Making a cache finds and tests its folder on disk, a fraction of a
    millisecond; of the 150-odd kernels a run imports, it calls (and loads)
    a score or two, the others compile into their callers.
    """

    def __init__(self, py_func):
        self._py_func = py_func
        self._cache = None

    def __getattr__(self, name):
        if self._cache is None:
            from . import _shipped

            self._cache = _shipped.ShippedFirstCache(self._py_func)
        return getattr(self._cache, name)


def _shipped_first(dispatcher):
    """Give ``dispatcher`` (made without Numba's cache) the on-disk cache
    that looks for its machine code among the shipped kernels before
    Numba's own cache (see :mod:`._shipped`), made on first use."""
    if hasattr(dispatcher, "enable_caching"):  # else NUMBA_DISABLE_JIT
        dispatcher._cache = _CacheOnFirstUse(dispatcher.py_func)
    return dispatcher


def jit(function):
    """Decorator for every kernel: compiled once per argument types, cached
    on disk, GIL released so that trials and module splits can run in
    threads.  No ``fastmath``: codelengths must reproduce to 1e-9 bits
    across runs and machines."""
    return _one_type_per_value(_shipped_first(numba.njit(nogil=True)(function)))


def inline_jit(function):
    """Decorator for a kernel that other kernels call and Python (almost)
    never: Numba inlines its body where it is called instead of compiling
    it as a library of its own that every caller links and optimizes again.
    Each compiled library repeats the optimization of all it links, so a
    mid-level kernel compiled on its own costs as much as everything below
    it."""
    return _one_type_per_value(
        _shipped_first(numba.njit(nogil=True, inline="always")(function)))


def unless_none(stand_in):
    """Decorator for a kernel whose first argument is ``None`` where a
    network lacks what the kernel works on (the physical nodes of a
    first-order network): there ``stand_in``, which takes the same
    arguments, answers instead.

    The choice is made by type, when a calling kernel compiles, so a run
    that never passes anything but ``None`` never types or compiles the
    kernel's body (a runtime branch would compile both sides).  Called
    from Python, the choice is made by value.
    """
    def decorate(function):
        kernel = jit(function)

        def call(*args):
            return stand_in(*args) if args[0] is None else kernel(*args)

        for attribute in ("__module__", "__name__", "__qualname__", "__doc__"):
            setattr(call, attribute, getattr(function, attribute))
        call.kernel = kernel
        if hasattr(kernel, "get_call_template"):  # else NUMBA_DISABLE_JIT: Python decides
            def call_kernel(*args):
                return kernel(*args)

            def choose(*arg_types):
                return stand_in if isinstance(arg_types[0], types.NoneType) else call_kernel

            overload(call, strict=False)(choose)
        return call
    return decorate


def load_numba_arrays_without_blas_probe():
    """Import Numba's NumPy-array support without its BLAS probe.

    When that module is first imported (by the first compile or cache load
    of any kernel) it imports ``scipy.linalg`` to learn whether ``np.dot``
    can call BLAS: 0.3-0.45 s, a third of a warm run of the command-line
    tool, for something no kernel here uses.  The command-line tool, which
    runs no Numba code but ours, imports it first with ``scipy.linalg``
    hidden, so the probe answers "no BLAS" at once (then only
    ``np.correlate``/``np.convolve`` in Numba code would use a plain loop);
    ``scipy.linalg`` imports normally afterwards.  Not done where SciPy's
    linear algebra or Numba's array support is loaded already.
    """
    import sys

    if "numba.np.arraymath" in sys.modules or "scipy.linalg" in sys.modules:
        return
    sys.modules["scipy.linalg"] = None  # an import of it raises ImportError
    try:
        import numba.np.arraymath  # noqa: F401
    finally:
        if sys.modules.get("scipy.linalg", 0) is None:
            del sys.modules["scipy.linalg"]
