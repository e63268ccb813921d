"""The kernels' machine code shipped with the package (``_core/compiled/``).

A first run loads it instead of compiling for half a minute.  These tests
check that the shipped code is built from today's kernel sources, that it
serves this machine (or is refused where it cannot), that a first run on an
empty Numba cache compiles nothing, that loading it readies only what
running it needs, and that its answers are bit for bit those of the kernels
compiled here.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numba
import pytest

from infomap_py._core import _jit, _shipped

ROOT = Path(__file__).resolve().parents[1]


def _python(code: str, cache: Path, **env: str) -> str:
    """Run ``code`` on this package with ``cache`` as Numba's cache; its stdout."""
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT,
                          capture_output=True, text=True, timeout=900,
                          env=dict(os.environ, NUMBA_CACHE_DIR=str(cache), PYTHONPATH=path,
                                   **env))
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_the_shipped_code_is_built_from_todays_kernels():
    manifest = _shipped.read_manifest()
    assert manifest is not None, "no manifest: run python scripts/ship_kernels.py"
    assert manifest["kernel_sources"] == _jit._kernels_stamp().hex(), (
        "the kernel sources changed since the shipped code was built: "
        "run python scripts/ship_kernels.py")
    files = sorted(Path(_shipped.SHIPPED_FOLDER).glob("*.nbc"))
    assert len(files) == manifest["files"] > 0


def test_the_shipped_code_serves_a_machine_like_the_one_it_was_built_for():
    manifest = _shipped.read_manifest()
    assert manifest["numba"] == numba.__version__, (
        "the shipped code is for another Numba: run python scripts/ship_kernels.py")
    reason = _shipped.why_unfit(manifest)
    if all(manifest[key] == value for key, value in
           (("python", _shipped.python_tag()), ("triple", _shipped.host_triple()))):
        import llvmlite.binding as llvm

        features = llvm.get_host_cpu_features()
        if all(features.get(name, False) for name in manifest["features"]):
            assert reason is None
            return
    assert reason is not None  # another Python, platform or CPU: compiled as before


@pytest.mark.parametrize("change, says", [
    ({"numba": "0.1.0"}, "Numba 0.1.0"),
    ({"python": "py27"}, "py27"),
    ({"triple": "aarch64-unknown-linux-gnu"}, "aarch64"),
    ({"kernel_sources": "00"}, "scripts/ship_kernels.py"),
    ({"features": ["avx2", "no-such-feature"]}, "lacks no-such-feature"),
])
def test_code_built_for_something_else_is_refused(change, says):
    manifest = dict(_shipped.read_manifest(), **change)
    assert says in _shipped.why_unfit(manifest)
    assert "no kernels" in _shipped.why_unfit(None)


COMPILES = """
    import sys
    from numba.core import event
    compiled = []

    class Listener(event.Listener):
        def on_start(self, ev):
            compiled.append(getattr(getattr(ev.data["dispatcher"], "py_func", None),
                                    "__qualname__", "?"))

        def on_end(self, ev):
            pass

    event.register("numba:compile", Listener())
    from infomap_py.cli import main
    main(["examples/karate.txt", sys.argv[1] if len(sys.argv) > 1 else "{out}", "--silent",
          "-N", "10", "-o", "clu,tree"])
    print(len(compiled), sorted(set(compiled)))
"""


def test_a_first_run_on_an_empty_cache_compiles_nothing(tmp_path):
    if _shipped.target_magic() is None:
        pytest.skip(f"the shipped code cannot serve this machine: "
                    f"{_shipped.why_unfit(_shipped.read_manifest())}")
    out = _python(COMPILES.format(out=tmp_path / "out"), tmp_path / "cache")
    assert out.startswith("0 []"), out


LOADS = """
    import sys
    import numba
    import numpy as np
    from infomap_py._core import _shipped, coarsen

    labels = np.array([2, 0, 2, 1, 0], dtype=np.int64)
    start, members = coarsen.members_by_label(labels, 3)
    library = coarsen.members_by_label.overloads[(numba.int64[::1], numba.int64)].library
    print("loaded", type(library).__name__, library._link_bitcode is not None)
    print("compiler readied", "numba.np.linalg" in sys.modules)

    @numba.njit
    def largest_module(labels, num_modules):  # compiled here, links the shipped kernel
        start, members = coarsen.members_by_label(labels, num_modules)
        return np.argmax(start[1:] - start[:-1]), members

    module, again = largest_module(labels, 3)
    print("linked", library._link_bitcode is None, module, again.tolist(), members.tolist())
"""


