"""Issue 15's conversation half: each numbered problem, as it was reported at 7ff2637.

Every test here failed at 7ff2637 (the one-liners were refused, what-ifs dropped channels,
a finished conversation was wiped on start...). The one-liners the closing note lists are
:data:`ONE_LINERS`; :func:`test_filler_words_change_nothing` inserts words from outside
every vocabulary and the place index between the phrases of each and checks the reading
does not move.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.errors import ParseError
from bot.core.events import Command, Quick, Start, Text
from bot.core.parsing import parse_timezone, parse_volume
from bot.core.places import find_place
from bot.core.quick import read_request
from bot.core.replies import QuickNeeds, Reading, Result, WhatIfApplied
from bot.core.state import ConversationState, Phase
from bot.turn import answer_quick, run_turn
from costengine.estimate import estimate
from costengine.results import Estimate
from costengine.scenario import Scenario


def fast(scenario: Scenario) -> Estimate:
    return estimate(scenario, analysis=False)


#: line -> what the reading must hold (question id -> answer); "missing": what is asked.
ONE_LINERS: list[tuple[str, dict[str, object]]] = [
    (
        "we get 2000 tickets a month, email only, 24/7, Philippines",
        {"channels": ["email"], "volume_email": "2000", "hours": "24x7", "region": "PH"},
    ),
    (
        "we're a shopify store in Ohio, 2 support reps, phone and email, 9 to 5",
        {
            "region": "US",
            "timezone": "America/New_York",
            "team_size": 2,
            "channels": ["phone", "email"],
            "hours": "business",
        },
    ),
    (
        "how much to outsource 4 agents in india",
        {"team_size": 4, "region": "IN", "destination": "IN"},
    ),
    (
        "10 agents, phone+chat+email, German and English, Berlin, Mon-Sat 8-18",
        {
            "team_size": 10,
            "channels": ["phone", "chat", "email"],
            "languages": ["de", "en"],
            "region": "DE",
            "timezone": "Europe/Berlin",
            "hours_custom": [[day, 8, 18] for day in range(6)],
        },
    ),
    (
        "IT helpdesk 1500 tickets/month poland 7-21",
        {
            "kind": "it_helpdesk",
            "volume_email": "1500",
            "region": "PL",
            "hours_custom": [[day, 7, 21] for day in range(5)],
        },
    ),
    ("hi", {"missing": ("region", "size")}),
    # beyond the list
    (
        "5 konsultantów, telefon i czat, pon-pt 8-16, w Krakowie",
        {
            "team_size": 5,
            "region": "PL",
            "timezone": "Europe/Warsaw",
            "hours_custom": [[day, 8, 16] for day in range(5)],
        },
    ),
    (
        "每月五千通电话，北京时间，每天9点到21点",
        {
            "volume_phone": "5000",
            "region": "CN",
            "timezone": "Asia/Shanghai",
            "hours_custom": [[day, 9, 21] for day in range(7)],
        },
    ),
    (
        "2.5 people, separate phone and chat teams, bilingual agents, English and Spanish, Seattle",
        {
            "team_size": "2.5",
            "pooling": "per_channel",
            "agent_languages": "all",
            "languages": ["en", "es"],
            "region": "US",
            "timezone": "America/Los_Angeles",
        },
    ),
    ("IT desk for 300 employees in Warsaw", {"kind": "it_helpdesk", "users": 300, "region": "PL"}),
    (
        "outsource to the Philippines, 3000 chats a month, we are in Ohio",
        {"region": "US", "destination": "PH", "volume_chat": "3000"},
    ),
    ("8 agents in France", {"team_size": 8, "region": "DE"}),
    ("8 agents, 24/7, IST", {"team_size": 8, "hours": "24x7", "missing": ("region",)}),
    (
        "12 people answering phones in Mumbai, 9-18",
        {
            "team_size": 12,
            "region": "IN",
            "timezone": "Asia/Kolkata",
            "hours_custom": [[day, 9, 18] for day in range(5)],
        },
    ),
    (
        "我们在上海有三个客服，电话和在线聊天",
        {"team_size": 3, "region": "CN", "channels": ["phone", "chat"]},
    ),
]


@pytest.mark.parametrize(("line", "expected"), ONE_LINERS, ids=[line for line, _ in ONE_LINERS])
def test_one_liners_find_what_they_can(line: str, expected: dict[str, object]) -> None:
    """Point 1: ordinary sentences are read; unknown words are skipped, not errors."""
    request = read_request(line, "en")
    wanted = dict(expected)
    missing = wanted.pop("missing", ())
    assert request.missing == missing
    for key, value in wanted.items():
        assert request.answers.get(key) == value, key


def test_places_need_a_cue_unless_unambiguous_and_name_their_card() -> None:
    """Point 1: "in" makes a place; a common word never is one; a place without a card says
    which card it used; an outsourced destination alone serves as both."""
    assert read_request("8 agents, reading emails", "en").missing == ("region",)
    france = read_request("8 agents in France", "en").reading
    assert ("reading.stand_in", {"place": "France", "region": "DE"}) in france.notes
    india = read_request("how much to outsource 4 agents in india", "en").reading
    assert india.notes[0][0] == "reading.both_places"


_FILLER = st.sampled_from(["really", "basically", "umm", "our", "lovely", "sort of", "honestly"])
_PHRASES = ["4 agents", "phone and email", "in Ohio", "9 to 5", "English"]


@settings(max_examples=60, deadline=None)
@given(st.lists(_FILLER, min_size=len(_PHRASES) + 1, max_size=len(_PHRASES) + 1))
def test_filler_words_change_nothing(fillers: list[str]) -> None:
    """Point 1: words outside every vocabulary and the place index, inserted between the
    phrases, change neither the reading nor what is missing."""
    plain = read_request(", ".join(_PHRASES), "en")
    mixed = " ".join(f"{f} {p}," for f, p in zip(fillers, [*_PHRASES, ""], strict=True))
    noisy = read_request(mixed, "en")
    assert noisy.answers == plain.answers and noisy.missing == plain.missing
    for word in fillers:
        assert not find_place(word)


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/estimate", "/estimate"),
        ("/sourcewise", "/sourcewise"),
        ("--quick", "sourcewise chat --quick"),
    ],
)
def test_hints_use_the_platforms_own_syntax(command: str, expected: str) -> None:
    """Point 1: the example follows the command typed, not always /estimate."""
    replies, result = answer_quick(f"{command} hi", "en")
    assert result is None and expected in replies[0].text
    if command != "/estimate":
        assert "/estimate" not in replies[0].text


def test_a_one_liner_answers_with_its_reading_or_asks_only_whats_missing() -> None:
    """Point 1: a complete line is priced with "I read: ..." on top; a line without a
    place opens the conversation at the region question, everything read filled in."""
    done = run_turn(
        None, Quick("/estimate 4 agents, phone and email, in Ohio, 9 to 5"), estimator=fast
    )
    assert isinstance(done.messages[0], Reading) and isinstance(done.messages[1], Result)
    assert done.replies[0].text.startswith("I read:") and done.state.phase is Phase.RESULT
    asking = run_turn(None, Quick("/estimate 4 agents, phone and email, 9 to 5"), estimator=fast)
    assert asking.state.current == "region" and asking.state.answers["team_size"] == 4
    assert asking.estimate is None
    state = run_turn(asking.state, Text("UK"), estimator=fast).state
    assert state.phase is Phase.SUMMARY  # nothing else asked
    hello = run_turn(None, Quick("hi"))
    assert isinstance(hello.messages[0], QuickNeeds) and hello.state.current == "kind"


def _result(*events: object, state: ConversationState | None = None) -> ConversationState:
    for event in events:
        state = run_turn(state, event, estimator=fast).state  # type: ignore[arg-type]
    assert state is not None
    return state


def test_what_if_changes_only_what_it_names() -> None:
    """Point 2: "what if 8000 calls" keeps the chats; a total keeps today's mix; the Chinese
    "如果8000通电话" changes the calls alone."""
    start = _result(Quick("5000 calls and 2000 chats a month, English, UK"))
    assert start.answers["volume_phone"] == "5000" and start.answers["volume_chat"] == "2000"
    calls = _result(Text("what if 8000 calls"), state=start)
    assert calls.answers["channels"] == ["phone", "chat"]
    assert (calls.answers["volume_phone"], calls.answers["volume_chat"]) == ("8000", "2000")
    zh = _result(Text("如果8000通电话"), state=start)
    assert (zh.answers["volume_phone"], zh.answers["volume_chat"]) == ("8000", "2000")
    mix = _result(Quick("900 calls and 600 chats a month, Polska"))
    total = _result(Text("a co jeśli 3000 kontaktów"), state=mix)
    assert (total.answers["volume_phone"], total.answers["volume_chat"]) == ("1800", "1200")


def test_what_ifs_compare_with_the_original_and_go_back() -> None:
    """Point 2: what-ifs stack but compare with the original; "back to the original"
    restores it; a team-size what-if drops the cost given for the old team."""
    start = _result(Quick("2 agents, phone, UK, £9000 a month"))
    step_one = run_turn(start, Text("what if 24/7"), estimator=fast)
    applied = step_one.messages[0]
    assert isinstance(applied, WhatIfApplied) and applied.original == start.original_result
    assert (
        "original" in applied.actions and "Compared with your original" in step_one.replies[0].text
    )
    bigger = run_turn(step_one.state, Text("what if 4 agents"), estimator=fast)
    assert bigger.state.answers["current_cost"] is None and bigger.state.original == start.answers
    assert bigger.estimate is not None and bigger.estimate.baseline is not None
    assert bigger.estimate.baseline.team_size == 4
    back = run_turn(bigger.state, Command("original"), estimator=fast)
    assert back.state.answers == start.answers and not back.state.whatif


def test_a_finished_conversation_is_kept_and_offered_on_start() -> None:
    """Point 3: at 7ff2637 a start after a result began at question 1 with nothing."""
    done = _result(Quick("2 agents, phone, UK"))
    again = run_turn(done, Start("en"), estimator=fast)
    assert again.state == done
    assert [a.value for a in again.replies[0].actions] == ["last", "edit", "new"]
    shown = run_turn(done, Command("last"), estimator=fast)
    assert isinstance(shown.messages[0], Result) and shown.state.answers == done.answers
    edit = run_turn(done, Command("edit"), estimator=fast)
    assert edit.state.phase is Phase.SUMMARY and edit.state.answers == done.answers


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("PST", "America/Los_Angeles"),
        ("Seattle", "America/Los_Angeles"),
        ("Mumbai", "Asia/Kolkata"),
        ("Kraków", "Europe/Warsaw"),
        ("EST", "America/New_York"),
        ("北京", "Asia/Shanghai"),
        ("北京时间", "Asia/Shanghai"),
        ("Beijing", "Asia/Shanghai"),
    ],
)
def test_time_zones_people_type(text: str, zone: str) -> None:
    """Points 5 and 7: cities and abbreviations; EST keeps New York's daylight saving."""
    assert parse_timezone(text) == zone


