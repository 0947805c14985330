"""Start the real assistant (Rasa server + action server) on free loopback ports for a test module.

Why: only a running assistant shows what a patient really receives, including what happens when the
action server is down. Needs the trained model (``make test`` trains before running these).
"""
from __future__ import annotations

import os
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


def stop(process: Optional[subprocess.Popen]) -> None:
    if process is not None and process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class RunningAssistant:
    """The assistant's two servers, with helpers to talk to it and to stop the action server."""

    workdir: Path
    rasa_port: int
    action_port: int
    env: Dict[str, str]
    web_port: int = 0  # the browser tests serve the widget's demo page here (the one allowed origin)
    rasa: Optional[subprocess.Popen] = None
    actions: Optional[subprocess.Popen] = None
    logs: List[Path] = field(default_factory=list)

    @property
    def webhook(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}/webhooks/rest/webhook"

    def _log(self, name: str):
        path = self.workdir / f"{name}.log"
        self.logs.append(path)
        return open(path, "ab")

    def start_actions(self) -> None:
        self.actions = subprocess.Popen(
            [RASA, "run", "actions", "--actions", "actions", "--port", str(self.action_port)],
            cwd=ROOT, env=self.env, stdout=self._log("actions"), stderr=subprocess.STDOUT,
        )
        wait_for(f"http://127.0.0.1:{self.action_port}/health", 60, self.actions)

    def stop_actions(self) -> None:
        stop(self.actions)
        self.actions = None

    @property
    def web_origin(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def start_rasa(self) -> None:
        self.rasa = subprocess.Popen(
            [RASA, "run", "--model", str(MODEL), "--interface", "127.0.0.1", "--port", str(self.rasa_port),
             "--endpoints", str(self.workdir / "endpoints.yml"), "--credentials", str(ROOT / "credentials.yml"),
             "--cors", self.web_origin],
            cwd=ROOT, env=self.env, stdout=self._log("rasa"), stderr=subprocess.STDOUT,
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
    action_port, rasa_port, web_port = free_port(), free_port(), free_port()
    (workdir / "endpoints.yml").write_text(
        f"""action_endpoint:
  url: "http://127.0.0.1:{action_port}/webhook"
tracker_store:
  type: SQL
  dialect: "sqlite"
  db: "{workdir / 'tracker.db'}"
nlg:
  type: assistant.nlg.ContentNaturalLanguageGenerator
""",
        encoding="utf-8",
    )
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "SANIC_HOST": "127.0.0.1",
           "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "2",
           "CORS_ORIGINS": f"http://127.0.0.1:{web_port}"}
    running = RunningAssistant(workdir, rasa_port, action_port, env, web_port)
    try:
        running.start_actions()
        running.start_rasa()
        yield running
    finally:
        stop(running.rasa)
        stop(running.actions)
