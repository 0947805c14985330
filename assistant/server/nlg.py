"""Renders every response inside the Rasa server: contact details filled in, safety notes added.

Why in the Rasa server and not in a custom action: answers and the urgent-help message must work
when the action server is down. Loaded by ``endpoints.yml`` (``nlg: type: assistant.server.nlg.…``),
it extends Rasa's own templated generator:

- ``{hotline_phone}``-style placeholders are filled from ``content/contacts.yml`` (the one place staff
  change a number); every content file it reads is watched (:mod:`assistant.content.watched`): an edit is
  live at the next message, a broken one keeps the last good version, a broken file stops the server at start;
- a question that only *mentions* a symptom gets the urgent routes under its answer;
- the "Did you mean…?" response offers the closest catalogue answers as buttons (answer id ``clarify``);
- catalogue answers are served as they are now in the served answers folder (wording edits are live in
  seconds, no retrain: :mod:`assistant.server.live_content`), falling back to the model's own text;
- a text whose review-by date has passed is never shown: an answer gives way to ``answer_under_review`` (the
  information is being updated, the team's contact), any other text to ``text_under_review``; the urgent-help
  message never does;
- with ``serve_signed_off_only`` (a live deployment), so does any text not signed off as it is now
  (:mod:`assistant.content.signed_off`); the urgent-help message then falls back to its last signed-off
  wording, or is served as it is if it was never signed. ``make run`` serves every text.
"""

from __future__ import annotations

import copy
import logging
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

import yaml
from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from assistant.content import served
from assistant.content.catalogue import (
    OTHER_LANGUAGES_PATH,
    SOURCES_PATH,
    Source,
    live_responses_dir,
    read_sources,
)
from assistant.content.dates import review_passed, today_uk
from assistant.content.rendering import fill_all, shown_sources
from assistant.content.signed_off import servable_version
from assistant.content.system_messages import (
    ANSWER_UNDER_REVIEW,
    CLARIFY_ANSWER_ID,
    CLARIFY_RESPONSE,
    SUGGESTED_ANSWERS_KEY,
    TEXT_UNDER_REVIEW,
    URGENT_HELP_RESPONSE,
    fill,
    system_texts,
)
from assistant.content.versions import text_version
from assistant.content.watched import watched_file
from assistant.nlu import ANSWER_CANDIDATES_KEY
from assistant.nlu.other_language import LANGUAGE_KEY
from assistant.nlu.urgent_symptoms import SYMPTOM_MENTIONS_KEY
from assistant.server.live_content import live_answers
from assistant.settings import settings

logger = logging.getLogger(__name__)

OTHER_LANGUAGE_RESPONSE = "utter_other_language"
# Never held back when overdue: where to get urgent help must always be there.
NEVER_HELD_BACK = frozenset({URGENT_HELP_RESPONSE})


def _sources(path: Path) -> Dict[str, Source]:
    sources, error = read_sources(path)
    if error is not None:
        raise ValueError(f"{path}:{error.line}: {error.message}")
    return sources


