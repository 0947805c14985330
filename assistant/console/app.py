"""The console's web app (Sanic): pages rendered on the server, forms that work without JavaScript.

Every request but the sign-in page and the styles needs a session (:mod:`assistant.console.security`); every
form post needs the session's CSRF token. Roles: an editor changes wording and examples; a clinical reviewer
also signs off (never a change of their own) and publishes; an admin also publishes and sees the accounts.
"""

from __future__ import annotations

import datetime as dt
import itertools
import time
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Tuple

import yaml
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from assistant.console import (
    ADMIN,
    ASSETS_DIR,
    EDITOR,
    MESSAGES_PATH,
    REVIEWER,
    ROLES,
    STYLESHEETS,
    TEMPLATES_DIR,
    accounts,
    examples,
    history,
    preview,
    security,
    try_client,
)
from assistant.console.diffs import response_diff
from assistant.console.texts import Conflict, NotFound, Text, Workspace
from assistant.content import publications
from assistant.content.catalogue import plain
from assistant.content.dates import today_uk
from assistant.content.opening_hours import UK_TZ
from assistant.content.rules import ERROR, check_content, reading_grade
from assistant.content.similarity import normalise
from assistant.content.versions import OVERDUE, REVIEW_DUE, STATUSES, is_signed_off
from assistant.settings import settings

OPEN_PATHS = ("/sign-in", "/static/", "/assets/")
BUTTON_ROWS = 5
_names = itertools.count(1)
PUBLISHERS = (REVIEWER, ADMIN)
EDITORS = (EDITOR, REVIEWER, ADMIN)


@dataclass
class Config:
    """What one console serves: whose files, which database, which assistant to ask, which clock."""

    workspace: Workspace
    db_url: str = ""
    rasa_url: Optional[str] = None
    staff_token: Optional[str] = None
    secure_cookies: bool = False
    clock: Callable[[], float] = time.time
    today: Callable[[], dt.date] = today_uk


def _messages() -> Dict[str, Any]:
    return yaml.safe_load(MESSAGES_PATH.read_text(encoding="utf-8"))


def _when(at: float) -> str:
    return dt.datetime.fromtimestamp(at, UK_TZ).strftime("%d %b %Y %H:%M")


