"""Bounded in-process memories: the last N entries written, the oldest forgotten first.

Adapters remember a little per process without a database round trip: which update ids they
already took on (a webhook retry, a redelivered poll, Slack's ``X-Slack-Retry-Num``), which
message holds a conversation's live keyboard, the long button payloads Telegram cannot
carry. Each memory must be bounded — a server runs for weeks — and they all had grown their
own ``OrderedDict`` loop; this is the one of them. (The durable, cross-replica dedupe is the
conversation service's claim in the database; these only stop a retry early.)
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Generic, TypeVar

__all__ = ["DEFAULT_CAPACITY", "Recent", "SeenIds"]

#: Entries a memory keeps unless told otherwise.
DEFAULT_CAPACITY = 10_000

K = TypeVar("K")
V = TypeVar("V")


class Recent(Generic[K, V]):
    """A mapping of at most ``capacity`` entries that forgets the least recently written."""

    __slots__ = ("_capacity", "_items")

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self._capacity = capacity
        self._items: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        return self._items.get(key)

    def put(self, key: K, value: V) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self._capacity:
            self._items.popitem(last=False)

    def pop(self, key: K) -> None:
        self._items.pop(key, None)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __len__(self) -> int:
        return len(self._items)


class SeenIds:
    """The last ``capacity`` update ids taken on, so a redelivery is recognised."""

    __slots__ = ("_seen",)

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self._seen: Recent[str, None] = Recent(capacity)

    def first_time(self, update_id: str | None) -> bool:
        """True (and remember it) if ``update_id`` was not seen; None ids always pass."""
        if update_id is None:
            return True
        if update_id in self._seen:
            return False
        self._seen.put(update_id, None)
        return True

    def forget(self, update_id: str | None) -> None:
        """Let a redelivery through after the first attempt failed."""
        if update_id is not None:
            self._seen.pop(update_id)
