"""Every setting of the assistant, with its default and what it means: the one place that reads the environment.

Why one module: a setting read in several places drifts (the allowed web origins were once written in four
places, the server environment in three). Every other module asks :func:`settings` (or, for the servers it
starts, :meth:`Settings.server_environment`); ``tests/test_architecture.py`` fails if any other Python file of
the repository reads ``os.environ``. ``scripts/env.sh`` takes the shell's values from here too
(``python -m assistant.settings --shell``).

Values come from the environment, else from the conversation store's section of the endpoints file in use
(``retention_days``, ``history_turns``: the one home of those two, which Rasa's tracker store also reads),
else from the defaults below. They are read once per process; tests build their own with
:meth:`Settings.from_environment` or :func:`override`.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import secrets
import shlex
import sys
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterator, List, Mapping, Optional, Tuple

import yaml

ROOT = Path(__file__).resolve().parents[1]
VAR_DIR = ROOT / "var"

DEFAULT_RETENTION_DAYS = 30
# The action server takes the time from message metadata only when this variable is "1" (the end-to-end
# scenarios' test clock, actions/clock.py); `make run` clears it.
TEST_CLOCK_VARIABLE = "CART_TEST_CLOCK"
DEFAULT_HISTORY_TURNS = 5

# What the libraries the servers load must be told, whoever starts them: a patient service sends nothing to
# Rasa's telemetry, the sentence model is installed locally (never ask Hugging Face's hub), TensorFlow runs
# quietly on the CPU, and textstat finds NLTK's pronouncing dictionary in var/ instead of downloading it.
LIBRARY_ENVIRONMENT: Dict[str, str] = {
    "RASA_TELEMETRY_ENABLED": "false",
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "CUDA_VISIBLE_DEVICES": "",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    "NLTK_DATA": str(VAR_DIR / "nltk_data"),
}


@dataclass(frozen=True)
class Settings:
    """The assistant's settings. Each field's comment names its environment variable and says what it does."""

    # -- where the servers listen ------------------------------------------------------------------
    bind_address: str = "127.0.0.1"  # BIND_ADDRESS: the address every server binds; a container sets its own
    rasa_port: int = 5005  # RASA_PORT: the assistant (REST and socket.io channels)
    action_port: int = 5055  # ACTION_PORT: the action server (handoff)
    web_port: int = 8080  # WEB_PORT: the demo page of `make run`
    action_server_token: str = ""  # ACTION_SERVER_TOKEN: the Rasa server's bearer token to the action server
    #                                (empty: `make run` and the tests make a fresh one each time)
    # -- model and files ---------------------------------------------------------------------------
    model_name: str = "cart-assistant"  # MODEL_NAME: models/<name>.tar.gz
    endpoints: Path = ROOT / "endpoints.yml"  # ENDPOINTS: endpoints.yml, or endpoints.scale.yml for replicas
    contacts_file: Path = ROOT / "content" / "contacts.yml"  # CONTACTS_FILE: the contacts file in use
    responses_dir: Path = ROOT / "data" / "responses"  # CONTENT_RESPONSES_DIR: answers served live
    examples_dir: Optional[Path] = None  # CONTENT_NLU_DIR: example questions learnt live (else config.yml's)
    var_dir: Path = VAR_DIR  # VAR_DIR: local state (SQLite store, keys, logs), owner-only
    # -- the web surface ---------------------------------------------------------------------------
    cors_origins: Tuple[str, ...] = ()  # CORS_ORIGINS (space-separated): pages allowed to call the chat;
    #                                     default: the demo page of `make run`
    request_max_bytes: int = 65536  # REQUEST_MAX_BYTES: the largest request body (a 1,000-character message
    #                                 is ~6 KB of JSON)
    proxies_count: int = 0  # PROXIES_COUNT: reverse proxies in front of the server (nginx: 1), so the
    #                         per-address limit sees the patient's address, not the proxy's
    rate_limit_per_session: str = "30/60"  # RATE_LIMIT_PER_SESSION: messages per conversation and per
    #                                        connection, "<count>/<seconds>"
    rate_limit_per_ip: str = "300/60"  # RATE_LIMIT_PER_IP: messages per client address (a care home may put
    #                                    many patients behind one)
    conversation_key: str = ""  # CONVERSATION_KEY: the key of the conversation ids (a keyed hash of what the
    #                             client holds); empty: var/conversation.key, made once. Replicas share one.
    # -- staff content and the console ---------------------------------------------------------------
    content_db_url: str = ""  # CONTENT_DATABASE_URL: the console's accounts, history and publications (SQLAlchemy
    #                           URL); default sqlite in var/console.db; PostgreSQL for several replicas
    console_port: int = 8090  # CONSOLE_PORT: the staff console of `make run`
    console_secure_cookies: bool = False  # CONSOLE_SECURE_COOKIES=1: the console is served over HTTPS (behind a
    #                                       proxy that ends TLS): its session cookie is sent only over HTTPS
    staff_api_token: str = ""  # STAFF_API_TOKEN: the console's bearer token to the assistant's staff routes ("try
    #                            a question"); empty: `make run` makes a fresh one each time, the routes refuse all
    served_content_dir: Optional[Path] = None  # SERVED_CONTENT_DIR: where a Rasa server writes the latest
    #                                            publication and serves from; empty: the repository's files
    serve_signed_off_only: bool = False  # SERVE_SIGNED_OFF_ONLY=1 (a live deployment): a text not signed off as it
    #                                      is now gives way to "under review"; `make run` serves every text
    # -- conversations -----------------------------------------------------------------------------
    retention_days: int = DEFAULT_RETENTION_DAYS  # endpoints file, tracker_store.retention_days
    history_turns: int = DEFAULT_HISTORY_TURNS  # endpoints file, tracker_store.history_turns
    # -- tests only --------------------------------------------------------------------------------
    test_clock: bool = False  # CART_TEST_CLOCK=1: the action server takes the time from message metadata
    environment: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)

    @property
    def action_server_url(self) -> str:
        """Where the Rasa server calls the action server (ACTION_SERVER_URL; default on loopback)."""
        return self.environment.get("ACTION_SERVER_URL") or f"http://127.0.0.1:{self.action_port}/webhook"

    @property
    def model_path(self) -> Path:
        return ROOT / "models" / f"{self.model_name}.tar.gz"

    @classmethod
    def from_environment(cls, environ: Optional[Mapping[str, str]] = None) -> "Settings":
        """The settings for ``environ`` (default: this process's environment)."""
        env = dict(os.environ if environ is None else environ)

        def text(name: str, default: str) -> str:
            return env.get(name) or default

        def path(name: str, default: Path) -> Path:
            return _project_path(env[name]) if env.get(name) else default

        web_port = int(text("WEB_PORT", str(cls.web_port)))
        endpoints = path("ENDPOINTS", cls.endpoints)
        store = _tracker_store_section(endpoints, env)
        return cls(
            bind_address=text("BIND_ADDRESS", cls.bind_address),
            rasa_port=int(text("RASA_PORT", str(cls.rasa_port))),
            action_port=int(text("ACTION_PORT", str(cls.action_port))),
            web_port=web_port,
            action_server_token=text("ACTION_SERVER_TOKEN", ""),
            model_name=text("MODEL_NAME", cls.model_name),
            endpoints=endpoints,
            contacts_file=path("CONTACTS_FILE", cls.contacts_file),
            responses_dir=path("CONTENT_RESPONSES_DIR", cls.responses_dir),
            examples_dir=path("CONTENT_NLU_DIR", ROOT) if env.get("CONTENT_NLU_DIR") else None,
            var_dir=path("VAR_DIR", VAR_DIR),
            cors_origins=tuple(
                text("CORS_ORIGINS", f"http://127.0.0.1:{web_port} http://localhost:{web_port}").split()
            ),
            request_max_bytes=int(text("REQUEST_MAX_BYTES", str(cls.request_max_bytes))),
            proxies_count=_whole_number(env, "PROXIES_COUNT", cls.proxies_count),
            rate_limit_per_session=text("RATE_LIMIT_PER_SESSION", cls.rate_limit_per_session),
            rate_limit_per_ip=text("RATE_LIMIT_PER_IP", cls.rate_limit_per_ip),
            conversation_key=text("CONVERSATION_KEY", ""),
            content_db_url=text("CONTENT_DATABASE_URL", f"sqlite:///{path('VAR_DIR', VAR_DIR) / 'console.db'}"),
            console_port=_whole_number(env, "CONSOLE_PORT", cls.console_port),
            console_secure_cookies=env.get("CONSOLE_SECURE_COOKIES") == "1",
            staff_api_token=text("STAFF_API_TOKEN", ""),
            served_content_dir=path("SERVED_CONTENT_DIR", ROOT) if env.get("SERVED_CONTENT_DIR") else None,
            serve_signed_off_only=env.get("SERVE_SIGNED_OFF_ONLY") == "1",
            retention_days=int(store.get("retention_days") or DEFAULT_RETENTION_DAYS),
            history_turns=int(store.get("history_turns") or DEFAULT_HISTORY_TURNS),
            test_clock=env.get(TEST_CLOCK_VARIABLE) == "1",
            environment=env,
        )

    def get(self, name: str, default: str = "") -> str:
        """A variable of the environment these settings were read from that is no setting of the assistant's
        own (a tool's knob, such as a benchmark's length): read here so that nothing else reads the environment."""
        return self.environment.get(name) or default

    def server_environment(self, extra: Optional[Mapping[str, str]] = None) -> Dict[str, str]:
        """The environment of a server this process starts: this one, with the libraries told what they must
        be (:data:`LIBRARY_ENVIRONMENT`), the project importable and Sanic on :attr:`bind_address`."""
        return {
            **self.environment,
            **LIBRARY_ENVIRONMENT,
            "PYTHONPATH": str(ROOT),
            "SANIC_HOST": self.bind_address,
            **(extra or {}),
        }

    def shell_exports(self) -> str:
        """``export NAME=value`` lines for ``scripts/env.sh``: the libraries' environment and the settings
        the shell scripts use."""
        values = {
            **LIBRARY_ENVIRONMENT,
            "SANIC_HOST": self.bind_address,
            "RASA_PORT": str(self.rasa_port),
            "ACTION_PORT": str(self.action_port),
            "WEB_PORT": str(self.web_port),
            "MODEL_NAME": self.model_name,
            "CORS_ORIGINS": " ".join(self.cors_origins),
            "VAR_DIR": str(self.var_dir),
            # endpoints.yml names the action server's token: commands run from the shell (rasa test, rasa
            # shell) need a value; `make shell` passes the one `make run` wrote to var/action_server.token
            "ACTION_SERVER_TOKEN": self.action_server_token or secrets.token_hex(24),
        }
        return "".join(f"export {name}={shlex.quote(value)}\n" for name, value in values.items())


def _whole_number(env: Mapping[str, str], name: str, default: int) -> int:
    """A setting that must be a whole number, 0 or more; refused with its name otherwise."""
    value = env.get(name, "")
    if not value:
        return default
    if not value.strip().isdigit():
        raise ValueError(f"{name} must be a whole number (0 or more), not {value!r}")
    return int(value)


def _project_path(value: str) -> Path:
    candidate = Path(value)
    return candidate if candidate.is_absolute() else ROOT / candidate


_VARIABLE = re.compile(r"\$\{(\w+)\}")


def _tracker_store_section(endpoints: Path, env: Mapping[str, str]) -> Dict[str, Any]:
    """``tracker_store:`` of the endpoints file, ``${VAR}`` filled from ``env`` as Rasa does; empty if unreadable."""
    try:
        data = yaml.safe_load(endpoints.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return {}
    section = data.get("tracker_store") if isinstance(data, dict) else None
    if not isinstance(section, dict):
        return {}
    return {
        key: _VARIABLE.sub(lambda m: env.get(m.group(1), ""), value) if isinstance(value, str) else value
        for key, value in section.items()
    }


_overrides: List[Settings] = []


@lru_cache(maxsize=1)
def _from_process_environment() -> Settings:
    return Settings.from_environment()


def settings() -> Settings:
    """This process's settings, read once (or those of the innermost :func:`override`)."""
    return _overrides[-1] if _overrides else _from_process_environment()


@contextlib.contextmanager
def override(**changes: Any) -> Iterator[Settings]:
    """Tests: this process's settings with ``changes``, for the duration of a ``with`` block."""
    changed = replace(settings(), **changes)
    _overrides.append(changed)
    try:
        yield changed
    finally:
        _overrides.remove(changed)


def apply_library_environment() -> None:
    """Tell the libraries loaded in THIS process what :data:`LIBRARY_ENVIRONMENT` says, before they are
    imported (``transformers`` and ``huggingface_hub`` read it once, at import), and give Rasa the folder of
    local state the endpoints file names (``${VAR_DIR}``). Values already set win."""
    for name, value in {**LIBRARY_ENVIRONMENT, "VAR_DIR": str(settings().var_dir)}.items():
        os.environ.setdefault(name, value)


def describe() -> str:
    """Every setting with its current value (secrets shown only as set or not set)."""
    current = settings()
    lines = []
    for item in fields(current):
        if item.name == "environment":
            continue
        value = getattr(current, item.name)
        if item.name in {"action_server_token", "conversation_key", "staff_api_token", "content_db_url"}:
            value = "(set)" if value else "(not set)"
        lines.append(f"{item.name} = {value}")
    return "\n".join(lines)


def main(argv: Optional[list] = None) -> int:
    parser = argparse.ArgumentParser(description="The assistant's settings.")
    parser.add_argument("--shell", action="store_true", help="print export lines for scripts/env.sh")
    args = parser.parse_args(argv)
    print(settings().shell_exports() if args.shell else describe(), end="\n" if not args.shell else "")
    return 0


if __name__ == "__main__":
    sys.exit(main())
