"""Saved estimates in Slack (``/sourcewise list``, the App Home's Open and Delete), "delete my
data" in the DM, and a one-liner that lacks a place going on in the DM: signed requests over
HTTP, the fake Web API, the real service on SQLite."""

from __future__ import annotations

import json
from typing import Any

from tests.adapters.slack import payloads
from tests.adapters.slack.harness import DmUser, SlackHarness
from tests.fakes.slack_server import FakeSlackServer

HOME = {"type": "view", "view_id": "V1"}


def _home(api: FakeSlackServer) -> dict[str, Any]:
    view: dict[str, Any] = api.calls_of("views.publish")[-1].json_param("view")
    return view


def _entry_blocks(view: dict[str, Any]) -> list[dict[str, Any]]:
    return [b for b in view["blocks"] if str(b.get("block_id", "")).startswith("sw:home:entry:")]


def _entries(view: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """Each entry's context line and the labels of its buttons."""
    blocks = view["blocks"]
    found = []
    for index, block in enumerate(blocks):
        if str(block.get("block_id", "")).startswith("sw:home:entry:"):
            context = blocks[index - 1]["elements"][0]["text"]
            found.append((context, [e["text"]["text"] for e in block["elements"]]))
    return found


async def test_list_open_delete_and_delete_my_data(
    harness: SlackHarness, api: FakeSlackServer
) -> None:
    me = DmUser(harness, api, channel="DU1")
    for line in ("8 agents, phone, UK", "12 agents, phone, UK"):
        await harness.command(payloads.slash_command(line, channel="DU1"))
        await harness.bot.drain()

    # the App Home: two entries that say what each priced, with their buttons
    entries = _entries(_home(api))
    assert len(entries) == 2
    assert "12 people" in entries[0][0] and "8 people" in entries[1][0]
    assert "United Kingdom · Phone" in entries[0][0]
    assert [labels for _, labels in entries] == [["Open 1", "Delete 1"], ["Open 2", "Delete 2"]]

    await harness.command(
        payloads.slash_command("list", channel="C1", response_url=api.response_url("list"))
    )
    await harness.bot.drain()
    listing = next(t for t in reversed(me.texts()) if t.startswith("Your saved estimates"))
    assert "1. " in listing and "12 people" in listing and "8 people" in listing
    assert "direct message" in api.calls_of("response_url")[-1].params["text"]

    # "Open 2" on the App Home: the older estimate again, in the DM
    older = _entry_blocks(_home(api))[1]
    opened = payloads.click(older["elements"][0], container=HOME, channel="DU1")
    assert (await harness.interaction(opened)).status == 200
    await harness.bot.drain()
    assert me.texts()[-3].startswith("Here is that estimate again")
    assert me.texts()[-2].startswith("Recommended:")

    # "Delete 1" on the App Home: gone from the DM's answer and from the refreshed Home
    newest = _entry_blocks(_home(api))[0]
    deleted = payloads.click(newest["elements"][1], container=HOME, channel="DU1")
    await harness.interaction(deleted)
    await harness.bot.drain()
    assert "Deleted that estimate." in me.texts()
    (left,) = _entries(_home(api))
    assert "8 people" in left[0]

    # "delete my data", typed in the DM, asks; yes deletes; the Home is empty again
    await me.say("delete my data")
    assert me.texts()[-1].startswith("Delete everything I keep about you here")
    await me.act("forget:yes")
    assert me.texts()[-1] == "Done: your conversations and saved estimates are deleted."
    assert "No estimates yet" in json.dumps(_home(api))


async def test_a_one_liner_without_a_place_goes_on_in_the_dm(
    harness: SlackHarness, api: FakeSlackServer
) -> None:
    me = DmUser(harness, api, channel="DU1")
    await harness.command(payloads.slash_command("4 agents, phone and email, 9 to 5"))
    await harness.bot.drain()
    assert me.texts()[0].startswith("I read: ")
    assert me.last_prompt() == "region"
    assert api.calls_of("upload") == []  # nothing priced yet: the place is missing
    await me.choose("region", "UK")
    summary = me.texts()[-1]
    assert summary.startswith("Here is what I have.")
    for kept in ("United Kingdom", "4 people", "Phone and email", "Business hours"):
        assert kept in summary
