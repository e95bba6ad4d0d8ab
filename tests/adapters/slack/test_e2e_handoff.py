"""``/handoff`` end to end: signed slash commands, modal submissions and button clicks over
HTTP into our bolt app; the real handoff service, scheduler and Slack notifier on the test's
migrated SQLite file; every Slack call answered by the fake Web API."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.adapters.slack.app import build_slack_app
from bot.adapters.slack.notifier import ACK_ACTION_ID, SlackNotifier, slack_team
from bot.config import Settings
from bot.core.ports import Conversations
from bot.handoff.notifiers import NotifierRouter
from bot.handoff.runner import HandoffRunner, Timing
from bot.handoff.service import HandoffService
from bot.handoff.transactions import Handoffs
from bot.store import Store
from bot.store.sqla import SqlStore
from tests.adapters.slack import payloads
from tests.adapters.slack.harness import SlackHarness
from tests.fakes.slack_server import FakeSlackServer, RecordedCall
from tests.handoff.conftest import FakeClock

CHANNEL = "C42"
TEAM = slack_team("T1", CHANNEL)
SETUP = datetime(2026, 3, 30, 6, 0, tzinfo=UTC)  # a Monday, Warsaw on summer time
DUE = datetime(2026, 3, 30, 14, 45, tzinfo=UTC)  # 15 min before EMEA ends (17:00 Warsaw)
TIMING = Timing(send_timeout=timedelta(seconds=10))


@dataclass
class Wired:
    harness: SlackHarness
    store: Handoffs
    clock: FakeClock
    runner: HandoffRunner


@contextlib.asynccontextmanager
async def wired(
    settings: Settings, conversations: Conversations, store: Store
) -> AsyncIterator[Wired]:
    """What ``sourcewise slack`` wires for handoff, with a fake clock."""
    assert isinstance(store, SqlStore)
    handoff_store = Handoffs(store)
    clock = FakeClock(SETUP)
    router = NotifierRouter()
    runner = HandoffRunner(handoff_store, router, clock=clock, timing=TIMING, worker="w")
    service = HandoffService(
        handoff_store, notifier=router, clock=clock, timing=runner.timing, on_change=runner.wake
    )
    bot = build_slack_app(settings, conversations, store=store, handoff=service)
    router.add("slack", SlackNotifier(bot.bolt.client))
    harness = await SlackHarness(bot).start()
    try:
        yield Wired(harness, handoff_store, clock, runner)
    finally:
        await harness.stop()


async def slash(
    harness: SlackHarness, api: FakeSlackServer, text: str, *, command: str = "/handoff"
) -> list[RecordedCall]:
    """Send the slash command; the answers that came back through its response_url."""
    reply_id = f"r{len(api.calls)}"
    fields = {
        **payloads.slash_command(text, channel=CHANNEL, response_url=api.response_url(reply_id)),
        "command": command,
    }
    posted = await harness.command(fields)
    assert posted.status == 200 and posted.text == ""  # acknowledged at once, silently
    await harness.bot.drain()
    return [c for c in api.calls_of("response_url") if c.params["_id"] == reply_id]


def section_text(call: RecordedCall) -> str:
    blocks = call.json_param("blocks")
    return "\n\n".join(b["text"]["text"] for b in blocks if b["type"] == "section")


async def test_roster_commands_reminder_and_acknowledgement_in_a_channel(
    settings: Settings, conversations: Conversations, store: Store, api: FakeSlackServer
) -> None:
    async with wired(settings, conversations, store) as w:
        harness = w.harness
        added, _ = await slash(
            harness, api, "add EMEA Europe/Warsaw 08:00-17:00 Mon-Fri <@U2|lead>"
        )
        assert added.params["response_type"] == "in_channel"  # the team sees the change
        assert section_text(added) == (
            "Added EMEA: 08:00–17:00 Europe/Warsaw, Mon–Fri, lead <@U2|lead>."
        )  # the mention stays live, not "&lt;@U2|lead&gt;"
        # "/sourcewise handoff …" reaches the same command
        await slash(
            harness,
            api,
            "handoff add AMER America/New_York 08:00-17:00 Mon-Fri <@U3|amer>",
            command="/sourcewise",
        )
        (listing,) = await slash(harness, api, "list")
        assert listing.params["response_type"] == "in_channel"
        text = section_text(listing)
        assert "• EMEA: 08:00–17:00 Europe/Warsaw, Mon–Fri, lead <@U2|lead>" in text
        assert "• AMER: 08:00–17:00 America/New_York, Mon–Fri, lead <@U3|amer>" in text

        (error,) = await slash(harness, api, "add APAC Mars/Olympus 09:00-18:00 <@U4|kim>")
        assert error.params["response_type"] == "ephemeral"  # only whoever typed it
        assert error.params["text"].startswith("⚠️ “Mars/Olympus” is not a time zone I know.")
        stored = await w.store.roster(TEAM)
        assert stored is not None
        assert [r.name for r in stored.roster.regions] == ["EMEA", "AMER"]
        assert api.calls_of("chat.postMessage") == []  # nothing reached the channel yet

        # the scheduler's tick posts the reminder into the channel with the button
        w.clock.set(DUE)
        (fire_id,) = (await w.runner.tick()).sent
        (post,) = api.calls_of("chat.postMessage")
        assert post.params["channel"] == CHANNEL
        blocks = post.json_param("blocks")
        assert "<@U2|lead>" in blocks[0]["text"]["text"]
        (button,) = blocks[1]["elements"]
        assert (button["action_id"], button["value"]) == (ACK_ACTION_ID, f"handoff_ack:{fire_id}")

        # the incoming lead clicks it
        click = payloads.click(
            button,
            user="U3",
            channel=CHANNEL,
            message={"ts": post.answer["ts"], "blocks": blocks},
            response_url=api.response_url("ack-1"),
        )
        assert (await harness.interaction(click)).status == 200
        await harness.bot.drain()
        fire = await w.store.fire(fire_id)
        assert fire.ack is not None and fire.ack.user == "<@U3>" and fire.ack.at == DUE
        (edit,) = api.calls_of("chat.update")
        assert edit.params["ts"] == post.answer["ts"] and edit.params["channel"] == CHANNEL
        edited = edit.json_param("blocks")
        assert len(edited) == 1  # the button is gone
        assert "✅ Acknowledged by <@U3> at" in edited[0]["text"]["text"]
        (toast,) = [c for c in api.calls_of("response_url") if c.params["_id"] == "ack-1"]
        assert toast.params["response_type"] == "ephemeral"
        assert toast.params["replace_original"] is False  # the reminder stays
        assert section_text(toast) == "Thanks <@U3>: handoff EMEA → AMER acknowledged."

        (listing,) = await slash(harness, api, "list")
        assert "EMEA → AMER, sent, ✅ <@U3> at" in section_text(listing)


async def test_the_form_modal_shows_field_errors_then_adds_the_region(
    settings: Settings, conversations: Conversations, store: Store, api: FakeSlackServer
) -> None:
    async with wired(settings, conversations, store) as w:
        harness = w.harness
        assert await slash(harness, api, "form") == []  # the modal is the answer
        (opened,) = api.calls_of("views.open")
        view: dict[str, Any] = opened.json_param("view")
        # the modal answers through the slash command's response_url, kept in the view
        opened_from = json.loads(view["private_metadata"])["response_url"].rsplit("/", 1)[1]
        assert view["callback_id"] == "sw:handoff_form"
        assert [b["block_id"] for b in view["blocks"]] == ["name", "tz", "window", "days", "lead"]
        assert [b["optional"] for b in view["blocks"]] == [False, False, False, True, False]
        # form labels, with the example as the hint: no chat prompts ("send - for …")
        labels = [b["label"]["text"] for b in view["blocks"]]
        assert labels == [
            "Region name",
            "Time zone",
            "Shift hours (local time)",
            "Start days",
            "Shift lead",
        ]
        assert not any("?" in label or "send" in label for label in labels)
        assert view["blocks"][1]["hint"]["text"] == "An IANA name, e.g. Europe/Warsaw"
        assert view["blocks"][3]["hint"]["text"] == "e.g. Mon-Fri; left empty, Mon-Fri"

        def state(**answers: str) -> dict[str, Any]:
            return {
                name: {"value": {"type": "plain_text_input", "value": value}}
                for name, value in answers.items()
            }

        answers = {"name": "APAC", "tz": "Mars/Olympus", "window": "22:00-06:00"}
        bad = payloads.view_submission(view, state(**answers, lead="<@U4|kim>"))
        posted = await harness.interaction(bad)
        assert posted.status == 200
        assert posted.json() == {
            "response_action": "errors",
            "errors": {"tz": "“Mars/Olympus” is not a time zone I know."},
        }
        await harness.bot.drain()
        assert await w.store.roster(TEAM) is None  # nothing changed
        assert [c for c in api.calls_of("response_url") if "Added" in c.params["text"]] == []

        good = payloads.view_submission(
            view, state(**{**answers, "tz": "asia/manila"}, lead="<@U4|kim>")
        )
        posted = await harness.interaction(good)
        assert posted.status == 200 and posted.text == ""  # the modal closes
        await harness.bot.drain()
        stored = await w.store.roster(TEAM)
        assert stored is not None
        (apac,) = stored.roster.regions
        assert (apac.name, apac.tz, apac.window, apac.lead) == (
            "APAC",
            "Asia/Manila",
            "22:00-06:00",
            "<@U4|kim>",
        )
        confirmed, next_change = api.calls_of("response_url")
        assert confirmed.params["_id"] == opened_from
        assert {confirmed.params["response_type"], next_change.params["response_type"]} == {
            "in_channel"
        }
        assert section_text(confirmed) == (
            "Added APAC: 22:00–06:00 Asia/Manila, Mon–Fri, lead <@U4|kim>."
        )


async def test_without_a_handoff_service_the_command_says_it_is_off(
    settings: Settings, conversations: Conversations, store: Store, api: FakeSlackServer
) -> None:
    harness = await SlackHarness(build_slack_app(settings, conversations, store=store)).start()
    try:
        (answer,) = await slash(harness, api, "form")
    finally:
        await harness.stop()
    assert answer.params["response_type"] == "ephemeral"
    assert answer.params["text"] == (
        "Shift handoff reminders are not enabled on this app (they need a SQL database)."
    )
    assert api.calls_of("views.open") == []
