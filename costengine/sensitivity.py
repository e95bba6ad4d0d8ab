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
BISECTIONS = 10
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


def break_even(
    totals_at: TotalsAt,
    base_contacts: Decimal,
    order: Sequence[DeliveryModel],
) -> tuple[BreakEven, ...]:
    """Break-even contacts per month for every pair of models, in ``order`` pair order."""
    grid_totals = {factor: totals_at(factor) for factor in GRID}
    found: list[BreakEven] = []
    for a, b in combinations(order, 2):
        signs = [_sign(_diff(grid_totals[f], a, b)) for f in GRID]
        # (factor, sign of a - b just below the crossing)
        crossings: list[tuple[float, int]] = []
        for index in range(1, len(GRID)):
            before, now = signs[index - 1], signs[index]
            if before * now < 0:
                factor = _crossing(totals_at, a, b, GRID[index - 1], GRID[index])
                crossings.append((factor, before))
            elif now == 0 and index + 1 < len(GRID) and before * signs[index + 1] < 0:
                crossings.append((GRID[index], before))
        if not crossings:
            totals = grid_totals[1.0]
            winner = a if (totals[a], order.index(a)) <= (totals[b], order.index(b)) else b
            found.append(
                BreakEven(cheaper_below=winner, cheaper_above=winner, contacts_per_month=None)
            )
            continue
        at, sign_below = min(crossings, key=lambda c: (abs(math.log(c[0])), c[0]))
        below, above = (a, b) if sign_below < 0 else (b, a)
        contacts = (base_contacts * Decimal(repr(at))).quantize(Decimal(1), ROUND_HALF_EVEN)
        found.append(
            BreakEven(cheaper_below=below, cheaper_above=above, contacts_per_month=contacts)
        )
    return tuple(found)


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
