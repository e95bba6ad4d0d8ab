"""Replies survive JSON (and a database column) unchanged, images included."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.events import Choice, Image, Reply, ReplyKind
from bot.core.ports import ConversationKey
from bot.store import Store, replies_from_json, replies_to_json
from bot.store.codec import reply_from_json, reply_to_json

_text = st.text(max_size=40)
_choices = st.lists(st.builds(Choice, value=_text, label=_text), max_size=4).map(tuple)
_images = st.none() | st.builds(
    Image, png=st.binary(max_size=300), filename=_text, alt=_text, title=_text
)
_replies = st.builds(
    Reply,
    text=_text,
    kind=st.sampled_from(ReplyKind),
    question=st.none() | _text,
    choices=_choices,
    multi=st.booleans(),
    selected=st.frozensets(_text, max_size=4),
    actions=_choices,
    image=_images,
)

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
CHART = Reply(
    text="In-house is cheapest: $41,200/month",
    kind=ReplyKind.RESULT,
    actions=(Choice("why", "Why?"), Choice("whatif:hours=24x7", "What if 24/7?")),
    image=Image(
        png=PNG,
        filename="costs.png",
        alt="Bar chart of the monthly cost of each delivery model, cheapest first",
        title="Monthly cost by delivery model (USD)",
    ),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(_replies, max_size=3))
def test_any_replies_round_trip_through_json_text(replies: list[Reply]) -> None:
    stored = json.loads(json.dumps(replies_to_json(replies)))
    assert replies_from_json(stored) == tuple(replies)


def test_image_bytes_are_stored_as_base64_text() -> None:
    data = reply_to_json(CHART)
    assert isinstance(data["image"]["png"], str)
    assert reply_from_json(data).image == CHART.image


def test_an_image_stored_before_titles_reads_with_an_empty_title() -> None:
    data = reply_to_json(CHART)
    del data["image"]["title"]
    image = reply_from_json(data).image
    assert image is not None and image.title == "" and image.alt == CHART.image.alt  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("field", "value"),
    [("kind", "shout"), ("multi", "yes"), ("selected", "a"), ("text", None), ("image", {})],
)
def test_malformed_stored_replies_are_refused(field: str, value: object) -> None:
    data = reply_to_json(CHART)
    data[field] = value
    with pytest.raises(ValueError):
        reply_from_json(data)


def test_invalid_base64_is_refused() -> None:
    data = reply_to_json(CHART)
    data["image"]["png"] = "not base64!"
    with pytest.raises(ValueError, match="base64"):
        reply_from_json(data)


async def test_replies_with_an_image_round_trip_through_the_store(store: Store) -> None:
    key = ConversationKey("slack", "T1", "U1")
    question = Reply(
        "Which channels?",
        ReplyKind.QUESTION,
        question="channels",
        choices=(Choice("phone", "Phone"), Choice("chat", "Chat")),
        multi=True,
        selected=frozenset({"chat"}),
    )
    async with store.unit_of_work() as uow:
        await uow.updates.claim(key, "Ev1")
        await uow.updates.record_replies(key, "Ev1", replies_to_json([CHART, question]))
        await uow.commit()
    async with store.unit_of_work() as uow:
        stored = await uow.updates.take_undelivered(key, "Ev1")
    assert stored is not None
    assert replies_from_json(stored) == (CHART, question)
