"""What-ifs: break-even volumes between models and a ±20% sensitivity table.

Both work on a *totals function* ``totals_at(volume_factor) -> {model: monthly total}``
supplied by :mod:`costengine.estimate`, so this module knows nothing about staffing or rate
cards and stays a few lines of deterministic search.

Break-even (per pair of models): the volume factor is searched on a fixed geometric grid
(:data:`GRID`, 1/16x to 16x today's volume); each grid interval where the cost difference
changes sign is narrowed by bisection on the factor (a fixed :data:`BISECTIONS` steps, on the
log scale). Costs step with whole agents and team leads, so a pair can cross more than once:
the crossing nearest today's volume is reported. No sign change in the range means one model
is cheaper (or as cheap) across it: ``contacts_per_month`` is None and both fields name it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from decimal import ROUND_HALF_EVEN, Decimal
from itertools import combinations

from costengine.results import BreakEven, SensitivityRow
from costengine.scenario import DeliveryModel

__all__ = [
    "BISECTIONS",
    "CHANGES",
    "GRID",
    "Totals",
    "TotalsAt",
    "break_even",
    "cheapest",
    "sensitivity_row",
]

Totals = Mapping[DeliveryModel, Decimal]
TotalsAt = Callable[[float], Totals]

GRID: tuple[float, ...] = tuple(2.0**k for k in range(-4, 5))
#: Bisections of a grid interval (a factor of 2): the crossing to within 2**(1/64), about 1%,
#: as precise as a monthly break-even volume is worth reading.
BISECTIONS = 6
CHANGES: tuple[Decimal, ...] = (Decimal("-0.2"), Decimal("0.2"))


def cheapest(totals: Totals, order: Sequence[DeliveryModel]) -> DeliveryModel:
    """The lowest total; equal totals go to the model earlier in ``order``."""
    return min(order, key=lambda model: (totals[model], order.index(model)))


def _diff(totals: Totals, a: DeliveryModel, b: DeliveryModel) -> Decimal:
    return totals[a] - totals[b]


def _sign(value: Decimal) -> int:
    return (value > 0) - (value < 0)


def _crossing(
    totals_at: TotalsAt, a: DeliveryModel, b: DeliveryModel, low: float, high: float
) -> float:
    """Bisect ``[low, high]`` (geometric midpoints) where ``a - b`` changes sign."""
    sign_low = _sign(_diff(totals_at(low), a, b))
    for _ in range(BISECTIONS):
        middle = math.sqrt(low * high)
        sign_middle = _sign(_diff(totals_at(middle), a, b))
        if sign_middle == 0:
            return middle
        if sign_middle == sign_low:
            low = middle
        else:
            high = middle
    return math.sqrt(low * high)


def _distance(factor: float) -> float:
    """How far a volume factor is from today's volume: what "nearest crossing" means."""
    return abs(math.log(factor))


def _regions() -> list[tuple[float, int, int]]:
    """Where a crossing can be, nearest first: ``(least distance, kind, grid index)``.

    Kind 0 is the grid interval ending at the index (a crossing strictly inside, found by
    bisection); kind 1 the grid point itself (the difference is zero there and changes
    sign across it). A bisected crossing stays 2**(1/128) or more inside its interval, so
    its distance is above the interval's least distance.
    """
    regions = []
    for index in range(1, len(GRID)):
        low, high = GRID[index - 1], GRID[index]
        least = 0.0 if low <= 1.0 <= high else min(_distance(low), _distance(high))
        regions.append((least, 0, index))
    regions.extend((_distance(GRID[index]), 1, index) for index in range(1, len(GRID) - 1))
    return sorted(regions)


def _pair(
    totals_at: TotalsAt,
    base_contacts: Decimal,
    order: Sequence[DeliveryModel],
    a: DeliveryModel,
    b: DeliveryModel,
) -> BreakEven:
    """The break-even of one pair: the crossing nearest today's volume, or the cheaper model.

    Regions are searched nearest first and the search stops once the best crossing found is
    nearer than every region left: what the farther ones would give could not be reported,
    so they are neither bisected nor, when no pair needs them, priced. The answer is the one
    a search of every grid interval gives (same grid signs, same bisections, same choice).
    """
    signs: dict[int, int] = {}

    def sign(index: int) -> int:
        if index not in signs:
            signs[index] = _sign(_diff(totals_at(GRID[index]), a, b))
        return signs[index]

    # (distance, factor, sign of a - b just below the crossing)
    best: tuple[float, float, int] | None = None
    for least, kind, index in _regions():
        if best is not None and best[0] < least:
            break
        before = sign(index - 1)
        if kind == 0 and before * sign(index) < 0:
            factor = _crossing(totals_at, a, b, GRID[index - 1], GRID[index])
        elif kind == 1 and sign(index) == 0 and before * sign(index + 1) < 0:
            factor = GRID[index]
        else:
            continue
        found = (_distance(factor), factor, before)
        if best is None or found[:2] < best[:2]:
            best = found
    if best is None:
        totals = totals_at(1.0)
        winner = a if (totals[a], order.index(a)) <= (totals[b], order.index(b)) else b
        return BreakEven(cheaper_below=winner, cheaper_above=winner, contacts_per_month=None)
    _, at, sign_below = best
    below, above = (a, b) if sign_below < 0 else (b, a)
    contacts = (base_contacts * Decimal(repr(at))).quantize(Decimal(1), ROUND_HALF_EVEN)
    return BreakEven(cheaper_below=below, cheaper_above=above, contacts_per_month=contacts)


def break_even(
    totals_at: TotalsAt,
    base_contacts: Decimal,
    order: Sequence[DeliveryModel],
) -> tuple[BreakEven, ...]:
    """Break-even contacts per month for every pair of models, in ``order`` pair order.

    ``totals_at`` is asked once per volume factor (its answers are kept for all pairs).
    """
    known: dict[float, Totals] = {}

    def remembered(factor: float) -> Totals:
        if factor not in known:
            known[factor] = totals_at(factor)
        return known[factor]

    return tuple(_pair(remembered, base_contacts, order, a, b) for a, b in combinations(order, 2))


def sensitivity_row(
    factor: str, change: Decimal, totals: Totals, order: Sequence[DeliveryModel]
) -> SensitivityRow:
    """One row of the table: every model's total with ``factor`` changed by ``change``."""
    return SensitivityRow(
        factor=factor,
        change=change,
        totals={model: totals[model] for model in order},
        winner=cheapest(totals, order),
    )
