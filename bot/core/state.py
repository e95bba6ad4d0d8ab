"""Everything a conversation remembers between two messages, as one JSON-friendly value.

The store saves ``state.model_dump(mode="json")`` and loads it back with
``ConversationState.model_validate``; nothing else survives between turns, so the machine
can stay a pure function of (state, event). The model is frozen: a rejected answer simply
returns the very same object, which is how "a bad value loses nothing" is guaranteed.

Answers are stored as plain JSON values (text, numbers, lists, small objects) keyed by
question id; ``None`` means "skipped, use the default". A key being present means the
question was dealt with, so back/edit can revisit it without losing the others.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, JsonValue

from costengine.scenario import Scenario

__all__ = ["STATE_VERSION", "ConversationState", "Phase"]

#: Bumped when the shape changes incompatibly; stores may drop states of another version.
STATE_VERSION = 1


class Phase(StrEnum):
    ASKING = "asking"  # a question is open (``current``)
    SUMMARY = "summary"  # every answer shown, waiting for compute or edit
    RESULT = "result"  # an estimate was shown; why/details/what-if are open
    CANCELLED = "cancelled"  # the user cancelled; start/restart begins again


class ConversationState(BaseModel):
    """One user's conversation. Build new states with ``model_copy(update=...)``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: int = STATE_VERSION
    locale: str = "en"
    locale_locked: bool = False  # the user chose a language: ignore the platform's hint
    phase: Phase = Phase.ASKING
    current: str | None = None  # the open question's id while ASKING
    answers: dict[str, JsonValue] = {}
    history: tuple[str, ...] = ()  # questions answered on the way here, for "back"
    pending: tuple[str, ...] = ()  # multi-select values toggled on, not yet submitted
    editing: bool = False  # the open question was opened from the summary
    last_scenario: Scenario | None = None  # what the last result was computed from
    #: The answers of the first result before any what-if, and that result's headline
    #: (``recommended``, ``total``, ``currency``): what-ifs compare with it and "back to
    #: the original" restores it.
    original: dict[str, JsonValue] | None = None
    original_result: dict[str, str] | None = None
    whatif: bool = False  # the result shown is a what-if of the original
    #: A command waiting for "yes" ("restart", "cancel"): nothing is wiped unasked.
    confirm: str | None = None
    resume: Phase | None = None  # the phase a cancelled conversation continues in
