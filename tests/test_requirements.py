"""The locks: every package pinned and hash-checked, production free of the test tools, development the same
servers' packages plus its tools, and each lock in step with the file it comes from (`make lock`)."""

from __future__ import annotations

import re
from typing import Dict, Set, Tuple

import pytest
from packaging.specifiers import SpecifierSet

from tests.conftest import PROJECT_ROOT

PRODUCTION_IN = PROJECT_ROOT / "requirements.in"
PRODUCTION_LOCK = PROJECT_ROOT / "requirements.lock"
DEVELOPMENT_IN = PROJECT_ROOT / "requirements-dev.in"
DEVELOPMENT_LOCK = PROJECT_ROOT / "requirements-dev.lock"


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_lines(path) -> list[str]:
    """The logical lines of a requirements file: continuations joined, comments dropped."""
    text = re.sub(r"\\\n", " ", path.read_text(encoding="utf-8"))
    lines = (re.sub(r"(^|\s)#.*", "", line).strip() for line in text.splitlines())
    return [line for line in lines if line]


def locked(path) -> Dict[str, Tuple[str, Set[str]]]:
    """Package -> (exact version, its SHA-256 hashes)."""
    packages = {}
    for line in requirement_lines(path):
        if line.startswith("-"):
            continue
        match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==(\S+)", line)
        assert match, f"{path.name}: not an exact pin: {line[:80]}"
        packages[canonical(match.group(1))] = (match.group(2), set(re.findall(r"--hash=sha256:([0-9a-f]{64})", line)))
    return packages


def direct(path) -> Dict[str, str]:
    """Package -> version specifier, for the requirements a .in file names itself."""
    names = {}
    for line in requirement_lines(path):
        if line.startswith("-"):
            continue
        match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*(.*)$", line)
        assert match, f"{path.name}: cannot read {line!r}"
        names[canonical(match.group(1))] = match.group(2).strip()
    return names


@pytest.mark.parametrize("lock", [PRODUCTION_LOCK, DEVELOPMENT_LOCK], ids=lambda path: path.name)
def test_every_locked_package_is_pinned_and_hashed_and_nothing_comes_from_elsewhere(lock):
    packages = locked(lock)
    assert packages, f"{lock.name} is empty"
    assert [name for name, (_, hashes) in packages.items() if not hashes] == []
    options = [line for line in requirement_lines(lock) if line.startswith("-")]
    assert options == [], "no editable, URL, index or find-links lines: pip cannot hash-check them"


@pytest.mark.parametrize(
    ("source", "lock"),
    [(PRODUCTION_IN, PRODUCTION_LOCK), (DEVELOPMENT_IN, DEVELOPMENT_LOCK)],
    ids=["production", "development"],
)
def test_each_lock_holds_what_its_source_asks_for_at_an_allowed_version(source, lock):
    packages = locked(lock)
    missing = sorted(set(direct(source)) - set(packages))
    assert missing == [], f"{source.name} names {missing}, missing from {lock.name}: run `make lock`"
    refused = [
        f"{name} {packages[name][0]} (asked {spec})"
        for name, spec in direct(source).items()
        if spec and packages[name][0] not in SpecifierSet(spec)
    ]
    assert refused == [], f"run `make lock`: {refused}"


def test_production_holds_none_of_the_test_and_lint_tools():
    tools = set(direct(DEVELOPMENT_IN)) - set(direct(PRODUCTION_IN))
    assert {"pytest", "playwright", "hypothesis", "sanic-testing", "ruff", "mypy"} <= tools
    assert sorted(tools & set(locked(PRODUCTION_LOCK))) == []
    assert "httpx" not in locked(PRODUCTION_LOCK), "httpx comes only with sanic-testing, a test tool"


def test_development_is_the_production_lock_exactly_plus_its_tools():
    assert requirement_lines(DEVELOPMENT_IN)[:2] == ["-c requirements.lock", "-r requirements.in"]
    production, development = locked(PRODUCTION_LOCK), locked(DEVELOPMENT_LOCK)
    differing = [name for name, pin in production.items() if development.get(name) != pin]
    assert differing == [], f"versions or hashes differ between the locks: run `make lock`: {differing}"
