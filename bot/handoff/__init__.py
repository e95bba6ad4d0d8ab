"""Follow-the-sun shift handoff reminders for Slack channels and Telegram groups.

Pure core: :mod:`~bot.handoff.roster` (models), :mod:`~bot.handoff.records` (what is
stored), :mod:`~bot.handoff.commands` (parser), :mod:`~bot.handoff.schedule` (shift changes
across DST), :mod:`~bot.handoff.coverage` (gaps and overlaps in a UTC week),
:mod:`~bot.handoff.form`, :mod:`~bot.handoff.messages`.
Ports: :mod:`~bot.handoff.ports` (the repository on the store's unit of work, ``uow.handoff``)
and :class:`~bot.handoff.runner.Notifier` (posting; each adapter ships one).
Shell: :mod:`~bot.handoff.transactions` (one short unit of work per step),
:mod:`~bot.handoff.runner` (the scheduler), :mod:`~bot.handoff.service` (what adapters call).

Platform code (the Slack and Telegram notifiers, team ids) lives in ``bot.adapters``; the
wiring lives in :func:`bot.app.build_handoff`. The names below load on first use (PEP 562),
so the store can import the pure modules without pulling in the scheduler.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.handoff.errors import DeliveryError, HandoffError, InvalidInput, UnknownFire
    from bot.handoff.ports import HandoffDatabase, HandoffRepository
    from bot.handoff.records import Fire, FireStatus
    from bot.handoff.roster import Region, Roster, TeamKey
    from bot.handoff.runner import Clock, HandoffRunner, Notifier, SystemClock, Timing
    from bot.handoff.service import HandoffService
    from bot.handoff.transactions import Handoffs

_LAZY = {
    "Clock": "bot.handoff.runner",
    "DeliveryError": "bot.handoff.errors",
    "Fire": "bot.handoff.records",
    "FireStatus": "bot.handoff.records",
    "HandoffDatabase": "bot.handoff.ports",
    "HandoffError": "bot.handoff.errors",
    "HandoffRepository": "bot.handoff.ports",
    "HandoffRunner": "bot.handoff.runner",
    "HandoffService": "bot.handoff.service",
    "Handoffs": "bot.handoff.transactions",
    "InvalidInput": "bot.handoff.errors",
    "Notifier": "bot.handoff.runner",
    "Region": "bot.handoff.roster",
    "Roster": "bot.handoff.roster",
    "SystemClock": "bot.handoff.runner",
    "TeamKey": "bot.handoff.roster",
    "Timing": "bot.handoff.runner",
    "UnknownFire": "bot.handoff.errors",
}

__all__ = [
    "Clock",
    "DeliveryError",
    "Fire",
    "FireStatus",
    "HandoffDatabase",
    "HandoffError",
    "HandoffRepository",
    "HandoffRunner",
    "HandoffService",
    "Handoffs",
    "InvalidInput",
    "Notifier",
    "Region",
    "Roster",
    "SystemClock",
    "TeamKey",
    "Timing",
    "UnknownFire",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
