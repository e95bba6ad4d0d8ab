"""What the long-running subcommands (serve, slack, telegram) share: how a bad environment
is reported, and stopping on SIGINT/SIGTERM.

Kept free of heavy imports: ``sourcewise --help`` imports every subcommand module.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import ValidationError

__all__ = ["invalid_settings", "stop_on_signals"]


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
