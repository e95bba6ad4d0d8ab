"""The Telegram adapter's own words: chrome no core reply carries.

The core renders every question, answer and result; the adapter only adds Telegram chrome
(the "Done" under a multi-select, the stale-button notice, the group pointer, the command
menu, the notice that /handoff is off). Those live as data in
``templates/<locale>/telegram.toml`` beside the core's templates, so translators find every
string of a locale in one folder.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from functools import cache
from importlib.resources import files
from types import MappingProxyType
from typing import Any

from bot.render.env import DEFAULT_LOCALE, LOCALES, normalize_locale

__all__ = ["COMMANDS", "TelegramStrings", "strings"]

#: The command menu, in the order Telegram shows it ("handoff" only when it is enabled).
COMMANDS: tuple[str, ...] = ("start", "estimate", "back", "cancel", "language", "help", "handoff")


@dataclass(frozen=True, slots=True)
class TelegramStrings:
    locale: str
    done: str
    stale: str
    group_pointer: str
    open_private: str
    inline_open: str
    failed: str
    handoff_disabled: str
    handoff_cancelled: str
    commands: MappingProxyType[str, str]


def _load(locale: str) -> dict[str, Any]:
    path = files("templates").joinpath(locale, "telegram.toml")
    return tomllib.loads(path.read_text(encoding="utf-8"))


@cache
def strings(locale: str | None) -> TelegramStrings:
    """The chrome for ``locale`` ("pl-PL", "zh-hans", None...), English for anything missing."""
    code = normalize_locale(locale)
    base = _load(DEFAULT_LOCALE)
    own = _load(code) if code != DEFAULT_LOCALE and code in LOCALES else {}
    merged = {**base, **{k: v for k, v in own.items() if isinstance(v, str)}}
    commands = {**base["commands"], **own.get("commands", {})}
    texts = {
        f.name: merged[f.name]
        for f in fields(TelegramStrings)
        if f.name not in ("locale", "commands")
    }
    return TelegramStrings(
        locale=code,
        commands=MappingProxyType({name: str(commands[name]) for name in COMMANDS}),
        **texts,
    )
