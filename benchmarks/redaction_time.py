"""``make bench-redaction``: the time redaction takes on the worst inputs a client can send, beside plain text.

Why: redaction runs on what patients type, inside the server's one event loop, when a turn is stored. A
pattern whose time grows with the square of its input let one request hold the server for seconds (a
30,000-character string: 9-14 s end to end). The patterns are now linear and the channels bound what reaches
them (messages of at most 1,000 characters, client metadata cut to short values: assistant/server/turn_gate.py).
This prints, for the message limit and the request-body limit, the slowest of a set of adversarial inputs next
to plain English of the same length (the baseline of the same run), in CPU milliseconds.
"""

from __future__ import annotations

import time
from functools import partial
from typing import Callable, Dict, List, Tuple

from assistant.privacy.names import name_lists
from assistant.privacy.redaction import redact
from assistant.settings import settings

# Repeated to fill the length: each stresses a pattern (runs without the character that ends them, cues followed
# by long gaps, dense digits for the phone matcher, names after relations...).
ADVERSARIAL_UNITS: Tuple[str, ...] = (
    "a",
    "1",
    " ",
    "i ",
    "it",
    "it ",
    "a@",
    "a.",
    "a@b.",
    "1 ",
    "1.",
    "1-",
    "0",
    "+44 ",
    "(0)",
    "12/",
    "1st March ",
    "07700 900",
    "07700 9001 a ",
    "07700 900123 and ",
    "born ",
    "born on ",
    "DOB ",
    "Mr ",
    "name: ",
    "my name is ",
    "my son ",
    "my dad John ",
    "Sarah ",
    "Jan Kowalski ",
    "i'm ",
    "its ",
    "i\t",
    "x'",
    "-",
    "@",
    ".",
    ",",
    "\n",
    "é",
    "[",
    "CH63 ",
    "family ",
)
PLAIN = "my dad had car t last month and now he has a temperature, what should we do about it? "


def filled(unit: str, length: int) -> str:
    return (unit * (length // len(unit) + 1))[:length]


def cpu_ms(function: Callable[[], object]) -> float:
    started = time.process_time()
    function()
    return (time.process_time() - started) * 1000


def slowest(length: int) -> Tuple[float, str]:
    """The slowest adversarial input of ``length`` characters: (CPU ms, its repeated unit)."""
    timed = []
    for unit in ADVERSARIAL_UNITS:
        text = filled(unit, length)
        timed.append((cpu_ms(partial(redact, text)), unit))
    return max(timed)


def measure() -> List[Dict[str, object]]:
    name_lists()  # built once per process, not part of any turn
    rows = []
    for label, length in (("message limit", 1000), ("request-body limit", settings().request_max_bytes)):
        worst_ms, unit = slowest(length)
        plain_ms = cpu_ms(partial(redact, filled(PLAIN, length)))
        rows.append({"where": label, "chars": length, "worst_ms": worst_ms, "unit": unit, "plain_ms": plain_ms})
    return rows


def main() -> int:
    print(f"{'input':<20} {'chars':>7} {'worst (ms)':>11} {'plain text (ms)':>16}  worst input")
    for row in measure():
        print(
            f"{row['where']:<20} {row['chars']:>7} {row['worst_ms']:>11.1f} {row['plain_ms']:>16.1f}  "
            f"{row['unit']!r} repeated"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
