"""``sourcewise chat``: the conversation in a terminal (the embedded default, ``make run``).

Answers are saved after every turn (SQLite in the user data dir unless
``SOURCEWISE_DATABASE_URL`` or ``--database-url`` says otherwise), so Ctrl-C, a closed
terminal or ``kill -9`` loses nothing: the next ``sourcewise chat`` for the same user resumes
at the same question. With piped stdin it is scriptable: each line is one answer, end of
input ends the session (exit 0).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import getpass
import os
import sys
from pathlib import Path
from typing import Any

__all__ = ["INTERRUPTED_EXIT", "register"]

#: Exit status after Ctrl-C (the shell convention for SIGINT), with the conversation saved.
INTERRUPTED_EXIT = 130


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "chat",
        help="talk to the assistant in this terminal",
        description="Talk to the assistant in this terminal. Answers are saved after every "
        "turn, so the next run resumes where you left off; pipe lines in to script it.",
    )
    parser.add_argument("--user", help="whose conversation (default: your OS user name)")
    parser.add_argument("--locale", help="en, zh or pl (default: SOURCEWISE_LOCALE or LANG)")
    parser.add_argument(
        "--database-url", help="overrides SOURCEWISE_DATABASE_URL (default: SQLite file)"
    )
    parser.add_argument(
        "--out-dir", type=Path, help="where charts are saved (default: the user data dir)"
    )
    parser.add_argument(
        "--quick", metavar="TEXT", help='one-line estimate, e.g. "8 agents, 24/7, PL", then exit'
    )
    parser.set_defaults(handler=_handle)


def _user(explicit: str | None) -> str:
    if explicit:
        return explicit
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry in some containers
        return "local"


def _locale(explicit: str | None, configured: str | None) -> str | None:
    """The locale hint for the core: flag, then settings, then the terminal's LANG."""
    from bot.render.env import normalize_locale

    for candidate in (explicit, configured):
        if candidate:
            return normalize_locale(candidate)
    lang = os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG")
    if lang and lang not in ("C", "POSIX") and not lang.startswith("C."):
        return normalize_locale(lang.split(".")[0])
    return None


def _read_line() -> str | None:
    """The next line of input, None at end of input."""
    if sys.stdin.isatty():
        try:
            return input()
        except EOFError:
            return None
    line = sys.stdin.readline()
    return None if line == "" else line.rstrip("\r\n")


def _handle(args: argparse.Namespace) -> int:
    from platformdirs import user_data_dir

    from bot.adapters.console import ConsoleAdapter, ConsoleView, run_loop
    from bot.app import open_app
    from bot.config import Settings
    from bot.core.ports import ConversationKey

    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")  # a zh reply must not crash an ASCII terminal
    settings = Settings(database_url=args.database_url) if args.database_url else Settings()
    locale = _locale(args.locale, settings.locale)
    key = ConversationKey("console", "local", _user(args.user))
    out_dir = args.out_dir or Path(user_data_dir("sourcewise", appauthor=False)) / "charts"
    colour = None if not os.environ.get("NO_COLOR") else False
    view = ConsoleView(sys.stdout, out_dir, colour=colour, locale=locale or "en")

    with asyncio.Runner() as runner:
        stack = contextlib.AsyncExitStack()
        try:
            app = runner.run(
                stack.enter_async_context(open_app(settings, housekeeping_interval=None))
            )
            adapter = ConsoleAdapter(app.conversations, key, view, locale=locale)
            # A --quick line goes into the saved conversation: priced at once when it names
            # a place and a size (printed without the follow-up menu this process could not
            # answer; `sourcewise chat` continues there), else the conversation asks just
            # for what is missing, right here.
            if args.quick is not None and runner.run(adapter.quick(args.quick)):
                view.notice(view.chrome("quick_done"))
                return 0
            run_loop(adapter, view, _read_line, runner.run, started=args.quick is not None)
            view.notice("")
            return 0
        except KeyboardInterrupt:
            view.notice("\n" + view.chrome("saved"))
            return INTERRUPTED_EXIT
        finally:
            with contextlib.suppress(KeyboardInterrupt):
                runner.run(stack.aclose())
