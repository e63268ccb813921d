"""The documentation site: it builds in strict mode, covers the public API and
the command line, and its tutorial notebooks are stored executed and still run.

The build (``mkdocs build --strict``, about 10-20 s) fails on any warning: a
broken link or cross-reference, a page missing from the navigation, a
docstring that names an object that does not exist (``docs/griffe_roles.py``)
or a docstring griffe cannot parse. It does not execute the notebooks; they
are stored with their outputs (``docs/execute_notebooks.py``), which the tests
below check, and their code is run here in-process.
"""

import functools
import html
import importlib.util
import json
import os
import re
import shlex
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
NOTEBOOKS = sorted((DOCS / "tutorials").glob("*.ipynb"))
needs_mkdocs = pytest.mark.skipif(importlib.util.find_spec("mkdocs") is None,
                                  reason="needs mkdocs (the docs extra: "
                                         "pip install -e '.[docs]')")


class _Page(HTMLParser):
    """The element ids, links and image sources of an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.images: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "img" and attrs.get("src"):
            self.images.append(attrs["src"])


@functools.cache
def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Build the site once, strictly, into a temporary folder."""
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict",
                           "-f", str(ROOT / "mkdocs.yml"), "-d", str(out)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"mkdocs build --strict failed:\n{done.stderr[-6000:]}"
    return out


@needs_mkdocs
def test_every_public_name_has_its_reference(site):
    import infomap_py
    import infomap_py.errors
    import infomap_py.io

    ids = set()
    for page in (site / "api").glob("*/index.html"):
        ids |= _parse(page).ids
    lazy_readers = {"read_network", "read_partition", "read_tree"}  # documented in io
    expected = {f"infomap_py.{name}" for name in infomap_py.__all__
                if name != "__version__" and name not in lazy_readers}
    expected |= {f"infomap_py.io.{name}" for name in infomap_py.io.__all__}
    plot_source = (ROOT / "infomap_py" / "plot" / "__init__.py").read_text(encoding="utf-8")
    plot_names = re.search(r"__all__ = \[(.*?)\]", plot_source, re.S).group(1)
    expected |= {f"infomap_py.plot.{name}" for name in re.findall(r'"(\w+)"', plot_names)}
    expected |= {f"infomap_py.errors.{name}" for name in dir(infomap_py.errors)
                 if name.endswith("Error")}
    expected |= {"infomap_py.adapters.igraph.from_igraph", "infomap_py.adapters.pandas.from_pandas",
                 "infomap_py.adapters.torch.from_edge_index"}
    assert expected - ids == set()
    # The docstrings are rendered, not only the headings.
    cluster_page = (site / "api" / "cluster" / "index.html").read_text(encoding="utf-8")
    assert "teleportation" in cluster_page and "Parameters" in cluster_page
    # Sphinx roles became code or links, never raw text.
    for page in site.rglob("*.html"):
        assert not re.search(r":(func|class|mod|meth|attr|data):", page.read_text("utf-8")), page


@needs_mkdocs
def test_cli_page_lists_every_option(site):
    from infomap_py.cli import build_parser

    text = (site / "cli" / "index.html").read_text(encoding="utf-8")
    for action in build_parser()._actions:
        for name in action.option_strings:
            assert f"<code>{name}" in text, name


