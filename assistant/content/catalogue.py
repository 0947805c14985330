"""Read the answer catalogue as staff wrote it: answers, example questions and conversation tests, with lines.

Why one module: the content check, the sign-off report and the running assistant (which serves edited
wording without retraining) must read the same files the same way. Staff edit Rasa's own files, one
place per answer (``docs/staff-guide.md``):

- ``data/responses/<topic>.yml``: the answer text and its ``metadata`` (answer_id, source, review_by…);
- ``data/nlu/<topic>.yml``: the example questions under ``- intent: <topic>/<name>``;
- ``tests/test_*.yml``: conversation tests, each a wording that is not among the examples.

The other patient-facing texts are read here too, each kind from its one home: domain responses
(``domain.yml``), the texts the assistant adds itself (``content/system_messages.yml``), the other-language
notices (``content/other_languages.yml``), the website widget's texts (``content/widget_texts.yml``) and the
demo web pages (``web/site/*.html``, their record on the first line: :mod:`assistant.content.site_pages`).

Files are parsed with ``ruamel.yaml`` (the parser Rasa itself uses) so every finding can name the file
and line a nurse should open. A file that cannot be parsed is reported, never raised.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Tuple

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import YAMLError

from assistant.content import (  # noqa: F401 (the catalogue's files, named where they are used)
    DOMAIN_PATH,
    NLU_DIR,
    OTHER_LANGUAGES_PATH,
    RESPONSES_DIR,
    ROOT,
    SOURCES_PATH,
    SYSTEM_MESSAGES_PATH,
    TESTS_DIR,
    WIDGET_TEXTS_PATH,
    served,
)
from assistant.content.site_pages import SITE_DIR, PageError, read_page, site_pages, visible_text
from assistant.content.watched import yaml_files
from assistant.settings import settings

UTTER_PREFIX = "utter_"
METADATA_FIELDS = ("answer_id", "topic", "question", "source", "checked", "reviewer", "approved", "review_by")
# Every other patient-facing text (domain responses, system messages) carries the governance part of it.
TEXT_METADATA_FIELDS = ("source", "checked", "reviewer", "approved", "review_by")
ANSWER, RESPONSE, SYSTEM_MESSAGE, TRANSLATION = "answer", "response", "system message", "translation"
WIDGET_TEXT, PAGE = "widget text", "web page"
# How the widget's texts and the pages are named among the other texts ("widget:greeting", "page:index.html").
WIDGET_PREFIX, PAGE_PREFIX = "widget:", "page:"
_EXAMPLE_LINE = re.compile(r"^\s*-\s+(.*\S)\s*$")


@dataclass(frozen=True)
class FileError:
    """A content file that could not be read at all (usually a YAML indentation or quote mistake)."""

    path: Path
    line: int
    message: str


@dataclass
class Answer:
    """One approved answer (a Rasa retrieval response ``utter_<topic>/<name>``), where staff wrote it."""

    key: str  # "cart/what_is"
    path: Path
    line: int  # 1-based line of "utter_cart/what_is:"
    response: Dict[str, Any]  # the first variation, as plain Python data (what the assistant sends)
    field_lines: Dict[str, int] = field(default_factory=dict)  # "text", "metadata.review_by", … → line
    variations: int = 1
    kind: str = ANSWER  # ANSWER (the catalogue), RESPONSE, SYSTEM_MESSAGE, TRANSLATION, WIDGET_TEXT or PAGE

    @property
    def topic(self) -> str:
        return self.key.split("/", 1)[0]

    @property
    def text(self) -> str:
        return str(self.response.get("text") or "")

    @property
    def metadata(self) -> Dict[str, Any]:
        meta = self.response.get("metadata")
        return meta if isinstance(meta, dict) else {}

    def line_of(self, name: str) -> int:
        """The line of a field (``"text"``, ``"metadata.review_by"``), or of the answer when absent."""
        return self.field_lines.get(name, self.line)


@dataclass(frozen=True)
class Source:
    """One source an answer may cite (``content/sources.yml``): patients see its title, with a link."""

    url: str
    title: str
    publisher: str
    published: str  # the date on the page, or "" when it shows none
    checked: str


@dataclass(frozen=True)
class Example:
    """One example question under an answer in ``data/nlu``."""

    key: str
    text: str
    path: Path
    line: int


@dataclass(frozen=True)
class ConversationTest:
    """One step of a conversation test that expects a given answer."""

    key: str
    text: str
    path: Path
    line: int


@dataclass
class Catalogue:
    """Everything staff edit about the answers, plus the files that could not be read."""

    answers: Dict[str, Answer] = field(default_factory=dict)
    texts: Dict[str, Answer] = field(default_factory=dict)  # every other patient-facing text, by name
    sources: Dict[str, Source] = field(default_factory=dict)  # by URL
    examples: List[Example] = field(default_factory=list)
    tests: List[ConversationTest] = field(default_factory=list)
    file_errors: List[FileError] = field(default_factory=list)

    def examples_for(self, key: str) -> List[Example]:
        return [e for e in self.examples if e.key == key]

    def tests_for(self, key: str) -> List[ConversationTest]:
        return [t for t in self.tests if t.key == key]


def plain(value: Any) -> Any:
    """ruamel's commented maps and sequences as ordinary dicts and lists (what Rasa's NLG expects)."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, (dt.date, bool, int, float)) or value is None:
        return value
    return str(value)


