"""A tiny fake of the :class:`~bot.core.ports.Conversations` port (cosmicpython-style).

It stands in for the service only where a test is about the adapter's own Telegram habits
(stale buttons, oversized button data, edits, a failing service); the end-to-end tests run
the real service and core. Two questions: ``channels`` (multi-select) then ``hours``
(single choice), then a result with a chart and actions. It keeps the service's dedupe
contract: a repeated ``dedupe_id`` returns ``duplicate=True`` and resends only undelivered
replies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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

CHANNELS = (Choice("phone", "Phone"), Choice("chat", "Chat"), Choice("email", "Email"))
HOURS = (Choice("business", "Business hours"), Choice("24x7", "24/7"))
CHART = Image(png=b"\x89PNG\r\n\x1a\nfake-chart", filename="costs.png", alt="Monthly cost")


@dataclass
class _State:
    step: str = "channels"
    selected: set[str] = field(default_factory=set)
    answers: dict[str, Any] = field(default_factory=dict)


_NOBODY = ConversationKey("telegram", "", "")


@dataclass
class FakeConversations:
    long_action: str = "whatif:hours=24x7"
    fail_with: Exception | None = None
    states: dict[ConversationKey, _State] = field(default_factory=dict)
    events: list[tuple[ConversationKey, Event]] = field(default_factory=list)
    claimed: dict[str, tuple[Reply, ...]] = field(default_factory=dict)
    delivered: set[str] = field(default_factory=set)
    quick_texts: list[str] = field(default_factory=list)

    async def handle(
        self,
        key: ConversationKey,
        event: Event,
        *,
        dedupe_id: str | None = None,
        locale: str | None = None,
    ) -> Turn:
        if self.fail_with is not None:
            raise self.fail_with
        if dedupe_id is not None and dedupe_id in self.claimed:
            resend = () if dedupe_id in self.delivered else self.claimed[dedupe_id]
            self.delivered.add(dedupe_id)
            return Turn(replies=resend, duplicate=True)
        self.events.append((key, event))
        replies = self._step(self.states.setdefault(key, _State()), event)
        if dedupe_id is not None:
            self.claimed[dedupe_id] = replies
        return Turn(replies=replies)

    async def mark_delivered(self, key: ConversationKey, dedupe_id: str) -> None:
        self.delivered.add(dedupe_id)

    async def quick_estimate(
        self,
        text: str,
        *,
        locale: str | None = None,
        key: ConversationKey | None = None,
        dedupe_id: str | None = None,
    ) -> tuple[Reply, ...]:
        if dedupe_id is not None and not await self.claim(key or _NOBODY, dedupe_id):
            return ()
        self.quick_texts.append(text)
        return (
            Reply(
                text=f"Quick estimate for: {text}\nOutsourced is cheapest.",
                kind=ReplyKind.RESULT,
                image=CHART,
                actions=(Choice("why", "Why?"),),
            ),
        )

    async def one_liner(
        self,
        key: ConversationKey,
        text: str,
        *,
        dedupe_id: str | None = None,
        locale: str | None = None,
    ) -> Turn:
        """One-off like :meth:`quick_estimate`, unless the line is "guided …": then a turn
        of the conversation (``Turn.guided``)."""
        rest = text.removeprefix("/estimate").strip()
        if rest.startswith("guided"):
            turn = await self.handle(key, Start(), dedupe_id=dedupe_id, locale=locale)
            return Turn(turn.replies, turn.duplicate, locale, guided=True)
        replies = await self.quick_estimate(rest, locale=locale, key=key, dedupe_id=dedupe_id)
        return Turn(replies, duplicate=not replies, locale=locale)

    async def recent_estimates(
        self, key: ConversationKey, *, limit: int = 5
    ) -> tuple[dict[str, Any], ...]:
        return ()

    async def claim(self, key: ConversationKey, dedupe_id: str) -> bool:
        if dedupe_id in self.claimed:
            return False
        self.claimed[dedupe_id] = ()
        self.delivered.add(dedupe_id)
        return True

    def _step(self, state: _State, event: Event) -> tuple[Reply, ...]:
        match event:
            case Start() | Command("restart"):
                state.step, state.selected = "channels", set()
                return (self._ask(state),)
            case Toggle("channels", value) if state.step == "channels":
                state.selected ^= {value}
                return (self._ask(state),)
            case Submit("channels") if state.step == "channels":
                if not state.selected:
                    return (Reply("Pick at least one.", ReplyKind.ERROR), self._ask(state))
                state.answers["channels"] = sorted(state.selected)
                state.step = "hours"
                return (self._ask(state),)
            case Pick("hours", value) if state.step == "hours":
                state.answers["hours"] = value
                state.step = "done"
                return (
                    Reply(
                        text="In-house 41,200 USD/month; outsourced 30,100 USD/month.",
                        kind=ReplyKind.RESULT,
                        image=CHART,
                        actions=(Choice("why", "Why?"), Choice(self.long_action, "What if 24/7")),
                    ),
                )
            case Command("back") if state.step == "hours":
                state.step = "channels"
                return (self._ask(state),)
            case Command(name, arg):
                return (Reply(f"command {name} {arg}".strip()),)
            case Text(text):
                return (Reply(f"You said {text}", ReplyKind.ERROR), self._ask(state))
            case _:
                return (Reply("That question is not open.", ReplyKind.ERROR), self._ask(state))

    @staticmethod
    def _ask(state: _State) -> Reply:
        if state.step == "channels":
            return Reply(
                "Which channels?",
                ReplyKind.QUESTION,
                question="channels",
                choices=CHANNELS,
                multi=True,
                selected=frozenset(state.selected),
            )
        return Reply("Opening hours?", ReplyKind.QUESTION, question="hours", choices=HOURS)
