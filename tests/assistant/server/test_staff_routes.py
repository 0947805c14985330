"""POST /webhooks/staff/try: refused without the right token (and always when none is configured), a polite 400
on a bad body, bounded; the answer says what a patient would get, from the NLU parse and the policies, with no
tracker stored. The last test asks the trained model (integration)."""

from __future__ import annotations

import asyncio
import uuid
from types import SimpleNamespace

import numpy as np
import pytest
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from sanic import Sanic

from assistant.server import staff_routes
from assistant.server.channels import PatientRestInput, PatientSocketIOInput
from assistant.server.staff_routes import GROUP_PATH, TRY_PATH, grouped, reply_of, tried

TOKEN = "staff-token-for-tests"


class FakeAgent:
    """An agent whose NLU parse and policy prediction are given: what the route reads of Rasa's agent."""

    def __init__(self, parse, action):
        self.parse, self.action = parse, action
        self.domain = Domain.empty()
        self.tracker_store = InMemoryTrackerStore(self.domain)
        self.processor = SimpleNamespace(predict_next_with_tracker=self.predict, model_metadata=None)
        self.trackers = []

    def is_ready(self):
        return True

    async def parse_message(self, text):
        return {"text": text, **self.parse}

    def predict(self, tracker):
        self.trackers.append(tracker)
        return {"scores": [{"action": "action_listen", "score": 0.1}, {"action": self.action, "score": 0.9}]}


ANSWER_PARSE = {
    "intent": {"name": "cart", "confidence": 0.91, "full_retrieval_intent_name": "cart/what_is"},
    "label_ranking": [
        {"label": "cart/what_is", "confidence": 0.91},
        {"label": "cart/how_it_works", "confidence": 0.05},
        {"label": "greet", "confidence": 0.01},
    ],
}


async def ignore_message(message) -> None:
    """The staff route never hands a message to Rasa's message handling."""


def app_with(agent, channel=PatientSocketIOInput):
    app = Sanic(f"staff_{uuid.uuid4().hex}")
    instance = channel(session_persistence=True) if channel is PatientSocketIOInput else channel()
    app.blueprint(instance.blueprint(ignore_message), url_prefix=f"/webhooks/{instance.name()}")
    app.ctx.agent = agent
    return app


def post(app, body=None, token=TOKEN, data=None):
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    kwargs = {"data": data} if data is not None else {"json": body}
    _, reply = asyncio.run(app.asgi_client.post(TRY_PATH, headers=headers, **kwargs))
    return reply


@pytest.fixture
def staff_token(configure):
    configure(staff_api_token=TOKEN)


@pytest.mark.parametrize("channel", [PatientRestInput, PatientSocketIOInput], ids=["REST alone", "socket.io alone"])
def test_the_route_exists_whichever_channel_is_enabled(staff_token, channel):
    reply = post(app_with(FakeAgent(ANSWER_PARSE, "utter_cart"), channel), {"text": "what is car t"})
    assert reply.status == 200 and reply.json["reply"] == "cart/what_is"


@pytest.mark.parametrize("token", [None, "", "wrong", TOKEN + "x"])
def test_without_the_right_token_it_is_refused(staff_token, token):
    reply = post(app_with(FakeAgent(ANSWER_PARSE, "utter_cart")), {"text": "hi"}, token=token)
    assert reply.status == 401 and "reply" not in reply.json


def test_with_no_token_configured_every_call_is_refused(configure):
    configure(staff_api_token="")
    assert post(app_with(FakeAgent(ANSWER_PARSE, "utter_cart")), {"text": "hi"}, token="").status == 401


@pytest.mark.parametrize(
    "data",
    [b"not json", b'["text"]', b"{}", b'{"text": ""}', b'{"text": 3}', b'{"text": "' + b"a" * 1001 + b'"}'],
    ids=["not JSON", "a list", "no text", "empty", "a number", "over the patients' limit"],
)
def test_a_bad_body_is_a_polite_400(staff_token, data):
    reply = post(app_with(FakeAgent(ANSWER_PARSE, "utter_cart")), data=data)
    assert reply.status == 400 and reply.json["error"]


