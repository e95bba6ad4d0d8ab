"""/sourcewise over HTTP: a one-line estimate (ephemeral in channels, with "Share"), help,
and starting the guided conversation in the DM."""

from __future__ import annotations

import pytest

from bot.core.ports import ConversationKey, Conversations
from tests.adapters.slack import payloads
from tests.adapters.slack.harness import SlackHarness
from tests.fakes.slack_server import FakeSlackServer

ONE_LINER = "8 agents phone email Poland business hours"


async def test_a_one_liner_in_a_channel_is_ephemeral_with_a_share_button(
    harness: SlackHarness, api: FakeSlackServer, conversations: Conversations
) -> None:
    command = payloads.slash_command(
        ONE_LINER, channel="C1", response_url=api.response_url("cmd-1")
    )
    posted = await harness.command(command)
    assert posted.status == 200 and posted.text == ""  # acknowledged at once, silently
    await harness.bot.drain()
    responses = api.calls_of("response_url")
    assert responses and {r.params["response_type"] for r in responses} == {"ephemeral"}
    first = responses[0].params["text"]
    assert any(
        model in first for model in ("In-house", "Hosted", "Outsourced", "Partly outsourced")
    )
    share = payloads.find_element(responses[-1].json_param("blocks"), "sw:share")
    assert share["value"] == ONE_LINER
    every_action = [
        e["action_id"]
        for r in responses
        for b in r.json_param("blocks")
        if b["type"] == "actions"
        for e in b["elements"]
    ]
    assert every_action == ["sw:share"]  # the conversation's buttons stay in the DM
    assert api.calls_of("chat.postMessage") == []
    assert api.calls_of("upload") == []  # ephemeral messages carry no files
    history = await conversations.recent_estimates(ConversationKey("slack", "T1", "U1"))
    assert len(history) == 1 and history[0]["recommended"] == "outsourced"
    assert api.calls_of("views.publish")  # App Home refreshed with it


async def test_share_posts_the_estimate_for_the_channel_and_drops_the_ephemeral_copy(
    harness: SlackHarness, api: FakeSlackServer, conversations: Conversations
) -> None:
    await harness.command(
        payloads.slash_command(ONE_LINER, channel="C1", response_url=api.response_url("c"))
    )
    await harness.bot.drain()
    ephemeral = api.calls_of("response_url")[-1]
    share = payloads.find_element(ephemeral.json_param("blocks"), "sw:share")
    click = payloads.click(
        share,
        channel="C1",
        response_url=api.response_url("share-1"),
        container={
            "type": "message",
            "message_ts": "1.2",
            "channel_id": "C1",
            "is_ephemeral": True,
        },
    )
    assert (await harness.interaction(click)).status == 200
    await harness.bot.drain()
    shared = [c for c in api.calls_of("response_url") if c.params["_id"] == "share-1"]
    public = [c for c in shared if c.params.get("response_type") == "in_channel"]
    assert public and public[0].params["text"] == ephemeral.params["text"]
    header = public[0].json_param("blocks")[0]
    assert header["elements"][0]["text"] == "Shared by <@U1>:"
    assert shared[-1].params.get("delete_original") is True
    (completed,) = api.calls_of("files.completeUploadExternal")
    assert completed.params["channel_id"] == "C1"
    assert completed.json_param("files")[0]["title"] == "Monthly cost by delivery model (PLN)"
    (asked,) = api.calls_of("files.getUploadURLExternal")
    assert asked.params["alt_txt"].startswith("Bar chart of the monthly cost")
    history = await conversations.recent_estimates(ConversationKey("slack", "T1", "U1"))
    assert len(history) == 1  # sharing is not a second estimate


async def test_a_one_liner_in_the_bots_dm_is_posted_with_its_chart(
    harness: SlackHarness, api: FakeSlackServer
) -> None:
    # conversations.open answers D<user>: the command was typed in the bot's own DM
    await harness.command(payloads.slash_command(ONE_LINER, channel="DU1"))
    await harness.bot.drain()
    posts = api.calls_of("chat.postMessage")
    assert posts and {p.params["channel"] for p in posts} == {"DU1"}
    assert api.calls_of("upload")[0].body.startswith(b"\x89PNG")
    assert api.calls_of("response_url") == []


@pytest.mark.parametrize(
    ("locale", "title", "alt"),
    [
        ("pl-PL", "Miesięczny koszt według modelu obsługi (PLN)", "Wykres słupkowy"),
        ("zh-CN", "各交付模式的月度成本（PLN）", "柱状图："),
    ],
)
async def test_a_charts_file_title_is_short_and_localized_and_its_alt_text_is_the_long_one(
    harness: SlackHarness, api: FakeSlackServer, locale: str, title: str, alt: str
) -> None:
    """The upload used the alt text (a long accessibility sentence) as the file's title: the
    title is the chart's short caption in the user's language, the sentence its alt text."""
    api.set_locale("U1", locale)
    await harness.command(payloads.slash_command(ONE_LINER, channel="DU1"))
    await harness.bot.drain()
    (completed,) = api.calls_of("files.completeUploadExternal")
    assert completed.json_param("files")[0]["title"] == title
    (asked,) = api.calls_of("files.getUploadURLExternal")
    assert asked.params["alt_txt"].startswith(alt) and len(asked.params["alt_txt"]) > 60


async def test_a_line_with_nothing_to_price_opens_the_conversation_in_the_dm(
    harness: SlackHarness, api: FakeSlackServer
) -> None:
    """Nothing in "blah" is a place or a size: the DM explains what a line needs, in Slack's
    own syntax (at 7ff2637 it suggested Telegram's "/estimate"), and asks the first
    question; the channel only gets the ephemeral pointer, with no share button."""
    await harness.command(
        payloads.slash_command("blah", channel="C1", response_url=api.response_url("bad"))
    )
    await harness.bot.drain()
    posts = api.calls_of("chat.postMessage")
    assert {p.params["channel"] for p in posts} == {"DU1"}
    texts = "\n".join(p.params["text"] for p in posts)
    assert "/sourcewise 4 agents" in texts and "/estimate" not in texts
    assert any(b.get("block_id") == "sw:q:kind" for p in posts for b in p.json_param("blocks"))
    (response,) = api.calls_of("response_url")
    assert "direct message" in response.params["text"]
    assert response.params["response_type"] == "ephemeral"
    assert not response.json_param("blocks")  # a plain note: nothing to share


async def test_help_is_ephemeral(harness: SlackHarness, api: FakeSlackServer) -> None:
    await harness.command(
        payloads.slash_command("help", channel="C1", response_url=api.response_url("help"))
    )
    await harness.bot.drain()
    responses = api.calls_of("response_url")
    assert responses and all(r.params["response_type"] == "ephemeral" for r in responses)
    assert "back" in "\n".join(r.params["text"] for r in responses).lower()


async def test_no_words_starts_the_conversation_in_the_dm(
    harness: SlackHarness, api: FakeSlackServer
) -> None:
    await harness.command(
        payloads.slash_command("", channel="C1", response_url=api.response_url("start"))
    )
    await harness.bot.drain()
    (opened,) = api.calls_of("conversations.open")
    assert opened.params["users"] == "U1"
    posts = api.calls_of("chat.postMessage")
    assert posts and {p.params["channel"] for p in posts} == {"DU1"}
    assert any(b.get("block_id") == "sw:q:kind" for p in posts for b in p.json_param("blocks"))
    (note,) = api.calls_of("response_url")
    assert note.params["response_type"] == "ephemeral"
    assert "direct message" in note.params["text"]
