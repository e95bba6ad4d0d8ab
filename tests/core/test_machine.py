"""Walkthroughs of the conversation in English, Polish and Chinese, as the service runs a
turn (``bot.turn.run_turn``: the pure machine, then the renderer), compared as rendered text."""

from __future__ import annotations

import json
from collections.abc import Iterable

import pytest

from bot.core.events import (
    Command,
    Event,
    FormSubmit,
    Pick,
    ReplyKind,
    Start,
    Submit,
    Text,
    Toggle,
)
from bot.core.state import ConversationState, Phase
from bot.turn import TurnResult, run_turn
from costengine.errors import UnknownRegion
from costengine.estimate import estimate
from costengine.results import Estimate
from costengine.scenario import HoursPreset, Scenario


def fast(scenario: Scenario) -> Estimate:
    """The real engine without its slow break-even/sensitivity analysis."""
    return estimate(scenario, analysis=False)


def run(
    events: Iterable[Event],
    *,
    locale: str = "en",
    state: ConversationState | None = None,
) -> tuple[ConversationState, list[TurnResult]]:
    results = []
    for event in events:
        result = run_turn(state, event, locale=locale, estimator=fast)
        dumped = result.state.model_dump(mode="json")
        assert ConversationState.model_validate(json.loads(json.dumps(dumped))) == result.state
        assert result.replies, f"no reply to {event}"
        results.append(result)
        state = result.state
    assert state is not None
    return state, results


TEAM_ANSWERS = {
    "en": [
        "customer service",
        "UK",
        "phone, chat",
        "team size today",
        "8 agents",
        "English, Chinese",
        "all",
        "24/7",
    ],
    "pl": [
        "obsługa klienta",
        "Polska",
        "telefon, czat",
        "zespół",
        "8 osób",
        "polski, angielski",
        "wszystkie",
        "całodobowo",
    ],
    "zh": ["客服", "中国", "电话，在线聊天", "团队", "8名客服", "中文，英语", "都会", "全天"],
}
SKIP = {"en": "skip", "pl": "pomiń", "zh": "跳过"}
COMPUTE = {"en": "calculate", "pl": "oblicz", "zh": "计算"}


@pytest.mark.parametrize("locale", ["en", "pl", "zh"])
def test_team_size_walkthrough_typed_in_each_language(locale: str) -> None:
    # 24/7: no time-zone question; then currency, service level and today's cost skipped
    typed = [*TEAM_ANSWERS[locale], *[SKIP[locale]] * 3]
    state, results = run([Start(locale), *map(Text, typed)], locale=locale)
    assert state.phase is Phase.SUMMARY
    summary = results[-1].replies[-1]
    assert summary.kind is ReplyKind.SUMMARY
    assert {a.value for a in summary.actions} >= {"edit:channels", "edit:team_size", "compute"}
    state, results = run([Text(COMPUTE[locale])], locale=locale, state=state)
    assert state.phase is Phase.RESULT and results[-1].estimate is not None
    scenario = state.last_scenario
    assert scenario is not None
    assert scenario.team_size == 8 and scenario.volumes == ()
    assert scenario.coverage.preset is HoursPreset.TWENTY_FOUR_SEVEN
    assert len(scenario.languages) == 2 and len(scenario.channels) == 2
    assert results[-1].replies[0].kind is ReplyKind.RESULT


def test_volume_walkthrough_with_buttons_custom_handle_times_and_hours() -> None:
    state, results = run(
        [
            Start("en"),
            Pick("kind", "it_helpdesk"),
            Pick("region", "DE"),
            Toggle("channels", "phone"),
            Toggle("channels", "email"),
            Toggle("channels", "chat"),
            Toggle("channels", "chat"),  # switched off again
            Submit("channels"),
            Pick("sizing", "volume"),
            Text("12,000 calls/month"),
            Text("3 tys."),
            Pick("aht_mode", "custom"),
            Text("6:30"),
            Command("skip"),
            Submit("languages", ("de", "en")),
            Pick("agent_languages", "all"),
            Pick("hours", "custom"),
            Text("Mon-Fri 8-20, Sat 9-13"),
            Pick("timezone", "Europe/Berlin"),
            Pick("currency", "EUR"),
            Pick("service_level", "90/20"),
            Text("25 000 €"),
        ]
    )
    assert state.phase is Phase.SUMMARY
    assert state.answers["channels"] == ["phone", "email"]
    assert state.answers["volume_phone"] == "12000" and state.answers["volume_email"] == "3000"
    assert state.answers["aht_phone"] == 390 and state.answers["aht_email"] is None
    state, results = run([Command("compute")], state=state)
    scenario = state.last_scenario
    assert scenario is not None and results[-1].estimate is not None
    assert [v.aht_seconds for v in scenario.volumes] == [390, None]
    assert scenario.coverage.preset is HoursPreset.CUSTOM and len(scenario.coverage.custom) == 6
    assert scenario.currency == "EUR" and scenario.service_level == 0.9
    assert str(scenario.current_monthly_cost) == "25000.00"


