"""A full guided conversation in a Slack DM, over HTTP, with the real core and database:
buttons, selects, a multi-select with Done, typed answers, the summary's edit buttons, the
result with its chart uploaded, and the App Home refreshed with the new estimate."""

from __future__ import annotations

import json

from tests.adapters.slack.harness import DmUser, SlackHarness
from tests.fakes.slack_server import FakeSlackServer


async def answer_everything(me: DmUser) -> None:
    await me.say("hello")
    assert me.last_prompt() == "kind"
    await me.press("kind", "customer_service")
    assert me.last_prompt() == "region"
    await me.choose("region", "PL")  # eight regions: a select menu, not buttons
    assert me.last_prompt() == "channels"
    await me.tick("channels", ["phone", "email"])
    assert me.last_prompt() == "sizing"
    await me.press("sizing", "team")
    assert me.last_prompt() == "team_size"
    await me.say("8")  # no buttons: typed
    assert me.last_prompt() == "languages"
    await me.tick("languages", ["en", "pl"])
    assert me.last_prompt() == "agent_languages"  # two languages: do all agents speak both?
    await me.press("agent_languages", "all")
    assert me.last_prompt() == "hours"
    await me.press("hours", "business")
    assert me.last_prompt() == "timezone"
    await me.act("skip")
    await me.act("skip")  # currency
    await me.act("skip")  # service level
    assert me.last_prompt() == "current_cost"
    await me.say("skip")  # a command typed as text


async def test_a_whole_conversation_in_the_dm(harness: SlackHarness, api: FakeSlackServer) -> None:
    me = DmUser(harness, api)
    await answer_everything(me)

    summary = me.messages()[-1]
    edit_values = [e["value"] for b in summary[1] if b["type"] == "actions" for e in b["elements"]]
    assert "edit:team_size" in edit_values and "compute" in edit_values
    await me.act("edit:team_size")
    assert me.last_prompt() == "team_size"
    await me.say("12")
    assert "12" in me.texts()[-1]  # back on the summary, with the new answer

    uploads_before = len(api.calls_of("upload"))
    await me.act("compute")
    result_text = next(t for t in reversed(me.texts()) if "PLN" in t)
    assert "12" in result_text

    # the chart: Slack's three-step upload into the same DM
    (upload,) = api.calls_of("upload")[uploads_before:]
    assert upload.body.startswith(b"\x89PNG")
    completed = api.calls_of("files.completeUploadExternal")[-1]
    assert completed.params["channel_id"] == "D1"
    assert completed.json_param("files")[0]["id"] == upload.params["_id"]
    # a short caption as the file's title; the long description only as its alt text
    title = completed.json_param("files")[0]["title"]
    assert title == "Monthly cost by delivery model (PLN)"
    alt = api.calls_of("files.getUploadURLExternal")[-1].params["alt_txt"]
    assert alt.startswith("Bar chart of the monthly cost of each delivery model") and "PLN" in alt
    assert len(title) < 50 < len(alt)

    # the App Home now lists the estimate
    home = api.calls_of("views.publish")[-1]
    assert home.params["user_id"] == "U1"
    view = json.dumps(home.json_param("view"))
    assert any(
        model in view for model in ("In-house", "Hosted", "Outsourced", "Partly outsourced")
    )  # the recommended one

    # follow-ups work from the result's buttons
    before = len(me.texts())
    await me.act("why")
    assert len(me.texts()) > before
    why = "\n".join(me.texts()[before:])
    # the working in plain words, with numbered, titled sources (issue 15, problem 4)
    assert "Where the money goes:" in why and "\nSources:\n1. " in why
    assert "Erlang" not in why and "[PL." not in why


def _answered(blocks: list[dict[str, object]], question: str) -> object:
    (block,) = [b for b in blocks if b.get("block_id") == f"sw:q:{question}"]
    assert block["type"] == "context"
    return block["elements"][0]["text"]  # type: ignore[index]


async def test_pressed_questions_are_marked_answered(
    harness: SlackHarness, api: FakeSlackServer
) -> None:
    me = DmUser(harness, api)
    await me.say("hello")
    await me.press("kind", "customer_service")
    (update,) = api.calls_of("chat.update")
    assert update.params["channel"] == "D1"
    assert _answered(update.json_param("blocks"), "kind") == "✓ *Customer service*"
    await me.choose("region", "PL")
    region = api.calls_of("chat.update")[-1].json_param("blocks")
    assert _answered(region, "region") == "✓ *Poland*"
    assert all(b["type"] != "actions" for b in region)  # no live "Back" on an answered one


async def test_a_typed_answer_takes_the_buttons_off_its_question(
    harness: SlackHarness, api: FakeSlackServer
) -> None:
    me = DmUser(harness, api)
    await me.say("hello")
    await me.press("kind", "customer_service")
    await me.choose("region", "PL")
    await me.tick("channels", ["phone"])
    await me.press("sizing", "team")
    assert me.last_prompt() == "team_size"
    (question_ts, blocks, _) = me.messages()[-1]
    assert any(b["type"] == "actions" for b in blocks)  # its "Back" while it is open
    await me.say("8")
    assert me.last_prompt() == "languages"
    update = api.calls_of("chat.update")[-1]
    assert update.params["ts"] == question_ts
    closed = update.json_param("blocks")
    assert all(b["type"] != "actions" for b in closed)
    assert closed[0]["block_id"] == "sw:prompt:team_size"  # the question itself stays
    await me.act("back")  # the open question's Back: its own buttons go, and it re-asks
    assert me.last_prompt() == "team_size"
    back_pressed = api.calls_of("chat.update")[-1].json_param("blocks")
    assert back_pressed[0]["block_id"] == "sw:prompt:languages"
    assert all(b["type"] != "actions" for b in back_pressed)


async def test_a_stale_button_is_refused_and_its_message_left_alone(
    harness: SlackHarness, api: FakeSlackServer
) -> None:
    me = DmUser(harness, api)
    await me.say("hello")
    await me.press("kind", "customer_service")
    updates = len(api.calls_of("chat.update"))
    await me.press("kind", "it_helpdesk")  # the old question's other button
    assert len(api.calls_of("chat.update")) == updates
    assert me.last_prompt() == "region"  # still where we were


async def test_the_dm_speaks_the_users_slack_language(
    harness: SlackHarness, api: FakeSlackServer
) -> None:
    api.set_locale("U1", "pl-PL")
    me = DmUser(harness, api)
    await me.say("hello")
    assert any("obsług" in text.lower() for text in me.texts())
    await me.press("kind", "customer_service")
    await me.choose("region", "PL")
    done = next(
        e
        for _, blocks, _ in me.messages()
        for b in blocks
        for e in b.get("elements", [])
        if str(e.get("action_id", "")).startswith("sw:done:")
    )
    assert done["text"]["text"] == "Gotowe"
