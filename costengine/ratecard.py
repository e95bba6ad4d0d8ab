"""Rate cards: every price and planning convention the engine uses, with where it came from.

Why data, not code: figures date quickly and users know their own prices better than we do.
A card is ``data/ratecards/defaults.toml`` (region-independent conventions and global list
prices) overlaid by ``data/ratecards/<REGION>.toml`` (an entry in the region file replaces the
default entry whole), then optionally by a user file (TOML or JSON) whose entries may be
partial: ``[inhouse.agent_salary_month] typical = 4100`` keeps the default's unit and band
(widened to include the new typical) and marks the entry ``overridden``.

Every entry has ``low <= typical <= high``, a ``unit`` and either a ``source`` (domain + page)
or ``estimate = true`` with a ``why``. Money units start with the ISO currency the figure was
quoted in (``"USD/agent-hour"``); pricing converts at run time through the dated table in
:mod:`costengine.money`, so a figure stays exactly as its source printed it. The engine uses
``typical``; ``low``/``high`` document the range (and feed "what if" questions).

Errors name the offending field path (``inhouse.agent_salary_month.typical``) so the CLI and
the bot can point at the exact line of the user's file.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterator, Mapping
from decimal import Decimal
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from costengine.errors import RateCardError, UnknownRegion
from costengine.money import fx_table
from costengine.results import SourceRef

__all__ = [
    "Entry",
    "RateCard",
    "available_regions",
    "load_ratecard",
]

_FROZEN = ConfigDict(frozen=True, extra="forbid")
_DEFAULTS = "defaults"
_MONEY_UNIT = re.compile(r"^([A-Z]{3})/\S")
_SECTIONS = ("inhouse", "hosted", "telephony", "outsourced", "planning")


class Entry(BaseModel):
    """One figure with its range, unit and provenance."""

    model_config = _FROZEN

    low: Annotated[Decimal, Field(ge=0, allow_inf_nan=False)]
    typical: Annotated[Decimal, Field(ge=0, allow_inf_nan=False)]
    high: Annotated[Decimal, Field(ge=0, allow_inf_nan=False)]
    unit: Annotated[str, Field(min_length=1)]
    source: str = ""
    estimate: bool = False
    why: str = ""
    overridden: bool = False

    @model_validator(mode="after")
    def _consistent(self) -> Entry:
        if not self.low <= self.typical <= self.high:
            raise ValueError("needs low <= typical <= high")
        if not self.source.strip() and not (self.estimate and self.why.strip()):
            raise ValueError("needs a source, or estimate = true with a why")
        if self.estimate and not self.why.strip():
            raise ValueError("an estimate needs a why")
        return self

    @property
    def currency(self) -> str | None:
        """The ISO currency of a money entry (from its unit), None for other quantities."""
        match = _MONEY_UNIT.match(self.unit)
        return match.group(1) if match else None

    def citation(self) -> str:
        """One line for people: the source, or ``estimate: <why>`` (plus its basis)."""
        if self.estimate:
            basis = f"; basis: {self.source}" if self.source.strip() else ""
            return f"estimate: {self.why}{basis}"
        note = f" ({self.why})" if self.why.strip() else ""
        return f"{self.source}{note}"

    def scaled(self, factor: Decimal) -> Entry:
        return self.model_copy(
            update={
                "low": self.low * factor,
                "typical": self.typical * factor,
                "high": self.high * factor,
            }
        )


def _money(entry: Entry) -> Entry:
    if entry.currency is None:
        raise ValueError(f"a money unit must start with a currency code, got {entry.unit!r}")
    return entry


Money = Annotated[Entry, AfterValidator(_money)]


class RegionInfo(BaseModel):
    model_config = _FROZEN

    code: Annotated[str, Field(pattern=r"^[A-Z]{2,6}$")]
    name: Annotated[str, Field(min_length=1)]
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
    #: Languages served at the base rate and salary; others carry the language premium.
    languages: Annotated[tuple[str, ...], Field(min_length=1)]
    note: str = ""


class InHouse(BaseModel):
    """Own agents: pay, management, churn, seats, and the self-built platform."""

    model_config = _FROZEN

    agent_salary_month: Money
    agent_salary_month_it: Money | None = None
    it_salary_multiplier: Entry
    employer_load: Entry
    lead_span: Entry
    lead_span_it: Entry
    lead_salary_multiplier: Entry
    qa_wfm_ratio: Entry
    attrition_annual: Entry
    cost_per_hire: Money
    training_days: Entry
    training_allowance_day: Money | None = None
    ramp_up_weeks: Entry
    ramp_up_productivity_loss: Entry
    night_premium: Entry
    weekend_premium: Entry
    language_premium: Entry
    workspace_seat_month: Money
    software_agent_month: Money
    build_one_time: Money
    amortisation_months: Entry
    platform_run_month: Money
    device_maintenance_year: Money
    upgrades_per_year: Entry
    upgrade_cost: Money
    support_calls_per_year: Entry
    support_call_cost: Money


class Hosted(BaseModel):
    """A rented contact-centre platform, per agent seat."""

    model_config = _FROZEN

    platform_seat_month: Money


class Telephony(BaseModel):
    model_config = _FROZEN

    inbound_minute: Money
    number_month: Money
    numbers_per_language: Entry


Billing = Literal["auto", "agent_hour", "shared_hour", "per_contact", "seat_month"]


class Outsourced(BaseModel):
    """A provider's prices for agents located in the region."""

    model_config = _FROZEN

    #: The billing model used for the outsourced total; the others are shown as alternatives.
    #: ``auto``: the cheapest billing model the card can price for the scenario.
    billing: Billing = "auto"
    agent_hour: Money
    agent_hour_it: Money | None = None
    it_rate_multiplier: Entry
    per_minute: Money | None = None
    per_email: Money | None = None
    per_chat: Money | None = None
    chat_package_month: Money | None = None
    chat_package_included: Entry | None = None
    chat_overage: Money | None = None
    seat_month: Money | None = None
    min_seats: Entry | None = None
    night_multiplier: Entry
    weekend_multiplier: Entry
    language_premium: Entry
    shared_occupancy: Entry
    setup_fee_months: Entry
    contract_months: Entry
    vendor_management_base_fte: Entry
    vendor_management_per_agent: Entry


