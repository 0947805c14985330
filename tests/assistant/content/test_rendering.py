"""Rendering as patients get it: placeholders through every string, sources by their titles."""

from __future__ import annotations

from assistant.content.catalogue import Source
from assistant.content.rendering import fill_all, shown_sources


def test_placeholders_are_filled_in_text_buttons_and_payloads_and_unknown_ones_stay():
    response = {"text": "Call {hotline_phone}. {unknown}", "buttons": [{"title": "{hotline_name}", "payload": "x"}]}
    filled = fill_all(response, {"hotline_phone": "0800 000 0000", "hotline_name": "Hotline"})
    assert filled == {"text": "Call 0800 000 0000. {unknown}", "buttons": [{"title": "Hotline", "payload": "x"}]}


def test_sources_are_shown_by_title_and_an_unlisted_one_by_its_address():
    listed = {"https://a.nhs.uk/x": Source("https://a.nhs.uk/x", "Page X", "NHS", "", "2026-12-01")}
    shown = shown_sources(listed, {"source": "https://a.nhs.uk/x ; https://b.example/y ; The widget's own"})
    assert shown == [
        {"title": "Page X", "publisher": "NHS", "url": "https://a.nhs.uk/x"},
        {"title": "https://b.example/y", "publisher": "", "url": "https://b.example/y"},
        {"title": "The widget's own", "publisher": "", "url": ""},
    ]
