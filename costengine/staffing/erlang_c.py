"""Erlang C (M/M/N, callers wait as long as it takes): agents for a service-level target.

Units are seconds throughout. Traffic ``A`` is in Erlangs (contacts x AHT / interval).

Why not the textbook formula: ``A**N / N!`` overflows past ~170 agents and the usual
"scan N upward, recompute Erlang B from k = 0 at every N" is O(N^2) (pyworkforce does that).
Here Erlang B is carried as its inverse ``x_k = 1 / B(k) = 1 + (k / A) * x_{k-1}``, which
needs no factorial or power and costs O(1) per extra agent. Rounding errors in ``x`` are
multiplied by ``k / A < 1`` on every step below ``A``, so the recurrence need not start at
``k = 0``: it starts at ``k0 = A - sqrt(144 A + max(0, A - N)^2)`` from the fluid value
``x_k0 ~ A / (A - k0)``, whose error is damped by more than ``exp(-72)`` before it matters
(far below double precision). The solve then starts at the smallest admissible N (above
``A`` and within the occupancy cap) and steps up, O(1) per agent, so it costs O(sqrt(A)),
not O(A^2): 10,000 Erlangs take about 1,300 float steps. (Starting from a Halfin-Whitt
square-root-staffing estimate and stepping down was tried: estimating ``beta`` cost more
than the ~``beta sqrt(A)`` cheap steps it saves, at every size up to 50,000 Erlangs.)

Formulas (N > A):

- ``P(wait) = C = N B / (N - A (1 - B)) = N / (x (N - A) + A)``
- ``SL(t) = 1 - C exp(-(N - A) t / AHT)``
- ``ASA = C AHT / (N - A)``, ``occupancy = A / N``

>>> result = solve(traffic_erlangs(100, 1800, 180), 180, 20, 0.8)
>>> result.agents, round(result.service_level, 4), round(result.asa_seconds, 1)
(14, 0.8884, 7.8)
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from costengine.staffing import _validate

__all__ = [
    "ErlangCResult",
    "Target",
    "evaluate",
    "inverse_erlang_b",
    "service_level",
    "solve",
    "traffic_erlangs",
    "wait_probability",
]

#: Damping wanted for the error of the warm start: exp(-72) ~ 5e-32.
_DAMPING_SQUARED = 144.0


@dataclass(frozen=True, slots=True)
class ErlangCResult:
    """One staffing level and what it achieves (times in seconds, probabilities in [0, 1])."""

    traffic_erlangs: float
    agents: int
    service_level: float  # fraction answered within the answer time
    wait_probability: float  # P(an arriving contact has to queue)
    asa_seconds: float  # average speed of answer over all contacts
    occupancy: float  # A / N


def traffic_erlangs(contacts: float, interval_seconds: float, aht_seconds: float) -> float:
    """Offered traffic: ``contacts x AHT / interval`` (contacts arriving in that interval)."""
    count = _validate.non_negative("contacts", contacts)
    interval = _validate.positive("interval_seconds", interval_seconds)
    aht = _validate.positive("aht_seconds", aht_seconds)
    return count * aht / interval


def inverse_erlang_b(agents: int, traffic: float) -> float:
    """``1 / B(agents, traffic)`` by the damped recurrence (any ``agents >= 0``; may be inf).

    Shared with :mod:`costengine.staffing.erlang_a`, which needs it below ``A`` as well.
    Inputs are trusted (callers validate).
    """
    gap = max(0.0, traffic - agents)
    start = max(0, math.floor(traffic - math.sqrt(_DAMPING_SQUARED * traffic + gap * gap)))
    x = 1.0 if start == 0 else traffic / (traffic - start)
    for k in range(start + 1, agents + 1):
        x = 1.0 + x * k / traffic
    return x


def _wait_probability(n: int, a: float, x: float) -> float:
    # N / (x (N - A) + A) is N B / (N - A (1 - B)) divided through by B; x = inf gives 0.
    return n / (x * (n - a) + a)


def _result(n: int, a: float, aht: float, answer: float, x: float) -> ErlangCResult:
    c = _wait_probability(n, a, x)
    return ErlangCResult(
        traffic_erlangs=a,
        agents=n,
        service_level=1.0 - c * math.exp(-(n - a) * answer / aht),
        wait_probability=c,
        asa_seconds=c * aht / (n - a),
        occupancy=a / n,
    )


def wait_probability(agents: int, traffic: float) -> float:
    """Erlang C ``P(wait)``; 1.0 when ``agents <= traffic`` (the queue grows without bound)."""
    n = _validate.positive_int("agents", agents)
    a = _validate.positive("traffic", traffic)
    if n <= a:
        return 1.0
    return _wait_probability(n, a, inverse_erlang_b(n, a))


def service_level(agents: int, traffic: float, aht_seconds: float, answer_seconds: float) -> float:
    """Fraction of contacts answered within ``answer_seconds``; 0.0 when ``agents <= traffic``."""
    return evaluate(agents, traffic, aht_seconds, answer_seconds).service_level


def evaluate(
    agents: int, traffic: float, aht_seconds: float, answer_seconds: float
) -> ErlangCResult:
    """Everything Erlang C says about ``agents`` agents facing ``traffic`` Erlangs.

    With ``agents <= traffic`` the queue is unstable: P(wait) 1, service level 0, ASA inf.
    """
    n = _validate.positive_int("agents", agents)
    a = _validate.positive("traffic", traffic)
    aht = _validate.positive("aht_seconds", aht_seconds)
    answer = _validate.non_negative("answer_seconds", answer_seconds)
    if n <= a:
        return ErlangCResult(a, n, 0.0, 1.0, math.inf, min(1.0, a / n))
    return _result(n, a, aht, answer, inverse_erlang_b(n, a))


def solve(
    traffic: float,
    aht_seconds: float,
    answer_seconds: float,
    target: float,
    max_occupancy: float | None = None,
) -> ErlangCResult:
    """The smallest ``N > A`` with ``SL(answer_seconds) >= target`` and ``A / N <= max_occupancy``.

    Results are cached on the exact inputs: staffing a week repeats the same hourly traffic
    across days and languages.
    """
    a = _validate.positive("traffic", traffic)
    aht = _validate.positive("aht_seconds", aht_seconds)
    answer = _validate.non_negative("answer_seconds", answer_seconds)
    goal = _validate.fraction("target", target)
    cap = _validate.optional_fraction("max_occupancy", max_occupancy)
    return _solve(a, aht, answer, goal, cap)


@dataclass(frozen=True, slots=True)
class Target:
    """One service-level target and handle time, checked once, for many traffics.

    Staffing a week asks for the agents of 168 traffics per channel under the same target:
    :meth:`agents` skips the per-call checks and the result object (only the head count is
    needed for most hours), :meth:`solve` gives the full :class:`ErlangCResult`. Both are
    exactly what :func:`solve` says for that traffic.
    """

    aht_seconds: float
    answer_seconds: float
    target: float
    max_occupancy: float | None = None

    def __post_init__(self) -> None:
        # Kept as the floats solve() would pass on, so both share one cache.
        for name, value in (
            ("aht_seconds", _validate.positive("aht_seconds", self.aht_seconds)),
            ("answer_seconds", _validate.non_negative("answer_seconds", self.answer_seconds)),
            ("target", _validate.fraction("target", self.target)),
            ("max_occupancy", _validate.optional_fraction("max_occupancy", self.max_occupancy)),
        ):
            object.__setattr__(self, name, value)

    def agents(self, traffic: float) -> int:
        """The smallest admissible number of agents for ``traffic`` Erlangs (> 0)."""
        return self.agents_each((traffic,))[0]

    def agents_each(self, traffics: Iterable[float]) -> list[int]:
        """:meth:`agents` for many traffics (a week's hours), in their order."""
        aht, answer, target, cap = (
            self.aht_seconds,
            self.answer_seconds,
            self.target,
            self.max_occupancy,
        )
        return [_staff(_traffic(a), aht, answer, target, cap)[0] for a in traffics]

    def solve(self, traffic: float) -> ErlangCResult:
        """:func:`solve` for ``traffic`` under this target."""
        a = _validate.positive("traffic", traffic)
        return _solve(a, self.aht_seconds, self.answer_seconds, self.target, self.max_occupancy)


def _traffic(value: float) -> float:
    """A traffic checked: a plain positive float (the planner's case) inline, else in full."""
    if type(value) is float and 0.0 < value < math.inf:
        return value
    return _validate.positive("traffic", value)


@lru_cache(maxsize=16_384)
def _solve(a: float, aht: float, answer: float, target: float, cap: float | None) -> ErlangCResult:
    n, x = _smallest(a, aht, answer, target, cap)
    return _result(n, a, aht, answer, x)


def _smallest(
    a: float, aht: float, answer: float, target: float, cap: float | None
) -> tuple[int, float]:
    """The answer ``N`` and ``x = 1 / B(N, A)`` there, from which :func:`_result` reports.

    The hot path of every staffing plan, so everything is spelt out here: the occupancy
    floor (the smallest N with ``A / N <= cap``, decided by the same float division that
    reports it) and :func:`inverse_erlang_b`, with the very same float operations (tests check
    the results against :func:`evaluate` and a straightforward reference).
    """
    n = math.floor(a) + 1
    if cap is not None:
        floor = math.ceil(a / cap) or 1
        while floor > 1 and a / (floor - 1) <= cap:
            floor -= 1
        while a / floor > cap:
            floor += 1
        n = floor if floor > n else n
    # inverse_erlang_b(n, a) with n > a: the gap term is 0.0, and up to A = 144 the warm
    # start A - sqrt(144 A) is not above 0, so the recurrence starts at k = 0.
    start = math.floor(a - math.sqrt(_DAMPING_SQUARED * a)) if a > _DAMPING_SQUARED else 0
    if start > 0:
        x = a / (a - start)
    else:
        start, x = 0, 1.0
    for k in range(start + 1, n + 1):
        x = 1.0 + x * k / a
    # Step up one agent at a time: O(1) each (x_{n+1} = 1 + x_n (n + 1) / A, one exp).
    while 1.0 - n / (x * (n - a) + a) * math.exp(-(n - a) * answer / aht) < target:
        n += 1
        x = 1.0 + x * n / a
    return n, x


#: Head counts for :meth:`Target.agents_each`, cached on their own (``solve()`` keeps whole
#: results in its cache, and clearing that one makes it cold again).
_staff = lru_cache(maxsize=16_384)(_smallest)
