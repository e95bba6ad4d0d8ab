"""The conversation as one pure function: ``step(state, event) -> StepResult``.

Functional core, imperative shell: the service loads the state, runs the turn
(:func:`bot.turn.run_turn`: this step, then the renderer), sends the replies and saves the new
state. ``step`` does no I/O besides calling the (pure, deterministic) engine, and it words
nothing: it returns structured replies (:mod:`bot.core.replies`) that ``bot.render`` turns
into text per locale. So the same state and event always give the same answer, and any turn
can be replayed in a test.

The flow: greeting -> questions (in :data:`~bot.core.questions.QUESTIONS` order, skipping
those that do not apply) -> summary (every answer with an ``edit:<id>`` button, then
``compute``) -> result (``why``, ``details``, ``whatif:...``) -> follow-ups. Commands work at
every step. A rejected input gives a :class:`~bot.core.replies.Rejection` and the re-asked
question, and returns the *same* state object: nothing already answered is ever lost.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from pydantic import JsonValue, ValidationError

from bot.core.actions import (
    DETAILS_ACTIONS,
    WHY_ACTIONS,
    outsourcing_actions,
    result_actions,
)
from bot.core.answers import (
    MissingAnswer,
    answers_from_scenario,
    missing,
    scenario_from_answers,
)
from bot.core.catalogue import plain_label
from bot.core.commands import (
    COMMANDS,
    command_from_text,
    parse_locale,
    parse_volume_change,
)
from bot.core.errors import ParseError, QuickParseError
from bot.core.events import (
    Command,
    Event,
    FormSubmit,
    Pick,
    Quick,
    Start,
    Submit,
    Text,
    Toggle,
)
from bot.core.form import validate_form
from bot.core.locales import LOCALES, normalize_locale
from bot.core.parsing import plain_text, rounded
from bot.core.questions import (
    QUESTION_IDS,
    Answers,
    Question,
    QuestionKind,
    channel_of,
    question,
    relevant,
)
from bot.core.quick import (
    Fields,
    command_of,
    quick_command,
    read_fields,
    read_request,
    volume_answers,
)
from bot.core.replies import (
    Ask,
    Explanation,
    ExplanationView,
    FormRejection,
    Help,
    LanguagePick,
    Message,
    Notice,
    QuickNeeds,
    Rejection,
    Result,
    SavedList,
    Summary,
    WhatIfApplied,
)
from bot.core.saved import (
    SAVED_COMMANDS,
    DeleteSaved,
    Effect,
    ForgetUser,
    SavedEstimate,
    find_saved,
)
from bot.core.state import ConversationState, Phase
from bot.core.vocab import norm
from costengine.errors import (
    EngineError,
    InvalidScenario,
    RateCardError,
    UnknownCurrency,
    UnknownRegion,
)
from costengine.estimate import estimate as engine_estimate
from costengine.results import Estimate
from costengine.scenario import HoursPreset, Scenario

__all__ = ["Estimator", "StepResult", "step"]

#: Prices a scenario; the service may bind a user's rate card (``estimate(s, card)``).
Estimator = Callable[[Scenario], Estimate]


#: How many steps "back" can retrace (bounds the saved state, whatever the user does).
MAX_HISTORY = 64


@dataclass(frozen=True, slots=True)
class StepResult:
    """What one event did: the new state, the structured replies (for ``bot.render`` to
    word), and the estimate when this turn computed one (so the service can keep it to
    explain, and in the user's history unless ``record`` is False: an estimate shown again,
    the last result or a reopened one, is saved already). ``effects``: what the service
    must change in the store beyond the state (:mod:`bot.core.saved`)."""

    state: ConversationState
    replies: tuple[Message, ...]
    estimate: Estimate | None = None
    effects: tuple[Effect, ...] = ()
    record: bool = True


@dataclass(frozen=True, slots=True)
class _Turn:
    estimator: Estimator
    saved: tuple[SavedEstimate, ...] = ()


#: Commands about the user's saved estimates and data: they need no conversation first.
_DATA_COMMANDS = (*SAVED_COMMANDS, "forget")


def step(
    state: ConversationState | None,
    event: Event,
    *,
    locale: str | None = None,
    estimator: Estimator | None = None,
    saved: Sequence[SavedEstimate] | None = None,
) -> StepResult:
    """Advance the conversation by one event.

    ``locale`` is the platform's language hint ("pl-PL"); it is followed until the user
    picks a language with the ``language`` command. ``estimator`` defaults to
    :func:`costengine.estimate.estimate` with the built-in rate cards. ``saved``: the
    user's saved estimates, newest first, for the turns that list, reopen or delete them
    (the service loads them when :func:`bot.core.saved.wants_saved` says so).
    """
    turn = _Turn(estimator or engine_estimate, tuple(saved or ()))
    hint = locale if locale is not None else (event.locale if isinstance(event, Start) else None)
    if state is None:
        fresh = ConversationState(locale=normalize_locale(hint))
        if isinstance(event, FormSubmit | Quick):
            return _dispatch(fresh, event, turn)
        if _data_command(event):  # no greeting first: the first question follows the answer
            return _dispatch(_opened(fresh), event, turn)
        if isinstance(event, Command) and event.name not in ("start", "restart"):
            opened = _begin(fresh, "greeting")
            result = _dispatch(opened.state, event, turn)
            return StepResult(result.state, (opened.replies[0], *result.replies), result.estimate)
        return _begin(fresh, "greeting")
    if hint and not state.locale_locked and normalize_locale(hint) != state.locale:
        state = state.model_copy(update={"locale": normalize_locale(hint)})
    return _dispatch(state, event, turn)


# --- dispatch -------------------------------------------------------------------------------


def _data_command(event: Event) -> bool:
    command = command_from_text(event.text) if isinstance(event, Text) else event
    return isinstance(command, Command) and command.name in _DATA_COMMANDS


def _opened(state: ConversationState) -> ConversationState:
    """A conversation that has not started yet, at its first question (asked by the
    prompt that follows), so whatever comes next is read as usual."""
    if state.phase is Phase.ASKING and state.current is None:
        return _begin(state, "greeting").state
    return state


def _dispatch(state: ConversationState, event: Event, turn: _Turn) -> StepResult:
    if state.confirm is not None:
        answered = _confirmation(state, event, turn)
        if answered is not None:
            return answered
        state = state.model_copy(update={"confirm": None})
    if isinstance(event, Quick):
        return _quick(state, event.text, turn)
    if isinstance(event, Start):
        return _start(state)
    if isinstance(event, Text):
        command = command_from_text(event.text)
        if command is not None and _typed_answer(state, command):
            return _answer(state, command.arg)
        if command is not None:
            return _command(state, command, turn)
        return _text(state, event.text, turn)
    if isinstance(event, Pick):
        if not _is_current(state, event.question):
            return _reject(state, ParseError("error.stale"))
        return _answer(state, event.value)
    if isinstance(event, Toggle):
        return _toggle(state, event)
    if isinstance(event, Submit):
        if not _is_current(state, event.question):
            return _reject(state, ParseError("error.stale"))
        return _submit(state, event.values)
    if isinstance(event, FormSubmit):
        return _form(state, event, turn)
    return _command(state, event, turn)


def _form(state: ConversationState, event: FormSubmit, turn: _Turn) -> StepResult:
    """A whole form at once: every field checked; valid answers go straight to a result."""
    result = validate_form(event.values)
    if not result.ok:
        rejection = FormRejection(tuple(result.errors.items()), result.answers)
        return StepResult(state, (rejection, *_prompt(state)))
    filled = ConversationState(locale=state.locale, locale_locked=state.locale_locked)
    filled = filled.model_copy(update={"answers": result.answers})
    return _compute(filled, turn)


def _typed_answer(state: ConversationState, command: Command) -> bool:
    """ "język polski" typed at the languages question answers it, not switches the UI."""
    return (
        command.name == "language"
        and bool(command.arg)
        and state.phase is Phase.ASKING
        and state.current == "languages"
    )


def _is_current(state: ConversationState, question_id: str) -> bool:
    return state.phase is Phase.ASKING and state.current == question_id


def _current(state: ConversationState) -> Question | None:
    if state.phase is Phase.ASKING and state.current in QUESTION_IDS:
        return question(state.current)
    return None


# --- prompts --------------------------------------------------------------------------------


def _next_actions(state: ConversationState) -> tuple[str, ...]:
    actions = result_actions(around_the_clock=state.answers.get("hours") == "24x7")
    return (*actions[:-1], "original", actions[-1]) if state.whatif else actions


def _ask_reply(q: Question, state: ConversationState, lead: Notice | None) -> Ask:
    """Ask ``q`` as ``state`` stands: its options, what is toggled, back and skip."""
    can_back = state.editing or any(
        question(previous).when(state.answers) for previous in state.history
    )
    multi = q.kind is QuestionKind.MULTI
    actions = (*(("back",) if can_back else ()), *(("skip",) if q.optional else ()))
    return Ask(
        question=q.id,
        answers=dict(state.answers),
        choices=q.options(state.answers),
        multi=multi,
        selected=tuple(dict.fromkeys(state.pending)) if multi else (),
        actions=actions,
        lead=lead,
    )


def _summary_reply(answers: Answers) -> Summary:
    """Every relevant answer with an ``edit:<id>`` action, then compute and restart."""
    shown = tuple(q.id for q in relevant(answers) if q.id in answers)
    actions = (*(f"edit:{question_id}" for question_id in shown), "compute", "restart")
    return Summary(dict(answers), shown, actions)


def _prompt(state: ConversationState, lead: Notice | None = None) -> tuple[Message, ...]:
    """What the user should see to carry on from ``state``."""
    q = _current(state)
    if q is not None:
        return (_ask_reply(q, state, lead),)
    replies: tuple[Message, ...]
    if state.phase is Phase.SUMMARY:
        replies = (_summary_reply(state.answers),)
    elif state.phase is Phase.RESULT:
        replies = (Notice("next_steps", actions=_next_actions(state)),)
    else:
        replies = (Notice("cancelled", actions=("start",)),)
    return ((lead,) if lead else ()) + replies


def _rejection(error: ParseError, q: Question | None, answers: Answers) -> Rejection:
    return Rejection(
        key=error.key,
        params=dict(error.params),
        question=q.id if q is not None else None,
        answers=dict(answers) if q is not None else {},
        grammar=isinstance(error, QuickParseError),
    )


def _reject(state: ConversationState, error: ParseError, q: Question | None = None) -> StepResult:
    """A :class:`Rejection` and the re-prompt; the state is returned untouched.

    ``q`` is the question whose answer was rejected: its example is shown. Errors about the
    flow itself ("nothing to go back to") come without an example.
    """
    rejection = _rejection(error, q, state.answers)
    return StepResult(state, (rejection, *_prompt(state)))


def _ask(state: ConversationState, question_id: str, *, lead: Notice | None = None) -> StepResult:
    previous = state.answers.get(question_id)
    pending: tuple[str, ...] = ()
    if question(question_id).kind is QuestionKind.MULTI and isinstance(previous, list):
        pending = tuple(str(value) for value in previous)
    asked = state.model_copy(
        update={"phase": Phase.ASKING, "current": question_id, "pending": pending}
    )
    return StepResult(asked, _prompt(asked, lead))


def _summary(state: ConversationState, *, lead: Notice | None = None) -> StepResult:
    shown = state.model_copy(
        update={"phase": Phase.SUMMARY, "current": None, "pending": (), "editing": False}
    )
    return StepResult(shown, _prompt(shown, lead))


def _begin(state: ConversationState, lead_key: str) -> StepResult:
    fresh = ConversationState(locale=state.locale, locale_locked=state.locale_locked)
    first = missing({})
    assert first is not None
    opened = _ask(fresh, first)
    return StepResult(opened.state, (Notice(lead_key), *opened.replies))


# --- answers --------------------------------------------------------------------------------


def _answer(state: ConversationState, raw: str) -> StepResult:
    q = _current(state)
    if q is None:
        return _reject(state, ParseError("error.stale"))
    try:
        value = q.parse(raw)
    except ParseError as error:
        return _reject(state, error, q)
    return _accept(state, q, value)


def _accept(state: ConversationState, q: Question, value: JsonValue) -> StepResult:
    answers = {**state.answers, q.id: value}
    history = state.history if state.editing else (*state.history, q.id)[-MAX_HISTORY:]
    moved = state.model_copy(update={"answers": answers, "history": history, "pending": ()})
    gap = missing(answers)
    if gap is not None:
        return _ask(moved, gap)
    return _summary(moved)


def _text(state: ConversationState, text: str, turn: _Turn) -> StepResult:
    if state.phase is Phase.ASKING:
        return _answer(state, text)
    if state.phase is Phase.SUMMARY:
        return _reject(state, ParseError("error.use_buttons"))
    if state.phase is Phase.RESULT:
        # After a result, a bare change ("24/7", "12 agents", "UK") is a what-if.
        attempt = _whatif(state, text, turn)
        if attempt.replies and isinstance(attempt.replies[0], Rejection):
            return _reject(state, ParseError("error.after_result"))
        return attempt
    return StepResult(state, _prompt(state))


def _toggle(state: ConversationState, event: Toggle) -> StepResult:
    q = _current(state)
    if q is None or q.id != event.question or q.kind is not QuestionKind.MULTI:
        return _reject(state, ParseError("error.stale"))
    if event.value not in q.options(state.answers) and event.value not in state.pending:
        return _reject(state, ParseError("error.unknown_choice"), q)
    pending = list(state.pending)
    if event.value in pending:
        pending.remove(event.value)
    else:
        pending.append(event.value)
    toggled = state.model_copy(update={"pending": tuple(pending)})
    return StepResult(toggled, _prompt(toggled))


def _submit(state: ConversationState, values: tuple[str, ...] | None) -> StepResult:
    q = _current(state)
    if q is None:
        return _reject(state, ParseError("error.stale"))
    chosen = state.pending if values is None else values
    if not chosen:
        return _reject(state, ParseError("error.pick_one"), q)
    if q.kind is not QuestionKind.MULTI and len(chosen) != 1:
        return _reject(state, ParseError("error.one_number"), q)
    return _answer(state, ", ".join(chosen))


# --- commands -------------------------------------------------------------------------------


def _command(state: ConversationState, command: Command, turn: _Turn) -> StepResult:
    name = command.name.strip().lower()
    arg = command.arg.strip()
    if name not in COMMANDS:
        return _reject(state, ParseError("error.unknown_command"))
    resumable = ("start", "restart", "help", "language", "resume", "new", "last", *_DATA_COMMANDS)
    if state.phase is Phase.CANCELLED and name not in resumable:
        return StepResult(state, _prompt(state))
    if arg in ("yes", "no") and name in (*_CONFIRMED, "forget"):
        return StepResult(state, _prompt(state))  # a confirmation button of the past
    if name == "start":
        return _start(state)
    if name in _CONFIRMED:
        return _ask_first(state, name)
    if name == "new":
        return _begin(state, "restarted")
    if name == "resume":
        return _resume(state, turn)
    if name == "last":
        return _last(state, turn)
    if name == "original":
        return _back_to_original(state, turn)
    if name == "saved" or (name in ("open", "delete") and not arg):  # which one? the list
        return StepResult(state, (_saved_list(turn.saved), *_prompt(state)))
    if name == "open":
        return _open_saved(state, arg, turn)
    if name == "delete":
        return _delete_saved(state, arg, turn)
    if name == "forget":
        asking = state.model_copy(update={"confirm": "forget"})
        return StepResult(asking, (Notice("forget.confirm", actions=("forget:yes", "forget:no")),))
    if name == "help":
        q = _current(state)
        shown = Help(q.id if q else None, dict(state.answers) if q else {})
        return StepResult(state, (shown, *_prompt(state)))
    if name == "language":
        return _language(state, arg)
    if name == "back":
        return _back(state)
    if name == "skip":
        return _skip(state)
    if name == "done":
        return _done(state, turn)
    if name == "compute":
        return _compute_command(state, turn)
    if name == "edit":
        return _edit(state, arg)
    if name in ("why", "details"):
        return _explain(state, name, turn)
    return _whatif(state, arg, turn)


def _start(state: ConversationState) -> StepResult:
    """Begin, or offer what was kept: a finished estimate is never wiped by a new start."""
    if state.phase in (Phase.ASKING, Phase.SUMMARY) and state.answers:
        return StepResult(state, _prompt(state, Notice("welcome_back")))
    if state.phase is Phase.RESULT and state.last_scenario is not None:
        offer = Notice("welcome_back_result", actions=("last", "edit", "new"))
        return StepResult(state, (offer,))
    if state.phase is Phase.CANCELLED and state.answers:
        offer = Notice("welcome_back_cancelled", actions=("resume", "new"))
        return StepResult(state, (offer,))
    return _begin(state, "greeting")


#: Commands that wipe or stop, and ask first.
_CONFIRMED = ("restart", "cancel")


def _confirmation(state: ConversationState, event: Event, turn: _Turn) -> StepResult | None:
    """The answer to "are you sure?": yes runs the command, no keeps everything as it was;
    anything else is an ordinary event (None: the question lapses)."""
    name = state.confirm
    choice: str | None = None
    if isinstance(event, Command) and event.name == name and event.arg in ("yes", "no"):
        choice = event.arg
    elif isinstance(event, Text):
        choice = vocabulary_confirm(event.text)
    if choice is None or name is None:
        return None
    settled = state.model_copy(update={"confirm": None})
    if name == "forget":
        if choice == "no":
            return StepResult(settled, _prompt(settled, Notice("forget.kept")))
        gone = ConversationState(locale=state.locale, locale_locked=state.locale_locked)
        done = Notice("forget.done", actions=("start",))
        return StepResult(gone, (done,), effects=(ForgetUser(),))
    if choice == "no":
        return StepResult(settled, _prompt(settled, Notice("confirm.kept")))
    if name == "restart":
        return _begin(settled, "restarted")
    resume = settled.phase if settled.phase is not Phase.CANCELLED else settled.resume
    cancelled = settled.model_copy(
        update={"phase": Phase.CANCELLED, "pending": (), "resume": resume}
    )
    return StepResult(cancelled, _prompt(cancelled))


def vocabulary_confirm(text: str) -> str | None:
    """ "yes"/"tak"/"是" -> "yes", "no"/"nie"/"否" -> "no", else None."""
    from bot.core.vocab import vocabulary

    return vocabulary().get("confirm", text.strip().rstrip("!.。！"))


def _ask_first(state: ConversationState, name: str) -> StepResult:
    """Ask before ``name`` wipes or stops anything (nothing to lose: just do it)."""
    if not state.answers:
        return _begin(state, "greeting") if name == "restart" else _cancel_now(state)
    asking = state.model_copy(update={"confirm": name})
    return StepResult(asking, (Notice(f"confirm.{name}", actions=(f"{name}:yes", f"{name}:no")),))


def _cancel_now(state: ConversationState) -> StepResult:
    cancelled = state.model_copy(
        update={"phase": Phase.CANCELLED, "pending": (), "resume": state.phase}
    )
    return StepResult(cancelled, _prompt(cancelled))


def _resume(state: ConversationState, turn: _Turn) -> StepResult:
    if state.phase is not Phase.CANCELLED or not state.answers:
        return StepResult(state, _prompt(state))
    phase = state.resume or Phase.ASKING
    if phase is Phase.RESULT and state.last_scenario is not None:
        return _last(state.model_copy(update={"phase": Phase.RESULT, "resume": None}), turn)
    gap = missing(state.answers)
    moved = state.model_copy(update={"resume": None})
    if gap is not None:
        return _ask(moved, gap, lead=Notice("welcome_back"))
    return _summary(moved, lead=Notice("welcome_back"))


def _last(state: ConversationState, turn: _Turn) -> StepResult:
    """The last result again (its kept estimate: nothing is priced twice)."""
    if state.last_scenario is None:
        return _reject(state, ParseError("error.not_computed"))
    result = _estimate(state, state.last_scenario, turn)
    if isinstance(result, StepResult):
        return result
    shown = state.model_copy(update={"phase": Phase.RESULT, "current": None, "pending": ()})
    return StepResult(shown, _result_replies(shown, result), result, record=False)


# --- saved estimates ----------------------------------------------------------------------


def _saved_list(entries: tuple[SavedEstimate, ...]) -> SavedList:
    actions = tuple(
        action for entry in entries for action in (f"open:@{entry.id}", f"delete:@{entry.id}")
    )
    return SavedList(entries, actions)


def _not_saved(state: ConversationState, arg: str) -> StepResult:
    missing_one = Notice("saved.not_found", {"number": arg.lstrip("#@") or "?"})
    return StepResult(state, (missing_one, *_prompt(state)))


def _open_saved(state: ConversationState, arg: str, turn: _Turn) -> StepResult:
    """A saved estimate again, as a result to ask about or change (its answers restored;
    it is priced again: the engine is deterministic, so the figures are the saved ones
    unless the rate cards changed since)."""
    found = find_saved(turn.saved, arg)
    if found is None or found[1].scenario is None:
        return _not_saved(state, arg)
    fresh = ConversationState(
        locale=state.locale,
        locale_locked=state.locale_locked,
        answers=answers_from_scenario(found[1].scenario),
    )
    reopened = _compute(fresh, turn, before=(Notice("saved.reopened"),))
    return replace(reopened, record=False)


def _delete_saved(state: ConversationState, arg: str, turn: _Turn) -> StepResult:
    found = find_saved(turn.saved, arg)
    if found is None:
        return _not_saved(state, arg)
    remaining = tuple(entry for entry in turn.saved if entry.id != found[1].id)
    replies = (Notice("saved.deleted"), _saved_list(remaining), *_prompt(state))
    return StepResult(state, replies, effects=(DeleteSaved(found[1].id),))


def _language(state: ConversationState, arg: str) -> StepResult:
    code = parse_locale(arg) if arg else None
    if code is None:
        pick = LanguagePick(tuple(f"language:{code}" for code in LOCALES))
        return StepResult(state, (pick, *_prompt(state)))
    switched = state.model_copy(update={"locale": code, "locale_locked": True})
    return StepResult(switched, _prompt(switched, Notice("language_set")))


def _back(state: ConversationState) -> StepResult:
    if state.phase is Phase.RESULT or (state.phase is Phase.ASKING and state.editing):
        return _summary(state)
    history = list(state.history)
    while history:
        previous = history.pop()
        if question(previous).when(state.answers):
            moved = state.model_copy(update={"history": tuple(history), "editing": False})
            return _ask(moved, previous)
    return _reject(state, ParseError("error.nothing_to_go_back"))


def _skip(state: ConversationState) -> StepResult:
    q = _current(state)
    if q is None or not q.optional:
        return _reject(state, ParseError("error.not_skippable"))
    return _accept(state, q, None)


def _done(state: ConversationState, turn: _Turn) -> StepResult:
    q = _current(state)
    if q is not None and q.kind is QuestionKind.MULTI:
        return _submit(state, None)
    if state.phase is Phase.SUMMARY:
        return _compute_command(state, turn)
    if q is not None:
        return _reject(state, ParseError("error.unknown_choice"), q)
    return StepResult(state, _prompt(state))


def _edit(state: ConversationState, arg: str) -> StepResult:
    target = _question_named(state, arg)
    if target is None:
        if not arg and missing(state.answers) is None:
            return _summary(state)
        return _reject(state, ParseError("error.unknown_question"))
    complete = missing(state.answers) is None
    if not complete and target.id not in state.answers and target.id != state.current:
        return _reject(state, ParseError("error.unknown_question"))
    history = state.history
    if not complete and state.current is not None and state.current != target.id:
        history = (*history, state.current)[-MAX_HISTORY:]
    moved = state.model_copy(update={"editing": complete, "history": history})
    return _ask(moved, target.id)


def _question_named(state: ConversationState, arg: str) -> Question | None:
    """``arg`` as a question id ("channels") or a question's label ("Kanały")."""
    if not arg:
        return None
    wanted = norm(arg)
    for q in relevant(state.answers):
        channel = channel_of(q.id)
        label = plain_label(state.locale, q.template, channel.value if channel else None)
        if wanted == q.id or (label is not None and wanted == norm(label)):
            return q
    return None


