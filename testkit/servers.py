"""Start the real assistant (Rasa server + action server) on free loopback ports.

Why: only a running assistant shows what a patient really receives, including what happens when the
action server is down. Used by the integration tests (``tests/integration/conftest.py``) and by the
scenario runner. Needs the trained model (``make train``).
"""
from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import requests

from actions.clock import TEST_CLOCK_ENV
from testkit.network_trace import strace_available, strace_prefix

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "models" / f"{os.environ.get('MODEL_NAME', 'cart-assistant')}.tar.gz"
RASA = str(Path(sys.executable).with_name("rasa"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, timeout: float, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before {url} answered")
        try:
            if requests.get(url, timeout=2).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer within {timeout} s")


def say_to(webhook: str, sender: str, text: str) -> List[Dict[str, Any]]:
    """One patient message to Rasa's REST webhook; the assistant's messages back."""
    reply = requests.post(webhook, json={"sender": sender, "message": text}, timeout=60)
    reply.raise_for_status()
    return reply.json()


# Rasa answers HTTP before its model is loaded (messages are then ignored); the first line says it is
# ready, and it is logged even after the second (a model trained with components this code lacks).
RASA_READY = "Rasa server is up and running"
RASA_NO_MODEL = "Could not load model"


def wait_for_log(log: Path, marker: str, times: int, timeout: float, process: subprocess.Popen,
                 failure: str = RASA_NO_MODEL) -> None:
    """Wait until ``marker`` appears ``times`` times in ``log`` (a restarted server appends to the same log);
    raise as soon as ``failure`` appears as many times."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before logging {marker!r}")
        text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
        if text.count(failure) >= times:
            raise RuntimeError(f"{failure!r} in {log}")
        if text.count(marker) >= times:
            return
        time.sleep(0.5)
    raise TimeoutError(f"{marker!r} not logged in {log} within {timeout} s")


def _server_pid(process: subprocess.Popen) -> int:
    """The server's own pid: the child of strace when the server runs under it."""
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    try:
        child = children.read_text().split()
    except OSError:
        child = []
    return int(child[0]) if getattr(process, "traced", False) and child else process.pid


def stop(process: Optional[subprocess.Popen]) -> None:
    if process is not None and process.poll() is None:
        os.kill(_server_pid(process), signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            if _server_pid(process) != process.pid:
                os.kill(_server_pid(process), signal.SIGKILL)
            process.kill()
            process.wait()


@dataclass
class RunningAssistant:
    """The assistant's two servers, with helpers to talk to it and to stop the action server.

    ``test_clock`` starts the action server with ``CART_TEST_CLOCK=1`` (see ``actions/clock.py``);
    otherwise the variable is removed from its environment, whatever the calling shell has.
    ``measured`` (the benchmarks, ``benchmarks/``): no strace and no debug logging, which would be
    measured with the assistant.
    """

    workdir: Path
    rasa_port: int
    action_port: int
    env: Dict[str, str]
    test_clock: bool = False
    web_port: int = 0  # the browser tests serve the widget's demo page here (the one allowed origin)
    model: Path = MODEL
    measured: bool = False
    rasa: Optional[subprocess.Popen] = None
    actions: Optional[subprocess.Popen] = None
    logs: List[Path] = field(default_factory=list)
    network_traces: List[Path] = field(default_factory=list)

    @property
    def webhook(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}/webhooks/rest/webhook"

    @property
    def db(self) -> Path:
        return self.workdir / "tracker.db"

    def _log(self, name: str):
        path = self.workdir / f"{name}.log"
        self.logs.append(path)
        return open(path, "ab")

    def _popen(self, name: str, command: List[str], env: Dict[str, str]) -> subprocess.Popen:
        """Start a server; under strace (network calls only) when available, see network_trace.py."""
        traced = not self.measured and strace_available()
        if traced:
            trace = self.workdir / f"{name}-{len(self.network_traces)}.net"
            self.network_traces.append(trace)
            command = strace_prefix(str(trace)) + command
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=self._log(name), stderr=subprocess.STDOUT)
        process.traced = traced  # type: ignore[attr-defined]
        return process

    def start_actions(self) -> None:
        env = {k: v for k, v in self.env.items() if k != TEST_CLOCK_ENV}
        if self.test_clock:
            env[TEST_CLOCK_ENV] = "1"
        self.actions = self._popen(
            "actions", [sys.executable, "-m", "assistant.server.action_server", "--actions", "actions",
                        "--port", str(self.action_port)], env)
        wait_for(f"http://127.0.0.1:{self.action_port}/health", 60, self.actions)

    def stop_actions(self) -> None:
        stop(self.actions)
        self.actions = None

    @property
    def web_origin(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def start_rasa(self) -> None:
        log = self.workdir / "rasa.log"
        ready_before = log.read_text(encoding="utf-8", errors="replace").count(RASA_READY) if log.exists() else 0
        # --debug: Rasa logs every message at debug level, so the tests see the most a log can hold.
        self.rasa = self._popen(
            "rasa",
            [RASA, "run", "--model", str(self.model), "--interface", "127.0.0.1", "--port", str(self.rasa_port),
             "--endpoints", str(self.workdir / "endpoints.yml"), "--credentials", str(ROOT / "credentials.yml"),
             *([] if self.measured else ["--debug"]), "--cors", *self.env["CORS_ORIGINS"].split()],
            self.env,
        )
        wait_for(f"http://127.0.0.1:{self.rasa_port}/webhooks/rest/", 240, self.rasa)
        wait_for_log(log, RASA_READY, ready_before + 1, 240, self.rasa)

    def say(self, sender: str, text: str) -> List[Dict[str, Any]]:
        return say_to(self.webhook, sender, text)

    def stop_all(self) -> None:
        stop(self.rasa)
        stop(self.actions)
        self.rasa = self.actions = None


def write_endpoints(workdir: Path, action_port: int) -> None:
    """endpoints.yml for this instance: its own action server port and its own SQLite tracker store."""
    (workdir / "endpoints.yml").write_text(
        f"""action_endpoint:
  url: "http://127.0.0.1:{action_port}/webhook"
  headers:
    Authorization: Bearer ${{ACTION_SERVER_TOKEN}}
tracker_store:
  type: assistant.server.tracker_store.BoundedRedactingSQLTrackerStore
  dialect: "sqlite"
  db: "{workdir / 'tracker.db'}"
nlg:
  type: assistant.server.nlg.ContentNaturalLanguageGenerator
""",
        encoding="utf-8",
    )


@contextlib.contextmanager
def running_assistant(workdir: Path, test_clock: bool = False, model: Path = MODEL, measured: bool = False,
                      extra_env: Optional[Dict[str, str]] = None) -> Iterator[RunningAssistant]:
    """Both servers started on free loopback ports, stopped on the way out whatever happens.

    ``model``/``measured``/``extra_env``: the benchmarks run another model (a larger catalogue), untraced,
    with the rate limits raised.
    """
    if not model.exists():
        raise FileNotFoundError(f"no trained model at {model}: run `make train` first")
    workdir.mkdir(parents=True, exist_ok=True)
    action_port, rasa_port, web_port = free_port(), free_port(), free_port()
    write_endpoints(workdir, action_port)
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "SANIC_HOST": "127.0.0.1",
           "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "2", "ACTION_SERVER_TOKEN": secrets.token_hex(24),
           # the widget tests' demo page, and the default demo origins the surface tests expect
           "CORS_ORIGINS": f"http://127.0.0.1:{web_port} http://127.0.0.1:8080 http://localhost:8080",
           # every test talks from 127.0.0.1: the per-address limit is raised, the per-conversation one is as in production
           "RATE_LIMIT_PER_IP": "100000/60", **(extra_env or {})}
    running = RunningAssistant(workdir, rasa_port, action_port, env, test_clock=test_clock, web_port=web_port,
                               model=model, measured=measured)
    try:
        running.start_actions()
        running.start_rasa()
        yield running
    finally:
        running.stop_all()
