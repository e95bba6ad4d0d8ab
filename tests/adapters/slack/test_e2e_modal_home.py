"""The one-screen modal (field errors from the acknowledgement, then the result in the DM)
and the App Home (recent estimates, buttons), over HTTP with the real core."""

from __future__ import annotations

import json
from typing import Any

from bot.adapters.slack import ids
from tests.adapters.slack import payloads
from tests.adapters.slack.harness import SlackHarness
from tests.fakes.slack_server import FakeSlackServer

VALID = {
    "kind": "customer_service",
    "region": "PL",
    "channels": ["phone", "email"],
    "team_size": "8",
    "languages": ["en", "pl"],
    "hours": "business",
}


def modal_state(view: dict[str, Any], answers: dict[str, Any]) -> dict[str, Any]:
    """``view.state.values`` as Slack builds it from what the user filled in."""
    state: dict[str, Any] = {}
    for block in view["blocks"]:
        element = block["element"]
        answer = answers.get(block["block_id"])
        options = {o["value"]: o for o in element.get("options", [])}
        if element["type"] == "multi_static_select":
            chosen = [options[v] for v in answer or []]
            value: dict[str, Any] = {"type": element["type"], "selected_options": chosen}
        elif element["type"] == "static_select":
            value = {"type": element["type"], "selected_option": options.get(answer)}
        else:
            value = {"type": element["type"], "value": answer}
        state[block["block_id"]] = {element["action_id"]: value}
    return state


async def open_form(harness: SlackHarness, api: FakeSlackServer) -> dict[str, Any]:
    posted = await harness.command(payloads.slash_command("form", channel="C1"))
    assert posted.status == 200
    (opened,) = await api.wait_for("views.open")
    view: dict[str, Any] = opened.json_param("view")
    assert opened.params["trigger_id"]
    assert view["callback_id"] == ids.FORM_CALLBACK
    return view


async def test_an_invalid_team_size_is_answered_with_a_field_error(
    harness: SlackHarness, api: FakeSlackServer
) -> None:
    view = await open_form(harness, api)
    bad = payloads.view_submission(view, modal_state(view, {**VALID, "team_size": "lots"}))
    posted = await harness.interaction(bad)
    assert posted.status == 200
    answer = posted.json()
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {"team_size"}
    assert answer["errors"]["team_size"]
    await harness.bot.drain()
    assert api.calls_of("chat.postMessage") == []


async def test_a_valid_form_closes_and_the_result_arrives_in_the_dm(
    harness: SlackHarness, api: FakeSlackServer
) -> None:
    view = await open_form(harness, api)
    bad = payloads.view_submission(view, modal_state(view, {**VALID, "team_size": "lots"}))
    assert (await harness.interaction(bad)).json()["response_action"] == "errors"
    good = payloads.view_submission(view, modal_state(view, VALID))
    posted = await harness.interaction(good)
    assert posted.status == 200 and posted.text == ""  # the modal closes
    await harness.bot.drain()
    posts = api.calls_of("chat.postMessage")
    assert posts and {p.params["channel"] for p in posts} == {"DU1"}
    assert any("PLN" in p.params["text"] for p in posts)
    assert api.calls_of("upload")[0].body.startswith(b"\x89PNG")
    home = json.dumps(api.calls_of("views.publish")[-1].json_param("view"))
    assert any(model in home for model in ("In-house", "Hosted", "Outsourced", "Partly outsourced"))


async def test_several_bad_fields_are_each_marked(
    harness: SlackHarness, api: FakeSlackServer
) -> None:
    view = await open_form(harness, api)
    answers = {**VALID, "team_size": "lots", "channels": [], "region": None}
    answer = (
        await harness.interaction(payloads.view_submission(view, modal_state(view, answers)))
    ).json()
    assert {"team_size", "channels", "region"} <= set(answer["errors"])
    block_ids = {b["block_id"] for b in view["blocks"]}
    assert set(answer["errors"]) <= block_ids


async def test_app_home_lists_recent_estimates_and_starts_new_ones(
    harness: SlackHarness, api: FakeSlackServer
) -> None:
    await harness.event(payloads.app_home_opened())
    await harness.bot.drain()
    (empty,) = api.calls_of("views.publish")
    assert empty.params["user_id"] == "U1"
    assert "No estimates yet" in json.dumps(empty.json_param("view"))

    await harness.command(payloads.slash_command("8 agents phone Poland 24/7", channel="C1"))
    await harness.bot.drain()
    await harness.event(payloads.app_home_opened())
    await harness.bot.drain()
    view = api.calls_of("views.publish")[-1].json_param("view")
    assert view["type"] == "home"
    assert "a month" in json.dumps(view)

    home_container = {"type": "view", "view_id": "V1"}
    start = payloads.find_element(view["blocks"], ids.HOME_START)
    await harness.interaction(payloads.click(start, container=home_container))
    await harness.bot.drain()
    assert any(
        b.get("block_id") == "sw:q:kind"
        for p in api.calls_of("chat.postMessage")
        for b in p.json_param("blocks")
    )
    form = payloads.find_element(view["blocks"], ids.HOME_FORM)
    await harness.interaction(payloads.click(form, container=home_container))
    (opened,) = await api.wait_for("views.open")
    assert opened.json_param("view")["callback_id"] == ids.FORM_CALLBACK