def test_loading_shipped_code_readies_only_what_running_it_needs(tmp_path):
    if _shipped.target_magic() is None:
        pytest.skip(f"the shipped code cannot serve this machine: "
                    f"{_shipped.why_unfit(_shipped.read_manifest())}")
    loaded, readied, linked = _python(LOADS, tmp_path / "cache").splitlines()
    # The kernel's bitcode for linking waits, and so do the compiler's registries ...
    assert loaded == "loaded _LinkOnDemandLibrary True"
    assert readied == "compiler readied False"
    # ... until a kernel compiled here calls the shipped one: then it links in.
    assert linked == "linked True 0 [1, 4, 3, 0, 2] [1, 4, 3, 0, 2]"


REBUILDS = """
    import sys
    import numpy as np
    from numba.core import codegen, compiler
    from infomap_py._core import _shipped, coarsen

    labels = np.array([2, 0, 2, 1, 0], dtype=np.int64)
    if sys.argv[1] == "compile":
        coarsen.members_by_label(labels, 3)
        sys.exit()
    dispatcher = coarsen.members_by_label
    context = dispatcher.targetctx
    cache = dispatcher._cache
    index = cache._cache_file._load_index()
    (key,) = index
    payload = cache._cache_file.load(key)
    context.refresh()
    result = (_shipped.rebuild_lazily(context, payload) if sys.argv[1] == "lazily"
              else compiler.CompileResult._rebuild(context, *payload))
    print(type(result).__name__, isinstance(result.library, codegen.JITCodeLibrary))
    for name in result._fields:
        if name not in ("library", "entry_point"):
            value = getattr(result, name)
            print(name, type(value).__name__,
                  value if name in ("signature", "objectmode", "lifted") else "")
    print(result.fndesc.llvm_cpython_wrapper_name, [e.env_name for e in result.referenced_envs])
    start, members = result.entry_point(labels, 3)
    print(start.tolist(), members.tolist())
"""


def test_the_lazy_rebuild_makes_what_numbas_own_makes(tmp_path):
    """``rebuild_lazily`` mirrors Numba's ``CompileResult._rebuild``: the same
    compile result, field by field, and the same answers, on this Numba."""
    cache = tmp_path / "cache"
    switch_off = {_shipped.SWITCH: "0"}

    def rebuilt(how):
        path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
        done = subprocess.run([sys.executable, "-c", textwrap.dedent(REBUILDS), how], cwd=ROOT,
                              capture_output=True, text=True, timeout=300,
                              env=dict(os.environ, NUMBA_CACHE_DIR=str(cache),
                                       PYTHONPATH=path, **switch_off))
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    rebuilt("compile")  # into ``cache``
    assert rebuilt("lazily") == rebuilt("numba")
    assert rebuilt("lazily").startswith("CompileResult True\n")
    assert rebuilt("lazily").rstrip().endswith("[0, 2, 3, 5] [1, 4, 3, 0, 2]")


ANSWERS = """
    import hashlib, warnings
    import networkx as nx
    import numpy as np
    import infomap_py
    warnings.simplefilter("ignore")
    graphs = {"karate": nx.karate_club_graph(),
              "directed": nx.gnp_random_graph(120, 0.05, seed=2, directed=True),
              "memory": infomap_py.read_network("examples/memory.net")}
    for name, G in graphs.items():
        for options in ({}, {"two_level": True, "trials": 3}, {"markov_time": 0.7}):
            res = infomap_py.cluster(G, seed=5, **options)
            labels = hashlib.sha1(np.asarray(res.labels).tobytes()).hexdigest()
            print(name, options, repr(res.codelength), labels)
"""


@pytest.mark.slow
def test_the_shipped_code_answers_as_the_code_compiled_here(tmp_path, compiled_here_cache):
    if _shipped.target_magic() is None:
        pytest.skip(f"the shipped code cannot serve this machine: "
                    f"{_shipped.why_unfit(_shipped.read_manifest())}")
    shipped = _python(ANSWERS, tmp_path / "shipped")
    compiled = _python(ANSWERS, compiled_here_cache, **{_shipped.SWITCH: "0"})
    assert len(shipped.splitlines()) == 9
    assert shipped == compiled
