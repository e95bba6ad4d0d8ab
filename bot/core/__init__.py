"""The conversation core: neutral events in, neutral replies out, no platform in sight.

- :func:`step` (``bot.core.machine``): the pure state machine of the guided dialogue;
- :class:`ConversationState` (``bot.core.state``): what is saved between two messages;
- :data:`QUESTIONS` (``bot.core.questions``): every question, defined once;
- :func:`parse_quick` / :func:`answer_quick` (``bot.core.quick``): ``/estimate`` in one line;
- :data:`FORM_FIELDS` / :func:`validate_form` (``bot.core.form``): the one-screen form.

The machine, the quick reader and the form import the engine and the renderers, which in
turn import :mod:`bot.core.events`; so they are loaded on first use (PEP 562) to keep
``import bot.core.events`` light and free of import cycles.
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
    from bot.core.form import (
        FORM_FIELDS,
        FormField,
        FormFieldView,
        FormResult,
        form_fields,
        validate_form,
    )
    from bot.core.machine import Estimator, StepResult, step
    from bot.core.questions import QUESTION_IDS, QUESTIONS, Question, QuestionKind
    from bot.core.quick import QuickRequest, answer_quick, parse_quick
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
    "FormFieldView",
    "FormResult",
    "FormSubmit",
    "Image",
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
    "answer_quick",
    "command_from_text",
    "form_fields",
    "parse_quick",
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
    "FormFieldView": "bot.core.form",
    "FormResult": "bot.core.form",
    "form_fields": "bot.core.form",
    "validate_form": "bot.core.form",
    "Estimator": "bot.core.machine",
    "StepResult": "bot.core.machine",
    "step": "bot.core.machine",
    "QUESTIONS": "bot.core.questions",
    "QUESTION_IDS": "bot.core.questions",
    "Question": "bot.core.questions",
    "QuestionKind": "bot.core.questions",
    "QuickRequest": "bot.core.quick",
    "answer_quick": "bot.core.quick",
    "parse_quick": "bot.core.quick",
    "ConversationState": "bot.core.state",
    "Phase": "bot.core.state",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'bot.core' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
