"""Every patient-facing text the console edits, where it lives in the YAML files, its status, and saving it.

Why one module: the answers list, the edit page, sign-off and restore must agree on what a text is (the
catalogue's readers: :mod:`assistant.content.catalogue`), where it is written (its file and its address inside
the file) and what version of it is on disk (:func:`assistant.content.versions.text_version`). A save names the
version it started from; when the file holds another version by then, nothing is written and the saver is shown
the other change (:class:`Conflict`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString

from assistant.console import yamlio
from assistant.content import (
    DOMAIN_PATH,
    NLU_DIR,
    OTHER_LANGUAGES_PATH,
    RESPONSES_DIR,
    SOURCES_PATH,
    SYSTEM_MESSAGES_PATH,
    TESTS_DIR,
    WIDGET_TEXTS_PATH,
)
from assistant.content import catalogue as cat
from assistant.content.catalogue import Catalogue, load_catalogue, plain, source_items
from assistant.content.dates import as_date
from assistant.content.system_messages import NEVER_HELD_BACK, URGENT_HELP_RESPONSE
from assistant.content.versions import SIGNED_VERSION, status, text_version
from assistant.settings import ROOT, settings

URGENT_HELP_PREFIX = "urgent_help:"  # a translation's urgent-help text: "urgent_help:pl"
URGENT_KEYS = frozenset(NEVER_HELD_BACK | {URGENT_HELP_RESPONSE}) - {"text_under_review", "answer_under_review"}
# What a sign-off writes into the text's metadata (besides reviewer and approved, which the widget shows).
REVIEWER_ROLE, SIGNED_TEXT = "reviewer_role", "signed_text"
Address = Tuple[Any, ...]


class Conflict(Exception):
    """The text changed on disk since the form was opened: ``current`` is what is there now."""

    def __init__(self, current: Dict[str, Any]) -> None:
        super().__init__("the text changed since it was opened")
        self.current = current


class NotFound(KeyError):
    """No text of that name."""


@dataclass
class Text:
    """One governed text: its name, what kind, where it is written, and the response as patients get it."""

    key: str
    kind: str
    path: Path
    address: Address  # inside the file: ("responses", "utter_cart/what_is", 0)
    response: Dict[str, Any]
    line: int = 0
    urgent: bool = False

    @property
    def version(self) -> str:
        return text_version(self.response)

    @property
    def metadata(self) -> Dict[str, Any]:
        meta = self.response.get("metadata")
        return meta if isinstance(meta, dict) else {}

    @property
    def text(self) -> str:
        return str(self.response.get("text") or "")

    @property
    def title(self) -> str:
        """How staff find it in the list: an answer's question, else its name."""
        return str(self.metadata.get("question") or self.key)

    @property
    def review_by(self) -> Optional[dt.date]:
        return as_date(self.metadata.get("review_by"))

    @property
    def sources(self) -> List[str]:
        return source_items(self.metadata)

    @property
    def buttons(self) -> List[Dict[str, str]]:
        return [
            {"title": str(b.get("title") or ""), "payload": str(b.get("payload") or "")}
            for b in self.response.get("buttons") or []
            if isinstance(b, dict)
        ]

    def status(self, today: dt.date) -> str:
        return status(self.response, today, self.review_by)


def _relative(path: Path) -> Path:
    return path.relative_to(ROOT)


