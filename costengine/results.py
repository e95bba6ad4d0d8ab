"""What the engine answers: frozen, typed results that every renderer and the CLI share.

Money is ``Decimal`` rounded to cents in the result currency; every line item names the
inputs it came from and the rate-card entry (with its source) it used, so any figure the bot
shows can be traced. ``Estimate.to_json()`` is the public JSON contract of
``sourcewise estimate --json``: keys may be added, never renamed or removed.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict

from costengine.scenario import Channel, ChannelVolume, DeliveryModel, Scenario

__all__ = [
    "SCHEMA_VERSION",
    "Assumption",
    "Baseline",
    "BreakEven",
    "Citation",
    "CostCategory",
    "Estimate",
    "LanguageStaffing",
    "LineItem",
    "ModelCost",
    "OutsourcingOption",
    "PoolStaffing",
    "Recommendation",
    "SensitivityRow",
    "SourceRef",
    "citation",
]

_FROZEN = ConfigDict(frozen=True, extra="forbid")

#: Version of the ``--json`` contract; docs/cli.md's changelog says what each one changed.
SCHEMA_VERSION = 2


class CostCategory(StrEnum):
    """Stacks of the cost chart; every line item belongs to exactly one."""

    LABOUR = "labour"
    MANAGEMENT = "management"
    HIRING_TRAINING = "hiring_training"
    WORKSPACE_IT = "workspace_it"
    TECHNOLOGY = "technology"
    TELEPHONY = "telephony"
    PROVIDER = "provider"
    ONE_TIME = "one_time"
    VENDOR_MANAGEMENT = "vendor_management"


class Citation(BaseModel):
    """One document in the bibliography (``costengine/data/sources.toml``).

    Structured so a conversation can list its sources in the user's language as a short
    numbered list of titled links; the text fields stay as the publisher printed them.
    """

    model_config = _FROZEN

    key: str  # the bibliography key rate-card entries cite, e.g. "bls_ecec"
    publisher: str  # e.g. "U.S. Bureau of Labor Statistics"
    title: str  # the document's title (with the table or edition where it matters)
    url: str | None = None  # https link; None only for internal seed material
    date: str  # "YYYY", "YYYY-MM", "YYYY-MM-DD" or "n.d." (the page gives no date)


class SourceRef(BaseModel):
    """The rate-card entry a figure came from."""

    model_config = _FROZEN

    entry: str  # dotted rate-card key, e.g. "US.inhouse.agent_salary_month"
    value: str  # the value used, as text (Decimal or float), in the card's currency/unit
    unit: str  # e.g. "USD/month", "ratio", "USD/agent-hour"
    source: str  # citation (domain + page) or "estimate: <why>"
    estimate: bool = False  # True when no citable figure exists
    overridden: bool = False  # True when the user's rate-card file replaced the default
    # The bibliography entries the figure cites (its basis, for an estimate); empty for a
    # figure from the user's own rate-card file.
    citations: tuple[Citation, ...] = ()


class LineItem(BaseModel):
    model_config = _FROZEN

    key: str  # stable, e.g. "agent_salaries"; templates translate by key
    label: str  # English label, for the CLI and logs
    category: CostCategory
    amount: Decimal  # per month, in ``currency``, quantized to cents
    currency: str
    inputs: dict[str, str]  # name -> value used, e.g. {"fte": "12.4", "salary": "3569.17"}
    sources: tuple[SourceRef, ...]


class OutsourcingOption(BaseModel):
    """One provider's offer for the work (or a partial split's given-out part)."""

    model_config = _FROZEN

    kind: str  # "dedicated" | "shared" (pay-per-use)
    destination: str  # region code of the provider
    location: str  # "onshore" | "nearshore" | "offshore"
    billing: str  # "agent_hour", "seat_month", "per_minute", "package", "per_contact", ...
    monthly_total: Decimal  # provider bill + setup + vendor management, result currency
    fte: Decimal  # dedicated: the provider's rostered FTE billed; shared: 0
    equivalent_fte: Decimal  # the FTE the work occupies (shared capacity)
    sellable: bool  # dedicated: the work fills the provider's minimum seats
    serves_languages: bool  # the destination's providers serve every language
    chosen: bool = False  # the one ``models.outsourced`` shows
    notes: tuple[str, ...] = ()


class ModelCost(BaseModel):
    model_config = _FROZEN

    model: DeliveryModel
    monthly_total: Decimal  # == sum(line_items.amount), to the cent
    currency: str
    fte: Decimal  # schema 2: paid, rostered FTE (own agents, a provider's dedicated agents)
    line_items: tuple[LineItem, ...]
    split: str | None = None  # partial only: which split won, e.g. "after_hours"
    notes: tuple[str, ...] = ()  # keys of model-specific notes for templates
    # partial: monthly total of every split evaluated; outsourced: of every billing model
    # the chosen provider could price.
    candidates: dict[str, Decimal] = {}
    billing: str | None = None  # outsourced/partial: the provider billing model used
    #: Shared / pay-per-use capacity as the FTE its work would occupy (never in ``fte``).
    equivalent_fte: Decimal = Decimal(0)
    cost_per_contact: Decimal | None = None  # monthly total / first contacts a month
    cost_per_minute: Decimal | None = None  # monthly total / handled minutes a month
    #: outsourced/partial: the provider's kind ("dedicated"/"shared"), where it is, why.
    kind: str | None = None
    destination: str | None = None
    location: str | None = None
    choice: str | None = None  # template key: why this option is the one shown
    options: tuple[OutsourcingOption, ...] = ()


class PoolStaffing(BaseModel):
    """The working for one team (schema 2: a team, not a language x channel pool), shown by
    "why?". A blended team answers every channel in every language it lists."""

    model_config = _FROZEN

    language: str  # schema 2: the languages the team answers, comma-separated ("en,zh")
    channels: tuple[Channel, ...]
    live: bool  # Erlang-staffed (phone/chat) or workload-staffed (email/social)
    peak_erlangs: float
    peak_agents: int
    peak_service_level: float | None  # None for deferrable work
    peak_asa_seconds: float | None
    open_hours_per_week: float
    agent_hours_per_week: float  # schema 2: people on shift, floors and break cover included
    floor_hours_per_week: float  # hours where the floor, not the workload, set staffing
    fte: float  # rostered: on-shift hours / (paid hours x (1 - absence))
    busy_hours_per_week: float = 0.0  # agent-hours of work (live traffic and deferrable work)
    occupancy: float = 0.0  # busy share of the on-shift hours
    team: str = ""  # "blended", "phone", "chat" or "deferrable"


class LanguageStaffing(BaseModel):
    """One language as a skill: its share of contacts and the speakers it needs on shift."""

    model_config = _FROZEN

    language: str
    share: float  # of contacts
    peak_speakers: float  # on shift at the busiest hour
    speaker_hours_per_week: float
    speaker_fte: float  # what a language premium is paid on (non-base languages)


class Assumption(BaseModel):
    """A stated assumption; ``key`` is translated by templates, ``params`` fill it in."""

    model_config = _FROZEN

    key: str
    params: dict[str, str] = {}


class BreakEven(BaseModel):
    model_config = _FROZEN

    cheaper_below: DeliveryModel  # cheaper at volumes below ``contacts_per_month``
    cheaper_above: DeliveryModel
    contacts_per_month: Decimal | None  # None: no crossing in the searched range


class SensitivityRow(BaseModel):
    model_config = _FROZEN

    factor: str  # "volume" | "wage" | "provider_rate"
    change: Decimal  # e.g. Decimal("-0.2")
    totals: dict[DeliveryModel, Decimal]
    winner: DeliveryModel


class Recommendation(BaseModel):
    model_config = _FROZEN

    model: DeliveryModel
    ranking: tuple[DeliveryModel, ...]  # cheapest first, ties broken by a fixed order
    runner_up: DeliveryModel
    savings_vs_runner_up: Decimal  # per month, >= 0
    savings_vs_current: Decimal | None  # None unless the scenario gave today's cost
    reasons: tuple[str, ...]  # template keys, e.g. "reason.cheapest", "reason.coverage_24x7"
    risks: tuple[str, ...]  # template keys: "risk.control", "risk.data_security", ...
    break_even: tuple[BreakEven, ...]
    #: Against today's team priced as it is (a team size was given), per month.
    savings_vs_baseline: Decimal | None = None
    #: What "today" is: "current_cost" (the user's figure), "baseline" (today's team) or None.
    today: str | None = None
    #: The winner's saving against today, per month (by ``today``'s figure), or None.
    savings_vs_today: Decimal | None = None
    #: The cheapest model (``model`` differs when a judgement rule overrode it).
    cheapest: DeliveryModel | None = None
    #: The rule that overrode the cheapest: "partial_margin", "switch_not_worth_it" or None.
    judgement: str | None = None


class Baseline(BaseModel):
    """Today's team as it is: its people at loaded pay, their tools, a share of supervision.

    ``needed_fte`` is what the priced workload needs at the service level over the opening
    hours; ``covers_hours`` is False when the team is smaller than the coverage floor alone;
    ``meets_target`` is False when the volumes given need more people than the team has.
    """

    model_config = _FROZEN

    team_size: Decimal
    monthly_total: Decimal
    currency: str
    fte: Decimal
    line_items: tuple[LineItem, ...]
    needed_fte: Decimal
    covers_hours: bool
    meets_target: bool


class Estimate(BaseModel):
    model_config = _FROZEN

    scenario: Scenario
    currency: str
    fx_date: str  # date of the conversion table used
    models: dict[DeliveryModel, ModelCost]
    staffing: tuple[PoolStaffing, ...]
    recommendation: Recommendation
    sensitivity: tuple[SensitivityRow, ...]
    assumptions: tuple[Assumption, ...]
    baseline: Baseline | None = None
    languages: tuple[LanguageStaffing, ...] = ()
    #: The first contacts a month priced: given, from users, or what today's team carries.
    volumes: tuple[ChannelVolume, ...] = ()
    schema_version: int = SCHEMA_VERSION

    def to_json(self) -> dict[str, Any]:
        """The public ``sourcewise estimate --json`` object (documented in docs/cli.md).

        JSON-safe: money, FTE and other Decimals are strings ("12345.67"), so no consumer
        loses cents to binary floats; enums are their string values; models are listed in
        the fixed order in-house, hosted, partial, outsourced.
        """
        rec = self.recommendation
        return {
            "schema_version": self.schema_version,
            "inputs": self.scenario.model_dump(mode="json"),
            "currency": self.currency,
            "fx_date": self.fx_date,
            "models": {
                model.value: _model_json(self.models[model])
                for model in _MODEL_ORDER
                if model in self.models
            },
            "recommendation": {
                "model": rec.model.value,
                "ranking": [model.value for model in rec.ranking],
                "runner_up": rec.runner_up.value,
                "savings_vs_runner_up": str(rec.savings_vs_runner_up),
                "savings_vs_current": _opt(rec.savings_vs_current),
                "savings_vs_baseline": _opt(rec.savings_vs_baseline),
                "today": rec.today,
                "savings_vs_today": _opt(rec.savings_vs_today),
                "cheapest": None if rec.cheapest is None else rec.cheapest.value,
                "judgement": rec.judgement,
                "reasons": list(rec.reasons),
                "risks": list(rec.risks),
                "break_even": [
                    {
                        "cheaper_below": pair.cheaper_below.value,
                        "cheaper_above": pair.cheaper_above.value,
                        "contacts_per_month": _opt(pair.contacts_per_month),
                    }
                    for pair in rec.break_even
                ],
            },
            "staffing": [pool.model_dump(mode="json") for pool in self.staffing],
            "sensitivity": [
                {
                    "factor": row.factor,
                    "change": str(row.change),
                    "totals": {model.value: str(total) for model, total in row.totals.items()},
                    "winner": row.winner.value,
                }
                for row in self.sensitivity
            ],
            "assumptions": [
                {"key": item.key, "params": dict(item.params)} for item in self.assumptions
            ],
            "baseline": None if self.baseline is None else _baseline_json(self.baseline),
            "languages": [row.model_dump(mode="json") for row in self.languages],
            "volumes": [
                {
                    "channel": volume.channel.value,
                    "contacts_per_month": str(volume.contacts_per_month),
                }
                for volume in self.volumes
            ],
        }


_MODEL_ORDER = (
    DeliveryModel.IN_HOUSE,
    DeliveryModel.HOSTED,
    DeliveryModel.PARTIAL,
    DeliveryModel.OUTSOURCED,
)


def _opt(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def citation(sources: tuple[SourceRef, ...]) -> str:
    """One human line for a line item: its sources' citations, each once, joined by "; "."""
    return "; ".join(dict.fromkeys(_one_line(ref.source) for ref in sources))


