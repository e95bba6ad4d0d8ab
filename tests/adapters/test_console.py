"""The console adapter's two translations, and its loop against a fake conversation service."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.console import (
    PROMPT,
    ConsoleAdapter,
    ConsoleView,
    number_options,
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
    actions=(Choice("done", "Done"), Choice("back", "Back")),
)
RESULT = Reply(
    "Outsourced wins",
    kind=ReplyKind.RESULT,
    actions=(Choice("why", "Why?"), Choice("whatif:hours=24x7", "What if 24/7?")),
    image=Image(b"\x89PNG\r\n\x1a\nfake", "costs.png", "A chart"),
)


# --- line -> events ------------------------------------------------------------------------


def test_numbers_count_choices_then_actions_across_the_turn() -> None:
    numbered = number_options((RESULT, SINGLE))
    assert [(n.number, n.option.value, n.action) for n in numbered] == [
        (1, "why", True),
        (2, "whatif:hours=24x7", True),
        (3, "US", False),
        (4, "PL", False),
        (5, "back", True),
        (6, "edit:channels", True),
    ]


def test_number_picks_a_choice_of_a_single_select() -> None:
    assert to_events("2", (SINGLE,)) == (Pick("region", "PL"),)
    assert to_events(" 1 ", (SINGLE,)) == (Pick("region", "US"),)


def test_number_of_an_action_is_a_command_with_its_argument() -> None:
    assert to_events("3", (SINGLE,)) == (Command("back"),)
    assert to_events("4", (SINGLE,)) == (Command("edit", "channels"),)
    assert to_events("2", (RESULT,)) == (Command("whatif", "hours=24x7"),)


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
    assert to_events("4", (MULTI,)) == (Submit("channels"),)  # the Done button
    assert to_events("5", (MULTI,)) == (Command("back"),)


def test_anything_else_is_text_for_the_core() -> None:
    assert to_events("phone and chat", (MULTI,)) == (Text("phone and chat"),)
    assert to_events("25000", (SINGLE,)) == (Text("25000"),)  # not an option number
    assert to_events("1, 2", (SINGLE,)) == (Text("1, 2"),)  # two picks of a single select
    assert to_events("why?", (RESULT,)) == (Text("why?"),)
    assert to_events("7", ()) == (Text("7"),)


def test_empty_line_outside_a_multi_select_is_nothing() -> None:
    assert to_events("   ", (SINGLE,)) == ()


# --- replies -> text -----------------------------------------------------------------------


def test_view_prints_numbered_options_plain_when_piped(tmp_path: Path) -> None:
    out = io.StringIO()
    ConsoleView(out, tmp_path).show((MULTI,))
    text = out.getvalue()
    assert "\x1b[" not in text
    assert text.splitlines()[:6] == [
        "Which channels?",
        "  1) [ ] Phone",
        "  2) [x] Chat",
        "  3) [ ] Email",
        "  4) Done",
        "  5) Back",
    ]


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

    def __init__(self, turns: list[tuple[Reply, ...]]) -> None:
        self.turns = turns
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
        return Turn(self.turns.pop(0) if self.turns else ())

    async def mark_delivered(self, key: ConversationKey, dedupe_id: str) -> None:
        raise AssertionError("the console sends no update ids")

    async def quick_estimate(
        self, text: str, *, locale: str | None = None, key: ConversationKey | None = None
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