@dataclass
class Workspace:
    """The content files under one folder (the project itself; a copy of it in the tests)."""

    root: Path = ROOT
    _cache: Dict[str, Any] = field(default_factory=dict, repr=False)

    def path(self, project_path: Path) -> Path:
        return self.root / _relative(project_path)

    @property
    def responses_dir(self) -> Path:
        return self.path(RESPONSES_DIR)

    @property
    def nlu_dir(self) -> Path:
        return self.path(NLU_DIR)

    @property
    def sources_path(self) -> Path:
        return self.path(SOURCES_PATH)

    @property
    def contacts_path(self) -> Path:
        configured = settings().contacts_file
        try:
            return self.root / configured.relative_to(ROOT)
        except ValueError:
            return configured

    def _signature(self) -> Tuple[Tuple[str, int, int, int], ...]:
        """Every file the catalogue reads, with its change time and size: when none changed, neither did it."""
        paths = [
            *sorted(self.responses_dir.glob("*.yml")),
            *sorted(self.nlu_dir.glob("*.yml")),
            *sorted(self.path(TESTS_DIR).glob("test_*.yml")),
            *(self.path(p) for p in (DOMAIN_PATH, SYSTEM_MESSAGES_PATH, OTHER_LANGUAGES_PATH, WIDGET_TEXTS_PATH)),
            self.sources_path,
        ]
        found = []
        for path in paths:
            try:
                info = path.stat()
            except OSError:
                continue
            found.append((str(path), info.st_ino, info.st_mtime_ns, info.st_size))
        return tuple(found)

    def catalogue(self) -> Catalogue:
        """The catalogue as it is on disk now (web pages aside: they are not edited here), read again only when
        one of its files changed."""
        signature = self._signature()
        if self._cache.get("signature") != signature:
            self._cache.update(signature=signature, catalogue=self._read_catalogue())
        return self._cache["catalogue"]

    def _read_catalogue(self) -> Catalogue:
        return load_catalogue(
            responses_dir=self.responses_dir,
            nlu_dir=self.nlu_dir,
            tests_dir=self.path(TESTS_DIR),
            domain_path=self.path(DOMAIN_PATH),
            system_messages_path=self.path(SYSTEM_MESSAGES_PATH),
            sources_path=self.sources_path,
            other_languages_path=self.path(OTHER_LANGUAGES_PATH),
            widget_texts_path=self.path(WIDGET_TEXTS_PATH),
            site_dir=None,
        )

    def texts(self, catalogue: Optional[Catalogue] = None) -> Dict[str, Text]:
        """Every editable text by name: answers first, then the other texts (urgent ones marked)."""
        catalogue = catalogue or self.catalogue()
        found: Dict[str, Text] = {}
        for answer in catalogue.answers.values():
            address: Address = ("responses", cat.UTTER_PREFIX + answer.key, 0)
            found[answer.key] = Text(answer.key, answer.kind, answer.path, address, answer.response, answer.line)
        for item in catalogue.texts.values():
            if item.kind == cat.TRANSLATION:
                code = item.key.split(":", 1)[1]
                found[item.key] = Text(item.key, item.kind, item.path, ("languages", code), item.response, item.line)
                urgent = item.response.get("urgent_help")
                if isinstance(urgent, dict):
                    key = URGENT_HELP_PREFIX + code
                    address = ("languages", code, "urgent_help")
                    found[key] = Text(key, item.kind, item.path, address, urgent, item.line, urgent=True)
                continue
            if item.kind == cat.PAGE:
                continue
            name = item.key[len(cat.WIDGET_PREFIX) :] if item.kind == cat.WIDGET_TEXT else item.key
            found[item.key] = Text(
                item.key,
                item.kind,
                item.path,
                ("responses", name, 0),
                item.response,
                item.line,
                item.key in URGENT_KEYS,
            )
        return found

    def text(self, key: str) -> Text:
        text = self.texts().get(key)
        if text is None:
            raise NotFound(key)
        return text

    # -- writing --------------------------------------------------------------------------------------
    def add_source(self, url: str, title: str, publisher: str, today: dt.date) -> Dict[str, str]:
        """Add a page to ``content/sources.yml`` (at the end, checked today); the entry as written."""
        document = yamlio.load(self.sources_path)
        listed = document.setdefault("sources", CommentedSeq())
        if any(str(item.get("url") or "").strip() == url for item in listed):
            raise ValueError("source_listed")
        entry = {"url": url, "title": title, "publisher": publisher, "published": "", "checked": today.isoformat()}
        listed.append(yamlio.mapping(**{name: yamlio.quoted(value) for name, value in entry.items()}))
        yamlio.write(self.sources_path, document)
        return entry

    def _node(self, text: Text) -> Tuple[Any, CommentedMap]:
        document = yamlio.load(text.path)
        node = document
        for step in text.address:
            node = node[step]
        if not isinstance(node, CommentedMap):
            raise NotFound(text.key)
        return document, node

    def change(
        self, key: str, base_version: str, wording: str, buttons: Sequence[Dict[str, str]], sources: Sequence[str]
    ) -> Tuple[Dict[str, Any], Dict[str, Any]]:
        """Write new wording, buttons and sources for ``key`` (if the file still holds ``base_version``);
        (before, after). A change to what patients see clears the sign-off (the last signed version is kept)."""
        text = self.text(key)
        document, node = self._node(text)
        before = plain(node)
        if text_version(before) != base_version:
            raise Conflict(before)
        old = node.get("text")
        node["text"] = LiteralScalarString(wording) if isinstance(old, LiteralScalarString) else yamlio.quoted(wording)
        if "buttons" in node or buttons:
            if buttons:
                node["buttons"] = CommentedSeq(
                    [
                        yamlio.mapping(title=yamlio.quoted(b["title"]), payload=yamlio.quoted(b["payload"]))
                        for b in buttons
                    ]
                )
            else:
                del node["buttons"]
        metadata = node.get("metadata")
        if isinstance(metadata, CommentedMap) and ("source" in metadata or sources):
            metadata["source"] = yamlio.quoted(" ; ".join(sources))
        after = plain(node)
        if text_version(after) == text_version(before):
            return before, before
        if isinstance(metadata, CommentedMap):
            for name in ("reviewer", "approved"):
                if name in metadata:
                    metadata[name] = yamlio.quoted("")
        yamlio.write(text.path, document)
        return before, plain(node)

    def sign_off(self, key: str, version: str, reviewer: str, role: str, today: dt.date) -> Tuple[Any, Any]:
        """Record ``reviewer``'s sign-off of ``version`` in the text's metadata; (before, after)."""
        text = self.text(key)
        document, node = self._node(text)
        before = plain(node)
        if text_version(before) != version:
            raise Conflict(before)
        metadata = node.get("metadata")
        if not isinstance(metadata, CommentedMap):
            metadata = node["metadata"] = CommentedMap()
        values = {
            "reviewer": reviewer,
            REVIEWER_ROLE: role,
            "approved": today.isoformat(),
            SIGNED_VERSION: version,
            SIGNED_TEXT: str(before.get("text") or ""),
        }
        position = list(metadata).index("approved") + 1 if "approved" in metadata else len(metadata)
        for name, value in values.items():
            if name in metadata:
                metadata[name] = yamlio.quoted(value)
            else:
                metadata.insert(position, name, yamlio.quoted(value))
                position += 1
        yamlio.write(text.path, document)
        return before, plain(node)

    def restore(self, key: str, earlier: Dict[str, Any]) -> Tuple[Dict[str, Any], Dict[str, Any]]:
        """Put an earlier version's wording, buttons and sources back (it then needs signing off again)."""
        text = self.text(key)
        buttons = [
            {"title": str(b.get("title") or ""), "payload": str(b.get("payload") or "")}
            for b in earlier.get("buttons") or []
            if isinstance(b, dict)
        ]
        sources = source_items(earlier.get("metadata") or {})
        before, after = self.change(key, text.version, str(earlier.get("text") or ""), buttons, sources)
        if after is before:  # the same wording as now: still needs a fresh sign-off
            document, node = self._node(text)
            metadata = node.get("metadata")
            if isinstance(metadata, CommentedMap):
                for name in ("reviewer", "approved"):
                    if name in metadata:
                        metadata[name] = yamlio.quoted("")
                yamlio.write(text.path, document)
            after = plain(node)
        return before, after
