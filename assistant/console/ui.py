"""What every page of the console shares: its configuration, the templates and notices, the signed-in person,
the history record of what they do, and the edit page (shown after an edit and after a restore).

Why a module: the routes live in small modules (:mod:`assistant.console.routes_texts`,
:mod:`~assistant.console.routes_review`, :mod:`~assistant.console.routes_examples`,
:mod:`~assistant.console.routes_unanswered`); they render pages and read
forms the same way through one :class:`Pages`.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

import yaml
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

from assistant.console import ADMIN, EDITOR, MESSAGES_PATH, REVIEWER, ROLES, TEMPLATES_DIR, history, preview, security
from assistant.console.figures_cache import DEFAULT_SECONDS, FiguresCache, FiguresUnavailable
from assistant.console.texts import NotFound, Text, Workspace
from assistant.content import publications
from assistant.content.dates import today_uk
from assistant.content.opening_hours import UK_TZ
from assistant.content.versions import text_version
from assistant.staff.figures import Reader, VersionFigures, answer_versions

logger = logging.getLogger(__name__)

BUTTON_ROWS = 5
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
    endpoints: Optional[Path] = None  # where the conversation store is named (default: the settings' endpoints file)
    figures_seconds: float = DEFAULT_SECONDS  # how long the staff figures read from it are kept


@lru_cache(maxsize=2)
def _published_files(number: int, url: str) -> Dict[str, str]:
    """The files of one publication (publications never change, so each is read once)."""
    publication = publications.load(number, url)
    return publication.files if publication is not None else {}


def when(at: float) -> str:
    return dt.datetime.fromtimestamp(at, UK_TZ).strftime("%d %b %Y %H:%M")


class Pages:
    """Rendering, forms and the history record, for one console."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.workspace = config.workspace
        self.url = config.db_url
        self.messages: Dict[str, Any] = yaml.safe_load(MESSAGES_PATH.read_text(encoding="utf-8"))
        self.notices: Dict[str, str] = self.messages["notices"]
        self.templates = Environment(
            loader=FileSystemLoader(str(TEMPLATES_DIR)), autoescape=select_autoescape(["html"]), trim_blocks=True
        )
        self.templates.globals.update(messages=self.messages, roles=ROLES, when=when)
        self.figures = FiguresCache(Reader(config.endpoints), config.figures_seconds, config.clock)

    def page(self, request: Request, name: str, status: int = 200, **context: Any) -> HTTPResponse:
        session: Optional[security.Session] = getattr(request.ctx, "session", None)
        body = self.templates.get_template(name).render(
            session=session, csrf=session.csrf if session else "", path=request.path, **context
        )
        return response.html(body, status=status)

    def notice(self, request: Request, key: str, status: int, **values: Any) -> HTTPResponse:
        return self.page(request, "notice.html", status=status, notice=self.notices[key].format(**values))

    def cookie(self, resp: HTTPResponse, name: str, value: str, max_age: Optional[int] = None) -> None:
        resp.cookies[name] = value
        resp.cookies[name]["httponly"] = True
        resp.cookies[name]["samesite"] = "Strict"
        resp.cookies[name]["path"] = "/"
        if self.config.secure_cookies:
            resp.cookies[name]["secure"] = True
        if max_age is not None:
            resp.cookies[name]["max-age"] = max_age

    @staticmethod
    def form(request: Request, name: str) -> str:
        return str(request.form.get(name) or "") if request.form else ""

    @staticmethod
    def who(request: Request) -> security.Session:
        return request.ctx.session

    def record(self, request: Request, action: str, key: str, before: Any, after: Any) -> None:
        session = self.who(request)
        history.append(session.username, session.role, action, key, before, after, url=self.url)

    def find_text(self, key: str) -> Optional[Text]:
        try:
            return self.workspace.text(key)
        except NotFound:
            return None

    def edit_page(self, request: Request, text: Text, draft: Text, status: int = 200, **context: Any) -> HTTPResponse:
        catalogue = self.workspace.catalogue()
        previewer = preview.Previewer(self.workspace)
        return self.page(
            request,
            "edit.html",
            status,
            text=text,
            draft=draft,
            status_now=text.status(self.config.today()),
            preview=previewer.html(draft, catalogue),
            placeholders=previewer.placeholders(),
            findings=context.pop("findings", None),
            sources=catalogue.sources,
            button_rows=max(BUTTON_ROWS, len(draft.buttons) + 2),
            ratings=self.answer_ratings(text),
            **context,
        )

    async def read_figures(self) -> bool:
        """Make sure the staff figures were read in the last minute; False when the store cannot be read."""
        try:
            await self.figures.get()
        except FiguresUnavailable as error:
            logger.warning("The staff figures could not be read: %s", type(error.__cause__).__name__)
            return False
        return True

    def live_version(self, text: Text) -> str:
        """The version of ``text`` patients get now: the latest publication's, or the files' when none was made."""
        number = publications.latest_number(self.url)
        if not number:
            return text.version
        source = _published_files(number, self.url).get(text.path.relative_to(self.workspace.root).as_posix())
        try:
            node: Any = yaml.safe_load(source or "")
            for part in text.address:
                node = node[part]
        except (KeyError, IndexError, TypeError, yaml.YAMLError):
            return ""
        return text_version(node) if isinstance(node, dict) else ""

    def answer_ratings(self, text: Text) -> Optional[Dict[str, Any]]:
        """What patients said of an answer, per version of its wording (the live one first), for its edit page."""
        if text.kind != "answer":
            return None
        try:
            versions: List[VersionFigures] = list(self.figures.derived("versions", answer_versions).get(text.key, []))
        except FiguresUnavailable:
            return {"unavailable": True, "rows": [], "live": ""}
        live = self.live_version(text)
        if versions and live and all(v.version != live for v in versions):
            versions.insert(0, VersionFigures(live))
        versions.sort(key=lambda v: v.version != live)  # the live one first, then the most recently seen
        return {"unavailable": False, "rows": versions, "live": live}