# --- computing ------------------------------------------------------------------------------


_FIELD_QUESTIONS = {
    "team_size": "team_size",
    "channels": "channels",
    "languages": "languages",
    "region": "region",
    "currency": "currency",
    "service_level": "service_level",
    "answer_seconds": "service_level",
    "current_monthly_cost": "current_cost",
    "kind": "kind",
}


def _question_for_field(state: ConversationState, field: str) -> str | None:
    """Which question produced an engine field ("volumes.0.aht_seconds" -> "aht_phone")."""
    parts = field.split(".")
    if parts[0] == "volumes" and len(parts) >= 2 and parts[1].isdigit():
        channels = state.answers.get("channels")
        if isinstance(channels, list) and int(parts[1]) < len(channels):
            prefix = "aht" if parts[-1] == "aht_seconds" else "volume"
            return f"{prefix}_{channels[int(parts[1])]}"
    if parts[0] == "coverage":
        return "timezone" if "timezone" in parts else "hours"
    return _FIELD_QUESTIONS.get(parts[0])


def _fix(state: ConversationState, question_id: str | None, error: ParseError) -> StepResult:
    """Send the user to the question whose answer the engine could not use."""
    if question_id is None or question_id not in QUESTION_IDS:
        return _reject(state, error)
    moved = state.model_copy(update={"editing": True})
    asked = _ask(moved, question_id)
    shown = _rejection(error, question(question_id), state.answers)
    return StepResult(asked.state, (shown, *asked.replies))


