"""Every question, fed junk: a value or a polite, localized rejection; never a crash.

Two levels: each question's parser alone (``Question.parse``), and the pure conversation
step with that question open, where a rejection must leave the state exactly as it was and
ask the same question again.
"""

from __future__ import annotations

from functools import cache

from hypothesis import given
from hypothesis import strategies as st

from bot.core.errors import ParseError
from bot.core.events import Command, Event, Pick, ReplyKind, Start, Submit, Text
from bot.core.questions import QUESTIONS
from bot.core.state import ConversationState, Phase
from bot.render.conversation import error_text
from bot.turn import run_turn
from tests.fuzz.strategies import JUNK, fuzz_settings, mixed

LOCALES = ("en", "pl", "zh")
QUESTION_IDS = [q.id for q in QUESTIONS]
BY_ID = {q.id: q for q in QUESTIONS}

#: How to answer each question on the way to another one; sizing decides the branch.
_TEAM_PATH: dict[str, Event] = {
    "kind": Pick("kind", "customer_service"),
    "region": Pick("region", "PL"),
    "channels": Submit("channels", ("phone", "chat", "email", "social")),
    "sizing": Pick("sizing", "team"),
    "team_size": Text("12"),
    "languages": Submit("languages", ("pl", "en")),
    "agent_languages": Pick("agent_languages", "one_each"),
    "hours": Pick("hours", "custom"),
    "hours_custom": Text("Mon-Fri 8-16"),
    "timezone": Command("skip"),
    "currency": Command("skip"),
    "service_level": Command("skip"),
    "current_cost": Command("skip"),
}
_VOLUME_PATH: dict[str, Event] = {
    **_TEAM_PATH,
    "sizing": Pick("sizing", "volume"),
    "volume_phone": Text("1000"),
    "volume_chat": Text("500"),
    "volume_email": Text("300"),
    "volume_social": Text("100"),
    "aht_mode": Pick("aht_mode", "custom"),
    "aht_phone": Text("5"),
    "aht_chat": Text("8"),
    "aht_email": Text("6"),
    "aht_social": Text("4"),
}
#: An IT help desk sized by the employees it supports.
_USERS_PATH: dict[str, Event] = {
    **_TEAM_PATH,
    "kind": Pick("kind", "it_helpdesk"),
    "sizing": Pick("sizing", "users"),
    "users": Text("300"),
}


@cache
def state_at(question_id: str, locale: str) -> ConversationState:
    """A conversation in ``locale`` whose open question is ``question_id``; a question the
    conversation never asks (a default until changed) is opened from the summary."""
    for path in (_TEAM_PATH, _VOLUME_PATH, _USERS_PATH):
        state = run_turn(None, Start(locale)).state
        for _ in range(40):
            if state.current == question_id:
                return state
            if state.phase is Phase.SUMMARY and not BY_ID[question_id].asked:
                state = run_turn(state, Command("edit", question_id)).state
                if state.current == question_id:
                    return state
                break
            if state.current not in path:
                break
            state = run_turn(state, path[state.current]).state
    raise LookupError(f"no path reaches {question_id}")


def test_every_question_is_reachable_for_the_fuzzers() -> None:
    for question_id in QUESTION_IDS:
        assert state_at(question_id, "en").current == question_id


INPUT = st.one_of(JUNK, mixed())


@fuzz_settings(2700)
@given(question_id=st.sampled_from(QUESTION_IDS), text=INPUT, locale=st.sampled_from(LOCALES))
def test_a_question_parser_returns_a_value_or_a_localized_rejection(
    question_id: str, text: str, locale: str
) -> None:
    try:
        BY_ID[question_id].parse(text)
    except ParseError as error:
        assert error.key.startswith("error.")
        assert error_text(error, locale).strip()


@fuzz_settings(1500)
@given(question_id=st.sampled_from(QUESTION_IDS), text=INPUT, locale=st.sampled_from(LOCALES))
def test_a_turn_never_crashes_and_a_rejected_answer_changes_nothing(
    question_id: str, text: str, locale: str
) -> None:
    state = state_at(question_id, locale)
    result = run_turn(state, Text(text))
    assert result.replies
    assert all(reply.text.strip() or reply.image for reply in result.replies)
    if result.replies[0].kind is ReplyKind.ERROR:
        assert result.state == state
        assert result.replies[-1].question == question_id
