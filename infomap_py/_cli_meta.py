"""What the command-line tool says about its own options: the parameters
as JSON (``--print-json-parameters``) and shell completion scripts
(``--completion bash|zsh``), both in the layout of the official Infomap
2.16, built from the argument parser so that they list infomap-py's
options as they are.
"""

from __future__ import annotations

import argparse
import shlex
from typing import Any, Iterable

#: The official Infomap 2.16's option groups, by long option name; an
#: infomap-py option the official lacks is listed under the group it
#: would belong to.
OFFICIAL_GROUPS: dict[str, str] = {
    **dict.fromkeys(("help", "version", "completion", "print-json-parameters"), "About"),
    **dict.fromkeys(("skip-adjust-bipartite-flow", "bipartite-teleportation",
                     "weight-threshold", "include-self-links", "no-self-links", "node-limit",
                     "matchable-multilayer-ids", "cluster-data",
                     "assign-to-neighbouring-module", "meta-data", "meta-data-rate",
                     "meta-data-unweighted", "no-infomap"), "Input"),
    **dict.fromkeys(("two-level", "flow-model", "directed", "recorded-teleportation",
                     "use-node-weights-as-flow", "to-nodes", "teleportation-probability",
                     "max-flow-iterations", "min-flow-iterations", "flow-tolerance",
                     "regularized", "regularization-strength",
                     "intra-regularization-strength", "inter-regularization-strength",
                     "multilayer-skip-absent-nodes", "entropy-corrected",
                     "entropy-correction-strength", "markov-time", "variable-markov-time",
                     "variable-markov-damping", "variable-markov-min-scale",
                     "preferred-number-of-modules", "preferred-number-of-levels",
                     "preferred-number-of-levels-strength", "multilayer-relax-rate",
                     "multilayer-relax-limit", "multilayer-relax-limit-up",
                     "multilayer-relax-limit-down", "multilayer-relax-by-jsd",
                     "multilayer-relax-to-self"), "Algorithm"),
    **dict.fromkeys(("seed", "num-trials", "core-loop-limit", "core-level-limit",
                     "tune-iteration-limit", "core-loop-codelength-threshold",
                     "tune-iteration-relative-threshold", "fast-hierarchical-solution",
                     "inner-parallelization", "parallel-trials", "converge", "num-threads",
                     "threads", "prefer-modular-solution", "num-random-moves",
                     "max-degree-for-random-moves"), "Accuracy"),
    **dict.fromkeys(("out-name", "no-file-output", "tree", "ftree", "clu", "clu-level",
                     "output", "hide-bipartite-nodes", "print-all-trials", "no-overwrite",
                     "print-config-fingerprint", "timing-json", "summary-json",
                     "manifest-json", "memory-report", "trial-offset", "trial-results",
                     "no-final-output", "verbose", "silent", "pretty", "plot"), "Output"),
}

#: The official value types that the parser's types do not tell apart.
_VALUE_TYPES = {"teleportation-probability": "probability",
                "multilayer-relax-rate": "probability", "output": "list",
                "flow-model": "option", "completion": "option", "num-threads": "string",
                "threads": "string", "out-name": "string"}
_SHORT_TYPES = {"integer": "n", "number": "f", "probability": "P", "path": "p",
                "string": "s", "list": "l", "option": "o"}
#: Defaults that the parser resolves after parsing (or leaves unset to tell
#: "not given" from a value the official refuses, as a depth of 0, or from
#: a default that depends on the objective, as the number of random moves).
_SHOWN_DEFAULTS = {"num-trials": 1, "preferred-number-of-levels": 0, "num-random-moves": 5}
_GROUP_ORDER = ("About", "Input", "Algorithm", "Accuracy", "Output")
#: Options that the official JSON leaves out (help about the help itself).
_NOT_PARAMETERS = frozenset({"completion", "print-json-parameters", "include-self-links",
                             "pretty"})


def _names(action: argparse.Action) -> tuple[str, str]:
    """The long option name (without dashes) and the short option (or '')."""
    long = next((s for s in action.option_strings if s.startswith("--")), "")
    short = next((s for s in action.option_strings if not s.startswith("--")), "")
    return long[2:], short


def _takes_value(action: argparse.Action) -> bool:
    return action.nargs != 0 and not isinstance(
        action, (argparse._CountAction, argparse._VersionAction))


def _value_type(action: argparse.Action, name: str) -> str:
    if name in _VALUE_TYPES:
        return _VALUE_TYPES[name]
    if action.type is int:
        return "integer"
    if action.type is float:
        return "number"
    if action.choices:
        return "option"
    return "path"


def _default_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _options(actions: Iterable[argparse.Action]) -> list[argparse.Action]:
    return [a for a in actions if a.option_strings and _names(a)[0]]


