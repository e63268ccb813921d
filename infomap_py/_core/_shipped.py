"""Machine code for the kernels, compiled ahead of time and shipped with the package.

A new user's first run would otherwise spend half a minute compiling the
kernels.  ``python -m infomap_py._core.ship`` compiles them (for a baseline
x86-64 CPU, so that the code runs on any machine that has its instruction
set) into the folder ``compiled/`` next to this file, with a manifest that
says for which Numba, Python, platform and kernel sources they were built.
Every kernel's cache looks there first and, when the manifest fits this
process and the kernel's signature is there, loads the code instead of
compiling it; otherwise Numba's own on-disk cache and compiler serve as
before.  The shipped files are never written at run time.

``INFOMAP_PY_SHIPPED_KERNELS=0`` in the environment turns the shipped code
off (the build uses this, and so do the tests of the compiler's policy).
"""

from __future__ import annotations

import functools
import json
import os
import sys

import numba
from numba.core.caching import FunctionCache, IndexDataCacheFile

#: Where the shipped machine code lies.
SHIPPED_FOLDER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "compiled")
#: The manifest that says what the shipped code was built for.
MANIFEST = os.path.join(SHIPPED_FOLDER, "manifest.json")
#: The CPU model the shipped code is compiled for (LLVM's name): the x86-64
#: instruction set of 2013-2015 onwards (Haswell, Zen) with AVX2 and FMA.
TARGET_CPU = "x86-64-v3"
#: The host CPU features that model assumes (LLVM's names, as
#: ``llvmlite.binding.get_host_cpu_features`` reports them).
TARGET_FEATURES = (
    "cmov", "cx8", "fxsr", "mmx", "sse", "sse2",                          # x86-64
    "cx16", "sahf", "popcnt", "sse3", "sse4.1", "sse4.2", "ssse3",        # v2
    "avx", "avx2", "bmi", "bmi2", "f16c", "fma", "lzcnt", "movbe", "xsave",  # v3
)
#: The target-machine features the shipped code is compiled with beyond the
#: CPU model's own (Numba's ``NUMBA_CPU_FEATURES``): none.
TARGET_TM_FEATURES = ""
#: The environment switch.
SWITCH = "INFOMAP_PY_SHIPPED_KERNELS"


def python_tag() -> str:
    """The Python version the cache files are for, as Numba names them."""
    return f"py{sys.version_info[0]}{sys.version_info[1]}"


def host_triple() -> str:
    """LLVM's target triple of this process."""
    import llvmlite.binding as llvm

    return llvm.get_process_triple()


def read_manifest(path: str = MANIFEST) -> dict | None:
    """The manifest of the shipped kernels, or None where there is none."""
    try:
        with open(path, encoding="utf-8") as handle:
            manifest = json.load(handle)
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


def why_unfit(manifest: dict | None) -> str | None:
    """Why code built as ``manifest`` says cannot serve this process (None
    where it can): another Numba, Python, platform or CPU, or kernel
    sources that changed since it was built."""
    from ._jit import _kernels_stamp

    if manifest is None:
        return "no kernels are shipped"
    if manifest.get("numba") != numba.__version__:
        return f"built for Numba {manifest.get('numba')}, this is {numba.__version__}"
    if manifest.get("python") != python_tag():
        return f"built for {manifest.get('python')}, this is {python_tag()}"
    if manifest.get("triple") != host_triple():
        return f"built for {manifest.get('triple')}, this is {host_triple()}"
    if manifest.get("kernel_sources") != _kernels_stamp().hex():
        return "built from other kernel sources (run scripts/ship_kernels.py)"
    import llvmlite.binding as llvm

    features = llvm.get_host_cpu_features()
    missing = [name for name in manifest.get("features", ()) if not features.get(name, False)]
    if missing:
        return f"this CPU lacks {', '.join(missing)}"
    return None


@functools.lru_cache(maxsize=None)
def target_magic() -> tuple | None:
    """The codegen description the shipped code was built under (Numba's
    ``magic_tuple``), or None where the shipped code cannot serve this
    process or is switched off."""
    if os.environ.get(SWITCH, "1") == "0":
        return None
    manifest = read_manifest()
    if why_unfit(manifest) is not None:
        return None
    return (manifest["triple"], manifest["cpu"], TARGET_TM_FEATURES)


class ShippedFirstCache(FunctionCache):
    """Numba's per-kernel cache, which first looks among the shipped kernels."""

    def __init__(self, py_func):
        super().__init__(py_func)
        from ._jit import _kernels_stamp

        self._shipped_file = IndexDataCacheFile(
            cache_path=SHIPPED_FOLDER, filename_base=self._impl.filename_base,
            source_stamp=_kernels_stamp())

    def _load_overload(self, sig, target_context):
        magic = target_magic() if self._enabled else None
        if magic is not None:
            sig_key, _, code_key = self._index_key(sig, target_context.codegen())
            data = self._shipped_file.load((sig_key, magic, code_key))
            if data is not None:
                return self._impl.rebuild(target_context, data)
        return super()._load_overload(sig, target_context)
