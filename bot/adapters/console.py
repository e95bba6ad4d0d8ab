"""The terminal adapter: the whole conversation on stdin/stdout (errbot's ``text`` backend).

Like every adapter it only translates, both ways:

- :func:`to_events`: one typed line -> core events. A number picks the Nth numbered option
  of the last turn (a choice becomes :class:`Pick` or, on a multi-select, :class:`Toggle`; an
  action becomes :class:`Command`); "done" or an empty line on a multi-select submits it;
  several numbers ("1 3" or "1,3") toggle several options; anything else is :class:`Text`
  for the core's own parser (which understands "back", "why?", "what if 24/7"...).
- :class:`ConsoleView`: replies -> printed text with numbered options, in colour only when
  stdout is a terminal (plain when piped, so scripts and tests read it), and PNG attachments
  saved to a folder with their path printed.

:class:`ConsoleAdapter` ties the two to a :class:`~bot.core.ports.Conversations` service and
runs the read-eval-print loop; :mod:`bot.entrypoints.chat` wires it to ``sourcewise chat``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from rich.console import Console
from rich.text import Text as RichText

from bot.core.events import (
    Choice,
    Command,
    Event,
    Image,
    Pick,
    Reply,
    ReplyKind,
    Start,
    Submit,
    Text,
    Toggle,
)
from bot.core.ports import ConversationKey, Conversations

__all__ = [
    "DONE_WORDS",
    "PROMPT",
    "ConsoleAdapter",
    "ConsoleView",
    "Numbered",
    "number_options",
    "run_loop",
    "to_events",
]

#: Printed (and flushed) whenever the adapter waits for a line: scripts wait for it.
PROMPT = "> "

#: Words that finish a multi-select in any locale (the core accepts more as text).
DONE_WORDS = frozenset({"done", "ok", "gotowe", "koniec", "完成", "好了", "好"})

_NUMBERS = re.compile(r"\d+(?:\s*[,;\s]\s*\d+)*")

_STYLE = {
    ReplyKind.QUESTION: "bold",
    ReplyKind.ERROR: "bold red",
    ReplyKind.SUMMARY: "cyan",
    ReplyKind.RESULT: "green",
    ReplyKind.INFO: "",
}


@dataclass(frozen=True, slots=True)
class Numbered:
    """One numbered option of a turn: a choice of ``reply`` or one of its actions."""

    number: int
    reply: Reply
    option: Choice
    action: bool


def number_options(replies: Sequence[Reply]) -> tuple[Numbered, ...]:
    """Number the choices, then the actions, of every reply in a turn, from 1 on."""
    numbered: list[Numbered] = []
    for reply in replies:
        for option in reply.choices:
            numbered.append(Numbered(len(numbered) + 1, reply, option, action=False))
        for option in reply.actions:
            numbered.append(Numbered(len(numbered) + 1, reply, option, action=True))
    return tuple(numbered)


def _command(value: str) -> Command:
    name, _, arg = value.partition(":")
    return Command(name, arg)


def _open_multi(replies: Sequence[Reply]) -> Reply | None:
    """The multi-select question the user is answering, if the last turn asked one."""
    for reply in reversed(replies):
        if reply.kind is ReplyKind.QUESTION:
            return reply if reply.multi and reply.question else None
    return None


def to_events(line: str, replies: Sequence[Reply]) -> tuple[Event, ...]:
    """Translate one typed line, given the replies of the last turn (pure, no I/O)."""
    text = line.strip()
    multi = _open_multi(replies)
    if multi is not None and multi.question and (not text or text.casefold() in DONE_WORDS):
        return (Submit(multi.question),)
    if not text:
        return ()
    if _NUMBERS.fullmatch(text) is None:
        return (Text(text),)
    options = {item.number: item for item in number_options(replies)}
    picked = [options.get(int(part)) for part in re.split(r"[,;\s]+", text)]
    if any(item is None for item in picked):
        return (Text(text),)  # a plain number answer ("25000"), not an option
    chosen = [item for item in picked if item is not None]
    if len(chosen) > 1 and not all(
        item.reply.multi and not item.action and item.reply is chosen[0].reply for item in chosen
    ):
        return (Text(text),)
    return tuple(_event(item) for item in chosen)


def _event(item: Numbered) -> Event:
    reply, value = item.reply, item.option.value
    if item.action:
        if value == "done" and reply.multi and reply.question:
            return Submit(reply.question)
        return _command(value)
    question = reply.question or ""
    return Toggle(question, value) if reply.multi else Pick(question, value)


class ConsoleView:
    """Prints replies: text, numbered options, saved images (colour only on a terminal)."""

    def __init__(self, out: TextIO, image_dir: Path, *, colour: bool | None = None) -> None:
        self._out = out
        self._image_dir = image_dir
        terminal = out.isatty() if colour is None else colour
        self._console = Console(
            file=out,
            force_terminal=terminal,
            no_color=not terminal,
            highlight=False,
            soft_wrap=True,
            emoji=False,
        )

    def show(self, replies: Sequence[Reply]) -> None:
        numbered = iter(number_options(replies))
        for reply in replies:
            self._console.print(RichText(reply.text, style=_STYLE[reply.kind]))
            for option in reply.choices:
                mark = ""
                if reply.multi:
                    mark = "[x] " if option.value in reply.selected else "[ ] "
                line = f"  {next(numbered).number}) {mark}{option.label}"
                self._console.print(RichText(line))
            for option in reply.actions:
                line = f"  {next(numbered).number}) {option.label}"
                self._console.print(RichText(line, style="dim"))
            if reply.image is not None:
                path = self.save_image(reply.image)
                self._console.print(RichText(f"  [{reply.image.alt}]\n  {path}", style="dim"))
            self._console.print()
        self._out.flush()

    def save_image(self, image: Image) -> Path:
        """Write the PNG under a name derived from its bytes (same chart, same file)."""
        self._image_dir.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256(image.png).hexdigest()[:12]
        path = self._image_dir / f"{digest}-{image.filename}"
        if not path.exists():
            path.write_bytes(image.png)
        return path

    def notice(self, text: str) -> None:
        self._console.print(RichText(text, style="dim"))
        self._out.flush()

    def prompt(self) -> None:
        self._out.write(PROMPT)
        self._out.flush()


class ConsoleAdapter:
    """One user's conversation at a terminal: read a line, hand it to the core, print.

    ``read_line`` returns the next line, or None at end of input. The loop is synchronous
    around an ``await`` per turn so that Ctrl-C while waiting for input interrupts a plain
    read, never a half-finished database transaction.
    """

    def __init__(
        self,
        conversations: Conversations,
        key: ConversationKey,
        view: ConsoleView,
        *,
        locale: str | None = None,
    ) -> None:
        self._conversations = conversations
        self._key = key
        self._view = view
        self._locale = locale
        self._last: tuple[Reply, ...] = ()

    @property
    def last_replies(self) -> tuple[Reply, ...]:
        return self._last

    async def start(self) -> None:
        """Begin or resume: the core greets a new user or re-asks the pending question."""
        await self._send((Start(self._locale),))

    async def feed(self, line: str) -> None:
        """Handle one typed line (zero or more events)."""
        await self._send(to_events(line, self._last))

    async def _send(self, events: Iterable[Event]) -> None:
        replies: list[Reply] = []
        for event in events:
            turn = await self._conversations.handle(self._key, event, locale=self._locale)
            replies = list(turn.replies) or replies
        if replies:
            self._last = tuple(replies)
            self._view.show(self._last)


def run_loop(
    adapter: ConsoleAdapter,
    view: ConsoleView,
    read_line: Callable[[], str | None],
    run: Callable[..., object],
) -> None:
    """Drive ``adapter`` until end of input; ``run`` runs one coroutine to completion."""
    run(adapter.start())
    while True:
        view.prompt()
        line = read_line()
        if line is None:
            return
        run(adapter.feed(line))
