"""The one launcher of the assistant's servers: the action server, the Rasa server and (for ``make run``) the
demo page, on loopback ports, with their logs in files and a plain line for each step.

Why one module: ``make run``, the integration and end-to-end tests, the benchmarks, the scale test and
``make bench-publish`` all start the same servers; each doing it its own way drifted (ports, tokens,
readiness, stopping). Tests and tools use :func:`running_assistant` (free ports, a working folder of their
own, always stopped on the way out); ``make run`` uses ``python -m assistant.server.launcher`` (the
project's ``endpoints.yml``, ports from the environment, until Ctrl-C).
"""

from __future__ import annotations

import argparse
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
from typing import IO, Any, Callable, Dict, Iterator, List, Optional

import requests

from assistant.content import ROOT
from assistant.content.opening_hours import TEST_CLOCK_ENV

MODEL = ROOT / "models" / f"{os.environ.get('MODEL_NAME', 'cart-assistant')}.tar.gz"
RASA = str(Path(sys.executable).with_name("rasa"))
# Rasa answers HTTP before its model is loaded (messages are then ignored); the first line says it is
# ready, and it is logged even after the second (a model trained with components this code lacks).
RASA_READY = "Rasa server is up and running"
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


def say_to(webhook: str, sender: str, text: str) -> List[Dict[str, Any]]:
    """One patient message to Rasa's REST webhook; the assistant's messages back."""
    reply = requests.post(webhook, json={"sender": sender, "message": text}, timeout=60)
    reply.raise_for_status()
    return list(reply.json())


def answering(webhook: str) -> bool:
    """Does the REST channel at ``webhook`` answer its health check (``GET /webhooks/rest/``)?"""
    try:
        return requests.get(webhook.rsplit("/", 1)[0] + "/", timeout=5).ok
    except requests.RequestException:
        return False


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


def server_env(extra: Optional[Dict[str, str]] = None) -> Dict[str, str]:
    """The servers' environment: telemetry off, loopback only, the project importable, a fresh token."""
    return {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        "SANIC_HOST": "127.0.0.1",
        "PYTHONPATH": str(ROOT),
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "ACTION_SERVER_TOKEN": os.environ.get("ACTION_SERVER_TOKEN") or secrets.token_hex(24),
        **(extra or {}),
    }


@dataclass
class RunningAssistant:
    """The assistant's servers, with helpers to talk to it and to stop the action server.

    ``test_clock`` starts the action server with the test clock on (``actions/clock.py``); otherwise the
    variable is removed from its environment, whatever the calling shell has. ``debug`` asks Rasa to log every
    message (the tests read the most a log can hold; benchmarks and ``make run`` do not).
    """

    workdir: Path
    rasa_port: int
    action_port: int
    env: Dict[str, str]
    endpoints: Path
    test_clock: bool = False
    web_port: int = 0  # the demo page of the widget (and the browser tests' allowed origin)
    model: Path = MODEL
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
        return self.workdir / "tracker.db"

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
        env = {k: v for k, v in self.env.items() if k != TEST_CLOCK_ENV}
        if self.test_clock:
            env[TEST_CLOCK_ENV] = "1"
        self.actions = self._popen(
            "actions",
            [
                sys.executable,
                "-m",
                "assistant.server.action_server",
                "--actions",
                "actions",
                "--port",
                str(self.action_port),
            ],
            env,
        )
        wait_for(f"http://127.0.0.1:{self.action_port}/health", 60, self.actions)

    def stop_actions(self) -> None:
        stop(self.actions)
        self.actions = None

    def start_rasa(self) -> None:
        log = self.workdir / "rasa.log"
        ready_before = log.read_text(encoding="utf-8", errors="replace").count(RASA_READY) if log.exists() else 0
        self.rasa = self._popen(
            "rasa",
            [
                RASA,
                "run",
                "--model",
                str(self.model),
                "--interface",
                "127.0.0.1",
                "--port",
                str(self.rasa_port),
                "--endpoints",
                str(self.endpoints),
                "--credentials",
                str(ROOT / "credentials.yml"),
                *(["--debug"] if self.debug else []),
                "--cors",
                *self.env["CORS_ORIGINS"].split(),
                *(
                    ["--enable-api", "--auth-token", self.env["RASA_API_TOKEN"]]
                    if self.env.get("RASA_ENABLE_API") == "true"
                    else []
                ),
            ],
            self.env,
        )
        wait_for(f"http://127.0.0.1:{self.rasa_port}/webhooks/rest/", 240, self.rasa)
        wait_for_log(log, RASA_READY, ready_before + 1, 240, self.rasa)

    def start_web(self, directory: Path) -> None:
        """Serve the built demo page with the widget (``make web``)."""
        self.web = self._popen(
            "web",
            [
                sys.executable,
                "-m",
                "http.server",
                str(self.web_port),
                "--bind",
                "127.0.0.1",
                "--directory",
                str(directory),
            ],
            self.env,
        )
        wait_for(f"{self.web_origin}/", 30, self.web)

    def say(self, sender: str, text: str) -> List[Dict[str, Any]]:
        return say_to(self.webhook, sender, text)

    def stop_all(self) -> None:
        for process in (self.web, self.rasa, self.actions):
            stop(process)
        self.web = self.rasa = self.actions = None


