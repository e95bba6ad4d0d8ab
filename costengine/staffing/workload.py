"""Workload rules that sit around the queueing formulas: chat concurrency, deferrable work, FTE.

- **Chat**: an agent runs ``k`` chats at once, so one chat occupies ``1 / k`` of an agent.
  Chat is staffed with Erlang on an *effective* handle time ``AHT / k``: the agent is one
  server working ``k`` times faster. This is the usual planning approximation; it ignores
  that concurrent chats slow each other down, which the chat AHT the user gives already
  reflects.
- **Deferrable work** (email, social messages) does not need an agent the moment it arrives,
  only within the response-time target, so it is staffed by workload, not Erlang:
  ``agent-hours = contacts x AHT / 3600 / utilisation``. ``utilisation`` (< 1) is the share of
  an agent's logged-in time that turns into handled work. The response clock runs only
  while the desk is open (as help-desk SLA policies on a business-hours calendar do): the
  work arriving in an open hour is spread evenly over that hour and the following open
  hours, ``R`` open hours in all (``R`` = the response target in whole hours, at least 1,
  wrapping round the average week). Every contact is then handled within its target and the
  week's agent-hours are kept exactly; with a 24-hour target the staffing is nearly level.
  Fractional agents are allowed: a 0.3-agent hour is a shared or part-time desk.
- **Rostered staff**: ``FTE = scheduled agent-hours / (paid hours per FTE x (1 - shrinkage))``;
  shrinkage covers breaks, training, absence and meetings.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Sequence
from functools import partial
from itertools import compress

from costengine.errors import InvalidScenario
from costengine.staffing import _validate

__all__ = [
    "chat_effective_aht",
    "chat_traffic",
    "deferrable_agent_hours",
    "rostered_fte",
    "scheduled_agents",
    "spread_deferrable",
]

_HOURS_PER_WEEK = 168

#: Tolerance for float noise before rounding a head count up (14 / 0.7 must be 20, not 21).
_ROUND_UP_SLACK = 1e-9


def chat_effective_aht(aht_seconds: float, concurrency: float) -> float:
    """Handle time one chat costs an agent who runs ``concurrency`` chats at once."""
    aht = _validate.positive("aht_seconds", aht_seconds)
    k = _validate.positive("chat_concurrency", concurrency)
    if k < 1:
        raise InvalidScenario("chat_concurrency", f"must be >= 1, got {concurrency!r}")
    return aht / k


def chat_traffic(
    contacts: float, interval_seconds: float, aht_seconds: float, concurrency: float
) -> float:
    """Erlangs of chat work: ``contacts x (AHT / concurrency) / interval``."""
    count = _validate.non_negative("contacts", contacts)
    interval = _validate.positive("interval_seconds", interval_seconds)
    return count * chat_effective_aht(aht_seconds, concurrency) / interval


def deferrable_agent_hours(contacts: float, aht_seconds: float, utilisation: float) -> float:
    """Agent-hours needed for ``contacts`` deferrable contacts: ``contacts x AHT / 3600 / u``."""
    count = _validate.non_negative("contacts", contacts)
    aht = _validate.positive("aht_seconds", aht_seconds)
    use = _validate.fraction("email_utilisation", utilisation, high_open=False)
    return count * aht / 3600.0 / use


def spread_deferrable(
    hourly_contacts: Sequence[float],
    open_mask: Sequence[bool],
    *,
    aht_seconds: float,
    utilisation: float,
    response_hours: float,
) -> tuple[float, ...]:
    """Agents per hour of the week (168, fractional) for deferrable contacts.

    ``hourly_contacts`` are the contacts arriving in each hour of the average week; work is
    spread over the open hours of the response window (see the module docstring). Contacts
    in closed hours are refused: the caller puts contacts into open hours only.
    """
    if len(hourly_contacts) != _HOURS_PER_WEEK or len(open_mask) != _HOURS_PER_WEEK:
        raise InvalidScenario("hourly_contacts", "needs 168 hours and a 168-hour open mask")
    aht = _validate.positive("aht_seconds", aht_seconds)
    use = _validate.fraction("email_utilisation", utilisation, high_open=False)
    window = max(1, math.floor(_validate.positive("email_response_hours", response_hours)))
    opened = [hour for hour in range(_HOURS_PER_WEEK) if open_mask[hour]]
    window = min(window, len(opened)) if opened else 1
    counts = _counts(hourly_contacts)
    closed = [not is_open for is_open in open_mask]
    if any(compress(counts, closed)):
        hour = next(h for h, count in enumerate(counts) if count and closed[h])
        raise InvalidScenario("hourly_contacts", f"contacts in closed hour {hour}")
    # Agent-hours each open hour's work puts into every hour of its window:
    # deferrable_agent_hours() / window, spelt out (the arguments are checked above, once).
    shares = [counts[hour] * aht / 3600.0 / use / window for hour in opened]
    agents = [0.0] * _HOURS_PER_WEEK
    for hour, work in zip(opened, _window_sums(shares, window), strict=True):
        agents[hour] = work
    return tuple(agents)


def _counts(values: Sequence[float]) -> Sequence[float]:
    """The hourly contacts as floats >= 0: checked in bulk when they are plain floats (the
    planner's case), one by one with a named error otherwise."""
    if set(map(type, values)) == {float} and all(map(math.isfinite, values)) and min(values) >= 0.0:
        return values
    return [_validate.non_negative("contacts", value) for value in values]


def _plain_sum(values: Sequence[float]) -> float:
    """``((0.0 + v0) + v1) + ...``: one float addition after another, nothing compensated."""
    total = 0.0
    for value in values:
        total += value
    return total


#: Up to Python 3.11 ``sum()`` of floats is that same plain addition, done in C (ten times
#: faster); from 3.12 it compensates rounding errors, which would change the figures.
_fold: Callable[[Sequence[float]], float] = (
    partial(sum, start=0.0) if sys.version_info < (3, 12) else _plain_sum
)


def _window_sums(shares: Sequence[float], window: int) -> list[float]:
    """The work reaching each open hour: the shares of the ``window`` open hours up to it
    (wrapping round the week), added in increasing hour order from 0.0.

    That order is the one in which an hour-by-hour loop ``agents[target] += share`` adds them,
    so the floats are the same to the last bit.
    """
    count = len(shares)
    wrapped = [  # the first open hours also receive work from the week's last ones
        _fold([*shares[: position + 1], *shares[count + position - window + 1 :]])
        for position in range(min(window - 1, count))
    ]
    inside = [
        _fold(shares[position - window + 1 : position + 1]) for position in range(window - 1, count)
    ]
    return wrapped + inside


def rostered_fte(
    agent_hours_per_week: float, paid_hours_per_fte_week: float, shrinkage: float
) -> float:
    """Full-time staff to roster: scheduled agent-hours / (paid hours x (1 - shrinkage))."""
    hours = _validate.non_negative("agent_hours_per_week", agent_hours_per_week)
    paid = _validate.positive("paid_hours_per_fte_week", paid_hours_per_fte_week)
    shrink = _validate.fraction("shrinkage", shrinkage, low_open=False)
    return hours / (paid * (1.0 - shrink))


def scheduled_agents(agents: float, shrinkage: float) -> int:
    """Agents to schedule so that ``agents`` are on the phones: ``ceil(agents / (1 - s))``."""
    needed = _validate.non_negative("agents", agents)
    shrink = _validate.fraction("shrinkage", shrinkage, low_open=False)
    return math.ceil(needed / (1.0 - shrink) - _ROUND_UP_SLACK)
