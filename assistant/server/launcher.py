"""``make run``: the action server, the Rasa server, the demo page and the staff console, with a plain line for
each step, until Ctrl-C.

Why a supervisor of our own rather than four terminals: they must share fresh tokens (the Rasa server's key to
the action server, the console's key to the assistant's staff routes), the local state must be owner-only, and
a newcomer needs one command and one line saying where to open each page. The servers are started by
:mod:`assistant.server.processes`, as the tests and benchmarks start them (``testkit.servers``).

Patients are served the latest *publication* (``served_content_dir``, default ``var/served``:
:mod:`assistant.server.published_content`), so that what staff save in the console reaches nobody before they
press Publish. The first run publishes the repository's files as publication 1.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from assistant.content import publications
from assistant.server.processes import RunningAssistant, owner_only
from assistant.settings import ROOT, TEST_CLOCK_VARIABLE, Settings, settings

TOKEN_FILE = "action_server.token"
SERVED_FOLDER = "served"  # in the folder of local state, unless SERVED_CONTENT_DIR says otherwise
# The console is a package of its own (assistant/console); started only where it exists.
CONSOLE_ENTRY = ROOT / "assistant" / "console" / "__main__.py"
INITIAL_NOTE = "initial content at first start"


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


def initial_publication(url: str, root: Path = ROOT) -> Tuple[int, bool]:
    """The latest publication's number, and whether it was made now: when the content database holds none, the
    repository's files are published as publication 1 (the servers then serve only what is published)."""
    try:
        latest = publications.latest_number(url)
        if latest:
            return latest, False
        files = publications.snapshot(root)
        return publications.publish(files, published_by="make run", note=INITIAL_NOTE, url=url), True
    except Exception as error:  # the URL may hold a password: name the failure, not the URL
        reason = type(error).__name__
        raise RuntimeError(f"the content database (CONTENT_DATABASE_URL) cannot be used: {reason}") from error


def serving_mode(current: Settings) -> str:
    """Which texts patients get, in the words ``make run`` prints."""
    if current.serve_signed_off_only:
        return "signed-off texts only (any other text gives way to 'answer under review')"
    return "every text, signed off or not (SERVE_SIGNED_OFF_ONLY=1 serves signed-off texts only)"


def console_environment(env: Dict[str, str], current: Settings) -> Dict[str, str]:
    """The console's environment: the servers' (same content database and staff token), its port, and no
    served folder: it edits the repository's files, never the published copy."""
    console = {k: v for k, v in env.items() if k != "SERVED_CONTENT_DIR"}
    console.update(CONSOLE_PORT=str(current.console_port), RASA_PORT=str(current.rasa_port))
    return console


def main(argv: Optional[List[str]] = None) -> int:
    """The three servers with the project's settings (``assistant/settings.py``), until Ctrl-C."""
    current = settings()
    parser = argparse.ArgumentParser(description="Run the assistant: action server, Rasa server and the demo page.")
    parser.add_argument("--logs", default="var/log", help="the servers' log folder (default var/log)")
    args = parser.parse_args(argv)
    var_dir, token = prepare_local_state(current)
    shown = Path(args.logs)  # as the user wrote it; relative to the project folder
    logs = owner_only(ROOT / shown)
    served = current.served_content_dir or var_dir / SERVED_FOLDER
    env = current.server_environment(
        {
            "ACTION_PORT": str(current.action_port),
            "ACTION_SERVER_TOKEN": token,
            "VAR_DIR": str(var_dir),
            "CORS_ORIGINS": " ".join(current.cors_origins),
            "ENDPOINTS": str(current.endpoints),
            "SERVED_CONTENT_DIR": str(served),
            "CONTENT_DATABASE_URL": current.content_db_url,
            # the console's key to the assistant's staff routes ("try a question"): fresh each run
            "STAFF_API_TOKEN": current.staff_api_token or secrets.token_hex(24),
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
        console_port=current.console_port,
    )
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        number, made = initial_publication(current.content_db_url)
        print(
            f"run: patients are served publication {number}"
            + (" (the repository's files: the first start)" if made else "")
            + f", from {_shown(served)}; staff changes reach them when published in the console",
            flush=True,
        )
        print(f"run: serving {serving_mode(current)}", flush=True)
        print(f"run: starting the action server (log {shown / 'actions.log'})", flush=True)
        running.start_actions()
        print(f"run: action server up at http://127.0.0.1:{running.action_port}/health", flush=True)
        print(f"run: starting the assistant: loading the model takes about 15 s (log {shown / 'rasa.log'})", flush=True)
        running.start_rasa()
        print(f"run: assistant up at {running.webhook}", flush=True)
        running.start_web(ROOT / "web" / "dist")
        if CONSOLE_ENTRY.is_file():
            running.start_console(console_environment(env, current))
            print(
                f"run: staff console at {running.console_address} (log {shown / 'console.log'}; "
                'accounts: make staff-user ARGS="USERNAME ROLE")',
                flush=True,
            )
        else:
            print("run: no staff console in this checkout (assistant/console): not started", flush=True)
        print(
            f"run: open {running.web_origin}/ to chat with the assistant on the demo page (Ctrl-C stops everything)",
            flush=True,
        )
        watched = [p for p in (running.rasa, running.web, running.console) if p is not None]
        while all(p.poll() is None for p in watched):
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


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    sys.exit(main())
