"""Saved estimates and "delete my data" in the pure core (issue 15, point 3).

At 876e216 "list" and "delete my data" only answered that they worked "elsewhere"; here the
list, reopening, deleting and forgetting are decided by ``step`` from the saved estimates the
service hands in, and what the store must change comes back as effects.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.core.commands import command_from_text
from bot.core.events import Command, Quick, Start, Text
from bot.core.replies import Result, SavedList
from bot.core.saved import DeleteSaved, ForgetUser, SavedEstimate, saved_estimate, wants_saved
from bot.core.state import ConversationState, Phase
from bot.service import estimate_summary
from bot.turn import TurnResult, run_turn
from costengine.estimate import estimate
from costengine.results import Estimate
from costengine.scenario import Scenario


def fast(scenario: Scenario) -> Estimate:
    return estimate(scenario, analysis=False)


def _turn(state: ConversationState | None, event: object, **kw: object) -> TurnResult:
    return run_turn(state, event, estimator=fast, **kw)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def history() -> tuple[ConversationState, tuple[SavedEstimate, ...]]:
    """A conversation at a what-if result, and its two estimates saved (newest first)."""
    first = _turn(None, Quick("8 agents, phone and email, Poland, 24/7"))
    second = _turn(first.state, Text("what if 12 agents"))
    assert first.estimate is not None and second.estimate is not None
    when = datetime(2026, 5, 9, 14, 3, tzinfo=UTC)
    saved = (
        saved_estimate(41, when, estimate_summary(second.estimate)),
        saved_estimate(7, when, estimate_summary(first.estimate)),
    )
    return second.state, saved


@pytest.mark.parametrize(
    ("text", "name", "arg"),
    [
        ("list", "saved", ""),
        ("lista", "saved", ""),
        ("列表", "saved", ""),
        ("open 2", "open", "2"),
        ("otwórz 2", "open", "2"),
        ("打开2", "open", "2"),
        ("delete #1", "delete", "#1"),
        ("usuń 1", "delete", "1"),
        ("删除 1", "delete", "1"),
        ("delete my data", "forget", ""),
        ("usuń moje dane", "forget", ""),
        ("删除我的数据", "forget", ""),
    ],
)
def test_the_words_in_every_language(text: str, name: str, arg: str) -> None:
    assert command_from_text(text) == Command(name, arg)


@pytest.mark.parametrize("text", ["open 24/7", "delete phone", "open late"])
def test_open_and_delete_take_only_a_number_so_answers_stay_answers(text: str) -> None:
    assert command_from_text(text) is None


def test_only_the_turns_that_need_the_saved_estimates_load_them() -> None:
    assert wants_saved(Text("list")) and wants_saved(Command("delete", "@3"))
    assert wants_saved(Quick("/estimate list")) and wants_saved(Text("open 2"))
    assert not wants_saved(Text("8 agents")) and not wants_saved(Command("why"))
    assert not wants_saved(Text("delete my data"))  # asks first; deletes by effect


def test_the_list_numbers_each_estimate_with_its_scenario_and_buttons(
    history: tuple[ConversationState, tuple[SavedEstimate, ...]],
) -> None:
    state, saved = history
    shown = _turn(state, Text("list"), saved=saved)
    listed = shown.messages[0]
    assert isinstance(listed, SavedList) and listed.entries == saved
    assert listed.actions == ("open:@41", "delete:@41", "open:@7", "delete:@7")
    assert shown.state == state  # listing changes nothing
    text = shown.replies[0].text
    assert "1. " in text and "12 people (FTE)" in text and "2. " in text and "8 people" in text
    assert "Poland · Phone and email" in text
    assert [a.label for a in shown.replies[0].actions] == [
        "Open 1",
        "Delete 1",
        "Open 2",
        "Delete 2",
    ]
    polish = _turn(state, Text("lista"), saved=saved, locale="pl").replies[0]
    assert "12 osób" in polish.text and polish.actions[0].label == "Otwórz 1"


def test_reopening_restores_the_answers_and_shows_the_same_result(
    history: tuple[ConversationState, tuple[SavedEstimate, ...]],
) -> None:
    state, saved = history
    for ref in ("2", "@7"):
        opened = _turn(state, Command("open", ref), saved=saved)
        assert opened.state.phase is Phase.RESULT and not opened.state.whatif
        assert opened.state.answers["team_size"] == 8
        assert isinstance(opened.messages[1], Result)
        assert opened.estimate is not None and opened.estimate.scenario == saved[1].scenario
        assert not opened.record  # saved already: not a new entry
        assert str(opened.estimate.models[opened.estimate.recommendation.model].monthly_total) == (
            str(saved[1].total)
        )
    # an answer can then be changed like any other result's
    back = _turn(opened.state, Command("back"))
    assert back.state.phase is Phase.SUMMARY


def test_deleting_one_asks_the_store_to_and_lists_the_rest(
    history: tuple[ConversationState, tuple[SavedEstimate, ...]],
) -> None:
    state, saved = history
    deleted = _turn(state, Text("delete 1"), saved=saved)
    assert deleted.effects == (DeleteSaved(41),)
    assert deleted.state == state
    listed = deleted.messages[1]
    assert isinstance(listed, SavedList) and listed.entries == saved[1:]
    assert deleted.replies[0].text == "Deleted that estimate."


@pytest.mark.parametrize("ref", ["3", "@99"])
def test_an_unknown_number_is_refused_and_nothing_changes(
    history: tuple[ConversationState, tuple[SavedEstimate, ...]], ref: str
) -> None:
    state, saved = history
    for name in ("open", "delete"):
        refused = _turn(state, Command(name, ref), saved=saved)
        assert refused.state == state and refused.effects == () and refused.estimate is None
        assert refused.replies[0].text == f"There is no saved estimate {ref.lstrip('@')}."


def test_delete_my_data_asks_first_and_no_keeps_everything(
    history: tuple[ConversationState, tuple[SavedEstimate, ...]],
) -> None:
    state, _ = history
    asked = _turn(state, Text("delete my data"))
    assert asked.effects == () and asked.state.confirm == "forget"
    assert asked.state.answers == state.answers
    assert [a.value for a in asked.replies[0].actions] == ["forget:yes", "forget:no"]
    kept = _turn(asked.state, Command("forget", "no"))
    assert kept.effects == () and kept.state.answers == state.answers
    assert kept.state.confirm is None and kept.replies[0].text == "Nothing was deleted."


@pytest.mark.parametrize(("word", "yes"), [("delete my data", "yes"), ("usuń moje dane", "tak")])
def test_delete_my_data_confirmed_forgets_everything(
    history: tuple[ConversationState, tuple[SavedEstimate, ...]], word: str, yes: str
) -> None:
    state, _ = history
    asked = _turn(state, Text(word))
    done = _turn(asked.state, Text(yes))
    assert done.effects == (ForgetUser(),)
    assert done.state.answers == {} and done.state.last_scenario is None
    assert done.estimate is None
    stale = _turn(state, Command("forget", "yes"))  # an old button: no confirmation pending
    assert stale.effects == ()


def test_a_one_liner_may_be_a_command_about_saved_estimates(
    history: tuple[ConversationState, tuple[SavedEstimate, ...]],
) -> None:
    _, saved = history
    listed = _turn(None, Quick("/estimate list"), saved=saved)
    assert isinstance(listed.messages[0], SavedList)
    assert listed.state.current == "kind"  # a new user is at the first question, not lost
    forget = _turn(None, Quick("/sourcewise delete my data"))
    assert forget.state.confirm == "forget"


def test_a_first_message_that_lists_is_answered_then_the_first_question() -> None:
    shown = _turn(None, Text("list"), saved=())
    assert shown.replies[0].text == "You have no saved estimates yet."
    assert shown.state.current == "kind" and shown.replies[-1].question == "kind"
    started = _turn(shown.state, Start("en"))
    assert started.state.current == "kind"
