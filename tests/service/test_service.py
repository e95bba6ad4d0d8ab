"""The conversation service with the real core ``step`` on every store back end."""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.core.events import Command, Pick, ReplyKind, Start
from bot.core.ports import ConversationKey, Conversations, Turn
from bot.service import ConversationService
from bot.store import MemoryStore, Store, open_store
from tests.service.scripted import next_event

ALICE = ConversationKey("telegram", "chat-1", "alice")
BOB = ConversationKey("telegram", "chat-1", "bob")


def _asked(turn: Turn) -> str | None:
    questions = [r.question for r in turn.replies if r.kind is ReplyKind.QUESTION]
    return questions[-1] if questions else None


async def _version(store: Store, key: ConversationKey) -> int:
    async with store.unit_of_work() as uow:
        return (await uow.conversations.load(key)).version


@pytest.fixture
async def service(store: Store) -> AsyncIterator[ConversationService]:
    yield ConversationService(store)


def test_the_service_satisfies_the_conversations_port(service: ConversationService) -> None:
    port: Conversations = service  # checked by mypy; here: the methods exist and are async
    for name in ("handle", "mark_delivered", "quick_estimate", "recent_estimates"):
        assert inspect.iscoroutinefunction(getattr(port, name))


async def test_a_whole_conversation_ends_in_a_recorded_estimate(
    service: ConversationService,
) -> None:
    turn = await service.handle(ALICE, Start(), dedupe_id="0")
    for n in range(1, 40):
        event = next_event(turn.replies, at_summary=Command("compute"))
        assert event is not None, [r.text for r in turn.replies]
        turn = await service.handle(ALICE, event, dedupe_id=str(n))
        assert not turn.duplicate
        if any(r.kind is ReplyKind.RESULT for r in turn.replies):
            break
    result = next(r for r in turn.replies if r.kind is ReplyKind.RESULT)
    assert result.image is not None and result.image.png.startswith(b"\x89PNG")
    (summary,) = await service.recent_estimates(ALICE)
    assert summary["recommended"] in summary["monthly_totals"]
    assert summary["scenario"]["region"] == "US"
    assert all(isinstance(v, str) for v in summary["monthly_totals"].values())
    assert summary["created_at"].endswith("+00:00")
    assert await service.recent_estimates(BOB) == ()


async def test_a_restart_resumes_at_the_same_question_with_answers_kept(
    store_url: str,
) -> None:
    first = open_store(store_url)
    try:
        service = ConversationService(first)
        await service.handle(ALICE, Start())
        await service.handle(ALICE, Pick("kind", "it_helpdesk"))
        asked = _asked(await service.handle(ALICE, Pick("region", "PL")))
    finally:
        await first.aclose()  # the process is gone; only the database remains
    assert asked == "channels"
    if store_url == "memory://":
        return  # nothing outlives the memory store
    second = open_store(store_url)
    try:
        resumed = await ConversationService(second).handle(ALICE, Start())
        async with second.unit_of_work() as uow:
            saved = (await uow.conversations.load(ALICE)).state
    finally:
        await second.aclose()
    assert _asked(resumed) == "channels"
    assert saved is not None
    assert saved["answers"] == {"kind": "it_helpdesk", "region": "PL"}


async def test_a_redelivered_update_is_answered_once(store: Store) -> None:
    service = ConversationService(store, resend_after=timedelta(0))
    first = await service.handle(ALICE, Start(), dedupe_id="upd-1")
    assert first.replies and not first.duplicate
    again = await service.handle(ALICE, Start(), dedupe_id="upd-1")
    # Never marked delivered (crash before sending): the same replies, once more.
    assert again.duplicate
    assert again.replies == first.replies
    assert again.locale == first.locale == "en"
    third = await service.handle(ALICE, Start(), dedupe_id="upd-1")
    assert third == Turn(replies=(), duplicate=True)


async def test_a_redelivery_while_the_first_is_still_sending_gets_nothing(
    store: Store, other_store: Store
) -> None:
    first_replica = ConversationService(store, resend_after=timedelta(seconds=5))
    second_replica = ConversationService(other_store, resend_after=timedelta(seconds=5))
    first = await first_replica.handle(ALICE, Start(), dedupe_id="slow")
    assert first.replies
    retry = asyncio.create_task(second_replica.handle(ALICE, Start(), dedupe_id="slow"))
    await asyncio.sleep(0.3)
    assert not retry.done()  # it waits to see whether the first delivery completes
    await first_replica.mark_delivered(ALICE, "slow")
    assert await asyncio.wait_for(retry, timeout=3) == Turn(replies=(), duplicate=True)


