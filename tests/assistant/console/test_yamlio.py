"""The round trip keeps every content file as the digital team wrote it."""

from __future__ import annotations

import pytest

from assistant.console import yamlio
from tests.conftest import PROJECT_ROOT

FILES = sorted(
    [
        *PROJECT_ROOT.glob("data/responses/*.yml"),
        *PROJECT_ROOT.glob("data/nlu/*.yml"),
        *(PROJECT_ROOT / "content" / name for name in ("system_messages.yml", "other_languages.yml")),
        *(PROJECT_ROOT / "content" / name for name in ("widget_texts.yml", "sources.yml")),
        PROJECT_ROOT / "domain.yml",
    ]
)


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(PROJECT_ROOT)))
def test_every_file_the_console_writes_loads_and_dumps_unchanged(path):
    text = path.read_text(encoding="utf-8")
    assert yamlio.dumps(yamlio.load(path)) == text


def test_a_changed_text_keeps_the_comment_above_it_and_its_quotes(tmp_path):
    path = tmp_path / "answers.yml"
    path.write_text(
        '# header comment\nresponses:\n  # about the answer\n  utter_a/b:\n  - text: "Old.\\n\\nSecond."\n'
        "    metadata:\n      source: 'x'  # trailing comment\n",
        encoding="utf-8",
    )
    data = yamlio.load(path)
    data["responses"]["utter_a/b"][0]["text"] = yamlio.quoted("New.\n\nSecond, longer " + "words " * 40)
    yamlio.write(path, data)
    written = path.read_text(encoding="utf-8")
    assert written.startswith("# header comment\nresponses:\n  # about the answer\n")
    assert '  - text: "New.\\n\\nSecond, longer words' in written and written.count("\n") == 7  # never folded
    assert "source: 'x'  # trailing comment" in written
    assert not list(tmp_path.glob(".*.tmp"))  # the temporary file was renamed over the old one
