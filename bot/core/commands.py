"""Commands: their names, the words that type them, and the what-if arguments they carry.

Buttons send :class:`~bot.core.events.Command` events directly (an action value
``"edit:channels"`` becomes ``Command("edit", "channels")`` by splitting on the first
colon). Typed text reaches the same commands through :func:`command_from_text`, which knows
the command words of every locale ("back", "wstecz", "返回"), with or without a slash
("/back", "/back@SourcewiseBot") and trailing question marks ("why?", "为什么？"), and the
commands that take an argument: "language pl", "język polski", "what if 24/7",
"a co jeśli 24/7", "如果24/7".

This module never raises: text that is not a command is simply ``None`` here and is then
read as an answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from bot.core.events import Command
from bot.core.locales import LOCALES
from bot.core.vocab import norm, vocabulary

__all__ = [
    "COMMANDS",
    "VolumeChange",
    "command_from_text",
    "parse_locale",
    "parse_volume_change",
    "split_action",
]

#: Every command name the core understands (adapters and renderers use these values).
COMMANDS: tuple[str, ...] = (
    "start",
    "back",
    "skip",
    "cancel",
    "restart",
    "help",
    "language",
    "compute",
    "done",
    "edit",
    "why",
    "details",
    "whatif",
    "last",
    "new",
    "original",
    "resume",
    "saved",
    "forget",
    "open",
    "delete",
)

#: Commands whose words may be followed by an argument.
_WITH_ARGUMENT = ("whatif", "language", "edit", "open", "delete")
#: Commands whose argument is a saved estimate: its number in the list ("2", "#2") or its id
#: ("@41"). Anything else after their word is no command ("open 24/7" answers the hours).
_SAVED_ARGUMENT = re.compile(r"[#@]?\d{1,18}")
_TRAILING = "?!.？！。 "
_MAX_COMMAND_CHARS = 200


def split_action(value: str) -> Command:
    """An action value ("whatif:volume=+20%") as the command a pressed button means."""
    name, _, arg = value.partition(":")
    return Command(name, arg)


def command_from_text(text: str) -> Command | None:
    """The command typed as ``text``, or ``None`` when it is not a command."""
    if len(text) > _MAX_COMMAND_CHARS:
        return None
    normed = norm(text)
    if normed.startswith("/"):
        normed = re.sub(r"^/(\S+?)@\S+", r"\1", normed) if "@" in normed else normed[1:]
        normed = normed.replace("_", " ", 1) if normed.startswith("what_if") else normed
    if normed in ("?", "？"):
        return Command("help")
    bare = normed.rstrip(_TRAILING)
    vocab = vocabulary()
    name = vocab.get("command", bare)
    if name is not None:
        return Command(name)
    for word, found in sorted(vocab.table("command").items(), key=lambda kv: -len(kv[0])):
        if found not in _WITH_ARGUMENT or not normed.startswith(word):
            continue
        rest = normed[len(word) :]
        if word[-1].isascii() and rest[:1] not in (" ", ":", "="):
            continue  # "languages" is not "language" + "s"
        arg = rest.strip(" :=").rstrip(_TRAILING)
        if not arg:
            return Command(found)
        if found == "language":
            code = parse_locale(arg)
            return Command("language", code) if code else None
        if found in ("open", "delete"):
            return Command(found, arg) if _SAVED_ARGUMENT.fullmatch(arg) else None
        return Command(found, arg)
    return None


def parse_locale(text: str) -> str | None:
    """A template locale from a code or a language name ("pl", "polski", "中文", "English")."""
    wanted = norm(text).rstrip(_TRAILING)
    if wanted in LOCALES:
        return wanted
    base = wanted.replace("_", "-").split("-")[0]
    if base in LOCALES:
        return base
    found = vocabulary().get("language", wanted)
    return found if found in LOCALES else None


@dataclass(frozen=True, slots=True)
class VolumeChange:
    """A relative change of the workload: ``Decimal("0.2")`` is 20% more."""

    change: Decimal


_PERCENT = re.compile(r"([+\-−]?)\s*([0-9]{1,3}(?:[.,][0-9]+)?)\s*%")


def parse_volume_change(text: str) -> VolumeChange | None:
    """ "+20%", "20% more calls", "o 20% więcej", "增加20%", "-10%" -> a change; else None."""
    normed = norm(text)
    found = _PERCENT.search(normed)
    if not found:
        return None
    try:
        amount = Decimal(found.group(2).replace(",", ".")) / 100
    except InvalidOperation:  # pragma: no cover - the pattern only lets digits through
        return None
    vocab = vocabulary()
    directions = {match.value for match in vocab.scan("change", normed)}
    sign = found.group(1)
    if sign in ("-", "−") or directions == {"less"}:
        amount = -amount
    elif not sign and directions != {"more"}:
        return None
    if amount == 0 or amount <= -1 or amount > 10:
        return None
    return VolumeChange(amount)
