"""The console's web app (Sanic): pages rendered on the server, forms that work without JavaScript.

This module signs people in and out and guards every request; the pages are in ``routes_texts`` (the list and
editing, with what patients said of an answer), ``routes_review`` (sign-off, history and restore, publish,
accounts), ``routes_examples``, ``routes_impact`` (the impact figures and their CSV) and ``routes_unanswered``
(patients' unanswered questions, grouped).

Every request but the sign-in page and the styles needs a session (:mod:`assistant.console.security`); every
form post needs the session's CSRF token. Roles: an editor changes wording and examples; a clinical reviewer
also signs off (never a change of their own) and publishes; an admin also publishes and sees the accounts.
"""

from __future__ import annotations

import itertools
from typing import Optional

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from assistant.console import (
    ASSETS_DIR,
    STYLESHEETS,
    TEMPLATES_DIR,
    accounts,
    examples,
    routes_examples,
    routes_impact,
    routes_review,
    routes_texts,
    routes_unanswered,
    security,
)
from assistant.console.texts import Workspace
from assistant.console.ui import Config, Pages
from assistant.content.rules import reading_grade
from assistant.settings import settings

__all__ = ["Config", "create_app", "serve"]
OPEN_PATHS = ("/sign-in", "/static/", "/assets/")
_names = itertools.count(1)


def create_app(config: Optional[Config] = None) -> Sanic:
    config = config or Config(Workspace(), secure_cookies=settings().console_secure_cookies)
    app = Sanic(f"staff_console_{next(_names)}")
    app.config.REQUEST_MAX_SIZE = 1_000_000
    ui = Pages(config)
    sessions = security.Sessions(clock=config.clock)
    limit = security.SignInLimit(clock=config.clock)
    app.ctx.sessions, app.ctx.limit, app.ctx.config = sessions, limit, config
    page, notice, form, notices, url = ui.page, ui.notice, ui.form, ui.notices, config.db_url

    stylesheet = next((path for path in STYLESHEETS if path.exists()), None)
    if stylesheet is not None:
        app.static("/static/console.css", str(stylesheet), content_type="text/css")
    app.static("/static/console-extra.css", str(TEMPLATES_DIR / "console.css"), content_type="text/css")
    if ASSETS_DIR.exists():
        app.static("/assets", str(ASSETS_DIR))

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
        ui.cookie(resp, security.SIGN_IN_COOKIE, token, max_age=3600)
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
        ui.cookie(resp, security.SESSION_COOKIE, sessions.start(account.username, account.role))
        return resp

    @app.post("/sign-out")
    async def sign_out(request: Request) -> HTTPResponse:
        sessions.end(request.cookies.get(security.SESSION_COOKIE))
        resp = response.redirect("/sign-in?notice=signed_out")
        del resp.cookies[security.SESSION_COOKIE]
        return resp

    routes_texts.register(app, ui)
    routes_review.register(app, ui)
    routes_examples.register(app, ui)
    routes_unanswered.register(app, ui)
    routes_impact.register(app, ui)
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
