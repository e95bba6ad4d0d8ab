"""Slack payload -> (key, event, dedupe id): pure translation, fuzzed where it parses text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.adapters.slack import ids
from bot.adapters.slack.blocks import escape
from bot.adapters.slack.translate import (
    SlashKind,
    answered_label,
    from_block_action,
    from_message_event,
    key_for,
    parse_command_value,
    parse_slash_command,
    start_from,
    team_and_user,
    unescape_mrkdwn,
)
from bot.core.events import Command, Pick, Start, Submit, Text
from bot.core.ports import ConversationKey
from tests.adapters.slack import payloads


def test_a_direct_message_becomes_text_keyed_by_team_and_user() -> None:
    body = payloads.message_event("12 agents", team="T9", user="U7", event_id="Ev1")
    inbound = from_message_event(body)
    assert inbound is not None
    assert inbound.key == ConversationKey("slack", "T9", "U7")
    assert inbound.event == Text("12 agents")
    assert inbound.dedupe_id == "ev:Ev1"


def test_the_same_event_delivered_twice_has_the_same_dedupe_id() -> None:
    body = payloads.message_event("hi", event_id="EvSame")
    first, second = from_message_event(body), from_message_event(dict(body))
    assert first is not None and second is not None
    assert first.dedupe_id == second.dedupe_id == "ev:EvSame"


def test_message_text_is_unescaped_back_to_what_the_user_typed() -> None:
    body = payloads.message_event("&lt;5 agents &amp; <mailto:a@b.co|a@b.co> &gt; 2")
    inbound = from_message_event(body)
    assert inbound is not None
    assert inbound.event == Text("<5 agents & a@b.co > 2")


def test_bot_posts_edits_channel_messages_and_blank_text_are_ignored() -> None:
    assert from_message_event(payloads.message_event("x", bot_id="B1")) is None
    assert from_message_event(payloads.message_event("x", subtype="message_changed")) is None
    assert from_message_event(payloads.message_event("x", channel_type="channel")) is None
    assert from_message_event(payloads.message_event("   ")) is None


@given(st.text(max_size=200))
@settings(max_examples=150)
def test_unescape_inverts_slack_escaping(text: str) -> None:
    # Slack escapes exactly these three characters in what a user typed; links never
    # appear unescaped, so plain text survives a round trip exactly.
    assert unescape_mrkdwn(escape(text)) == text


def test_links_and_mentions_become_their_labels() -> None:
    assert unescape_mrkdwn("see <https://x.io|the site> or <https://y.io>") == (
        "see the site or https://y.io"
    )


def test_a_button_click_becomes_a_pick_of_its_question() -> None:
    action = {
        "type": "button",
        "action_id": ids.action_id(ids.PICK, "hours", 2),
        "value": "24x7",
        "text": {"type": "plain_text", "text": "Around the clock"},
    }
    body = payloads.block_actions(action, team="T2", user="U5")
    inbound = from_block_action(body)
    assert inbound is not None
    assert inbound.key == key_for("T2", "U5")
    assert inbound.event == Pick("hours", "24x7")
    assert inbound.dedupe_id == f"act:{body['trigger_id']}"
    assert answered_label(body) == "Around the clock"


def test_question_ids_with_colons_survive() -> None:
    action = {"action_id": ids.action_id(ids.PICK, "a:b", 0), "value": "v", "text": {}}
    inbound = from_block_action(payloads.block_actions(action))
    assert inbound is not None and inbound.event == Pick("a:b", "v")


def test_a_select_becomes_a_pick_with_the_selected_value() -> None:
    action = {
        "type": "static_select",
        "action_id": ids.action_id(ids.SELECT, "country"),
        "selected_option": {"text": {"type": "plain_text", "text": "Poland"}, "value": "PL"},
    }
    body = payloads.block_actions(action)
    inbound = from_block_action(body)
    assert inbound is not None and inbound.event == Pick("country", "PL")
    assert answered_label(body) == "Poland"


def test_multi_select_changes_are_ignored_and_done_submits_the_whole_selection() -> None:
    multi_id = ids.action_id(ids.MULTI, "channels")
    change = {"type": "multi_static_select", "action_id": multi_id, "selected_options": []}
    assert from_block_action(payloads.block_actions(change)) is None

    state = {
        ids.question_block_id("channels"): {
            multi_id: {
                "type": "multi_static_select",
                "selected_options": [
                    {"text": {"type": "plain_text", "text": "Phone"}, "value": "phone"},
                    {"text": {"type": "plain_text", "text": "Email"}, "value": "email"},
                ],
            }
        }
    }
    done = {"type": "button", "action_id": ids.action_id(ids.DONE, "channels"), "value": "done"}
    body = payloads.block_actions(done, state=state)
    inbound = from_block_action(body)
    assert inbound is not None
    assert inbound.event == Submit("channels", ("phone", "email"))
    assert answered_label(body) == "Phone, Email"


def test_done_without_state_lets_the_core_use_its_own_selection() -> None:
    done = {"type": "button", "action_id": ids.action_id(ids.DONE, "channels"), "value": "done"}
    inbound = from_block_action(payloads.block_actions(done))
    assert inbound is not None and inbound.event == Submit("channels", None)


def test_follow_up_actions_become_commands() -> None:
    action = {"type": "button", "action_id": ids.action_id(ids.ACTION, 0), "value": "edit:hours"}
    body = payloads.block_actions(action)
    inbound = from_block_action(body)
    assert inbound is not None and inbound.event == Command("edit", "hours")
    assert answered_label(body) is None
    assert parse_command_value("why") == Command("why")
    assert parse_command_value("whatif:hours=24x7") == Command("whatif", "hours=24x7")


def test_foreign_actions_are_not_core_events() -> None:
    for action_id in (ids.SHARE, ids.HOME_START, "someone_else"):
        action = {"type": "button", "action_id": action_id, "value": "x"}
        assert from_block_action(payloads.block_actions(action)) is None


def test_enterprise_interactions_without_team_use_the_users_team() -> None:
    action = {"action_id": ids.action_id(ids.PICK, "q", 0), "value": "v", "text": {}}
    body = payloads.block_actions(action, team="T3", user="U3")
    body["team"] = None
    assert team_and_user(body) == ("T3", "U3")


def test_slash_command_words() -> None:
    assert parse_slash_command("").kind is SlashKind.START
    assert parse_slash_command("  Help ").kind is SlashKind.HELP
    assert parse_slash_command("form").kind is SlashKind.FORM
    one_liner = parse_slash_command("500 calls/month 24x7 &lt;2 min")
    assert one_liner.kind is SlashKind.ESTIMATE
    assert one_liner.text == "500 calls/month 24x7 <2 min"


def test_start_from_a_slash_command_is_deduplicated_on_its_trigger() -> None:
    body = payloads.slash_command("", team="T4", user="U4")
    inbound = start_from(body)
    assert inbound is not None
    assert inbound.key == key_for("T4", "U4")
    assert isinstance(inbound.event, Start)
    assert inbound.dedupe_id == f"cmd:{body['trigger_id']}"
