"""The conversation core's exceptions, one root so the service can catch what the core raises.

    CoreError
    └── ParseError(key, params)          an answer was rejected; ``key`` names the catalogue
        │                                 text that explains why, ``params`` fill it in
        └── QuickParseError(key, params)  a one-line ``/estimate`` request was not understood

A rejected answer is an ordinary event in a conversation, not a failure: the machine turns a
:class:`ParseError` into a localized ERROR reply plus the re-asked question. That is why the
error carries a catalogue key and JSON-able parameters instead of an English sentence: the
same rejection reads correctly in English, Polish and Chinese.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.render.catalog import lookup

__all__ = ["CoreError", "ParseError", "QuickParseError"]

#: Parameter values a message may be filled with (numbers are formatted by Babel filters).
ParamValue = str | int | float


class CoreError(Exception):
    """Root of every error the conversation core raises on purpose."""


class ParseError(CoreError):
    """An input was rejected. ``key`` is a catalogue key such as ``"error.too_large"``."""

    def __init__(self, key: str, params: Mapping[str, ParamValue] | None = None) -> None:
        self.key = key
        self.params: dict[str, ParamValue] = dict(params or {})
        super().__init__(key if not self.params else f"{key} {self.params}")

    def message(self, locale: str) -> str:
        """The explanation in ``locale`` (the question's example is added by the caller)."""
        return lookup(locale, self.key, **self.params)


class QuickParseError(ParseError):
    """A one-line estimate request could not be understood; the message ends with the
    grammar example so the user can fix the line in one go."""

    def message(self, locale: str) -> str:
        explanation = lookup(locale, self.key, **self.params)
        return f"{explanation}\n{lookup(locale, 'quick.grammar')}"
