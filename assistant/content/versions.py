"""The version of a governed text, and its sign-off status: what a clinical reviewer signs off is one version.

Why a fingerprint: four-eyes sign-off must cover exactly the wording the reviewer saw. The console writes the
reviewer, the date and this fingerprint into the text's ``metadata`` (``reviewer``, ``approved``,
``signed_version``); any later edit changes the fingerprint, so the text is "changed since sign-off" until it
is signed again, whoever edited it and however (the console, or the YAML in git). The fingerprint covers what
patients see and what makes it trustworthy: the text, its buttons and its sources, never the review dates.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any, Dict, Mapping, Optional

APPROVED = "approved"
AWAITING_SIGN_OFF = "awaiting sign-off"
CHANGED_SINCE_SIGN_OFF = "changed since sign-off"
REVIEW_DUE = "review due"  # within REVIEW_DUE_DAYS of its review-by date
OVERDUE = "overdue"  # past its review-by date: held back from patients
STATUSES = (APPROVED, AWAITING_SIGN_OFF, CHANGED_SINCE_SIGN_OFF, REVIEW_DUE, OVERDUE)
REVIEW_DUE_DAYS = 30
SIGNED_VERSION = "signed_version"


def text_version(response: Mapping[str, Any]) -> str:
    """The fingerprint of what patients see of one response: its text, buttons, custom payload and sources."""
    metadata = response.get("metadata") if isinstance(response.get("metadata"), Mapping) else {}
    signed = {
        "text": response.get("text") or "",
        "buttons": response.get("buttons") or [],
        "custom": response.get("custom") or {},
        "source": (metadata or {}).get("source") or "",
    }
    canonical = json.dumps(signed, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:24]


def is_signed_off(response: Mapping[str, Any]) -> bool:
    """Whether the response as it is now is the version a reviewer signed off."""
    metadata: Dict[str, Any] = dict(response.get("metadata") or {})
    return (
        bool(metadata.get("reviewer"))
        and bool(metadata.get("approved"))
        and (metadata.get(SIGNED_VERSION) == text_version(response))
    )


def sign_off_status(response: Mapping[str, Any]) -> str:
    """approved, awaiting sign-off or changed since sign-off (review dates aside: see :func:`status`)."""
    metadata: Dict[str, Any] = dict(response.get("metadata") or {})
    if is_signed_off(response):
        return APPROVED
    return CHANGED_SINCE_SIGN_OFF if metadata.get(SIGNED_VERSION) else AWAITING_SIGN_OFF


def status(response: Mapping[str, Any], today: dt.date, review_by: Optional[dt.date]) -> str:
    """The one status a staff member sees first: overdue, then review due, then the sign-off status."""
    if review_by is not None and review_by < today:
        return OVERDUE
    if review_by is not None and (review_by - today).days <= REVIEW_DUE_DAYS:
        return REVIEW_DUE
    return sign_off_status(response)
