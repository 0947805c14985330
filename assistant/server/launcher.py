"""``make run``: the action server, the Rasa server and the demo page, with a plain line for each step, until Ctrl-C.

Why a supervisor of our own rather than three terminals: the three must share a fresh token (the Rasa
server's key to the action server), the local state must be owner-only, and a newcomer needs one command
and one line saying where to open the page. The servers are started by :mod:`assistant.server.processes`,
as the tests and benchmarks start them (``testkit.servers``).
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import sys
import time
from pathlib import Path
from typing import List, Optional, Tuple

from assistant.server.processes import RunningAssistant, owner_only
from assistant.settings import ROOT, TEST_CLOCK_VARIABLE, Settings, settings

TOKEN_FILE = "action_server.token"


def prepare_local_state(current: Settings) -> Tuple[Path, str]:
    """The folder of local state made owner-only (0700, its files 0600, and everything the servers write after
    this), and this run's action-server token: a fresh one unless one is configured, written (owner-only) for
    ``make shell`` in another terminal."""
    os.umask(0o077)
    var_dir = owner_only(current.var_dir)
    token = current.action_server_token or secrets.token_hex(24)
    token_file = var_dir / TOKEN_FILE
    token_file.write_text(token, encoding="utf-8")
    token_file.chmod(0o600)
    return var_dir, token


def main(argv: Optional[List[str]] = None) -> int:
    """The three servers with the project's settings (``assistant/settings.py``), until Ctrl-C."""
    current = settings()
    parser = argparse.ArgumentParser(description="Run the assistant: action server, Rasa server and the demo page.")
    parser.add_argument("--logs", default="var/log", help="the servers' log folder (default var/log)")
    args = parser.parse_args(argv)
    var_dir, token = prepare_local_state(current)
    shown = Path(args.logs)  # as the user wrote it; relative to the project folder
    logs = owner_only(ROOT / shown)
    env = current.server_environment(
        {
            "ACTION_PORT": str(current.action_port),
            "ACTION_SERVER_TOKEN": token,
            "VAR_DIR": str(var_dir),
            "CORS_ORIGINS": " ".join(current.cors_origins),
            "ENDPOINTS": str(current.endpoints),
        }
    )
    env.pop(TEST_CLOCK_VARIABLE, None)  # the test clock is for the end-to-end scenarios only
    running = RunningAssistant(
        logs,
        current.rasa_port,
        current.action_port,
        env,
        current.endpoints,
        current.model_path,
        web_port=current.web_port,
    )
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