def _items_json(items: tuple[LineItem, ...]) -> list[dict[str, Any]]:
    return [
        {
            "key": item.key,
            "label": item.label,
            "category": item.category.value,
            "amount": str(item.amount),
            "currency": item.currency,
            "source": citation(item.sources),
            "inputs": dict(item.inputs),
            "sources": [ref.model_dump(mode="json") for ref in item.sources],
        }
        for item in items
    ]


def _baseline_json(baseline: Baseline) -> dict[str, Any]:
    return {
        "team_size": str(baseline.team_size),
        "monthly_total": str(baseline.monthly_total),
        "currency": baseline.currency,
        "fte": str(baseline.fte),
        "needed_fte": str(baseline.needed_fte),
        "covers_hours": baseline.covers_hours,
        "meets_target": baseline.meets_target,
        "line_items": _items_json(baseline.line_items),
    }


def _model_json(cost: ModelCost) -> dict[str, Any]:
    return {
        "model": cost.model.value,
        "monthly_total": str(cost.monthly_total),
        "currency": cost.currency,
        "fte": str(cost.fte),
        "split": cost.split,
        "billing": cost.billing,
        "candidates": {key: str(total) for key, total in cost.candidates.items()},
        "notes": list(cost.notes),
        "equivalent_fte": str(cost.equivalent_fte),
        "cost_per_contact": _opt(cost.cost_per_contact),
        "cost_per_minute": _opt(cost.cost_per_minute),
        "kind": cost.kind,
        "destination": cost.destination,
        "location": cost.location,
        "choice": cost.choice,
        "options": [option.model_dump(mode="json") for option in cost.options],
        "line_items": _items_json(cost.line_items),
    }