@pytest.mark.parametrize("text", ["IST", "CST"])
def test_ambiguous_abbreviations_are_asked_not_guessed(text: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_timezone(text)
    assert caught.value.key == "error.ambiguous_zone"


def test_no_time_zone_question_for_24_7() -> None:
    state = _result(Start("en"), Text("1"), Text("UK"), Text("phone"), Text(""))
    from bot.core.questions import relevant

    ids = [q.id for q in relevant({**state.answers, "hours": "24x7"})]
    assert "timezone" not in ids and "timezone" in [
        q.id for q in relevant({**state.answers, "hours": "business"})
    ]


def test_chinese_numerals() -> None:
    """Point 5: "五千" was refused."""
    assert parse_volume("五千") == Decimal(5000)
    assert parse_volume("两千五") == Decimal(2500)


def test_service_level_question_names_the_selected_live_channels() -> None:
    """Point 10: phone + email was asked about "phone and chat"."""
    state = ConversationState(
        current="service_level",
        phase=Phase.ASKING,
        answers={"kind": "customer_service", "region": "UK", "channels": ["phone", "email"]},
    )
    ask = run_turn(state, Command("help")).replies[-1].text
    assert "phone?" in ask and "chat" not in ask


def test_a_what_if_that_opens_an_optional_question_takes_its_default() -> None:
    """A what-if of business hours after a 24/7 result opens the time zone (not asked for
    24/7): the what-if names hours only, so the zone takes the region's default and the new
    result follows at once, instead of a question the user did not ask about."""
    typed = ("1", "UK", "phone", "", "team", "2", "English", "24/7", "skip", "skip", "skip")
    start = _result(Start("en"), *(Text(line) for line in typed), Command("compute"))
    assert start.phase is Phase.RESULT and "timezone" not in start.answers
    business = run_turn(start, Command("whatif", "hours=business"), estimator=fast)
    assert business.state.phase is Phase.RESULT
    assert business.state.answers["hours"] == "business"
    assert business.state.answers["timezone"] is None  # the default, as if skipped
    assert business.estimate is not None
    assert business.estimate.scenario.coverage.timezone == "Europe/London"
    custom = run_turn(start, Command("whatif", "hours=custom"), estimator=fast)
    assert custom.state.current == "hours_custom"  # no default: asked


@pytest.mark.parametrize(
    ("line", "windows"),
    [
        ("4 agents, UK, 9am-6pm", [[day, 9, 18] for day in range(5)]),
        ("4 agents, UK, 9 am to 6 pm", [[day, 9, 18] for day in range(5)]),
        ("4 agents, UK, 9am-6pm, phone", [[day, 9, 18] for day in range(5)]),
        ("4 agents, UK, 12pm-9pm", [[day, 12, 21] for day in range(5)]),
        ("4 agents, UK, 8am-8pm Mon-Sat", [[day, 8, 20] for day in range(6)]),
        ("4 agents, UK, 8-18 Mon-Sat", [[day, 8, 18] for day in range(6)]),
    ],
)
def test_twelve_hour_clock_times_read_as_hours(line: str, windows: list[list[int]]) -> None:
    """Point 1: "9am-6pm" was skipped as an unknown word at 876e216 (only "9" was seen);
    days may also follow the hours."""
    request = read_request(line, "en")
    assert request.answers["hours"] == "custom"
    assert request.answers["hours_custom"] == windows
    assert request.reading.ignored == ()


def test_nine_to_five_on_a_twelve_hour_clock_is_business_hours() -> None:
    assert read_request("4 agents, UK, 9am-5pm", "en").answers["hours"] == "business"
    assert read_request("4 agents, UK, 9:00 a.m. to 5 p.m.", "en").answers["hours"] == "business"
    calm = read_request("I am in the UK with 4 agents", "en")  # "am" after no number: a word
    assert "hours" not in calm.reading.shown


@pytest.mark.parametrize("typed", ["na Filipinach", "w Krakowie", "z Polski"])
def test_an_inflected_polish_place_reads_the_same_in_a_line_and_an_answer(typed: str) -> None:
    """One list of Polish case endings and cues serves the one-liner and a typed answer
    (two copies had drifted: "na Filipinach" was understood only in a one-liner)."""
    from bot.core.places import find_place_typed

    (place, *_) = find_place_typed(typed)
    in_line = read_request(f"3 konsultantów {typed}", "pl").answers
    assert in_line["region"] == {"PH": "PH", "PL": "PL"}[place.country]
