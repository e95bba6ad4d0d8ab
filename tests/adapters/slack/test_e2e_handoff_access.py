"""Who may change a roster, end to end over bolt and the fake Web API: admins come from a
real ``users.info`` call (``is_admin``, ``is_owner``), a failed call refuses, the creator and
leads are never asked about; an acknowledge click by someone else is refused."""

from __future__ import annotations

from bot.adapters.slack.notifier import ACK_ACTION_ID
from bot.config import Settings
from bot.core.ports import Conversations
from bot.handoff.records import StoredRoster
from bot.store import Store
from tests.adapters.slack import payloads
from tests.adapters.slack.harness import SlackHarness
from tests.adapters.slack.test_e2e_handoff import CHANNEL, DUE, TEAM, section_text, wired
from tests.fakes.slack_server import FakeSlackServer, RecordedCall

ADD_EMEA = "add EMEA Europe/Warsaw 08:00-17:00 Mon-Fri <@U2|lead>"
ADD_AMER = "add AMER America/New_York 08:00-17:00 Mon-Fri <@U3|amer>"


async def slash_as(
    harness: SlackHarness, api: FakeSlackServer, text: str, *, user: str
) -> RecordedCall:
    """``/handoff text`` typed by ``user`` in the channel; its one answer."""
    reply_id = f"r{len(api.calls)}"
    fields = {
        **payloads.slash_command(
            text, user=user, channel=CHANNEL, response_url=api.response_url(reply_id)
        ),
        "command": "/handoff",
    }
    assert (await harness.command(fields)).status == 200
    await harness.bot.drain()
    return next(c for c in api.calls_of("response_url") if c.params["_id"] == reply_id)


def admin_checks(api: FakeSlackServer) -> list[str]:
    """Users asked about with ``users.info`` for their role (not for their locale)."""
    return [
        str(c.params["user"])
        for c in api.calls_of("users.info", ok_only=False)
        if "include_locale" not in c.params
    ]


def view(stored: StoredRoster | None) -> tuple[bool, bool, list[str]]:
    assert stored is not None
    return stored.paused, stored.ack_anyone, [r.region.command() for r in stored.regions]


async def test_a_member_is_refused_until_slack_says_they_are_an_admin(
    settings: Settings, conversations: Conversations, store: Store, api: FakeSlackServer
) -> None:
    async with wired(settings, conversations, store) as w:
        await slash_as(w.harness, api, ADD_EMEA, user="U1")  # U1 creates the roster
        await slash_as(w.harness, api, ADD_AMER, user="U1")
        before = view(await w.store.roster(TEAM))
        assert admin_checks(api) == []

        refused = await slash_as(w.harness, api, "remove EMEA", user="U9")
        assert refused.params["response_type"] == "ephemeral"
        assert section_text(refused) == (
            "⚠️ You can't remove regions here: this roster can be changed only by whoever"
            " created it, a region lead (<@U2|lead>, <@U3|amer>) or an admin of this"
            " workspace or group."
        )
        (paused,) = [await slash_as(w.harness, api, "pause", user="U9")]
        assert "You can't pause the reminders here" in section_text(paused)
        assert view(await w.store.roster(TEAM)) == before
        assert admin_checks(api) == ["U9", "U9"]

        api.set_admin("U9")
        removed = await slash_as(w.harness, api, "remove EMEA", user="U9")
        assert section_text(removed) == "Removed EMEA from the roster."
        api.set_admin("U8", "is_primary_owner")
        paused = await slash_as(w.harness, api, "pause", user="U8")
        assert section_text(paused).startswith("Reminders paused.")
        assert admin_checks(api) == ["U9", "U9", "U9", "U8"]
        assert view(await w.store.roster(TEAM))[0] is True


async def test_leads_are_not_asked_about_and_a_failed_check_refuses(
    settings: Settings, conversations: Conversations, store: Store, api: FakeSlackServer
) -> None:
    async with wired(settings, conversations, store) as w:
        await slash_as(w.harness, api, ADD_EMEA, user="U1")
        ack = await slash_as(w.harness, api, "ack anyone", user="U2")  # the EMEA lead
        assert section_text(ack) == "Anyone in this channel may now acknowledge handoff reminders."
        assert admin_checks(api) == []

        await slash_as(w.harness, api, "list", user="U9")  # U9's locale is now cached
        api.set_admin("U9")
        api.fail("users.info", "missing_scope")
        before = view(await w.store.roster(TEAM))
        refused = await slash_as(w.harness, api, "ack leads", user="U9")
        assert section_text(refused) == (
            "⚠️ I couldn't check your permissions, so nothing was changed."
            " Please try again in a moment."
        )
        assert view(await w.store.roster(TEAM)) == before == (False, True, before[2])
        assert admin_checks(api) == ["U9"]


async def test_only_the_incoming_lead_may_acknowledge_by_default(
    settings: Settings, conversations: Conversations, store: Store, api: FakeSlackServer
) -> None:
    async with wired(settings, conversations, store) as w:
        for text in (ADD_EMEA, ADD_AMER):
            await slash_as(w.harness, api, text, user="U1")
        w.clock.set(DUE)
        (fire_id,) = (await w.runner.tick()).sent
        (post,) = api.calls_of("chat.postMessage")
        blocks = post.json_param("blocks")
        (button,) = blocks[1]["elements"]
        assert button["action_id"] == ACK_ACTION_ID

        async def click(user: str) -> RecordedCall:
            reply_id = f"ack-{user}"
            pressed = payloads.click(
                button,
                user=user,
                channel=CHANNEL,
                message={"ts": post.answer["ts"], "blocks": blocks},
                response_url=api.response_url(reply_id),
            )
            assert (await w.harness.interaction(pressed)).status == 200
            await w.harness.bot.drain()
            return next(c for c in api.calls_of("response_url") if c.params["_id"] == reply_id)

        refused = await click("U1")  # the roster's creator, but not the incoming lead
        assert section_text(refused).startswith(
            "⚠️ Only <@U3|amer>, the lead of AMER, can acknowledge this handoff"
        )
        assert (await w.store.fire(fire_id)).ack is None
        assert api.calls_of("chat.update") == []
        accepted = await click("U3")
        assert section_text(accepted) == "Thanks <@U3>: handoff EMEA → AMER acknowledged."
        assert len(api.calls_of("chat.update")) == 1
