"""A follow-up that points back at the last answer: "and the other one?", "what happens after that?".

Why a custom action: such a message says nothing by itself; what it asks depends on the answer the patient has
just read, which only the conversation knows. Every catalogue answer offers one or two follow-up questions as
buttons (each payload is another answer's ``metadata.question``), so "the other one" is read as the follow-up
the last answer offered:

- one follow-up: the patient gets that answer, as if they had pressed its button;
- two: "Did you mean…?" with those two (the patient picks, nothing is guessed);
- no answer before it (or one without follow-ups): "Did you mean…?" with the closest answers, like any turn the
  assistant is unsure of.

Which answer a payload leads to is read from the answers as staff last saved them (watched: an edit is live at
once, a broken edit keeps the last good version).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from assistant.content.catalogue import UTTER_PREFIX, live_responses_dir, read_answers
from assistant.content.similarity import normalise
from assistant.content.system_messages import CLARIFY_RESPONSE, SUGGESTED_ANSWERS_KEY
from assistant.content.watched import Watched, yaml_files

ACTION_FOLLOW_UP = "action_follow_up"


def answers_by_question(responses: Iterable[Dict[str, Any]]) -> Dict[str, str]:
    """``{normalised question: answer key}`` from catalogue answers given as ``{"key", "question"}``."""
    return {normalise(str(r["question"])): str(r["key"]) for r in responses if r.get("question") and r.get("key")}


def read_questions(directory: Path) -> Dict[str, str]:
    """Which answer each question leads to, from the answer files of ``directory`` (raises when one is broken)."""
    found: List[Dict[str, Any]] = []
    for path in yaml_files(directory):
        answers, error = read_answers(path)
        if error is not None:
            raise ValueError(f"{error.path}:{error.line}: {error.message}")
        found += [{"key": a.key, "question": a.metadata.get("question")} for a in answers]
    return answers_by_question(found)


@lru_cache(maxsize=4)
def watched_questions(directory: Path) -> Watched[Dict[str, str]]:
    return Watched(directory, lambda _previous: read_questions(directory), name=f"answer questions in {directory}")


def _dict(value: Any) -> Dict[str, Any]:
    return value if isinstance(value, dict) else {}


def answer_of(event: Dict[str, Any]) -> Optional[str]:
    """The catalogue answer a bot message gave ("cart/crs"), or None for any other reply."""
    metadata = _dict(event.get("metadata"))
    action = metadata.get("utter_action")
    if isinstance(action, str) and action.startswith(UTTER_PREFIX) and "/" in action:
        return action[len(UTTER_PREFIX) :]
    answer = _dict(metadata.get("metadata")).get("answer_id")
    return answer if isinstance(answer, str) and "/" in answer else None


def last_follow_ups(events: Iterable[Dict[str, Any]], questions: Dict[str, str]) -> Optional[List[str]]:
    """The answers the last catalogue answer offered as follow-up buttons, in their order (None when no answer
    was given yet). A withheld answer offers none."""
    for event in reversed(list(events)):
        if not isinstance(event, dict) or event.get("event") != "bot" or answer_of(event) is None:
            continue
        data = _dict(event.get("data"))
        payloads = [b.get("payload") for b in data.get("buttons") or [] if isinstance(b, dict)]
        keys = [questions.get(normalise(p)) for p in payloads if isinstance(p, str)]
        return list(dict.fromkeys(k for k in keys if k))
    return None


class ActionFollowUp(Action):
    """Answers "and the other one?" with the follow-up the last answer offered (see the module's docstring)."""

    def name(self) -> Text:
        return ACTION_FOLLOW_UP

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        questions = watched_questions(live_responses_dir()).current()
        follow_ups = last_follow_ups(tracker.events, questions) or []
        if len(follow_ups) == 1:
            dispatcher.utter_message(response=f"{UTTER_PREFIX}{follow_ups[0]}")
        elif follow_ups:
            dispatcher.utter_message(response=CLARIFY_RESPONSE, **{SUGGESTED_ANSWERS_KEY: follow_ups})
        else:
            dispatcher.utter_message(response=CLARIFY_RESPONSE)
        return []
