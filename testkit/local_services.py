"""Throw-away PostgreSQL and Redis servers on free loopback ports, for tests that need the real thing.

Why one place: the insights test (PostgreSQL) and the scale test (PostgreSQL + Redis) start the same
Debian packages the same way. Each server lives in its own temporary directory and is stopped and
deleted on the way out. PostgreSQL refuses to run as root, so it runs as the ``postgres`` user.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, List

from assistant.server.processes import free_port
from assistant.settings import settings

PG_BIN = Path("/usr/lib/postgresql")


class MissingService(RuntimeError):
    """The Debian package is not installed (the caller decides whether to skip or install it)."""


def pg_tool(name: str) -> str:
    found = sorted(PG_BIN.glob(f"*/bin/{name}"))
    if not found:
        raise MissingService("PostgreSQL is not installed (apt-get install -y postgresql)")
    return str(found[-1])


@dataclass
class LocalServer:
    """A running throw-away server: its port, and a way to stop it and start it again (its data kept)."""

    port: int
    stop: Callable[[], None]
    start: Callable[[], None]


@contextlib.contextmanager
def postgres_server(settings: str = "") -> Iterator[LocalServer]:
    """A private PostgreSQL (user ``postgres``, no password, database ``postgres``)."""
    initdb, pg_ctl = pg_tool("initdb"), pg_tool("pg_ctl")
    base = Path(tempfile.mkdtemp(prefix="local-pg-"))  # pytest's tmp_path is private to root
    base.chmod(0o755)
    data = base / "pg"
    data.mkdir()
    shutil.chown(data, "postgres")
    port = free_port()
    as_postgres = ["runuser", "-u", "postgres", "--"]

    def start() -> None:
        subprocess.run(
            [
                *as_postgres,
                pg_ctl,
                "-D",
                str(data),
                "-o",
                f"-p {port} -k {data} -c listen_addresses=127.0.0.1 {settings}",
                "-l",
                str(data / "log"),
                "-w",
                "start",
            ],
            check=True,
            capture_output=True,
        )

    def stop() -> None:
        subprocess.run([*as_postgres, pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop"], capture_output=True)

    try:
        subprocess.run(
            [*as_postgres, initdb, "-D", str(data), "-A", "trust", "-U", "postgres"], check=True, capture_output=True
        )
        start()
        yield LocalServer(port, stop, start)
    finally:
        stop()
        shutil.rmtree(base, ignore_errors=True)


@contextlib.contextmanager
def redis_server(password: str = "") -> Iterator[LocalServer]:
    """A private Redis without persistence on a free loopback port (clients must give ``password`` if set)."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise MissingService("Redis is not installed (apt-get install -y redis-server)")
    base = Path(tempfile.mkdtemp(prefix="local-redis-"))
    port = free_port()
    running: List[subprocess.Popen] = []

    def start() -> None:
        process = subprocess.Popen(
            [
                binary,
                "--bind",
                "127.0.0.1",
                "--port",
                str(port),
                "--dir",
                str(base),
                "--save",
                "",
                "--appendonly",
                "no",
                *(["--requirepass", password] if password else []),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        running.append(process)
        deadline = time.monotonic() + 20
        while (
            subprocess.run(
                ["redis-cli", "-p", str(port), "ping"],
                capture_output=True,
                text=True,
                env=settings().server_environment({"REDISCLI_AUTH": password} if password else {}),
            ).stdout.strip()
            != "PONG"
        ):
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.2)

    def stop() -> None:
        while running:
            process = running.pop()
            process.terminate()
            process.wait(timeout=10)

    try:
        start()
        yield LocalServer(port, stop, start)
    finally:
        stop()
        shutil.rmtree(base, ignore_errors=True)
