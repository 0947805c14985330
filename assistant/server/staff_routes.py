"""The assistant's routes for staff: ``POST /webhooks/staff/try``, what the running model would answer now, and
``POST /webhooks/staff/group``, patients' unanswered questions grouped by meaning.

Why on the Rasa server: staff trying a question before they add it as an example must see what patients would
get from the very model and content in service, the urgent-symptom net and the personal-advice override
included. The console (``assistant/console``, another process) calls it with the staff token
(``staff_api_token``, fresh each ``make run``); docs/running.md documents the JSON.

- ``Authorization: Bearer <token>`` compared in constant time; with no token configured the route refuses
  every call (401): it is never open.
- Body: ``{"text": "..."}``, at most :data:`MAX_BODY_BYTES` and the patients' own message limit (the
  LengthGuard's ``max_characters``); anything else is a 400 with a short reason, never an error page.
- The loaded agent's NLU parse only: no tracker is fetched or stored, no action runs, nothing is logged of the
  question. The reply the patient would get is the policies' choice for a new conversation's first message,
  predicted on a tracker made for this call and thrown away.
- Not counted against the patients' limits, but bounded: :data:`TRIES_PER_MINUTE` calls a minute in all.

``POST /webhooks/staff/group`` (the console's "Unanswered questions" page): ``{"texts": [...]}``, already redacted
questions (at most :data:`MAX_GROUP_TEXTS`, each within the patients' message limit, the body within the same
byte limit as every request, ``request_max_bytes``), grouped on the sentence vectors of the question matcher's own
encoder (loaded once with the model: nothing else is loaded), each group with the matcher's closest answers and
their confidence (averaged over the group's members). Same token, nothing stored or logged, its own bound of
:data:`GROUPS_PER_MINUTE` calls a minute; each message is encoded and parsed in turn, yielding to patients'
messages in between.

Registered once per server from the start-up hooks (``assistant/server/startup.py``), whichever chat channels
``credentials.yml`` enables.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from typing import Any, Awaitable, Callable, Coroutine, Dict, List

import numpy as np
from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from assistant.content.similarity import MEANING_SIMILARITY, group_vectors
from assistant.content.system_messages import CLARIFY_ANSWER_ID, URGENT_HELP_RESPONSE
from assistant.nlu import LABEL_RANKING_KEY
from assistant.nlu.matcher_model import MatcherSettings
from assistant.nlu.other_language import LANGUAGE_KEY
from assistant.nlu.personal_advice_override import ADVICE_INTENT, ADVICE_KIND_KEY
from assistant.nlu.question_matcher import QuestionMatcher, is_answer
from assistant.nlu.sentence_encoder import load_encoder
from assistant.nlu.urgent_symptoms import URGENT_INTENT, URGENT_SIGNS_KEY
from assistant.server.rate_limit import SlidingWindow
from assistant.server.turn_gate import message_limit
from assistant.settings import settings

logger = logging.getLogger(__name__)

TRY_PATH = "/webhooks/staff/try"
MAX_BODY_BYTES = 16384  # a 1,000-character question is ~6 KB of JSON at worst
TRIES_PER_MINUTE = 120
TOP = 3
HANDOFF_ACTION = "action_handoff"
GROUP_PATH = "/webhooks/staff/group"
MAX_GROUP_TEXTS = 200
MAX_GROUP_BODY_BYTES = 65536  # the server's own limit on any body (request_max_bytes' default)
GROUPS_PER_MINUTE = 10
GROUPED_BY = "sentence embeddings"
MIN_CLOSEST = 0.01  # an answer the matcher gives less than 1% on average is not "close": not listed


def is_authorised(request: Request, token: str) -> bool:
    """``Authorization: Bearer <token>``, compared in constant time."""
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


def error(status: int, reason: str) -> HTTPResponse:
    return response.json({"error": reason}, status=status)


def question_of(request: Request, limit: int) -> str:
    """The question in the body, or ``ValueError`` with a reason a member of staff can act on."""
    if len(request.body or b"") > MAX_BODY_BYTES:
        raise ValueError("the request is too large")
    try:
        body = json.loads(request.body or b"")
    except (ValueError, UnicodeDecodeError):
        raise ValueError('the body must be JSON: {"text": "..."}') from None
    text = body.get("text") if isinstance(body, dict) else None
    if not isinstance(text, str) or not text.strip():
        raise ValueError("'text' must be a question (a non-empty string)")
    if len(text) > limit:
        raise ValueError(f"'text' must be at most {limit} characters, as for patients")
    return text


def top_labels(parse: Dict[str, Any]) -> List[Dict[str, Any]]:
    """The matcher's closest answers (or kinds of message) with their confidence, best first."""
    ranking = parse.get(LABEL_RANKING_KEY) or []
    return [
        {"answer_id": str(item["label"]), "confidence": round(float(item["confidence"]), 4)}
        for item in ranking[:TOP]
        if isinstance(item, dict) and "label" in item
    ]