def _compute_command(state: ConversationState, turn: _Turn) -> StepResult:
    if missing(state.answers) is not None:
        return _reject(state, ParseError("error.not_ready"))
    return _compute(state, turn)


def _scenario(state: ConversationState) -> Scenario | StepResult:
    try:
        return scenario_from_answers(state.answers)
    except MissingAnswer as gap:
        return _ask(state, gap.question, lead=Notice("error.not_ready"))
    except ValidationError as exc:
        location = ".".join(str(part) for part in exc.errors()[0]["loc"])
        return _fix(state, _question_for_field(state, location), ParseError("error.inconsistent"))


def _estimate(state: ConversationState, scenario: Scenario, turn: _Turn) -> Estimate | StepResult:
    try:
        return turn.estimator(scenario)
    except UnknownRegion:
        return _fix(state, "region", ParseError("error.engine"))
    except UnknownCurrency:
        return _fix(state, "currency", ParseError("error.engine"))
    except InvalidScenario as exc:
        return _fix(state, _question_for_field(state, exc.field), ParseError("error.engine"))
    except RateCardError as exc:
        return _reject(state, ParseError("error.ratecard", {"reason": str(exc)[:200]}))
    except EngineError as exc:
        return _reject(state, ParseError("error.ratecard", {"reason": str(exc)[:200]}))


