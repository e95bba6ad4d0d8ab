"""Saved estimates and "delete my data" through the service, on every store back end."""

from __future__ import annotations

from bot.core.events import Command, Quick, Text
from bot.core.ports import ConversationKey
from bot.service import ConversationService
from bot.store import Store

PRIVATE = ConversationKey("telegram", "7001", "7001")
IN_GROUP = ConversationKey("telegram", "-100", "7001")
NEIGHBOUR = ConversationKey("telegram", "-100", "7002")


async def _history(store: Store, key: ConversationKey) -> list[int]:
    async with store.unit_of_work() as uow:
        return [record.id for record in await uow.estimates.recent(key, 50)]


async def test_list_reopen_and_delete_act_on_the_stored_estimates(store: Store) -> None:
    service = ConversationService(store)
    first = await service.handle(PRIVATE, Quick("8 agents, phone, UK"), dedupe_id="1")
    assert first.estimates_changed
    await service.handle(PRIVATE, Text("what if 12 agents"), dedupe_id="2")
    newest, oldest = await _history(store, PRIVATE)

    listed = await service.handle(PRIVATE, Text("list"), dedupe_id="3")
    assert not listed.estimates_changed
    assert [a.value for a in listed.replies[0].actions] == [
        f"open:@{newest}",
        f"delete:@{newest}",
        f"open:@{oldest}",
        f"delete:@{oldest}",
    ]
    assert "12 people" in listed.replies[0].text and "8 people" in listed.replies[0].text

    reopened = await service.handle(PRIVATE, Command("open", f"@{oldest}"), dedupe_id="4")
    assert any("8 people" in r.text or "Recommended" in r.text for r in reopened.replies)
    assert await _history(store, PRIVATE) == [newest, oldest]  # reopened, not saved again
    why = await service.handle(PRIVATE, Command("why"), dedupe_id="5")
    # the why explains the reopened estimate (8 people), not the newest one (12)
    assert why.replies and "your team of 8\xa0people" in "\n".join(r.text for r in why.replies)

    deleted = await service.handle(PRIVATE, Text("delete 1"), dedupe_id="6")
    assert deleted.estimates_changed and deleted.replies[0].text == "Deleted that estimate."
    assert await _history(store, PRIVATE) == [oldest]
    again = await service.handle(PRIVATE, Command("delete", f"@{newest}"), dedupe_id="7")
    assert not again.estimates_changed
    assert again.replies[0].text == f"There is no saved estimate {newest}."


async def test_the_same_estimate_twice_is_saved_once(store: Store) -> None:
    service = ConversationService(store)
    await service.handle(PRIVATE, Quick("8 agents, phone, UK"), dedupe_id="1")
    await service.handle(PRIVATE, Command("back"), dedupe_id="2")
    again = await service.handle(PRIVATE, Command("compute"), dedupe_id="3")
    assert not again.estimates_changed
    assert len(await _history(store, PRIVATE)) == 1
    await service.quick_estimate("8 agents, phone, UK", locale="en", key=PRIVATE)
    assert len(await _history(store, PRIVATE)) == 1


async def test_delete_my_data_removes_the_user_everywhere_once_confirmed(store: Store) -> None:
    service = ConversationService(store)
    await service.handle(PRIVATE, Quick("8 agents, phone, UK"), dedupe_id="1")
    await service.quick_estimate("3 agents, chat, Poland", locale="en", key=IN_GROUP)
    await service.quick_estimate("5 agents, chat, Poland", locale="en", key=NEIGHBOUR)
    async with store.unit_of_work() as uow:
        await uow.drafts.save(IN_GROUP, {"name": "EMEA"}, expected_version=0)
        await uow.commit()

    asked = await service.handle(PRIVATE, Text("delete my data"), dedupe_id="2")
    assert [a.value for a in asked.replies[0].actions] == ["forget:yes", "forget:no"]
    assert await _history(store, PRIVATE) and await _history(store, IN_GROUP)  # asked only

    done = await service.handle(PRIVATE, Command("forget", "yes"), dedupe_id="3")
    assert done.estimates_changed
    assert done.replies[0].text == "Done: your conversations and saved estimates are deleted."
    assert await _history(store, PRIVATE) == [] and await _history(store, IN_GROUP) == []
    async with store.unit_of_work() as uow:
        assert (await uow.conversations.load(PRIVATE)).state is None
        assert await uow.conversations.estimate(PRIVATE) is None
        assert (await uow.drafts.load(IN_GROUP)).answers is None
        assert await uow.updates.status(PRIVATE, "1") is None  # the old replies are gone
        assert await uow.updates.status(PRIVATE, "3") is not None  # the request: answered once
    assert len(await _history(store, NEIGHBOUR)) == 1  # somebody else's: untouched

    await service.mark_delivered(PRIVATE, "3")
    redelivered = await service.handle(PRIVATE, Command("forget", "yes"), dedupe_id="3")
    assert redelivered.duplicate and redelivered.replies == ()
    fresh = await service.handle(PRIVATE, Text("hi"), dedupe_id="4")
    assert fresh.replies[-1].question == "kind"  # a new conversation, from the start