def test_it_is_bounded(staff_token, monkeypatch):
    monkeypatch.setattr(staff_routes, "TRIES_PER_MINUTE", 2)
    app = app_with(FakeAgent(ANSWER_PARSE, "utter_cart"))

    async def three():
        statuses = []
        for _ in range(3):
            _, reply = await app.asgi_client.post(
                TRY_PATH, headers={"Authorization": f"Bearer {TOKEN}"}, json={"text": "hi"}
            )
            statuses.append(reply.status)
        return statuses

    assert asyncio.run(three()) == [200, 200, 429]


def test_the_answer_lists_the_top_three_and_stores_nothing(staff_token):
    agent = FakeAgent(ANSWER_PARSE, "utter_cart")
    reply = post(app_with(agent), {"text": "what is car t"}).json
    assert reply == {
        "urgent": False,
        "personal_advice": False,
        "language": "en",
        "reply": "cart/what_is",
        "top": [
            {"answer_id": "cart/what_is", "confidence": 0.91},
            {"answer_id": "cart/how_it_works", "confidence": 0.05},
            {"answer_id": "greet", "confidence": 0.01},
        ],
    }
    assert list(asyncio.run(agent.tracker_store.keys())) == []  # nothing stored
    assert agent.trackers[0].latest_message.text == "what is car t"  # predicted on a new conversation's first turn


def test_the_urgent_net_and_the_advice_override_are_shown(staff_token):
    parse = {
        "intent": {"name": "urgent_symptom", "confidence": 1.0},
        "urgent_signs": ["fever"],
        "personal_advice_kind": "medicine",
        "language": "pl",
        "label_ranking": [],
    }
    reply = post(app_with(FakeAgent(parse, "utter_urgent_help")), {"text": "mam gorączkę"}).json
    assert reply["urgent"] and reply["personal_advice"] and reply["language"] == "pl"
    assert reply["reply"] == "urgent_help"


@pytest.mark.parametrize(
    "action, parse, expected",
    [
        ("utter_clarify", {"intent": {"name": "nlu_fallback"}}, "clarify"),
        ("action_handoff", {"intent": {"name": "handoff"}}, "handoff"),
        ("utter_personal_advice", {"intent": {"name": "personal_advice"}}, "personal_advice"),
        ("utter_greet", {"intent": {"name": "greet"}}, "greet"),
        ("utter_cart", ANSWER_PARSE, "cart/what_is"),
    ],
)
def test_the_reply_is_named_as_the_widget_names_it(action, parse, expected):
    assert reply_of(action, parse) == expected


@pytest.mark.integration
def test_a_real_parse_with_the_trained_model():
    from rasa.core.agent import Agent

    from assistant.settings import settings

    if not settings().model_path.exists():
        pytest.skip("no trained model: make train")
    agent = Agent.load(str(settings().model_path))

    async def ask(text):
        return await tried(text, agent)

    answer = asyncio.run(ask("What is CAR-T cell therapy?"))
    assert answer["reply"] == "cart/what_is" and not answer["urgent"]
    assert answer["top"][0]["answer_id"] == "cart/what_is" and len(answer["top"]) == 3
    assert answer["top"][0]["confidence"] >= answer["top"][1]["confidence"]
    urgent = asyncio.run(ask("I have a temperature of 38.5 and I'm shivering"))
    assert urgent["urgent"] and urgent["reply"] == "urgent_help"
    advice = asyncio.run(ask("should I stop taking my tablets?"))
    assert advice["personal_advice"]


# -- POST /webhooks/staff/group -------------------------------------------------------------------------
class TopicEncoder:
    """A stand-in for the sentence encoder (same interface): one dimension per topic word it knows."""

    topics = (("dog", "pets", "pet"), ("cost", "price", "pay"), ("wifi", "internet"))

    def encode(self, texts):
        rows = np.full((len(texts), len(self.topics) + 1), 0.01)
        for row, text in enumerate(texts):
            words = set(text.lower().replace("?", "").split())
            hits = [i for i, topic in enumerate(self.topics) if words & set(topic)]
            rows[row, hits[0] if hits else len(self.topics)] = 1.0
            rows[row, -1] += row * 0.001  # not all identical
        return rows


