"""The texts list and the edit page: search and filter, preview and check, save (the version it started from)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Tuple

from sanic import Sanic
from sanic.request import Request
from sanic.response import HTTPResponse

from assistant.console import history, preview
from assistant.console.diffs import response_diff
from assistant.console.texts import Conflict, Text
from assistant.console.ui import Pages
from assistant.content.catalogue import plain
from assistant.content.similarity import normalise
from assistant.content.versions import OVERDUE, REVIEW_DUE, STATUSES


def register(app: Sanic, ui: Pages) -> None:
    # -- the answers list -----------------------------------------------------------------------------
    @app.get("/")
    async def texts_list(request: Request) -> HTTPResponse:
        today = ui.config.today()
        query = str(request.args.get("q") or "").strip()
        kind = str(request.args.get("kind") or "")
        wanted = str(request.args.get("status") or "")
        review_view = request.args.get("view") == "review-due"
        rows: List[Dict[str, Any]] = []
        for text in ui.workspace.texts().values():
            state = text.status(today)
            if review_view and state not in (REVIEW_DUE, OVERDUE):
                continue
            if kind == "urgent" and not text.urgent:
                continue
            if kind and kind != "urgent" and text.kind != kind:
                continue
            if wanted and state != wanted:
                continue
            if query and normalise(query) not in normalise(f"{text.key} {text.title} {text.text}"):
                continue
            rows.append({"text": text, "status": state})
        if review_view:
            rows.sort(key=lambda r: r["text"].review_by or dt.date.max)
        kinds = sorted({t.kind for t in ui.workspace.texts().values()})
        return ui.page(
            request,
            "texts.html",
            rows=rows,
            query=query,
            kind=kind,
            wanted=wanted,
            kinds=kinds,
            statuses=STATUSES,
            review_view=review_view,
        )

    # -- editing --------------------------------------------------------------------------------------
    def draft_of(text: Text, wording: str, buttons: List[Dict[str, str]], sources: List[str]) -> Text:
        response = plain(dict(text.response))
        response["text"] = wording
        if buttons or "buttons" in response:
            response["buttons"] = buttons
        metadata = dict(response.get("metadata") or {})
        metadata["source"] = " ; ".join(sources)
        response["metadata"] = metadata
        return Text(text.key, text.kind, text.path, text.address, response, text.line, text.urgent)

    def posted_draft(request: Request, text: Text) -> Tuple[str, List[Dict[str, str]], List[str], bool]:
        wording = "\n".join(line.rstrip() for line in ui.form(request, "text").replace("\r\n", "\n").split("\n"))
        wording = wording.strip()
        buttons, incomplete = [], False
        for index in range(50):
            title = ui.form(request, f"button_title_{index}").strip()
            payload = ui.form(request, f"button_payload_{index}").strip()
            if title and payload:
                buttons.append({"title": title, "payload": payload})
            elif title or payload:
                incomplete = True
        sources = [s for s in (request.form.getlist("source") or []) if s.strip()] if request.form else []
        return wording, buttons, sources, incomplete

    @app.get("/edit")
    async def edit(request: Request) -> HTTPResponse:
        text = ui.find_text(str(request.args.get("key") or ""))
        if text is None:
            return ui.notice(request, "not_found", 404)
        if text.kind == "answer":
            await ui.read_figures()  # what patients said of it, at most a minute old
        return ui.edit_page(request, text, text, base_version=text.version, base_text=text.text)

    @app.post("/edit")
    async def edit_post(request: Request) -> HTTPResponse:
        text = ui.find_text(ui.form(request, "key"))
        if text is None:
            return ui.notice(request, "not_found", 404)
        wording, buttons, sources, incomplete = posted_draft(request, text)
        action = ui.form(request, "action")
        if action == "insert" and ui.form(request, "placeholder"):
            wording = f"{wording} {{{ui.form(request, 'placeholder')}}}".strip()
        today = ui.config.today()
        added_source = ""
        if action == "add_source":
            source_url = ui.form(request, "new_source_url").strip()
            title, publisher = (
                ui.form(request, "new_source_title").strip(),
                ui.form(request, "new_source_publisher").strip(),
            )
            if not (source_url.startswith("https://") and " " not in source_url and title and publisher):
                added_source = ui.notices["source_invalid"]
            else:
                try:
                    entry = ui.workspace.add_source(source_url, title, publisher, today)
                except ValueError as error:
                    added_source = ui.notices[str(error)]
                else:
                    ui.record(request, history.SAVE, "sources", {}, entry)
                    sources = [*sources, source_url]
        draft = draft_of(text, wording, buttons, sources)
        base_version, base_text = ui.form(request, "version"), ui.form(request, "base_text")
        found = preview.findings(draft, ui.workspace.catalogue(), ui.workspace, today)
        context: Dict[str, Any] = {"base_version": base_version, "base_text": base_text, "findings": found}
        if action == "add_source" and added_source:
            return ui.edit_page(request, text, draft, 400, error=added_source, **context)
        if action == "add_source":
            return ui.edit_page(request, text, draft, notice=ui.notices["source_added"], **context)
        if action != "save":
            return ui.edit_page(request, text, draft, **context)
        if incomplete:
            return ui.edit_page(request, text, draft, 400, error=ui.notices["wrong_field"], **context)
        try:
            before, after = ui.workspace.change(text.key, base_version, wording, buttons, sources)
        except Conflict as conflict:
            theirs = {**conflict.current}
            other = response_diff({"text": base_text}, theirs)
            context.update(base_version=text.version, base_text=text.text)
            return ui.edit_page(request, text, draft, 409, error=ui.notices["conflict"], other_change=other, **context)
        if after is before:
            return ui.edit_page(request, text, draft, notice=ui.notices["unchanged"], **context)
        ui.record(request, history.SAVE, text.key, before, after)
        saved = ui.workspace.text(text.key)
        context.update(base_version=saved.version, base_text=saved.text)
        return ui.edit_page(request, saved, saved, notice=ui.notices["saved"], **context)
