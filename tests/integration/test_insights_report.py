"""Given real conversations with the running assistant, `make insights` counts what it could not answer."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
import uuid

import pytest

from assistant.console.texts import Workspace
from assistant.content import ROOT

pytestmark = pytest.mark.integration

CONVERSATIONS = {
    "out of scope": ["what's the weather like tomorrow", "what's the weather like tomorrow?"],
    "advice refused": ["should i stop taking my tablets"],
    "handoff": ["my name is Susan Clarke, i'd like to speak to a real person"],
    "answered": ["what is car t cell therapy"],
}


def test_insights_groups_counts_and_redacts_real_conversations(assistant, tmp_path):
    run = uuid.uuid4().hex[:8]
    replies = {}
    for category, messages in CONVERSATIONS.items():
        for number, message in enumerate(messages):
            replies[message] = assistant.say(f"insights-{run}-{category[:3]}-{number}", message)
            assert replies[message]
    # The patient who got an answer rates it "No", with a reason: the same answer id and version the NLG gave.
    shown = next(
        r["metadata"] for r in replies["what is car t cell therapy"] if (r.get("metadata") or {}).get("version")
    )
    answer, version = shown["answer_id"], shown["version"]
    assert Workspace().text(answer).version == version  # the console marks this version "live now"
    for choice in ('"helpful": false', '"reason": "did_not_answer"'):
        rating = f'/feedback{{"answer_id": "{answer}", "version": "{version}", {choice}}}'
        assert assistant.say(f"insights-{run}-ans-0", rating)[0]["metadata"] == {"answer_id": "feedback_recorded"}

    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "assistant.staff.insights",
            "--endpoints",
            str(assistant.endpoints),  # the project's file, reading this instance's VAR_DIR from its environment
            "--out",
            str(tmp_path),
        ],
        cwd=ROOT,
        env=assistant.env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    with (tmp_path / "insights.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))

    weather = [r for r in rows if r["category"] == "out of scope" and "weather" in r["question"]]
    assert weather and int(weather[0]["asked"]) >= 2  # both wordings counted as one group
    assert any(r["category"] == "advice refused" and "tablets" in r["question"] for r in rows)
    handoff = [r for r in rows if r["category"] == "handoff" and "real person" in r["question"]]
    assert handoff and "[NAME]" in handoff[0]["question"]
    html = (tmp_path / "insights.html").read_text(encoding="utf-8")
    assert "Susan" not in html and "Clarke" not in html
    assert not any("what is car t cell therapy" == r["question"] for r in rows)
    # Shown once in that wording (this run's database may hold other runs' turns: at least once), rated No once.
    row = re.search(
        rf"<td>{re.escape(answer)}</td><td class=\"muted\">{version}</td><td>(\d+)</td><td>0</td><td>1</td>", html
    )
    assert row and int(row.group(1)) >= 1, html[html.index("Was this answer helpful?") :][:2000]
