"""Erlang A (M/M/N+M): Erlang C plus callers who hang up after an exponential patience.

With abandonment the queue is stable for any number of agents, so the cheapest staffing that
meets a target can be *below* the offered load ``A``; the solver never assumes ``N > A``.

Model (Palm; Garnett, Mandelbaum and Reiman 2002): Poisson arrivals ``lambda = A / AHT``,
exponential handling (rate ``mu = 1 / AHT``), exponential patience (rate
``theta = 1 / patience``), first come first served. The number in system is a birth-death
chain whose stationary law is, relative to ``pi_N`` (``c = N mu / theta``,
``r = lambda / theta``):

- below ``N``: Erlang B's shape, ``sum_{n<N} pi_n / pi_N = 1 / B(N, A) - 1``, reusing
  :func:`costengine.staffing.erlang_c.inverse_erlang_b` (stable below ``A`` too);
- ``j`` waiting: ``q_j = pi_{N+j} / pi_N = prod_{i=1..j} r / (c + i)``, summed in a scaled,
  overflow-free loop from the mode outwards until the tail is below 1e-17.

A caller who finds ``j`` others waiting reaches an agent after the hypoexponential time ``V``
with rates ``N mu + k theta`` (k = j..0); since those rates are ``theta (c + k)``,
``1 - exp(-theta V)`` is Beta(j + 1, c) distributed. Hence, with ``u = 1 - exp(-theta t)``:

- P(abandon | j) = (j + 1) / (c + j + 1);
- P(answered within t | j) = c / (c + j + 1) * I_u(j + 1, c + 1), the regularised incomplete
  beta, carried from ``j`` to ``j + 1`` by its O(1) recurrence;
- E[wait; answered | j] = c / (c + j + 1) * sum_{i=0..j} 1 / (c + 1 + i) / theta.

Definitions used throughout:

- ``service_level``: the share of **all** arrivals answered within ``answer_seconds``; callers
  who hang up count as missed, even if they hung up before ``answer_seconds``;
- ``wait_probability``: P(an arrival finds every agent busy);
- ``abandon_probability``: P(an arrival hangs up before reaching an agent);
- ``asa_seconds``: mean wait of the *answered* calls (those answered at once count as 0);
- ``occupancy``: carried load over agents, ``A (1 - P(abandon)) / N``.

The solver brackets the answer from a fluid estimate (which is below ``A`` when callers
are impatient enough) up or down, and closes in by
interpolation: four to eight evaluations of O(sqrt(A) + queue length) each, instead of a scan
from N = 1 that evaluates every N.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from costengine.errors import InvalidScenario
from costengine.staffing import _validate
from costengine.staffing.erlang_c import inverse_erlang_b

__all__ = [
    "ErlangAResult",
    "abandon_probability",
    "evaluate",
    "service_level",
    "solve",
    "wait_probability",
]

#: Below exp(-700) a term is kept as a logarithm (doubles underflow at exp(-745)).
_LOG_TINY = -700.0

#: Relative size of the neglected queue tail.
_TAIL = 1e-17


@dataclass(frozen=True, slots=True)
class ErlangAResult:
    """One staffing level under Erlang A (see the module docstring for each definition)."""

    traffic_erlangs: float
    agents: int
    service_level: float
    wait_probability: float
    asa_seconds: float
    occupancy: float
    abandon_probability: float


def _check(
    agents: int, traffic: float, aht_seconds: float, patience_seconds: float
) -> tuple[int, float, float, float]:
    return (
        _validate.positive_int("agents", agents),
        _validate.positive("traffic", traffic),
        _validate.positive("aht_seconds", aht_seconds),
        _validate.positive("patience_seconds", patience_seconds),
    )


def evaluate(
    agents: int,
    traffic: float,
    aht_seconds: float,
    answer_seconds: float,
    patience_seconds: float,
) -> ErlangAResult:
    """Everything Erlang A says about ``agents`` agents facing ``traffic`` Erlangs."""
    n, a, aht, patience = _check(agents, traffic, aht_seconds, patience_seconds)
    answer = _validate.non_negative("answer_seconds", answer_seconds)
    return _evaluate(n, a, aht, answer, patience)


def service_level(
    agents: int,
    traffic: float,
    aht_seconds: float,
    answer_seconds: float,
    patience_seconds: float,
) -> float:
    """Share of all arrivals answered within ``answer_seconds`` (abandons count as missed)."""
    return evaluate(agents, traffic, aht_seconds, answer_seconds, patience_seconds).service_level


def wait_probability(
    agents: int, traffic: float, aht_seconds: float, patience_seconds: float
) -> float:
    """P(an arrival finds every agent busy)."""
    return evaluate(agents, traffic, aht_seconds, 0.0, patience_seconds).wait_probability


def abandon_probability(
    agents: int, traffic: float, aht_seconds: float, patience_seconds: float
) -> float:
    """P(an arrival hangs up before reaching an agent)."""
    return evaluate(agents, traffic, aht_seconds, 0.0, patience_seconds).abandon_probability


def _evaluate(
    n: int, a: float, aht: float, answer: float, patience: float, *, full: bool = True
) -> ErlangAResult:
    """The measures for ``n`` agents; ``full=False`` skips the ASA sums (the search needs
    only the service level and occupancy) and reports ASA as NaN."""
    theta = 1.0 / patience
    c = n * patience / aht  # N mu / theta
    r = a * patience / aht  # lambda / theta
    inv_b = inverse_erlang_b(n, a)
    b = 0.0 if math.isinf(inv_b) else 1.0 / inv_b

    # Scale every q_j by the largest one, q at the mode, so nothing overflows.
    mode = max(0, math.floor(r - c))
    log_peak = mode * math.log(r) - (math.lgamma(c + mode + 1.0) - math.lgamma(c + 1.0))
    below = (1.0 - b) * math.exp(-log_peak) if log_peak < 745.0 else 0.0

    # I_u(j + 1, c + 1) and the term that carries it to j + 2; ``u`` = P(patience <= t).
    u = -math.expm1(-theta * answer)
    beta_b = c + 1.0
    incomplete = -math.expm1(-beta_b * theta * answer)
    log_term = math.log(u) - beta_b * theta * answer + math.log(beta_b) if u > 0 else -math.inf
    term = math.exp(log_term) if log_term > _LOG_TINY else 0.0
    term_is_log = log_term <= _LOG_TINY and u > 0

    total = first_moment = answered_in_time = answered_wait = 0.0
    harmonic = 0.0
    log_q = -log_peak
    q = math.exp(log_q) if log_q > _LOG_TINY else 0.0
    q_is_log = log_q <= _LOG_TINY
    j = 0
    while True:
        d = c + j + 1.0
        if not q_is_log:
            total += q
            first_moment += j * q
            served = q * c / d  # P(in queue at j) x P(answered eventually | j), unnormalised
            if incomplete > 0.0:
                answered_in_time += served * incomplete
            if full:
                harmonic += 1.0 / d
                answered_wait += served * harmonic
        elif full:
            harmonic += 1.0 / d
        # carry I_u(j + 1, c + 1) -> I_u(j + 2, c + 1)
        if term_is_log:  # still below exp(-700): nothing to subtract yet
            log_term += math.log(u * (d + 1.0) / (j + 2.0))
            if log_term > _LOG_TINY:
                term, term_is_log = math.exp(log_term), False
        elif term > 0.0:
            incomplete -= term
            term *= u * (d + 1.0) / (j + 2.0)
        # carry q_j -> q_{j+1}
        ratio = r / d
        if q_is_log:
            log_q += math.log(ratio)
            if log_q > _LOG_TINY:
                q, q_is_log = math.exp(log_q), False
        else:
            q *= ratio
        j += 1
        if j > mode and ratio < 1.0 and not q_is_log:
            rest = 1.0 / (1.0 - ratio)
            if q * rest * (j + rest) <= _TAIL * total:
                break

    denominator = below + b * total
    wait = b * total / denominator
    abandon = b * first_moment / (r * denominator)
    within = (below + b * answered_in_time) / denominator
    answered = 1.0 - abandon
    mean_wait = b * answered_wait / (theta * denominator) if full else math.nan
    return ErlangAResult(
        traffic_erlangs=a,
        agents=n,
        service_level=min(1.0, max(0.0, within)),
        wait_probability=min(1.0, wait),
        asa_seconds=mean_wait / answered if answered > 0 else math.inf,
        occupancy=min(1.0, a * answered / n),
        abandon_probability=min(1.0, max(0.0, abandon)),
    )


def solve(
    traffic: float,
    aht_seconds: float,
    answer_seconds: float,
    target: float,
    patience_seconds: float,
    max_occupancy: float | None = None,
) -> ErlangAResult:
    """The smallest ``N >= 1`` (possibly below ``A``) meeting the service level and the cap.

    Service level rises and occupancy falls with ``N``, so each has a smallest admissible
    ``N``, found by a bracketing and interpolation search from a fluid estimate (see
    :func:`_smallest`); the answer is the larger of the two. Cached on the exact inputs.
    """
    a = _validate.positive("traffic", traffic)
    aht = _validate.positive("aht_seconds", aht_seconds)
    answer = _validate.non_negative("answer_seconds", answer_seconds)
    goal = _validate.fraction("target", target)
    patience = _validate.positive("patience_seconds", patience_seconds)
    cap = _validate.optional_fraction("max_occupancy", max_occupancy)
    return _solve(a, aht, answer, goal, patience, cap)


@lru_cache(maxsize=16_384)
def _solve(
    a: float, aht: float, answer: float, target: float, patience: float, cap: float | None
) -> ErlangAResult:
    seen: dict[int, ErlangAResult] = {}

    def lean(n: int) -> ErlangAResult:
        if n not in seen:
            seen[n] = _evaluate(n, a, aht, answer, patience, full=False)
        return seen[n]

    limit = math.ceil(a + 50.0 * math.sqrt(a) + 1000.0)
    # Fluid start: callers wait w = patience ln(A / N) when N < A, and a share N / A is
    # answered, so the target needs N >= A max(target, exp(-t / patience)); add half a
    # square-root-staffing margin for the randomness the fluid model ignores.
    fluid = a * max(target, math.exp(-answer / patience))
    start = max(1, math.ceil(fluid + 0.5 * math.sqrt(fluid)))
    step = max(1, round(0.5 * math.sqrt(a)))
    agents = _smallest(lambda n: lean(n).service_level - target, start, step, limit)
    if cap is not None and lean(agents).occupancy > cap:
        # The carried load A (1 - P(abandon)) only grows with N: a near, low start.
        carried = a * (1.0 - lean(agents).abandon_probability)
        start = max(agents, math.ceil(carried / cap))
        agents = _smallest(lambda n: cap - lean(n).occupancy, start, step, limit)
    return _evaluate(agents, a, aht, answer, patience)


def _smallest(margin: Callable[[int], float], start: int, step: int, limit: int) -> int:
    """The smallest ``n >= 1`` with ``margin(n) >= 0``, for ``margin`` increasing in ``n``.

    Bracket the answer from ``start`` (secant extrapolation once two points are known, else
    steps of ``step``), then close the bracket by interpolation, each guess checked against
    its neighbour, with bisection whenever interpolation fails to halve the bracket. Smooth
    margins such as a service level take four to six evaluations.
    """
    known: dict[int, float] = {}

    def f(n: int) -> float:
        if n > limit:
            raise InvalidScenario("target", "cannot be met with any number of agents")
        if n not in known:
            known[n] = margin(n)
        return known[n]

    near, f_near = start, f(start)
    upward = f_near < 0
    far, f_far = near, f_near
    while (f_far < 0) == upward:
        if far == 1 and not upward:
            return 1
        jump = step
        if far != near and f_far != f_near:
            # secant through the last two points, overshooting by one to land across the root
            root = far - f_far * (far - near) / (f_far - f_near)
            jump = min(max(abs(round(root) - far) + 1, 1), 4 * abs(far - near))
        near, f_near = far, f_far
        far = far + jump if upward else max(1, far - jump)
        f_far = f(far)
        step *= 2
    bad, good = (near, far) if upward else (far, near)
    f_bad, f_good = f(bad), f(good)
    while good - bad > 1:
        width = good - bad
        guess = bad + math.ceil(-f_bad * width / (f_good - f_bad))
        guess = min(max(guess, bad + 1), good - 1)
        for probe in (guess, guess - 1 if f(guess) >= 0 else guess + 1):
            if not bad < probe < good:
                continue
            if f(probe) >= 0:
                good, f_good = probe, f(probe)
            else:
                bad, f_bad = probe, f(probe)
        if good - bad > 1 and 2 * (good - bad) > width:
            middle = (bad + good) // 2
            if f(middle) >= 0:
                good, f_good = middle, f(middle)
            else:
                bad, f_bad = middle, f(middle)
    return good
