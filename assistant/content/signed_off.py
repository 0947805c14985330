"""Which version of a governed text patients may get when only signed-off texts are served.

Why: with ``serve_signed_off_only`` (a live deployment: ``assistant/settings.py``) patients must only read
wording a clinical reviewer signed off, exactly as signed (:func:`assistant.content.versions.is_signed_off`);
any other text gives way to "under review" (the NLG and the system texts decide which). The texts that point
to urgent help are never held back: they fall back to their last signed-off wording, which the console keeps in
the text's metadata (``signed_text``), or, never signed, are served as they are.
"""

from __future__ import annotations

from typing import Any, Dict, Mapping, Optional

from assistant.content.versions import is_signed_off

SIGNED_TEXT = "signed_text"  # the wording last signed off (the console writes it with the sign-off)


def servable_version(response: Mapping[str, Any], never_held_back: bool) -> Optional[Dict[str, Any]]:
    """The version of ``response`` patients may get in signed-off-only mode, or None (held back): itself when
    signed off as it is now; for a text never held back, its last signed-off wording, else itself."""
    if is_signed_off(response):
        return dict(response)
    if not never_held_back:
        return None
    signed_text = (response.get("metadata") or {}).get(SIGNED_TEXT)
    if isinstance(signed_text, str) and signed_text.strip():
        return {**response, "text": signed_text}
    return dict(response)
