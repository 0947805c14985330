"""Start, watch and stop the assistant's server processes: the action server, the Rasa server, the demo page.

Why one module: ``make run`` (:mod:`assistant.server.launcher`), the tests and the benchmarks
(``testkit.servers``), and the scale and deploy tests all start the same servers; each doing it its own way
drifted (ports, tokens, readiness, stopping). Every server runs with the project's own ``endpoints.yml``
(or the file named by ``endpoints``): what differs between instances (ports, the folder of local state,
the token) is passed in the environment, which the endpoints file reads (``${ACTION_PORT}``, ``${VAR_DIR}``).
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
from typing import IO, Callable, Dict, List, Optional

import requests

from assistant.settings import ROOT, TEST_CLOCK_VARIABLE

RASA = str(Path(sys.executable).with_name("rasa"))
# Rasa answers HTTP before its model is loaded (messages are then ignored); the first line says it is
# ready, and it is logged even after the second (a model trained with components this code lacks). Without the
# word "Rasa": the log redaction hides it as a first name ("[NAME] server is up and running").
RASA_READY = "server is up and running"
RASA_NO_MODEL = "Could not load model"
# A command put in front of a server's (e.g. strace, to record its network calls), given the server's name.
Wrapper = Callable[[str], List[str]]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, timeout: float, process: subprocess.Popen) -> None:
    """Wait until ``url`` answers, or fail as soon as the server has exited."""
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


def wait_for_log(
    log: Path, marker: str, times: int, timeout: float, process: subprocess.Popen, failure: str = RASA_NO_MODEL
) -> None:
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
    """The server's own pid: the child of its wrapper (strace) when it runs under one."""
    try:
        child = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
    except OSError:
        child = []
    return int(child[0]) if getattr(process, "wrapped", False) and child else process.pid


def stop(process: Optional[subprocess.Popen]) -> None:
    """Stop a server the way Ctrl-C does, then for good if it does not go within 20 s."""
    if process is not None and process.poll() is None:
        os.kill(_server_pid(process), signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            if _server_pid(process) != process.pid:
                os.kill(_server_pid(process), signal.SIGKILL)
            process.kill()
            process.wait()


def owner_only(folder: Path) -> Path:
    """``folder`` made (if needed) readable by its owner only, and every file already in it too: the
    conversation store, the keys and the logs hold what patients wrote and what protects it."""
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    for path in folder.rglob("*"):
        if not path.is_symlink():
            path.chmod(0o700 if path.is_dir() else 0o600)
    return folder


@dataclass
class RunningAssistant:
    """The assistant's servers for one instance: ports, environment and the folder of its state and logs.

    ``env`` is the servers' environment (``assistant.settings.Settings.server_environment``). ``test_clock``
    starts the action server with the test clock on (``actions/clock.py``); otherwise the variable is removed
    from its environment, whatever the calling shell has. ``debug`` asks Rasa to log every message.
    """

    workdir: Path
    rasa_port: int
    action_port: int
    env: Dict[str, str]
    endpoints: Path
    model: Path
    test_clock: bool = False
    web_port: int = 0  # the demo page of the widget (and the browser tests' allowed origin)
    debug: bool = False
    wrapper: Optional[Wrapper] = None
    rasa: Optional[subprocess.Popen] = None
    actions: Optional[subprocess.Popen] = None
    web: Optional[subprocess.Popen] = None
    logs: List[Path] = field(default_factory=list)

    @property
    def webhook(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}/webhooks/rest/webhook"

    @property
    def db(self) -> Path:
        return Path(self.env["VAR_DIR"]) / "tracker.db"

    @property
    def web_origin(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def _log(self, name: str) -> IO[bytes]:
        path = self.workdir / f"{name}.log"
        self.logs.append(path)
        return open(path, "ab")

    def _popen(self, name: str, command: List[str], env: Dict[str, str]) -> subprocess.Popen:
        prefix = self.wrapper(name) if self.wrapper else []
        process = subprocess.Popen(
            prefix + command, cwd=ROOT, env=env, stdout=self._log(name), stderr=subprocess.STDOUT
        )
        process.wrapped = bool(prefix)  # type: ignore[attr-defined]
        return process

    def start_actions(self) -> None:
        env = {k: v for k, v in self.env.items() if k != TEST_CLOCK_VARIABLE}
        if self.test_clock:
            env[TEST_CLOCK_VARIABLE] = "1"
        command = [sys.executable, "-m", "assistant.server.action_server", "--actions", "actions"]
        self.actions = self._popen("actions", [*command, "--port", str(self.action_port)], env)
        wait_for(f"http://127.0.0.1:{self.action_port}/health", 60, self.actions)

    def stop_actions(self) -> None:
        stop(self.actions)
        self.actions = None

    def start_rasa(self) -> None:
        log = self.workdir / "rasa.log"
        ready_before = log.read_text(encoding="utf-8", errors="replace").count(RASA_READY) if log.exists() else 0
        command = [RASA, "run", "--model", str(self.model), "--interface", self.env.get("SANIC_HOST", "127.0.0.1")]
        command += ["--port", str(self.rasa_port), "--endpoints", str(self.endpoints)]
        command += ["--credentials", str(ROOT / "credentials.yml"), "--cors", *self.env["CORS_ORIGINS"].split()]
        self.rasa = self._popen("rasa", command + (["--debug"] if self.debug else []), self.env)
        wait_for(f"http://127.0.0.1:{self.rasa_port}/webhooks/rest/", 240, self.rasa)
        wait_for_log(log, RASA_READY, ready_before + 1, 240, self.rasa)

    def start_web(self, directory: Path) -> None:
        """Serve the built demo page with the widget (``make web``)."""
        command = [sys.executable, "-m", "http.server", str(self.web_port), "--bind", "127.0.0.1"]
        self.web = self._popen("web", [*command, "--directory", str(directory)], self.env)
        wait_for(f"{self.web_origin}/", 30, self.web)

    def stop_all(self) -> None:
        for process in (self.web, self.rasa, self.actions):
            stop(process)
        self.web = self.rasa = self.actions = None
