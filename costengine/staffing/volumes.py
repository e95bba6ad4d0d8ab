"""Volumes when the user gave none per channel: a total split by channel mix, or a team size.

Both ways use ``data/channel_mix.toml`` (estimated shares per support kind, renormalised over
the channels the user selected) and say so in an :class:`~costengine.results.Assumption`.

From a team size (``"we have 8 agents"``), the volume is what such a team handles: its
productive hours (``team x paid hours x (1 - shrinkage)``) at the file's target occupancy,
turned into contacts with the per-channel handle times (chat at ``AHT / concurrency``).
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from functools import cache
from importlib import resources
from types import MappingProxyType

from costengine import limits
from costengine.coverage import WEEKS_PER_MONTH
from costengine.errors import InvalidScenario, RateCardError
from costengine.results import Assumption
from costengine.scenario import Channel, ChannelVolume, SupportKind

__all__ = [
    "ChannelMix",
    "channel_mix",
    "channel_mix_assumption",
    "implied_occupancy",
    "team_volumes",
    "volumes_from_total",
]

_FILE = "channel_mix.toml"


@dataclass(frozen=True, slots=True)
class ChannelMix:
    """Share of contacts per channel for one support kind (shares sum to 1)."""

    kind: SupportKind
    shares: Mapping[Channel, float]
    source: str
    estimate: bool
    why: str

    def for_channels(self, channels: Sequence[Channel]) -> dict[Channel, float]:
        """Shares of the selected channels, renormalised to sum to 1 (selection order kept)."""
        if not channels:
            raise InvalidScenario("channels", "select at least one channel")
        total = math.fsum(self.shares[channel] for channel in channels)
        if total <= 0:
            raise InvalidScenario("channels", "the channel mix gives these channels no contacts")
        return {channel: self.shares[channel] / total for channel in channels}


def _table(name: str) -> dict[str, object]:
    text = resources.files("costengine").joinpath("data", _FILE).read_text(encoding="utf-8")
    table = tomllib.loads(text).get(name)
    if not isinstance(table, dict):
        raise RateCardError(f"{_FILE}:{name}", "missing table")
    if not table.get("source") or (table.get("estimate") and not table.get("why")):
        raise RateCardError(f"{_FILE}:{name}", "needs a source, or a why")
    return table


def _share(name: str, table: dict[str, object], key: str) -> float:
    value = table.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise RateCardError(f"{_FILE}:{name}.{key}", "needs a number")
    if not (math.isfinite(value) and 0 <= value <= 1):
        raise RateCardError(f"{_FILE}:{name}.{key}", "must be a share in [0, 1]")
    return float(value)


@cache
def channel_mix(kind: SupportKind = SupportKind.CUSTOMER_SERVICE) -> ChannelMix:
    """The built-in channel mix for ``kind``."""
    table = _table(kind.value)
    shares = {channel: _share(kind.value, table, channel.value) for channel in Channel}
    if not math.isclose(math.fsum(shares.values()), 1.0, abs_tol=1e-9):
        raise RateCardError(f"{_FILE}:{kind.value}", "shares must sum to 1")
    return ChannelMix(
        kind=kind,
        shares=MappingProxyType(shares),
        source=str(table["source"]),
        estimate=bool(table.get("estimate", False)),
        why=str(table.get("why", "")),
    )


@cache
def implied_occupancy() -> float:
    """Occupancy at which a team of known size is assumed to work (``[implied]`` table)."""
    value = _share("implied", _table("implied"), "target_occupancy")
    if value <= 0:
        raise RateCardError(f"{_FILE}:implied.target_occupancy", "must be > 0")
    return value


def channel_mix_assumption(
    channels: Sequence[Channel], *, kind: SupportKind = SupportKind.CUSTOMER_SERVICE
) -> Assumption:
    """``assumption.channel_mix``: the shares used, and whether they are an estimate."""
    mix = channel_mix(kind)
    shares = mix.for_channels(channels)
    return Assumption(
        key="assumption.channel_mix",
        params={
            "shares": ", ".join(
                f"{channel.value} {share:.0%}" for channel, share in shares.items()
            ),
            "source": mix.source,
            "estimate": "true" if mix.estimate else "false",
            "why": mix.why,
        },
    )


def _split(total: Decimal, shares: Mapping[Channel, float]) -> dict[Channel, Decimal]:
    """Largest-remainder split of ``total`` into whole contacts (cents if not whole)."""
    step = Decimal(1) if total == total.to_integral_value() else Decimal("0.01")
    units = int(total / step)
    raw = {channel: units * share for channel, share in shares.items()}
    counts = {channel: math.floor(value) for channel, value in raw.items()}
    left = units - sum(counts.values())
    order = sorted(
        shares, key=lambda channel: (counts[channel] - raw[channel], list(shares).index(channel))
    )
    for channel in order[:left]:
        counts[channel] += 1
    return {channel: count * step for channel, count in counts.items()}


def volumes_from_total(
    total_contacts_per_month: Decimal | int | float,
    channels: Sequence[Channel],
    *,
    kind: SupportKind = SupportKind.CUSTOMER_SERVICE,
) -> tuple[ChannelVolume, ...]:
    """Split a monthly total over ``channels`` by the channel mix (whole contacts if whole).

    The parts add up exactly to the total (largest remainder); a channel whose part rounds to
    zero is left out, since a :class:`ChannelVolume` is always > 0.
    """
    if isinstance(total_contacts_per_month, bool):
        raise InvalidScenario("contacts_per_month", "must be a number")
    try:
        total = Decimal(str(total_contacts_per_month))
    except ArithmeticError as exc:
        raise InvalidScenario("contacts_per_month", "must be a number") from exc
    if not total.is_finite() or total <= 0:
        raise InvalidScenario(
            "contacts_per_month", f"must be > 0, got {total_contacts_per_month!r}"
        )
    if total > limits.MAX_CONTACTS_PER_MONTH * limits.MAX_CHANNELS:
        raise InvalidScenario(
            "contacts_per_month",
            f"at most {limits.MAX_CONTACTS_PER_MONTH * limits.MAX_CHANNELS:,} a month",
        )
    total = total.quantize(Decimal("0.01"), rounding=ROUND_FLOOR) if total % 1 else total
    if total <= 0:
        raise InvalidScenario("contacts_per_month", "must be at least 0.01")
    shares = channel_mix(kind).for_channels(tuple(dict.fromkeys(channels)))
    parts = _split(total, shares)
    return tuple(
        ChannelVolume(channel=channel, contacts_per_month=amount)
        for channel, amount in parts.items()
        if amount > 0
    )


def team_volumes(
    team_size: int,
    channels: Sequence[Channel],
    *,
    kind: SupportKind,
    paid_hours_per_fte_week: float,
    shrinkage: float,
    effective_aht_seconds: Mapping[Channel, float],
) -> tuple[tuple[ChannelVolume, ...], Decimal]:
    """Monthly volumes a team of ``team_size`` handles, and their total.

    ``effective_aht_seconds`` is the agent time one contact costs (chat already divided by
    its concurrency).
    """
    shares = channel_mix(kind).for_channels(tuple(dict.fromkeys(channels)))
    handled_hours_week = team_size * paid_hours_per_fte_week * (1 - shrinkage) * implied_occupancy()
    seconds_per_contact = math.fsum(
        share * effective_aht_seconds[channel] for channel, share in shares.items()
    )
    weekly = handled_hours_week * 3600.0 / seconds_per_contact
    total = Decimal(max(1, round(weekly * WEEKS_PER_MONTH)))
    return volumes_from_total(total, tuple(shares), kind=kind), total
