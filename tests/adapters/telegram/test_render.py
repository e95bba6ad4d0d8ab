"""Reply -> Telegram messages: keyboards, toggles, photos, limits. Pure, no network."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from telegram import InlineKeyboardButton

from bot.adapters.telegram.render import (
    CAPTION_LIMIT,
    TEXT_LIMIT,
    Outgoing,
    render_replies,
    render_reply,
    split_text,
    utf16_len,
)
from bot.adapters.telegram.translate import (
    CALLBACK_DATA_LIMIT,
    ButtonKind,
    button_event,
    decode_button,
)
from bot.core.events import Choice, Command, Image, Pick, Reply, ReplyKind, Submit, Toggle

PNG = Image(png=b"\x89PNG\r\n\x1a\nchart", filename="costs.png", alt="Cost per month by option")

CHANNELS = Reply(
    text="Which channels do customers use?",
    kind=ReplyKind.QUESTION,
    question="channels",
    choices=(Choice("phone", "Phone"), Choice("chat", "Chat"), Choice("email", "Email")),
    multi=True,
    selected=frozenset({"chat"}),
)


def _buttons(out: Outgoing) -> list[InlineKeyboardButton]:
    assert out.keyboard is not None
    return [button for row in out.keyboard.inline_keyboard for button in row]


def _event(button: InlineKeyboardButton) -> object:
    assert isinstance(button.callback_data, str)
    data = decode_button(button.callback_data)
    assert data is not None
    return button_event(data)


def test_a_single_choice_question_becomes_one_message_with_pick_buttons() -> None:
    reply = Reply(
        text="Opening hours?",
        kind=ReplyKind.QUESTION,
        question="hours",
        choices=(Choice("business", "Business hours"), Choice("24x7", "24/7")),
    )
    (out,) = render_reply(reply, locale="en").messages
    assert out.method == "sendMessage"
    assert out.text == "Opening hours?"
    assert out.question == "hours"
    assert [b.text for b in _buttons(out)] == ["Business hours", "24/7"]
    assert [_event(b) for b in _buttons(out)] == [Pick("hours", "business"), Pick("hours", "24x7")]


def test_a_multi_select_marks_selected_options_and_ends_with_done() -> None:
    (out,) = render_reply(CHANNELS, locale="en").messages
    assert out.keyboard is not None
    rows = out.keyboard.inline_keyboard
    labels = [b.text for b in _buttons(out)]
    assert labels == ["Phone", "✓ Chat", "Email", "✅ Done"]
    assert [b.text for b in rows[-1]] == ["✅ Done"]  # Done sits alone on the last row
    assert [_event(b) for b in _buttons(out)] == [
        Toggle("channels", "phone"),
        Toggle("channels", "chat"),
        Toggle("channels", "email"),
        Submit("channels"),
    ]


def test_done_is_in_the_users_language() -> None:
    (out,) = render_reply(CHANNELS, locale="pl-PL").messages
    assert _buttons(out)[-1].text == "✅ Gotowe"
    (out,) = render_reply(CHANNELS, locale="zh-hans").messages
    assert _buttons(out)[-1].text == "✅ 完成"


def test_toggling_keeps_the_marker_so_an_edit_stays_the_same_keyboard() -> None:
    toggled = Reply(**{**_fields(CHANNELS), "selected": frozenset({"chat", "phone"})})
    before = {decode_button(str(b.callback_data)) for b in _buttons(_only(CHANNELS))}
    after = {decode_button(str(b.callback_data)) for b in _buttons(_only(toggled))}
    assert before == after


def test_actions_become_command_buttons_and_can_be_left_out() -> None:
    reply = Reply(
        text="In-house costs 41,200 USD a month.",
        kind=ReplyKind.RESULT,
        actions=(
            Choice("why", "Why?"),
            Choice("details", "Details"),
            Choice("edit:channels", "Change channels"),
        ),
    )
    (out,) = render_reply(reply, locale="en").messages
    assert [_event(b) for b in _buttons(out)] == [
        Command("why"),
        Command("details"),
        Command("edit", "channels"),
    ]
    assert out.question is None  # actions answer no question: they never go stale
    (bare,) = render_reply(reply, locale="en", actions=False).messages
    assert bare.keyboard is None


def test_an_image_with_a_short_text_is_one_photo_with_a_caption() -> None:
    reply = Reply(text="Outsourced is cheapest.", kind=ReplyKind.RESULT, image=PNG)
    (out,) = render_reply(reply, locale="en").messages
    assert out.method == "sendPhoto"
    kwargs = out.send_kwargs()
    assert kwargs["caption"] == "Outsourced is cheapest."
    assert kwargs["photo"].input_file_content == PNG.png
    assert kwargs["photo"].filename == "costs.png"


def test_an_image_with_a_long_text_is_a_photo_then_the_text_with_the_buttons() -> None:
    """Issue 15, problem 8: the caption of a long result was the screen-reader text. It is
    the text's own opening, cut at a line; the rest follows with the buttons."""
    text = "".join(f"Line {n} of the result.\n" for n in range(80))  # too long for a caption
    reply = Reply(text=text, kind=ReplyKind.RESULT, image=PNG, actions=(Choice("why", "Why?"),))
    photo, message = render_reply(reply, locale="en").messages
    assert photo.method == "sendPhoto" and photo.keyboard is None
    assert photo.text != PNG.alt and photo.text.startswith("Line 0 of the result.")
    assert utf16_len(photo.text) <= CAPTION_LIMIT and photo.text.endswith("of the result.")
    assert message.method == "sendMessage" and message.text.startswith("Line ")
    assert f"{photo.text}\n{message.text}" == text.strip()
    assert [_event(b) for b in _buttons(message)] == [Command("why")]


