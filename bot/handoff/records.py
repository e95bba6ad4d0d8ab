"""What the handoff repository stores and hands back: plain frozen values, no I/O.

The scheduler's whole memory is these records (see :mod:`bot.handoff.ports` for the
repository that keeps them). A delivery row (:class:`Fire`) goes through::

    claimed -> sent | late      posted (late: after due + tolerance)
    claimed -> failed           gave up (permanent error, no grace left)
    (none)  -> skipped          due while the bot was down, grace passed

Its claim key ``(roster_id, region_key, change_at, kind)`` is unique: whoever records the row
first owns sending it, across processes and replicas.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from bot.handoff.roster import Region, Roster, TeamKey

__all__ = [
    "Ack",
    "ClaimKey",
    "DeliveryKind",
    "Fire",
    "FireStatus",
    "PlannedFire",
    "StoredRegion",
    "StoredRoster",
]


class FireStatus(StrEnum):
    CLAIMED = "claimed"
    SENT = "sent"
    LATE = "late"
    SKIPPED = "skipped"
    FAILED = "failed"


class DeliveryKind(StrEnum):
    REMINDER = "reminder"
    ESCALATION = "escalation"


#: ``(roster_id, region_key, change_at, kind)``: the unique claim of one delivery.
ClaimKey = tuple[int, str, datetime, str]


@dataclass(frozen=True, slots=True)
class StoredRegion:
    region: Region
    created_at: datetime


@dataclass(frozen=True, slots=True)
class StoredRoster:
    id: int
    team: TeamKey
    locale: str
    paused: bool
    active_since: datetime
    regions: tuple[StoredRegion, ...]
    #: The platform user id of whoever created the roster; "" when unknown (made before 0005).
    created_by: str = ""
    #: Anyone in the channel may acknowledge a reminder, not only the incoming lead.
    ack_anyone: bool = False

    @property
    def roster(self) -> Roster:
        return Roster(self.team, tuple(r.region for r in self.regions), self.paused)

    def since(self, region_key: str) -> datetime:
        """Changes of that region at or before this instant are not announced."""
        created = next(r.created_at for r in self.regions if r.region.key == region_key)
        return max(created, self.active_since)


@dataclass(frozen=True, slots=True)
class PlannedFire:
    """A delivery the runner wants to make: the claim key plus what the message says."""

    roster_id: int
    kind: DeliveryKind
    region_key: str
    change_at: datetime
    due_at: datetime
    payload: dict[str, Any]
    parent_id: int | None = None


@dataclass(frozen=True, slots=True)
class Ack:
    user: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Fire:
    """One delivery, with its roster's team and locale and its acknowledgement."""

    id: int
    roster_id: int
    team: TeamKey
    locale: str
    kind: DeliveryKind
    region_key: str
    change_at: datetime
    due_at: datetime
    status: FireStatus
    claimed_by: str
    claimed_at: datetime
    attempts: int
    sent_at: datetime | None
    message_id: str | None
    escalate_at: datetime | None
    parent_id: int | None
    last_error: str | None
    payload: dict[str, Any]
    ack: Ack | None
