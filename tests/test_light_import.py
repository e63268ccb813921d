"""``import infomap_py`` stays light: Numba and SciPy are imported on first use."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _python(code: str) -> str:
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
    done = subprocess.run([sys.executable, "-c", code], env=dict(os.environ, PYTHONPATH=path),
                          capture_output=True, text=True, timeout=120, check=True)
    return done.stdout.strip()


def test_import_loads_neither_numba_nor_scipy():
    code = "import infomap_py, sys; print('numba' in sys.modules, 'scipy' in sys.modules)"
    assert _python(code) == "False False"


def test_import_and_a_quiet_run_load_no_tqdm():
    code = ("import sys, infomap_py; print('tqdm' in sys.modules); "
            "infomap_py.cluster([[0, 1], [1, 2], [2, 0]], verbose=False); "
            "print('tqdm' in sys.modules)")
    assert _python(code).splitlines() == ["False", "False"]


def test_public_names_work_without_the_heavy_imports():
    code = ("import sys, infomap_py as ip; "
            "names = [ip.cluster, ip.codelength, ip.evaluate, ip.compute_flow, ip.Network, "
            "ip.InfomapResult, ip.ModuleTree, ip.Codelength, ip.map_equation, "
            "ip.infomap_communities, ip.set_module_attributes]; "
            "print('numba' in sys.modules, 'scipy' in sys.modules)")
    assert _python(code) == "False False"


def test_other_inputs_import_no_igraph_pandas_or_torch():
    code = ("import sys, infomap_py; import networkx as nx; "
            "infomap_py.codelength([[0, 1], [1, 2], [2, 0]], [0, 0, 0]); "
            "infomap_py.codelength(nx.path_graph(3), [0, 0, 1]); "
            "print(any(m in sys.modules for m in ('igraph', 'pandas', 'torch')))")
    assert _python(code) == "False"


def test_first_use_imports_the_engine_and_sparse_input_still_works():
    # Sparse input, in a process where infomap_py was imported before SciPy.
    code = ("import sys, infomap_py; "
            "r = infomap_py.cluster([[0, 1], [1, 2], [2, 0], [3, 4], [4, 5], [5, 3], [0, 3]], "
            "two_level=True); "
            "import scipy.sparse as sp; "
            "m = sp.csr_array(([1.0] * 4, ([0, 1, 2, 3], [1, 2, 3, 0])), shape=(4, 4)); "
            "print(r.num_modules, 'numba' in sys.modules, "
            "infomap_py.compute_flow(m).node_flow.tolist())")
    assert _python(code) == "2 True [0.25, 0.25, 0.25, 0.25]"


def test_fast_hierarchical_values_match_the_engine():
    from infomap_py import api, optimize

    assert (api.FULL, api.SUPER_LEVELS_ONLY) == (optimize.FULL, optimize.SUPER_LEVELS_ONLY)


def test_a_command_line_run_on_a_file_imports_neither_networkx_nor_scipy_linalg(tmp_path):
    """A warm run of the command-line tool pays for neither networkx (a file
    is never a networkx graph) nor ``scipy.linalg``, which Numba's array
    support imports only to probe for BLAS, which no kernel uses.  Both
    took about 0.25 s of a 1.5 s run.  A networkx graph given later in the
    same process is still recognised, and SciPy's linear algebra still
    imports."""
    code = (f"import sys; from infomap_py.cli import main; "
            f"assert main([{str(ROOT / 'examples' / 'karate.txt')!r}, {str(tmp_path)!r}, "
            f"'--silent', '-N', '2']) == 0; "
            "print('networkx' in sys.modules, 'scipy.linalg' in sys.modules); "
            "import networkx as nx, scipy.linalg, infomap_py; "
            "print(infomap_py.cluster(nx.karate_club_graph(), seed=1).num_nodes, "
            "scipy.linalg.norm([3.0, 4.0]))")
    assert _python(code).splitlines() == ["False False", "34 5.0"]


def test_dask_is_imported_on_the_first_distributed_call_only():
    code = ("import sys, infomap_py; infomap_py.distributed; "
            "print('dask' in sys.modules, 'distributed' in sys.modules)")
    assert _python(code) == "False False"
