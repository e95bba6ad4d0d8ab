"""One turn as one pure call: the machine's structured replies, rendered in the state's
locale, in a result a worker process can send back (picklable, plain data)."""

from __future__ import annotations

import pickle

from bot.core.events import Command, FormSubmit, Reply, ReplyKind, Start
from bot.core.machine import step
from bot.core.replies import Result
from bot.render.replies import render_replies
from bot.turn import TurnResult, answer_quick, run_turn
from costengine.estimate import estimate
from costengine.results import Estimate
from costengine.scenario import Scenario

FORM = {
    "kind": "customer_service",
    "region": "PL",
    "channels": ("phone",),
    "team_size": "8",
    "languages": ("pl",),
    "hours": "business",
}


def fast(scenario: Scenario) -> Estimate:
    return estimate(scenario, analysis=False)


def test_a_turn_is_the_step_rendered_in_the_conversations_locale() -> None:
    opened = run_turn(None, Start("zh"))
    stepped = step(None, Start("zh"))
    assert opened.state == stepped.state and opened.messages == stepped.replies
    assert opened.replies == render_replies(stepped.replies, "zh")
    assert all(isinstance(reply, Reply) and reply.text for reply in opened.replies)
    switched = run_turn(opened.state, Command("language", "pl"))
    assert switched.state.locale == "pl"
    assert switched.replies == render_replies(switched.messages, "pl")


def test_a_computed_turn_carries_its_estimate_and_pickles_whole() -> None:
    state = run_turn(None, Start("pl")).state
    result = run_turn(state, FormSubmit(FORM), estimator=fast)
    assert isinstance(result, TurnResult) and result.estimate is not None
    shown, _alternatives = result.messages
    assert isinstance(shown, Result) and shown.estimate == result.estimate
    reply, _more = result.replies
    assert reply.kind is ReplyKind.RESULT and reply.image is not None
    assert "PLN" in reply.text or "zł" in reply.text
    assert pickle.loads(pickle.dumps(result)) == result


def test_a_one_line_request_is_answered_and_rendered() -> None:
    replies, result = answer_quick("8 agents phone PL", "pl", estimator=fast)
    assert result is not None and replies[0].kind is ReplyKind.RESULT
    refused, nothing = answer_quick("/estimate frobnicate in Ohio", "en")
    assert nothing is None and refused[0].kind is ReplyKind.ERROR
    assert "United States" in refused[0].text and "/estimate" in refused[0].text
