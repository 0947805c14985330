"""The preview's rendering follows the widget's: paragraphs, bold, safe links only, everything else escaped."""

from __future__ import annotations

from assistant.console.preview import rich_text
from assistant.console.security import Sessions


def test_paragraphs_bold_and_line_breaks():
    assert (
        str(rich_text("**Call now.**\nToday.\n\nSecond")) == "<p><strong>Call now.</strong><br>Today.</p><p>Second</p>"
    )


def test_only_safe_links_become_links_and_markup_is_escaped():
    html = str(rich_text("[x](javascript:alert(1)) [NHS](https://www.nhs.uk) <script>bad()</script> call 999"))
    assert '<a href="javascript' not in html and "[x](javascript:alert(1))" in html
    assert '<a href="https://www.nhs.uk">NHS</a>' in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<a href="tel:999">999</a>' in html


def test_idle_sessions_are_forgotten_when_a_new_one_starts():
    now = [0.0]
    sessions = Sessions(clock=lambda: now[0])
    old = sessions.start("edna", "editor")
    now[0] += 31 * 60
    sessions.start("rita", "clinical reviewer")
    assert old not in sessions._sessions
