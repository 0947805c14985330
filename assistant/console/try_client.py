"""Ask the running assistant what it would answer now: ``POST {rasa}/webhooks/staff/try`` (docs/running.md).

Why through the assistant and not a model loaded here: staff must see what patients would get now, the urgent
net and the personal-advice override included, from the very model and content being served. The route stores
nothing; the console sends the staff token (``staff_api_token``) and shows the answer, never logs the question.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

import httpx

from assistant.settings import settings

MAX_CHARACTERS = 1000
TIMEOUT_SECONDS = 15.0


class TryError(Exception):
    """The assistant could not be asked; ``reason`` names the notice in ``messages.yml``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Tried:
    urgent: bool
    personal_advice: bool
    language: str
    reply: str
    top: List[Dict[str, Any]] = field(default_factory=list)


def rasa_url() -> str:
    host = settings().bind_address
    host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    return f"http://{host}:{settings().rasa_port}"


def _parse(body: Any) -> Tried:
    if not isinstance(body, dict):
        raise TryError("try_bad_answer")
    top = []
    for item in body.get("top") or []:
        if isinstance(item, dict) and item.get("answer_id"):
            top.append({"answer_id": str(item["answer_id"]), "confidence": float(item.get("confidence") or 0.0)})
    return Tried(
        urgent=bool(body.get("urgent")),
        personal_advice=bool(body.get("personal_advice")),
        language=str(body.get("language") or ""),
        reply=str(body.get("reply") or ""),
        top=top[:3],
    )


async def try_question(text: str, base_url: Optional[str] = None, token: Optional[str] = None) -> Tried:
    """What the assistant would answer ``text`` with now."""
    text = text.strip()
    if not text or len(text) > MAX_CHARACTERS:
        raise TryError("try_invalid")
    headers = {"Authorization": f"Bearer {token if token is not None else settings().staff_api_token}"}
    try:
        async with httpx.AsyncClient(timeout=TIMEOUT_SECONDS) as client:
            response = await client.post(
                f"{(base_url or rasa_url()).rstrip('/')}/webhooks/staff/try", json={"text": text}, headers=headers
            )
    except httpx.HTTPError as error:
        raise TryError("try_unreachable") from error
    if response.status_code == 401:
        raise TryError("try_refused")
    if response.status_code != 200:
        raise TryError("try_unreachable")
    try:
        return _parse(response.json())
    except ValueError as error:
        raise TryError("try_bad_answer") from error
