"""infomap-py -hh lists every official Infomap 2.16 option (``infomap -hh``,
the oracle) that is built here, the README's "Official options" table has
a row for each with its status and a reason for each one not built, and
-h shows the official's basic set."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from infomap_py.cli import main

README = Path(__file__).resolve().parents[1] / "README.md"
STATUSES = ("built", "differs: ", "not built: ")

if shutil.which("infomap") is None:  # pragma: no cover - the oracle is a test dependency
    pytest.skip("the official infomap command is not installed", allow_module_level=True)


def official_options(level: str) -> set[str]:
    """The long options that the official ``infomap -h`` or ``-hh`` lists."""
    text = subprocess.run(["infomap", level], capture_output=True, text=True,
                          timeout=60).stdout
    return set(re.findall(r"^\s+(?:-\S+\s+)?(--[a-z0-9-]+)", text, re.M))


def our_options(level: str, capsys) -> set[str]:
    assert main([level]) == 0
    names = set()
    for line in capsys.readouterr().out.splitlines():
        if re.match(r"^\s{2}-", line):  # an option's line: names, then its help
            names.update(re.findall(r"--[a-z0-9-]+", re.split(r"\s{2,}", line.strip())[0]))
    return names


def readme_table() -> dict[str, str]:
    """``{long option: status}`` from the README's "Official options" table."""
    text = README.read_text()
    section = text.split("### Official options", 1)[1].split("\n#", 1)[0]
    table = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 2 or not line.startswith("| `"):
            continue
        names = re.findall(r"--[a-z0-9-]+", cells[0])
        assert len(names) == 1, line
        assert names[0] not in table, f"two rows for {names[0]}"
        table[names[0]] = cells[1]
    return table


def test_the_official_list_is_read():
    everything = official_options("-hh")
    assert len(everything) >= 80 and {"--converge", "--trial-results"} <= everything


def test_every_official_option_is_built_or_has_a_reason(capsys):
    everything = official_options("-hh")
    ours = our_options("-hh", capsys)
    table = readme_table()
    assert set(table) == everything, "the README table has one row per official option"
    for name, status in table.items():
        assert status.startswith(STATUSES), (name, status)
        if status.startswith(("built", "differs: ")):
            assert name in ours, f"{name} is marked built but infomap-py -hh lacks it"
        elif status.startswith("not built: "):
            assert len(status) > len("not built: ") + 10, f"{name}: give a reason"
            assert name not in ours
    missing = everything - ours
    assert all(table[name].startswith("not built: ") for name in missing), \
        sorted(missing)


def test_h_shows_the_officials_basic_options(capsys):
    basic, everything = official_options("-h"), official_options("-hh")
    ours = our_options("-h", capsys)
    assert basic <= ours
    assert not (ours & (everything - basic)), "-h shows an official advanced option"