def _translations(path: Path) -> Dict[str, Dict[str, Any]]:
    return dict((yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("languages") or {})


class ContentNaturalLanguageGenerator(TemplatedNaturalLanguageGenerator):
    """Rasa's templated NLG plus contact placeholders, symptom notes and answer suggestions."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, domain: Optional[Domain] = None) -> None:
        configured = (endpoint_config.kwargs or {}).get("responses_dir") if endpoint_config else None
        self.live_answers = live_answers(live_responses_dir(configured))
        self._live_state = self.live_answers.current()
        self._live: Dict[str, Any] = self._live_state.merged
        super().__init__(domain.responses if domain else {})
        self.system = system_texts()
        self.sources = watched_file(served(SOURCES_PATH), _sources)
        self.translations = watched_file(served(OTHER_LANGUAGES_PATH), _translations)

    @property
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
        state = self.live_answers.current()
        if state is not self._live_state:
            self._live_state, self._live = state, state.merged
            self._responses = {**self._model_responses, **self._live}

    def placeholder_values(self) -> Dict[str, str]:
        return self.system.placeholder_values()

    def _fill_response(
        self, response: Dict[Text, Any], filled_slots: Optional[Dict[Text, Any]] = None, **kwargs: Any
    ) -> Dict[Text, Any]:
        """Every text is filled by the one renderer the system messages use (a placeholder without a value stays
        as it is; Rasa's own interpolation would then fill none of them)."""
        values = self._response_variables(filled_slots or {}, kwargs)
        for key in ("text", "buttons", "custom", "quick_replies"):
            if key in response:
                response[key] = fill_all(response[key], values)
        return response

    def generate_from_slots(
        self, utter_action: Text, filled_slots: Dict[Text, Any], output_channel: Text, **kwargs: Any
    ) -> Optional[Dict[Text, Any]]:
        """Rasa's own (pick a variation, fill it), with the variation swapped first for the version patients may
        get when only signed-off texts are served (the fingerprint covers the text before filling)."""
        chosen = self._random_response_for(utter_action, output_channel, filled_slots)
        if chosen is None:
            return None
        if settings().serve_signed_off_only:
            version = servable_version(chosen, utter_action in NEVER_HELD_BACK)
            if version is None:
                return self._under_review(utter_action, chosen, "not_signed_off")
            chosen = version
        return self._fill_response(copy.deepcopy(chosen), filled_slots, **kwargs)

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
        metadata = response.get("metadata") or {}
        if utter_action not in NEVER_HELD_BACK and review_passed(metadata, today_uk()):
            response = self._under_review(utter_action, response)
        elif metadata.get("answer_id") and metadata.get("source"):
            response["metadata"] = {
                **metadata,
                "sources": shown_sources(self.sources.current(), metadata),
                "version": self._version(utter_action, metadata["answer_id"]),
            }
        parse_data = tracker.latest_message.parse_data if tracker.latest_message else {}
        if utter_action in (OTHER_LANGUAGE_RESPONSE, URGENT_HELP_RESPONSE):
            self._in_their_language(utter_action, response, parse_data.get(LANGUAGE_KEY), values)
        if utter_action == CLARIFY_RESPONSE:
            suggested = kwargs.get(SUGGESTED_ANSWERS_KEY)  # named by a custom action, else the matcher's closest
            self._add_suggestions(response, list(suggested or parse_data.get(ANSWER_CANDIDATES_KEY) or []))
            response["metadata"] = {"answer_id": CLARIFY_ANSWER_ID, **(response.get("metadata") or {})}
        if parse_data.get(SYMPTOM_MENTIONS_KEY) and utter_action != URGENT_HELP_RESPONSE:
            self._add_symptom_note(response, values)
        return response

    def _version(self, utter_action: str, answer_id: str) -> str:
        """The fingerprint of the answer's text as staff wrote and signed it (before contacts are filled in):
        a patient's rating of the answer names it, so the rating counts for that wording."""
        for variation in self.responses.get(utter_action) or []:
            if (variation.get("metadata") or {}).get("answer_id") == answer_id:
                return text_version(variation)
        return ""

    def answer_question(self, answer_key: str) -> Optional[str]:
        """The plain question a catalogue answer replies to (its ``metadata.question``), if it may be shown."""
        variations = self.responses.get(f"utter_{answer_key}") or []
        for variation in variations:
            metadata = variation.get("metadata") or {}
            question = metadata.get("question")
            withheld = review_passed(metadata, today_uk()) or (
                settings().serve_signed_off_only and servable_version(variation, False) is None
            )
            if question and not withheld:  # never suggest a withheld answer
                return str(question)
        return None

    def _under_review(
        self, utter_action: str, response: Dict[str, Any], reason: str = "review_by_passed"
    ) -> Dict[str, Any]:
        """What a patient gets instead of a text past its review-by date or, when only signed-off texts are
        served, not signed off as it is now (never that text): for an answer, ``answer_under_review`` (the
        team's contact); for any other text, ``text_under_review``."""
        metadata = response.get("metadata") or {}
        if reason == "review_by_passed":
            logger.warning("%s is past its review-by date (%s): not shown", utter_action, metadata.get("review_by"))
        else:
            logger.info("%s is not signed off as it is now: not shown (only signed-off texts are served)", utter_action)
        instead = self.system.response(ANSWER_UNDER_REVIEW if "/" in utter_action else TEXT_UNDER_REVIEW)
        return {**instead, "metadata": {"answer_id": metadata.get("answer_id"), "withheld": reason}}

    def _in_their_language(
        self, utter_action: str, response: Dict[str, Any], language: Any, values: Dict[str, Any]
    ) -> None:
        """The notice, or urgent help, in the patient's language when there is a translation (marked as awaiting
        review until a translator signs it off); urgent help keeps the English below it, for a carer to show to
        staff. In English otherwise."""
        translation = self.translations.current().get(language) if isinstance(language, str) else None
        if utter_action == URGENT_HELP_RESPONSE:
            translation = (translation or {}).get("urgent_help")
        if not isinstance(translation, dict) or not translation.get("text"):
            response["metadata"] = {**(response.get("metadata") or {}), "language": "en"}
            return
        text = fill(str(translation["text"]), values)
        response["text"] = f"{text}\n\n{response['text']}" if utter_action == URGENT_HELP_RESPONSE else text
        meta = translation.get("metadata") or {}
        response["metadata"] = {
            **(response.get("metadata") or {}),
            "language": language,
            "translation": str(meta.get("translation") or "awaiting review"),
        }

    def _add_suggestions(self, response: Dict[str, Any], candidates: List[str]) -> None:
        questions = [q for q in (self.answer_question(key) for key in candidates) if q]
        suggestions = [{"title": q, "payload": q} for q in dict.fromkeys(questions)]
        response["buttons"] = suggestions + list(response.get("buttons") or [])

    def _add_symptom_note(self, response: Dict[str, Any], values: Dict[str, Any]) -> None:
        text = response.get("text") or ""
        if values.get("hotline_phone") and values["hotline_phone"] in text:
            return
        note = self.system.render("symptom_mention_note")
        response["text"] = f"{text}\n\n{note}" if text else note