class Planning(BaseModel):
    """Region-independent workforce-planning conventions (a region may override any)."""

    model_config = _FROZEN

    shrinkage: Entry
    aht_phone_seconds: Entry
    aht_chat_seconds: Entry
    aht_email_seconds: Entry
    aht_social_seconds: Entry
    chat_concurrency: Entry
    paid_hours_per_fte_week: Entry
    email_utilisation: Entry
    max_occupancy: Entry
    night_start_hour: Entry
    night_end_hour: Entry
    tier1_share: Entry
    overflow_quantile: Entry


class RateCard(BaseModel):
    """A region's complete, validated rate card (defaults + region + user overrides)."""

    model_config = _FROZEN

    region: RegionInfo
    inhouse: InHouse
    hosted: Hosted
    telephony: Telephony
    outsourced: Outsourced
    planning: Planning

    @property
    def code(self) -> str:
        return self.region.code

    @property
    def currency(self) -> str:
        return self.region.currency

    def entries(self) -> Iterator[tuple[str, Entry]]:
        """Every entry present, as ``("section.name", entry)``, in a stable order."""
        for section_name in _SECTIONS:
            section = getattr(self, section_name)
            for name in type(section).model_fields:
                value = getattr(section, name)
                if isinstance(value, Entry):
                    yield f"{section_name}.{name}", value

    def get(self, path: str) -> Entry | None:
        """The entry at ``"section.name"``, or None when the optional entry is absent."""
        section_name, _, name = path.partition(".")
        if section_name not in _SECTIONS:
            raise KeyError(path)
        section = getattr(self, section_name)
        if name not in type(section).model_fields:
            raise KeyError(path)
        value = getattr(section, name)
        if value is not None and not isinstance(value, Entry):
            raise KeyError(path)
        return value

    def entry(self, path: str) -> Entry:
        found = self.get(path)
        if found is None:
            raise KeyError(f"rate card {self.code} has no {path}")
        return found

    def value(self, path: str) -> Decimal:
        """The ``typical`` figure of an entry, in the entry's own unit."""
        return self.entry(path).typical

    def ref(self, path: str) -> SourceRef:
        entry = self.entry(path)
        return SourceRef(
            entry=f"{self.code}.{path}",
            value=str(entry.typical),
            unit=entry.unit,
            source=entry.citation(),
            estimate=entry.estimate,
            overridden=entry.overridden,
        )

    def scaled(self, paths: tuple[str, ...], factor: Decimal) -> RateCard:
        """A copy with the named entries (when present) multiplied by ``factor``."""
        updates: dict[str, dict[str, Entry]] = {}
        for path in paths:
            found = self.get(path)
            if found is None:
                continue
            section_name, _, name = path.partition(".")
            updates.setdefault(section_name, {})[name] = found.scaled(factor)
        return self.model_copy(
            update={
                section_name: getattr(self, section_name).model_copy(update=changes)
                for section_name, changes in updates.items()
            }
        )


