"""HandoffService: the same commands for Slack and Telegram, errors that change nothing, acks."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.adapters.slack.notifier import slack_team
from bot.adapters.telegram.notifier import telegram_team
from bot.core.events import ReplyKind
from bot.handoff.messages import ack_value
from bot.handoff.records import FireStatus
from bot.handoff.roster import TeamKey
from bot.handoff.runner import HandoffRunner, Timing
from bot.handoff.service import FORM_QUESTION, HandoffService
from bot.handoff.transactions import Handoffs
from tests.handoff.conftest import FakeClock, FakeNotifier, caller

SLACK = slack_team("T1", "C1")
TELEGRAM = telegram_team(-100123)
NOW = datetime(2026, 3, 30, 6, 0, tzinfo=UTC)  # Monday morning UTC
ADD_EMEA = "add EMEA Europe/Warsaw 08:00-17:00 Mon-Fri @anna"
ADD_AMER = "add AMER America/New_York 08:00-17:00 Mon-Fri @ben"


def service(
    store: Handoffs, clock: FakeClock, notifier: FakeNotifier | None = None
) -> HandoffService:
    return HandoffService(store, notifier=notifier, clock=clock, timing=Timing())


async def snapshot(store: Handoffs) -> list[tuple[TeamKey, bool, tuple[str, ...]]]:
    rosters = await store.rosters(include_paused=True)
    return [(r.team, r.paused, tuple(g.region.command() for g in r.regions)) for r in rosters]


@pytest.mark.parametrize("team", [SLACK, TELEGRAM], ids=["slack", "telegram"])
async def test_add_list_remove_round_trip(store: Handoffs, team: TeamKey) -> None:
    changes: list[int] = []
    svc = HandoffService(store, clock=FakeClock(NOW), on_change=lambda: changes.append(1))
    added = await svc.handle_command(team, ADD_EMEA, "en", caller("@admin"))
    assert added[0].text == "Added EMEA: 08:00–17:00 Europe/Warsaw, Mon–Fri, lead @anna."
    assert added[1].text == "No handoff yet: a roster needs at least two regions."
    second = await svc.handle_command(team, f"/handoff {ADD_AMER}", "en", caller("@admin"))
    assert second[1].text.startswith("Next handoff: EMEA → AMER, Mon 17:00 (Mon 15:00 UTC)")

    listing = (await svc.handle_command(team, "list", "en", caller("@admin")))[0]
    assert "• EMEA: 08:00–17:00 Europe/Warsaw, Mon–Fri, lead @anna" in listing.text
    assert "Mon 15:00 UTC: EMEA → AMER (Mon 17:00 Europe/Warsaw)" in listing.text

    removed = await svc.handle_command(team, "remove amer", "en", caller("@admin"))
    assert removed[0].text == "Removed AMER from the roster."
    # AMER alone covered 15:00-21:00 UTC on weekdays: the warning says so
    assert removed[1].text.startswith("⚠️ Heads-up: after this change nobody is on shift")
    assert (await snapshot(store))[0][2] == ("EMEA Europe/Warsaw 08:00-17:00 Mon-Fri @anna",)
    assert len(changes) == 3  # the runner is woken after every roster change


async def test_rosters_are_per_channel(store: Handoffs) -> None:
    svc = service(store, FakeClock(NOW))
    await svc.handle_command(SLACK, ADD_EMEA, "en", caller("@a"))
    other = slack_team("T1", "C2")
    listing = await svc.handle_command(other, "list", "en", caller("@a"))
    assert listing[0].text.startswith("No roster in this channel yet")
    assert (await svc.handle_command(telegram_team(5, 7), ADD_EMEA, "en", caller("@a")))[
        0
    ].kind is ReplyKind.INFO
    teams = [t for t, _, _ in await snapshot(store)]
    assert teams == [SLACK, TeamKey("telegram", "5", "5/7")]


@pytest.mark.parametrize(
    ("text", "first_line"),
    [
        ("add EMEA Mars/Olympus 08:00-17:00 @anna", "“Mars/Olympus” is not a time zone I know."),
        ("add EMEA Europe/Warsaw 25:00-17:00 @anna", "“25:00-17:00” is not a shift window"),
        ("add EMEA Warsaw 08:00-17:00 @anna", "“Warsaw” is not a time zone I know."),
        (ADD_EMEA.replace("EMEA", "emea"), "emea is already on the roster"),
        ("remove APAC", "There is no region “APAC” on this roster. Regions: EMEA."),
        ("frobnicate", "I don't know the command “frobnicate”."),
        ("coverage 2026-13-01", "“2026-13-01” is not a date"),
    ],
)
async def test_bad_input_is_explained_and_changes_nothing(
    store: Handoffs, text: str, first_line: str
) -> None:
    svc = service(store, FakeClock(NOW))
    await svc.handle_command(SLACK, ADD_EMEA, "en", caller("@a"))
    before = await snapshot(store)
    replies = await svc.handle_command(SLACK, text, "en", caller("@a"))
    assert len(replies) == 1 and replies[0].kind is ReplyKind.ERROR
    assert replies[0].text.startswith(first_line)
    assert await snapshot(store) == before


async def test_errors_carry_a_suggestion_and_an_example(store: Handoffs) -> None:
    svc = service(store, FakeClock(NOW))
    reply = (
        await svc.handle_command(SLACK, "add EMEA Warsaw 08:00-17:00 @anna", "en", caller("@a"))
    )[0]
    assert reply.text.splitlines()[1:] == [
        "Did you mean Europe/Warsaw?",
        "Example: /handoff add EMEA Europe/Warsaw 08:00-17:00 Mon-Fri @anna",
    ]
    polish = (
        await svc.handle_command(SLACK, "dodaj EMEA Europe/Warsaw 8:00 @anna", "pl", caller("@a"))
    )[0]
    assert polish.text.splitlines() == [
        "„8:00” to nie są godziny zmiany: użyj GG:MM-GG:MM, godziny 00-23 "
        "(24:00 tylko jako koniec), minuty 00-59.",
        "Przykład: /handoff dodaj EMEA Europe/Warsaw 08:00-17:00 pn-pt @anna",
    ]
    chinese = (
        await svc.handle_command(
            SLACK, "添加 EMEA Europe/Warsaw 08:00-17:00", "zh-CN", caller("@a")
        )
    )[0]
    assert chinese.text.startswith("谁是本班负责人？")


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=st.one_of(
        st.text(max_size=40),
        st.lists(
            st.sampled_from(
                [
                    "add",
                    "remove",
                    "pause",
                    "EMEA",
                    "AMER",
                    "Europe/Warsaw",
                    "25:00-26:00",
                    "08:00-08:00",
                    "Mon-Funday",
                    "@x",
                    "usuń",
                    "dodaj",
                    "emea",
                    "x/y",
                ]
            ),
            max_size=6,
        ).map(" ".join),
    )
)
def test_fuzzed_rejections_never_touch_the_store(sqlite_url: str, text: str) -> None:
    async def scenario() -> None:
        store = Handoffs.from_url(sqlite_url)
        try:
            svc = service(store, FakeClock(NOW))
            before = await snapshot(store)
            replies = await svc.handle_command(SLACK, text, "en", caller("@fuzz"))
            if replies and replies[0].kind is ReplyKind.ERROR:
                assert await snapshot(store) == before
        finally:
            await store.aclose()

    asyncio.run(scenario())


async def test_pause_resume_and_their_repeats(store: Handoffs) -> None:
    svc = service(store, FakeClock(NOW))
    assert (await svc.handle_command(SLACK, "pause", "en", caller("@a")))[0].kind is ReplyKind.ERROR
    await svc.handle_command(SLACK, ADD_EMEA, "en", caller("@a"))
    assert (await svc.handle_command(SLACK, "pause", "en", caller("@a")))[0].text.startswith(
        "Reminders paused"
    )
    assert (await svc.handle_command(SLACK, "wstrzymaj", "pl", caller("@a")))[
        0
    ].text == "Przypomnienia są już wstrzymane."
    assert (await snapshot(store))[0][1] is True
    assert (await svc.handle_command(SLACK, "恢复", "zh", caller("@a")))[0].text.startswith(
        "提醒已恢复"
    )
    assert (await svc.handle_command(SLACK, "resume", "en", caller("@a")))[
        0
    ].text == "Reminders are already running."


async def test_test_command_previews_without_a_button(store: Handoffs) -> None:
    svc = service(store, FakeClock(NOW))
    assert (await svc.handle_command(SLACK, "test", "en", caller("@a")))[0].kind is ReplyKind.ERROR
    for text in (ADD_EMEA, ADD_AMER):
        await svc.handle_command(SLACK, text, "en", caller("@a"))
    preview = (await svc.handle_command(SLACK, "test amer", "en", caller("@a")))[0]
    assert preview.text.startswith("🧪 TEST")
    assert "AMER → EMEA" in preview.text and preview.actions == ()
    stored = await store.roster(SLACK)
    assert stored is not None and await store.fires(stored.id) == []  # nothing recorded


async def test_coverage_reply_has_text_and_heatmap(store: Handoffs) -> None:
    svc = service(store, FakeClock(NOW))
    for text in (ADD_EMEA, ADD_AMER):
        await svc.handle_command(SLACK, text, "en", caller("@a"))
    reply = (await svc.handle_command(SLACK, "coverage 2026-03-09", "en", caller("@a")))[0]
    assert reply.text.startswith("Coverage for the week Mon, Mar 9 – Sun, Mar 15 (UTC): EMEA, AMER")
    assert "touching 20 hours" in reply.text  # 4 h of overlap a day while only NY is on DST
    assert reply.image is not None and reply.image.png.startswith(b"\x89PNG")
    assert reply.image.alt.startswith("Heatmap")


async def test_acknowledge_records_edits_and_is_idempotent(store: Handoffs) -> None:
    clock = FakeClock(NOW)
    notifier = FakeNotifier(clock)
    svc = service(store, clock, notifier)
    for text in (ADD_EMEA, ADD_AMER.replace("@ben", "<@U2>")):  # U2 leads the incoming AMER
        await svc.handle_command(SLACK, text, "en", caller("@a"))
    clock.set(datetime(2026, 3, 30, 14, 45, tzinfo=UTC))
    fire_id = (await HandoffRunner(store, notifier, clock=clock, worker="w").tick()).sent[0]
    value = notifier.posts[0].reply.actions[0].value
    assert value == ack_value(fire_id)

    clock.advance(minutes=4)
    other = await svc.acknowledge_action(value, caller("<@U3>"), team=SLACK, locale="en")
    assert other is not None and other[0].kind is ReplyKind.ERROR
    assert (await store.fire(fire_id)).ack is None and notifier.updates == []
    replies = await svc.acknowledge_action(value, caller("<@U2>"), team=SLACK, locale="en")
    assert replies is not None
    assert replies[0].text == "Thanks <@U2>: handoff EMEA → AMER acknowledged."
    channel, message_id, edited = notifier.updates[0]
    assert (channel, message_id) == (SLACK, "m1")
    assert "✅ Acknowledged by <@U2> at Mon 10:49 (America/New_York)." in edited.text
    assert edited.actions == ()  # the button is gone

    again = await svc.acknowledge(fire_id, caller("<@U2>"), team=SLACK, locale="pl")
    assert again[0].text == "Już potwierdzone przez <@U2> (pon., 10:49)."
    assert len(notifier.updates) == 1
    fire = await store.fire(fire_id)
    assert fire.ack is not None and (fire.ack.user, fire.ack.at) == ("<@U2>", clock.now())
    assert fire.status is FireStatus.SENT

    listing = (await svc.handle_command(SLACK, "list", "en", caller("@a")))[0]
    assert "EMEA → AMER, sent, ✅ <@U2> at Mon 14:49 UTC" in listing.text


async def test_acknowledge_rejects_foreign_and_unknown_buttons(store: Handoffs) -> None:
    clock = FakeClock(NOW)
    notifier = FakeNotifier(clock)
    svc = service(store, clock, notifier)
    for text in (ADD_EMEA, ADD_AMER):
        await svc.handle_command(SLACK, text, "en", caller("@a"))
    clock.set(datetime(2026, 3, 30, 14, 45, tzinfo=UTC))
    fire_id = (await HandoffRunner(store, notifier, clock=clock, worker="w").tick()).sent[0]
    foreign = await svc.acknowledge(fire_id, caller("@mallory"), team=slack_team("T1", "C9"))
    assert foreign[0].kind is ReplyKind.ERROR
    # A press from an unknown channel (a Telegram callback without ``message``) is refused.
    nowhere = await svc.acknowledge(fire_id, caller("@mallory"), team=None)
    assert nowhere[0].kind is ReplyKind.ERROR
    assert (await store.fire(fire_id)).ack is None
    unknown = await svc.acknowledge(fire_id + 100, caller("@x"))
    assert unknown[0].text == "That reminder no longer exists."
    assert await svc.acknowledge_action("estimate:start", caller("@x")) is None
    assert await svc.acknowledge_action("handoff_ack:1e3", caller("@x")) is None


async def test_step_by_step_form_adds_the_region(store: Handoffs) -> None:
    svc = service(store, FakeClock(NOW))
    start = await svc.handle_command(TELEGRAM, "formularz", "pl", caller("@ola"))
    assert (
        start[0].question == f"{FORM_QUESTION}.name"
        and start[0].text == "Nazwa regionu? (np. EMEA)"
    )
    turn = await svc.form_step(TELEGRAM, None, None, locale="pl", actor=caller("@ola"))
    answers = turn.answers
    for text, asked in [
        ("EMEA", "tz"),
        ("Warszawa", "tz"),  # rejected: asked again
        ("europe/warsaw", "window"),
        ("8:00-17:00", "days"),
        ("-", "lead"),
    ]:
        turn = await svc.form_step(TELEGRAM, answers, text, locale="pl", actor=caller("@ola"))
        answers = turn.answers
        assert turn.replies[-1].question == f"{FORM_QUESTION}.{asked}"
    assert answers == {
        "name": "EMEA",
        "tz": "Europe/Warsaw",
        "window": "8:00-17:00",
        "days": "Mon-Fri",
    }
    done = await svc.form_step(TELEGRAM, answers, "@ola", locale="pl", actor=caller("@ola"))
    assert done.answers is None
    assert done.replies[0].text == "Dodano EMEA: 08:00–17:00 Europe/Warsaw, pon.–pt., lider @ola."
    assert (await snapshot(store))[0][2] == ("EMEA Europe/Warsaw 08:00-17:00 Mon-Fri @ola",)


async def test_modal_form_validation_and_submit(store: Handoffs) -> None:
    svc = service(store, FakeClock(NOW))
    fields = svc.form_fields("en")
    assert [f.name for f in fields] == ["name", "tz", "window", "days", "lead"]
    assert [f.optional for f in fields] == [False, False, False, True, False]
    problems = svc.validate_form(
        {"name": "EMEA", "tz": "Warsaw", "window": "9-9", "lead": "anna"}, locale="en"
    )
    assert sorted(problems) == ["lead", "tz", "window"]
    assert problems["tz"].startswith("“Warsaw” is not a time zone I know.")
    assert await snapshot(store) == []
    replies = await svc.submit_form(
        SLACK,
        {
            "name": "AMER",
            "tz": "America/New_York",
            "window": "08:00-17:00",
            "days": "",
            "lead": "<@U1>",
        },
        locale="en",
        actor=caller("<@U1>"),
    )
    assert replies[0].text.startswith("Added AMER")
    duplicate = await svc.submit_form(
        SLACK,
        {"name": "amer", "tz": "UTC", "window": "00:00-24:00", "lead": "@x"},
        locale="en",
        actor=caller("<@U1>"),
    )
    assert duplicate[0].kind is ReplyKind.ERROR and len(await snapshot(store)) == 1
    assert "already on the roster" in duplicate[0].text


async def test_concurrent_duplicate_adds_store_one_region(sqlite_url: str) -> None:
    a, b = Handoffs.from_url(sqlite_url), Handoffs.from_url(sqlite_url)
    try:
        clock = FakeClock(NOW)
        results = await asyncio.gather(
            service(a, clock).handle_command(SLACK, ADD_EMEA, "en", caller("@a")),
            service(b, clock).handle_command(
                SLACK, ADD_EMEA.replace("@anna", "@bob"), "en", caller("@b")
            ),
        )
        kinds = sorted(r[0].kind.value for r in results)
        assert kinds == ["error", "info"]
        assert len((await snapshot(a))[0][2]) == 1
    finally:
        await a.aclose()
        await b.aclose()


async def test_help_lists_every_command(store: Handoffs) -> None:
    svc = service(store, FakeClock(NOW))
    for locale, words in {
        "en": ["add", "list", "remove", "pause", "test", "coverage", "form"],
        "pl": ["dodaj", "lista", "usuń", "wstrzymaj", "test", "pokrycie", "formularz"],
        "zh": ["添加", "列表", "删除", "暂停", "测试", "覆盖", "表单"],
    }.items():
        text = (await svc.handle_command(SLACK, "", locale, caller("@a")))[0].text
        assert all(f"/handoff {w}" in text for w in words), locale
