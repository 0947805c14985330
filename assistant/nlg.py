"""Renders every response inside the Rasa server: contact details filled in, safety notes added.

Why in the Rasa server and not in a custom action: answers and the urgent-help message must work
when the action server is down. Loaded by ``endpoints.yml`` (``nlg: type: assistant.nlg.…``),
it extends Rasa's own templated generator:

- ``{hotline_phone}``-style placeholders are filled from ``config/contacts.yml`` (the one place staff
  change a number); the file is re-read when it changes, and a broken file stops the server at start;
- a question that only *mentions* a symptom gets the Hotline line under its answer;
- the "Did you mean…?" response offers the closest catalogue answers as buttons (answer id ``clarify``);
- catalogue answers are served as they are now in ``data/responses/`` (staff wording edits are live
  in seconds, no retrain: :mod:`assistant.live_content`), falling back to the model's own text;
- an answer whose review-by date has passed is never shown: the patient is told the information is
  being updated and given the team's contact (``answer_under_review`` in config/system_messages.yml).
"""
from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

import yaml
from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from assistant.catalogue import live_responses_dir, review_passed, today_uk
from assistant.contacts import Contacts, contacts_path, load_contacts
from assistant.live_content import LiveAnswers
from assistant.nlu.question_matcher import ANSWER_CANDIDATES_KEY
from assistant.nlu.urgent_symptoms import SYMPTOM_MENTIONS_KEY

logger = logging.getLogger(__name__)

SYSTEM_MESSAGES_PATH = Path(__file__).resolve().parent.parent / "config" / "system_messages.yml"
CLARIFY_RESPONSE = "utter_clarify"
URGENT_RESPONSE = "utter_urgent_help"
# The "I'm not sure, did you mean…?" reply is marked like a catalogue answer, so the widget and the
# end-to-end scenarios recognise it by its metadata rather than by its wording.
CLARIFY_ANSWER_ID = "clarify"
UNDER_REVIEW_MESSAGE = "answer_under_review"


class WatchedContacts:
    """The contacts file, re-read when its modification time changes (staff edits go live at once)."""

    def __init__(self, path: Optional[Path] = None) -> None:
        self.path = path or contacts_path()
        self._mtime = self.path.stat().st_mtime
        self._contacts = load_contacts(self.path)

    def current(self) -> Contacts:
        mtime = self.path.stat().st_mtime
        if mtime != self._mtime:
            try:
                self._contacts = load_contacts(self.path)
                logger.info("Reloaded contacts from %s", self.path)
            except Exception:  # keep serving the last good file rather than break every answer
                logger.exception("Contacts file %s is broken after an edit; still using the last good one", self.path)
            self._mtime = mtime
        return self._contacts


def load_system_messages(path: Path = SYSTEM_MESSAGES_PATH) -> Dict[str, str]:
    """Messages the assistant adds itself (``config/system_messages.yml``)."""
    return {str(k): str(v) for k, v in yaml.safe_load(path.read_text(encoding="utf-8")).items()}


def fill(text: str, values: Dict[str, Any]) -> str:
    """Fill ``{name}`` placeholders, leaving unknown ones as they are."""
    from rasa.core.nlg.interpolator import interpolate_text

    return interpolate_text(text, values)


class SystemMessages:
    """``config/system_messages.yml`` with contact placeholders filled from the watched contacts file."""

    def __init__(self) -> None:
        self.contacts = WatchedContacts()
        self.messages = load_system_messages()

    def placeholder_values(self) -> Dict[str, str]:
        return self.contacts.current().placeholder_values()

    def render(self, key: str, **extra: Any) -> str:
        return fill(self.messages[key], {**self.placeholder_values(), **extra})


@lru_cache(maxsize=1)
def system_messages() -> SystemMessages:
    """The Rasa server's one :class:`SystemMessages` (shared by the NLG and the channels)."""
    return SystemMessages()