def _headline(estimate: Estimate) -> dict[str, str]:
    recommendation = estimate.recommendation
    return {
        "recommended": recommendation.model.value,
        "total": str(estimate.models[recommendation.model].monthly_total),
        "currency": estimate.currency,
    }


def _compute(
    state: ConversationState,
    turn: _Turn,
    *,
    lead: WhatIfApplied | None = None,
    whatif: bool = False,
    before: tuple[Message, ...] = (),
) -> StepResult:
    """Price the answers and show the result. A what-if keeps the original (the first
    result's answers and headline) to compare with and to go back to; any other compute
    makes this result the new original."""
    scenario = _scenario(state)
    if isinstance(scenario, StepResult):
        return scenario
    result = _estimate(state, scenario, turn)
    if isinstance(result, StepResult):
        return result
    update: dict[str, object] = {
        "phase": Phase.RESULT,
        "current": None,
        "pending": (),
        "editing": False,
        "last_scenario": scenario,
        "whatif": whatif and state.original is not None,
    }
    if not update["whatif"]:
        update.update(original=dict(state.answers), original_result=_headline(result))
    shown = state.model_copy(update=update)
    replies: tuple[Message, ...] = before
    if lead is not None:
        original = state.original_result if shown.whatif else None
        replies = (*replies, _compared(lead, original, result))
    replies = (*replies, *_result_replies(shown, result))
    return StepResult(shown, replies, result)


