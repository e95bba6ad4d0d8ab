"""The Slack adapter's exceptions (one root)::

SlackAdapterError
 └── SlackNotConfigured   settings do not describe a runnable Slack app (one-line message)
"""

from __future__ import annotations

__all__ = ["SlackAdapterError", "SlackNotConfigured"]


class SlackAdapterError(Exception):
    """Root of every error the Slack adapter raises."""


class SlackNotConfigured(SlackAdapterError):
    """The environment lacks (or misspells) what the chosen Slack mode needs."""
