"""The store contract (``bot.store.base``), checked against every implementation."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.core.ports import ConversationKey
from bot.store import Draft, StaleConversation, Store, UserScope
from tests.store.worker import increment

ALICE = ConversationKey("telegram", "chat-1", "alice")
# Each differs from ALICE in exactly one part of the key.
NEIGHBOURS = (
    ConversationKey("slack", "chat-1", "alice"),
    ConversationKey("telegram", "chat-2", "alice"),
    ConversationKey("telegram", "chat-1", "bob"),
)


async def _save(store: Store, key: ConversationKey, state: dict[str, object]) -> int:
    async with store.unit_of_work() as uow:
        current = await uow.conversations.load(key)
        version = await uow.conversations.save(key, state, expected_version=current.version)
        await uow.commit()
    return version


# --- conversations -------------------------------------------------------------------------


async def test_unknown_conversation_loads_as_empty_version_zero(store: Store) -> None:
    async with store.unit_of_work() as uow:
        snapshot = await uow.conversations.load(ALICE)
    assert snapshot.state is None
    assert snapshot.version == 0


async def test_state_round_trips_and_version_counts_saves(store: Store) -> None:
    state = {"step": "volumes", "answers": {"hours": "24x7", "langs": ["en", "pl"]}, "n": 1.5}
    unicode_state = {"note": "zażółć gęślą jaźń ✓ \x00 😀", "nested": [{"a": None, "b": True}]}
    assert await _save(store, ALICE, state) == 1
    assert await _save(store, ALICE, unicode_state) == 2
    async with store.unit_of_work() as uow:
        snapshot = await uow.conversations.load(ALICE)
    assert snapshot.state == unicode_state
    assert snapshot.version == 2


async def test_changes_are_rolled_back_without_commit(store: Store) -> None:
    async with store.unit_of_work() as uow:
        await uow.conversations.save(ALICE, {"a": 1}, expected_version=0)
        assert await uow.updates.claim(ALICE, "u-1")
        await uow.estimates.add(ALICE, {"total": "1"})
    async with store.unit_of_work() as uow:
        assert (await uow.conversations.load(ALICE)).version == 0
        assert await uow.updates.claim(ALICE, "u-1")  # the first claim never happened
        assert await uow.estimates.recent(ALICE, 5) == ()


async def test_an_error_inside_the_unit_of_work_rolls_back(store: Store) -> None:
    with pytest.raises(ZeroDivisionError):
        async with store.unit_of_work() as uow:
            await uow.conversations.save(ALICE, {"a": 1}, expected_version=0)
            _ = 1 / 0
    async with store.unit_of_work() as uow:
        assert (await uow.conversations.load(ALICE)).state is None


async def test_saving_over_a_newer_version_is_stale(store: Store) -> None:
    await _save(store, ALICE, {"turn": 1})
    with pytest.raises(StaleConversation) as raised:
        async with store.unit_of_work() as uow:
            await uow.conversations.save(ALICE, {"turn": "lost"}, expected_version=0)
    assert raised.value.key == ALICE
    with pytest.raises(StaleConversation):
        async with store.unit_of_work() as uow:
            await uow.conversations.save(ALICE, {"turn": "lost"}, expected_version=2)
    with pytest.raises(StaleConversation):  # a version for a row that does not exist
        async with store.unit_of_work() as uow:
            await uow.conversations.save(NEIGHBOURS[0], {"x": 1}, expected_version=3)
    async with store.unit_of_work() as uow:
        snapshot = await uow.conversations.load(ALICE)
    assert snapshot.state == {"turn": 1}
    assert snapshot.version == 1


async def test_a_stale_save_discards_the_whole_unit_of_work(store: Store) -> None:
    await _save(store, ALICE, {"turn": 1})
    with pytest.raises(StaleConversation):
        async with store.unit_of_work() as uow:
            assert await uow.updates.claim(ALICE, "u-9")
            await uow.estimates.add(ALICE, {"total": "9"})
            await uow.conversations.save(ALICE, {"turn": "lost"}, expected_version=0)
            await uow.commit()
    async with store.unit_of_work() as uow:
        assert await uow.updates.claim(ALICE, "u-9")
        assert await uow.estimates.recent(ALICE, 5) == ()


async def test_unit_of_work_cannot_be_used_after_commit(store: Store) -> None:
    async with store.unit_of_work() as uow:
        await uow.commit()
        with pytest.raises(RuntimeError):
            await uow.conversations.load(ALICE)


async def test_saved_state_is_not_shared_with_the_caller(store: Store) -> None:
    state: dict[str, object] = {"answers": {"hours": "business"}}
    await _save(store, ALICE, state)
    state["answers"] = "mutated after save"
    async with store.unit_of_work() as uow:
        loaded = await uow.conversations.load(ALICE)
        assert loaded.state is not None
        loaded.state["answers"] = "mutated after load"
    async with store.unit_of_work() as uow:
        assert (await uow.conversations.load(ALICE)).state == {"answers": {"hours": "business"}}


# --- isolation -----------------------------------------------------------------------------


@pytest.mark.parametrize("other", NEIGHBOURS, ids=["platform", "workspace", "user"])
async def test_keys_never_see_or_change_each_others_data(
    store: Store, other: ConversationKey
) -> None:
    async with store.unit_of_work() as uow:
        await uow.conversations.save(ALICE, {"secret": "alice"}, expected_version=0)
        await uow.estimates.add(ALICE, {"owner": "alice"})
        assert await uow.updates.claim(ALICE, "u-1")
        await uow.updates.record_replies(ALICE, "u-1", [{"text": "for alice"}])
        await uow.commit()

    async with store.unit_of_work() as uow:
        assert (await uow.conversations.load(other)).state is None
        assert await uow.estimates.recent(other, 10) == ()
        assert await uow.updates.take_undelivered(other, "u-1") is None
        assert not await uow.updates.mark_delivered(other, "u-1")
        await uow.conversations.save(other, {"secret": "other"}, expected_version=0)
        await uow.estimates.add(other, {"owner": "other"})
        await uow.commit()

    async with store.unit_of_work() as uow:
        mine = await uow.conversations.load(ALICE)
        assert mine.state == {"secret": "alice"}
        assert mine.version == 1
        assert [r.summary for r in await uow.estimates.recent(ALICE, 10)] == [{"owner": "alice"}]
        # Alice's undelivered replies survived the other key's attempts.
        assert await uow.updates.take_undelivered(ALICE, "u-1") == [{"text": "for alice"}]


# --- update ids: dedupe and resend-once ----------------------------------------------------


async def test_an_update_id_is_claimed_once(store: Store) -> None:
    async with store.unit_of_work() as uow:
        assert await uow.updates.claim(ALICE, "42")
        await uow.commit()
    async with store.unit_of_work() as uow:
        assert not await uow.updates.claim(ALICE, "42")
        # The same id on another platform is another update.
        assert await uow.updates.claim(NEIGHBOURS[0], "42")
        assert await uow.updates.claim(ALICE, "43")


async def test_undelivered_replies_are_handed_out_once_more(store: Store) -> None:
    replies = [{"text": "Which hours?", "choices": [{"value": "24x7", "label": "24/7"}]}]
    async with store.unit_of_work() as uow:
        assert await uow.updates.claim(ALICE, "7")
        await uow.updates.record_replies(ALICE, "7", replies)
        await uow.commit()
    async with store.unit_of_work() as uow:  # redelivered after a crash before sending
        assert not await uow.updates.claim(ALICE, "7")
        assert await uow.updates.take_undelivered(ALICE, "7") == replies
        await uow.commit()
    async with store.unit_of_work() as uow:  # redelivered yet again: nothing more
        assert await uow.updates.take_undelivered(ALICE, "7") is None


async def test_a_resend_that_is_not_committed_is_not_spent(store: Store) -> None:
    async with store.unit_of_work() as uow:
        await uow.updates.claim(ALICE, "7")
        await uow.updates.record_replies(ALICE, "7", [{"text": "hi"}])
        await uow.commit()
    async with store.unit_of_work() as uow:
        assert await uow.updates.take_undelivered(ALICE, "7") == [{"text": "hi"}]
    async with store.unit_of_work() as uow:
        assert await uow.updates.take_undelivered(ALICE, "7") == [{"text": "hi"}]


async def test_delivered_replies_are_never_handed_out_again(store: Store) -> None:
    async with store.unit_of_work() as uow:
        await uow.updates.claim(ALICE, "7")
        await uow.updates.record_replies(ALICE, "7", [{"text": "hi"}])
        await uow.commit()
    async with store.unit_of_work() as uow:
        assert await uow.updates.mark_delivered(ALICE, "7")
        await uow.commit()
    async with store.unit_of_work() as uow:
        assert await uow.updates.take_undelivered(ALICE, "7") is None


async def test_a_claim_without_recorded_replies_hands_out_nothing(store: Store) -> None:
    async with store.unit_of_work() as uow:
        await uow.updates.claim(ALICE, "7")
        await uow.commit()
    async with store.unit_of_work() as uow:
        assert await uow.updates.take_undelivered(ALICE, "7") is None
        assert not await uow.updates.mark_delivered(ALICE, "unknown")


async def test_status_follows_a_claim_through_its_life(store: Store) -> None:
    before = datetime.now(UTC) - timedelta(seconds=5)
    async with store.unit_of_work() as uow:
        assert await uow.updates.status(ALICE, "5") is None
        await uow.updates.claim(ALICE, "5")
        claimed = await uow.updates.status(ALICE, "5")
        assert claimed is not None
        assert not claimed.delivered and not claimed.resendable
        await uow.updates.record_replies(ALICE, "5", [{"text": "hi"}])
        await uow.commit()
    async with store.unit_of_work() as uow:
        recorded = await uow.updates.status(ALICE, "5")
        assert recorded is not None and recorded.resendable
        assert before <= recorded.claimed_at <= datetime.now(UTC)
        assert await uow.updates.status(NEIGHBOURS[2], "5") is None
        await uow.updates.mark_delivered(ALICE, "5")
        delivered = await uow.updates.status(ALICE, "5")
        assert delivered is not None and delivered.delivered and not delivered.resendable


async def test_prune_forgets_old_claims_only(store: Store) -> None:
    async with store.unit_of_work() as uow:
        await uow.updates.claim(ALICE, "old")
        await uow.commit()
    async with store.unit_of_work() as uow:
        assert await uow.updates.prune(datetime.now(UTC) - timedelta(hours=1)) == 0
        assert await uow.updates.prune(datetime.now(UTC) + timedelta(seconds=1)) == 1
        await uow.commit()
    async with store.unit_of_work() as uow:
        assert await uow.updates.claim(ALICE, "old")


# --- handoff form drafts -------------------------------------------------------------------


async def test_a_draft_round_trips_closes_and_counts_versions(store: Store) -> None:
    async with store.unit_of_work() as uow:
        assert await uow.drafts.load(ALICE) == Draft(None, 0)
        assert await uow.drafts.save(ALICE, {"region": "EU"}, expected_version=0) == 1
        await uow.commit()
    async with store.unit_of_work() as uow:
        opened = await uow.drafts.load(ALICE)
        assert opened == Draft({"region": "EU"}, 1)
        answers = {"region": "EU", "note": "zażółć \x00 😀"}
        assert await uow.drafts.save(ALICE, answers, expected_version=1) == 2
        assert await uow.drafts.save(ALICE, None, expected_version=2) == 3  # closed
        await uow.commit()
    async with store.unit_of_work() as uow:
        assert await uow.drafts.load(ALICE) == Draft(None, 3)
        # a draft is not a conversation: the conversations table never sees it
        assert (await uow.conversations.load(ALICE)).version == 0


async def test_a_stale_draft_save_is_refused_and_rolled_back(store: Store) -> None:
    async with store.unit_of_work() as uow:
        await uow.drafts.save(ALICE, {"a": "1"}, expected_version=0)
        await uow.commit()
    for stale in (0, 2):
        with pytest.raises(StaleConversation):
            async with store.unit_of_work() as uow:
                await uow.drafts.save(ALICE, {"a": "2"}, expected_version=stale)
    async with store.unit_of_work() as uow:
        await uow.drafts.save(ALICE, {"a": "3"}, expected_version=1)  # never committed
    async with store.unit_of_work() as uow:
        assert await uow.drafts.load(ALICE) == Draft({"a": "1"}, 1)


@pytest.mark.parametrize("other", NEIGHBOURS, ids=["platform", "workspace", "user"])
async def test_drafts_are_isolated_by_the_whole_key(store: Store, other: ConversationKey) -> None:
    async with store.unit_of_work() as uow:
        await uow.drafts.save(ALICE, {"mine": "yes"}, expected_version=0)
        await uow.commit()
    async with store.unit_of_work() as uow:
        assert await uow.drafts.load(other) == Draft(None, 0)
        assert await uow.drafts.save(other, {"theirs": "yes"}, expected_version=0) == 1
        await uow.commit()
    async with store.unit_of_work() as uow:
        assert await uow.drafts.load(ALICE) == Draft({"mine": "yes"}, 1)


# --- estimate history ----------------------------------------------------------------------


async def test_recent_estimates_are_newest_first_and_limited(store: Store) -> None:
    before = datetime.now(UTC) - timedelta(seconds=5)
    for n in range(4):
        async with store.unit_of_work() as uow:
            await uow.estimates.add(ALICE, {"n": n, "total": f"{n}00.00"})
            await uow.commit()
    async with store.unit_of_work() as uow:
        recent = await uow.estimates.recent(ALICE, 3)
        assert await uow.estimates.recent(ALICE, 0) == ()
    assert [r.summary["n"] for r in recent] == [3, 2, 1]
    assert all(before <= r.created_at <= datetime.now(UTC) for r in recent)
    assert all(r.created_at.tzinfo is not None for r in recent)


async def test_a_saved_estimate_keeps_its_id_and_is_deleted_by_it(store: Store) -> None:
    async with store.unit_of_work() as uow:
        first = await uow.estimates.add(ALICE, {"n": 1})
        second = await uow.estimates.add(ALICE, {"n": 2})
        theirs = await uow.estimates.add(NEIGHBOURS[2], {"n": "bob"})
        await uow.commit()
    assert len({first, second, theirs}) == 3
    async with store.unit_of_work() as uow:
        assert [(r.id, r.summary["n"]) for r in await uow.estimates.recent(ALICE, 5)] == [
            (second, 2),
            (first, 1),
        ]
        assert not await uow.estimates.delete(ALICE, theirs)  # bob's: untouched
        assert not await uow.estimates.delete(NEIGHBOURS[2], first)  # alice's: untouched
        assert await uow.estimates.delete(ALICE, first)
        assert not await uow.estimates.delete(ALICE, first)  # gone already
        await uow.commit()
    async with store.unit_of_work() as uow:
        assert [r.id for r in await uow.estimates.recent(ALICE, 5)] == [second]
        assert [r.id for r in await uow.estimates.recent(NEIGHBOURS[2], 5)] == [theirs]


async def test_a_deletion_without_commit_is_rolled_back(store: Store) -> None:
    async with store.unit_of_work() as uow:
        kept = await uow.estimates.add(ALICE, {"n": 1})
        await uow.commit()
    async with store.unit_of_work() as uow:
        assert await uow.estimates.delete(ALICE, kept)
        assert await uow.conversations.forget(UserScope.of(ALICE)) == 0
    async with store.unit_of_work() as uow:
        assert [r.id for r in await uow.estimates.recent(ALICE, 5)] == [kept]


# --- forgetting a user ----------------------------------------------------------------------

#: One Telegram user: their private chat (keyed by their own id) and a group they used.
PRIVATE = ConversationKey("telegram", "7001", "7001")
IN_GROUP = ConversationKey("telegram", "-100", "7001")
#: Same user id elsewhere: a group neighbour, another platform, a Slack team pair.
GROUP_NEIGHBOUR = ConversationKey("telegram", "-100", "7002")
SLACK_T1 = ConversationKey("slack", "T1", "7001")
SLACK_T2 = ConversationKey("slack", "T2", "7001")
EVERYONE = (PRIVATE, IN_GROUP, GROUP_NEIGHBOUR, SLACK_T1, SLACK_T2)


async def _fill(store: Store) -> None:
    """A conversation with a kept estimate, a history entry, a draft and a claimed update
    with undelivered replies, for every key of :data:`EVERYONE`."""
    async with store.unit_of_work() as uow:
        for n, key in enumerate(EVERYONE):
            await uow.conversations.save(key, {"who": list(key)}, expected_version=0)
            await uow.conversations.keep_estimate(key, b"kept")
            await uow.estimates.add(key, {"who": list(key)})
            await uow.drafts.save(key, {"name": "EMEA"}, expected_version=0)
            assert await uow.updates.claim(key, f"u-{n}")
            await uow.updates.record_replies(key, f"u-{n}", [{"text": "hello"}])
        await uow.commit()


async def _holds_data(store: Store, key: ConversationKey, update: str) -> bool:
    async with store.unit_of_work() as uow:
        found = [
            (await uow.conversations.load(key)).state is not None,
            await uow.conversations.estimate(key) is not None,
            bool(await uow.estimates.recent(key, 5)),
            (await uow.drafts.load(key)).answers is not None,
            await uow.updates.status(key, update) is not None,
        ]
    assert len(set(found)) == 1, (key, found)  # all of it or none of it
    return found[0]


async def test_forgetting_a_user_from_their_private_chat_reaches_every_chat(
    store: Store,
) -> None:
    await _fill(store)
    async with store.unit_of_work() as uow:
        scope = UserScope.of(PRIVATE)
        assert scope.workspace is None
        assert await uow.conversations.forget(scope) == 2
        assert await uow.estimates.forget(scope) == 2
        assert await uow.drafts.forget(scope) == 2
        assert await uow.updates.forget(scope, keep="u-0") == 1  # the request itself stays
        await uow.commit()
    assert not await _holds_data(store, IN_GROUP, "u-1")
    async with store.unit_of_work() as uow:
        assert (await uow.conversations.load(PRIVATE)).state is None
        assert await uow.estimates.recent(PRIVATE, 5) == ()
        assert await uow.updates.status(PRIVATE, "u-0") is not None  # kept: answered once
        assert await uow.drafts.load(PRIVATE) == Draft(None, 0)
    for n, key in enumerate(EVERYONE[2:], start=2):
        assert await _holds_data(store, key, f"u-{n}"), key


async def test_forgetting_a_slack_user_stays_in_their_team(store: Store) -> None:
    await _fill(store)
    scope = UserScope.of(SLACK_T1)
    assert scope.workspace == "T1"
    async with store.unit_of_work() as uow:
        assert await uow.conversations.forget(scope) == 1
        assert await uow.estimates.forget(scope) == 1
        assert await uow.drafts.forget(scope) == 1
        assert await uow.updates.forget(scope) == 1
        await uow.commit()
    assert not await _holds_data(store, SLACK_T1, "u-3")
    for n, key in enumerate(EVERYONE):
        if key != SLACK_T1:
            assert await _holds_data(store, key, f"u-{n}"), key
    async with store.unit_of_work() as uow:  # a forgotten conversation starts from nothing
        assert await uow.conversations.save(SLACK_T1, {"new": True}, expected_version=0) == 1
        await uow.commit()


# --- Slack installations -------------------------------------------------------------------


async def test_installations_find_the_newest_matching_record(store: Store) -> None:
    async with store.unit_of_work() as uow:
        inst = uow.installations
        await inst.save(
            kind="bot", enterprise_id=None, team_id="T1", user_id="U1",
            is_enterprise_install=False, data={"bot_token": "xoxb-old"},
        )  # fmt: skip
        await inst.save(
            kind="bot", enterprise_id=None, team_id="T1", user_id="U2",
            is_enterprise_install=False, data={"bot_token": "xoxb-new"},
        )  # fmt: skip
        await inst.save(
            kind="installation", enterprise_id=None, team_id="T1", user_id="U1",
            is_enterprise_install=False, data={"user_token": "xoxp-1"},
        )  # fmt: skip
        await inst.save(
            kind="installation", enterprise_id="E1", team_id="T9", user_id="U5",
            is_enterprise_install=True, data={"user_token": "xoxp-org"},
        )  # fmt: skip
        await uow.commit()
    async with store.unit_of_work() as uow:
        inst = uow.installations
        assert await inst.find(kind="bot", enterprise_id=None, team_id="T1") == {
            "bot_token": "xoxb-new"
        }
        assert await inst.find(kind="bot", enterprise_id=None, team_id="T2") is None
        assert await inst.find(
            kind="installation", enterprise_id=None, team_id="T1", user_id="U1"
        ) == {"user_token": "xoxp-1"}
        assert (
            await inst.find(kind="installation", enterprise_id=None, team_id="T1", user_id="U2")
            is None
        )
        # An org-wide install is found from any team of the enterprise.
        assert await inst.find(
            kind="installation", enterprise_id="E1", team_id="T3", is_enterprise_install=True
        ) == {"user_token": "xoxp-org"}
        assert await inst.delete(kind="bot", enterprise_id=None, team_id="T1") == 2
        assert await inst.find(kind="bot", enterprise_id=None, team_id="T1") is None
        assert await inst.find(kind="installation", enterprise_id=None, team_id="T1") == {
            "user_token": "xoxp-1"
        }


# --- concurrency ---------------------------------------------------------------------------


async def test_concurrent_writers_lose_no_update(store: Store, other_store: Store) -> None:
    writers = [increment(s, ALICE) for _ in range(6) for s in (store, other_store)]
    seen = await asyncio.gather(*writers)
    assert sorted(seen) == list(range(1, 13))
    async with store.unit_of_work() as uow:
        snapshot = await uow.conversations.load(ALICE)
    assert snapshot.state == {"count": 12}
    assert snapshot.version == 12


async def test_concurrent_claims_of_one_update_have_one_winner(
    store: Store, other_store: Store
) -> None:
    async def claim(s: Store) -> bool:
        async with s.unit_of_work() as uow:
            won = await uow.updates.claim(ALICE, "dup")
            await asyncio.sleep(0)
            await uow.commit()
            return won

    results = await asyncio.gather(*(claim(s) for _ in range(4) for s in (store, other_store)))
    assert sorted(results) == [False] * 7 + [True]
