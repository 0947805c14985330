"""Behind a reverse proxy (``PROXIES_COUNT``), the per-address rate limit counts each patient by the address the
proxy saw, not the proxy's own, and an address a client writes into ``X-Forwarded-For`` itself is ignored."""

from __future__ import annotations

import pytest

from assistant.settings import Settings
from tests.assistant.server.test_channel_security import make_app, post

WEBHOOK = "/webhooks/rest/webhook"


def through_the_proxy(app, sender: str, forwarded_for: str) -> int:
    """A REST turn as nginx passes it on: ``X-Forwarded-For`` ends with the address nginx saw."""
    reply = post(app, WEBHOOK, json={"sender": sender, "message": "hi"}, headers={"X-Forwarded-For": forwarded_for})
    return reply.status


def sender(number: int) -> str:
    return f"proxied-patient-{number:04d}"


def test_behind_one_proxy_each_patient_has_their_own_address_limit(tmp_path, configure):
    configure(proxies_count=1, rate_limit_per_ip="2/60", rate_limit_per_session="1000/60")
    app = make_app(tmp_path)
    first = [through_the_proxy(app, sender(i), "198.51.100.7") for i in range(3)]
    assert first == [200, 200, 429]
    assert through_the_proxy(app, sender(9), "198.51.100.8") == 200


def test_an_address_the_client_writes_itself_does_not_escape_the_limit(tmp_path, configure):
    configure(proxies_count=1, rate_limit_per_ip="2/60", rate_limit_per_session="1000/60")
    app = make_app(tmp_path)
    spoofed = [through_the_proxy(app, sender(i), f"203.0.113.{i}, 198.51.100.7") for i in range(3)]
    assert spoofed == [200, 200, 429]


def test_without_a_proxy_count_the_header_is_not_believed(tmp_path, configure):
    configure(proxies_count=0, rate_limit_per_ip="2/60", rate_limit_per_session="1000/60")
    app = make_app(tmp_path)
    statuses = [through_the_proxy(app, sender(i), f"198.51.100.{i}") for i in range(3)]
    assert statuses == [200, 200, 429]  # all from the same connection address


@pytest.mark.parametrize("setting", ["-1", "one", "1.5", " "])
def test_a_proxy_count_that_is_not_a_whole_number_is_refused(setting):
    with pytest.raises(ValueError, match="PROXIES_COUNT"):
        Settings.from_environment({"PROXIES_COUNT": setting})