def _reach(question_id: str, locale: str = "en") -> ConversationState:
    answers = {
        "kind": Pick("kind", "customer_service"),
        "region": Pick("region", "PL"),
        "channels": Submit("channels", ("phone", "chat")),
        "sizing": Pick("sizing", "volume"),
        "volume_phone": Text("1000"),
        "volume_chat": Text("500"),
        "aht_mode": Pick("aht_mode", "custom"),
        "aht_phone": Text("5"),
        "aht_chat": Text("8"),
        "languages": Submit("languages", ("pl",)),
        "hours": Pick("hours", "custom"),
        "hours_custom": Text("Mon-Fri 8-16"),
        "timezone": Command("skip"),
        "currency": Command("skip"),
        "service_level": Command("skip"),
        "current_cost": Command("skip"),
    }
    state, _ = run([Start(locale)], locale=locale)
    while state.current != question_id:
        assert state.current is not None
        state, _ = run([answers[state.current]], locale=locale, state=state)
    return state


BAD_INPUTS: dict[str, list[str]] = {
    "kind": ["banana", "", "😀"],
    "region": ["France", "Atlantis", "x" * 10_000],
    "channels": ["fax", "phone, pigeon", ""],
    "sizing": ["maybe"],
    "volume_phone": ["-5", "0", "lots", "60m", "500 a day", "nan", "8 20"],
    "aht_mode": ["perhaps"],
    "aht_phone": ["1 s", "9 h", "abc"],
    "languages": ["klingonese", "en, 🙂"],
    "hours": ["sometimes", "8-20"],
    "hours_custom": ["Mon-Fri 8:30-20", "whenever", "Mon 9-9"],
    "timezone": ["Mars/Base", "UTC+99"],
    "currency": ["bitcoin", "XYZ"],
    "service_level": ["120%", "40%", "80/9999"],
    "current_cost": ["-100", "2000000000", "free"],
}


@pytest.mark.parametrize("locale", ["en", "pl", "zh"])
@pytest.mark.parametrize("question_id", list(BAD_INPUTS))
def test_rejection_keeps_the_state_byte_identical(question_id: str, locale: str) -> None:
    state = _reach(question_id, locale)
    before = json.dumps(state.model_dump(mode="json"), sort_keys=True)
    for bad in BAD_INPUTS[question_id]:
        result = run_turn(state, Text(bad), locale=locale, estimator=fast)
        after = json.dumps(result.state.model_dump(mode="json"), sort_keys=True)
        assert after == before, bad
        error, question = result.replies
        assert error.kind is ReplyKind.ERROR and error.text
        assert question.kind is ReplyKind.QUESTION and question.question == question_id


def test_error_explains_with_an_example_in_the_users_language() -> None:
    state = _reach("volume_phone", "pl")
    error = run_turn(state, Text("-5"), locale="pl").replies[0]
    assert "ujemna" in error.text and "Na przykład: 12 000" in error.text


def test_back_returns_to_the_previous_question_and_keeps_answers() -> None:
    state = _reach("volume_chat")
    state, results = run([Command("back")], state=state)
    assert state.current == "volume_phone"
    assert state.answers["volume_phone"] == "1000"
    assert "Current answer" in results[-1].replies[-1].text
    state, _ = run([Text("2000")], state=state)
    assert state.current == "volume_chat" and state.answers["volume_phone"] == "2000"
    # back over a question that no longer applies
    state, _ = run([Command("back"), Command("back"), Pick("sizing", "team")], state=state)
    assert state.current == "team_size"
    state, _ = run([Command("back"), Pick("sizing", "volume")], state=state)
    assert state.current == "volume_chat"  # the phone volume was kept: not asked again
    assert state.answers["volume_phone"] == "2000"