def _line(node: Any, key: Optional[str] = None) -> int:
    try:
        return (node.lc.key(key)[0] if key is not None else node.lc.line) + 1
    except (AttributeError, KeyError, TypeError):
        return 0


def read_yaml(path: Path) -> Tuple[Any, Optional[FileError]]:
    """Parse one file with line information, or say in plain words why it cannot be read."""
    try:
        return YAML(typ="rt").load(path.read_text(encoding="utf-8")), None
    except YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line = mark.line + 1 if mark is not None else 0
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        return None, FileError(
            path, line, f"the file cannot be read ({problem}); check the indentation and quotes near this line"
        )
    except (OSError, UnicodeDecodeError) as error:
        return None, FileError(path, 0, f"the file cannot be opened: {error}")


def live_responses_dir(configured: Optional[str] = None) -> Path:
    """The folder the running assistant serves answers from: the published answers when the servers serve a
    publication (``served_content_dir``), else ``responses_dir`` under ``nlg:`` in ``endpoints.yml``, else
    ``responses_dir`` in ``assistant/settings.py`` (``data/responses``)."""
    if not configured:
        return served(RESPONSES_DIR, settings().responses_dir)
    path = Path(configured)
    return served(RESPONSES_DIR, path if path.is_absolute() else ROOT / path)


def read_answers(path: Path, kind: str = ANSWER) -> Tuple[List[Answer], Optional[FileError]]:
    """The responses of one file: catalogue answers (``utter_<topic>/<name>``, named ``<topic>/<name>``),
    domain responses (``utter_greet``), system messages (any name) or the widget's texts (``widget:<name>``),
    as ``kind`` says."""
    data, error = read_yaml(path)
    if error is not None:
        return [], error
    responses = data.get("responses") if isinstance(data, dict) else None
    if not isinstance(responses, dict):
        return [], None
    answers = []
    for name, variations in responses.items():
        name = str(name)
        if kind == ANSWER and (not name.startswith(UTTER_PREFIX) or "/" not in name):
            continue
        if kind == RESPONSE and "/" in name:
            continue
        key = name[len(UTTER_PREFIX) :] if kind == ANSWER else WIDGET_PREFIX + name if kind == WIDGET_TEXT else name
        first = variations[0] if isinstance(variations, list) and variations else {}
        answer = Answer(
            key,
            path,
            _line(responses, name),
            plain(first) if isinstance(first, dict) else {},
            variations=len(variations) if isinstance(variations, list) else 0,
            kind=kind,
        )
        if isinstance(first, dict):
            answer.field_lines = _field_lines(first)
        answers.append(answer)
    return answers, None


def _field_lines(entry: Dict[Any, Any]) -> Dict[str, int]:
    """The line of each field of a text and of its metadata (``metadata.source``), for messages to staff."""
    lines = {str(k): _line(entry, k) for k in entry}
    meta = entry.get("metadata")
    if isinstance(meta, dict):
        lines.update({f"metadata.{k}": _line(meta, k) for k in meta})
    return lines


def read_translations(path: Path) -> Tuple[List[Answer], Optional[FileError]]:
    """The other-language notices (``content/other_languages.yml``), one per language.

    Each is named ``other_language:<code>``."""
    data, error = read_yaml(path)
    if error is not None:
        return [], error
    languages = data.get("languages") if isinstance(data, dict) else None
    texts = []
    for code, entry in (languages or {}).items() if isinstance(languages, dict) else []:
        if not isinstance(entry, dict):
            continue
        text = Answer(f"other_language:{code}", path, _line(languages, code), plain(entry), kind=TRANSLATION)
        text.field_lines = _field_lines(entry)
        texts.append(text)
    return texts, None


def read_pages(site_dir: Path) -> Tuple[List[Answer], List[FileError]]:
    """The demo web pages and their frame, each named ``page:<file>``: its record (first line) as metadata and
    its words as a patient reads them as text."""
    pages, errors = [], []
    for path in site_pages(site_dir):
        try:
            page = read_page(path)
        except PageError as error:
            errors.append(FileError(path, 1, str(error)))
            continue
        response = {"text": visible_text(page.body), "metadata": page.record}
        text = Answer(PAGE_PREFIX + page.name, path, 1, response, kind=PAGE)
        text.field_lines = {name: 1 for name in ("text", "metadata", *(f"metadata.{k}" for k in page.record))}
        pages.append(text)
    return pages, errors


