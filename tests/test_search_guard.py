"""The search stops when its move deltas and its codelength disagree.

Every node of a level starts alone, so moves that shorten the codelength
leave fewer modules than nodes.  A faulty move kernel (here: one that swaps
nodes pairwise, so that every move is "effective" and no module empties)
must not make the level loop aggregate the same level forever.  The test
runs the pure-Python engine (``NUMBA_DISABLE_JIT``) in a subprocess, with the
faulty kernel patched in, under a time limit.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = textwrap.dedent("""
    import numpy as np
    import infomap_py
    from infomap_py._core import search

    def swap_pairs(net, constants, rng, loop_limit, min_improvement, skip_joined):
        n = net.node_data.flow.shape[0]
        labels = np.arange(n) ^ 1
        labels[labels >= n] = n - 1
        return 1.0, 0.0, labels  # the codelength before and after: a gain

    search._move_single_nodes = swap_pairs
    edges = np.array([(i, (i + 1) % 12) for i in range(12)] + [(0, 6), (3, 9)])
    result = infomap_py.cluster(edges, two_level=True, trials=1, seed=1)
    print("modules", result.num_modules)
""")


def test_a_faulty_move_kernel_cannot_loop_forever():
    env = dict(os.environ, NUMBA_DISABLE_JIT="1",
               PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "modules" in done.stdout
