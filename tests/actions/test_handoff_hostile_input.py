"""The handoff action answers whatever the tracker holds: random texts, intents, metadata, slots."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import ActionHandoff

COUNT = {"action_handoff": 0}
anything = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=8), c, max_size=3),
    max_leaves=8,
)
user_events = st.lists(
    st.fixed_dictionaries(
        {
            "event": st.sampled_from(["user", "bot", "action", "slot"]),
            "text": st.text(max_size=100) | st.none(),
            "parse_data": st.fixed_dictionaries(
                {
                    "intent": st.fixed_dictionaries(
                        {
                            "name": st.sampled_from(
                                ["cart", "referral", "complaint", "handoff", "nlu_fallback", "greet", ""]
                            )
                            | st.text(max_size=10)
                        }
                    )
                }
            )
            | anything,
            "metadata": anything,
        }
    ),
    max_size=8,
)


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(events=user_events, slot=anything)
async def test_handoff_always_offers_someone(events, slot):
    tracker = Tracker.from_dict(
        {
            "sender_id": "fuzz",
            "slots": {"handoff_reason": slot},
            "latest_message": {},
            "events": events,
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        }
    )
    dispatcher = CollectingDispatcher()
    result = await ActionHandoff().run(dispatcher, tracker, {})
    assert len(dispatcher.messages) == 1 and dispatcher.messages[0]["text"]
    assert result[0]["value"] in {"clinical", "referral", "complaint", "general"}
    COUNT["action_handoff"] += 1


def test_zz_report_counts():
    print(f"\nfuzz (actions): {COUNT}")
