"""The README stays a two-minute read, and every document it points to exists."""

from __future__ import annotations

import re

from tests.conftest import PROJECT_ROOT

README = PROJECT_ROOT / "README.md"


def test_the_readme_is_short_and_keeps_figures_in_docs():
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 120, f"README.md has {len(lines)} lines: move the detail to docs/"
    dated = [line for line in lines if re.search(r"\b20\d\d-\d\d-\d\d\b|\b\d+ (?:November|December) 20\d\d\b", line)]
    assert dated == [], "dated figures belong in docs/, each in one place"


def test_every_link_in_the_readme_and_docs_leads_to_a_file():
    broken = []
    for document in [README, *sorted((PROJECT_ROOT / "docs").glob("*.md"))]:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", document.read_text(encoding="utf-8")):
            if "://" not in target and not (document.parent / target).exists():
                broken.append(f"{document.relative_to(PROJECT_ROOT)} -> {target}")
    assert broken == []
