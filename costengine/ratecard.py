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

Every cited entry also names its documents: ``cite = ["bls_ecec"]`` lists keys of the
bibliography ``data/sources.toml`` (publisher, title, https link, date), so a conversation can
show its sources as a short numbered list of titled links (:func:`bibliography`,
:attr:`SourceRef.citations`). Outsourced providers' monthly packages (seed 004's billing model
2) are lists of :class:`Package` rows (``[[outsourced.minute_packages]]``); a user file
replaces such a list whole. ``docs/ratecards.md`` describes every section and entry.

Errors name the offending field path (``inhouse.agent_salary_month.typical``) so the CLI and
the bot can point at the exact line of the user's file. A user file is read defensively: only
a regular file of at most 256 KiB is read (a FIFO, a device or a directory is refused before
any read), numbers must be finite and short, nesting is shallow, and every problem is one
:class:`RateCardError` line, never a traceback.
"""

from __future__ import annotations

import json
import os
import re
import stat
import tomllib
import zoneinfo
from collections.abc import Iterator, Mapping
from decimal import Decimal
from functools import cache
from importlib.resources import files
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Any, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from costengine.errors import RateCardError, UnknownRegion
from costengine.money import fx_table
from costengine.results import Citation, SourceRef

__all__ = [
    "Citation",
    "Entry",
    "Package",
    "RateCard",
    "available_regions",
    "bibliography",
    "load_ratecard",
]

_FROZEN = ConfigDict(frozen=True, extra="forbid")
_DEFAULTS = "defaults"
_MONEY_UNIT = re.compile(r"^([A-Z]{3})/\S")
_SECTIONS = ("inhouse", "hosted", "telephony", "outsourced", "planning")
#: Outsourced fields that hold lists of :class:`Package` rows rather than one entry.
_PACKAGE_FIELDS = ("minute_packages", "chat_packages")
_MAX_PACKAGES = 50
#: A bibliography key, as cited: lower-case snake case.
_SOURCE_KEY = r"^[a-z][a-z0-9_]{0,63}$"
_SEED_PUBLISHER = "Sourcewise seed material"
_HTTPS_URL = re.compile(r"^https://[^\s/]+\.[^\s/]+(/\S*)?$")
_SOURCE_DATE = re.compile(r"^(n\.d\.|\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?)$")


_Cite = Annotated[tuple[Annotated[str, Field(pattern=_SOURCE_KEY)], ...], Field(max_length=20)]


class _Sourced(BaseModel):
    """Provenance, shared by every figure a rate card holds: where it comes from, or why it
    is an estimate. A figure without either fails to load."""

    model_config = _FROZEN

    #: Bibliography keys (``data/sources.toml``) of the documents the figure comes from; an
    #: estimate may cite its basis. Every built-in figure that is not an estimate cites one.
    cite: _Cite = ()
    source: str = ""
    estimate: bool = False
    why: str = ""
    overridden: bool = False

    @model_validator(mode="after")
    def _provenance(self) -> Self:
        if not self.source.strip() and not (self.estimate and self.why.strip()):
            raise ValueError("needs a source, or estimate = true with a why")
        if self.estimate and not self.why.strip():
            raise ValueError("an estimate needs a why")
        return self

    def citation(self) -> str:
        """One line for people: the source, or ``estimate: <why>`` (plus its basis)."""
        if self.estimate:
            basis = f"; basis: {self.source}" if self.source.strip() else ""
            return f"estimate: {self.why}{basis}"
        note = f" ({self.why})" if self.why.strip() else ""
        return f"{self.source}{note}"


class Entry(_Sourced):
    """One figure with its range, unit and provenance."""

    low: Annotated[Decimal, Field(ge=0, allow_inf_nan=False)]
    typical: Annotated[Decimal, Field(ge=0, allow_inf_nan=False)]
    high: Annotated[Decimal, Field(ge=0, allow_inf_nan=False)]
    unit: Annotated[str, Field(min_length=1)]

    @model_validator(mode="after")
    def _consistent(self) -> Entry:
        if not self.low <= self.typical <= self.high:
            raise ValueError("needs low <= typical <= high")
        return self

    @property
    def currency(self) -> str | None:
        """The ISO currency of a money entry (from its unit), None for other quantities."""
        match = _MONEY_UNIT.match(self.unit)
        return match.group(1) if match else None

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


class Package(_Sourced):
    """One monthly package of a pay-per-use provider (seed 004's billing model 2).

    ``price`` buys ``included`` units (minutes or chats) a month; each unit beyond costs
    ``overage``. ``unit`` is the money unit of ``price`` (``"USD/month"``); ``overage`` is in
    the same currency per extra unit. Provenance works as for :class:`Entry`.
    """

    included: Annotated[Decimal, Field(gt=0, allow_inf_nan=False)]
    price: Annotated[Decimal, Field(ge=0, allow_inf_nan=False)]
    overage: Annotated[Decimal, Field(ge=0, allow_inf_nan=False)]
    unit: Annotated[str, Field(min_length=1)]

    @model_validator(mode="after")
    def _consistent(self) -> Package:
        if _MONEY_UNIT.match(self.unit) is None:
            raise ValueError(f"a package unit must start with a currency code, got {self.unit!r}")
        return self

    @property
    def currency(self) -> str:
        match = _MONEY_UNIT.match(self.unit)
        assert match is not None  # checked by the validator
        return match.group(1)

    @property
    def price_per_unit(self) -> Decimal:
        """What one included unit costs when the package is used in full."""
        return self.price / self.included

    def scaled(self, factor: Decimal) -> Package:
        return self.model_copy(
            update={"price": self.price * factor, "overage": self.overage * factor}
        )


def _by_size(packages: tuple[Package, ...]) -> tuple[Package, ...]:
    """Packages in order of size (smallest first): the order a pricer tries them in."""
    return tuple(sorted(packages, key=lambda package: package.included))


Packages = Annotated[tuple[Package, ...], Field(max_length=_MAX_PACKAGES), AfterValidator(_by_size)]


@cache
def _timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


_Code = Annotated[str, Field(pattern=r"^[A-Z]{2,6}$")]
_Language = Annotated[str, Field(min_length=1, max_length=16)]


class RegionInfo(BaseModel):
    """Who the region's providers and agents are: languages, time zone, data-protection law."""

    model_config = _FROZEN

    code: _Code
    name: Annotated[str, Field(min_length=1)]
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
    #: Languages served at the base rate and salary; others carry the language premium.
    languages: Annotated[tuple[str, ...], Field(min_length=1)]
    #: Languages the region's providers serve at all (a superset of ``languages``; those not
    #: in ``languages`` carry the language premium). Defaults to ``languages``; the loader
    #: adds any of ``languages`` missing here, so it is always a superset.
    provider_languages: Annotated[tuple[_Language, ...], Field(max_length=40)] = ()
    #: A representative IANA time zone of the region's providers (their working day).
    timezone: Annotated[str, Field(min_length=1, max_length=64)]
    #: Customer regions for which this region's providers are nearshore; a provider is
    #: onshore for its own region and offshore for every other.
    nearshore_for: Annotated[tuple[_Code, ...], Field(max_length=40)] = ()
    #: The data-protection regime the region's providers work under ("gdpr", "uk_gdpr",
    #: "us", "pipl", ...): a customer's data crossing regimes is a stated risk.
    privacy_regime: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{1,23}$")]
    note: str = ""

    @model_validator(mode="before")
    @classmethod
    def _provider_languages_cover_languages(cls, data: Any) -> Any:
        if not isinstance(data, Mapping):
            return data
        languages = data.get("languages")
        served = data.get("provider_languages", ())
        if not isinstance(languages, list | tuple) or not isinstance(served, list | tuple):
            return data  # the field validators name the problem
        merged = dict(data)
        merged["provider_languages"] = tuple(
            dict.fromkeys([*languages, *served])  # order kept, no repeats
        )
        return merged

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        if value not in _timezones():
            raise ValueError(f"unknown IANA time zone {value!r} (e.g. Europe/Warsaw)")
        return value

    @model_validator(mode="after")
    def _not_nearshore_for_itself(self) -> RegionInfo:
        if self.code in self.nearshore_for:
            raise ValueError("a region is onshore, not nearshore, for itself")
        return self


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
    # --- small teams (domain primer §9) -----------------------------------------------------
    #: Below this many agent FTE, supervision is a share of a working lead's (or the owner's)
    #: time, not a full-time team lead.
    supervision_threshold_fte: Entry
    #: QA, workforce-management and trainer posts exist only in teams at least this large.
    qa_wfm_threshold_fte: Entry
    #: Help-desk SaaS subscription per agent (ticketing, chat, messaging).
    helpdesk_seat_month: Money
    #: Cloud phone licence per agent.
    voip_seat_month: Money
    #: Laptop and headset per agent, amortised per month.
    device_month: Money
    #: The self-built platform (build, run fee, maintenance) applies only from this many seats.
    platform_build_min_seats: Entry
    #: Pay of tier-2 engineers and tier-3 specialists as a multiple of tier-1 IT pay.
    it_tier2_salary_multiplier: Entry
    it_tier3_salary_multiplier: Entry


class Hosted(BaseModel):
    """A rented contact-centre platform, per agent seat."""

    model_config = _FROZEN

    platform_seat_month: Money
    #: A small team's suite (help desk with chat plus a cloud phone), per agent; used below
    #: ``inhouse.supervision_threshold_fte``.
    platform_seat_month_small: Money


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
    #: The client's own cost of managing the provider, as a share of the provider's bill.
    vendor_management_share: Entry
    # --- pay-per-use (shared agents) --------------------------------------------------------
    #: Minutes billed per call on top of talk time (after-call work).
    wrap_up_minutes: Entry | None = None
    #: Price per minute beyond a package.
    per_minute_overage: Money | None = None
    #: Monthly packages of phone minutes and of chats (billing model 2), smallest first.
    minute_packages: Packages = ()
    chat_packages: Packages = ()
    #: Per handled contact, on top of a monthly base fee (billing model 3).
    per_contact: Money | None = None
    base_fee_month: Money | None = None
    #: Commission as a share of a successful outcome's value (billing model 4).
    commission_rate: Entry | None = None
    # --- IT help desk ---------------------------------------------------------------------
    #: Help desk only (remote tier 1-2), per supported user (employee) per month.
    it_per_user_month: Money | None = None
    #: Per IT ticket handled.
    it_per_ticket: Money | None = None


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
    #: Share of paid time lost to leave, public holidays and sickness: the part of shrinkage
    #: that another person must cover (breaks, meetings and training happen on shift).
    absence_share: Entry
    #: IT help desk: tickets per supported user (employee) per month.
    tickets_per_user_month: Entry
    #: IT help desk: share of tickets resolved at tier 1 (first-level resolution).
    it_tier1_resolution: Entry
    #: IT help desk: share of escalated (tier-2) tickets that go on to tier 3.
    it_tier3_share: Entry
    aht_it_tier1_seconds: Entry
    aht_it_tier2_seconds: Entry
    aht_it_tier3_seconds: Entry
    #: Share of contacts that count as a successful outcome for commission billing.
    success_rate: Entry


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

    def packages(self) -> Iterator[tuple[str, Package]]:
        """Every package row, as ``("outsourced.minute_packages.0", package)``."""
        for name in _PACKAGE_FIELDS:
            for index, package in enumerate(getattr(self.outsourced, name)):
                yield f"outsourced.{name}.{index}", package

    def package(self, path: str) -> Package:
        """The package row at ``"outsourced.minute_packages.<index>"``."""
        section_name, _, rest = path.partition(".")
        name, _, index = rest.partition(".")
        if section_name != "outsourced" or name not in _PACKAGE_FIELDS or not index.isdigit():
            raise KeyError(path)
        rows: tuple[Package, ...] = getattr(self.outsourced, name)
        if int(index) >= len(rows):
            raise KeyError(f"rate card {self.code} has no {path}")
        return rows[int(index)]

    def ref(self, path: str) -> SourceRef:
        """Where a figure came from: an entry (``"inhouse.agent_salary_month"``) or a package
        row (``"outsourced.minute_packages.0"``, whose value is its monthly price)."""
        item: Entry | Package
        if path.count(".") == 2:
            item = self.package(path)
            value = item.price
        else:
            item = self.entry(path)
            value = item.typical
        return SourceRef(
            entry=f"{self.code}.{path}",
            value=str(value),
            unit=item.unit,
            source=item.citation(),
            estimate=item.estimate,
            overridden=item.overridden,
            citations=_citations(item.cite),
        )

    def scaled(self, paths: tuple[str, ...], factor: Decimal) -> RateCard:
        """A copy with the named entries (when present) multiplied by ``factor``; a package
        list (``"outsourced.minute_packages"``) scales its prices and overage prices."""
        updates: dict[str, dict[str, Any]] = {}
        for path in paths:
            section_name, _, name = path.partition(".")
            if section_name == "outsourced" and name in _PACKAGE_FIELDS:
                rows: tuple[Package, ...] = getattr(self.outsourced, name)
                updates.setdefault(section_name, {})[name] = tuple(
                    row.scaled(factor) for row in rows
                )
                continue
            found = self.get(path)
            if found is None:
                continue
            updates.setdefault(section_name, {})[name] = found.scaled(factor)
        return self.model_copy(
            update={
                section_name: getattr(self, section_name).model_copy(update=changes)
                for section_name, changes in updates.items()
            }
        )


# --- bibliography ---------------------------------------------------------------------------


@cache
def bibliography() -> Mapping[str, Citation]:
    """Every source a built-in rate card may cite, by key (``data/sources.toml``).

    Raises :class:`RateCardError` naming ``sources.<key>.<field>`` when the file is malformed
    (a missing title, a url that is not https, a date not ``YYYY[-MM[-DD]]`` or ``n.d.``).
    """
    text = files("costengine").joinpath("data/sources.toml").read_text(encoding="utf-8")
    raw = tomllib.loads(text)
    found: dict[str, Citation] = {}
    for key, fields in raw.items():
        where = f"sources.{key}"
        if re.match(_SOURCE_KEY, key) is None:
            raise RateCardError(where, "a source key is lower-case snake case")
        if not isinstance(fields, dict):
            raise RateCardError(where, "must be a table")
        unknown = set(fields) - {"publisher", "title", "url", "date"}
        if unknown:
            raise RateCardError(f"{where}.{min(unknown)}", "unknown field")
        for name in ("publisher", "title", "date"):
            if not isinstance(fields.get(name), str) or not fields[name].strip():
                raise RateCardError(f"{where}.{name}", "is required text")
        if _SOURCE_DATE.match(fields["date"]) is None:
            raise RateCardError(f"{where}.date", "must be YYYY, YYYY-MM, YYYY-MM-DD or n.d.")
        url = fields.get("url")
        if url is None:
            if fields["publisher"] != _SEED_PUBLISHER:
                raise RateCardError(f"{where}.url", "only seed material may lack a url")
        elif (
            not isinstance(url, str) or re.match(r"^https://[^\s/]+\.[^\s/]+(/\S*)?$", url) is None
        ):
            raise RateCardError(f"{where}.url", "must be an https:// link")
        found[key] = Citation(
            key=key,
            publisher=fields["publisher"],
            title=fields["title"],
            url=url,
            date=fields["date"],
        )
    return MappingProxyType(found)


def _citations(keys: tuple[str, ...]) -> tuple[Citation, ...]:
    sources = bibliography()
    return tuple(sources[key] for key in keys if key in sources)


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


# --- reading a user's file: bounded, and never a traceback -----------------------------------

#: A rate-card file is a few KiB; anything past this is refused before it is read.
MAX_FILE_BYTES = 256 * 1024
#: Brackets (arrays, inline tables, JSON objects) nested deeper than this are refused before
#: parsing, so no parser recurses far enough to raise RecursionError.
_MAX_NESTING = 32
#: Tables nested deeper than this after parsing (dotted keys can nest without brackets).
_MAX_DEPTH = 16
#: No figure needs more digits; longer integers are refused before they are converted.
_MAX_INT_DIGITS = 30
#: A float literal longer than this (digits, sign, point, exponent) is refused.
_MAX_FLOAT_CHARS = 48
#: A run of digits this long in a TOML file is refused before parsing (tomllib converts
#: integers itself, with no hook); shorter over-long integers are named by field afterwards.
_DIGIT_RUN = re.compile(r"\d[\d_]{63}")
_NOT_FINITE = {"nan", "+nan", "-nan", "inf", "+inf", "-inf", "NaN", "Infinity", "-Infinity"}


class _Refused:
    """A number the parser met but the loader refuses, kept so the error can name its field."""

    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason


def _float(text: str) -> Decimal | _Refused:
    if text in _NOT_FINITE:
        return _Refused(f"must be a finite number, not {text}")
    if len(text) > _MAX_FLOAT_CHARS:
        return _Refused(f"has more than {_MAX_FLOAT_CHARS} characters")
    return Decimal(text)


def _json_int(text: str) -> int | _Refused:
    if len(text.lstrip("-")) > _MAX_INT_DIGITS:
        return _Refused(f"has more than {_MAX_INT_DIGITS} digits")
    return int(text)


def _json_constant(text: str) -> _Refused:
    return _Refused(f"must be a finite number, not {text}")


def _one_line(text: str, limit: int = 200) -> str:
    """Text safe for a one-line message: control characters replaced, length capped."""
    cleaned = re.sub(r"[\x00-\x1f\x7f]+", " ", text)
    return cleaned if len(cleaned) <= limit else f"{cleaned[: limit - 1]}…"


def _file_kind(mode: int) -> str:
    for test, kind in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a pipe (FIFO)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return kind
    return "not a regular file"


def _read_bounded(path: Path) -> bytes:
    """At most :data:`MAX_FILE_BYTES` of a regular file; anything else refused unread.

    ``stat`` before opening refuses FIFOs, devices and directories without touching them
    (opening a FIFO would wait for a writer; ``/dev/zero`` never ends). The file is then
    opened non-blocking and checked again on the open descriptor (it may have been swapped),
    and read for at most the cap plus one byte (a file may grow, or report size 0).
    """
    shown = _one_line(str(path))
    name = _one_line(path.name)
    try:
        info = os.stat(path)
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise RateCardError("file", f"cannot read {shown}: {_one_line(reason)}") from None
    if not stat.S_ISREG(info.st_mode):
        raise RateCardError("file", f"{name} is {_file_kind(info.st_mode)}, not a rate-card file")
    if info.st_size > MAX_FILE_BYTES:
        raise RateCardError("file", f"{name} is larger than {MAX_FILE_BYTES // 1024} KiB")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        handle = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise RateCardError("file", f"cannot read {shown}: {exc.strerror or exc}") from None
    try:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            raise RateCardError("file", f"{name} changed into something other than a file")
        chunks: list[bytes] = []
        left = MAX_FILE_BYTES + 1
        while left > 0:
            chunk = os.read(handle, min(left, 65_536))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    except OSError as exc:
        raise RateCardError("file", f"cannot read {shown}: {exc.strerror or exc}") from None
    finally:
        os.close(handle)
    content = b"".join(chunks)
    if len(content) > MAX_FILE_BYTES:
        raise RateCardError("file", f"{name} is larger than {MAX_FILE_BYTES // 1024} KiB")
    return content


def _check_nesting(text: str, name: str, *, toml: bool) -> None:
    """Refuse brackets nested deeper than :data:`_MAX_NESTING`, skipping strings (and TOML
    comments): a linear scan, so deep nesting never reaches a recursive parser."""
    depth = 0
    index = 0
    end = len(text)
    while index < end:
        char = text[index]
        if char == "#" and toml:
            newline = text.find("\n", index)
            index = end if newline < 0 else newline
        elif char == '"' or (char == "'" and toml):
            index = _skip_string(text, index, toml=toml)
            continue
        elif char in "[{":
            depth += 1
            if depth > _MAX_NESTING:
                raise RateCardError("file", f"{name} nests more than {_MAX_NESTING} levels deep")
        elif char in "]}":
            depth = max(0, depth - 1)
        index += 1


def _skip_string(text: str, start: int, *, toml: bool) -> int:
    """The index just past the string starting at ``start`` (or the end of the text)."""
    quote = text[start]
    escapes = quote == '"'
    if toml and text.startswith(quote * 3, start):
        index = start + 3
        while index < len(text):
            if escapes and text[index] == "\\":
                index += 2
            elif text.startswith(quote * 3, index):
                index += 3
                while index < len(text) and text[index] == quote:  # up to two more quotes
                    index += 1
                return index
            else:
                index += 1
        return index
    index = start + 1
    while index < len(text) and text[index] != quote:
        if toml and text[index] == "\n":
            return index
        index += 2 if escapes and text[index] == "\\" else 1
    return index + 1


def _check_values(data: Mapping[str, Any]) -> None:
    """Walk the parsed file (without recursion): refused numbers, over-long integers and
    over-deep tables are named by their dotted field path."""
    stack: list[tuple[str, Any, int]] = [(str(key), value, 1) for key, value in data.items()]
    while stack:
        path, value, depth = stack.pop()
        if depth > _MAX_DEPTH:
            raise RateCardError(path, f"nests more than {_MAX_DEPTH} levels deep")
        if isinstance(value, _Refused):
            raise RateCardError(path, value.reason)
        if isinstance(value, bool):
            continue
        if isinstance(value, int) and abs(value) >= 10**_MAX_INT_DIGITS:
            raise RateCardError(path, f"has more than {_MAX_INT_DIGITS} digits")
        if isinstance(value, Decimal) and not value.is_finite():
            raise RateCardError(path, "must be a finite number")
        if isinstance(value, Mapping):
            stack.extend((f"{path}.{key}", item, depth + 1) for key, item in value.items())
        elif isinstance(value, list):
            stack.extend((f"{path}.{index}", item, depth + 1) for index, item in enumerate(value))


def _read_user_file(path: Path) -> dict[str, Any]:
    content = _read_bounded(path)
    name = _one_line(path.name)
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RateCardError("file", f"{name} is not UTF-8 text: {exc.reason}") from None
    data: Any
    if path.suffix.lower() == ".json":
        _check_nesting(text, name, toml=False)
        try:
            data = json.loads(
                text, parse_float=_float, parse_int=_json_int, parse_constant=_json_constant
            )
        except json.JSONDecodeError as exc:
            raise RateCardError(
                "file", f"{name} is not valid JSON: {_one_line(str(exc))}"
            ) from None
        except (ValueError, RecursionError):
            raise RateCardError("file", f"{name} is not valid JSON") from None
    else:
        _check_nesting(text, name, toml=True)
        if _DIGIT_RUN.search(text):
            raise RateCardError("file", f"{name} holds a number with more than 60 digits")
        try:
            data = tomllib.loads(text, parse_float=_float)
        except tomllib.TOMLDecodeError as exc:
            raise RateCardError(
                "file", f"{name} is not valid TOML: {_one_line(str(exc))}"
            ) from None
        except (ValueError, RecursionError):
            raise RateCardError("file", f"{name} is not valid TOML") from None
    if not isinstance(data, dict):
        raise RateCardError("file", f"{name} must hold a table of sections")
    _check_values(data)
    return data


# --- applying a user's file -----------------------------------------------------------------


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
            if section_name == "outsourced" and name in _PACKAGE_FIELDS:
                target[name] = _override_packages(path, fields, label)
                continue
            if not isinstance(fields, Mapping):
                if name == "billing":
                    target[name] = fields
                    continue
                raise RateCardError(path, "must be a table such as { typical = 1.5 }")
            old = target.get(name)
            target[name] = _override_entry(old if isinstance(old, Mapping) else None, fields, label)
    return result


def _override_packages(path: str, rows: object, label: str) -> list[dict[str, Any]]:
    """A user's package list replaces the card's whole list; each row is marked overridden."""
    if not isinstance(rows, list):
        raise RateCardError(path, f"must be a list of packages ([[{path}]] rows)")
    if len(rows) > _MAX_PACKAGES:
        raise RateCardError(path, f"holds more than {_MAX_PACKAGES} packages")
    replaced: list[dict[str, Any]] = []
    for index, row in enumerate(rows):
        if not isinstance(row, Mapping):
            raise RateCardError(
                f"{path}.{index}", "must be a table such as { included = 125, price = 350, ... }"
            )
        new = dict(row)
        new["overridden"] = True
        if "source" not in row and "why" not in row:
            new["source"] = f"user rate card {label}"
            new["estimate"] = False
        new.setdefault("cite", [])
        replaced.append(new)
    return replaced


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
    if "cite" not in fields:
        new["cite"] = []  # the built-in figure's documents no longer describe this one
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
    if isinstance(value, Decimal) and not value.is_finite():
        return None
    return Decimal(value)


# --- checks on a whole card -------------------------------------------------------------------


def _first_error(exc: ValidationError) -> RateCardError:
    error = exc.errors(include_url=False)[0]
    field = ".".join(str(part) for part in error["loc"]) or "ratecard"
    return RateCardError(field, _one_line(str(error["msg"]).removeprefix("Value error, ")))


def _items(card: RateCard) -> Iterator[tuple[str, Entry | Package]]:
    yield from card.entries()
    yield from card.packages()


def _check_currencies(card: RateCard) -> None:
    fx = fx_table()
    if card.currency not in fx.rates:
        raise RateCardError("region.currency", f"no exchange rate for {card.currency}")
    for path, item in _items(card):
        if item.currency is not None and item.currency not in fx.rates:
            raise RateCardError(f"{path}.unit", f"no exchange rate for {item.currency}")


def _check_citations(card: RateCard) -> None:
    """Every cited key is in the bibliography; every built-in figure that is not an
    estimate cites at least one document (a user's own figure cites none: its source is
    the user's file)."""
    sources = bibliography()
    for path, item in _items(card):
        for key in item.cite:
            if key not in sources:
                raise RateCardError(f"{path}.cite", f"unknown source key {key!r}")
        if not item.cite and not item.estimate and not item.overridden:
            raise RateCardError(f"{path}.cite", "a cited figure names its sources.toml keys")


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
    "inhouse.supervision_threshold_fte": (Decimal(0), Decimal(1_000)),
    "inhouse.qa_wfm_threshold_fte": (Decimal(0), Decimal(10_000)),
    "inhouse.platform_build_min_seats": (Decimal(0), Decimal(100_000)),
    "inhouse.it_tier2_salary_multiplier": (Decimal("0.5"), Decimal(10)),
    "inhouse.it_tier3_salary_multiplier": (Decimal("0.5"), Decimal(10)),
    "outsourced.shared_occupancy": (Decimal("0.05"), Decimal(1)),
    "outsourced.contract_months": (Decimal(1), Decimal(240)),
    "outsourced.vendor_management_share": (Decimal(0), Decimal(1)),
    "outsourced.wrap_up_minutes": (Decimal(0), Decimal(60)),
    "outsourced.commission_rate": (Decimal(0), Decimal(1)),
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
    "planning.absence_share": (Decimal(0), Decimal("0.9")),
    "planning.tickets_per_user_month": (Decimal(0), Decimal(100)),
    "planning.it_tier1_resolution": (Decimal(0), Decimal(1)),
    "planning.it_tier3_share": (Decimal(0), Decimal(1)),
    "planning.aht_it_tier1_seconds": (Decimal(1), Decimal(86_400)),
    "planning.aht_it_tier2_seconds": (Decimal(1), Decimal(86_400)),
    "planning.aht_it_tier3_seconds": (Decimal(1), Decimal(86_400)),
    "planning.success_rate": (Decimal(0), Decimal(1)),
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
    for path, package in card.packages():
        for name in ("included", "price", "overage"):
            if getattr(package, name) > _MAX_VALUE:
                raise RateCardError(f"{path}.{name}", f"must be between 0 and {_MAX_VALUE}")


def _check_consistency(card: RateCard) -> None:
    absence = card.planning.absence_share.typical
    shrinkage = card.planning.shrinkage.typical
    if absence >= shrinkage:
        raise RateCardError(
            "planning.absence_share.typical",
            f"must be below planning.shrinkage ({shrinkage}): absence is a part of shrinkage",
        )


def _build(data: Mapping[str, Any]) -> RateCard:
    try:
        card = RateCard.model_validate(data)
    except ValidationError as exc:
        raise _first_error(exc) from None
    _check_currencies(card)
    _check_bounds(card)
    _check_citations(card)
    _check_consistency(card)
    return card


@cache
def _builtin_card(region: str) -> RateCard:
    merged = _layer(_builtin(_DEFAULTS), _builtin(region))
    return _build(merged)


def load_ratecard(region: str, override: Path | None = None) -> RateCard:
    """The rate card for ``region`` (e.g. ``"US"``), optionally overlaid by a user file.

    Raises :class:`UnknownRegion` for a region without a built-in card and
    :class:`RateCardError` (with the dotted field path, or ``"file"``) for an override file
    that is malformed, too large, not a regular file, or holds values the engine cannot use.
    """
    code = region.strip().upper()
    if code not in available_regions():
        raise UnknownRegion(region, available_regions())
    if override is None:
        return _builtin_card(code)
    merged = _layer(_builtin(_DEFAULTS), _builtin(code))
    user = _read_user_file(override)
    return _build(_apply_override(merged, user, _one_line(override.name)))
