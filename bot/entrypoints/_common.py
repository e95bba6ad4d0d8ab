"""What the server subcommands (serve, slack, telegram) share: their options, how a bad
environment or a failed start is reported (one line on stderr, the same for all three), the
line that says they are ready, and stopping on SIGINT/SIGTERM.

Each command only chooses a :class:`bot.app.Plan`; :func:`run_server` does the rest through
the composition root (:func:`bot.app.serving`). Kept free of heavy imports:
``sourcewise --help`` imports every subcommand module.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import ValidationError

    from bot.app import Plan, Serving
    from bot.config import Settings

__all__ = ["add_server_options", "invalid_settings", "run_server", "stop_on_signals"]


def invalid_settings(prog: str, exc: ValidationError) -> int:
    """Say which settings are invalid (names only: a value may be a secret); exit status 2."""
    names = ", ".join(str(e["loc"][0]) for e in exc.errors() if e.get("loc"))
    print(f"{prog}: error: invalid settings: {names}", file=sys.stderr)
    return 2


def stop_on_signals() -> asyncio.Event:
    """An event set by SIGINT or SIGTERM (where the loop supports signal handlers)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # not on Windows
            loop.add_signal_handler(sig, stop.set)
    return stop


def add_server_options(parser: argparse.ArgumentParser) -> None:
    """``--host``, ``--port``, ``--log-format`` and ``--no-scheduler``, the same everywhere."""
    parser.add_argument("--host", help="listen address (default SOURCEWISE_HTTP_HOST)")
    parser.add_argument("--port", type=int, help="listen port (default SOURCEWISE_HTTP_PORT)")
    parser.add_argument(
        "--log-format",
        choices=("json", "text"),
        default="json",
        help="log lines as JSON objects (default) or as plain text",
    )
    parser.add_argument(
        "--no-scheduler",
        action="store_true",
        help="do not run the handoff scheduler in this process",
    )


def _fail(prog: str, message: str, status: int) -> int:
    print(f"{prog}: error: {message}", file=sys.stderr, flush=True)
    return status


def run_server(prog: str, args: argparse.Namespace, choose: Callable[[Settings], Plan]) -> int:
    """Read the settings, let ``choose`` pick the plan, serve it until a signal.

    Exit status 2 for configuration the operator must fix (settings, a rejected token),
    1 when something outside failed (database, Bot API, the port), 0 after a clean stop.
    """
    import logging

    from pydantic import ValidationError

    from bot.app import ConfigError
    from bot.config import Settings
    from bot.observability import configure_logging

    try:
        settings = Settings()
        plan = choose(settings)
    except ValidationError as exc:
        return invalid_settings(prog, exc)
    except ConfigError as exc:
        return _fail(prog, str(exc), 2)
    # PTB's timedelta periods: the old ints warn on every 429 otherwise.
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    configure_logging(settings, json_lines=args.log_format == "json")
    if logging.getLogger().getEffectiveLevel() > logging.DEBUG:
        # httpx logs every Bot API request at INFO: a line per long poll. Keep it for DEBUG.
        logging.getLogger("httpx").setLevel(logging.WARNING)
    return asyncio.run(_serve(prog, settings, plan, args))


def ready_line(prog: str, running: Serving) -> str:
    """What the process prints once it serves: the URL alone at the end (scripts read it);
    which adapters run and how is in the log."""
    if not running.url:
        return f"{prog}: long polling; Ctrl-C stops"
    return f"{prog}: listening on {running.url}"


async def _serve(prog: str, settings: Settings, plan: Plan, args: Any) -> int:
    import logging

    from telegram.error import InvalidToken, NetworkError

    from bot.app import ConfigError, serving
    from bot.store import StoreError

    stop = stop_on_signals()
    try:
        async with serving(
            settings, plan, host=args.host, port=args.port, scheduler=not args.no_scheduler
        ) as running:
            print(ready_line(prog, running), flush=True)
            await stop.wait()
            logging.getLogger(__name__).info("stopping: signal received")
    except ConfigError as exc:
        return _fail(prog, str(exc), 2)
    except InvalidToken:  # PTB's message quotes the token: say it in our own words
        return _fail(prog, "the Bot API rejected TELEGRAM_BOT_TOKEN", 2)
    except NetworkError as exc:
        return _fail(prog, f"cannot reach the Bot API ({type(exc).__name__})", 1)
    except StoreError as exc:
        return _fail(prog, str(exc), 1)
    except OSError as exc:  # the port is taken, the address is wrong
        return _fail(prog, f"cannot listen: {exc.strerror or exc}", 1)
    return 0