def test_back_at_the_first_question_is_refused_without_changing_anything() -> None:
    state, _ = run([Start("en")])
    result = run_turn(state, Text("back"))
    assert result.state == state
    assert result.replies[0].kind is ReplyKind.ERROR


def test_skip_only_for_optional_questions() -> None:
    state = _reach("languages")
    result = run_turn(state, Command("skip"))
    assert result.state == state and result.replies[0].kind is ReplyKind.ERROR
    state = _reach("timezone")
    state, _ = run([Text("/skip")], state=state)
    assert state.answers["timezone"] is None and state.current == "currency"


def test_edit_from_summary_comes_back_to_summary() -> None:
    state = _reach("current_cost")
    state, _ = run([Command("skip")], state=state)
    assert state.phase is Phase.SUMMARY
    state, results = run([Command("edit", "languages")], state=state)
    assert state.current == "languages" and state.editing
    assert results[-1].replies[-1].selected == frozenset({"pl"})
    state, results = run([Toggle("languages", "en"), Submit("languages")], state=state)
    assert state.current == "agent_languages"  # two languages: do the agents speak both?
    state, results = run([Command("skip")], state=state)
    assert state.phase is Phase.SUMMARY and state.answers["languages"] == ["pl", "en"]
    # an edit that needs a new answer asks for it, then returns
    state, _ = run([Command("edit", "channels"), Text("phone, chat, email")], state=state)
    assert state.current == "volume_email"
    state, _ = run([Text("300"), Command("skip")], state=state)
    assert state.phase is Phase.SUMMARY and state.answers["volume_email"] == "300"
    # back while editing returns to the summary with nothing changed
    before = state.answers
    state, _ = run([Command("edit", "region"), Command("back")], state=state)
    assert state.phase is Phase.SUMMARY and state.answers == before


def test_edit_by_typed_label_and_unknown_edit() -> None:
    state = _reach("current_cost")
    state, _ = run([Command("skip")], state=state)
    state, _ = run([Text("edit Channels")], state=state)
    assert state.current == "channels"
    result = run_turn(state, Command("edit", "nonsense"))
    assert result.state == state and result.replies[0].kind is ReplyKind.ERROR


@pytest.mark.parametrize(
    ("locale", "cancel", "yes", "start"),
    [
        ("en", "cancel", "yes", "start"),
        ("pl", "anuluj", "tak", "zacznij"),
        ("zh", "取消", "是", "开始"),
    ],
)
def test_cancel_asks_keeps_the_answers_and_start_offers_to_carry_on(
    locale: str, cancel: str, yes: str, start: str
) -> None:
    """Issue 15, point 3: at 7ff2637 "cancel" said the answers were kept and "start" then
    wiped them; now cancel asks first, and start offers to carry on."""
    state = _reach("hours", locale)
    asked, results = run([Text(cancel)], locale=locale, state=state)
    assert asked.phase is Phase.ASKING and asked.confirm == "cancel"
    assert [a.value for a in results[-1].replies[-1].actions] == ["cancel:yes", "cancel:no"]
    state, results = run([Text(yes)], locale=locale, state=asked)
    assert state.phase is Phase.CANCELLED and state.answers["region"] == "PL"
    same, _ = run([Text("whatever")], locale=locale, state=state)
    assert same == state
    state, results = run([Text(start)], locale=locale, state=state)
    assert state.answers["region"] == "PL"
    assert [a.value for a in results[-1].replies[-1].actions] == ["resume", "new"]
    state, results = run([Command("resume")], locale=locale, state=state)
    assert state.phase is Phase.ASKING and state.current == "hours"
    assert state.answers["region"] == "PL"


def test_restart_asks_first_then_forgets_answers_but_keeps_the_chosen_language() -> None:
    state = _reach("hours")
    asked, _ = run([Command("language", "zh"), Text("/restart")], state=state)
    assert asked.answers == state.answers and asked.confirm == "restart"
    kept, _ = run([Command("restart", "no")], state=asked)
    assert kept.answers == state.answers and kept.current == "hours" and kept.confirm is None
    state, _ = run([Text("/restart"), Text("是")], state=kept)
    assert state.answers == {} and state.current == "kind"
    assert state.locale == "zh" and state.locale_locked