async def test_replies_still_undelivered_after_the_grace_are_resent(store: Store) -> None:
    service = ConversationService(store, resend_after=timedelta(seconds=0.4))
    first = await service.handle(ALICE, Start(), dedupe_id="lost")
    started = time.monotonic()
    again = await service.handle(ALICE, Start(), dedupe_id="lost")  # the sender died
    assert time.monotonic() - started >= 0.2
    assert again.duplicate
    assert again.replies == first.replies


async def test_a_delivered_update_is_never_resent(
    service: ConversationService, store: Store
) -> None:
    await service.handle(ALICE, Start(), dedupe_id="upd-1")
    await service.handle(ALICE, Pick("kind", "customer_service"), dedupe_id="upd-2")
    await service.mark_delivered(ALICE, "upd-2")
    again = await service.handle(ALICE, Pick("kind", "customer_service"), dedupe_id="upd-2")
    assert again == Turn(replies=(), duplicate=True)
    assert await _version(store, ALICE) == 2  # the duplicate stepped nothing


async def test_update_ids_of_one_user_mean_nothing_to_another(
    service: ConversationService,
) -> None:
    await service.handle(ALICE, Start(), dedupe_id="7")
    other_platform = ConversationKey("slack", "chat-1", "alice")
    turn = await service.handle(other_platform, Start(), dedupe_id="7")
    assert not turn.duplicate
    assert turn.replies


async def test_users_do_not_share_a_conversation(service: ConversationService) -> None:
    await service.handle(ALICE, Start())
    await service.handle(ALICE, Pick("kind", "it_helpdesk"))
    bob = await service.handle(BOB, Start())
    assert _asked(bob) == "kind"
    alice = await service.handle(ALICE, Start())
    assert _asked(alice) == "region"


async def test_consecutive_turns_on_two_replicas_are_all_applied(
    store: Store, other_store: Store
) -> None:
    replicas = (ConversationService(store), ConversationService(other_store))
    await replicas[0].handle(ALICE, Start())
    turns = await asyncio.gather(
        *(replicas[n % 2].handle(ALICE, Command("help"), dedupe_id=f"h{n}") for n in range(8))
    )
    assert not any(t.duplicate for t in turns)
    assert await _version(store, ALICE) == 9


async def test_one_update_on_two_replicas_is_handled_once(store: Store, other_store: Store) -> None:
    replicas = (ConversationService(store), ConversationService(other_store))

    async def adapter(service: ConversationService) -> Turn:
        """What an adapter does: handle, send, then mark the update delivered."""
        turn = await service.handle(ALICE, Start(), dedupe_id="same")
        if turn.replies:
            await service.mark_delivered(ALICE, "same")
        return turn

    turns = await asyncio.gather(*(adapter(replicas[n % 2]) for n in range(6)))
    assert sum(not t.duplicate for t in turns) == 1
    assert all(t.replies == () for t in turns if t.duplicate)
    assert await _version(store, ALICE) == 1


async def test_an_unusable_saved_state_starts_afresh(
    service: ConversationService, store: Store
) -> None:
    async with store.unit_of_work() as uow:
        await uow.conversations.save(
            ALICE, {"version": 1, "phase": "no-such-phase"}, expected_version=0
        )
        await uow.commit()
    turn = await service.handle(ALICE, Start())
    assert _asked(turn) == "kind"
    assert await _version(store, ALICE) == 2


async def test_quick_estimates_go_into_the_askers_history(
    service: ConversationService,
) -> None:
    replies = await service.quick_estimate("8 agents phone en business US", key=ALICE)
    assert replies[0].kind is ReplyKind.RESULT
    anonymous = await service.quick_estimate("8 agents phone en business US")
    assert anonymous[0].kind is ReplyKind.RESULT
    bad = await service.quick_estimate("blah", key=ALICE)
    assert bad[0].kind is ReplyKind.ERROR
    history = await service.recent_estimates(ALICE, limit=10)
    assert len(history) == 1
    assert history[0]["scenario"]["region"] == "US"
    assert await service.recent_estimates(BOB) == ()


async def test_default_locale_applies_to_new_conversations_only() -> None:
    store = MemoryStore()
    service = ConversationService(store, default_locale="pl")
    polish = await service.handle(ALICE, Start())
    english = await service.handle(BOB, Start(locale="en"))
    assert polish.replies[0].text != english.replies[0].text
    assert (polish.locale, english.locale) == ("pl", "en")
    async with store.unit_of_work() as uow:
        assert (await uow.conversations.load(ALICE)).state["locale"] == "pl"  # type: ignore[index]
        assert (await uow.conversations.load(BOB)).state["locale"] == "en"  # type: ignore[index]


def test_max_attempts_must_allow_one_attempt() -> None:
    with pytest.raises(ValueError):
        ConversationService(MemoryStore(), max_attempts=0)