def read_sources(path: Path = SOURCES_PATH) -> Tuple[Dict[str, Source], Optional[FileError]]:
    """The sources list (``content/sources.yml``), by URL."""
    data, error = read_yaml(path)
    if error is not None:
        return {}, error
    sources: Dict[str, Source] = {}
    for item in (data or {}).get("sources") or [] if isinstance(data, dict) else []:
        if isinstance(item, dict) and item.get("url"):
            sources[str(item["url"]).strip()] = Source(
                str(item["url"]).strip(),
                str(item.get("title") or "").strip(),
                str(item.get("publisher") or "").strip(),
                str(item.get("published") or "").strip(),
                str(item.get("checked") or "").strip(),
            )
    return sources, None


def source_items(metadata: Dict[str, Any]) -> List[str]:
    """The sources an answer cites: its ``source`` metadata, separated by " ; "."""
    return [item.strip() for item in str(metadata.get("source") or "").split(";") if item.strip()]


def read_examples(path: Path) -> Tuple[List[Example], Optional[FileError]]:
    """Example questions of the catalogue answers (intents ``<topic>/<name>``) in one NLU file."""
    data, error = read_yaml(path)
    if error is not None:
        return [], error
    lines = path.read_text(encoding="utf-8").splitlines()
    examples = []
    for item in (data or {}).get("nlu") or [] if isinstance(data, dict) else []:
        if not isinstance(item, CommentedMap) or "/" not in str(item.get("intent", "")):
            continue
        key = str(item["intent"])
        first = item.lc.value("examples")[0] + 1  # the line after "examples: |"
        wanted = [e for e in (_EXAMPLE_LINE.match(x) for x in str(item.get("examples") or "").splitlines()) if e]
        for number in range(first, len(lines)):
            if not wanted:
                break
            match = _EXAMPLE_LINE.match(lines[number])
            if match and match.group(1) == wanted[0].group(1):
                examples.append(Example(key, wanted.pop(0).group(1), path, number + 1))
    return examples, None


def read_tests(path: Path) -> Tuple[List[ConversationTest], Optional[FileError]]:
    """The user turns of conversation tests that name a catalogue answer (``intent: <topic>/<name>``)."""
    data, error = read_yaml(path)
    if error is not None:
        return [], error
    tests = []
    for story in (data.get("stories") or []) if isinstance(data, dict) else []:
        for step in story.get("steps") or [] if isinstance(story, dict) else []:
            if isinstance(step, dict) and "/" in str(step.get("intent", "")):
                tests.append(
                    ConversationTest(str(step["intent"]), str(step.get("user") or "").strip(), path, _line(step))
                )
    return tests, None


def _collect(paths: Iterable[Path], reader, into: List[Any], errors: List[FileError]) -> None:
    for path in paths:
        items, error = reader(path)
        into.extend(items)
        if error is not None:
            errors.append(error)


def load_catalogue(
    responses_dir: Path = RESPONSES_DIR,
    nlu_dir: Path = NLU_DIR,
    tests_dir: Path = TESTS_DIR,
    domain_path: Optional[Path] = DOMAIN_PATH,
    system_messages_path: Optional[Path] = SYSTEM_MESSAGES_PATH,
    sources_path: Optional[Path] = SOURCES_PATH,
    other_languages_path: Optional[Path] = OTHER_LANGUAGES_PATH,
    widget_texts_path: Optional[Path] = WIDGET_TEXTS_PATH,
    site_dir: Optional[Path] = SITE_DIR,
) -> Catalogue:
    """Read every answer, patient-facing text, source, example question and conversation test."""
    catalogue = Catalogue()
    answers: List[Answer] = []
    _collect(yaml_files(responses_dir), read_answers, answers, catalogue.file_errors)
    for answer in answers:
        catalogue.answers.setdefault(answer.key, answer)
    texts: List[Answer] = []
    for path, kind in (
        (domain_path, RESPONSE),
        (system_messages_path, SYSTEM_MESSAGE),
        (widget_texts_path, WIDGET_TEXT),
    ):
        if path is not None:
            _collect([path], lambda p, k=kind: read_answers(p, k), texts, catalogue.file_errors)
    if other_languages_path is not None:
        _collect([other_languages_path], read_translations, texts, catalogue.file_errors)
    if site_dir is not None:
        pages, errors = read_pages(site_dir)
        texts.extend(pages)
        catalogue.file_errors.extend(errors)
    catalogue.texts = {text.key: text for text in texts}
    if sources_path is not None:
        catalogue.sources, error = read_sources(sources_path)
        if error is not None:
            catalogue.file_errors.append(error)
    _collect(yaml_files(nlu_dir), read_examples, catalogue.examples, catalogue.file_errors)
    _collect(sorted(tests_dir.glob("test_*.yml")), read_tests, catalogue.tests, catalogue.file_errors)
    return catalogue
