"""The two bots measured: Rasa's ``rasa init`` starter bot (trained in the same run) and this assistant.

Why here: the assistant is started with the launcher's ``running_assistant`` (``debug=False``: no
debug logging, rate limits raised); the starter bot needs no action server (its actions.py is empty)
and keeps Rasa's defaults (in-memory tracker store), so it is started with the launcher's helpers directly.
"""

from __future__ import annotations

import contextlib
import subprocess
import time
from pathlib import Path
from typing import Dict, Iterator, Optional, Tuple

from assistant.server.processes import RASA, RASA_READY, free_port, stop, wait_for, wait_for_log
from assistant.settings import settings

# Bench traffic comes from one address and one conversation sends hundreds of messages.
UNLIMITED = {"RATE_LIMIT_PER_SESSION": "1000000/60", "RATE_LIMIT_PER_IP": "1000000/60"}


def rss_gib(pid: Optional[int]) -> Optional[float]:
    """Resident memory of a process from /proc (psutil is not installed), in GiB."""
    if pid is None:
        return None
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024 / 1024
    return None


def train_starter(workdir: Path, env: Dict[str, str]) -> Tuple[Path, float]:
    """``rasa init --no-prompt`` (creates and trains the starter bot); its model and the seconds it took."""
    started = time.monotonic()
    subprocess.run(
        [RASA, "init", "--no-prompt", "--init-dir", str(workdir)],
        cwd=workdir,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return next((workdir / "models").glob("*.tar.gz")), time.monotonic() - started


@contextlib.contextmanager
def running_starter(workdir: Path, model: Path, env: Dict[str, str]) -> Iterator[Tuple[str, subprocess.Popen]]:
    """The starter bot's Rasa server on a free loopback port: (webhook URL, process); stopped afterwards."""
    port = free_port()
    with open(workdir / "rasa.log", "ab") as log:
        process = subprocess.Popen(
            [RASA, "run", "--model", str(model), "--interface", "127.0.0.1", "--port", str(port)],
            cwd=workdir,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for(f"http://127.0.0.1:{port}/webhooks/rest/", 240, process)
        wait_for_log(workdir / "rasa.log", RASA_READY, 1, 240, process)
        yield f"http://127.0.0.1:{port}/webhooks/rest/webhook", process
    finally:
        stop(process)


def quiet_env() -> Dict[str, str]:
    """The environment every bot runs with here: the project's server environment (no telemetry, loopback,
    CPU-only TensorFlow), without rate limits."""
    return settings().server_environment(UNLIMITED)