def first_turn(text: str, parse: Dict[str, Any], agent: Any) -> DialogueStateTracker:
    """A new conversation holding only this message: made for the prediction, never stored."""
    events = [
        ActionExecuted(ACTION_SESSION_START_NAME),
        SessionStarted(),
        ActionExecuted(ACTION_LISTEN_NAME),
        UserUttered(text, parse.get("intent"), parse.get("entities"), parse_data=parse),
    ]
    return DialogueStateTracker.from_events("staff-try", events, slots=agent.domain.slots)


def reply_of(action: str, parse: Dict[str, Any]) -> str:
    """What the patient would get, named as the widget and the tests name replies: an answer id, urgent_help,
    clarify, handoff, or the kind of message (greet, personal_advice, out_of_scope…)."""
    if action == URGENT_HELP_RESPONSE:
        return "urgent_help"
    if action == "utter_clarify":
        return CLARIFY_ANSWER_ID
    if action == HANDOFF_ACTION:
        return "handoff"
    intent = parse.get("intent") or {}
    answer = intent.get("full_retrieval_intent_name")
    if answer and action == f"utter_{intent.get('name')}":
        return str(answer)
    return action[len("utter_") :] if action.startswith("utter_") else action


def predicted_action(text: str, parse: Dict[str, Any], agent: Any) -> str:
    prediction = agent.processor.predict_next_with_tracker(first_turn(text, parse, agent))
    if not prediction:
        return ""
    return str(max(prediction["scores"], key=lambda score: score["score"])["action"])


async def tried(text: str, agent: Any) -> Dict[str, Any]:
    """The answer of ``POST /webhooks/staff/try`` for ``text`` (see docs/running.md)."""
    parse = await agent.parse_message(text)
    intent = (parse.get("intent") or {}).get("name")
    return {
        "urgent": bool(parse.get(URGENT_SIGNS_KEY)) or intent == URGENT_INTENT,
        "personal_advice": bool(parse.get(ADVICE_KIND_KEY)) or intent == ADVICE_INTENT,
        "language": str(parse.get(LANGUAGE_KEY) or "en"),
        "reply": reply_of(predicted_action(text, parse, agent), parse),
        "top": top_labels(parse),
    }


def texts_of(request: Request, limit: int) -> List[str]:
    """The questions in a group request's body, or ``ValueError`` with a reason."""
    if len(request.body or b"") > MAX_GROUP_BODY_BYTES:
        raise ValueError("the request is too large")
    try:
        body = json.loads(request.body or b"")
    except (ValueError, UnicodeDecodeError):
        raise ValueError('the body must be JSON: {"texts": ["...", "..."]}') from None
    texts = body.get("texts") if isinstance(body, dict) else None
    if not isinstance(texts, list) or not texts:
        raise ValueError("'texts' must be a list of questions")
    if len(texts) > MAX_GROUP_TEXTS:
        raise ValueError(f"at most {MAX_GROUP_TEXTS} questions at a time")
    if any(not isinstance(t, str) or not t.strip() or len(t) > limit for t in texts):
        raise ValueError(f"each question must be a non-empty string of at most {limit} characters")
    return texts


