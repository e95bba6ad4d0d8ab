"""Who may change a roster and who may take a handoff (:mod:`bot.handoff.access`), through
the service with the fake Directory: every change kind, every kind of caller, refusals that
name who can and change nothing, a directory that cannot answer."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.adapters.telegram.notifier import telegram_team
from bot.core.events import ReplyKind
from bot.handoff.access import Caller, is_lead
from bot.handoff.roster import Region
from bot.handoff.runner import HandoffRunner, Timing
from bot.handoff.service import HandoffService
from bot.handoff.transactions import Handoffs
from bot.store import MemoryStore
from tests.handoff.conftest import FakeClock, FakeDirectory, FakeNotifier

TEAM = telegram_team(-100777)
NOW = datetime(2026, 3, 30, 6, 0, tzinfo=UTC)  # Monday morning UTC
ADD_EMEA = "add EMEA Europe/Warsaw 08:00-17:00 Mon-Fri @anna"
ADD_AMER = "add AMER America/New_York 08:00-17:00 Mon-Fri @ben"

CREATOR = Caller("501", "@olga", "olga")
ANNA = Caller("502", "@anna", "anna")  # leads EMEA
BEN = Caller("503", "@ben", "ben")  # leads AMER, the incoming region at 14:45 UTC
ADMIN = Caller("504", "@root", "root")
MEMBER = Caller("505", "@mallory", "mallory")

#: Every roster change, as typed, with the action the refusal names.
CHANGES = [
    ("add APAC Asia/Manila 22:00-06:00 @kim", "add regions"),
    ("remove EMEA", "remove regions"),
    ("pause", "pause the reminders"),
    ("resume", "resume the reminders"),
    ("ack anyone", "change who may acknowledge"),
    ("ack leads", "change who may acknowledge"),
    ("form", "add regions"),
]


@pytest.fixture
def store() -> Handoffs:
    return Handoffs(MemoryStore())


async def setup(store: Handoffs) -> HandoffService:
    """CREATOR makes a roster: EMEA (lead @anna) and AMER (lead @ben)."""
    svc = HandoffService(store, clock=FakeClock(NOW), timing=Timing())
    for text in (ADD_EMEA, ADD_AMER):
        (added, *_) = await svc.handle_command(TEAM, text, "en", CREATOR)
        assert added.kind is not ReplyKind.ERROR
    return svc


async def snapshot(store: Handoffs) -> tuple[object, ...]:
    stored = await store.roster(TEAM)
    assert stored is not None
    return (stored.paused, stored.ack_anyone, stored.created_by, stored.roster.regions)


@pytest.mark.parametrize(("text", "action"), CHANGES)
async def test_a_plain_member_is_refused_every_change_and_nothing_changes(
    store: Handoffs, text: str, action: str
) -> None:
    svc = await setup(store)
    if text == "resume":
        await svc.handle_command(TEAM, "pause", "en", CREATOR)
    before = await snapshot(store)
    directory = FakeDirectory(admins={ADMIN.user_id})
    (refused,) = await svc.handle_command(TEAM, text, "en", MEMBER, directory=directory)
    assert refused.kind is ReplyKind.ERROR
    assert refused.text == (
        f"You can't {action} here: this roster can be changed only by whoever created it,"
        " a region lead (@anna, @ben) or an admin of this workspace or group."
    )
    assert await snapshot(store) == before
    assert directory.asked == [(TEAM.workspace, TEAM.channel, MEMBER.user_id)]


@pytest.mark.parametrize("who", [CREATOR, ANNA, BEN, ADMIN])
@pytest.mark.parametrize(("text", "action"), CHANGES)
async def test_the_creator_a_lead_and_an_admin_may_make_every_change(
    store: Handoffs, who: Caller, text: str, action: str
) -> None:
    svc = await setup(store)
    if text == "resume":
        await svc.handle_command(TEAM, "pause", "en", CREATOR)
    if text == "ack leads":
        await svc.handle_command(TEAM, "ack anyone", "en", CREATOR)
    before = await snapshot(store)
    directory = FakeDirectory(admins={ADMIN.user_id})
    replies = await svc.handle_command(TEAM, text, "en", who, directory=directory)
    assert replies[0].kind is not ReplyKind.ERROR, replies[0].text
    if text != "form":
        assert await snapshot(store) != before
    # only a caller the roster does not name is asked about
    assert directory.asked == ([] if who is not ADMIN else [("-100777", "-100777", "504")])


async def test_relead_by_a_member_is_refused_and_by_the_lead_and_creator_allowed(
    store: Handoffs,
) -> None:
    """A region gets a new lead by remove + add: a member can do neither half."""
    svc = await setup(store)
    before = await snapshot(store)
    directory = FakeDirectory()
    relead = "add EMEA Europe/Warsaw 08:00-17:00 Mon-Fri @mallory"
    for text in ("remove EMEA", relead):
        (refused,) = await svc.handle_command(TEAM, text, "en", MEMBER, directory=directory)
        assert refused.kind is ReplyKind.ERROR and "You can't" in refused.text
    assert await snapshot(store) == before
    (removed, *_) = await svc.handle_command(TEAM, "remove EMEA", "en", ANNA)
    assert removed.text == "Removed EMEA from the roster."
    # ANNA leads nothing now, so she cannot add it back; the creator can
    (refused,) = await svc.handle_command(TEAM, relead, "en", ANNA, directory=directory)
    assert refused.kind is ReplyKind.ERROR
    await svc.handle_command(TEAM, relead, "en", CREATOR, directory=directory)
    stored = await store.roster(TEAM)
    emea = None if stored is None else stored.roster.find("emea")
    assert emea is not None and emea.lead == "@mallory"
    # and MEMBER, who leads EMEA now, may change the roster
    (gone,) = await svc.handle_command(TEAM, "pause", "en", ANNA, directory=directory)
    assert gone.kind is ReplyKind.ERROR
    assert (await svc.handle_command(TEAM, "pause", "en", MEMBER))[0].kind is ReplyKind.INFO


async def test_anyone_may_start_a_roster_and_becomes_its_creator(store: Handoffs) -> None:
    svc = HandoffService(store, clock=FakeClock(NOW))
    directory = FakeDirectory()
    await svc.handle_command(TEAM, ADD_EMEA, "en", MEMBER, directory=directory)
    stored = await store.roster(TEAM)
    assert stored is not None and stored.created_by == MEMBER.user_id
    assert (await svc.handle_command(TEAM, "pause", "en", MEMBER))[0].kind is ReplyKind.INFO
    assert directory.asked == []


async def test_a_roster_of_unknown_creator_is_for_leads_and_admins(store: Handoffs) -> None:
    await store.add_region(  # as migration 0005 leaves an older roster: created_by ''
        TEAM,
        Region("EMEA", "Europe/Warsaw", 480, 1020, frozenset(range(5)), "@anna"),
        locale="en",
        actor="",
        now=NOW,
    )
    svc = HandoffService(store, clock=FakeClock(NOW))
    nobody = Caller("", "Someone")  # a caller without an id never matches the unknown creator
    directory = FakeDirectory(admins={ADMIN.user_id})
    for who in (nobody, MEMBER):
        (refused,) = await svc.handle_command(TEAM, "pause", "en", who, directory=directory)
        assert refused.kind is ReplyKind.ERROR
    assert (await svc.handle_command(TEAM, "pause", "en", ANNA))[0].kind is ReplyKind.INFO
    resumed = await svc.handle_command(TEAM, "resume", "en", ADMIN, directory=directory)
    assert resumed[0].kind is ReplyKind.INFO


@pytest.mark.parametrize("directory", [FakeDirectory(broken=True), None])
async def test_when_admins_cannot_be_checked_the_change_is_refused(
    store: Handoffs, directory: FakeDirectory | None
) -> None:
    svc = await setup(store)
    before = await snapshot(store)
    for text, _ in CHANGES:
        (refused,) = await svc.handle_command(TEAM, text, "pl", ADMIN, directory=directory)
        assert refused.kind is ReplyKind.ERROR
        assert refused.text == (
            "Nie udało się sprawdzić Twoich uprawnień, więc nic nie zostało zmienione."
            " Spróbuj ponownie za chwilę."
        )
    assert await snapshot(store) == before


async def test_refusals_speak_the_users_language(store: Handoffs) -> None:
    svc = await setup(store)
    (pl,) = await svc.handle_command(TEAM, "usuń EMEA", "pl", MEMBER, directory=FakeDirectory())
    assert pl.text.startswith("Nie możesz tutaj usuwać regionów: ten grafik może zmieniać tylko")
    assert "(@anna, @ben)" in pl.text
    (zh,) = await svc.handle_command(TEAM, "暂停", "zh", MEMBER, directory=FakeDirectory())
    assert zh.text.startswith("您不能在此暂停提醒：只有排班的创建者、区域负责人（@anna, @ben）")
    (ack,) = await svc.handle_command(TEAM, "确认 任何人", "zh", MEMBER, directory=FakeDirectory())
    assert "更改谁可以确认交接" in ack.text


async def test_the_form_refuses_at_the_start_and_at_the_end(store: Handoffs) -> None:
    svc = await setup(store)
    before = await snapshot(store)
    start = await svc.form_step(
        TEAM, None, None, locale="en", actor=MEMBER, directory=FakeDirectory()
    )
    assert start.answers is None and "You can't add regions here" in start.replies[0].text
    # a draft opened while MEMBER could (say, as a lead since removed) ends refused
    answers = {"name": "APAC", "tz": "Asia/Manila", "window": "22:00-06:00", "days": "-"}
    end = await svc.form_step(
        TEAM, answers, "@kim", locale="en", actor=MEMBER, directory=FakeDirectory()
    )
    assert end.answers is None and "You can't add regions here" in end.replies[0].text
    values = {**answers, "lead": "@kim"}
    (modal,) = await svc.submit_form(
        TEAM, values, locale="en", actor=MEMBER, directory=FakeDirectory()
    )
    assert "You can't add regions here" in modal.text
    assert await snapshot(store) == before


# --- acknowledgements ----------------------------------------------------------------------


async def reminder(store: Handoffs) -> tuple[HandoffService, FakeNotifier, int]:
    clock = FakeClock(NOW)
    notifier = FakeNotifier(clock)
    await setup(store)
    svc = HandoffService(store, notifier=notifier, clock=clock, timing=Timing())
    clock.set(datetime(2026, 3, 30, 14, 45, tzinfo=UTC))  # EMEA → AMER is due
    (fire_id,) = (await HandoffRunner(store, notifier, clock=clock, worker="w").tick()).sent
    return svc, notifier, fire_id


@pytest.mark.parametrize("who", [MEMBER, CREATOR, ANNA, ADMIN])
async def test_only_the_incoming_lead_may_acknowledge(store: Handoffs, who: Caller) -> None:
    svc, notifier, fire_id = await reminder(store)
    (refused,) = await svc.acknowledge(fire_id, who, team=TEAM, locale="en")
    assert refused.kind is ReplyKind.ERROR
    assert refused.text == (
        "Only @ben, the lead of AMER, can acknowledge this handoff"
        " (or anyone, once the roster allows it with /handoff ack anyone)."
    )
    assert (await store.fire(fire_id)).ack is None and notifier.updates == []
    (taken,) = await svc.acknowledge(fire_id, BEN, team=TEAM, locale="en")
    assert taken.text == "Thanks @ben: handoff EMEA → AMER acknowledged."
    assert (await store.fire(fire_id)).ack is not None and len(notifier.updates) == 1


async def test_a_display_name_is_not_a_lead(store: Handoffs) -> None:
    svc, _, fire_id = await reminder(store)
    impostor = Caller("999", "@ben", None)  # a Telegram user named "@ben", no username
    (refused,) = await svc.acknowledge(fire_id, impostor, team=TEAM, locale="en")
    assert refused.kind is ReplyKind.ERROR and (await store.fire(fire_id)).ack is None
    assert not is_lead("@ben", impostor) and is_lead("@BEN", BEN)
    assert is_lead("<@U3|amer>", Caller("U3", "<@U3>")) and not is_lead("<@U3>", Caller("U4", "x"))


async def test_ack_anyone_lets_anyone_acknowledge_and_leads_takes_it_back(
    store: Handoffs,
) -> None:
    svc, _, fire_id = await reminder(store)
    (allowed,) = await svc.handle_command(TEAM, "ack anyone", "en", CREATOR)
    assert allowed.text == "Anyone in this channel may now acknowledge handoff reminders."
    (back,) = await svc.handle_command(TEAM, "ack leads", "en", ANNA)
    assert (
        back.text
        == "From now on only the incoming region's lead may acknowledge handoff reminders."
    )
    assert (await svc.acknowledge(fire_id, MEMBER, team=TEAM))[0].kind is ReplyKind.ERROR
    await svc.handle_command(TEAM, "potwierdzanie każdy", "pl", CREATOR)
    (taken,) = await svc.acknowledge(fire_id, MEMBER, team=TEAM, locale="en")
    assert taken.text == "Thanks @mallory: handoff EMEA → AMER acknowledged."


async def test_the_current_lead_of_the_incoming_region_may_acknowledge(store: Handoffs) -> None:
    """Re-led after the reminder went out: the new lead may take it too."""
    svc, _, fire_id = await reminder(store)
    await svc.handle_command(TEAM, "remove AMER", "en", CREATOR)
    await svc.handle_command(
        TEAM, "add AMER America/New_York 08:00-17:00 Mon-Fri @mallory", "en", CREATOR
    )
    (taken,) = await svc.acknowledge(fire_id, MEMBER, team=TEAM, locale="en")
    assert taken.kind is ReplyKind.INFO
