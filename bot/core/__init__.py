"""The conversation core: neutral events in, structured replies out, no platform, no words.

- :func:`step` (``bot.core.machine``): the pure state machine of the guided dialogue;
- :mod:`bot.core.replies`: what ``step`` answers with (Ask, Rejection, Summary, Result...),
  plain data that ``bot.render`` words per locale (``bot.turn.run_turn`` does both);
- :class:`ConversationState` (``bot.core.state``): what is saved between two messages;
- :data:`QUESTIONS` (``bot.core.questions``): every question, defined once;
- :func:`parse_quick` / :func:`quick_reply` (``bot.core.quick``): ``/estimate`` in one line;
- :data:`FORM_FIELDS` / :func:`validate_form` (``bot.core.form``): the one-screen form.

The core never imports the renderer (an import-linter contract in ``pyproject.toml``). The
machine, the quick reader and the form import the engine and build vocabularies from CLDR,
so they are loaded on first use (PEP 562) to keep ``import bot.core.events`` light.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from bot.core.errors import CoreError, ParseError, QuickParseError
from bot.core.events import (
    Choice,
    Command,
    Event,
    FormSubmit,
    Image,
    Pick,
    Reply,
    ReplyKind,
    Start,
    Submit,
    Text,
    Toggle,
)

if TYPE_CHECKING:
    from bot.core.commands import COMMANDS, command_from_text, split_action
    from bot.core.form import FORM_FIELDS, FormField, FormResult, validate_form
    from bot.core.machine import Estimator, StepResult, step
    from bot.core.questions import QUESTION_IDS, QUESTIONS, Question, QuestionKind
    from bot.core.quick import QuickRequest, parse_quick, quick_reply
    from bot.core.replies import Message
    from bot.core.state import ConversationState, Phase

__all__ = [
    "COMMANDS",
    "FORM_FIELDS",
    "QUESTIONS",
    "QUESTION_IDS",
    "Choice",
    "Command",
    "ConversationState",
    "CoreError",
    "Estimator",
    "Event",
    "FormField",
    "FormResult",
    "FormSubmit",
    "Image",
    "Message",
    "ParseError",
    "Phase",
    "Pick",
    "Question",
    "QuestionKind",
    "QuickParseError",
    "QuickRequest",
    "Reply",
    "ReplyKind",
    "Start",
    "StepResult",
    "Submit",
    "Text",
    "Toggle",
    "command_from_text",
    "parse_quick",
    "quick_reply",
    "split_action",
    "step",
    "validate_form",
]

_LAZY: dict[str, str] = {
    "COMMANDS": "bot.core.commands",
    "command_from_text": "bot.core.commands",
    "split_action": "bot.core.commands",
    "FORM_FIELDS": "bot.core.form",
    "FormField": "bot.core.form",
    "FormResult": "bot.core.form",
    "validate_form": "bot.core.form",
    "Message": "bot.core.replies",
    "Estimator": "bot.core.machine",
    "StepResult": "bot.core.machine",
    "step": "bot.core.machine",
    "QUESTIONS": "bot.core.questions",
    "QUESTION_IDS": "bot.core.questions",
    "Question": "bot.core.questions",
    "QuestionKind": "bot.core.questions",
    "QuickRequest": "bot.core.quick",
    "parse_quick": "bot.core.quick",
    "quick_reply": "bot.core.quick",
    "ConversationState": "bot.core.state",
    "Phase": "bot.core.state",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'bot.core' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
