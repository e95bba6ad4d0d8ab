"""The render entry point: each structured reply worded per locale, nothing dropped."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bot.core.events import ReplyKind
from bot.core.locales import LOCALES
from bot.core.questions import QUESTIONS, channel_of
from bot.core.replies import (
    Ask,
    FieldError,
    FormRejection,
    LanguagePick,
    Notice,
    Rejection,
    Summary,
    WhatIfApplied,
)
from bot.render.catalog import lookup
from bot.render.conversation import action_choice, question_label
from bot.render.replies import render_replies, render_reply

ANSWERS = {"kind": "customer_service", "region": "PL", "channels": ["phone", "chat"]}


def test_an_ask_is_the_prompt_with_labelled_choices_and_a_lead_on_top() -> None:
    ask = Ask(
        "channels",
        ANSWERS,
        ("phone", "chat"),
        multi=True,
        selected=("chat",),
        actions=("back",),
        lead=Notice("welcome_back"),
    )
    (reply,) = render_reply(ask, "pl")
    lines = reply.text.splitlines()
    assert lines[0] == lookup("pl", "welcome_back")
    assert lines[1] == lookup("pl", "q.channels.prompt")
    assert reply.kind is ReplyKind.QUESTION and reply.question == "channels"
    assert [(c.value, c.label) for c in reply.choices] == [("phone", "Telefon"), ("chat", "Czat")]
    assert reply.multi and reply.selected == frozenset({"chat"})
    assert [a.value for a in reply.actions] == ["back"] and reply.actions[0].label == "Wstecz"


@pytest.mark.parametrize("locale", LOCALES)
def test_a_rejection_explains_and_gives_the_questions_example(locale: str) -> None:
    (reply,) = render_reply(Rejection("error.negative", question="team_size"), locale)
    assert reply.kind is ReplyKind.ERROR and reply.question == "team_size"
    assert reply.text.splitlines()[0] == lookup(locale, "error.negative")
    assert "12" in reply.text.splitlines()[1]
    (quick,) = render_reply(Rejection("quick.no_size", grammar=True), locale)
    assert quick.text.endswith(lookup(locale, "quick.grammar")) and quick.question is None


def test_a_form_rejection_is_one_bullet_per_field() -> None:
    rejection = FormRejection(
        (
            ("kind", FieldError("error.unknown_choice", example=True)),
            ("languages", FieldError("error.required")),
        ),
        {},
    )
    (reply,) = render_reply(rejection, "en")
    lines = reply.text.splitlines()
    assert lines[0] == lookup("en", "error.form")
    assert lines[1].startswith("• Kind of support: ") and "customer service" in lines[1]
    assert lines[2] == f"• Languages: {lookup('en', 'error.required')}"


def test_action_labels_come_from_the_catalogue() -> None:
    assert action_choice("edit:region", "pl", ANSWERS).label == lookup(
        "pl", "actions.edit", label="Region"
    )
    assert action_choice("language:zh", "en").label == lookup("en", "actions.language_zh")
    assert action_choice("whatif:volume=+20%", "zh").label == lookup("zh", "actions.whatif_more")
    assert action_choice("compute", "en").label == lookup("en", "actions.compute")


def test_a_summary_and_a_what_if_use_the_answers_words() -> None:
    summary = Summary(ANSWERS, ("kind", "channels"), ("edit:kind", "edit:channels", "compute"))
    (reply,) = render_reply(summary, "en")
    assert reply.kind is ReplyKind.SUMMARY and "Phone and chat" in reply.text
    assert [a.value for a in reply.actions] == ["edit:kind", "edit:channels", "compute"]
    (applied,) = render_reply(WhatIfApplied({**ANSWERS, "hours": "24x7"}, ("hours",)), "en")
    assert "Opening hours" in applied.text and "24/7" in applied.text


def test_replies_keep_their_order_and_a_language_pick_offers_every_locale() -> None:
    replies = render_replies(
        (Notice("greeting"), LanguagePick(tuple(f"language:{c}" for c in LOCALES))), "zh"
    )
    assert len(replies) == 2 and replies[0].text == lookup("zh", "greeting")
    assert [a.value for a in replies[1].actions] == [f"language:{c}" for c in LOCALES]


def test_an_unknown_reply_type_is_refused_not_dropped() -> None:
    @dataclass(frozen=True)
    class Shrug:
        pass

    with pytest.raises(TypeError, match="Shrug"):
        render_reply(Shrug(), "en")  # type: ignore[arg-type]


@pytest.mark.parametrize("locale", LOCALES)
def test_the_cores_plain_labels_match_the_rendered_ones(locale: str) -> None:
    """The core matches "edit <label>" against catalogue labels without Jinja: its reading
    must give the very text the renderer shows."""
    from bot.core.catalogue import plain_label

    for q in QUESTIONS:
        channel = channel_of(q.id)
        plain = plain_label(locale, q.template, channel.value if channel else None)
        assert plain == question_label(q, ANSWERS, locale), q.id
