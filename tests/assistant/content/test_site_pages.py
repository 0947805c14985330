"""A demo page is read as a patient reads it, with its governance record from its first line."""

from __future__ import annotations

import pytest

from assistant.content.site_pages import PageError, as_sentences, read_page, site_pages, visible_text


def test_the_words_of_a_page_are_its_visible_text_with_links_kept_for_the_link_rules():
    html = (
        '<h2>Urgent help</h2>\n  <p>Call <a href="tel:999">999</a> or see\n  <a href="https://www.nhs.uk/">NHS'
        "</a> &amp; more.</p><script>var hidden = 'not read';</script><ul><li>One</li><li>Two</li></ul>"
    )
    assert (
        visible_text(html)
        == "Urgent help\n\nCall [999](tel:999) or see [NHS](https://www.nhs.uk/) & more.\n\nOne\n\nTwo"
    )


def test_headings_and_list_items_count_as_sentences_for_a_reading_grade():
    assert as_sentences("Urgent help\n\nCall now.\n\nOne") == "Urgent help.\n\nCall now.\n\nOne."


def test_every_page_of_the_demo_site_has_a_record_with_the_governance_fields():
    pages = [read_page(path) for path in site_pages()]
    assert {page.name for page in pages} >= {"_layout.html", "index.html", "privacy.html"}
    for page in pages:
        assert {"source", "checked", "reviewer", "approved", "review_by"} <= set(page.record), page.name
        assert page.is_layout or {"title", "breadcrumb"} <= set(page.record), page.name


@pytest.mark.parametrize(
    "first_line, words",
    [
        ("<h1>No record</h1>", "the first line must be the page's record"),
        ("<!-- page: {\"title\": 'single quotes'} -->", "cannot be read"),
        ('<!-- page: ["a list"] -->', 'must be written {"name": "value"'),
    ],
)
def test_a_page_without_a_readable_record_is_refused_in_plain_words(tmp_path, first_line, words):
    path = tmp_path / "page.html"
    path.write_text(first_line + "\n<p>Text</p>\n", encoding="utf-8")
    with pytest.raises(PageError, match=words.replace("{", r"\{")):
        read_page(path)
