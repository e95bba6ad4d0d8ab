"""Routing reminders to the right platform's Notifier, by ``TeamKey.platform``.

The notifiers themselves live beside the adapter that owns the SDK
(:mod:`bot.adapters.slack.notifier`, :mod:`bot.adapters.telegram.notifier`); the composition
root (:func:`bot.app.build_handoff`) adds each one here once its adapter is built.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.core.events import Reply
from bot.handoff.errors import DeliveryError
from bot.handoff.roster import TeamKey
from bot.handoff.runner import Notifier

__all__ = ["NotifierRouter"]


class NotifierRouter:
    """One Notifier for the runner, dispatching on ``TeamKey.platform``."""

    def __init__(self, notifiers: Mapping[str, Notifier] | None = None) -> None:
        self._notifiers = dict(notifiers or {})

    def add(self, platform: str, notifier: Notifier) -> None:
        """Route ``platform`` to ``notifier``. The service is handed to the adapters before
        their clients exist, so wiring builds the router first and adds each platform's
        notifier once its adapter is built."""
        self._notifiers[platform] = notifier

    def _pick(self, channel: TeamKey) -> Notifier:
        found = self._notifiers.get(channel.platform)
        if found is None:
            raise DeliveryError(f"no notifier for platform {channel.platform!r}", permanent=True)
        return found

    async def post(self, channel: TeamKey, reply: Reply, *, thread: str | None = None) -> str:
        return await self._pick(channel).post(channel, reply, thread=thread)

    async def update(self, channel: TeamKey, message_id: str, reply: Reply) -> None:
        await self._pick(channel).update(channel, message_id, reply)