def test_a_real_result_is_captioned_with_the_recommendation() -> None:
    from bot.render.result import render_result
    from costengine import estimate
    from costengine.scenario import Channel, Coverage, HoursPreset, Scenario

    scenario = Scenario(
        team_size=8,
        channels=(Channel.PHONE, Channel.CHAT),
        languages=("en", "zh"),
        region="US",
        coverage=Coverage(preset=HoursPreset.TWENTY_FOUR_SEVEN, timezone="America/New_York"),
    )
    for locale in ("en", "pl"):
        (reply,) = render_result(estimate(scenario, analysis=False), locale)
        assert reply.image is not None and utf16_len(reply.text) > CAPTION_LIMIT
        photo, *rest = render_reply(reply, locale=locale).messages
        assert photo.text.startswith(reply.text.splitlines()[0])  # "Recommended: ..."
        assert reply.image.alt not in photo.text
        assert rest and rest[-1].keyboard is not None


def test_long_text_is_split_and_the_keyboard_goes_on_the_last_part() -> None:
    paragraph = "Staffing needs 14 agents at 80/20. " * 20
    text = "\n\n".join([paragraph] * 12)  # ~8,400 characters
    reply = Reply(text=text, kind=ReplyKind.INFO, actions=(Choice("details", "Details"),))
    parts = render_reply(reply, locale="en").messages
    assert len(parts) == 3
    assert all(utf16_len(p.text) <= TEXT_LIMIT for p in parts)
    assert [p.keyboard is not None for p in parts] == [False, False, True]
    assert re.sub(r"\s+", "", "".join(p.text for p in parts)) == re.sub(r"\s+", "", text)


_texts = st.lists(
    st.sampled_from(["a", "bb", " ", "\n", "中", "😀", "ł", "\n\n", "word " * 30]), max_size=400
).map("".join)


@given(text=_texts, limit=st.sampled_from([CAPTION_LIMIT, TEXT_LIMIT, 50]))
@settings(max_examples=80, deadline=None)
def test_splitting_respects_the_limit_and_keeps_every_visible_character(
    text: str, limit: int
) -> None:
    parts = split_text(text, limit)
    assert all(0 < utf16_len(part) <= limit for part in parts)
    assert re.sub(r"\s+", "", "".join(parts)) == re.sub(r"\s+", "", text)


def test_emoji_count_double_as_telegram_counts_them() -> None:
    assert utf16_len("😀") == 2
    parts = split_text("😀" * 3000)
    assert [utf16_len(p) for p in parts] == [4096, 1904]


@given(
    question=st.text(min_size=1, max_size=80),
    values=st.lists(st.text(min_size=1, max_size=120), min_size=1, max_size=6, unique=True),
    multi=st.booleans(),
)
@settings(max_examples=80, deadline=None)
def test_every_button_fits_64_bytes_and_means_what_the_reply_said(
    question: str, values: list[str], multi: bool
) -> None:
    reply = Reply(
        text="?",
        kind=ReplyKind.QUESTION,
        question=question,
        choices=tuple(Choice(v, f"label {i}") for i, v in enumerate(values)),
        multi=multi,
        actions=(Choice("edit:" + values[0], "Edit"),),
    )
    rendered = render_reply(reply, locale="en")
    (out,) = rendered.messages
    meant = []
    for button in _buttons(out):
        raw = str(button.callback_data)
        assert len(raw.encode()) <= CALLBACK_DATA_LIMIT
        data = decode_button(raw)
        assert data is not None
        if data.kind is ButtonKind.LONG:
            data = rendered.long_data[raw]
        meant.append(button_event(data))
    expected: list[object] = [(Toggle if multi else Pick)(question, v) for v in values]
    if multi:
        expected.append(Submit(question))
    expected.append(Command("edit", values[0]))
    assert meant == expected


def test_several_replies_render_in_order() -> None:
    error = Reply(text="That is not a number.", kind=ReplyKind.ERROR)
    rendered = render_replies([error, CHANNELS], locale="en")
    assert [m.text for m in rendered.messages] == [error.text, CHANNELS.text]
    assert rendered.messages[0].keyboard is None
    assert rendered.messages[1].question == "channels"


def _only(reply: Reply) -> Outgoing:
    (out,) = render_reply(reply, locale="en").messages
    return out


def _fields(reply: Reply) -> dict[str, object]:
    return {name: getattr(reply, name) for name in reply.__slots__}