@pytest.mark.parametrize(
    ("locale", "word", "marker"),
    [("en", "help", "Commands"), ("pl", "pomoc", "Polecenia"), ("zh", "帮助", "命令")],
)
def test_help_explains_the_question_and_reasks_it(locale: str, word: str, marker: str) -> None:
    state = _reach("service_level", locale)
    result = run_turn(state, Text(word), locale=locale)
    assert result.state == state
    help_reply, question = result.replies
    assert marker in help_reply.text and "80/20" in help_reply.text
    assert question.question == "service_level"


def test_language_switches_and_reasks_in_the_new_language() -> None:
    state = _reach("sizing")
    state, results = run([Text("język polski")], state=state)
    assert state.locale == "pl" and state.locale_locked
    assert results[-1].replies[-1].question == "sizing"
    assert "Czy mam liczyć" in results[-1].replies[-1].text
    # the platform's hint no longer overrides the user's choice
    state, results = run([Text("zespół")], locale="en", state=state)
    assert state.locale == "pl" and "osób" in results[-1].replies[-1].text
    state, results = run([Text("/language zh")], locale="en", state=state)
    assert state.locale == "zh" and "多少人" in results[-1].replies[-1].text


def test_language_without_argument_offers_the_languages() -> None:
    state = _reach("sizing")
    result = run_turn(state, Command("language"))
    assert result.state == state
    values = [action.value for action in result.replies[0].actions]
    assert values == ["language:en", "language:zh", "language:pl"]


def test_typing_a_language_at_the_languages_question_answers_it() -> None:
    state = _reach("languages")
    state, _ = run([Text("język polski")], state=state)
    assert state.answers["languages"] == ["pl"] and state.locale == "en"


def test_platform_hint_is_followed_until_the_user_chooses() -> None:
    state, results = run([Start("pl-PL")], locale="pl-PL")
    assert state.locale == "pl" and "Dzień dobry" in results[0].replies[0].text
    state, _ = run([Pick("kind", "customer_service")], locale="zh-hans", state=state)
    assert state.locale == "zh"


def _computed(locale: str = "en") -> ConversationState:
    state = _reach("current_cost", locale)
    state, results = run([Command("skip"), Command("compute")], locale=locale, state=state)
    assert state.phase is Phase.RESULT and results[-1].estimate is not None
    return state


def test_why_and_details_explain_without_changing_the_state() -> None:
    state = _computed()
    for word in ("why?", "details", "/why"):
        result = run_turn(state, Text(word), estimator=fast)
        assert result.state == state and result.estimate is None
        assert result.replies and all(r.kind is ReplyKind.INFO for r in result.replies)


@pytest.mark.parametrize(
    ("locale", "typed"),
    [("en", "what if 24/7?"), ("pl", "a co jeśli całodobowo"), ("zh", "如果24/7")],
)
def test_what_if_24x7_recomputes_without_starting_over(locale: str, typed: str) -> None:
    state = _computed(locale)
    before = state.last_scenario
    state, results = run([Text(typed)], locale=locale, state=state)
    assert state.phase is Phase.RESULT and results[-1].estimate is not None
    assert state.answers["hours"] == "24x7"
    assert state.last_scenario is not None and before is not None
    assert state.last_scenario.coverage.preset is HoursPreset.TWENTY_FOUR_SEVEN
    assert state.last_scenario.languages == before.languages
    assert results[-1].replies[0].kind is ReplyKind.INFO  # "What if: ... -> 24/7"


def test_what_if_volume_buttons_and_typed() -> None:
    state = _computed()
    state, _ = run([Command("whatif", "volume=+20%")], state=state)
    assert state.answers["volume_phone"] == "1200" and state.answers["volume_chat"] == "600"
    state, _ = run([Text("what if 50% fewer calls")], state=state)
    assert state.answers["volume_phone"] == "600"
    state, _ = run([Command("whatif", "hours=business")], state=state)
    assert state.last_scenario is not None
    assert state.last_scenario.coverage.preset is HoursPreset.BUSINESS


