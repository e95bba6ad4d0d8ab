"""The inbox contract (``bot.store.base.Inbox``) on memory, SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from bot.core.ports import ConversationKey
from bot.store import InboxItem, Store
from bot.store.sqla import SqlStore

ALICE = ConversationKey("slack", "T1", "U1")
BODY = {"event": {"type": "message", "text": "hello ✓"}, "event_id": "Ev1"}
T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
LEASE = timedelta(seconds=30)


async def _add(store: Store, dedupe_id: str, *, worker: str = "a", now: datetime = T0) -> bool:
    async with store.unit_of_work() as uow:
        added = await uow.inbox.add(
            ALICE,
            dedupe_id,
            kind="message",
            payload=BODY,
            worker=worker,
            now=now,
            lease_until=now + LEASE,
        )
        await uow.commit()
    return added


async def _claim(
    store: Store, now: datetime, *, worker: str = "b", limit: int = 10
) -> tuple[InboxItem, ...]:
    async with store.unit_of_work() as uow:
        items = await uow.inbox.claim_due(
            worker=worker, now=now, lease_until=now + LEASE, limit=limit
        )
        await uow.commit()
    return items


async def test_a_second_delivery_is_not_added_twice(store: Store, other_store: Store) -> None:
    assert await _add(store, "ev:1")
    assert not await _add(other_store, "ev:1", worker="b")
    items = await _claim(store, T0 + LEASE)
    assert [(i.dedupe_id, i.attempts) for i in items] == [("ev:1", 2)]  # the add was attempt 1


async def test_an_item_is_due_only_once_its_lease_ran_out(store: Store) -> None:
    await _add(store, "ev:1")
    assert await _claim(store, T0 + LEASE - timedelta(seconds=1)) == ()
    (item,) = await _claim(store, T0 + LEASE)
    assert item.key == ALICE
    assert item.kind == "message"
    assert item.payload == BODY
    assert item.received_at == T0
    # claimed again by b until T0 + 2 * LEASE: nobody else gets it before
    assert await _claim(store, T0 + LEASE, worker="c") == ()
    assert await _claim(store, T0 + 2 * LEASE - timedelta(seconds=1), worker="c") == ()
    (again,) = await _claim(store, T0 + 2 * LEASE, worker="c")
    assert again.attempts == 3


async def test_a_finished_item_is_never_due_and_loses_its_payload(store: Store) -> None:
    await _add(store, "ev:1")
    async with store.unit_of_work() as uow:
        assert await uow.inbox.finish("ev:1")
        assert not await uow.inbox.finish("ev:1")
        assert not await uow.inbox.finish("ev:unknown")
        await uow.commit()
    assert await _claim(store, T0 + 10 * LEASE) == ()
    assert not await _add(store, "ev:1")  # a late retry still counts as seen
    if isinstance(store, SqlStore):
        async with store.engine.connect() as connection:
            payload = (await connection.execute(text("SELECT payload FROM slack_inbox"))).scalar()
        assert payload is None


async def test_released_items_are_due_at_once_but_only_the_holder_releases(store: Store) -> None:
    await _add(store, "ev:1", worker="a")
    now = T0 + timedelta(seconds=1)
    async with store.unit_of_work() as uow:
        assert not await uow.inbox.release("ev:1", worker="b", now=now)
        assert await uow.inbox.release("ev:1", worker="a", now=now)
        await uow.commit()
    (item,) = await _claim(store, now)
    assert item.dedupe_id == "ev:1"


async def test_take_leases_only_an_expired_unfinished_item(store: Store) -> None:
    await _add(store, "ev:1")
    await _add(store, "ev:2")
    async with store.unit_of_work() as uow:
        inbox = uow.inbox
        assert not await inbox.take("ev:1", worker="b", now=T0, lease_until=T0 + LEASE)
        assert await inbox.take("ev:1", worker="b", now=T0 + LEASE, lease_until=T0 + 2 * LEASE)
        assert not await inbox.take("ev:1", worker="c", now=T0 + LEASE, lease_until=T0)
        assert await inbox.finish("ev:2")
        assert not await inbox.take("ev:2", worker="b", now=T0 + LEASE, lease_until=T0)
        assert not await inbox.take("ev:3", worker="b", now=T0 + LEASE, lease_until=T0)
        await uow.commit()
    (item,) = await _claim(store, T0 + 2 * LEASE)
    assert item.attempts == 3


async def test_claims_are_bounded_oldest_first_and_rolled_back_without_commit(
    store: Store,
) -> None:
    for n in range(5):
        await _add(store, f"ev:{n}", now=T0 + timedelta(seconds=n))
    later = T0 + 2 * LEASE
    async with store.unit_of_work() as uow:  # claimed, never committed
        assert await uow.inbox.claim_due(worker="x", now=later, lease_until=later + LEASE, limit=5)
    first = await _claim(store, later, limit=2)
    assert [i.dedupe_id for i in first] == ["ev:0", "ev:1"]
    rest = await _claim(store, later, limit=10)
    assert [i.dedupe_id for i in rest] == ["ev:2", "ev:3", "ev:4"]


async def test_prune_forgets_items_received_before_the_cut(store: Store) -> None:
    await _add(store, "ev:old", now=T0)
    await _add(store, "ev:new", now=T0 + timedelta(days=2))
    async with store.unit_of_work() as uow:
        assert await uow.inbox.prune(T0 + timedelta(days=1)) == 1
        await uow.commit()
    assert [i.dedupe_id for i in await _claim(store, T0 + timedelta(days=3))] == ["ev:new"]


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_two_claimers_skip_each_others_locked_rows(store: Store, other_store: Store) -> None:
    for n in range(4):
        await _add(store, f"ev:{n}", now=T0 + timedelta(seconds=n))
    later = T0 + 2 * LEASE
    holding = asyncio.Event()
    release = asyncio.Event()

    async def first() -> tuple[InboxItem, ...]:
        async with store.unit_of_work() as uow:
            items = await uow.inbox.claim_due(worker="a", now=later, lease_until=later, limit=2)
            holding.set()
            await release.wait()  # rows stay locked until this commit
            await uow.commit()
        return items

    task = asyncio.create_task(first())
    await holding.wait()
    # Not blocked by the first transaction's locked rows: it takes the other two at once.
    second = await asyncio.wait_for(_claim(other_store, later, worker="b", limit=4), 5)
    release.set()
    got_a = await task
    assert [i.dedupe_id for i in got_a] == ["ev:0", "ev:1"]
    assert [i.dedupe_id for i in second] == ["ev:2", "ev:3"]
