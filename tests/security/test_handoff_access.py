"""Handoff authorization attacks through the real PTB Application and the fake Bot API: a
reminder's button pressed on an inline-mode message (no ``message``, so no chat to check)
and a plain member trying to give a region a new lead. Both are refused and change nothing.
"""

from __future__ import annotations

from pathlib import Path

from bot.adapters.telegram.notifier import telegram_team
from tests.adapters.telegram.test_e2e_handoff import (
    ADD_AMER,
    ADD_EMEA,
    DUE,
    GROUP,
    LEAD,
    in_group,
    running,
    say,
    wired,
)
from tests.fakes.telegram_server import FakeBotApi

MEMBER = 777


async def test_a_callback_without_message_is_refused_even_for_the_lead(
    telegram_api: FakeBotApi, tmp_path: Path
) -> None:
    api = telegram_api
    async with wired(api, tmp_path) as w, running(api, w):
        await say(api, in_group(api, ADD_EMEA), 2)
        await say(api, in_group(api, ADD_AMER), 2)
        w.clock.set(DUE)
        (fire_id,) = (await w.runner.tick()).sent

        press = api.inline_button_press(f"handoff_ack:{fire_id}", user_id=LEAD)
        press["callback_query"]["from"]["username"] = "amer_lead"  # the real incoming lead
        api.feed_update(press)
        (answer,) = await api.wait_for("answerCallbackQuery")
        assert answer.params["callback_query_id"] == press["callback_query"]["id"]
        assert answer.params["text"] == (
            "I can't tell which chat this button is in, so nothing was recorded."
            " Please press it on the reminder in your team's chat."
        )
        await api.settle(0.2)
        assert (await w.store.fire(fire_id)).ack is None
        assert api.calls_of("editMessageText") == []


async def test_a_plain_member_cannot_give_a_region_a_new_lead(
    telegram_api: FakeBotApi, tmp_path: Path
) -> None:
    api = telegram_api
    team = telegram_team(GROUP)
    async with wired(api, tmp_path) as w, running(api, w):
        await say(api, in_group(api, ADD_EMEA), 2)
        await say(api, in_group(api, ADD_AMER), 2)
        before = await w.store.roster(team)
        relead = "/handoff add AMER America/New_York 08:00-17:00 Mon-Fri @mallory"
        for text in ("/handoff remove AMER", relead):
            (refused,) = await say(api, in_group(api, text, user=MEMBER))
            assert refused.startswith("You can't")
            assert "a region lead (@lead, @amer_lead)" in refused
        assert await w.store.roster(team) == before
        asked = api.calls_of("getChatMember")
        assert [(c.params["chat_id"], c.params["user_id"]) for c in asked] == [(GROUP, MEMBER)] * 2
