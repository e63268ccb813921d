"""The notice on a first run: printed while the kernels compile (an empty
Numba cache), once per process, never with --silent, never on a warm cache.

The cold run compiles every kernel of a two-level search (some seconds to
half a minute on a loaded machine), so one cold subprocess serves several
tests.  The --silent and ``cluster(verbose=True)``
tests run on a copy of the warm cache with the index of one kernel module
removed: those kernels compile again (a few seconds), as on a cold cache.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numba
import pytest

from infomap_py import _compile_notice
from infomap_py._compile_notice import NOTICE, compile_notice

ROOT = Path(__file__).resolve().parents[1]
TINY = "1 2\n2 3\n3 1\n4 5\n5 6\n6 4\n1 4\n"


def _python(cache: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run this Python on the worktree's package with ``cache`` as Numba's cache."""
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
    env = dict(os.environ, NUMBA_CACHE_DIR=str(cache), PYTHONPATH=path,
               INFOMAP_PY_SHIPPED_KERNELS="0")  # compile, as where none are shipped
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=900)


def _cli(cache: Path, folder: Path, *flags: str, out: str = "out"
         ) -> subprocess.CompletedProcess:
    return _python(cache, "-m", "infomap_py", "tiny.txt", out, "--two-level", *flags,
                   cwd=folder)


def _index_files(cache: Path, module: str) -> list[Path]:
    """The cache index files of the kernels of ``infomap_py/_core/<module>.py``."""
    return sorted(cache.rglob(f"{module}.*.nbi"))


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """A run on an empty cache, then one on the cache it filled."""
    folder = tmp_path_factory.mktemp("notice")
    (folder / "tiny.txt").write_text(TINY)
    cache = folder / "numba-cache"
    cache.mkdir()
    cold = _cli(cache, folder, out="out-cold")
    warm = _cli(cache, folder)
    return folder, cache, cold, warm


def _partly_cold(runs, name: str, module: str) -> Path:
    """A copy of the warm cache without the index of ``module``'s kernels."""
    folder, cache, _, _ = runs
    copy = folder / name
    shutil.copytree(cache, copy)
    removed = _index_files(copy, module)
    assert removed, f"no cached kernels of {module}.py in {copy}"
    for index in removed:
        index.unlink()
    return copy


@pytest.mark.slow
def test_first_run_says_once_that_it_compiles(runs):
    _, _, cold, _ = runs
    assert cold.returncode == 0, cold.stderr
    assert cold.stderr.count(NOTICE) == 1
    assert cold.stderr.startswith(NOTICE)  # before the kernels compile, not after


@pytest.mark.slow
def test_warm_run_does_not_say_it(runs):
    _, _, _, warm = runs
    assert warm.returncode == 0, warm.stderr
    assert "codelength" in warm.stderr  # it prints its summary, not the notice
    assert "compiling" not in warm.stderr


@pytest.mark.slow
def test_any_compile_says_it_but_silent_does_not(runs):
    folder = runs[0]
    partly = _partly_cold(runs, "partly-cold", "parse")
    loud = _cli(partly, folder)
    assert loud.returncode == 0, loud.stderr
    assert loud.stderr.count(NOTICE) == 1
    silent_cache = _partly_cold(runs, "partly-cold-silent", "parse")
    silent = _cli(silent_cache, folder, "--silent")
    assert silent.returncode == 0, silent.stderr
    assert silent.stderr == ""
    assert _index_files(silent_cache, "parse")  # the kernels did compile


@pytest.mark.slow
def test_cluster_verbose_says_it(runs):
    folder = runs[0]
    partly = _partly_cold(runs, "partly-cold-api", "mapeq")
    code = ("import infomap_py; infomap_py.cluster([[0, 1], [1, 2], [2, 0], [2, 3]], "
            "two_level=True, verbose={})")
    quiet = _python(partly, "-c", code.format(False), cwd=folder)
    assert quiet.returncode == 0, quiet.stderr
    assert quiet.stderr == ""
    assert _index_files(partly, "mapeq")  # the kernels did compile, in silence
    for index in _index_files(partly, "mapeq"):
        index.unlink()
    loud = _python(partly, "-c", code.format(True), cwd=folder)
    assert loud.returncode == 0, loud.stderr
    assert loud.stderr.count(NOTICE) == 1


def _compile_a_kernel(module: str) -> None:
    """Compile a new Numba function whose Python source claims ``module``."""
    def add_one(x):
        return x + 1

    add_one.__module__ = module
    assert numba.njit(add_one)(1) == 2


def test_notice_is_for_our_kernels_once_per_process(monkeypatch, capsys):
    monkeypatch.setattr(_compile_notice, "_shown", False)
    with compile_notice():
        _compile_a_kernel("someone_else")
    assert capsys.readouterr().err == ""
    with compile_notice():
        _compile_a_kernel("infomap_py._core.fake")
        _compile_a_kernel("infomap_py._core.fake")
    with compile_notice():
        _compile_a_kernel("infomap_py._core.fake")
    assert capsys.readouterr().err == NOTICE + "\n"


def test_listener_is_removed_afterwards(monkeypatch, capsys):
    monkeypatch.setattr(_compile_notice, "_shown", False)
    with compile_notice(enabled=False):
        _compile_a_kernel("infomap_py._core.fake")
    with pytest.raises(RuntimeError), compile_notice():
        raise RuntimeError("the block fails")
    _compile_a_kernel("infomap_py._core.fake")
    assert capsys.readouterr().err == ""


@pytest.mark.slow
def test_first_run_gives_what_later_runs_give(runs):
    """The first run (kernels compiled) writes the files that a run on the
    warm cache (kernels loaded) writes."""
    folder, _, cold, warm = runs
    assert cold.returncode == 0 and warm.returncode == 0
    written = sorted(path.name for path in (folder / "out").iterdir())
    assert written and sorted(path.name for path in (folder / "out-cold").iterdir()) == written
    # The header says how each run was typed, when it started and how long it took.
    run_lines = ("# ./infomap-py", "# started", "# completed")
    for name in written:
        cold_lines, warm_lines = ((folder / out / name).read_text().splitlines()
                                  for out in ("out-cold", "out"))
        assert [line for line in cold_lines if not line.startswith(run_lines)] \
            == [line for line in warm_lines if not line.startswith(run_lines)]
