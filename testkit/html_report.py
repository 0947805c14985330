"""The HTML report of a scenario run: a transcript per scenario, failing expectations highlighted.

Why HTML: testers read conversations, not stack traces. The page is self-contained (styles inline,
no scripts, no CDN) so it opens from disk or a CI artefact. Templates live in ``testkit/templates``
(Jinja2, already installed with Rasa and spaCy); ``overview`` uses the same environment.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import Dict, List, Sequence

import jinja2
from markupsafe import Markup, escape

from testkit.loader import _display
from testkit.runner import FAILED, KNOWN_ISSUE, ScenarioResult, answer_ids, contact_cards
from testkit.summary import Summary

TEMPLATES = Path(__file__).resolve().parent / "templates"
_BOLD = re.compile(r"\*\*(.+?)\*\*", re.DOTALL)


def patient_text(text: str) -> Markup:
    """Bot text as the widget shows it: escaped, **bold** as bold, paragraphs and line breaks kept."""
    html = _BOLD.sub(r"<strong>\1</strong>", str(escape(text or "")))
    return Markup(html.replace("\n", "<br>"))


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["patient_text"] = patient_text
    env.globals.update(answer_ids=answer_ids, contact_cards=contact_cards, display_path=_display)
    return env


def write_html(results: Sequence[ScenarioResult], summary: Summary, path: Path) -> None:
    suites: Dict[str, List[ScenarioResult]] = defaultdict(list)
    for result in results:
        suites[result.scenario.suite].append(result)
    failures = [r for r in results if r.status == FAILED]
    known = [r for r in results if r.status == KNOWN_ISSUE]
    page = (
        environment()
        .get_template("e2e_report.html.j2")
        .render(summary=summary, suites=dict(suites), failures=failures, known=known, total=len(results))
    )
    path.write_text(page, encoding="utf-8")