def _compared(
    lead: WhatIfApplied, original: dict[str, str] | None, result: Estimate
) -> WhatIfApplied:
    """The what-if's lead line with the comparison to the original result."""
    if original is None:
        return lead
    return WhatIfApplied(
        lead.answers,
        lead.changed,
        lead.volume_change,
        original=original,
        now=_headline(result),
        actions=("original",),
    )


def _result_replies(state: ConversationState, result: Estimate) -> tuple[Message, ...]:
    """The result with its follow-ups, then the outsourcing alternatives to try."""
    around_the_clock = result.scenario.coverage.preset is HoursPreset.TWENTY_FOUR_SEVEN
    actions = result_actions(around_the_clock=around_the_clock)
    if state.whatif:
        actions = (*actions[:-1], "original", actions[-1])
    scenario = result.scenario
    alternatives = outsourcing_actions(scenario.outsourcing.value, scenario.destination)
    return (Result(result, actions), Notice("outsourcing.try", actions=alternatives))


def _back_to_original(state: ConversationState, turn: _Turn) -> StepResult:
    if state.original is None or state.phase is not Phase.RESULT:
        return _reject(state, ParseError("error.not_computed"))
    restored = state.model_copy(update={"answers": dict(state.original), "whatif": False})
    return _compute(restored, turn, before=(Notice("whatif.original"),))