# --- loading --------------------------------------------------------------------------------


def _ratecard_dir() -> Any:
    return files("costengine").joinpath("data/ratecards")


@cache
def available_regions() -> tuple[str, ...]:
    """Region codes with a built-in rate card, sorted."""
    return tuple(
        sorted(
            item.name.removesuffix(".toml")
            for item in _ratecard_dir().iterdir()
            if item.name.endswith(".toml") and item.name != f"{_DEFAULTS}.toml"
        )
    )


@cache
def _builtin(name: str) -> dict[str, Any]:
    text = _ratecard_dir().joinpath(f"{name}.toml").read_text(encoding="utf-8")
    return tomllib.loads(text, parse_float=Decimal)


def _layer(base: Mapping[str, Any], top: Mapping[str, Any]) -> dict[str, Any]:
    """Overlay a region file on the defaults: sections merge, entries are replaced whole."""
    merged: dict[str, Any] = {key: dict(value) for key, value in base.items()}
    for key, value in top.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key].update(value)
        else:
            merged[key] = value
    return merged


def _read_user_file(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RateCardError("file", f"cannot read {path}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise RateCardError("file", f"{path.name} is not UTF-8 text: {exc.reason}") from exc
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text, parse_float=Decimal)
        except json.JSONDecodeError as exc:
            raise RateCardError("file", f"{path.name} is not valid JSON: {exc}") from exc
    else:
        try:
            data = tomllib.loads(text, parse_float=Decimal)
        except tomllib.TOMLDecodeError as exc:
            raise RateCardError("file", f"{path.name} is not valid TOML: {exc}") from exc
    if not isinstance(data, dict):
        raise RateCardError("file", f"{path.name} must hold a table of sections")
    return data


def _apply_override(merged: dict[str, Any], user: Mapping[str, Any], label: str) -> dict[str, Any]:
    """Apply a user's (possibly partial) entries; every touched entry is marked overridden."""
    result = {key: dict(val) if isinstance(val, dict) else val for key, val in merged.items()}
    for section_name, section in user.items():
        if section_name == "region":
            if not isinstance(section, Mapping):
                raise RateCardError("region", "must be a table")
            if "code" in section and str(section["code"]).upper() != result["region"]["code"]:
                raise RateCardError("region.code", "an override file cannot change the region")
            result["region"].update(section)
            continue
        if section_name not in _SECTIONS:
            known = ", ".join(("region", *_SECTIONS))
            raise RateCardError(section_name, f"unknown section (known: {known})")
        if not isinstance(section, Mapping):
            raise RateCardError(section_name, "must be a table of entries")
        target: dict[str, Any] = result.setdefault(section_name, {})
        for name, fields in section.items():
            path = f"{section_name}.{name}"
            if not isinstance(fields, Mapping):
                if name == "billing":
                    target[name] = fields
                    continue
                raise RateCardError(path, "must be a table such as { typical = 1.5 }")
            old = target.get(name)
            target[name] = _override_entry(old if isinstance(old, Mapping) else None, fields, label)
    return result


def _override_entry(
    old: Mapping[str, Any] | None, fields: Mapping[str, Any], label: str
) -> dict[str, Any]:
    new: dict[str, Any] = dict(old or {})
    new.update(fields)
    new["overridden"] = True
    if "source" not in fields and "why" not in fields:
        new["source"] = f"user rate card {label}"
        new["estimate"] = False
        new["why"] = ""
    typical = _number(fields.get("typical"))
    if typical is not None and typical >= 0:
        # Only `typical` given: keep the documented band, widened to contain the new value.
        if "low" not in fields:
            low = _number(new.get("low"))
            new["low"] = typical if low is None else min(low, typical)
        if "high" not in fields:
            high = _number(new.get("high"))
            new["high"] = typical if high is None else max(high, typical)
    return new


def _number(value: object) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return None
    return Decimal(value)


def _first_error(exc: ValidationError) -> RateCardError:
    error = exc.errors(include_url=False)[0]
    field = ".".join(str(part) for part in error["loc"]) or "ratecard"
    return RateCardError(field, str(error["msg"]).removeprefix("Value error, "))


def _check_currencies(card: RateCard) -> None:
    fx = fx_table()
    if card.currency not in fx.rates:
        raise RateCardError("region.currency", f"no exchange rate for {card.currency}")
    for path, entry in card.entries():
        if entry.currency is not None and entry.currency not in fx.rates:
            raise RateCardError(f"{path}.unit", f"no exchange rate for {entry.currency}")


#: Plausible ranges (inclusive) of entries whose value the maths divides by, indexes with
#: or treats as a share. A user file outside them would make ``estimate()`` divide by zero or
#: index out of range, so the loader refuses it and names the entry instead.
_BOUNDS: dict[str, tuple[Decimal, Decimal]] = {
    "inhouse.lead_span": (Decimal(1), Decimal(200)),
    "inhouse.lead_span_it": (Decimal(1), Decimal(200)),
    "inhouse.amortisation_months": (Decimal(1), Decimal(240)),
    "inhouse.qa_wfm_ratio": (Decimal(0), Decimal(1)),
    "inhouse.ramp_up_productivity_loss": (Decimal(0), Decimal(1)),
    "inhouse.attrition_annual": (Decimal(0), Decimal(5)),
    "outsourced.shared_occupancy": (Decimal("0.05"), Decimal(1)),
    "outsourced.contract_months": (Decimal(1), Decimal(240)),
    "planning.shrinkage": (Decimal(0), Decimal("0.9")),
    "planning.aht_phone_seconds": (Decimal(1), Decimal(14_400)),
    "planning.aht_chat_seconds": (Decimal(1), Decimal(14_400)),
    "planning.aht_email_seconds": (Decimal(1), Decimal(14_400)),
    "planning.aht_social_seconds": (Decimal(1), Decimal(14_400)),
    "planning.chat_concurrency": (Decimal(1), Decimal(10)),
    "planning.paid_hours_per_fte_week": (Decimal(1), Decimal(80)),
    "planning.email_utilisation": (Decimal("0.05"), Decimal(1)),
    "planning.max_occupancy": (Decimal("0.05"), Decimal(1)),
    "planning.night_start_hour": (Decimal(0), Decimal(24)),
    "planning.night_end_hour": (Decimal(0), Decimal(24)),
    "planning.tier1_share": (Decimal(0), Decimal(1)),
    "planning.overflow_quantile": (Decimal(0), Decimal(1)),
}
#: No figure in a rate card is anywhere near this; larger ones overflow Decimal contexts.
_MAX_VALUE = Decimal("1e12")


def _check_bounds(card: RateCard) -> None:
    for path, entry in card.entries():
        low, high = _BOUNDS.get(path, (Decimal(0), _MAX_VALUE))
        for name in ("low", "typical", "high"):
            value: Decimal = getattr(entry, name)
            if not low <= value <= high:
                raise RateCardError(f"{path}.{name}", f"must be between {low} and {high}")


def _build(data: Mapping[str, Any]) -> RateCard:
    try:
        card = RateCard.model_validate(data)
    except ValidationError as exc:
        raise _first_error(exc) from None
    _check_currencies(card)
    _check_bounds(card)
    return card


@cache
def _builtin_card(region: str) -> RateCard:
    merged = _layer(_builtin(_DEFAULTS), _builtin(region))
    return _build(merged)


def load_ratecard(region: str, override: Path | None = None) -> RateCard:
    """The rate card for ``region`` (e.g. ``"US"``), optionally overlaid by a user file.

    Raises :class:`UnknownRegion` for a region without a built-in card and
    :class:`RateCardError` (with the dotted field path) for a malformed override file.
    """
    code = region.strip().upper()
    if code not in available_regions():
        raise UnknownRegion(region, available_regions())
    if override is None:
        return _builtin_card(code)
    merged = _layer(_builtin(_DEFAULTS), _builtin(code))
    user = _read_user_file(override)
    return _build(_apply_override(merged, user, override.name))