@needs_mkdocs
def test_pages_pictures_and_links_are_there(site):
    for page in ("index.html", "getting-started/index.html", "formats/index.html",
                 "compare/index.html", "compare/results/index.html"):
        assert (site / page).is_file(), page
    for picture in (ROOT / "benchmarks" / "figures").glob("*.png"):
        assert (site / "compare" / "figures" / picture.name).is_file(), picture.name
    # The README's commands, as the README states them.
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = readme.split("```bash\n", 1)[1].splitlines()[0]
    page_text = html.unescape(re.sub(r"<[^>]+>", "", (site / "getting-started" / "index.html")
                                     .read_text(encoding="utf-8")))
    assert command in page_text
    # mkdocs checks the links of Markdown pages; the notebooks' links are
    # HTML, so they are checked here: every relative link and anchor exists.
    for page_path in site.rglob("*.html"):
        if page_path.name == "404.html":  # its links are absolute: the site's root is unknown
            continue
        page = _parse(page_path)
        for url in page.links + page.images:
            parts = urlsplit(url)
            if parts.scheme or parts.netloc or url.startswith(("mailto:", "data:")):
                continue
            target = (page_path.parent / unquote(parts.path)) if parts.path else page_path
            if target.is_dir():
                target = target / "index.html"
            assert target.is_file(), f"{page_path.relative_to(site)}: broken link {url}"
            if parts.fragment and target.suffix == ".html":
                assert parts.fragment in _parse(target).ids, \
                    f"{page_path.relative_to(site)}: no anchor for {url}"
    for notebook in NOTEBOOKS:
        text = (site / "tutorials" / notebook.stem / "index.html").read_text(encoding="utf-8")
        assert "data:image/png;base64," in text, notebook.name


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[n.stem for n in NOTEBOOKS])
def test_notebook_is_stored_executed(notebook):
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    code = [cell for cell in cells if cell["cell_type"] == "code"]
    assert code
    # Run top to bottom in one kernel, every cell once.
    assert [cell["execution_count"] for cell in code] == list(range(1, len(code) + 1))
    for k, cell in enumerate(code, 1):
        assert cell["outputs"], f"code cell {k} has no output"
        for output in cell["outputs"]:
            assert output["output_type"] != "error", f"code cell {k}: {output.get('ename')}"
            assert output.get("name") != "stderr", f"code cell {k} wrote to stderr: " \
                                                   f"{''.join(output['text'])[:300]}"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[n.stem for n in NOTEBOOKS])
def test_notebook_code_still_runs(notebook, monkeypatch):
    """The tutorials' code runs against this checkout, in order, in one
    namespace (as in a kernel, without one); their pictures go to Agg."""
    for name in ("matplotlib", "pandas", "sklearn"):
        if importlib.util.find_spec(name) is None:
            pytest.skip(f"needs {name} (the test extra)")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    monkeypatch.chdir(notebook.parent)
    namespace = {"__name__": "__tutorial__"}
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    try:
        for k, cell in enumerate(c for c in cells if c["cell_type"] == "code"):
            source = "".join(cell["source"])
            assert not re.search(r"^\s*[%!]", source, re.M), "no magics or shell escapes"
            exec(compile(source, f"{notebook.name}[{k}]", "exec"), namespace)
    finally:
        plt.close("all")


#: The Python blocks of the Markdown pages run as written (from a folder that
#: holds the repository's examples/, each block in a fresh namespace).
PAGE_BLOCKS = [(page.relative_to(DOCS).as_posix(), k, block)
               for page in sorted(DOCS.rglob("*.md"))
               for k, block in enumerate(re.findall(r"^```python\n(.*?)^```",
                                                    page.read_text(encoding="utf-8"),
                                                    flags=re.S | re.M))]


@pytest.mark.parametrize("page,k,code", PAGE_BLOCKS,
                         ids=[f"{page}-{k}" for page, k, _ in PAGE_BLOCKS])
def test_page_python_block_runs(page, k, code, tmp_path, monkeypatch):
    if "infomap_py import plot" in code:
        if importlib.util.find_spec("matplotlib") is None:
            pytest.skip("needs matplotlib (the plot extra)")
        monkeypatch.setenv("MPLBACKEND", "Agg")
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    monkeypatch.chdir(tmp_path)
    try:
        exec(compile(code, f"docs/{page}[{k}]", "exec"), {"__name__": "__docs__"})
    finally:
        if "infomap_py import plot" in code:
            import matplotlib.pyplot as plt

            plt.close("all")


def test_ci_runs_the_readme_test_command_with_the_docs_extra():
    """CI installs the docs extra, so the strict build above runs in CI."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    test_command = readme.split("```bash\n", 1)[1].splitlines()[1]
    assert "docs" in re.search(r'pip install -e "\.\[([\w,]+)\]"', test_command).group(1)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert test_command in ci
    assert shlex.split(test_command)[-3:] == ["python", "-m", "pytest"]
