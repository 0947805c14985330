"""The unanswered questions page: patients' questions that got "not sure", "out of scope" or a person, in groups,
each message one click from becoming an example of an answer, each group markable as needing a new answer."""

from __future__ import annotations

import re
import time
from typing import Any, Dict, List, Optional, Tuple

from sanic import Sanic
from sanic.request import Request
from sanic.response import HTTPResponse

from assistant.console import examples, history, unanswered
from assistant.console.figures_cache import FiguresUnavailable
from assistant.console.routes_examples import add_example
from assistant.console.ui import EDITORS, Pages
from assistant.content.similarity import normalise

CACHE_SECONDS = 120.0  # the same questions are not grouped again within this (marking a group re-renders the page)
_ID = re.compile(r"^[0-9a-f]{16}$")


def register(app: Sanic, ui: Pages) -> None:
    cache: Dict[Tuple[str, ...], Tuple[float, unanswered.Grouping]] = {}

    def titles() -> Dict[str, str]:
        return {t.key: t.title for t in ui.workspace.texts().values() if t.kind == "answer"}

    async def grouping(messages: List[unanswered.Message], names: Dict[str, str]) -> unanswered.Grouping:
        key = tuple(m.text for m in messages)
        now = ui.config.clock()
        if key in cache and now - cache[key][0] < CACHE_SECONDS:
            return cache[key][1]
        found = await unanswered.group_messages(messages, names, ui.config.rasa_url, ui.config.staff_token)
        cache.clear()
        if found.grouped_by == unanswered.BY_MEANING:  # by wording: ask the assistant again next time
            cache[key] = (now, found)
        return found

    async def unanswered_page(request: Request, status: int = 200, **context: Any) -> HTTPResponse:
        started = time.monotonic()
        names = titles()
        try:
            messages = await unanswered.read_messages(ui.figures)
        except FiguresUnavailable as failure:  # a store that cannot be read: say so, do not fail the console
            return ui.page(
                request,
                "unanswered.html",
                503,
                grouping=None,
                error=ui.notices["unanswered_no_store"].format(reason=type(failure.__cause__ or failure).__name__),
                **context,
            )
        found = await grouping(messages, names)
        unanswered.apply_marks(found.groups, unanswered.marks(ui.url))
        existing: Dict[str, str] = {}
        for example in ui.workspace.catalogue().examples:
            existing.setdefault(normalise(example.text), example.key)
        now_examples = {
            m.id: existing[normalise(m.text)] for g in found.groups for m in g.messages if normalise(m.text) in existing
        }
        return ui.page(
            request,
            "unanswered.html",
            status,
            grouping=found,
            problem=ui.notices[found.problem] if found.problem else "",
            answers=sorted(names.items(), key=lambda item: item[1].lower()),
            titles=names,
            existing=now_examples,
            kind_names=unanswered.KIND_NAMES,
            max_sent=unanswered.MAX_SENT,
            seconds=time.monotonic() - started,
            **context,
        )

    @app.get("/unanswered")
    async def unanswered_view(request: Request) -> HTTPResponse:
        return await unanswered_page(request)

    @app.post("/unanswered")
    async def unanswered_post(request: Request) -> HTTPResponse:
        if ui.who(request).role not in EDITORS:
            return ui.notice(request, "not_allowed", 403)
        action = ui.form(request, "action")
        if action == "add":
            return await add(request)
        if action in ("mark", "unmark"):
            return await mark(request, action == "mark")
        return ui.notice(request, "not_found", 404)

    async def add(request: Request) -> HTTPResponse:
        example = examples.clean(ui.form(request, "example"))
        key = ui.form(request, "key")
        if key == "chosen":
            key = ui.form(request, "chosen")
        text = ui.find_text(key)
        if text is None or text.kind != "answer":
            return await unanswered_page(request, 400, error=ui.notices["unanswered_choose"])
        if not unanswered.safe_as_example(example):
            return await unanswered_page(request, 400, error=ui.notices["example_personal"])
        try:
            added = add_example(ui, request, text.key, example, ui.form(request, "confirm") == "yes")
        except examples.ExampleError as refused:
            return await unanswered_page(request, 400, error=ui.notices[str(refused)])
        if added.status != 200:
            return await unanswered_page(
                request,
                added.status,
                error=ui.notices[added.error],
                near=added.near,
                refused=added.refused,
                pending=added.pending,
                pending_key=text.key,
                pending_title=text.title,
            )
        return await unanswered_page(
            request, notice=ui.notices["unanswered_added"].format(title=text.title), added_key=text.key
        )

    async def mark(request: Request, marked: bool) -> HTTPResponse:
        group = ui.form(request, "group")
        ids = [i for i in ui.form(request, "messages").split(",") if _ID.match(i)][: unanswered.MAX_SENT]
        if not _ID.match(group) or not ids:
            return ui.notice(request, "not_found", 404)
        key, before, after = unanswered.mark_record(group, examples.clean(ui.form(request, "example")), ids, marked)
        ui.record(request, history.MARK if marked else history.UNMARK, key, before, after)
        notice: Optional[str] = ui.notices["unanswered_marked" if marked else "unanswered_unmarked"]
        return await unanswered_page(request, notice=notice)
