"""Read an ``strace`` network trace and list every connection attempt that leaves the machine.

Why strace and not a Python hook: it sees every ``connect``/``sendto``/``sendmsg`` system call of the
servers and all their threads and child processes, whatever library (Python, TensorFlow's C++, a
DNS resolver) makes it, so a test built on it cannot pass because a call went round the hook.
A DNS query (port 53) counts as outbound even to a local resolver: it is how a lookup of a
telemetry host would start.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path
from typing import List

TRACED_CALLS = "connect,sendto,sendmsg"
_INET = re.compile(r'sa_family=AF_INET, sin_port=htons\((\d+)\), sin_addr=inet_addr\("([\d.]+)"\)')
_INET6 = re.compile(r'sa_family=AF_INET6, sin6_port=htons\((\d+)\),.*?inet_pton\(AF_INET6, "([^"]+)"')
_FAMILY = re.compile(r"sa_family=(AF_\w+)")
_CALL = re.compile(r"^\d+\s+(?:connect|sendto|sendmsg)\(")
_LOCAL_FAMILIES = {"AF_UNIX", "AF_NETLINK", "AF_LOCAL"}


def strace_prefix(trace_file: str) -> List[str]:
    """The command prefix that records the network calls of a command and all its threads."""
    return [
        "strace",
        "-f",
        "--seccomp-bpf",
        "-qq",
        "-e",
        "signal=none",
        "-e",
        f"trace={TRACED_CALLS}",
        "-o",
        trace_file,
    ]


@lru_cache(maxsize=1)
def strace_available() -> bool:
    """strace is installed and allowed to trace here (some containers forbid ptrace): if not, the
    servers run untraced and only the no-outbound-connection test fails, saying why."""
    if shutil.which("strace") is None:
        return False
    probe = subprocess.run(strace_prefix("/dev/null") + ["true"], capture_output=True, timeout=30)
    return probe.returncode == 0


def _is_loopback(address: str) -> bool:
    return address.startswith("127.") or address in {"::1", "::ffff:127.0.0.1"}


def outbound_attempts(trace: str) -> List[str]:
    """Trace lines that try to reach anything but this machine's loopback (or ask DNS)."""
    found = []
    for line in trace.splitlines():
        if not _CALL.match(line):
            continue
        match = _INET.search(line) or _INET6.search(line)
        if match:
            port, address = int(match.group(1)), match.group(2)
            if port == 53 or not _is_loopback(address):
                found.append(line)
            continue
        family = _FAMILY.search(line)
        if family and family.group(1) not in _LOCAL_FAMILIES:
            found.append(line)
    return found


def loopback_connects(trace: str, port: int) -> int:
    """How many connects to 127.0.0.1:``port`` the trace holds (proves the trace recorded anything)."""
    return sum(
        1 for line in trace.splitlines() if "connect(" in line and f"htons({port})" in line and "127.0.0.1" in line
    )


class NetworkTraces:
    """A launcher wrapper (``assistant.server.launcher``) that runs each server under strace, when strace can
    trace here, recording its network calls to ``<workdir>/<server>-<n>.net``."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.files: List[Path] = []

    def __call__(self, server: str) -> List[str]:
        if not strace_available():
            return []
        trace = self.workdir / f"{server}-{len(self.files)}.net"
        self.files.append(trace)
        return strace_prefix(str(trace))
