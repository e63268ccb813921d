"""A kernel loaded from Numba's cache runs the code of today's kernel files.

A compiled kernel holds the code of the kernels it calls, which may live
in other files, while Numba stamps its cache with the kernel's own file
only: after an edit of one kernel file, the kernels of another file that
call it were loaded from the cache with the old code in them (this gave
stale results twice while developing the random moves of ``moves.py``,
whose callers are in ``search.py``).  ``_core/_jit.py`` stamps every
kernel with all the kernel files together.  The test builds a package of
the real ``_jit.py`` and two kernel files, one calling the other, edits
the callee between two processes, and checks the caller's answer.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

INNER = "from ._jit import jit\n\n\n@jit\ndef inner(x):\n    return x + {}\n"
OUTER = textwrap.dedent("""\
    from ._jit import jit
    from .inner import inner


    @jit
    def outer(x):
        return inner(x) * 10
    """)


def _outer(folder: Path, cache: Path) -> str:
    code = "from kernels.outer import outer; print(outer(1), outer.stats.cache_hits.total())"
    done = subprocess.run([sys.executable, "-c", code], cwd=folder, capture_output=True,
                          text=True, timeout=300,
                          env=dict(os.environ, NUMBA_CACHE_DIR=str(cache), PYTHONPATH=""))
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


def test_editing_a_called_kernel_recompiles_its_callers(tmp_path):
    package = tmp_path / "kernels"
    package.mkdir()
    for name in ("_jit.py", "_shipped.py"):  # no shipped code: it compiles
        shutil.copy(ROOT / "infomap_py" / "_core" / name, package / name)
    (package / "__init__.py").write_text("")
    (package / "inner.py").write_text(INNER.format(1))
    (package / "outer.py").write_text(OUTER)
    cache = tmp_path / "cache"
    assert _outer(tmp_path, cache) == "20 0"  # compiled
    assert _outer(tmp_path, cache) == "20 1"  # loaded from the cache
    (package / "inner.py").write_text(INNER.format(2))  # only the callee's file changes
    assert _outer(tmp_path, cache) == "30 0"  # compiled again, with the new callee
