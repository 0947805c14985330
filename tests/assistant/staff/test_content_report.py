"""The sign-off report lists every answer as the patient sees it, with its status, and prints."""

from __future__ import annotations

import csv
import datetime as dt

from assistant.content.catalogue import load_catalogue
from assistant.content.contacts import load_contacts
from assistant.staff.content_report import build_report
from assistant.staff.report_html import bold_markdown


def rows(path):
    with path.open(encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def test_every_answer_is_in_the_csv_and_the_page(tmp_path):
    catalogue = load_catalogue()
    paths = build_report(tmp_path, dt.date(2026, 12, 1), catalogue)
    table = rows(paths["csv"])
    assert [r["answer_id"] for r in table] == [*catalogue.answers, *catalogue.texts]
    assert {"utter_urgent_help", "urgent_routes", "other_language:pl", "widget:urgent_panel", "page:privacy.html"} <= {
        r["answer_id"] for r in table
    }
    html = paths["html"].read_text(encoding="utf-8")
    assert all(answer_id in html for answer_id in [*catalogue.answers, *catalogue.texts])
    assert html.count("<svg") == 2 and "Answers by status" in html and "Answers by review-by month" in html
    assert "Clinical safety sign-off" in html and "@media print" in html
    assert "<script" not in html  # self-contained, nothing fetched or run


def test_contact_details_are_shown_as_the_patient_sees_them(tmp_path):
    paths = build_report(tmp_path, dt.date(2026, 12, 1))
    hotline = next(r for r in rows(paths["csv"]) if r["answer_id"] == "service/hotline")
    assert load_contacts()["hotline"].phone in hotline["text"] and "{hotline_phone}" not in hotline["text"]


def test_status_follows_the_review_by_date(tmp_path):
    before = {r["status"] for r in rows(build_report(tmp_path / "a", dt.date(2026, 12, 1))["csv"])}
    after = {r["status"] for r in rows(build_report(tmp_path / "b", dt.date(2030, 1, 1))["csv"])}
    assert not {"review overdue (hidden)", "review overdue (still shown)"} & before
    assert after == {"review overdue (hidden)", "review overdue (still shown)"}  # answers withheld, other texts not


def test_answer_text_is_escaped_and_only_bold_is_rendered():
    assert str(bold_markdown("**Call** <b>now</b> & wait")) == "<strong>Call</strong> &lt;b&gt;now&lt;/b&gt; &amp; wait"


def test_the_widget_and_the_pages_are_listed_as_patients_see_them(tmp_path):
    table = {r["answer_id"]: r for r in rows(build_report(tmp_path, dt.date(2026, 12, 1))["csv"])}
    notice, privacy = table["widget:notice"], table["page:privacy.html"]
    assert "select **Urgent help** above" in notice["text"] and notice["kind"] == "widget text"
    assert "deleted after 30 days" in privacy["text"] and "{{" not in privacy["text"]
    assert table["widget:send_button"]["reading_grade"] == ""  # a label is not graded
    assert privacy["status"] == "awaiting sign-off" and privacy["file"] == "web/site/privacy.html:1"
