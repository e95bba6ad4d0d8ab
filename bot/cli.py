"""The ``sourcewise`` command: one argparse tree, one module per subcommand.

Each module in :mod:`bot.entrypoints` exposes ``register(subparsers)``, which adds its parser
and sets ``handler`` (``(argparse.Namespace) -> int``). Subcommands import their heavy
dependencies (PTB, slack-bolt, SQLAlchemy) inside the handler, so ``sourcewise erlang`` starts
fast. Usage errors exit 2 with one line on stderr, never a traceback: other tools call
``erlang`` and ``estimate`` and parse what they print.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import NoReturn

__all__ = ["OneLineParser", "build_parser", "main"]

#: Subcommand modules, in the order ``--help`` lists them.
SUBCOMMANDS: tuple[str, ...] = (
    "chat",
    "estimate",
    "erlang",
    "telegram",
    "slack",
    "serve",
    "migrate",
)


class OneLineParser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose errors are one line on stderr and exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="sourcewise",
        description="Compare in-house, hosted, outsourced and partly outsourced support.",
    )
    subparsers = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=OneLineParser
    )
    for name in SUBCOMMANDS:
        try:
            module = importlib.import_module(f"bot.entrypoints.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"bot.entrypoints.{name}":
                raise
            continue
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        status: int = handler(args)
    except KeyboardInterrupt:
        return 130
    return status


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
