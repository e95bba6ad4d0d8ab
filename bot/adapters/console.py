"""The terminal adapter: the whole conversation on stdin/stdout (errbot's ``text`` backend).

Like every adapter it only translates, both ways:

- :func:`to_events`: one typed line -> core events. Choices are numbered and actions
  lettered (:func:`options_of`): a number picks a choice (:class:`Pick`, or :class:`Toggle`
  on a multi-select; "1 3" toggles two), a letter runs an action (:class:`Command`); "done"
  or an empty line submits a multi-select; anything else, including a number that is no
  choice ("25000"), is :class:`Text` for the core's own parser (which also understands
  "back", "why?", "what if 24/7"...).
- :class:`ConsoleView`: replies -> printed text with numbered options, in colour only when
  stdout is a terminal (plain when piped, so scripts and tests read it), and PNG attachments
  saved to a folder with their path printed.

:class:`ConsoleAdapter` ties the two to a :class:`~bot.core.ports.Conversations` service and
runs the read-eval-print loop; :mod:`bot.entrypoints.chat` wires it to ``sourcewise chat``.
"""

from __future__ import annotations

import hashlib
import re
import string
import tomllib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cache
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
    Quick,
    Reply,
    ReplyKind,
    Start,
    Submit,
    Text,
    Toggle,
)
from bot.core.ports import ConversationKey, Conversations
from bot.render.env import DEFAULT_LOCALE, normalize_locale, renderer

__all__ = [
    "CONSOLE_FILE",
    "DONE_WORDS",
    "PROMPT",
    "ConsoleAdapter",
    "ConsoleView",
    "Option",
    "console_text",
    "options_of",
    "run_loop",
    "to_events",
]

#: The console's own words in every ``templates/<locale>/`` folder.
CONSOLE_FILE = "console.toml"

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
class Option:
    """One selectable line of a turn: a choice ("1", "2"...) or an action ("a", "b"...)."""

    key: str
    reply: Reply
    option: Choice
    action: bool


def _letters() -> Iterator[str]:
    yield from string.ascii_lowercase
    for first in string.ascii_lowercase:  # pragma: no cover - more than 26 actions
        for second in string.ascii_lowercase:
            yield first + second


def options_of(replies: Sequence[Reply], done_label: str = "Done") -> tuple[Option, ...]:
    """Number every choice of the turn (1, 2, ...) and letter every action (a, b, ...).

    Numbers and letters never collide, so on a question that wants a number ("how many
    agents?") a typed "2" is the answer 2, not the second button. An open multi-select gets a
    "done" action first, so finishing it is as visible as on a chat platform's button.
    """
    found: list[Option] = []
    number = 0
    letters = _letters()
    for reply in replies:
        for choice in reply.choices:
            number += 1
            found.append(Option(str(number), reply, choice, action=False))
        actions = list(reply.actions)
        if _is_open_multi(reply) and all(a.value != "done" for a in actions):
            actions.insert(0, Choice("done", done_label))
        for choice in actions:
            found.append(Option(next(letters), reply, choice, action=True))
    return tuple(found)


def _is_open_multi(reply: Reply) -> bool:
    return reply.kind is ReplyKind.QUESTION and reply.multi and bool(reply.question)


def _command(value: str) -> Command:
    name, _, arg = value.partition(":")
    return Command(name, arg)


def _open_multi(replies: Sequence[Reply]) -> Reply | None:
    """The multi-select question the user is answering, if the last turn asked one."""
    for reply in reversed(replies):
        if reply.kind is ReplyKind.QUESTION:
            return reply if _is_open_multi(reply) else None
    return None


def to_events(line: str, replies: Sequence[Reply]) -> tuple[Event, ...]:
    """Translate one typed line, given the replies of the last turn (pure, no I/O)."""
    text = line.strip()
    multi = _open_multi(replies)
    if multi is not None and multi.question and (not text or text.casefold() in DONE_WORDS):
        return (Submit(multi.question),)
    if not text:
        return ()
    options = {item.key: item for item in options_of(replies)}
    action = options.get(text.casefold())
    if action is not None and action.action:
        return (_event(action),)
    if _NUMBERS.fullmatch(text) is None:
        return (Text(text),)
    picked = [options.get(part) for part in re.split(r"[,;\s]+", text)]
    chosen = [item for item in picked if item is not None and not item.action]
    if len(chosen) != len(picked):
        return (Text(text),)  # a number answer ("25000", "2 agents"), not an option
    if len(chosen) > 1 and not all(
        item.reply.multi and item.reply is chosen[0].reply for item in chosen
    ):
        return (Text(text),)
    return tuple(_event(item) for item in chosen)


