"""The outbound-connection check catches real attempts (so the no-telemetry test cannot pass by accident)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from testkit.network_trace import loopback_connects, outbound_attempts, strace_prefix

pytestmark = pytest.mark.integration

TRIES_TO_LEAVE = """
import socket
for address in [("192.0.2.1", 443), ("127.0.0.1", 9)]:  # TEST-NET-1 (never routed), then loopback
    s = socket.socket(); s.settimeout(0.2)
    try: s.connect(address)
    except OSError: pass
try: socket.getaddrinfo("api.segment.io", 443)  # what Rasa's telemetry would look up first
except OSError: pass
"""


def test_a_process_that_tries_to_leave_the_machine_is_caught(tmp_path):
    trace = tmp_path / "net.trace"
    subprocess.run(strace_prefix(str(trace)) + [sys.executable, "-c", TRIES_TO_LEAVE], check=True, timeout=60)
    text = trace.read_text()
    caught = outbound_attempts(text)
    assert any("192.0.2.1" in line for line in caught)
    assert loopback_connects(text, 9) == 1 and not any('"127.0.0.1"' in line and "htons(9)" in line for line in caught)


def test_loopback_and_local_sockets_are_allowed_but_dns_is_not():
    trace = "\n".join(
        [
            '12 connect(3, {sa_family=AF_INET, sin_port=htons(5055), sin_addr=inet_addr("127.0.0.1")}, 16) = 0',
            '12 connect(4, {sa_family=AF_UNIX, sun_path="/var/run/nscd/socket"}, 110) = -1 ENOENT',
            "13 connect(5, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), "
            'inet_pton(AF_INET6, "2606:4700::1", &sin6_addr), sin6_scope_id=0}, 28) = -1 ENETUNREACH',
            '14 sendto(6, "\\x12", 30, MSG_NOSIGNAL, {sa_family=AF_INET, sin_port=htons(53), '
            'sin_addr=inet_addr("127.0.0.53")}, 16) = 30',
        ]
    )
    caught = outbound_attempts(trace)
    assert len(caught) == 2 and "2606:4700::1" in caught[0] and "htons(53)" in caught[1]