class ContentNaturalLanguageGenerator(TemplatedNaturalLanguageGenerator):
    """Rasa's templated NLG plus contact placeholders, symptom notes and answer suggestions."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, domain: Optional[Domain] = None) -> None:
        configured = (endpoint_config.kwargs or {}).get("responses_dir") if endpoint_config else None
        self.live_answers = LiveAnswers(live_responses_dir(configured))
        self._live: Dict[str, Any] = self.live_answers.current()
        super().__init__(domain.responses if domain else {})
        self.system = system_messages()

    @property  # type: ignore[override]
    def responses(self) -> Dict[str, Any]:
        """The model's responses with the answers as staff last saved them on top."""
        return self._responses

    @responses.setter
    def responses(self, model_responses: Dict[str, Any]) -> None:
        # Rasa's agent sets the loaded model's responses after creating the NLG (often with no domain yet):
        # keep them as the base that live answers are laid over, or a reload would drop every other response.
        self._model_responses = dict(model_responses or {})
        self._responses = {**self._model_responses, **self._live}

    def _refresh_responses(self) -> None:
        """Answers as staff last saved them, over the model's own responses (kept for anything missing)."""
        live = self.live_answers.current()
        if live is not self._live:
            self._live = live
            self._responses = {**self._model_responses, **live}

    def placeholder_values(self) -> Dict[str, str]:
        return self.system.placeholder_values()

    async def generate(
        self,
        utter_action: Text,
        tracker: DialogueStateTracker,
        output_channel: Text,
        **kwargs: Any,
    ) -> Optional[Dict[Text, Any]]:
        self._refresh_responses()
        values = {**self.placeholder_values(), **kwargs}
        response = await super().generate(utter_action, tracker, output_channel, **values)
        if response is None:
            return None
        if review_passed(response.get("metadata") or {}, today_uk()):
            response = self._under_review(utter_action, response, values)
        parse_data = tracker.latest_message.parse_data if tracker.latest_message else {}
        if utter_action == CLARIFY_RESPONSE:
            self._add_suggestions(response, parse_data.get(ANSWER_CANDIDATES_KEY) or [])
            response["metadata"] = {"answer_id": CLARIFY_ANSWER_ID, **(response.get("metadata") or {})}
        if parse_data.get(SYMPTOM_MENTIONS_KEY) and utter_action != URGENT_RESPONSE:
            self._add_symptom_note(response, values)
        return response

    def answer_question(self, answer_key: str) -> Optional[str]:
        """The plain question a catalogue answer replies to (its ``metadata.question``), if it may be shown."""
        variations = self.responses.get(f"utter_{answer_key}") or []
        for variation in variations:
            metadata = variation.get("metadata") or {}
            question = metadata.get("question")
            if question and not review_passed(metadata, today_uk()):  # never suggest a withheld answer
                return str(question)
        return None

    def _under_review(self, utter_action: str, response: Dict[str, Any], values: Dict[str, Any]) -> Dict[str, Any]:
        """What a patient gets instead of an answer past its review-by date (never the stale text)."""
        metadata = response.get("metadata") or {}
        logger.warning("Answer %s is past its review-by date (%s): not shown", utter_action, metadata.get("review_by"))
        return {
            "text": fill(self.system.messages[UNDER_REVIEW_MESSAGE], values),
            "buttons": [{"title": "Talk to a person", "payload": "/handoff"}],
            "metadata": {"answer_id": metadata.get("answer_id"), "withheld": "review_by_passed"},
        }

    def _add_suggestions(self, response: Dict[str, Any], candidates: List[str]) -> None:
        questions = [q for q in (self.answer_question(key) for key in candidates) if q]
        suggestions = [{"title": q, "payload": q} for q in dict.fromkeys(questions)]
        response["buttons"] = suggestions + list(response.get("buttons") or [])

    def _add_symptom_note(self, response: Dict[str, Any], values: Dict[str, Any]) -> None:
        text = response.get("text") or ""
        if values.get("hotline_phone") and values["hotline_phone"] in text:
            return
        note = fill(self.system.messages["symptom_mention_note"], values)
        response["text"] = f"{text}\n\n{note}" if text else note
