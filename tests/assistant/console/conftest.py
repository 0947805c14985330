"""A console over a throw-away copy of the content files, its own database and a clock the test moves."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path
from typing import Any, Dict, Iterator, Optional

import pytest

from assistant.console import accounts
from assistant.console.app import Config, create_app
from assistant.console.texts import Workspace
from assistant.settings import settings
from tests.conftest import PROJECT_ROOT

PASSWORD = "correct horse battery staple"
TODAY = dt.date(2026, 12, 7)
CSRF = re.compile(r'name="csrf" value="([^"]*)"')


@pytest.fixture(scope="session")
def content_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's content files, copied once (each test copies this copy)."""
    root = tmp_path_factory.mktemp("content")
    for part in ("data", "content"):
        shutil.copytree(PROJECT_ROOT / part, root / part)
    shutil.copy(PROJECT_ROOT / "domain.yml", root / "domain.yml")
    (root / "tests").mkdir()
    for path in PROJECT_ROOT.glob("tests/test_*.yml"):
        shutil.copy(path, root / "tests" / path.name)
    fixture = settings().contacts_file.relative_to(PROJECT_ROOT)
    (root / fixture).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(PROJECT_ROOT / fixture, root / fixture)
    return root


@pytest.fixture
def workspace(content_copy: Path, tmp_path: Path) -> Workspace:
    root = tmp_path / "root"
    shutil.copytree(content_copy, root)
    return Workspace(root)


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


class Browser:
    """One person's cookies and the CSRF token of the last page they opened."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.cookies: Dict[str, str] = {}
        self.csrf = ""
        self.address = "127.0.0.1"

    def _keep(self, response: Any) -> Any:
        for name, value in response.cookies.items():
            self.cookies[name] = value
        found = CSRF.search(response.text or "")
        if found:
            self.csrf = found.group(1)
        return response

    def get(self, path: str) -> Any:
        _, response = self.app.test_client.get(path, cookies=self.cookies, allow_redirects=False)
        return self._keep(response)

    def post(self, path: str, data: Dict[str, Any], csrf: Optional[str] = None) -> Any:
        body = {"csrf": self.csrf if csrf is None else csrf, **data}
        _, response = self.app.test_client.post(path, data=body, cookies=self.cookies, allow_redirects=False)
        return self._keep(response)

    def sign_in(self, username: str, password: str = PASSWORD) -> Any:
        self.get("/sign-in")
        return self.post("/sign-in", {"username": username, "password": password})


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'console.db'}"
    for name, role in (("edna", "editor"), ("eric", "editor"), ("rita", "clinical reviewer")):
        accounts.save_account(name, role, PASSWORD, url)
    accounts.save_account("rob", "clinical reviewer", PASSWORD, url)
    accounts.save_account("ada", "admin", PASSWORD, url)
    return url


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def endpoints(tmp_path: Path) -> Path:
    """An endpoints file naming a conversation store of the test's own (SQLite, empty until a test fills it)."""
    path = tmp_path / "endpoints.yml"
    path.write_text(
        "tracker_store:\n  type: assistant.store.redacting.RedactingSQLTrackerStore\n"
        f'  dialect: "sqlite"\n  db: "{tmp_path / "tracker.db"}"\n',
        encoding="utf-8",
    )
    return path


@pytest.fixture
def console(workspace: Workspace, db_url: str, clock: Clock, endpoints: Path) -> Iterator[Any]:
    config = Config(
        workspace, db_url=db_url, clock=clock, today=lambda: TODAY, rasa_url="http://127.0.0.1:9", endpoints=endpoints
    )
    yield create_app(config)


@pytest.fixture
def browser(console: Any) -> Browser:
    return Browser(console)


def signed_in(console: Any, username: str) -> Browser:
    person = Browser(console)
    response = person.sign_in(username)
    assert response.status == 302, response.text
    return person
