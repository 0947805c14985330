"""Rendering a response as patients get it: placeholders filled through every string, sources by their titles.

Why here and not in the Rasa server: the NLG (:mod:`assistant.server.nlg`) and the staff console's preview
(:mod:`assistant.console`) must show a text the same way, and the console may not load the Rasa server's code.
"""

from __future__ import annotations

from typing import Any, Dict, List

from assistant.content.catalogue import Source, source_items
from assistant.content.system_messages import fill


def fill_all(value: Any, values: Dict[str, Any]) -> Any:
    """``fill`` through the strings of a response's text, buttons or custom payload."""
    if isinstance(value, str):
        return fill(value, values)
    if isinstance(value, list):
        return [fill_all(item, values) for item in value]
    if isinstance(value, dict):
        return {key: fill_all(item, values) for key, item in value.items()}
    return value


def shown_sources(listed: Dict[str, Source], metadata: Dict[str, Any]) -> List[Dict[str, str]]:
    """An answer's sources as patients see them: title, publisher and link (``content/sources.yml``); a source
    missing from the list (the content check refuses that) keeps its address as its title."""
    shown = []
    for item in source_items(metadata):
        source = listed.get(item)
        shown.append(
            {"title": source.title, "publisher": source.publisher, "url": source.url}
            if source
            else {"title": item, "publisher": "", "url": item if item.startswith("https://") else ""}
        )
    return shown