def _explain(state: ConversationState, which: str, turn: _Turn) -> StepResult:
    if state.phase is not Phase.RESULT or state.last_scenario is None:
        return _reject(state, ParseError("error.not_computed"))
    result = _estimate(state, state.last_scenario, turn)
    if isinstance(result, StepResult):
        return result
    view = ExplanationView(which)
    actions = WHY_ACTIONS if view is ExplanationView.WHY else DETAILS_ACTIONS
    return StepResult(state, (Explanation(result, view, actions),))


# --- one-line requests in a conversation -----------------------------------------------------


def _quick(state: ConversationState, text: str, turn: _Turn) -> StepResult:
    """A one-line request: what it says fills the answers. With a place and a size the
    estimate follows at once; otherwise the conversation asks just for what is missing,
    everything read already filled in. Nothing understood: the usual greeting."""
    line_command = quick_command(text)
    if line_command is not None:  # "/estimate list": the user's saved estimates, their data
        return _command(_opened(state), line_command, turn)
    command = command_of(text)
    try:
        request = read_request(text, state.locale)
    except QuickParseError as error:
        refused = QuickNeeds(error.key, dict(error.params), None, command)
        return StepResult(state, (refused, *(_prompt(state) if state.answers else ())))
    if not request.reading.shown:
        needs = QuickNeeds("quick.empty", {}, None, command)
        if state.answers:
            return StepResult(state, (needs, *_prompt(state)))
        opened = _begin(state, "greeting")
        return StepResult(opened.state, (needs, *opened.replies))
    fresh = ConversationState(
        locale=state.locale,
        locale_locked=state.locale_locked,
        answers=request.answers,
        history=(),
    )
    gap = missing(request.answers)
    if gap is None:
        return _compute(fresh, turn, before=(request.reading,))
    lead = Notice("quick.asking")
    asked = _ask(fresh, gap, lead=lead)
    return StepResult(asked.state, (request.reading, *asked.replies))