def test_what_if_a_team_size_or_region() -> None:
    state = _computed()
    state, _ = run([Text("what if 12 agents")], state=state)
    assert state.last_scenario is not None and state.last_scenario.team_size == 12
    state, _ = run([Text("what if UK")], state=state)
    assert state.last_scenario is not None and state.last_scenario.region == "UK"
    state, _ = run([Command("whatif", "currency=EUR")], state=state)
    assert state.last_scenario is not None and state.last_scenario.currency == "EUR"


def test_what_if_nonsense_is_refused_and_keeps_the_result() -> None:
    state = _computed()
    for arg in ("volume=+abc", "nonsense", "hours=sometimes", "team_size=-3"):
        result = run_turn(state, Command("whatif", arg), estimator=fast)
        assert result.state == state and result.replies[0].kind is ReplyKind.ERROR
    result = run_turn(state, Command("whatif"))
    assert result.state == state
    assert any(a.value.startswith("whatif:") for a in result.replies[0].actions)


def test_result_follow_ups_need_a_result() -> None:
    state = _reach("hours")
    for event in (Command("why"), Command("details"), Command("whatif", "hours=24x7")):
        result = run_turn(state, event)
        assert result.state == state and result.replies[0].kind is ReplyKind.ERROR


def test_back_from_a_result_shows_the_summary() -> None:
    state = _computed()
    state, results = run([Command("back")], state=state)
    assert state.phase is Phase.SUMMARY and results[-1].replies[0].kind is ReplyKind.SUMMARY


def test_stale_buttons_and_unknown_commands_are_refused() -> None:
    state = _reach("hours")
    for event in (
        Pick("kind", "it_helpdesk"),
        Toggle("channels", "phone"),
        Submit("channels", ("phone",)),
        Command("frobnicate"),
        Toggle("hours", "24x7"),
    ):
        result = run_turn(state, event)
        assert result.state == state and result.replies[0].kind is ReplyKind.ERROR, event


def test_multi_select_toggles_then_submits() -> None:
    state = _reach("channels")
    state, results = run([Toggle("channels", "chat"), Toggle("channels", "social")], state=state)
    assert results[-1].replies[0].selected == frozenset({"chat", "social"})
    empty = run_turn(state.model_copy(update={"pending": ()}), Submit("channels"))
    assert empty.replies[0].kind is ReplyKind.ERROR
    state, _ = run([Text("done")], state=state)
    assert state.answers["channels"] == ["chat", "social"]


def test_a_form_submission_goes_straight_to_a_result() -> None:
    values = {
        "kind": "customer_service",
        "region": "PL",
        "channels": ("phone",),
        "team_size": "8",
        "languages": ("pl",),
        "hours": "business",
    }
    state, results = run([FormSubmit(values)], locale="pl")
    assert state.phase is Phase.RESULT and results[-1].estimate is not None
    bad = run_turn(state, FormSubmit({**values, "team_size": "-1"}), locale="pl")
    assert bad.state == state and bad.replies[0].kind is ReplyKind.ERROR


def test_an_engine_refusal_sends_the_user_to_the_question() -> None:
    def refuses(scenario: Scenario) -> Estimate:
        raise UnknownRegion(scenario.region, ("US",))

    state = _reach("current_cost")
    state, _ = run([Command("skip")], state=state)
    result = run_turn(state, Command("compute"), estimator=refuses)
    assert result.estimate is None and result.state.current == "region"
    assert [r.kind for r in result.replies] == [ReplyKind.ERROR, ReplyKind.QUESTION]


def test_the_first_event_may_be_anything() -> None:
    for event in (Text("hello"), Command("help"), Pick("x", "y"), Command("language", "pl")):
        result = run_turn(None, event)
        assert result.state.phase is Phase.ASKING and result.state.current == "kind"


def test_after_a_result_a_bare_change_is_a_what_if() -> None:
    state = _computed()
    state, results = run([Text("24/7")], state=state)
    assert results[-1].estimate is not None and state.answers["hours"] == "24x7"
    result = run_turn(state, Text("frobnicate"), estimator=fast)
    assert result.state == state and result.replies[0].kind is ReplyKind.ERROR
