"""The packaging metadata: license file, py.typed, classifiers."""

import re
from pathlib import Path

import pytest

try:
    import tomllib
except ImportError:  # Python 3.10
    tomllib = pytest.importorskip("tomli", reason="Python 3.10 without tomli reads no TOML")

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PROJECT = PYPROJECT["project"]


def test_license_file_exists_and_is_listed():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License") and "infomap-py developers" in text
    assert PROJECT["license"] == "MIT"
    assert PROJECT["license-files"] == ["LICENSE"]


def test_py_typed_ships_with_the_package():
    assert (ROOT / "infomap_py" / "py.typed").is_file()
    assert "py.typed" in PYPROJECT["tool"]["setuptools"]["package-data"]["infomap_py"]


def test_classifiers_parse_and_match_requires_python():
    classifiers = PROJECT["classifiers"]
    assert all(re.fullmatch(r"[A-Z][^:]*( :: [^:]+)+", c) for c in classifiers), classifiers
    assert "Typing :: Typed" in classifiers
    # A license expression and a License classifier together are refused by setuptools.
    assert not any(c.startswith("License ::") for c in classifiers)
    minimum = tuple(int(p) for p in PROJECT["requires-python"].removeprefix(">=").split("."))
    versions = [tuple(int(p) for p in c.rsplit(" :: ", 1)[1].split("."))
                for c in classifiers if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)]
    assert versions and min(versions) == minimum


def test_conftest_is_not_inside_an_installed_package():
    assert not (ROOT / "neural" / "conftest.py").exists()
    assert not (ROOT / "infomap_py" / "conftest.py").exists()


def test_changelog_and_gitignore():
    assert "## [Unreleased]" in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "out/" in (ROOT / ".gitignore").read_text(encoding="utf-8").split()
