"""The conversation core's exceptions, one root so the service can catch what the core raises.

    CoreError
    └── ParseError(key, params)          an answer was rejected; ``key`` names the catalogue
        │                                 text that explains why, ``params`` fill it in
        └── QuickParseError(key, params)  a one-line ``/estimate`` request was not understood

A rejected answer is an ordinary event in a conversation, not a failure: the machine turns a
:class:`ParseError` into a :class:`~bot.core.replies.Rejection` plus the re-asked question.
That is why the error carries a catalogue key and JSON-able parameters instead of an English
sentence: the renderer (``bot.render.conversation.error_text``) words the same rejection in
English, Polish and Chinese.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

__all__ = ["CoreError", "ParamValue", "ParseError", "QuickParseError"]

#: Parameter values a message may be filled with (numbers are formatted by Babel filters).
ParamValue = str | int | float | Decimal


class CoreError(Exception):
    """Root of every error the conversation core raises on purpose."""


class ParseError(CoreError):
    """An input was rejected. ``key`` is a catalogue key such as ``"error.too_large"``."""

    def __init__(self, key: str, params: Mapping[str, ParamValue] | None = None) -> None:
        self.key = key
        self.params: dict[str, ParamValue] = dict(params or {})
        super().__init__(key if not self.params else f"{key} {self.params}")


class QuickParseError(ParseError):
    """A one-line estimate request could not be understood; its explanation ends with the
    grammar example so the user can fix the line in one go."""
