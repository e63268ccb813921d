"""Execute the tutorial notebooks in place, so that the site shows their outputs.

    python docs/execute_notebooks.py [NOTEBOOK ...]

The site's build does not run notebooks (``execute: false`` in mkdocs.yml):
it shows the outputs stored in ``docs/tutorials/*.ipynb``, so building the
site stays quick. Run this script after editing a tutorial, or when the
package changes what a tutorial prints, and commit the notebooks it wrote;
``tests/test_docs.py`` checks that every code cell of a stored notebook ran,
in order, without an error or a warning.

Each notebook runs in a fresh Python kernel, from its own folder, with this
checkout first on the path, and needs what the tutorials import (matplotlib,
pandas, scikit-learn: the ``test`` extra) plus nbclient and ipykernel (the
``docs`` extra). A run that compiled Numba kernels (its cells print the
compile notice on standard error) is repeated once with the cache warm.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
TUTORIALS = ROOT / "docs" / "tutorials"

#: A cell that printed this compiled kernels: its output is not the tutorial's.
COMPILE_NOTICE = "compiling kernels"


def _stderr_text(notebook: nbformat.NotebookNode) -> str:
    return "".join(output.get("text", "") for cell in notebook.cells
                   if cell.cell_type == "code" for output in cell.outputs
                   if output.output_type == "stream" and output.name == "stderr")


def execute(path: Path, timeout: int = 600) -> nbformat.NotebookNode:
    """Run every cell of the notebook at ``path`` and write it back with its outputs."""
    for _ in range(2):
        notebook = nbformat.read(path, as_version=4)
        NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                       record_timing=False,
                       resources={"metadata": {"path": str(path.parent)}}).execute()
        if COMPILE_NOTICE not in _stderr_text(notebook):
            break
    nbformat.write(notebook, path)
    return notebook


def main(argv: list[str] | None = None) -> int:
    """Execute the notebooks named in ``argv`` (default: every tutorial)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        default=sorted(TUTORIALS.glob("*.ipynb")))
    args = parser.parse_args(argv)
    # The kernels inherit the environment: this checkout's package, and
    # inline pictures whatever backend the shell asked for.
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])
    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    for path in args.notebooks:
        execute(path.resolve())
        print(f"executed {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