def create_app(config: Optional[Config] = None) -> Sanic:
    config = config or Config(Workspace(), secure_cookies=settings().console_secure_cookies)
    app = Sanic(f"staff_console_{next(_names)}")
    app.config.REQUEST_MAX_SIZE = 1_000_000
    messages = _messages()
    notices: Dict[str, str] = messages["notices"]
    templates = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)), autoescape=select_autoescape(["html"]), trim_blocks=True
    )
    templates.globals.update(messages=messages, roles=ROLES, when=_when)
    sessions = security.Sessions(clock=config.clock)
    limit = security.SignInLimit(clock=config.clock)
    workspace, url = config.workspace, config.db_url
    app.ctx.sessions, app.ctx.limit, app.ctx.config = sessions, limit, config

    stylesheet = next((path for path in STYLESHEETS if path.exists()), None)
    if stylesheet is not None:
        app.static("/static/console.css", str(stylesheet), content_type="text/css")
    app.static("/static/console-extra.css", str(TEMPLATES_DIR / "console.css"), content_type="text/css")
    if ASSETS_DIR.exists():
        app.static("/assets", str(ASSETS_DIR))

    # -- helpers --------------------------------------------------------------------------------------
    def page(request: Request, name: str, status: int = 200, **context: Any) -> HTTPResponse:
        session: Optional[security.Session] = getattr(request.ctx, "session", None)
        body = templates.get_template(name).render(
            session=session, csrf=session.csrf if session else "", path=request.path, **context
        )
        return response.html(body, status=status)

    def notice(request: Request, key: str, status: int, **values: Any) -> HTTPResponse:
        return page(request, "notice.html", status=status, notice=notices[key].format(**values))

    def cookie(resp: HTTPResponse, name: str, value: str, max_age: Optional[int] = None) -> None:
        resp.cookies[name] = value
        resp.cookies[name]["httponly"] = True
        resp.cookies[name]["samesite"] = "Strict"
        resp.cookies[name]["path"] = "/"
        if config.secure_cookies:
            resp.cookies[name]["secure"] = True
        if max_age is not None:
            resp.cookies[name]["max-age"] = max_age

    def form(request: Request, name: str) -> str:
        return str(request.form.get(name) or "") if request.form else ""

    def who(request: Request) -> security.Session:
        return request.ctx.session

    def record(request: Request, action: str, key: str, before: Any, after: Any) -> None:
        session = who(request)
        history.append(session.username, session.role, action, key, before, after, url=url)

    # -- middleware -----------------------------------------------------------------------------------
    @app.middleware("request")
    async def guard(request: Request) -> Optional[HTTPResponse]:
        request.ctx.session = None
        if request.path.startswith(OPEN_PATHS):
            return None
        token = request.cookies.get(security.SESSION_COOKIE)
        if sessions.expired(token):
            sessions.end(token)
            return response.redirect("/sign-in?notice=idle")
        session = sessions.get(token)
        if session is None:
            return response.redirect("/sign-in")
        request.ctx.session = session
        if request.method == "POST" and not security.same(form(request, "csrf"), session.csrf):
            return notice(request, "form_expired", 403)
        return None

    @app.middleware("response")
    async def headers(request: Request, resp: HTTPResponse) -> None:
        resp.headers["Content-Security-Policy"] = (
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'none'; "
            "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        )
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["Referrer-Policy"] = "no-referrer"
        resp.headers["X-Frame-Options"] = "DENY"
        if not request.path.startswith(("/static/", "/assets/")):
            resp.headers["Cache-Control"] = "no-store"

    # -- signing in and out ---------------------------------------------------------------------------
    @app.get("/sign-in")
    async def sign_in_page(request: Request) -> HTTPResponse:
        token = request.cookies.get(security.SIGN_IN_COOKIE) or security.secrets.token_urlsafe(32)
        key = str(request.args.get("notice") or "")
        resp = page(request, "sign_in.html", sign_in_csrf=token, notice=notices.get(key, ""), username="")
        cookie(resp, security.SIGN_IN_COOKIE, token, max_age=3600)
        return resp

    @app.post("/sign-in")
    async def sign_in(request: Request) -> HTTPResponse:
        token = request.cookies.get(security.SIGN_IN_COOKIE)
        if not security.same(form(request, "csrf"), token):
            return notice(request, "form_expired", 403)
        username, password = form(request, "username").strip(), form(request, "password")
        address = request.remote_addr or request.ip or ""

        def again(key: str, status: int) -> HTTPResponse:
            return page(request, "sign_in.html", status, sign_in_csrf=token, error=notices[key], username=username)

        if limit.blocked(username, address):
            return again("sign_in_limited", 429)
        account = accounts.verify(username, password, url) if username and password else None
        if account is None:
            limit.failed(username, address)
            return again("sign_in_limited" if limit.blocked(username, address) else "sign_in_wrong", 401)
        limit.succeeded(username)
        resp = response.redirect("/")
        cookie(resp, security.SESSION_COOKIE, sessions.start(account.username, account.role))
        return resp

    @app.post("/sign-out")
    async def sign_out(request: Request) -> HTTPResponse:
        sessions.end(request.cookies.get(security.SESSION_COOKIE))
        resp = response.redirect("/sign-in?notice=signed_out")
        del resp.cookies[security.SESSION_COOKIE]
        return resp

    # -- the answers list -----------------------------------------------------------------------------
    @app.get("/")
    async def texts_list(request: Request) -> HTTPResponse:
        today = config.today()
        query = str(request.args.get("q") or "").strip()
        kind = str(request.args.get("kind") or "")
        wanted = str(request.args.get("status") or "")
        review_view = request.args.get("view") == "review-due"
        rows: List[Dict[str, Any]] = []
        for text in workspace.texts().values():
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
        kinds = sorted({t.kind for t in workspace.texts().values()})
        return page(
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
    def find_text(key: str) -> Optional[Text]:
        try:
            return workspace.text(key)
        except NotFound:
            return None

    def edit_page(request: Request, text: Text, draft: Text, status: int = 200, **context: Any) -> HTTPResponse:
        catalogue = workspace.catalogue()
        previewer = preview.Previewer(workspace)
        return page(
            request,
            "edit.html",
            status,
            text=text,
            draft=draft,
            status_now=text.status(config.today()),
            preview=previewer.html(draft, catalogue),
            placeholders=previewer.placeholders(),
            findings=context.pop("findings", None),
            sources=catalogue.sources,
            button_rows=max(BUTTON_ROWS, len(draft.buttons) + 2),
            **context,
        )

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
        wording = "\n".join(line.rstrip() for line in form(request, "text").replace("\r\n", "\n").split("\n"))
        wording = wording.strip()
        buttons, incomplete = [], False
        for index in range(50):
            title = form(request, f"button_title_{index}").strip()
            payload = form(request, f"button_payload_{index}").strip()
            if title and payload:
                buttons.append({"title": title, "payload": payload})
            elif title or payload:
                incomplete = True
        sources = [s for s in (request.form.getlist("source") or []) if s.strip()] if request.form else []
        return wording, buttons, sources, incomplete

    @app.get("/edit")
    async def edit(request: Request) -> HTTPResponse:
        text = find_text(str(request.args.get("key") or ""))
        if text is None:
            return notice(request, "not_found", 404)
        return edit_page(request, text, text, base_version=text.version, base_text=text.text)

    @app.post("/edit")
    async def edit_post(request: Request) -> HTTPResponse:
        text = find_text(form(request, "key"))
        if text is None:
            return notice(request, "not_found", 404)
        wording, buttons, sources, incomplete = posted_draft(request, text)
        action = form(request, "action")
        if action == "insert" and form(request, "placeholder"):
            wording = f"{wording} {{{form(request, 'placeholder')}}}".strip()
        today = config.today()
        added_source = ""
        if action == "add_source":
            source_url = form(request, "new_source_url").strip()
            title, publisher = form(request, "new_source_title").strip(), form(request, "new_source_publisher").strip()
            if not (source_url.startswith("https://") and " " not in source_url and title and publisher):
                added_source = notices["source_invalid"]
            else:
                try:
                    entry = workspace.add_source(source_url, title, publisher, today)
                except ValueError as error:
                    added_source = notices[str(error)]
                else:
                    record(request, history.SAVE, "sources", {}, entry)
                    sources = [*sources, source_url]
        draft = draft_of(text, wording, buttons, sources)
        base_version, base_text = form(request, "version"), form(request, "base_text")
        found = preview.findings(draft, workspace.catalogue(), workspace, today)
        context: Dict[str, Any] = {"base_version": base_version, "base_text": base_text, "findings": found}
        if action == "add_source" and added_source:
            return edit_page(request, text, draft, 400, error=added_source, **context)
        if action == "add_source":
            return edit_page(request, text, draft, notice=notices["source_added"], **context)
        if action != "save":
            return edit_page(request, text, draft, **context)
        if incomplete:
            return edit_page(request, text, draft, 400, error=notices["wrong_field"], **context)
        try:
            before, after = workspace.change(text.key, base_version, wording, buttons, sources)
        except Conflict as conflict:
            theirs = {**conflict.current}
            other = response_diff({"text": base_text}, theirs)
            context.update(base_version=text.version, base_text=text.text)
            return edit_page(request, text, draft, 409, error=notices["conflict"], other_change=other, **context)
        if after is before:
            return edit_page(request, text, draft, notice=notices["unchanged"], **context)
        record(request, history.SAVE, text.key, before, after)
        saved = workspace.text(text.key)
        context.update(base_version=saved.version, base_text=saved.text)
        return edit_page(request, saved, saved, notice=notices["saved"], **context)

    # -- sign-off -------------------------------------------------------------------------------------
    def previous_version(text: Text) -> Dict[str, Any]:
        """What this change started from: the first change since the last sign-off, else the signed text."""
        earliest: Optional[Dict[str, Any]] = None
        for entry in history.entries(text.key, limit=1000, url=url):
            if entry.action == history.SIGN_OFF:
                break
            if entry.action in (history.SAVE, history.RESTORE) and isinstance(entry.before, dict):
                earliest = entry.before
        if earliest is not None:
            return earliest
        signed = text.metadata.get("signed_text")
        return {"text": str(signed)} if signed else {}

    def sign_off_page(request: Request, text: Text, status: int = 200, **context: Any) -> HTTPResponse:
        authors = history.authors_since_sign_off(text.key, url=url)
        return page(
            request,
            "sign_off.html",
            status,
            text=text,
            status_now=text.status(config.today()),
            diff=response_diff(previous_version(text), text.response),
            authors=authors,
            own_change=who(request).username in authors,
            signed=is_signed_off(text.response),
            **context,
        )

    @app.get("/sign-off")
    async def sign_off_view(request: Request) -> HTTPResponse:
        text = find_text(str(request.args.get("key") or ""))
        if text is None:
            return notice(request, "not_found", 404)
        return sign_off_page(request, text)

    @app.post("/sign-off")
    async def sign_off(request: Request) -> HTTPResponse:
        session = who(request)
        if session.role != REVIEWER:
            return notice(request, "not_allowed", 403)
        text = find_text(form(request, "key"))
        if text is None:
            return notice(request, "not_found", 404)
        if session.username in history.authors_since_sign_off(text.key, url=url):
            return sign_off_page(request, text, 403, error=notices["sign_off_own"])
        if text.version != form(request, "version"):
            return sign_off_page(request, text, 409, error=notices["sign_off_changed"])
        if is_signed_off(text.response):
            return sign_off_page(request, text, notice=notices["already_signed"])
        try:
            before, after = workspace.sign_off(text.key, text.version, session.username, session.role, config.today())
        except Conflict:
            return sign_off_page(request, workspace.text(text.key), 409, error=notices["sign_off_changed"])
        record(request, history.SIGN_OFF, text.key, before, after)
        return sign_off_page(request, workspace.text(text.key), notice=notices["signed_off"])

    # -- history and restore --------------------------------------------------------------------------
    @app.get("/history")
    async def history_page(request: Request) -> HTTPResponse:
        key = str(request.args.get("key") or "") or None
        broken = history.verify_chain(url=url)
        rows = []
        texts = workspace.texts()
        for entry in history.entries(key, url=url):
            restorable = entry.action in (history.SAVE, history.RESTORE) and entry.text_key in texts
            diff = (
                response_diff(entry.before, entry.after)
                if isinstance(entry.before, dict) and isinstance(entry.after, dict)
                else None
            )
            rows.append({"entry": entry, "diff": diff, "restorable": restorable})
        chain = notices["history_broken"].format(number=broken) if broken else notices["history_intact"]
        return page(request, "history.html", rows=rows, key=key, chain=chain, broken=broken)

    @app.post("/restore")
    async def restore(request: Request) -> HTTPResponse:
        if who(request).role not in EDITORS:
            return notice(request, "not_allowed", 403)
        try:
            entry = history.find(int(form(request, "entry")), url=url)
        except ValueError:
            entry = None
        which = form(request, "which")
        if entry is None or entry.action not in (history.SAVE, history.RESTORE) or which not in ("before", "after"):
            return notice(request, "not_found", 404)
        earlier = entry.before if which == "before" else entry.after
        if not isinstance(earlier, dict) or find_text(entry.text_key) is None:
            return notice(request, "not_found", 404)
        before, after = workspace.restore(entry.text_key, earlier)
        record(request, history.RESTORE, entry.text_key, before, after)
        text = workspace.text(entry.text_key)
        return edit_page(
            request, text, text, notice=notices["restored"], base_version=text.version, base_text=text.text
        )

    # -- publish --------------------------------------------------------------------------------------
    @app.get("/publish")
    async def publish_page(request: Request) -> HTTPResponse:
        return page(request, "publish.html", publications=publications.listing(url=url))

    @app.post("/publish")
    async def publish(request: Request) -> HTTPResponse:
        session = who(request)
        if session.role not in PUBLISHERS:
            return notice(request, "not_allowed", 403)
        found = check_content(workspace.catalogue(), today=config.today(), contacts_file=workspace.contacts_path)
        errors = [f for f in found if f.severity == ERROR]
        if errors:
            return page(
                request,
                "publish.html",
                409,
                publications=publications.listing(url=url),
                error=notices["publish_errors"],
                errors=errors,
            )
        note = form(request, "note").strip()[:500]
        number = publications.publish(
            publications.snapshot(workspace.root), published_by=session.username, note=note, url=url
        )
        record(request, history.PUBLISH, "", {}, {"publication": number, "note": note})
        return page(
            request,
            "publish.html",
            publications=publications.listing(url=url),
            notice=notices["published"].format(number=number),
        )

    # -- example questions ----------------------------------------------------------------------------
    def examples_page(request: Request, text: Text, status: int = 200, **context: Any) -> HTTPResponse:
        others = sorted(t.key for t in workspace.texts().values() if t.kind == "answer" and t.key != text.key)
        return page(
            request,
            "examples.html",
            status,
            text=text,
            examples=examples.examples_of(workspace.nlu_dir, text.key),
            others=others,
            **context,
        )

    @app.get("/examples")
    async def examples_view(request: Request) -> HTTPResponse:
        text = find_text(str(request.args.get("key") or ""))
        if text is None or text.kind != "answer":
            return notice(request, "not_found", 404)
        return examples_page(request, text)

    @app.post("/examples")
    async def examples_post(request: Request) -> HTTPResponse:
        text = find_text(form(request, "key"))
        if text is None or text.kind != "answer":
            return notice(request, "not_found", 404)
        action, example = form(request, "action"), examples.clean(form(request, "example"))
        history_key = f"examples:{text.key}"
        try:
            if action == "try":
                try:
                    tried = await try_client.try_question(example, config.rasa_url, config.staff_token)
                except try_client.TryError as error:
                    return examples_page(request, text, 502, error=notices[error.reason], tried_text=example)
                return examples_page(request, text, tried=tried, tried_text=example)
            if action == "add":
                near = examples.near_others(example, text.key, workspace.catalogue())
                if any(n.identical for n in near):
                    return examples_page(request, text, 409, error=notices["example_same"], near=near, refused=True)
                if near and form(request, "confirm") != "yes":
                    return examples_page(request, text, 409, error=notices["example_near"], near=near, pending=example)
                before, after = examples.add(workspace.nlu_dir, text.key, example)
                record(request, history.SAVE, history_key, before, after)
                return examples_page(request, text, notice=notices["example_added"])
            if action == "remove":
                before, after = examples.remove(workspace.nlu_dir, text.key, form(request, "example"))
                record(request, history.SAVE, history_key, before, after)
                return examples_page(request, text, notice=notices["example_removed"])
            if action == "move":
                target = find_text(form(request, "to"))
                if target is None or target.kind != "answer" or target.key == text.key:
                    return notice(request, "not_found", 404)
                moved = form(request, "example")
                before, after = examples.remove(workspace.nlu_dir, text.key, moved)
                record(request, history.SAVE, history_key, before, after)
                before, after = examples.add(workspace.nlu_dir, target.key, moved)
                record(request, history.SAVE, f"examples:{target.key}", before, after)
                return examples_page(request, text, notice=notices["example_moved"])
        except examples.ExampleError as error:
            return examples_page(request, text, 400, error=notices[str(error)])
        return notice(request, "not_found", 404)

    # -- accounts -------------------------------------------------------------------------------------
    @app.get("/accounts")
    async def accounts_page(request: Request) -> HTTPResponse:
        if who(request).role != ADMIN:
            return notice(request, "not_allowed", 403)
        return page(request, "accounts.html", accounts=accounts.listing(url))

    return app


def serve(port: Optional[int] = None, host: Optional[str] = None) -> None:
    """Run the console (``python -m assistant.console``) on ``settings().bind_address:console_port``."""
    reading_grade("The reading grade's word list loads once, before the first page is asked for.")
    examples.holds_personal_data("And the name lists of the redaction, once.")
    app = create_app()
    app.run(
        host=host or settings().bind_address,
        port=port or settings().console_port,
        access_log=False,
        debug=False,
    )
