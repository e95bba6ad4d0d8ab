"""Small per-process memories of the Slack adapter: bounded, no I/O, no globals.

- :class:`LocaleCache`: each user's Slack language, so ``users.info`` is not called on every
  click.

(The event ids this process already took on are a :class:`bot.recent.SeenIds`: Slack retries
an event it thinks timed out, ``X-Slack-Retry-Num`` with the same ``event_id``, while the
first delivery may still be in a lazy listener.)
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

__all__ = ["LocaleCache"]


class LocaleCache:
    """(team, user) -> Slack locale, each entry kept ``ttl_seconds``."""

    def __init__(
        self,
        *,
        ttl_seconds: float = 3600.0,
        capacity: int = 5_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl = ttl_seconds
        self._capacity = capacity
        self._clock = clock
        self._entries: OrderedDict[tuple[str, str], tuple[float, str | None]] = OrderedDict()

    def get(self, team: str, user: str) -> tuple[bool, str | None]:
        """(found, locale); found is False when absent or expired."""
        entry = self._entries.get((team, user))
        if entry is None or entry[0] < self._clock():
            return False, None
        return True, entry[1]

    def put(self, team: str, user: str, locale: str | None) -> None:
        self._entries[(team, user)] = (self._clock() + self._ttl, locale)
        self._entries.move_to_end((team, user))
        while len(self._entries) > self._capacity:
            self._entries.popitem(last=False)
