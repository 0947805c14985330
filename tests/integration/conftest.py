"""Start the real assistant (Rasa server + action server) on free loopback ports for a test module.

Why: only a running assistant shows what a patient really receives, including what happens when the
action server is down. Needs the trained model (``make test`` trains before running these).
"""
from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
import requests

from tests.integration.network_trace import strace_available, strace_prefix

ROOT = Path(__file__).resolve().parents[2]
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
    """The assistant's two servers, with helpers to talk to it and to stop the action server."""

    workdir: Path
    rasa_port: int
    action_port: int
    env: Dict[str, str]
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

    def _popen(self, name: str, command: List[str]) -> subprocess.Popen:
        """Start a server; under strace (network calls only) when available, see network_trace.py."""
        traced = strace_available()
        if traced:
            trace = self.workdir / f"{name}-{len(self.network_traces)}.net"
            self.network_traces.append(trace)
            command = strace_prefix(str(trace)) + command
        process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=self._log(name), stderr=subprocess.STDOUT)
        process.traced = traced  # type: ignore[attr-defined]
        return process

    def start_actions(self) -> None:
        self.actions = self._popen(
            "actions", [sys.executable, "-m", "assistant.action_server", "--actions", "actions",
                        "--port", str(self.action_port)])
        wait_for(f"http://127.0.0.1:{self.action_port}/health", 60, self.actions)

    def stop_actions(self) -> None:
        stop(self.actions)
        self.actions = None

    def start_rasa(self) -> None:
        # --debug: Rasa logs every message at debug level, so the tests see the most a log can hold.
        self.rasa = self._popen(
            "rasa",
            [RASA, "run", "--model", str(MODEL), "--interface", "127.0.0.1", "--port", str(self.rasa_port),
             "--endpoints", str(self.workdir / "endpoints.yml"), "--credentials", str(ROOT / "credentials.yml"),
             "--debug", "--cors", *self.env["CORS_ORIGINS"].split()],
        )
        wait_for(f"http://127.0.0.1:{self.rasa_port}/webhooks/rest/", 240, self.rasa)

    def say(self, sender: str, text: str) -> List[Dict[str, Any]]:
        reply = requests.post(self.webhook, json={"sender": sender, "message": text}, timeout=60)
        reply.raise_for_status()
        return reply.json()


@pytest.fixture(scope="session")
def assistant(tmp_path_factory) -> RunningAssistant:
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make train` first")
    workdir = tmp_path_factory.mktemp("assistant")
    action_port, rasa_port = free_port(), free_port()
    (workdir / "endpoints.yml").write_text(
        f"""action_endpoint:
  url: "http://127.0.0.1:{action_port}/webhook"
  headers:
    Authorization: Bearer ${{ACTION_SERVER_TOKEN}}
tracker_store:
  type: assistant.tracker_store.RedactingSQLTrackerStore
  dialect: "sqlite"
  db: "{workdir / 'tracker.db'}"
nlg:
  type: assistant.nlg.ContentNaturalLanguageGenerator
""",
        encoding="utf-8",
    )
    # Per-address limit raised: every test talks from 127.0.0.1 (the per-conversation limit is as in production).
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "SANIC_HOST": "127.0.0.1",
           "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "2", "ACTION_SERVER_TOKEN": secrets.token_hex(24),
           "CORS_ORIGINS": "http://127.0.0.1:8080 http://localhost:8080", "RATE_LIMIT_PER_IP": "100000/60"}
    running = RunningAssistant(workdir, rasa_port, action_port, env)
    try:
        running.start_actions()
        running.start_rasa()
        yield running
    finally:
        stop(running.rasa)
        stop(running.actions)
