"""Machine code for the kernels, compiled ahead of time and shipped with the package.

A new user's first run would otherwise spend half a minute compiling the
kernels.  ``python scripts/ship_kernels.py`` compiles them (for a baseline
x86-64 CPU, so that the code runs on any machine that has its instruction
set) into the folder ``compiled/`` next to this file, with a manifest that
says for which Numba, Python, platform and kernel sources they were built.
Every kernel's cache looks there first and, when the manifest fits this
process and the kernel's signature is there, loads the code instead of
compiling it; otherwise Numba's own on-disk cache and compiler serve as
before.  The shipped files are never written at run time.

``INFOMAP_PY_SHIPPED_KERNELS=0`` in the environment turns the shipped code
off (the build uses this, and so do the tests of the compiler's policy).

Loading, from the shipped code and from Numba's own cache alike, is cut to
what running the code needs, which takes a third off a warm run: Numba
readies its whole compiler (typing and lowering registries) before every
cache load, and parses, for every kernel it loads, the LLVM bitcode kept
for linking the kernel into kernels compiled later.  Here a load readies
only the runtime (NRT) the machine code links against (the compiler readies
itself when something compiles), and a kernel's bitcode is parsed only when
a compile links it in.
"""

from __future__ import annotations

import functools
import json
import os
import sys

import numba
from numba.core import codegen, compiler
from numba.core.caching import FunctionCache, IndexDataCacheFile
from numba.core.runtime import rtsys

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

    def load_overload(self, sig, target_context):
        """Load the machine code of ``sig`` (None where none is stored),
        readying only the runtime it links against, where Numba's own
        cache readies the whole compiler first."""
        rtsys.initialize(target_context)
        with self._guard_against_spurious_io_errors():
            return self._load_overload(sig, target_context)
        return None  # the guard swallowed an I/O error: compile instead

    def _load_overload(self, sig, target_context):
        if not self._enabled:
            return None
        sig_key, own_magic, code_key = self._index_key(sig, target_context.codegen())
        magic = target_magic()
        data = (self._shipped_file.load((sig_key, magic, code_key))
                if magic is not None else None)
        if data is None:  # Numba's own cache, filled by the compiles here
            data = self._cache_file.load((sig_key, own_magic, code_key))
        return None if data is None else rebuild_lazily(target_context, data)


class _LinkOnDemandLibrary(codegen.JITCodeLibrary):
    """A code library loaded from machine code whose bitcode for linking
    into other libraries is parsed only when a compile asks for it."""

    _link_bitcode: bytes | None = None

    @classmethod
    def from_object_code(cls, codegen_, name: str, object_code: bytes,
                         link_bitcode: bytes, entry_symbol: str):
        """The library of ``object_code`` (a cache entry's machine code),
        defining ``entry_symbol`` (its Python wrapper)."""
        library = cls(codegen_, name)
        library.enable_object_caching()
        library._set_compiled_object(object_code)
        library._link_bitcode = link_bitcode
        library._finalize_final_module()
        codegen_._engine._defined_symbols.add(entry_symbol)
        return library

    def _parse_link_bitcode(self) -> None:
        if self._link_bitcode is not None:
            import llvmlite.binding as llvm

            self._shared_module = llvm.parse_bitcode(self._link_bitcode)
            self._codegen._engine._load_defined_symbols(self._shared_module)
            self._link_bitcode = None

    def _get_module_for_linking(self):
        self._parse_link_bitcode()
        return super()._get_module_for_linking()

    def get_pointer_to_function(self, name):
        if not self._codegen._engine.is_symbol_defined(name):
            self._parse_link_bitcode()  # a symbol other than the entry
        return super().get_pointer_to_function(name)


def rebuild_lazily(target_context, payload):
    """A cache entry as a compile result: what Numba's own
    ``CompileResult._rebuild`` makes of it, with the library of
    :class:`_LinkOnDemandLibrary` (``tests/test_shipped_kernels.py`` checks
    that the two agree on the Numba installed)."""
    (libdata, fndesc, env, signature, objectmode, lifted, typeann, reload_init,
     referenced_envs) = payload
    name, kind, data = libdata
    if kind != "object":
        return compiler.CompileResult._rebuild(target_context, *payload)
    for init in reload_init or ():
        init()
    library = _LinkOnDemandLibrary.from_object_code(
        target_context.codegen(), name, data[0], data[1], fndesc.llvm_cpython_wrapper_name)
    result = compiler.CompileResult(
        target_context=target_context, typing_context=target_context.typing_context,
        library=library, environment=env,
        entry_point=target_context.get_executable(library, fndesc, env),
        fndesc=fndesc, type_annotation=typeann, signature=signature, objectmode=objectmode,
        lifted=lifted, typing_error=None, call_helper=None, metadata=None,
        reload_init=reload_init, referenced_envs=referenced_envs)
    for referenced in referenced_envs:
        library.codegen.set_env(referenced.env_name, referenced)
    return result
