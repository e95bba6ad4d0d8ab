"""Fuzzing: no input, however strange, produces anything but a polite rejection.

Every question's parser sees arbitrary Unicode (emoji, control characters, huge strings,
number-like junk, real vocabulary mixed with noise): it returns a value or raises
:class:`ParseError`, nothing else. Through :func:`step`, a rejected answer returns the very
same state. The quick reader, the command recogniser and the form validator get the same
treatment.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.commands import command_from_text, parse_volume_change
from bot.core.errors import ParseError, QuickParseError
from bot.core.events import ReplyKind, Text
from bot.core.form import FORM_FIELDS, validate_form
from bot.core.questions import QUESTIONS, Question
from bot.core.quick import parse_quick
from bot.core.state import ConversationState
from bot.core.vocab import vocabulary
from bot.render.conversation import error_text
from bot.render.form import form_error_texts
from bot.turn import run_turn
from tests.core.test_machine import _reach

FUZZ = settings(
    max_examples=50,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def _words() -> list[str]:
    vocab = vocabulary()
    found: set[str] = set()
    for group in ("channel", "hours", "kind", "unit", "period", "multiplier", "command"):
        found.update(list(vocab.table(group))[:40])
    found.update(["US", "UK", "PL", "pl", "en", "zh", "中国", "24/7", "80/20", "-", ",", "/"])
    return sorted(found)


WORDS = _words()
NUMBERISH = st.from_regex(
    r"[-+−]?[0-9０-９٠-٩]{1,30}([ ,.'\u00a0\u202f][0-9]{1,4}){0,3}[kKm万%]?", fullmatch=True
)
JUNK = st.one_of(
    st.text(max_size=80),
    st.text(min_size=480, max_size=700),
    st.text(alphabet=st.characters(categories=["So", "Sk", "Cc", "Cf", "Zs", "Mn"]), max_size=20),
    NUMBERISH,
    st.lists(st.one_of(st.sampled_from(WORDS), NUMBERISH, st.text(max_size=5)), max_size=8).map(
        " ".join
    ),
)


@pytest.mark.parametrize("q", QUESTIONS, ids=lambda q: q.id)
@FUZZ
@given(text=JUNK)
def test_question_parsers_only_ever_reject_politely(q: Question, text: str) -> None:
    try:
        q.parse(text)
    except ParseError as error:
        assert error.key.startswith("error.")
        assert error_text(error, "pl")  # the explanation renders


_STATES: dict[str, ConversationState] = {}


def _state(question_id: str) -> ConversationState:
    if question_id not in _STATES:
        _STATES[question_id] = _reach(question_id)
    return _STATES[question_id]


ASKED = [
    "kind",
    "region",
    "channels",
    "volume_phone",
    "aht_phone",
    "languages",
    "hours_custom",
    "timezone",
    "service_level",
    "current_cost",
]


@pytest.mark.parametrize("question_id", ASKED)
@settings(max_examples=30, deadline=None, database=None)
@given(text=JUNK)
def test_step_never_crashes_and_a_rejection_changes_nothing(question_id: str, text: str) -> None:
    state = _state(question_id)
    before = state.model_dump(mode="json")
    result = run_turn(state, Text(text))
    assert result.replies
    if result.replies[0].kind is ReplyKind.ERROR:
        assert result.state.model_dump(mode="json") == before
        assert result.replies[-1].question == question_id


@FUZZ
@given(text=JUNK, locale=st.sampled_from(["en", "pl", "zh"]))
def test_quick_reader_only_ever_refuses_politely(text: str, locale: str) -> None:
    try:
        request = parse_quick(text, locale)
    except QuickParseError as error:
        assert error_text(error, locale)
    else:
        assert request.scenario.channels and request.scenario.languages


@FUZZ
@given(text=JUNK)
def test_command_words_never_crash(text: str) -> None:
    command = command_from_text(text)
    assert command is None or command.name
    parse_volume_change(text)


FORM_VALUES = st.dictionaries(
    st.sampled_from([field.id for field in FORM_FIELDS] + ["unknown"]),
    st.one_of(JUNK, st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=10)), max_size=5)),
)


@settings(max_examples=80, deadline=None, database=None)
@given(values=FORM_VALUES, locale=st.sampled_from(["en", "pl", "zh"]))
def test_form_validation_never_crashes(values: dict[str, str | Sequence[str]], locale: str) -> None:
    result = validate_form(values)
    assert result.ok or result.errors
    texts = form_error_texts(result.errors, locale)
    assert all(isinstance(message, str) and message for message in texts.values())
