"""Every file the running servers watch follows ``served_content_dir`` together, or none does."""

from __future__ import annotations

from assistant.content import CONTACTS_PATH, NLU_DIR, RESPONSES_DIR, SOURCES_PATH, SYSTEM_MESSAGES_PATH, served
from assistant.content.catalogue import live_responses_dir
from assistant.content.contacts import contacts_path
from assistant.content.system_messages import _system_texts, system_texts
from assistant.nlu.question_matcher import QuestionMatcher
from tests.conftest import CONTACTS_FIXTURE, PROJECT_ROOT


def matcher_folder():
    return QuestionMatcher({"examples_dir": "data/nlu"}, None, None).examples_dir()


def test_without_a_served_folder_the_repository_and_the_settings_are_read(configure):
    configure(served_content_dir=None)
    assert served(SOURCES_PATH) == SOURCES_PATH
    assert contacts_path() == CONTACTS_FIXTURE  # the setting (unit tests' made-up contacts)
    assert live_responses_dir() == RESPONSES_DIR
    assert live_responses_dir("elsewhere/answers") == PROJECT_ROOT / "elsewhere" / "answers"
    assert str(matcher_folder()) == "data/nlu"


def test_with_a_served_folder_every_watched_file_is_read_from_it(configure, tmp_path):
    configure(served_content_dir=tmp_path)
    assert contacts_path() == tmp_path / "content" / "contacts.yml" == served(CONTACTS_PATH)
    assert live_responses_dir() == live_responses_dir("elsewhere") == tmp_path / "data" / "responses"
    assert served(SYSTEM_MESSAGES_PATH) == tmp_path / "content" / "system_messages.yml"
    assert matcher_folder() == tmp_path / NLU_DIR.relative_to(PROJECT_ROOT)
    _system_texts.cache_clear()
    (tmp_path / "content").mkdir()
    for path in (CONTACTS_PATH, SYSTEM_MESSAGES_PATH):
        (tmp_path / "content" / path.name).write_bytes(path.read_bytes())
    try:
        texts = system_texts()
        assert texts.contacts.source == tmp_path / "content" / "contacts.yml"
        assert texts.responses.source == tmp_path / "content" / "system_messages.yml"
    finally:
        _system_texts.cache_clear()
