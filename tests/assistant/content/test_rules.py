"""The content check explains each problem in plain words, with file and line, and errors stop publishing."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import List, Optional

import pytest

from assistant.content.catalogue import load_catalogue
from assistant.content.rules import ERROR, WARNING, Finding, check_content, load_rules, reading_grade
from tests.conftest import PROJECT_ROOT

ROOT = PROJECT_ROOT
TODAY = dt.date(2026, 12, 1)

GOOD_TEXT = "CAR-T is a type of immunotherapy. It uses your own T cells. Your team will explain each step."
EXAMPLES = [
    "what is car t",
    "What is CAR-T cell therapy?",
    "explain car t to me",
    "whats cart therapy",
    "tell me about car t cell therapy",
    "what kind of treatment is car t",
    "never heard of car-t what is it",
    "car-t cells what are they",
    "simply put what is car t",
    "my dad was offered car t what is it",
]
MEANING_EXAMPLES = [
    "what does car t stand for",
    "what does CAR mean",
    "car t short for what",
    "what do the letters mean",
    "what is chimeric",
    "spell out car t",
    "is car an abbreviation",
    "what is the full name of car t",
    "what does the T mean",
    "what does antigen receptor mean",
]


def answer(key: str, text: str = GOOD_TEXT, **meta: Optional[str]) -> str:
    fields = {
        "answer_id": key,
        "topic": "CAR-T basics",
        "question": "What is CAR-T cell therapy?",
        "source": "https://www.england.nhs.uk/car-t/",
        "checked": "2026-11-26",
        "reviewer": "Dr A Nurse",
        "approved": "2026-11-27",
        "review_by": "2027-05-26",
        **meta,
    }
    lines = "".join(f'      {k}: "{v}"\n' for k, v in fields.items() if v is not None)
    return f'  utter_{key}:\n  - text: "{text}"\n    metadata:\n{lines}'


def nlu(key: str, examples: List[str]) -> str:
    return f"- intent: {key}\n  examples: |\n" + "".join(f"    - {e}\n" for e in examples)


def story(key: str, wording: str) -> str:
    return f"- story: {key}\n  steps:\n  - user: |\n      {wording}\n    intent: {key}\n  - action: utter_cart\n"


@pytest.fixture
def project(tmp_path):
    """A one-topic catalogue that passes every rule; each test breaks one thing."""
    for name in ("responses", "nlu", "tests"):
        (tmp_path / name).mkdir()
    write(
        tmp_path,
        "responses",
        answer("cart/what_is") + answer("cart/car_meaning", question="What does CAR-T stand for?"),
    )
    write(
        tmp_path,
        "nlu",
        nlu("cart/what_is", EXAMPLES) + nlu("cart/car_meaning", MEANING_EXAMPLES + ["What does CAR-T stand for?"]),
    )
    write(
        tmp_path,
        "tests",
        story("cart/what_is", "in simple words what is car-t treatment")
        + story("cart/car_meaning", "what are the words behind the letters car-t"),
    )
    shutil.copy(ROOT / "tests" / "fixtures" / "contacts.yml", tmp_path / "contacts.yml")
    (tmp_path / "sources.yml").write_text(
        'sources:\n- url: "https://www.england.nhs.uk/car-t/"\n  title: "CAR-T therapy"\n  publisher: "NHS England"\n'
        '  published: ""\n  checked: "2026-11-26"\n',
        encoding="utf-8",
    )
    return tmp_path


def write(root: Path, folder: str, body: str) -> Path:
    header = {
        "responses": 'version: "3.1"\nresponses:\n',
        "nlu": 'version: "3.1"\nnlu:\n',
        "tests": 'version: "3.1"\nstories:\n',
    }[folder]
    path = root / folder / ("test_catalogue.yml" if folder == "tests" else "cart.yml")
    path.write_text(header + body, encoding="utf-8")
    return path


def findings(
    root: Path,
    today: dt.date = TODAY,
    system_messages: Optional[Path] = None,
    widget_texts: Optional[Path] = None,
    site: Optional[Path] = None,
) -> List[Finding]:
    catalogue = load_catalogue(
        root / "responses",
        root / "nlu",
        root / "tests",
        domain_path=None,
        system_messages_path=system_messages,
        sources_path=root / "sources.yml",
        other_languages_path=None,
        widget_texts_path=widget_texts,
        site_dir=site,
    )
    return [
        f
        for f in check_content(catalogue, load_rules(), today, root / "contacts.yml")
        if not f.path.name == "contacts.yml"
    ]


def only(found: List[Finding], severity: str) -> List[Finding]:
    return [f for f in found if f.severity == severity]


def test_a_clean_catalogue_has_no_findings(project):
    assert findings(project) == []


def line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


@pytest.mark.parametrize(
    "meta, field, words",
    [
        ({"review_by": "2026-11-30"}, "review_by", "review-by date (2026-11-30) has passed"),
        ({"review_by": "next year"}, "review_by", "is not a date; write it as YYYY-MM-DD"),
        ({"checked": "2026-13-01"}, "checked", "is not a date"),
        ({"checked": "2027-01-01"}, "checked", "a date in the future"),
        ({"answer_id": "cart/what"}, "answer_id", "must be 'cart/what_is'"),
        ({"source": ""}, "source", "'source' is empty"),
        ({"reviewer": ""}, "reviewer", "needs both the reviewer's name and the approval date"),
    ],
)
def test_metadata_errors_name_the_line_of_the_field(project, meta, field, words):
    path = write(
        project,
        "responses",
        answer("cart/what_is", **meta) + answer("cart/car_meaning", question="What does CAR-T stand for?"),
    )
    errors = only(findings(project), ERROR)
    assert [(f.answer, f.line) for f in errors] == [("cart/what_is", line_of(path, f"{field}:"))]
    assert words in errors[0].message


def test_a_missing_metadata_field_is_an_error(project):
    write(
        project,
        "responses",
        answer("cart/what_is", review_by=None) + answer("cart/car_meaning", question="What does CAR-T stand for?"),
    )
    assert ["the metadata has no 'review_by:' line"] == [f.message for f in only(findings(project), ERROR)]


def test_review_soon_and_awaiting_sign_off_are_warnings(project):
    write(
        project,
        "responses",
        answer("cart/what_is", review_by="2026-12-20", reviewer="", approved="")
        + answer("cart/car_meaning", question="What does CAR-T stand for?"),
    )
    found = findings(project)
    assert only(found, ERROR) == []
    messages = " | ".join(f.message for f in only(found, WARNING))
    assert "due for review by 2026-12-20 (19 days)" in messages and "awaiting clinical sign-off" in messages


@pytest.mark.parametrize(
    "text, severity, words",
    [
        ("CAR-T can cure lymphoma.", ERROR, 'uses the phrase "cure"'),
        ("It is guaranteed to work.", ERROR, 'uses the phrase "guaranteed"'),
        ("You should stop your tablets.", ERROR, 'uses the phrase "you should stop"'),
        ("Read more at https://www.example.com/cart.", ERROR, "not on the list of approved web sites"),
        ("Read more at http://www.nhs.uk/cart.", ERROR, "use the secure address (https://)"),
        ("Call the hotline on 0800 000 0001.", ERROR, "typed in; write a placeholder"),
        ("Call {hotline_telephone} now.", ERROR, "not a contact detail in content/contacts.yml"),
        (
            "Call PALS on {pals_phone}.",
            ERROR,
            "is not confirmed in content/contacts.yml, so its phone must not reach patients",
        ),
        ("Email PALS at {pals_email}.", ERROR, "its email must not reach patients"),
        ("To reach PALS, {pals_how}.", None, ""),  # its confirmed fallback is given: allowed
        ("{urgent_routes}", None, ""),
        (
            "Haemophagocytic lymphohistiocytosis, immunosuppression and hypogammaglobulinaemia necessitate "
            "comprehensive multidisciplinary surveillance postinfusion.",
            WARNING,
            "above the target of 8",
        ),
        ("The team is kind. " * 30, WARNING, "is 120 words long"),
    ],
)
def test_text_rules(project, text, severity, words):
    path = write(
        project,
        "responses",
        answer("cart/what_is", text=text) + answer("cart/car_meaning", question="What does CAR-T stand for?"),
    )
    found = [f for f in findings(project) if f.answer == "cart/what_is"]
    if severity is None:
        assert found == []
        return
    assert [f.severity for f in found] == [severity], found
    assert words in found[0].message and found[0].line == line_of(path, "- text:")


def test_cure_inside_another_word_is_not_banned(project):
    write(
        project,
        "responses",
        answer("cart/what_is", text="Your data is kept secure. Your team will explain.")
        + answer("cart/car_meaning", question="What does CAR-T stand for?"),
    )
    assert findings(project) == []


def test_the_same_example_under_two_answers_is_an_error_and_near_same_a_warning(project):
    path = write(
        project,
        "nlu",
        nlu("cart/what_is", EXAMPLES)
        + nlu(
            "cart/car_meaning",
            MEANING_EXAMPLES + ["What does CAR-T stand for?", "What is CAR T?", "whats cart therapy please"],
        ),
    )
    found = findings(project)
    assert [(f.severity, f.line) for f in found] == [
        (ERROR, line_of(path, "What is CAR T?")),
        (WARNING, line_of(path, "whats cart therapy please")),
    ]
    assert "also an example of cart/what_is" in found[0].message
    assert "almost the same as" in found[1].message


def test_too_few_examples_and_no_conversation_test_are_warnings(project):
    write(
        project,
        "nlu",
        nlu("cart/what_is", EXAMPLES[:4]) + nlu("cart/car_meaning", MEANING_EXAMPLES + ["What does CAR-T stand for?"]),
    )
    write(project, "tests", story("cart/car_meaning", "what are the words behind the letters car-t"))
    found = findings(project)
    assert only(found, ERROR) == []
    assert {f.message.split(";")[0].split(":")[0] for f in found} == {
        "has only 4 example questions",
        "has no conversation test",
    }


def test_no_examples_at_all_and_examples_for_an_unknown_answer_are_errors(project):
    write(
        project,
        "nlu",
        nlu("cart/whatis", EXAMPLES) + nlu("cart/car_meaning", MEANING_EXAMPLES + ["What does CAR-T stand for?"]),
    )
    messages = [f.message for f in only(findings(project), ERROR)]
    assert any(m.startswith("has no example questions") for m in messages)
    assert any("is not an answer in data/responses/" in m for m in messages)


def test_a_broken_file_is_one_plain_error_with_its_line(project):
    (project / "responses" / "cart.yml").write_text(
        'responses:\n  utter_cart/what_is:\n  - text: "unclosed\n', encoding="utf-8"
    )
    found = only(findings(project), ERROR)
    assert len(found) == 1 and found[0].path == project / "responses" / "cart.yml" and found[0].line > 0
    assert "the file cannot be read" in found[0].message


def test_unconfirmed_contacts_are_reported_with_the_line_in_the_contacts_file(project):
    catalogue = load_catalogue(project / "responses", project / "nlu", project / "tests")
    contact_findings = [
        f
        for f in check_content(catalogue, load_rules(), TODAY, project / "contacts.yml")
        if f.path.name == "contacts.yml"
    ]
    pals = next(f for f in contact_findings if "'pals'" in f.message)
    assert pals.severity == WARNING and "never given to patients" in pals.message
    assert pals.line == line_of(project / "contacts.yml", "    confirmed: false")


@pytest.mark.parametrize(
    "source, severity, words",
    [
        ("https://www.england.nhs.uk/car-t/", None, ""),
        ("https://www.england.nhs.uk/other-page/", ERROR, "is not in content/sources.yml"),
        ("clatterbridge-jacie-announcement.txt", ERROR, "is not a web page patients can open"),
    ],
)
def test_an_answer_cites_public_pages_from_the_sources_list(project, source, severity, words):
    write(
        project,
        "responses",
        answer("cart/what_is", source=source) + answer("cart/car_meaning", question="What does CAR-T stand for?"),
    )
    found = [f for f in findings(project) if f.answer == "cart/what_is"]
    assert [f.severity for f in found] == ([severity] if severity else []), found
    assert all(words in f.message for f in found)


def test_a_system_message_is_governed_like_an_answer(project):
    path = project / "system.yml"
    path.write_text(
        'version: "3.1"\nresponses:\n  rate_limited:\n  - text: "Please wait, then {urgent_routes}"\n'
        '  bad_request:\n  - text: "Sorry, I could not read that. Call {pals_phone}."\n'
        '    metadata:\n      source: "The assistant\'s own behaviour"\n      checked: "2026-11-26"\n'
        '      reviewer: ""\n      approved: ""\n      review_by: "2027-05-26"\n',
        encoding="utf-8",
    )
    found = [f for f in findings(project, system_messages=path) if f.path == path]
    assert [(f.answer, f.severity) for f in found if f.severity == ERROR] == [
        ("rate_limited", ERROR),
        ("bad_request", ERROR),
    ]
    assert "has no 'metadata:'" in found[0].message and "its phone must not reach patients" in found[1].message


RECORD = {
    "source": "The widget's own behaviour",
    "checked": "2026-11-26",
    "reviewer": "",
    "approved": "",
    "review_by": "2027-05-26",
}


def widget_texts(path: Path, texts: dict) -> Path:
    body = "".join(
        f'  {name}:\n  - text: "{text}"\n    metadata:\n' + "".join(f'      {k}: "{v}"\n' for k, v in RECORD.items())
        for name, text in texts.items()
    )
    path.write_text('version: "3.1"\nresponses:\n' + body, encoding="utf-8")
    return path


def test_a_widget_text_is_governed_like_an_answer_and_a_short_label_is_not_graded(project):
    path = widget_texts(
        project / "widget_texts.yml",
        {
            "erase_button": "Delete my conversation",  # 3 words: a reading grade means nothing, so none is given
            "notice": "This assistant is guaranteed to help. Call {pals_phone} or select {widget_erase_button}.",
            "checked_line": "Checked {date}, {when}.",
        },
    )
    found = [
        (f.answer, f.severity, f.message)
        for f in findings(project, widget_texts=path)
        if f.path == path and f.kind != "awaiting clinical sign-off"
    ]
    assert [(answer, severity) for answer, severity, _ in found] == [
        ("widget:notice", ERROR),
        ("widget:notice", ERROR),
        ("widget:checked_line", ERROR),
    ]
    assert 'uses the phrase "guaranteed"' in found[0][2] and "its phone must not reach patients" in found[1][2]
    assert "uses {when}" in found[2][2]  # {date} is the widget's to fill, {when} is nobody's


def page(site: Path, name: str, record: str, body: str = "<p>Text.</p>") -> Path:
    path = site / name
    path.write_text(f"<!-- page: {record} -->\n{body}\n", encoding="utf-8")
    return path


def test_a_web_page_needs_its_record_on_the_first_line_and_is_checked_like_any_text(project):
    site = project / "site"
    site.mkdir()
    good = json.dumps({"title": "T", "breadcrumb": "B", **RECORD})
    ok = page(
        site,
        "about.html",
        good,
        "<h1>About</h1><p>Conversations are kept {{retention_days}} days. "
        "Select {{widget_erase_button}} to delete yours.</p>",
    )
    unknown = page(site, "wrong.html", good, "<p>See <a href='http://example.com/'>this</a> or {{hotline_fax}}.</p>")
    no_date = page(site, "undated.html", json.dumps({"title": "T", "breadcrumb": "B", **RECORD, "review_by": "soon"}))
    (site / "bare.html").write_text("<h1>No record</h1>\n", encoding="utf-8")
    found = [f for f in findings(project, site=site) if f.kind != "awaiting clinical sign-off"]
    assert [f for f in found if f.path == ok] == []
    assert {f.message.split(",")[0] for f in found if f.path == unknown} == {
        "links to http://example.com/",
        "uses {hotline_fax}",
    }
    assert [f.line for f in found if f.path == no_date] == [1] and "'review_by: soon' is not a date" in next(
        f.message for f in found if f.path == no_date
    )
    bare = [f for f in found if f.path == site / "bare.html"]
    assert (
        len(bare) == 1 and bare[0].severity == ERROR and "the first line must be the page's record" in bare[0].message
    )


def test_reading_grade_ignores_markdown_and_placeholders():
    assert reading_grade("**Call** the {hotline_name} now.") == reading_grade("Call the them now.")


def test_the_command_exits_non_zero_on_errors_and_prints_file_and_line(project, tmp_path):
    """The real command on the project's own files: each finding line starts with file:line."""
    result = subprocess.run(
        [sys.executable, "-m", "assistant.staff.check_content", "--all"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = [line.strip() for line in result.stdout.splitlines() if " WARNING " in line or " ERROR " in line]
    assert lines and all(line.split(":")[1].isdigit() for line in lines)
    has_errors = any(" ERROR " in line for line in lines)
    assert result.returncode == (1 if has_errors else 0)
    assert result.stdout.rstrip().splitlines()[-1].startswith("content check: ")
