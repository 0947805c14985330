"""The content rules: every problem in the answer catalogue and the other patient-facing texts, in plain
words, with file and line (``make check-content`` prints them: :mod:`assistant.staff.check_content`).

Why: the people who own the answers are nurses and doctors. After an edit they must know at once,
without reading a stack trace, what is wrong and where. The rules they own (reading grade, length,
allowed web sites, banned phrases) live in ``content/content_rules.yml``; contact details are checked
by :mod:`assistant.content.contacts`, the same code the servers use.

ERRORS stop publishing (``make test`` fails): an answer a patient must not see, or one the assistant
cannot use (missing or invalid metadata, review-by date passed, a link to a site not on the list, a
banned phrase, a typed phone number, an unknown ``{placeholder}``, no example questions, the same
example question under two answers, a broken file). WARNINGS are listed but do not stop anything:
reading grade above the target, too long, few example questions, no conversation test, awaiting
sign-off, contact details not yet confirmed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Protocol, Sequence
from urllib.parse import urlparse

import yaml
from ruamel.yaml.comments import CommentedMap

from assistant.content import CONTENT_RULES_PATH
from assistant.content.catalogue import (
    ANSWER,
    METADATA_FIELDS,
    PAGE,
    ROOT,
    TEXT_METADATA_FIELDS,
    TRANSLATION,
    WIDGET_PREFIX,
    WIDGET_TEXT,
    Answer,
    Catalogue,
    load_catalogue,
    read_sources,
    read_yaml,
    source_items,
)
from assistant.content.contacts import ContactsError, check_contacts_data, contacts_path, read_contacts_yaml
from assistant.content.dates import as_date, today_uk
from assistant.content.similarity import near_same, normalise, similar_pairs
from assistant.content.site_pages import as_sentences
from assistant.content.system_messages import EXTRA_VALUES, URGENT_ROUTES
from assistant.content.web_texts import page_placeholders, widget_placeholders

RULES_PATH = CONTENT_RULES_PATH
ERROR, WARNING = "error", "warning"
REVIEW_PASSED = "review-by date passed"

PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_]+)\}")
LINK = re.compile(r"\bhttps?://[^\s)\]\"'<>]+|\bwww\.[^\s)\]\"'<>]+", re.IGNORECASE)
TYPED_PHONE = re.compile(r"(?<![\d{])(?:0\d{2,4}[ ]?\d{3,4}[ ]?\d{3,4}|999|111|18001)(?![\d}])")
TYPED_EMAIL = re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b")
MARKDOWN = re.compile(r"\*\*|__|\[|\]\([^)]*\)|^\s*(?:\d+\.|[-*])\s+", re.MULTILINE)


@dataclass(frozen=True)
class Finding:
    """One problem: where it is, how serious, which answer, and what to do, in plain words."""

    path: Path
    line: int
    severity: str
    answer: str
    message: str
    kind: str = ""  # a short label shared by repeated findings ("awaiting clinical sign-off")

    def location(self) -> str:
        try:
            shown = self.path.resolve().relative_to(ROOT)
        except ValueError:
            shown = self.path
        return f"{shown}:{self.line}" if self.line else str(shown)

    def __str__(self) -> str:
        about = f" {self.answer}:" if self.answer else ""
        return f"{self.location()}: {self.severity.upper()}{about} {self.message}"


@dataclass(frozen=True)
class ContentRules:
    """The staff-owned rules of ``content/content_rules.yml``."""

    reading_grade_target: float
    grade_min_words: int
    max_words: int
    min_examples: int
    review_soon_days: int
    allowed_link_domains: Sequence[str]
    banned_phrases: Dict[str, str]

    def link_allowed(self, url: str) -> bool:
        host = (urlparse(url if "://" in url else f"https://{url}").hostname or "").lower()
        return any(host == d or host.endswith("." + d) for d in self.allowed_link_domains)


def load_rules(path: Path = RULES_PATH) -> ContentRules:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return ContentRules(
        reading_grade_target=float(data["reading_grade_target"]),
        grade_min_words=int(data["grade_min_words"]),
        max_words=int(data["max_words"]),
        min_examples=int(data["min_examples"]),
        review_soon_days=int(data["review_soon_days"]),
        allowed_link_domains=[str(d).lower().lstrip(".") for d in data["allowed_link_domains"]],
        banned_phrases={str(p["phrase"]): str(p["why"]) for p in data["banned_phrases"]},
    )


def readable_text(text: str) -> str:
    """The answer as a patient reads it: no Markdown marks, placeholders and links read as one word."""
    return PLACEHOLDER.sub("them", LINK.sub("link", MARKDOWN.sub("", text)))


def reading_grade(text: str) -> float:
    """Flesch-Kincaid grade of an answer (textstat), rounded to one decimal."""
    import textstat  # here, not at the top: the running assistant applies the rules but never grades

    return round(float(textstat.flesch_kincaid_grade(readable_text(text))), 1)


def word_count(text: str) -> int:
    return len(readable_text(text).split())


def text_grade(text: Answer, rules: ContentRules) -> Optional[float]:
    """The reading grade of an English text, or None when it means nothing: a translation, or a button or label
    of a few words ("Delete my conversation"). A web page is graded with its headings read as sentences."""
    if text.kind == TRANSLATION or word_count(text.text) < rules.grade_min_words:
        return None
    return reading_grade(as_sentences(text.text) if text.kind == PAGE else text.text)


def answer_status(answer: Answer, today: dt.date, rules: ContentRules) -> str:
    """Where an answer stands for sign-off (the report's status column)."""
    meta = answer.metadata
    review_by = as_date(meta.get("review_by"))
    if review_by is None:
        return "metadata to fix"
    if review_by < today:  # answers are then withheld; the assistant's other texts are still said
        return "review overdue (hidden)" if answer.kind == ANSWER else "review overdue (still shown)"
    if not str(meta.get("reviewer") or "").strip() or as_date(meta.get("approved")) is None:
        return "awaiting sign-off"
    if (review_by - today).days <= rules.review_soon_days:
        return "review due soon"
    return "approved"


class InAFile(Protocol):
    """An answer, example question or conversation test: what a finding is about, and where."""

    @property
    def key(self) -> str: ...

    @property
    def path(self) -> Path: ...


class ContentChecker:
    """Runs every rule over a :class:`Catalogue` and collects :class:`Finding` s."""

    def __init__(
        self, catalogue: Catalogue, rules: ContentRules, today: dt.date, contacts_file: Optional[Path] = None
    ) -> None:
        self.catalogue = catalogue
        self.rules = rules
        self.today = today
        self.contacts_file = contacts_file or contacts_path()
        self.findings: List[Finding] = []
        self.contacts: Dict[str, Dict[str, Any]] = {}

    def add(self, path: Path, line: int, severity: str, answer: str, message: str, kind: str = "") -> None:
        self.findings.append(Finding(path, line, severity, answer, message, kind or message))

    def flag(self, about: InAFile, line: int, severity: str, message: str, kind: str = "") -> None:
        """A finding about an answer (or one of its examples or tests), at ``line`` of its file."""
        self.add(about.path, line, severity, about.key, message, kind)

    def run(self) -> List[Finding]:
        for error in self.catalogue.file_errors:
            self.add(error.path, error.line, ERROR, "", error.message)
        self.check_contacts()
        for answer in self.catalogue.answers.values():
            self.check_metadata(answer)
            self.check_text(answer)
            self.check_examples_and_tests(answer)
        for text in self.catalogue.texts.values():
            self.check_governed_text(text)
        self.check_unknown_answers()
        self.check_shared_examples()
        return sorted(self.findings, key=lambda f: (str(f.path), f.line, f.severity))

    @classmethod
    def for_single_answers(cls, today: dt.date) -> "ContentChecker":
        """A checker for answers one at a time (the running assistant checks each edit it loads)."""
        checker = cls(Catalogue(sources=read_sources()[0]), load_rules(), today)
        checker.check_contacts()
        checker.findings.clear()  # the contacts file has its own check; here it only supplies placeholders
        return checker

    def answer_errors(self, answer: Answer) -> List[Finding]:
        """Errors that make one answer unfit to show. A passed review-by date is left out: the
        assistant's review guard handles that at every reply."""
        self.findings = []
        self.check_metadata(answer)
        self.check_text(answer)
        return [f for f in self.findings if f.severity == ERROR and f.kind != REVIEW_PASSED]

    # -- contacts ---------------------------------------------------------------------------------
    def check_contacts(self) -> None:
        try:
            data = read_contacts_yaml(self.contacts_file)
        except ContactsError as error:
            self.add(self.contacts_file, 0, ERROR, "", str(error))
            return
        marked, _ = read_yaml(self.contacts_file)
        entries = marked.get("contacts") if isinstance(marked, CommentedMap) else None
        if not isinstance(entries, CommentedMap):  # no line numbers to give: the messages still say where
            entries = CommentedMap()
        for problem in check_contacts_data(data):
            line = 0
            if problem.contact in entries:
                entry = entries[problem.contact]
                field_line = (
                    entry.lc.key(problem.field)[0] if problem.field in entry else entries.lc.key(problem.contact)[0]
                )
                line = field_line + 1
            self.add(
                self.contacts_file,
                line,
                problem.severity,
                "",
                f"contact '{problem.contact}': {problem.message}" if problem.contact else problem.message,
            )
        if isinstance(data, dict) and isinstance(data.get("contacts"), dict):
            self.contacts = {k: v for k, v in data["contacts"].items() if isinstance(v, dict)}

    # -- metadata and dates -----------------------------------------------------------------------
    def check_metadata(self, answer: Answer) -> None:
        key, meta = answer.key, answer.metadata
        if not meta:
            self.flag(
                answer,
                answer.line,
                ERROR,
                "has no 'metadata:' (answer_id, source, checked, reviewer, approved, review_by); "
                "copy it from another answer",
            )
            return
        for name in METADATA_FIELDS:
            if name not in meta:
                self.flag(answer, answer.line_of("metadata"), ERROR, f"the metadata has no '{name}:' line")
        if "answer_id" in meta and str(meta["answer_id"]) != key:
            self.flag(
                answer,
                answer.line_of("metadata.answer_id"),
                ERROR,
                f"answer_id is '{meta['answer_id']}' but must be '{key}' (the name after utter_)",
            )
        for name in ("topic", "question", "source"):
            if name in meta and not str(meta[name] or "").strip():
                self.flag(answer, answer.line_of(f"metadata.{name}"), ERROR, f"'{name}' is empty")
        if answer.variations > 1:
            self.flag(
                answer,
                answer.line,
                WARNING,
                f"has {answer.variations} versions of the text; patients get one at random. Keep one approved text",
            )
        self.check_dates(answer)
        self.check_sources(answer)

    def check_dates(self, answer: Answer) -> None:
        meta = answer.metadata
        dates: Dict[str, Optional[dt.date]] = {}
        for name in ("checked", "approved", "review_by"):
            raw = str(meta.get(name) or "").strip()
            date = dates[name] = as_date(raw)
            if raw and date is None:
                self.flag(
                    answer,
                    answer.line_of(f"metadata.{name}"),
                    ERROR,
                    f"'{name}: {raw}' is not a date; write it as YYYY-MM-DD, e.g. {self.today.isoformat()}",
                )
            elif date and name != "review_by" and date > self.today:
                self.flag(answer, answer.line_of(f"metadata.{name}"), ERROR, f"'{name}' is {raw}, a date in the future")
        if "checked" in meta and not str(meta.get("checked") or "").strip():
            self.flag(
                answer,
                answer.line_of("metadata.checked"),
                ERROR,
                "'checked' is empty: give the date the facts were checked against the source",
            )
        review_by = dates["review_by"]
        review_line = answer.line_of("metadata.review_by")
        if "review_by" in meta and not str(meta.get("review_by") or "").strip():
            self.flag(
                answer,
                review_line,
                ERROR,
                "'review_by' is empty: every answer needs a date by which it is checked again",
            )
        elif review_by is not None and review_by < self.today:
            hidden = (
                "the assistant no longer shows this answer to patients"
                if answer.kind == ANSWER
                else "patients still see this text, unchecked"
            )
            self.flag(
                answer,
                review_line,
                ERROR,
                f"its review-by date ({review_by.isoformat()}) has passed: {hidden}. Check it against its source, "
                "then set 'checked' and a new 'review_by'",
                kind=REVIEW_PASSED,
            )
        elif review_by is not None and (review_by - self.today).days <= self.rules.review_soon_days:
            self.flag(
                answer,
                review_line,
                WARNING,
                f"is due for review by {review_by.isoformat()} ({(review_by - self.today).days} days): "
                "after that date it is hidden from patients",
            )
        reviewer = str(meta.get("reviewer") or "").strip()
        approved_raw = str(meta.get("approved") or "").strip()
        if not reviewer and not approved_raw:
            self.flag(
                answer,
                answer.line_of("metadata.reviewer"),
                WARNING,
                "is awaiting clinical sign-off (no reviewer or approval date yet)",
                kind="awaiting clinical sign-off",
            )
        elif not reviewer or not approved_raw:
            missing = "reviewer" if not reviewer else "approved"
            self.flag(
                answer,
                answer.line_of(f"metadata.{missing}"),
                ERROR,
                "sign-off needs both the reviewer's name and the approval date",
            )
        elif dates["approved"] and dates["checked"] and dates["checked"] > dates["approved"]:
            self.flag(
                answer,
                answer.line_of("metadata.approved"),
                WARNING,
                f"was checked again on {dates['checked'].isoformat()}, after its approval on "
                f"{dates['approved'].isoformat()}: it needs signing off again",
            )

    def check_sources(self, answer: Answer) -> None:
        """Each source is a public web page listed in content/sources.yml (patients see its title as a link).
        Texts the assistant adds itself may instead name what they rest on (a file, the assistant's behaviour)."""
        line = answer.line_of("metadata.source")
        shown_to_patients = answer.kind == ANSWER or bool(answer.metadata.get("answer_id"))
        for item in source_items(answer.metadata):
            if not LINK.fullmatch(item):
                if shown_to_patients:
                    self.flag(
                        answer,
                        line,
                        ERROR,
                        f"its source '{item}' is not a web page patients can open: cite the public page instead "
                        "(listed in content/sources.yml with its title)",
                    )
                continue
            if not self.rules.link_allowed(item):
                self.flag(
                    answer,
                    line,
                    WARNING,
                    f"its source {item} is not on the list of approved web sites; cite an approved site, or ask "
                    "the clinical safety officer to add this one to content/content_rules.yml",
                    kind="source not on the approved web sites",
                )
            if item not in self.catalogue.sources:
                self.flag(
                    answer,
                    line,
                    ERROR,
                    f"its source {item} is not in content/sources.yml: add it there with its title, publisher and "
                    "date, so that patients see what it is",
                )

    def check_governed_text(self, text: Answer) -> None:
        """A text the assistant says outside the catalogue (domain response, system message): the same record
        (source, checked, reviewer, approved, review_by) and the same rules for its wording."""
        meta = text.metadata
        if not meta:
            self.flag(
                text,
                text.line,
                ERROR,
                f"has no 'metadata:' ({', '.join(TEXT_METADATA_FIELDS)}); copy it from another text",
            )
            return
        for name in TEXT_METADATA_FIELDS:
            if name not in meta:
                self.flag(text, text.line_of("metadata"), ERROR, f"the metadata has no '{name}:' line")
        if "source" in meta and not str(meta["source"] or "").strip():
            self.flag(text, text.line_of("metadata.source"), ERROR, "'source' is empty")
        self.check_dates(text)
        self.check_sources(text)
        if text.kind == TRANSLATION:
            self.check_translation(text)
        elif text.kind == WIDGET_TEXT:
            self.check_text(text, widget_placeholders(text.key[len(WIDGET_PREFIX) :]))
        elif text.kind == PAGE:  # a web page is longer than a chat message: no word limit
            self.check_text(text, page_placeholders(), word_limit=False)
        else:
            self.check_text(text, EXTRA_VALUES.get(text.key, ()))

    def check_translation(self, text: Answer) -> None:
        """A translation: its placeholders and typed contact details like any text (reading grades are for
        English), and a warning until a qualified translator has reviewed it."""
        line = text.line_of("text")
        if not text.text.strip():
            self.flag(text, line, ERROR, "has no text")
            return
        without_placeholders = PLACEHOLDER.sub(" ", text.text)
        for typed in TYPED_PHONE.findall(without_placeholders) + TYPED_EMAIL.findall(without_placeholders):
            self.flag(
                text,
                line,
                ERROR,
                f"has '{typed}' typed in; keep the placeholder such as {{hotline_phone}} from the English text",
            )
        self.check_placeholders(text)
        if str(text.metadata.get("translation") or "").strip().lower() != "reviewed":
            self.flag(
                text,
                text.line_of("metadata.translation"),
                WARNING,
                "translation awaiting review by a qualified translator (compare with the English text and the "
                "back-translation, then set translation: reviewed)",
                kind="translation awaiting review",
            )

    # -- the text ----------------------------------------------------------------------------------
    def check_text(self, answer: Answer, extra: Sequence[str] = (), word_limit: bool = True) -> None:
        text, line = answer.text, answer.line_of("text")
        if not text.strip():
            self.flag(answer, line, ERROR, "has no text")
            return
        grade = text_grade(answer, self.rules)
        if grade is not None and grade > self.rules.reading_grade_target:
            self.flag(
                answer,
                line,
                WARNING,
                f"reads at grade {grade}, above the target of {self.rules.reading_grade_target:g}: use shorter "
                "sentences and everyday words",
                kind="reading grade above the target",
            )
        words = word_count(text)
        if word_limit and words > self.rules.max_words:
            self.flag(
                answer,
                line,
                WARNING,
                f"is {words} words long; keep it to {self.rules.max_words} or fewer",
                kind="longer than the word limit",
            )
        for phrase, why in self.rules.banned_phrases.items():
            if re.search(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", text, re.IGNORECASE):
                self.flag(answer, line, ERROR, f'uses the phrase "{phrase}": {why}')
        payloads = " ".join(
            str(b.get("payload") or "") for b in answer.response.get("buttons") or [] if isinstance(b, dict)
        )
        for url in LINK.findall(f"{text} {payloads}"):
            if not self.rules.link_allowed(url):
                self.flag(
                    answer,
                    line,
                    ERROR,
                    f"links to {url}, which is not on the list of approved web sites (content/content_rules.yml)",
                )
            elif url.lower().startswith("http://"):
                self.flag(answer, line, ERROR, f"links to {url}: use the secure address (https://)")
        without_placeholders = PLACEHOLDER.sub(" ", text)
        for typed in TYPED_PHONE.findall(without_placeholders) + TYPED_EMAIL.findall(without_placeholders):
            self.flag(
                answer,
                line,
                ERROR,
                f"has '{typed}' typed in; write a placeholder such as {{hotline_phone}} "
                "so the number comes from content/contacts.yml",
            )
        self.check_placeholders(answer, extra)

    def check_placeholders(self, answer: Answer, extra: Sequence[str] = ()) -> None:
        """Every ``{placeholder}`` must be a contact detail, ``{urgent_routes}`` or one of ``extra`` (the values
        a system message is given where it is used); an unconfirmed contact's phone, email or hours must never
        be shown (patients are given its confirmed fallback, which has other details)."""
        fields = ("name", "phone", "email", "hours", "url", "how")
        if not self.contacts:
            return  # the contacts file itself is broken: reported above
        for name in dict.fromkeys(PLACEHOLDER.findall(answer.text)):
            if name == URGENT_ROUTES or name in extra:
                continue
            contact_key, _, field_name = name.rpartition("_")
            entry = self.contacts.get(contact_key)
            if entry is None or field_name not in fields:
                self.flag(
                    answer,
                    answer.line_of("text"),
                    ERROR,
                    f"uses {{{name}}}, which is not a contact detail in content/contacts.yml: patients would see "
                    f"'{{{name}}}'. Use <contact>_<{'|'.join(fields)}>, e.g. {{hotline_phone}}, or {{urgent_routes}}",
                )
            elif entry.get("confirmed") is not True and field_name in ("phone", "email", "hours"):
                self.flag(
                    answer,
                    answer.line_of("text"),
                    ERROR,
                    f"uses {{{name}}}, but '{contact_key}' is not confirmed in content/contacts.yml, so its "
                    f"{field_name} must not reach patients: use {{{contact_key}_how}} (its confirmed fallback is "
                    "given until it is confirmed)",
                )
            elif field_name in ("phone", "email", "url") and not str(entry.get(field_name) or "").strip():
                self.flag(
                    answer,
                    answer.line_of("text"),
                    ERROR,
                    f"uses {{{name}}}, but content/contacts.yml has no {field_name} for '{contact_key}'",
                )

    # -- example questions and conversation tests -------------------------------------------------
    def check_examples_and_tests(self, answer: Answer) -> None:
        key = answer.key
        examples = self.catalogue.examples_for(key)
        tests = self.catalogue.tests_for(key)
        if not examples:
            self.flag(
                answer,
                answer.line,
                ERROR,
                f"has no example questions: add at least {self.rules.min_examples} "
                f"under '- intent: {key}' in data/nlu/{answer.topic}.yml",
            )
        elif len(examples) < self.rules.min_examples:
            self.flag(
                examples[0],
                examples[0].line,
                WARNING,
                f"has only {len(examples)} example questions; "
                f"add at least {self.rules.min_examples - len(examples)} more, "
                "written the way patients and carers type",
                kind="too few example questions",
            )
        if not tests:
            self.flag(
                answer,
                answer.line,
                WARNING,
                "has no conversation test: add one to tests/test_catalogue.yml with a wording that is not an example",
                kind="no conversation test",
            )
        wordings = {normalise(e.text) for e in examples}
        if tests and all(normalise(t.text) in wordings for t in tests):
            self.flag(
                tests[0],
                tests[0].line,
                WARNING,
                "its conversation tests only use wordings that are already example questions; add one to "
                "tests/test_catalogue.yml with a new wording",
                kind="tested only with known wordings",
            )
        question = str(answer.metadata.get("question") or "").strip()
        if examples and question and normalise(question) not in wordings:
            self.flag(
                answer,
                answer.line_of("metadata.question"),
                WARNING,
                f'its question "{question}" is not among its example questions; add it to data/nlu/{answer.topic}.yml',
            )

    def check_unknown_answers(self) -> None:
        if self.catalogue.file_errors:
            return  # an unreadable responses file would make every one of its answers look unknown
        known = set(self.catalogue.answers)
        for item in list(self.catalogue.examples) + list(self.catalogue.tests):
            if item.key not in known:
                self.flag(
                    item,
                    item.line,
                    ERROR,
                    f"is not an answer in data/responses/ (check the spelling of '{item.key}', or add the answer)",
                )
                known.add(item.key)  # once per unknown name is enough

    def check_shared_examples(self) -> None:
        examples = self.catalogue.examples
        for i, j, _ in similar_pairs([e.text for e in examples], threshold=0.6):
            first, second = examples[i], examples[j]
            if first.key == second.key:
                continue
            later, earlier = (
                (second, first) if (str(second.path), second.line) > (str(first.path), first.line) else (first, second)
            )
            where = f"{earlier.path.name}:{earlier.line}"
            if normalise(first.text) == normalise(second.text):
                self.flag(
                    later,
                    later.line,
                    ERROR,
                    f'the example "{later.text}" is also an example of {earlier.key} ({where}); '
                    "keep it under one answer only",
                )
            elif near_same(first.text, second.text):
                self.flag(
                    later,
                    later.line,
                    WARNING,
                    f'the example "{later.text}" is almost the same as "{earlier.text}" under {earlier.key} '
                    f"({where}); the assistant cannot tell them apart",
                )


def check_content(
    catalogue: Optional[Catalogue] = None,
    rules: Optional[ContentRules] = None,
    today: Optional[dt.date] = None,
    contacts_file: Optional[Path] = None,
) -> List[Finding]:
    """Every finding for the catalogue (by default the project's own files, today in the UK)."""
    return ContentChecker(
        catalogue or load_catalogue(), rules or load_rules(), today or today_uk(), contacts_file
    ).run()