def parameters_json(actions: Iterable[argparse.Action], basic: frozenset,
                    formats: Iterable[str] = ()) -> dict:
    """Return the options as the official ``--print-json-parameters`` lists
    its parameters.

    Parameters
    ----------
    actions : iterable of argparse.Action
        The parser's options.
    basic : frozenset of str
        The ``dest`` names of the options that ``-h`` shows (the rest are
        advanced).
    formats : iterable of str
        The output formats, the choices of ``--output``.

    Returns
    -------
    dict
        ``{"parameters": [...]}``, one object per option with the official
        keys ``long``, ``short``, ``description``, ``group``, ``required``
        (whether it takes a value), ``advanced``, ``incremental``,
        ``default`` and, for an option with a value, ``longType``,
        ``shortType`` and ``choices``.
    """
    parameters = []
    for action in _options(actions):
        name, short = _names(action)
        if name in _NOT_PARAMETERS:
            continue
        takes = _takes_value(action)
        entry: dict[str, Any] = {
            "long": f"--{name}", "short": short,
            "description": (action.help or "").replace("%%", "%"),
            "group": OFFICIAL_GROUPS.get(name, "Output"), "required": takes,
            "advanced": action.dest not in basic,
            "incremental": isinstance(action, argparse._CountAction),
            "default": (_default_text(_SHOWN_DEFAULTS.get(name, action.default)) if takes
                        else False),
        }
        if name == "help":
            entry["incremental"] = True
        if takes:
            kind = _value_type(action, name)
            entry.update(longType=kind, shortType=_SHORT_TYPES[kind])
            choices = list(formats) if name == "output" else action.choices
            if choices:
                entry["choices"] = list(choices)
        parameters.append(entry)
        for alias in action.option_strings:
            if alias.startswith("--") and alias != f"--{name}":
                # An alias is a parameter of its own in the official's list.
                parameters.append({**entry, "long": alias, "short": "",
                                   "description": f"Alias for --{name}."})
    parameters.sort(key=lambda entry: _GROUP_ORDER.index(entry["group"]))
    return {"parameters": parameters}


def completion_script(actions: Iterable[argparse.Action], shell: str,
                      formats: Iterable[str]) -> str:
    """Return a shell completion script for ``infomap-py``.

    Parameters
    ----------
    actions : iterable of argparse.Action
        The parser's options.
    shell : {"bash", "zsh"}
        The shell the script is for.
    formats : iterable of str
        The output formats, offered after ``-o``.

    Returns
    -------
    str
        A script to ``source`` (bash) or to put on ``$fpath`` as
        ``_infomap-py`` (zsh): option names after ``-``, the choices of an
        option with choices, files for file options and else the network
        file first and the output directory second.
    """
    options = _options(actions)
    formats = list(formats)
    valued = [s for a in options if _takes_value(a) for s in a.option_strings]
    words = [s for a in options for s in a.option_strings]
    choices = {a: list(a.choices) for a in options if a.choices}
    files = [s for a in options if _takes_value(a) and not a.choices
             and _value_type(a, _names(a)[0]) == "path" for s in a.option_strings]
    if shell == "bash":
        lines = [
            "# bash completion for infomap-py",
            "_infomap_py_completion()",
            "{",
            '  local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}"',
            "  local i count=0",
            "  COMPREPLY=()",
            '  case "$prev" in',
            *(f'    {"|".join(a.option_strings)}) COMPREPLY=( $(compgen -W '
              f'"{" ".join(c)}" -- "$cur") ); return ;;' for a, c in choices.items()),
            f'    -o|--output) COMPREPLY=( $(compgen -W "{" ".join(formats)}" -- "$cur") ); '
            "return ;;",
            f'    {"|".join(files)}) COMPREPLY=( $(compgen -f -- "$cur") ); return ;;',
            f'    {"|".join(s for s in valued if s not in files and s not in ("-o", "--output") and not any(s in a.option_strings for a in choices))}) return ;;',  # noqa: E501
            "  esac",
            '  if [[ "$cur" == -* ]]; then',
            f'    COMPREPLY=( $(compgen -W "{" ".join(words)}" -- "$cur") ); return',
            "  fi",
            "  for ((i = 1; i < COMP_CWORD; ++i)); do",
            '    case "${COMP_WORDS[i]}" in',
            f'      {"|".join(valued)}) ((++i)) ;;',
            "      -*) ;;",
            "      *) ((++count)) ;;",
            "    esac",
            "  done",
            '  if [[ $count -ge 1 ]]; then COMPREPLY=( $(compgen -d -- "$cur") ); '
            'else COMPREPLY=( $(compgen -f -- "$cur") ); fi',
            "}",
            "complete -F _infomap_py_completion infomap-py",
        ]
        return "\n".join(lines) + "\n"
    if shell != "zsh":
        raise ValueError(f"shell must be 'bash' or 'zsh', got {shell!r}")

    def spec(action: argparse.Action) -> str:
        text = (action.help or "").replace("%%", "%")
        for char in "[]:'\\":
            text = text.replace(char, " ")
        name = _names(action)[0]
        value = ""
        if _takes_value(action):
            if action.choices:
                value = f":{name}:({' '.join(action.choices)})"
            elif name == "output":
                value = f":formats:({' '.join(formats)})"
            elif _value_type(action, name) == "path":
                value = f":{name}:_files"
            else:
                value = f":{name}:"
        repeat = "*" if isinstance(action, argparse._CountAction) else ""
        if len(action.option_strings) == 1:
            return f"    {shlex.quote(f'{repeat}{action.option_strings[0]}[{text}]{value}')} \\"
        names = " ".join(action.option_strings)
        group = f"({names})" if not repeat else ""
        return (f"    {shlex.quote(group)}{repeat}{{{','.join(action.option_strings)}}}"
                f"{shlex.quote(f'[{text}]{value}')} \\")

    lines = ["#compdef infomap-py", "", "_infomap_py() {", "  _arguments -s \\",
             *(spec(a) for a in options),
             "    '1:network file:_files' \\", "    '2:output directory:_files -/'",
             "}", "", '_infomap_py "$@"']
    return "\n".join(lines) + "\n"
