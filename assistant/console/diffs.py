"""Before and after of a text, word by word (difflib), for the sign-off page and the history.

Why words, not lines: an answer is one long line in the file; a reviewer must see exactly which words changed.
The result is a list of plain pieces the template marks up as ``<del>``/``<ins>`` with a visually hidden
"removed"/"added" label, so the difference is not shown by colour alone (WCAG 1.4.1).
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import Any, Dict, List, Tuple

Piece = Tuple[str, str]  # ("same" | "removed" | "added", text)
_TOKENS = re.compile(r"\s+|[^\s]+")


def words(before: str, after: str) -> List[Piece]:
    old, new = _TOKENS.findall(before), _TOKENS.findall(after)
    pieces: List[Piece] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag == "equal":
            pieces.append(("same", "".join(old[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(("removed", "".join(old[i1:i2])))
        if j2 > j1:
            pieces.append(("added", "".join(new[j1:j2])))
    return pieces


def _buttons(response: Dict[str, Any]) -> List[str]:
    return [
        f"{b.get('title', '')} → {b.get('payload', '')}" for b in response.get("buttons") or [] if isinstance(b, dict)
    ]


def _sources(response: Dict[str, Any]) -> List[str]:
    metadata = response.get("metadata") or {}
    return [s.strip() for s in str(metadata.get("source") or "").split(";") if s.strip()]


def response_diff(before: Dict[str, Any], after: Dict[str, Any]) -> Dict[str, Any]:
    """The text's words, and the buttons and sources before and after when they changed."""
    return {
        "text": words(str(before.get("text") or ""), str(after.get("text") or "")),
        "text_changed": (before.get("text") or "") != (after.get("text") or ""),
        "buttons": (_buttons(before), _buttons(after)) if _buttons(before) != _buttons(after) else None,
        "sources": (_sources(before), _sources(after)) if _sources(before) != _sources(after) else None,
    }