GROUP_TEXTS = [
    "can I bring my dog",
    "how much does herceptin cost",
    "are pets allowed",
    "is there wifi",
    "price of keytruda",
]


def group_post(app, body, token=TOKEN):
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    _, reply = asyncio.run(app.asgi_client.post(GROUP_PATH, headers=headers, json=body))
    return reply


@pytest.fixture
def topic_encoder(monkeypatch):
    monkeypatch.setattr(staff_routes, "load_encoder", lambda layers: TopicEncoder())


def test_grouping_is_refused_without_the_token(staff_token, topic_encoder):
    app = app_with(FakeAgent(ANSWER_PARSE, "utter_cart"))
    assert group_post(app, {"texts": GROUP_TEXTS}, token="wrong").status == 401
    assert group_post(app, {"texts": GROUP_TEXTS}, token=None).status == 401


@pytest.mark.parametrize(
    "body",
    [{"texts": []}, {"texts": "one"}, {"texts": ["ok", ""]}, {"texts": ["ok", 3]}, {"texts": ["x" * 1001]}, {}],
)
def test_grouping_refuses_a_bad_body_politely(staff_token, topic_encoder, body):
    reply = group_post(app_with(FakeAgent(ANSWER_PARSE, "utter_cart")), body)
    assert reply.status == 400 and reply.json["error"]


def test_grouping_is_bounded_in_count_and_calls(staff_token, topic_encoder, monkeypatch):
    app = app_with(FakeAgent(ANSWER_PARSE, "utter_cart"))
    too_many = group_post(app, {"texts": ["q"] * (staff_routes.MAX_GROUP_TEXTS + 1)})
    assert too_many.status == 400 and str(staff_routes.MAX_GROUP_TEXTS) in too_many.json["error"]
    monkeypatch.setattr(staff_routes, "GROUPS_PER_MINUTE", 1)
    app = app_with(FakeAgent(ANSWER_PARSE, "utter_cart"))
    assert [group_post(app, {"texts": ["a", "b"]}).status for _ in range(2)] == [200, 429]


def test_alike_questions_are_grouped_with_the_closest_answers(staff_token, topic_encoder):
    agent = FakeAgent(ANSWER_PARSE, "utter_cart")
    reply = group_post(app_with(agent), {"texts": GROUP_TEXTS})
    assert reply.status == 200
    body = reply.json
    assert body["grouped_by"] == "sentence embeddings"
    assert sorted(sorted(g["members"]) for g in body["groups"]) == [[0, 2], [1, 4], [3]]
    closest = body["groups"][0]["closest"]  # answers only (not "greet"), mean over the members
    assert [c["answer_id"] for c in closest] == ["cart/what_is", "cart/how_it_works"]
    assert closest[0]["confidence"] == 0.91
    assert list(asyncio.run(agent.tracker_store.keys())) == []  # nothing stored


@pytest.mark.integration
def test_grouping_on_the_trained_model():
    from rasa.core.agent import Agent

    from assistant.settings import settings

    if not settings().model_path.exists():
        pytest.skip("no trained model: make train")
    agent = Agent.load(str(settings().model_path))
    texts = [
        "can I bring my dog onto the ward",
        "are pets allowed to visit patients on the ward",
        "i would like to talk to a nurse",
        "can I speak to one of the nurses",
        "is there wifi on the ward",
    ]
    body = asyncio.run(grouped(texts, agent))
    groups = sorted(sorted(g["members"]) for g in body["groups"])
    assert [0, 1] in groups and [2, 3] in groups and [4] in groups
    assert all(not g["closest"] or "/" in g["closest"][0]["answer_id"] for g in body["groups"])
