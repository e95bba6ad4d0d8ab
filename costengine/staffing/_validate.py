"""Argument checks shared by the staffing formulas.

Every check names the parameter it rejects, as :class:`~costengine.errors.InvalidScenario`
``(field, reason)``, so the bot can re-ask the one question that produced the bad value and
the CLI can print one line instead of a traceback. ``bool`` is refused although it is an
``int``: ``agents=True`` is always a bug upstream, never one agent.
"""

from __future__ import annotations

import math

from costengine.errors import InvalidScenario

__all__ = [
    "fraction",
    "non_negative",
    "optional_fraction",
    "positive",
    "positive_int",
]


def _number(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidScenario(name, f"must be a number, got {type(value).__name__}")
    number = float(value)
    if not math.isfinite(number):
        raise InvalidScenario(name, f"must be finite, got {value!r}")
    return number


def positive(name: str, value: object) -> float:
    """``value`` as a float, which must be finite and > 0."""
    number = _number(name, value)
    if number <= 0:
        raise InvalidScenario(name, f"must be > 0, got {value!r}")
    return number


def non_negative(name: str, value: object) -> float:
    """``value`` as a float, which must be finite and >= 0."""
    number = _number(name, value)
    if number < 0:
        raise InvalidScenario(name, f"must be >= 0, got {value!r}")
    return number


def fraction(name: str, value: object, *, low_open: bool = True, high_open: bool = True) -> float:
    """``value`` as a float in (0, 1); ``low_open``/``high_open`` False admit 0 or 1."""
    number = _number(name, value)
    low_ok = number > 0 if low_open else number >= 0
    high_ok = number < 1 if high_open else number <= 1
    if not (low_ok and high_ok):
        interval = f"{'(' if low_open else '['}0, 1{')' if high_open else ']'}"
        raise InvalidScenario(name, f"must be in {interval}, got {value!r}")
    return number


def optional_fraction(name: str, value: object) -> float | None:
    """None, or a float in (0, 1] (an occupancy cap of 1 means no cap)."""
    if value is None:
        return None
    return fraction(name, value, high_open=False)


def positive_int(name: str, value: object, *, minimum: int = 1) -> int:
    """``value`` as an int >= ``minimum`` (floats and bools refused)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidScenario(name, f"must be a whole number, got {value!r}")
    if value < minimum:
        raise InvalidScenario(name, f"must be >= {minimum}, got {value!r}")
    return value
