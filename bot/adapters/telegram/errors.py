"""The Telegram adapter's exceptions (one root)::

TelegramAdapterError
 └── TelegramNotConfigured   settings do not describe a runnable bot (one-line message)
"""

from __future__ import annotations

__all__ = ["TelegramAdapterError", "TelegramNotConfigured"]


class TelegramAdapterError(Exception):
    """Root of every error the Telegram adapter raises."""


class TelegramNotConfigured(TelegramAdapterError):
    """The environment lacks (or misspells) what the chosen mode needs."""
