"""Update -> intent, and our callback-data format: pure functions, no network."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from telegram import Update

from bot.adapters.telegram.translate import (
    CALLBACK_DATA_LIMIT,
    ButtonData,
    ButtonKind,
    ButtonPress,
    Converse,
    InlineEstimate,
    PrivateOnly,
    QuickEstimate,
    button_event,
    classify,
    conversation_key,
    decode_button,
    encode_button,
    fits,
    keyboard_marker,
    long_data_token,
)
from bot.core.events import Command, Pick, Start, Submit, Text, Toggle
from bot.core.ports import ConversationKey
from tests.fakes.telegram_server import FakeBotApi

API = FakeBotApi()
BOT_ID = API.bot_id
BOT = API.username
GROUP = -100123


def _classify(update: dict[str, Any], update_id: int = 500) -> object:
    parsed = Update.de_json({"update_id": update_id, **update}, None)
    assert parsed is not None
    return classify(parsed, bot_id=BOT_ID, bot_username=BOT)


def _bot_message(chat_id: int, text: str, markup: dict[str, Any] | None = None) -> dict[str, Any]:
    message: dict[str, Any] = {
        "message_id": 77,
        "from": {"id": BOT_ID, "is_bot": True, "first_name": "Sourcewise", "username": BOT},
        "chat": {"id": chat_id, "type": "private", "first_name": "U"},
        "date": 1,
        "text": text,
    }
    if markup is not None:
        message["reply_markup"] = markup
    return message


# --- callback data -------------------------------------------------------------------------

_ids = st.text(
    alphabet=st.characters(blacklist_characters="|", blacklist_categories=("Cs",)), min_size=1
)
_values = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1)


@given(
    kind=st.sampled_from([ButtonKind.PICK, ButtonKind.TOGGLE]),
    question=_ids,
    value=_values,
)
@settings(max_examples=150)
def test_choice_buttons_round_trip(kind: ButtonKind, question: str, value: str) -> None:
    data = ButtonData(kind, keyboard_marker(question, [value]), question, value)
    assert decode_button(encode_button(data)) == data


@given(question=_ids, action=_values)
@settings(max_examples=100)
def test_done_and_action_buttons_round_trip(question: str, action: str) -> None:
    marker = keyboard_marker(question, [action])
    done = ButtonData(ButtonKind.DONE, marker, question)
    act = ButtonData(ButtonKind.ACTION, marker, value=action)
    assert decode_button(encode_button(done)) == done
    assert decode_button(encode_button(act)) == act


@given(st.text())
@settings(max_examples=200)
def test_decoding_anything_never_raises(raw: str) -> None:
    decoded = decode_button(raw)
    assert decoded is None or isinstance(decoded, ButtonData)


@pytest.mark.parametrize(
    "raw",
    ["", "x|abcd|q|v", "p|abc|q|v", "p|abcd|q", "p|abcd||v", "d|abcd|", "a|abcd", "hello"],
)
def test_foreign_or_malformed_data_is_not_ours(raw: str) -> None:
    assert decode_button(raw) is None


def test_markers_are_short_stable_and_tell_keyboards_apart() -> None:
    first = keyboard_marker("channels", ["phone", "chat"])
    assert len(first) == 4
    assert first == keyboard_marker("channels", ["phone", "chat"])
    assert first != keyboard_marker("channels", ["phone", "email"])
    assert first != keyboard_marker("languages", ["phone", "chat"])


@given(value=st.text(min_size=60, max_size=300))
@settings(max_examples=50)
def test_long_data_is_replaced_by_a_token_that_fits(value: str) -> None:
    encoded = encode_button(ButtonData(ButtonKind.ACTION, "abcd", value=value))
    assert not fits(encoded)
    token = long_data_token(encoded, "abcd")
    assert len(token.encode()) <= CALLBACK_DATA_LIMIT
    decoded = decode_button(token)
    assert decoded is not None and decoded.kind is ButtonKind.LONG
    assert button_event(decoded) is None  # only the sending process can resolve it


def test_buttons_become_core_events() -> None:
    assert button_event(ButtonData(ButtonKind.PICK, "abcd", "hours", "24x7")) == Pick(
        "hours", "24x7"
    )
    assert button_event(ButtonData(ButtonKind.TOGGLE, "abcd", "channels", "phone")) == Toggle(
        "channels", "phone"
    )
    assert button_event(ButtonData(ButtonKind.DONE, "abcd", "channels")) == Submit("channels")
    assert button_event(ButtonData(ButtonKind.ACTION, "abcd", value="edit:channels")) == Command(
        "edit", "channels"
    )
    assert button_event(ButtonData(ButtonKind.ACTION, "abcd", value="why")) == Command("why", "")
    assert button_event(
        ButtonData(ButtonKind.ACTION, "abcd", value="whatif:hours=24x7")
    ) == Command("whatif", "hours=24x7")


# --- private chat --------------------------------------------------------------------------


def test_start_in_private_starts_the_conversation_with_the_language_hint() -> None:
    intent = _classify(API.user_message("/start", user_id=42, language_code="pl"), 900)
    assert intent == Converse(
        key=ConversationKey("telegram", "42", "42"),
        event=Start("pl"),
        dedupe_id=f"{BOT_ID}:900",
        locale="pl",
        chat_id=42,
    )


@pytest.mark.parametrize(
    ("text", "event"),
    [
        ("/back", Command("back")),
        ("/cancel", Command("cancel")),
        ("/help", Command("help")),
        ("/language pl", Command("language", "pl")),
        ("/language", Command("language", "")),
        (f"/back@{BOT}", Command("back")),
        (f"/help@{BOT.upper()}", Command("help")),
        ("/why", Command("why")),
        ("12 agents", Text("12 agents")),
        ("/frobnicate now", Text("/frobnicate now")),
    ],
)
def test_private_messages_become_conversation_events(text: str, event: object) -> None:
    intent = _classify(API.user_message(text, user_id=42))
    assert isinstance(intent, Converse)
    assert intent.event == event
    assert intent.key == conversation_key(42, 42)


def test_estimate_in_private_is_a_quick_estimate_answered_in_place() -> None:
    intent = _classify(API.user_message("/estimate 8 agents phone,chat en,zh 24/7 US", user_id=5))
    assert intent == QuickEstimate(
        key=conversation_key(5, 5),
        text="8 agents phone,chat en,zh 24/7 US",
        dedupe_id=f"{BOT_ID}:500",
        locale="en",
        chat_id=5,
        reply_to=None,
        in_group=False,
    )


def test_a_command_for_another_bot_is_ignored() -> None:
    assert _classify(API.user_message("/start@other_bot", user_id=42)) is None
    assert _classify(API.user_message("/estimate@other_bot 8 agents", user_id=42)) is None


@pytest.mark.parametrize(
    "update",
    [
        {"edited_message": API.user_message("hi")["message"]},
        {"message": {**API.user_message("hi")["message"], "from": API.user(9) | {"is_bot": True}}},
        {
            "message": {
                **API.user_message("8 agents")["message"],
                "via_bot": {"id": BOT_ID, "is_bot": True, "first_name": "S", "username": BOT},
            }
        },
        {"message": {k: v for k, v in API.user_message("x")["message"].items() if k != "text"}},
    ],
    ids=["edited", "from-a-bot", "our-inline-result", "no-text"],
)
def test_updates_the_bot_stays_silent_on(update: dict[str, Any]) -> None:
    assert _classify(update) is None


# --- groups --------------------------------------------------------------------------------


def _group(text: str, **kwargs: Any) -> dict[str, Any]:
    return API.user_message(text, user_id=42, chat_id=GROUP, chat_type="supergroup", **kwargs)


def test_estimate_in_a_group_is_answered_there_as_a_reply() -> None:
    update = _group(f"/estimate@{BOT} 12000 calls/month phone en business UK")
    intent = _classify(update)
    assert isinstance(intent, QuickEstimate)
    assert intent.text == "12000 calls/month phone en business UK"
    assert intent.chat_id == GROUP and intent.in_group
    assert intent.reply_to == update["message"]["message_id"]
    assert intent.key == ConversationKey("telegram", str(GROUP), "42")


@pytest.mark.parametrize("text", ["/start", "/back", "/cancel", "/help", "/language zh"])
def test_conversation_commands_in_a_group_point_to_the_private_chat(text: str) -> None:
    update = _group(text)
    intent = _classify(update)
    assert intent == PrivateOnly(
        GROUP, f"{BOT_ID}:500", "en", reply_to=update["message"]["message_id"]
    )


def test_a_mention_in_a_group_is_a_quick_estimate_without_the_mention() -> None:
    intent = _classify(_group(f"@{BOT} 8 agents phone 24/7"))
    assert isinstance(intent, QuickEstimate)
    assert intent.text == "8 agents phone 24/7"
    assert intent.in_group


def test_a_reply_to_the_bot_in_a_group_is_addressed_to_it() -> None:
    reply_to = _bot_message(GROUP, "earlier answer") | {
        "chat": {"id": GROUP, "type": "supergroup", "title": "t"}
    }
    intent = _classify(_group("8 agents chat", reply_to=reply_to))
    assert isinstance(intent, QuickEstimate)
    assert intent.text == "8 agents chat"


@pytest.mark.parametrize("text", ["good morning all", "@someone_else 8 agents", "/estimate@x y"])
def test_group_chatter_not_addressed_to_the_bot_is_ignored(text: str) -> None:
    assert _classify(_group(text)) is None


@given(st.text(min_size=1, max_size=200), st.sampled_from(["private", "group", "supergroup"]))
@settings(max_examples=150)
def test_any_text_classifies_without_raising(text: str, chat_type: str) -> None:
    chat_id = 42 if chat_type == "private" else GROUP
    update = API.user_message(text, user_id=42, chat_id=chat_id, chat_type=chat_type)
    intent = _classify(update)
    if chat_type == "private" and text.strip():
        assert isinstance(intent, Converse | QuickEstimate) or intent is None


# --- buttons and inline --------------------------------------------------------------------


def test_a_button_press_carries_the_decoded_data_and_the_labels_shown() -> None:
    marker = keyboard_marker("channels", ["phone", "chat"])
    toggle = encode_button(ButtonData(ButtonKind.TOGGLE, marker, "channels", "chat"))
    markup = {
        "inline_keyboard": [
            [
                {
                    "text": "✓ Phone",
                    "callback_data": encode_button(
                        ButtonData(ButtonKind.TOGGLE, marker, "channels", "phone")
                    ),
                },
                {"text": "Chat", "callback_data": toggle},
            ]
        ]
    }
    message = _bot_message(42, "Which channels?", markup)
    intent = _classify(API.button_press(message, data=toggle, user_id=42, language_code="zh"))
    assert isinstance(intent, ButtonPress)
    assert intent.data == ButtonData(ButtonKind.TOGGLE, marker, "channels", "chat")
    assert intent.label == "Chat"
    assert intent.selected_labels == ("Phone",)
    assert intent.message_id == 77 and intent.chat_id == 42
    assert intent.message_text == "Which channels?"
    assert intent.locale == "zh"
    assert intent.key == conversation_key(42, 42)


def test_a_press_with_unreadable_data_has_no_data() -> None:
    message = _bot_message(
        42, "old", {"inline_keyboard": [[{"text": "A", "callback_data": "v0:a"}]]}
    )
    intent = _classify(API.button_press(message, data="v0:a", user_id=42))
    assert isinstance(intent, ButtonPress)
    assert intent.data is None


def test_an_inline_query_is_an_inline_estimate_for_the_sender() -> None:
    intent = _classify(API.inline_query("  8 agents phone 24/7 ", user_id=7, language_code="pl"))
    assert isinstance(intent, InlineEstimate)
    assert intent.text == "8 agents phone 24/7"
    assert intent.key == conversation_key(7, 7)
    assert intent.locale == "pl"
