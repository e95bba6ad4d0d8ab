"""The console adapter's two translations, and its loop against a fake conversation service."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.console import (
    PROMPT,
    ConsoleAdapter,
    ConsoleView,
    options_of,
    run_loop,
    to_events,
)
from bot.core.events import (
    Choice,
    Command,
    Event,
    Image,
    Pick,
    Reply,
    ReplyKind,
    Start,
    Submit,
    Text,
    Toggle,
)
from bot.core.ports import ConversationKey, Turn

SINGLE = Reply(
    "Which region?",
    kind=ReplyKind.QUESTION,
    question="region",
    choices=(Choice("US", "United States"), Choice("PL", "Poland")),
    actions=(Choice("back", "Back"), Choice("edit:channels", "Edit channels")),
)
MULTI = Reply(
    "Which channels?",
    kind=ReplyKind.QUESTION,
    question="channels",
    choices=(Choice("phone", "Phone"), Choice("chat", "Chat"), Choice("email", "Email")),
    multi=True,
    selected=frozenset({"chat"}),
    actions=(Choice("back", "Back"),),
)
RESULT = Reply(
    "Outsourced wins",
    kind=ReplyKind.RESULT,
    actions=(Choice("why", "Why?"), Choice("whatif:hours=24x7", "What if 24/7?")),
    image=Image(b"\x89PNG\r\n\x1a\nfake", "costs.png", "A chart"),
)


# --- line -> events ------------------------------------------------------------------------


def test_choices_are_numbered_and_actions_lettered_across_the_turn() -> None:
    found = options_of((RESULT, SINGLE))
    assert [(o.key, o.option.value, o.action) for o in found] == [
        ("a", "why", True),
        ("b", "whatif:hours=24x7", True),
        ("1", "US", False),
        ("2", "PL", False),
        ("c", "back", True),
        ("d", "edit:channels", True),
    ]


def test_open_multi_select_gets_a_done_action_first() -> None:
    found = options_of((MULTI,), done_label="Gotowe")
    assert [(o.key, o.option.value) for o in found if o.action] == [("a", "done"), ("b", "back")]
    assert found[3].option.label == "Gotowe"
    with_button = replace(MULTI, actions=(Choice("back", "Back"), Choice("done", "OK")))
    found = options_of((with_button,))
    assert [(o.key, o.option.label) for o in found if o.action] == [("a", "Back"), ("b", "OK")]
    assert to_events("b", (with_button,)) == (Submit("channels"),)


def test_number_picks_a_choice_of_a_single_select() -> None:
    assert to_events("2", (SINGLE,)) == (Pick("region", "PL"),)
    assert to_events(" 1 ", (SINGLE,)) == (Pick("region", "US"),)


def test_letter_of_an_action_is_a_command_with_its_argument() -> None:
    assert to_events("a", (SINGLE,)) == (Command("back"),)
    assert to_events("B", (SINGLE,)) == (Command("edit", "channels"),)
    assert to_events("b", (RESULT,)) == (Command("whatif", "hours=24x7"),)


def test_a_number_on_a_question_without_choices_is_the_answer() -> None:
    team = Reply(
        "How many agents?",
        kind=ReplyKind.QUESTION,
        question="team_size",
        actions=(Choice("back", "Back"), Choice("skip", "Skip")),
    )
    assert to_events("1", (team,)) == (Text("1"),)
    assert to_events("2", (team,)) == (Text("2"),)
    assert to_events("b", (team,)) == (Command("skip"),)


def test_multi_select_toggles_and_submits() -> None:
    assert to_events("1", (MULTI,)) == (Toggle("channels", "phone"),)
    assert to_events("1, 3", (MULTI,)) == (
        Toggle("channels", "phone"),
        Toggle("channels", "email"),
    )
    assert to_events("1 3", (MULTI,)) == (
        Toggle("channels", "phone"),
        Toggle("channels", "email"),
    )
    assert to_events("", (MULTI,)) == (Submit("channels"),)
    assert to_events("Done", (MULTI,)) == (Submit("channels"),)
    assert to_events("gotowe", (MULTI,)) == (Submit("channels"),)
    assert to_events("a", (MULTI,)) == (Submit("channels"),)  # the Done line
    assert to_events("b", (MULTI,)) == (Command("back"),)


def test_anything_else_is_text_for_the_core() -> None:
    assert to_events("phone and chat", (MULTI,)) == (Text("phone and chat"),)
    assert to_events("25000", (SINGLE,)) == (Text("25000"),)  # not an option number
    assert to_events("1, 2", (SINGLE,)) == (Text("1, 2"),)  # two picks of a single select
    assert to_events("1 5", (MULTI,)) == (Text("1 5"),)  # 5 is no choice
    assert to_events("why?", (RESULT,)) == (Text("why?"),)
    assert to_events("z", (RESULT,)) == (Text("z"),)
    assert to_events("7", ()) == (Text("7"),)


def test_empty_line_outside_a_multi_select_is_nothing() -> None:
    assert to_events("   ", (SINGLE,)) == ()


# --- replies -> text -----------------------------------------------------------------------


def test_view_prints_numbered_options_plain_when_piped(tmp_path: Path) -> None:
    out = io.StringIO()
    ConsoleView(out, tmp_path).show((MULTI,))
    text = out.getvalue()
    assert "\x1b[" not in text
    lines = text.splitlines()
    assert lines[:4] == ["Which channels?", "  1) [ ] Phone", "  2) [x] Chat", "  3) [ ] Email"]
    assert lines[5:7] == ["  a) Done", "  b) Back"]
    assert "done" in lines[4]  # the hint


def test_view_speaks_the_locale(tmp_path: Path) -> None:
    out = io.StringIO()
    ConsoleView(out, tmp_path, locale="pl").show((MULTI,))
    assert "  a) Gotowe" in out.getvalue().splitlines()


def test_view_uses_colour_on_a_terminal(tmp_path: Path) -> None:
    out = io.StringIO()
    ConsoleView(out, tmp_path, colour=True).show((SINGLE,))
    assert "\x1b[" in out.getvalue()


def test_view_saves_images_once_and_prints_the_path(tmp_path: Path) -> None:
    out = io.StringIO()
    view = ConsoleView(out, tmp_path / "charts")
    view.show((RESULT,))
    view.show((RESULT,))
    saved = list((tmp_path / "charts").iterdir())
    assert len(saved) == 1
    assert saved[0].read_bytes() == RESULT.image.png  # type: ignore[union-attr]
    assert out.getvalue().count(str(saved[0])) == 2
    assert "A chart" in out.getvalue()


# --- the loop ------------------------------------------------------------------------------


class FakeConversations:
    """Answers every event with the next canned turn and records what it was sent."""

    def __init__(self, turns: list[tuple[Reply, ...]], locale: str | None = None) -> None:
        self.turns = turns
        self.locale = locale
        self.events: list[tuple[ConversationKey, Event, str | None]] = []

    async def handle(
        self,
        key: ConversationKey,
        event: Event,
        *,
        dedupe_id: str | None = None,
        locale: str | None = None,
    ) -> Turn:
        self.events.append((key, event, locale))
        return Turn(self.turns.pop(0) if self.turns else (), locale=self.locale)

    async def mark_delivered(self, key: ConversationKey, dedupe_id: str) -> None:
        raise AssertionError("the console sends no update ids")

    async def claim(self, key: ConversationKey, dedupe_id: str) -> bool:
        return True

    async def quick_estimate(
        self,
        text: str,
        *,
        locale: str | None = None,
        key: ConversationKey | None = None,
        dedupe_id: str | None = None,
    ) -> tuple[Reply, ...]:
        return ()

    async def recent_estimates(
        self, key: ConversationKey, *, limit: int = 5
    ) -> tuple[dict[str, Any], ...]:
        return ()


@pytest.mark.parametrize("locale", [None, "pl"])
def test_loop_starts_translates_and_ends_at_eof(tmp_path: Path, locale: str | None) -> None:
    import asyncio

    key = ConversationKey("console", "local", "ada")
    fake = FakeConversations([(SINGLE,), (MULTI,), (MULTI,), (MULTI,), (RESULT,)])
    out = io.StringIO()
    view = ConsoleView(out, tmp_path)
    adapter = ConsoleAdapter(fake, key, view, locale=locale)
    lines = iter(["2", "1,3", "", None])
    with asyncio.Runner() as runner:
        run_loop(adapter, view, lambda: next(lines), runner.run)
    assert [event for _, event, _ in fake.events] == [
        Start(locale),
        Pick("region", "PL"),
        Toggle("channels", "phone"),
        Toggle("channels", "email"),
        Submit("channels"),
    ]
    assert {k for k, _, _ in fake.events} == {key}
    assert {loc for _, _, loc in fake.events} == {locale}
    assert out.getvalue().count(PROMPT) == 4
    assert "Outsourced wins" in out.getvalue()


def test_console_words_follow_the_conversation_language(tmp_path: Path) -> None:
    import asyncio

    fake = FakeConversations([(MULTI,)], locale="zh")
    out = io.StringIO()
    view = ConsoleView(out, tmp_path, locale="en")
    adapter = ConsoleAdapter(fake, ConversationKey("console", "local", "ada"), view)
    with asyncio.Runner() as runner:
        runner.run(adapter.start())
    assert "  a) 完成" in out.getvalue().splitlines()
