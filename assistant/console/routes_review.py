"""Four-eyes sign-off, the history and restore, Publish, and the accounts list."""

from __future__ import annotations

from typing import Any, Dict, Optional

from sanic import Sanic
from sanic.request import Request
from sanic.response import HTTPResponse

from assistant.console import ADMIN, REVIEWER, accounts, history
from assistant.console.diffs import response_diff
from assistant.console.texts import Conflict, Text
from assistant.console.ui import EDITORS, PUBLISHERS, Pages
from assistant.content import publications
from assistant.content.rules import ERROR, check_content
from assistant.content.versions import is_signed_off


def register(app: Sanic, ui: Pages) -> None:
    # -- sign-off -------------------------------------------------------------------------------------
    def previous_version(text: Text) -> Dict[str, Any]:
        """What this change started from: the first change since the last sign-off, else the signed text."""
        earliest: Optional[Dict[str, Any]] = None
        for entry in history.entries(text.key, limit=1000, url=ui.url):
            if entry.action == history.SIGN_OFF:
                break
            if entry.action in (history.SAVE, history.RESTORE) and isinstance(entry.before, dict):
                earliest = entry.before
        if earliest is not None:
            return earliest
        signed = text.metadata.get("signed_text")
        return {"text": str(signed)} if signed else {}

    def sign_off_page(request: Request, text: Text, status: int = 200, **context: Any) -> HTTPResponse:
        authors = history.authors_since_sign_off(text.key, url=ui.url)
        return ui.page(
            request,
            "sign_off.html",
            status,
            text=text,
            status_now=text.status(ui.config.today()),
            diff=response_diff(previous_version(text), text.response),
            authors=authors,
            own_change=ui.who(request).username in authors,
            signed=is_signed_off(text.response),
            **context,
        )

    @app.get("/sign-off")
    async def sign_off_view(request: Request) -> HTTPResponse:
        text = ui.find_text(str(request.args.get("key") or ""))
        if text is None:
            return ui.notice(request, "not_found", 404)
        return sign_off_page(request, text)

    @app.post("/sign-off")
    async def sign_off(request: Request) -> HTTPResponse:
        session = ui.who(request)
        if session.role != REVIEWER:
            return ui.notice(request, "not_allowed", 403)
        text = ui.find_text(ui.form(request, "key"))
        if text is None:
            return ui.notice(request, "not_found", 404)
        if session.username in history.authors_since_sign_off(text.key, url=ui.url):
            return sign_off_page(request, text, 403, error=ui.notices["sign_off_own"])
        if text.version != ui.form(request, "version"):
            return sign_off_page(request, text, 409, error=ui.notices["sign_off_changed"])
        if is_signed_off(text.response):
            return sign_off_page(request, text, notice=ui.notices["already_signed"])
        try:
            before, after = ui.workspace.sign_off(
                text.key, text.version, session.username, session.role, ui.config.today()
            )
        except Conflict:
            return sign_off_page(request, ui.workspace.text(text.key), 409, error=ui.notices["sign_off_changed"])
        ui.record(request, history.SIGN_OFF, text.key, before, after)
        return sign_off_page(request, ui.workspace.text(text.key), notice=ui.notices["signed_off"])

    # -- history and restore --------------------------------------------------------------------------
    @app.get("/history")
    async def history_page(request: Request) -> HTTPResponse:
        key = str(request.args.get("key") or "") or None
        broken = history.verify_chain(url=ui.url)
        rows = []
        texts = ui.workspace.texts()
        for entry in history.entries(key, url=ui.url):
            restorable = entry.action in (history.SAVE, history.RESTORE) and entry.text_key in texts
            diff = (
                response_diff(entry.before, entry.after)
                if isinstance(entry.before, dict) and isinstance(entry.after, dict)
                else None
            )
            rows.append({"entry": entry, "diff": diff, "restorable": restorable})
        chain = ui.notices["history_broken"].format(number=broken) if broken else ui.notices["history_intact"]
        return ui.page(request, "history.html", rows=rows, key=key, chain=chain, broken=broken)

    @app.post("/restore")
    async def restore(request: Request) -> HTTPResponse:
        if ui.who(request).role not in EDITORS:
            return ui.notice(request, "not_allowed", 403)
        try:
            entry = history.find(int(ui.form(request, "entry")), url=ui.url)
        except ValueError:
            entry = None
        which = ui.form(request, "which")
        if entry is None or entry.action not in (history.SAVE, history.RESTORE) or which not in ("before", "after"):
            return ui.notice(request, "not_found", 404)
        earlier = entry.before if which == "before" else entry.after
        if not isinstance(earlier, dict) or ui.find_text(entry.text_key) is None:
            return ui.notice(request, "not_found", 404)
        before, after = ui.workspace.restore(entry.text_key, earlier)
        ui.record(request, history.RESTORE, entry.text_key, before, after)
        text = ui.workspace.text(entry.text_key)
        return ui.edit_page(
            request, text, text, notice=ui.notices["restored"], base_version=text.version, base_text=text.text
        )

    # -- publish --------------------------------------------------------------------------------------
    @app.get("/publish")
    async def publish_page(request: Request) -> HTTPResponse:
        return ui.page(request, "publish.html", publications=publications.listing(url=ui.url))

    @app.post("/publish")
    async def publish(request: Request) -> HTTPResponse:
        session = ui.who(request)
        if session.role not in PUBLISHERS:
            return ui.notice(request, "not_allowed", 403)
        found = check_content(
            ui.workspace.catalogue(), today=ui.config.today(), contacts_file=ui.workspace.contacts_path
        )
        errors = [f for f in found if f.severity == ERROR]
        if errors:
            return ui.page(
                request,
                "publish.html",
                409,
                publications=publications.listing(url=ui.url),
                error=ui.notices["publish_errors"],
                errors=errors,
            )
        note = ui.form(request, "note").strip()[:500]
        number = publications.publish(
            publications.snapshot(ui.workspace.root), published_by=session.username, note=note, url=ui.url
        )
        ui.record(request, history.PUBLISH, "", {}, {"publication": number, "note": note})
        return ui.page(
            request,
            "publish.html",
            publications=publications.listing(url=ui.url),
            notice=ui.notices["published"].format(number=number),
        )

    # -- accounts -------------------------------------------------------------------------------------
    @app.get("/accounts")
    async def accounts_page(request: Request) -> HTTPResponse:
        if ui.who(request).role != ADMIN:
            return ui.notice(request, "not_allowed", 403)
        return ui.page(request, "accounts.html", accounts=accounts.listing(ui.url))