def _event(item: Option) -> Event:
    reply, value = item.reply, item.option.value
    if item.action:
        if value == "done" and _is_open_multi(reply) and reply.question:
            return Submit(reply.question)
        return _command(value)
    question = reply.question or ""
    return Toggle(question, value) if reply.multi else Pick(question, value)


@cache
def _console_strings(locale: str) -> dict[str, str]:
    env = renderer().env(locale)
    assert env.loader is not None
    source, _, _ = env.loader.get_source(env, CONSOLE_FILE)
    return {key: str(value) for key, value in tomllib.loads(source).items()}


def console_text(locale: str, key: str, **params: str) -> str:
    """One of the console's own strings, English behind every locale."""
    locale = normalize_locale(locale)
    text = _console_strings(locale).get(key) or _console_strings(DEFAULT_LOCALE)[key]
    return renderer().env(locale).from_string(text).render(**params) if params else text


class ConsoleView:
    """Prints replies: text, numbered options, saved images (colour only on a terminal)."""

    def __init__(
        self, out: TextIO, image_dir: Path, *, colour: bool | None = None, locale: str = "en"
    ) -> None:
        self._out = out
        self._image_dir = image_dir
        self._locale = normalize_locale(locale)
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
        options = options_of(replies, self.chrome("done"))
        for reply in replies:
            mine = [item for item in options if item.reply is reply]
            self._console.print(RichText(reply.text, style=_STYLE[reply.kind]))
            for item in mine:
                if not item.action:
                    mark = ""
                    if reply.multi:
                        mark = "[x] " if item.option.value in reply.selected else "[ ] "
                    self._console.print(RichText(f"  {item.key}) {mark}{item.option.label}"))
            if _is_open_multi(reply):
                self._console.print(RichText("  " + self.chrome("multi_hint"), style="dim"))
            for item in mine:
                if item.action:
                    style = "bold" if item.option.value == "done" else "dim"
                    self._console.print(RichText(f"  {item.key}) {item.option.label}", style=style))
            if reply.image is not None:
                path = self.save_image(reply.image)
                line = self.chrome("chart", path=str(path))
                self._console.print(RichText(f"  [{reply.image.alt}]\n  {line}", style="dim"))
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

    def use_locale(self, locale: str) -> None:
        self._locale = normalize_locale(locale)

    def chrome(self, key: str, **params: str) -> str:
        """The console's own words (``templates/<locale>/console.toml``) in this locale."""
        return console_text(self._locale, key, **params)

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

    async def start(self) -> None:
        """Begin or resume: the core greets a new user or re-asks the pending question."""
        await self._send((Start(self._locale),))

    async def quick(self, text: str) -> bool:
        """A one-line request (``sourcewise chat --quick``) in the saved conversation. True
        when it was priced: the result is printed without its follow-up buttons, since
        this process ends (the next ``sourcewise chat`` continues at the result)."""
        turn = await self._conversations.handle(
            self._key, Quick(f"--quick {text}"), locale=self._locale
        )
        replies = tuple(turn.replies)
        priced = any(reply.kind is ReplyKind.RESULT for reply in replies)
        if priced:
            # Without its buttons a reply that only offers them (the "try the outsourced
            # option another way" heading) would be a dead menu: left out.
            replies = tuple(
                replace(reply, actions=())
                for reply in replies
                if reply.text.strip() and (reply.kind is ReplyKind.RESULT or not reply.actions)
            )
        self._last = replies
        self._view.show(replies)
        return priced

    async def feed(self, line: str) -> None:
        """Handle one typed line (zero or more events)."""
        await self._send(to_events(line, self._last))

    async def _send(self, events: Iterable[Event]) -> None:
        replies: list[Reply] = []
        for event in events:
            turn = await self._conversations.handle(self._key, event, locale=self._locale)
            replies = list(turn.replies) or replies
            if turn.locale:  # the user may have switched language: our own words follow
                self._view.use_locale(turn.locale)
        if replies:
            self._last = tuple(replies)
            self._view.show(self._last)


def run_loop(
    adapter: ConsoleAdapter,
    view: ConsoleView,
    read_line: Callable[[], str | None],
    run: Callable[..., object],
    *,
    started: bool = False,
) -> None:
    """Drive ``adapter`` until end of input; ``run`` runs one coroutine to completion.
    ``started``: the conversation already showed its first question (a ``--quick`` line
    that needs more answers)."""
    if not started:
        run(adapter.start())
    while True:
        view.prompt()
        line = read_line()
        if line is None:
            return
        run(adapter.feed(line))
