"""Every kernel compiles once: one type specialization, whatever calls it.

Numba compiles a kernel again for every new combination of argument types,
and a constant that one kernel passes another (a loop limit, a literal
``True``) or an argument left to its default is a type of its own; before
the compile policy of ``_core/_jit.py`` one kernel had eight
specializations and a first run compiled for minutes.  The runs below go
through every path a user meets (two-level and multilevel, undirected,
directed and recorded teleportation, a start partition, the command-line
tool); afterwards no kernel may hold more than one specialization, and none
of the memory or metadata map equation's kernels may have compiled (first-order
runs pass ``None`` for the physical nodes and the metadata, and Numba picks the
stand-ins by type).  It runs
in a subprocess on an empty Numba cache (kernels loaded from a cache call
their callees directly, so only a compile shows the specializations), so
that other tests' calls do not count.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = textwrap.dedent("""
    import importlib, pkgutil, sys, tempfile
    from pathlib import Path
    import numpy as np
    from numba.core.registry import CPUDispatcher
    import infomap_py, infomap_py._core
    from infomap_py.cli import main

    ring = np.array([(i, (i + 1) % 30) for i in range(30)] + [(i, i + 15) for i in range(0, 15, 3)])
    for options in (dict(), dict(two_level=True), dict(flow_model="directed"),
                    dict(flow_model="directed", two_level=True),
                    dict(flow_model="directed", recorded_teleportation=True),
                    dict(initial_partition={i: i // 10 for i in range(30)}),
                    dict(fast_hierarchical=1), dict(trials=3)):
        infomap_py.cluster(ring, seed=2, **options)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ring.txt"
        path.write_text("".join(f"{u + 1} {v + 1} 1.5\\n" for u, v in ring))
        assert main([str(path), folder, "--silent", "-N", "2"]) == 0
        assert main([str(path), folder, "--silent", "--two-level", "-d"]) == 0
    for info in pkgutil.iter_modules(infomap_py._core.__path__):
        module = importlib.import_module(f"infomap_py._core.{info.name}")
        for name, value in vars(module).items():
            value = getattr(value, "kernel", value)  # a kernel behind _jit.unless_none
            if isinstance(value, CPUDispatcher) and len(value.signatures) > 1:
                print(f"{info.name}.{name}: {len(value.signatures)} specializations")
            if (info.name in ("memory", "meta") and isinstance(value, CPUDispatcher)
                    and value.signatures):
                print(f"{info.name}.{name}: compiled by a first-order run")
    print("checked")
""")


def test_every_kernel_has_one_specialization(tmp_path, compiled_here_cache):
    # An empty cache (only compiling shows the specializations); the shared one
    # where no other test has filled it yet, so that later tests load from it.
    cache = compiled_here_cache if not any(compiled_here_cache.iterdir()) else tmp_path
    env = dict(os.environ, NUMBA_CACHE_DIR=str(cache), INFOMAP_PY_SHIPPED_KERNELS="0",
               PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH"))
                                          if p))
    done = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True,
                          text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().splitlines() == ["checked"], done.stdout