# --- what if --------------------------------------------------------------------------------


def _whatif(state: ConversationState, arg: str, turn: _Turn) -> StepResult:
    if state.phase is not Phase.RESULT:
        return _reject(state, ParseError("error.not_computed"))
    if not arg:
        return StepResult(state, _suggest(state))
    try:
        answers, changed, change = _apply_whatif(state.answers, arg)
    except ParseError as error:
        return _reject(state, error)
    answers = _defaults_for_optional_gaps(answers)
    moved = state.model_copy(update={"answers": answers})
    gap = missing(answers)
    if gap is not None:
        return _ask(moved.model_copy(update={"editing": True}), gap)
    lead = _applied(moved, changed, change) or WhatIfApplied(dict(moved.answers))
    return _compute(moved, turn, lead=lead, whatif=True)


def _defaults_for_optional_gaps(answers: dict[str, JsonValue]) -> dict[str, JsonValue]:
    """A what-if changes only what it names: an optional question it opens ("what if
    business hours" after 24/7 opens the time zone) takes its default, as if skipped; only
    a question that has no default (custom hours) is asked."""
    filled = dict(answers)
    while (gap := missing(filled)) is not None and question(gap).optional:
        filled[gap] = None
    return filled


def _suggest(state: ConversationState) -> tuple[Message, ...]:
    return (Notice("whatif.suggest", actions=_next_actions(state)),)


def _applied(
    state: ConversationState, changed: list[str], change: Decimal | None
) -> WhatIfApplied | None:
    """What the what-if changed, for the lead line above the new result (None: nothing
    that applies to this scenario changed)."""
    if change is not None:
        return WhatIfApplied(dict(state.answers), volume_change=change)
    shown = tuple(qid for qid in changed if question(qid).when(state.answers))
    return WhatIfApplied(dict(state.answers), shown) if shown else None