def write_endpoints(workdir: Path, action_port: int, responses_dir: Optional[Path] = None) -> Path:
    """endpoints.yml for this instance: its own action server port and its own SQLite tracker store."""
    path = workdir / "endpoints.yml"
    nlg_folder = f'\n  responses_dir: "{responses_dir}"' if responses_dir else ""
    path.write_text(
        f"""action_endpoint:
  url: "http://127.0.0.1:{action_port}/webhook"
  headers:
    Authorization: Bearer ${{ACTION_SERVER_TOKEN}}
tracker_store:
  type: assistant.server.tracker_store.BoundedRedactingSQLTrackerStore
  dialect: "sqlite"
  db: "{workdir / "tracker.db"}"
nlg:
  type: assistant.server.nlg.ContentNaturalLanguageGenerator{nlg_folder}
""",
        encoding="utf-8",
    )
    return path


@contextlib.contextmanager
def running_assistant(
    workdir: Path,
    test_clock: bool = False,
    model: Path = MODEL,
    debug: bool = True,
    extra_env: Optional[Dict[str, str]] = None,
    wrapper: Optional[Wrapper] = None,
    responses_dir: Optional[Path] = None,
    action_server: bool = True,
) -> Iterator[RunningAssistant]:
    """The servers on free loopback ports with a working folder of their own, stopped on the way out whatever
    happens. ``responses_dir``: answers served from a copy (``make bench-publish``); ``action_server=False``:
    the Rasa server alone."""
    if not model.exists():
        raise FileNotFoundError(f"no trained model at {model}: run `make train` first")
    workdir.mkdir(parents=True, exist_ok=True)
    action_port, rasa_port, web_port = free_port(), free_port(), free_port()
    env = server_env(
        {
            # the widget tests' demo page, and the default demo origins the surface tests expect
            "CORS_ORIGINS": f"http://127.0.0.1:{web_port} http://127.0.0.1:8080 http://localhost:8080",
            # every test talks from 127.0.0.1: the per-address limit is raised,
            # the per-conversation one is as in production
            "RATE_LIMIT_PER_IP": "100000/60",
            **(extra_env or {}),
        }
    )
    running = RunningAssistant(
        workdir,
        rasa_port,
        action_port,
        env,
        write_endpoints(workdir, action_port, responses_dir),
        test_clock=test_clock,
        web_port=web_port,
        model=model,
        debug=debug,
        wrapper=wrapper,
    )
    try:
        if action_server:
            running.start_actions()
        running.start_rasa()
        yield running
    finally:
        running.stop_all()


def main(argv: Optional[List[str]] = None) -> int:
    """``make run``: the three servers with the project's own settings, a line for each, until Ctrl-C."""
    parser = argparse.ArgumentParser(description="Run the assistant: action server, Rasa server and the demo page.")
    parser.add_argument("--endpoints", default=os.environ.get("ENDPOINTS", "endpoints.yml"))
    parser.add_argument("--logs", default="var/log", help="the servers' log folder (default var/log)")
    args = parser.parse_args(argv)
    shown = Path(args.logs)  # as the user wrote it; relative to the project folder
    logs = ROOT / shown
    logs.mkdir(parents=True, exist_ok=True)
    web_port = int(os.environ.get("WEB_PORT", "8080"))
    env = server_env(
        {"CORS_ORIGINS": os.environ.get("CORS_ORIGINS") or f"http://127.0.0.1:{web_port} http://localhost:{web_port}"}
    )
    env.pop(TEST_CLOCK_ENV, None)  # the test clock is for the end-to-end scenarios only
    if env.get("RASA_ENABLE_API") == "true" and not env.get("RASA_API_TOKEN"):
        print("run: RASA_ENABLE_API=true needs RASA_API_TOKEN (the API would be open to anyone)", file=sys.stderr)
        return 1
    running = RunningAssistant(
        logs,
        int(os.environ.get("RASA_PORT", "5005")),
        int(os.environ.get("ACTION_PORT", "5055")),
        env,
        ROOT / args.endpoints,
        web_port=web_port,
    )
    token = ROOT / "var" / "action_server.token"
    token.parent.mkdir(parents=True, exist_ok=True)
    token.touch(mode=0o600)
    token.write_text(env["ACTION_SERVER_TOKEN"], encoding="utf-8")  # for `rasa shell` in another terminal
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        print(f"run: starting the action server (log {shown / 'actions.log'})", flush=True)
        running.start_actions()
        print(f"run: action server up at http://127.0.0.1:{running.action_port}/health", flush=True)
        print(f"run: starting the assistant: loading the model takes about 15 s (log {shown / 'rasa.log'})", flush=True)
        running.start_rasa()
        print(f"run: assistant up at {running.webhook}", flush=True)
        running.start_web(ROOT / "web" / "dist")
        print(
            f"run: open {running.web_origin}/ to chat with the assistant on the demo page (Ctrl-C stops everything)",
            flush=True,
        )
        while all(p is not None and p.poll() is None for p in (running.rasa, running.web)):
            time.sleep(1)
        print("run: a server stopped; see the logs in var/log/", file=sys.stderr)
        return 1
    except (RuntimeError, TimeoutError) as error:
        print(f"run: could not start: {error} (logs in {shown})", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nrun: stopping", flush=True)
        return 0
    finally:
        running.stop_all()


if __name__ == "__main__":
    sys.exit(main())
