"""Who may change a roster, end to end over PTB and the fake Bot API: admins come from a
real ``getChatMember`` call, a failed call refuses, the creator and leads are never asked
about."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.adapters.telegram.notifier import telegram_team
from bot.handoff.records import StoredRoster
from tests.adapters.telegram.test_e2e_handoff import (
    ADD_AMER,
    ADD_EMEA,
    GROUP,
    in_group,
    running,
    say,
    wired,
)
from tests.fakes.telegram_server import FakeBotApi

MEMBER = 777


def _from(update: dict[str, Any], username: str) -> dict[str, Any]:
    update["message"]["from"]["username"] = username
    return update


def _view(stored: StoredRoster | None) -> tuple[bool, bool, list[str]]:
    assert stored is not None
    return stored.paused, stored.ack_anyone, [r.region.command() for r in stored.regions]


async def test_a_member_is_refused_until_telegram_says_they_are_an_admin(
    api: FakeBotApi, tmp_path: Path
) -> None:
    team = telegram_team(GROUP)
    async with wired(api, tmp_path) as w, running(api, w):
        await say(api, in_group(api, ADD_EMEA), 2)  # ADMIN (user 501) creates the roster
        await say(api, in_group(api, ADD_AMER), 2)
        assert api.calls_of("getChatMember") == []  # the creator is never asked about
        before = _view(await w.store.roster(team))

        for command, action in (
            ("/handoff remove EMEA", "remove regions"),
            ("/handoff pause", "pause the reminders"),
            ("/handoff ack anyone", "change who may acknowledge"),
        ):
            (refused,) = await say(api, in_group(api, command, user=MEMBER))
            assert f"You can't {action} here" in refused
            assert "whoever created it, a region lead (@lead, @amer_lead)" in refused
        assert _view(await w.store.roster(team)) == before
        asked = api.calls_of("getChatMember")
        assert [(c.params["chat_id"], c.params["user_id"]) for c in asked] == [(GROUP, MEMBER)] * 3

        api.chat_members[(GROUP, MEMBER)] = "administrator"
        (removed, *_) = await say(api, in_group(api, "/handoff remove AMER", user=MEMBER))
        assert removed == "Removed AMER from the roster."
        assert len(api.calls_of("getChatMember")) == 4
        stored = await w.store.roster(team)
        assert stored is not None and [r.region.name for r in stored.regions] == ["EMEA"]


async def test_a_lead_may_change_the_roster_without_asking_telegram(
    api: FakeBotApi, tmp_path: Path
) -> None:
    team = telegram_team(GROUP)
    async with wired(api, tmp_path) as w, running(api, w):
        await say(api, in_group(api, ADD_EMEA), 2)
        lead_pause = _from(in_group(api, "/handoff pause", user=MEMBER), "lead")
        (paused,) = await say(api, lead_pause)
        assert paused.startswith("Reminders paused.")
        anyone = _from(in_group(api, "/handoff ack anyone", user=MEMBER), "LEAD")
        (allowed,) = await say(api, anyone)
        assert allowed == "Anyone in this channel may now acknowledge handoff reminders."
        assert _view(await w.store.roster(team))[:2] == (True, True)
        assert api.calls_of("getChatMember") == []
        # a display name that looks like the lead's mention is not the lead
        impostor = in_group(api, "/handoff resume", user=MEMBER + 1)
        impostor["message"]["from"]["first_name"] = "@lead"
        (refused,) = await say(api, impostor)
        assert "You can't resume the reminders here" in refused
        assert _view(await w.store.roster(team))[0] is True


async def test_when_telegram_cannot_answer_the_change_is_refused(
    api: FakeBotApi, tmp_path: Path
) -> None:
    team = telegram_team(GROUP)
    async with wired(api, tmp_path) as w, running(api, w):
        await say(api, in_group(api, ADD_EMEA), 2)
        before = _view(await w.store.roster(team))
        api.chat_members[(GROUP, MEMBER)] = "creator"
        api.fail("getChatMember", 400, "Bad Request: chat not found")
        (refused,) = await say(api, in_group(api, "/handoff remove EMEA", user=MEMBER))
        assert refused.startswith("I couldn't check your permissions")
        assert _view(await w.store.roster(team)) == before
        # once Telegram answers again, the group's owner may
        (removed, *_) = await say(api, in_group(api, "/handoff remove EMEA", user=MEMBER))
        assert removed == "Removed EMEA from the roster."
        asked = [c for c in api.calls if c.method == "getChatMember"]
        assert [c.ok for c in asked] == [False, True]  # the failed call was made, then asked again
