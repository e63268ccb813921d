"""MkDocs hooks: the pages that are made from the project's own sources at build time.

Nothing here is copied into ``docs/`` by hand, so nothing can drift:

* ``cli.md``: the option reference is generated from the real argument
  parser (:func:`infomap_py.cli.build_parser`) where the page says
  ``<!-- cli-reference -->``;
* ``<!-- readme-commands -->`` on any page becomes the README's two commands
  (its first ``bash`` block), as the README states them;
* ``compare/results.md`` is ``benchmarks/RESULTS.md``, and the pictures the
  pages show (``benchmarks/figures/*.png``, ``examples/figures/*.png``) are
  taken from where the benchmark and example scripts write them, so the
  binaries are stored once in git and the site links to copies made at
  build time.
"""

from __future__ import annotations

import argparse
import html
import re
import sys
from pathlib import Path

from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parent.parent
# Document this checkout, whatever infomap_py an environment has installed.
sys.path.insert(0, str(ROOT))

#: Files outside docs/ that the site serves: (source in the repository,
#: glob, folder in the site).
EXTERNAL = [
    ("benchmarks", "RESULTS.md", "compare/results.md"),
    ("benchmarks/figures", "*.png", "compare/figures"),
    ("examples/figures", "*.png", "figures"),
]


def on_files(files: Files, config, **kwargs) -> Files:
    """Add the benchmark results page and the pictures from outside docs/."""
    for folder, pattern, target in EXTERNAL:
        sources = sorted((ROOT / folder).glob(pattern))
        if not sources:
            raise FileNotFoundError(f"docs: no {folder}/{pattern} in {ROOT}")
        for source in sources:
            uri = target if target.endswith(".md") else f"{target}/{source.name}"
            files.append(File.generated(config, uri, abs_src_path=str(source)))
    return files


def on_page_markdown(markdown: str, page, config, files, **kwargs) -> str:
    """Fill in the generated parts of a page."""
    if "<!-- cli-reference -->" in markdown:
        markdown = markdown.replace("<!-- cli-reference -->", cli_reference())
    if "<!-- readme-commands -->" in markdown:
        markdown = markdown.replace("<!-- readme-commands -->", readme_commands())
    return markdown


def readme_commands() -> str:
    """Return the README's first bash block: the install-and-run and the test commands."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"^```bash\n.*?^```\n", readme, flags=re.S | re.M)
    if found is None:
        raise ValueError("docs: README.md has no ```bash block")
    return found.group(0)


def _cell(text: str) -> str:
    """Return text for a Markdown table cell, where neither a pipe nor ``*Arcs`` is Markdown."""
    return html.escape(" ".join(text.split())).replace("|", "&#124;").replace("*", "&#42;")


def _option_names(action: argparse.Action) -> str:
    names = action.option_strings or [action.metavar or action.dest]
    takes_value = action.nargs != 0 and action.option_strings
    value = f" {action.metavar or action.dest.upper()}" if takes_value else ""
    return ", ".join(f"<code>{html.escape(name + value)}</code>" for name in names)


def _default(action: argparse.Action) -> str:
    if action.nargs == 0 or action.default in (None, argparse.SUPPRESS):
        return ""
    return f"<code>{html.escape(str(action.default))}</code>"


def cli_reference() -> str:
    """Every argument of ``infomap-py``, group by group, from its parser."""
    from infomap_py.cli import BASIC_OPTIONS, build_parser

    parser = build_parser()
    lines = ["```text", parser.format_usage().strip(), "```", ""]
    for group in parser._action_groups:
        actions = [a for a in group._group_actions if a.help != argparse.SUPPRESS]
        if not actions:
            continue
        title = group.title[0].upper() + group.title[1:]
        lines += [f"### {_cell(title)}", ""]
        if group.description:
            lines += [group.description, ""]
        lines += ["| Option | Default | Description |", "|---|---|---|"]
        for action in actions:
            basic = " (shown by <code>-h</code>)" if action.dest in BASIC_OPTIONS else ""
            lines.append(f"| {_option_names(action)} | {_default(action)} | "
                         f"{_cell(action.help or '')}{basic} |")
        lines.append("")
    lines += ["### Examples and notes", "", "The end of `infomap-py -hh`:", "",
              "```text", parser.epilog.rstrip(), "```", ""]
    return "\n".join(lines)
