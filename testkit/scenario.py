"""What a scenario is: a named conversation, its settings, and what the patient must see at each step.

Why plain data classes: the loader builds them from YAML (checking every field, with line numbers),
the runner plays them and the reports show them; none of them needs to know YAML.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional, Tuple

RUNNING, STOPPED = "running", "stopped"


@dataclass(frozen=True)
class Expectations:
    """What the patient must (or must not) see in the assistant's reply to one step.

    Every field is optional; ``None`` means "not checked". The runner always checks, in addition,
    that the reply is not empty, has no unfilled ``{placeholder}`` and is not the "something went
    wrong" message (unless ``answer`` is ``service_degraded``).
    """

    says: Tuple[str, ...] = ()
    does_not_say: Tuple[str, ...] = ()
    matches: Optional[str] = None
    answer: Optional[str] = None
    buttons: Tuple[str, ...] = ()
    contact_card: Optional[Tuple[str, ...]] = None  # () = any card; None = not checked
    no_contact_card: bool = False
    urgent_help_first: Optional[bool] = None
    unsure: Optional[bool] = None
    status: int = 200


@dataclass(frozen=True)
class Step:
    """The patient types ``say`` (repeated ``repeat`` times) or clicks the button titled ``click``."""

    line: int
    expect: Expectations
    say: Optional[str] = None
    click: Optional[str] = None
    repeat: int = 1

    @property
    def message(self) -> Optional[str]:
        return None if self.say is None else self.say * self.repeat

    def describe(self) -> str:
        if self.click is not None:
            return f"clicks “{self.click}”"
        text = self.say or ""
        if self.repeat > 1:
            return f"types “{text.strip()}” {self.repeat} times ({len(self.message or '')} characters)"
        return f"types “{text}”"


@dataclass(frozen=True)
class Settings:
    """How the assistant is set up for a scenario: the UK clock time, and whether actions run."""

    clock: Optional[dt.datetime] = None
    action_server: str = RUNNING


@dataclass(frozen=True)
class Scenario:
    name: str
    path: Path
    line: int
    steps: List[Step]
    settings: Settings = field(default_factory=Settings)
    description: str = ""
    tags: Tuple[str, ...] = ()
    # Why this scenario is expected to fail for now (a reported defect); it is then not counted as a failure.
    known_issue: str = ""

    @property
    def suite(self) -> str:
        """The file the scenario lives in, without folder and extension (its group in the reports)."""
        return self.path.stem