def matcher_settings(agent: Any) -> MatcherSettings:
    """The loaded model's question-matcher settings (its encoder's layers, its rewrites such as "car t" → CAR-T)."""
    config = dict(QuestionMatcher.get_default_config())
    metadata = getattr(agent.processor, "model_metadata", None)
    nodes = getattr(getattr(metadata, "predict_schema", None), "nodes", {}) or {}
    for node in nodes.values():
        if getattr(node, "uses", None) is QuestionMatcher:
            config.update(node.config or {})
            break
    return MatcherSettings.from_config(config)


async def grouped(texts: List[str], agent: Any) -> Dict[str, Any]:
    """The answer of ``POST /webhooks/staff/group``: groups of indices into ``texts``, each with the closest
    answers (mean confidence over the members), on the matcher's own sentence vectors."""
    matcher = matcher_settings(agent)
    encoder = load_encoder(matcher.layers)  # the one the matcher loaded (cached per process and layers)
    vectors = []
    closeness: List[Dict[str, float]] = []
    for text in texts:
        vectors.append(encoder.encode([matcher.normalise(text)])[0])
        parse = await agent.parse_message(text)
        closeness.append(
            {
                str(item["label"]): float(item["confidence"])
                for item in parse.get(LABEL_RANKING_KEY) or []
                if isinstance(item, dict) and is_answer(str(item.get("label", "")))
            }
        )
        await asyncio.sleep(0)  # patients' messages go first
    groups = []
    for members in group_vectors(np.vstack(vectors), MEANING_SIMILARITY):
        totals: Dict[str, float] = {}
        for index in members:
            for label, confidence in closeness[index].items():
                totals[label] = totals.get(label, 0.0) + confidence
        closest = [
            (label, total)
            for label, total in sorted(totals.items(), key=lambda item: (-item[1], item[0]))
            if total / len(members) >= MIN_CLOSEST
        ][:TOP]
        groups.append(
            {
                "members": members,
                "closest": [{"answer_id": a, "confidence": round(c / len(members), 4)} for a, c in closest],
            }
        )
    return {"grouped_by": GROUPED_BY, "similarity": MEANING_SIMILARITY, "groups": groups}


def staff_route(
    read: Callable[[Request, int], Any],
    answer: Callable[[Any, Any], Awaitable[Dict[str, Any]]],
    per_minute: int,
    what: str,
    failed: str,
    sorry: str,
) -> Callable[[Request], Coroutine[Any, Any, HTTPResponse]]:
    """One staff route's handler, the same checks in the same order for each: the token (401), a loaded model
    (503), the body (``read``: 400 with its reason), the route's own bound of ``per_minute`` calls (429), then
    ``answer``; a failure logs only the exception's type (the body is what patients wrote) and answers 500 with
    ``sorry``."""
    window = SlidingWindow(per_minute, 60.0)

    async def handle(request: Request) -> HTTPResponse:
        token = settings().staff_api_token
        if not token or not is_authorised(request, token):
            return error(401, "Unauthorised")
        agent = getattr(request.app.ctx, "agent", None)
        if agent is None or not agent.is_ready():
            return error(503, "the model is not loaded yet")
        try:
            body = read(request, message_limit(agent))
        except ValueError as refused:
            return error(400, str(refused))
        if not window.has_room("staff"):
            return error(429, f"at most {per_minute} {what} a minute")
        window.record("staff")
        try:
            return response.json(await answer(body, agent))
        except Exception as failure:  # never logged: it may hold what a patient wrote
            logger.error("%s failed: %s", failed, type(failure).__name__)
            return error(500, sorry)

    return handle


def add_staff_routes(app: Sanic) -> None:
    """Register :data:`TRY_PATH` and :data:`GROUP_PATH` on the server (once: the start-up hooks call this when the
    first channel's blueprint is registered)."""
    try_question = staff_route(
        question_of, tried, TRIES_PER_MINUTE, "questions", "Trying a question", "the question could not be tried"
    )
    app.add_route(try_question, TRY_PATH, methods=["POST"], name="staff_try_question")
    group_questions = staff_route(
        texts_of, grouped, GROUPS_PER_MINUTE, "groupings", "Grouping questions", "the questions could not be grouped"
    )
    app.add_route(group_questions, GROUP_PATH, methods=["POST"], name="staff_group_questions")