def _apply_whatif(
    answers: Answers, arg: str
) -> tuple[dict[str, JsonValue], list[str], Decimal | None]:
    """The answers after one change: ``hours=24x7``, ``volume=+20%``, ``<question>=<text>``
    or free text ("24/7", "20% more calls", "12 agents", "UK")."""
    key, separator, raw = arg.partition("=")
    name = norm(key)
    if (separator and name == "volume") or (not separator and parse_volume_change(arg)):
        found = parse_volume_change(raw if separator else arg)
        if found is None:
            raise ParseError("error.bad_whatif")
        return _scaled(answers, found.change), ["volume"], found.change
    if separator and name in QUESTION_IDS:
        q = question(name)
        value = q.parse(raw)
        updated = {**answers, q.id: value}
        return updated, [q.id], None
    if separator:
        raise ParseError("error.bad_whatif")
    try:
        fields = read_fields(arg)
    except QuickParseError as error:
        raise ParseError("error.bad_whatif") from error
    if fields.empty():
        raise ParseError("error.bad_whatif")
    return _merge_fields(answers, fields)


def _reparse(question_id: str, value: Decimal) -> JsonValue:
    """A number a what-if computed, as an answer read by the question's own parser, so a
    result out of the question's range is refused for the same reason a typed one is."""
    return question(question_id).parse(plain_text(value))


def _scaled(answers: Answers, change: Decimal) -> dict[str, JsonValue]:
    """The workload scaled by ``1 + change``: the team size, else each channel's volume."""
    factor = 1 + change
    updated = dict(answers)
    if answers.get("sizing") == "team":
        size = Decimal(str(answers.get("team_size", 1))) * factor
        updated["team_size"] = _reparse("team_size", rounded(size))
        return updated
    channels = answers.get("channels")
    for channel in channels if isinstance(channels, list) else []:
        key = f"volume_{channel}"
        if isinstance(answers.get(key), str):
            updated[key] = _reparse(key, rounded(Decimal(str(answers[key])) * factor))
    return updated


def _merge_fields(
    answers: Answers, fields: Fields
) -> tuple[dict[str, JsonValue], list[str], Decimal | None]:
    """The answers after a typed what-if: only what it names changes. A channel named as a
    volume's unit ("8000 calls") changes that volume, not the channel list; a total without
    a channel keeps today's mix; a new team size drops today's cost (it was for the old
    team: the new team priced as it is becomes "today")."""
    updated: dict[str, JsonValue] = dict(answers)
    changed: list[str] = []

    def put(question_id: str, value: JsonValue) -> None:
        if updated.get(question_id) != value or question_id not in answers:
            changed.append(question_id)
        updated[question_id] = value

    for name in ("kind", "region", "timezone", "currency"):
        value = getattr(fields, name)
        if value is not None:
            put(name, value)
    for name in ("pooling", "agent_languages", "outsourcing", "destination"):
        value = getattr(fields, name)
        if value is not None:
            put(name, value)
    if isinstance(fields.hours, list):
        put("hours", HoursPreset.CUSTOM.value)
        put("hours_custom", list[JsonValue](list[JsonValue](w) for w in fields.hours))
    elif fields.hours is not None:
        put("hours", fields.hours)
    if fields.channels:
        put("channels", list[JsonValue](fields.channels))
    if fields.languages:
        put("languages", list[JsonValue](fields.languages))
    if fields.service_level is not None:
        put("service_level", dict[str, JsonValue](fields.service_level))
    if fields.current_cost is not None:
        put("current_cost", _reparse("current_cost", fields.current_cost))
    if fields.team_size is not None:
        updated["sizing"] = "team"
        put("team_size", _reparse("team_size", fields.team_size))
        if answers.get("current_cost") is not None and fields.current_cost is None:
            put("current_cost", None)
    if fields.users is not None:
        updated["sizing"] = "users"
        put("users", _reparse("users", fields.users))
    if fields.volumes:
        _merge_volumes(answers, updated, fields, put)
    return updated, changed, None


def _merge_volumes(
    answers: Answers,
    updated: dict[str, JsonValue],
    fields: Fields,
    put: Callable[[str, JsonValue], None],
) -> None:
    chosen = updated.get("channels")
    channels = [str(c) for c in chosen] if isinstance(chosen, list) else []
    named = [channel for channel, _ in fields.volumes if channel is not None]
    for channel in named:
        if channel not in channels:
            channels.append(channel)
            put("channels", list[JsonValue](channels))
    generic = [amount for channel, amount in fields.volumes if channel is None]
    current = {
        channel: Decimal(str(answers[f"volume_{channel}"]))
        for channel in channels
        if answers.get("sizing") == "volume" and isinstance(answers.get(f"volume_{channel}"), str)
    }
    open_channels = [channel for channel in channels if channel not in named]
    if len(generic) == 1 and not named and current and set(current) == set(open_channels):
        total = sum(current.values(), Decimal(0))
        updated["sizing"] = "volume"
        for channel, amount in current.items():  # today's mix, scaled to the new total
            put(
                f"volume_{channel}",
                _reparse(f"volume_{channel}", rounded(generic[0] * amount / total)),
            )
        return
    try:
        volumes, _ = volume_answers(fields, channels)
    except QuickParseError as error:
        raise ParseError("error.bad_whatif") from error
    updated["sizing"] = "volume"
    for question_id, value in volumes.items():
        put(question_id, value)
