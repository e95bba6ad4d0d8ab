"""The cost engine's exceptions, one root so callers can catch everything the engine raises.

    EngineError
    ├── InvalidScenario(field, reason)   a scenario value is out of range or inconsistent
    ├── RateCardError(field, reason)     a rate-card file is malformed or misses an entry
    │   └── UnknownRegion(region)
    └── UnknownCurrency(currency)        no conversion rate for that currency

``field`` is a dotted path (``"volumes.0.contacts_per_month"``) so the bot can re-ask exactly
the question that produced the bad value, in the user's language, instead of showing a
traceback or an English message.
"""

from __future__ import annotations

__all__ = [
    "EngineError",
    "InvalidScenario",
    "RateCardError",
    "UnknownCurrency",
    "UnknownRegion",
]


class EngineError(Exception):
    """Root of every error the cost engine raises on purpose."""


class InvalidScenario(EngineError):
    """A scenario value is out of range or inconsistent with another one."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class RateCardError(EngineError):
    """A rate card (built-in or user-supplied) is malformed; ``field`` names the entry."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class UnknownRegion(RateCardError):
    """No rate card exists for the requested region code."""

    def __init__(self, region: str, known: tuple[str, ...] = ()) -> None:
        hint = f" (known: {', '.join(known)})" if known else ""
        super().__init__("region", f"unknown region {region!r}{hint}")
        self.region = region


class UnknownCurrency(EngineError):
    """The dated conversion table has no rate for this currency."""

    def __init__(self, currency: str, known: tuple[str, ...] = ()) -> None:
        hint = f" (known: {', '.join(known)})" if known else ""
        super().__init__(f"unknown currency {currency!r}{hint}")
        self.currency = currency
