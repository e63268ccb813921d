"""A griffe extension for the API reference: Sphinx roles in docstrings become links.

The docstrings are numpydoc, written for Sphinx: ``:func:`cluster```,
``:class:`~infomap_py.StateNetwork```, ``:mod:`.networkx```.  mkdocstrings
renders Markdown, where a role would show as its raw text, so every role is
rewritten here, once the package is loaded:

* a name that resolves to an object of the package becomes a cross-reference
  to it (an optional one: an object the site does not render, such as a
  private kernel module, is shown as code without a link);
* a name that does not resolve to any object of the package is a broken
  reference: it is logged as a warning, so ``mkdocs build --strict`` fails
  and names the docstring;
* a name outside the package (``numpy.random.Generator``) is shown as code.

``~name`` shows only the last component, as in Sphinx.

The front doors document the keywords they share once, in
``infomap_py/_options.py``, and fill them into their docstrings when the
package is imported; their source holds a ``**options`` entry instead.
Such a docstring, and the ``**options`` of the signature, are replaced
here by the imported function's first.
"""

from __future__ import annotations

import builtins
import html
import importlib
import inspect
import logging
import re
import sys
from typing import Any

import griffe

_log = logging.getLogger("mkdocs.plugins.infomap_py_docs")

#: Libraries whose objects docstrings may name (besides the standard
#: library's); shown as code, never checked.
EXTERNAL = {"numpy", "np", "scipy", "networkx", "nx", "igraph", "pandas", "pd", "torch",
            "matplotlib", "plt", "numba", "sklearn", "infomap", "leidenalg"}

ROLE = re.compile(r":(?:py:)?(func|class|mod|attr|meth|data|obj|exc|const):`(?P<target>[^`]+)`")


def _lookup(collection: griffe.ModulesCollection, path: str) -> griffe.Object | None:
    """Return the object at ``path`` (aliases followed), or None."""
    try:
        found = collection.get_member(path)
    except (KeyError, ValueError, griffe.AliasResolutionError, griffe.CyclicAliasError):
        return None
    try:
        return found.final_target if found.is_alias else found
    except (griffe.AliasResolutionError, griffe.CyclicAliasError):
        return None


def _candidates(obj: griffe.Object, target: str) -> list[str]:
    """Full paths ``target`` may name, seen from ``obj``'s docstring."""
    if target.startswith("."):
        module = obj.module
        base = module.path if module.is_package else module.parent.path
        rest = target.lstrip(".")
        for _ in range(len(target) - len(rest) - 1):
            base = base.rsplit(".", 1)[0]
        return [f"{base}.{rest}"]
    first, _, rest = target.partition(".")
    paths = [target]
    scope: griffe.Object | None = obj
    while scope is not None:  # the object's own members, then its parents' scopes
        try:
            resolved = scope.resolve(first)
        except griffe.NameResolutionError:
            resolved = None
        if resolved:
            paths.append(f"{resolved}.{rest}" if rest else resolved)
            break
        scope = scope.parent
    return paths


def _rewrite(obj: griffe.Object, collection: griffe.ModulesCollection,
             by_suffix: dict[str, list[str]], text: str) -> str:
    def replace(match: re.Match) -> str:
        target = match["target"].strip().lstrip("!")
        short = target.startswith("~")
        target = target.lstrip("~")
        shown = target.rsplit(".", 1)[-1] if short else target
        if match.group(1) in ("func", "meth") and not shown.endswith(")"):
            shown += "()"
        code = f"<code>{html.escape(shown)}</code>"
        found = next((found for path in _candidates(obj, target)
                      if (found := _lookup(collection, path)) is not None), None)
        if found is None:  # as Sphinx does: an object of that name (the shortest path)
            matches = by_suffix.get(target.lstrip("."), [])
            found = _lookup(collection, min(matches, key=len)) if matches else None
        if found is not None:
            return (f'<autoref identifier="{html.escape(found.path)}" optional>'
                    f"{code}</autoref>")
        first = target.split(".", 1)[0]
        if not (first in EXTERNAL or first in sys.stdlib_module_names
                or hasattr(builtins, target)):
            _log.warning("%s: the docstring names %s, which does not resolve",
                         obj.path, match.group(0))
        return code

    return ROLE.sub(replace, text)


#: What a front door's source docstring says where the shared keywords go.
SHARED_KEYWORDS = "The shared keywords, documented here once the module is imported."


def _as_imported(obj: griffe.Object) -> None:
    """Give ``obj`` the docstring and parameters of the imported function."""
    function = getattr(importlib.import_module(obj.module.path), obj.name)
    obj.docstring.value = inspect.getdoc(function)
    kinds = {inspect.Parameter.POSITIONAL_ONLY: griffe.ParameterKind.positional_only,
             inspect.Parameter.POSITIONAL_OR_KEYWORD: griffe.ParameterKind.positional_or_keyword,
             inspect.Parameter.VAR_POSITIONAL: griffe.ParameterKind.var_positional,
             inspect.Parameter.KEYWORD_ONLY: griffe.ParameterKind.keyword_only,
             inspect.Parameter.VAR_KEYWORD: griffe.ParameterKind.var_keyword}
    static = {parameter.name: parameter for parameter in obj.parameters}
    obj.parameters = griffe.Parameters(*(
        static.get(p.name) or griffe.Parameter(
            p.name, kind=kinds[p.kind],
            annotation=None if p.annotation is p.empty else inspect.formatannotation(p.annotation),
            default=None if p.default is p.empty else repr(p.default))
        for p in inspect.signature(function).parameters.values()))


def _walk(obj: griffe.Object):
    yield obj
    for member in obj.members.values():
        if not member.is_alias:
            yield from _walk(member)


class SphinxRoles(griffe.Extension):
    """Rewrite the Sphinx roles of every docstring of a loaded package."""

    def on_package(self, *, pkg: griffe.Module, loader: griffe.GriffeLoader,
                   **kwargs: Any) -> None:
        """Rewrite the docstrings of ``pkg`` and its submodules."""
        collection = loader.modules_collection
        objects = list(_walk(pkg))
        by_suffix: dict[str, list[str]] = {}
        for obj in objects:
            parts = obj.path.split(".")
            for k in range(len(parts)):
                by_suffix.setdefault(".".join(parts[k:]), []).append(obj.path)
        for obj in objects:
            if obj.docstring is not None and SHARED_KEYWORDS in obj.docstring.value:
                _as_imported(obj)
            if obj.docstring is not None and ":" in obj.docstring.value:
                obj.docstring.value = _rewrite(obj, collection, by_suffix, obj.docstring.value)
