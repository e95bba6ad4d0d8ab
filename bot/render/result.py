"""Renders the engine's answer (an :class:`~costengine.results.Estimate`) as neutral replies.

Python here only *selects and labels*: it turns the estimate into plain view rows (label
strings, raw ``Decimal``/``float`` figures) and the templates in ``templates/<locale>/`` lay
them out, formatting every number with the Babel filters of :mod:`bot.render.env`. So a
figure the user reads is always the engine's figure in the user's locale, and a translator
never touches code. Four views, one per depth of the conversation:

- :func:`render_result`  - the four models side by side, the winner and why, plus the chart;
- :func:`render_why`     - the working: staffing per pool, the winner's line items and sources;
- :func:`render_details` - every model's line items and the sensitivity table;
- :func:`render_quick`   - one compact message for a phone, with the defaults it filled in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from bot.core.actions import DETAILS_ACTIONS, RESULT_ACTIONS, WHY_ACTIONS, result_actions
from bot.core.events import Choice, Image, Reply, ReplyKind
from bot.core.regions import known_regions, region_facts
from bot.render.env import Renderer, normalize_locale
from bot.render.env import renderer as default_renderer
from bot.render.labels import Labels, labels_for
from costengine.results import (
    Assumption,
    BreakEven,
    Estimate,
    LineItem,
    ModelCost,
    PoolStaffing,
    SensitivityRow,
    SourceRef,
)
from costengine.scenario import DeliveryModel, HoursPreset

__all__ = [
    "DEFAULT_KEYS",
    "MESSAGE_LIMIT",
    "RESULT_ACTIONS",
    "render_details",
    "render_quick",
    "render_result",
    "render_why",
]

#: The ``defaults_used`` keys :func:`render_quick` explains with the value it assumed; the
#: bare question id ("languages") is accepted as well as the prefixed key.
DEFAULT_KEYS: tuple[str, ...] = (
    "default.languages",
    "default.hours",
    "default.region",
    "default.channels",
    "default.currency",
    "default.timezone",
    "default.kind",
    "default.volume",
    "default.team_size",
    "default.service_level",
)

#: An engine figure written as text: "12", "3569.17", "1E+3", "1.23457e+06".
#: One channel's share in an assumption param: "phone 60%".
_SHARE = re.compile(r"([a-z_]+) (\S+)")
_NUMBER_TEXT = re.compile(r"[-+]?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?")


class _View:
    """Everything one render needs: the locale's renderer, labels and Babel filters."""

    def __init__(self, estimate: Estimate, locale: str, renderer: Renderer | None) -> None:
        self.estimate = estimate
        self.locale = normalize_locale(locale)
        self.renderer = renderer or default_renderer()
        self.labels: Labels = labels_for(self.renderer, self.locale)
        self.env = self.renderer.env(self.locale)
        self.babel = self.renderer.babel_locale(self.locale)

    # --- formatting helpers (Babel via the environment's own filters) ----------------------

    def money(self, amount: Decimal) -> str:
        text: str = self.env.filters["money"](amount, self.estimate.currency)
        return text

    def number_text(self, text: str) -> str:
        """An engine figure given as text ("3569.17") in the locale, keeping its digits."""
        if _NUMBER_TEXT.fullmatch(text.strip()) is None:
            return text
        value = Decimal(text.strip())
        exponent = value.as_tuple().exponent
        digits = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        # Readable precision: whole thousands, cents for units, small rates as given (<= 4).
        size = abs(value)
        digits = 0 if size >= 1000 else min(digits, 2 if size >= 1 else 4)
        formatted: str = self.env.filters["number"](value, digits)
        return formatted

    def render(self, template: str, **context: Any) -> str:
        return self.renderer.render(self.locale, template, **context)

    # --- labels ---------------------------------------------------------------------------

    def model(self, model: DeliveryModel) -> str:
        return self.labels.get("model", model.value)

    def language(self, code: str) -> str:
        return str(self.babel.languages.get(code, code))

    def region(self, code: str) -> str:
        """A rate-card region in the user's words ("UK" -> CLDR "GB" -> "Wielka Brytania")."""
        territory = region_facts(code).territory if code in known_regions() else code
        return str(self.babel.territories.get(territory, code))

    def channels(self, channels: Iterable[str]) -> str:
        sep = self.labels.get("text", "list_separator", ", ")
        return sep.join(self.labels.get("channel", str(channel)) for channel in channels)

    def actions(self, values: Iterable[str]) -> tuple[Choice, ...]:
        """Follow-up buttons labelled from ``result.toml`` (``action.<value>``)."""
        return tuple(Choice(value, self.labels.get("action", value)) for value in values)

    # --- view rows ------------------------------------------------------------------------

    def ordered_models(self) -> list[ModelCost]:
        models = self.estimate.models
        ranking = [m for m in self.estimate.recommendation.ranking if m in models]
        rest = [m for m in DeliveryModel if m in models and m not in ranking]
        return [models[m] for m in (*ranking, *rest)]

    def model_row(self, cost: ModelCost) -> dict[str, Any]:
        recommendation = self.estimate.recommendation
        return {
            "key": cost.model.value,
            "name": self.model(cost.model),
            "total": cost.monthly_total,
            "fte": cost.fte,
            "winner": cost.model is recommendation.model,
            "runner_up": cost.model is recommendation.runner_up,
            "split": self.labels.get("split", cost.split) if cost.split else None,
            "billing": self.labels.get("billing", cost.billing) if cost.billing else None,
            "candidates": [
                (self._candidate(cost, name), total)
                for name, total in sorted(cost.candidates.items(), key=lambda kv: kv[1])
            ],
            "notes": [self.labels.get("note", note) for note in cost.notes],
        }

    def _candidate(self, cost: ModelCost, name: str) -> str:
        section = "split" if cost.model is DeliveryModel.PARTIAL else "billing"
        return self.labels.get(section, name)

    def line_item(self, item: LineItem, seen: set[str] | None = None) -> dict[str, Any]:
        """One line item; with ``seen``, a source already cited is shown without its citation."""
        return {
            "key": item.key,
            "name": self.labels.get("line_item", item.key, item.label),
            "category": self.labels.get("category", item.category.value),
            "amount": item.amount,
            "inputs": [
                (self.labels.get("input", name), self.number_text(value))
                for name, value in item.inputs.items()
            ],
            "sources": [self.source(ref, seen) for ref in item.sources],
        }

    def source(self, ref: SourceRef, seen: set[str] | None = None) -> dict[str, Any]:
        repeat = seen is not None and ref.entry in seen
        if seen is not None:
            seen.add(ref.entry)
        return {
            "repeat": repeat,
            "entry": ref.entry,
            "value": self.number_text(ref.value),
            "unit": ref.unit,
            "source": ref.source,
            "estimate": ref.estimate,
            "overridden": ref.overridden,
        }

    def assumption(self, assumption: Assumption) -> str:
        params = {name: self.param(name, value) for name, value in assumption.params.items()}
        return self.labels.fill("assumption", assumption.key, params)

    def param(self, name: str, value: str) -> str:
        """Engine params that name channels or languages, in the user's words."""
        parts = [part.strip() for part in value.split(",") if part.strip()]
        if name == "channels":
            return self.channels(parts)
        if name in ("languages", "base_languages"):
            return self._join(self.language(code) for code in parts)
        if name == "region":
            return self.region(value)
        if name.endswith("date"):
            day = _iso_date(value)
            return value if isinstance(day, str) else str(self.env.filters["date"](day))
        if name == "shares":
            return self._join(
                _SHARE.sub(lambda m: f"{self.labels.get('channel', m[1])} {m[2]}", part)
                for part in parts
            )
        return value

    def pool(self, pool: PoolStaffing) -> dict[str, Any]:
        return {
            "language": self.language(pool.language),
            "channels": self.channels(pool.channels),
            "live": pool.live,
            "erlangs": pool.peak_erlangs,
            "agents": pool.peak_agents,
            "service_level": pool.peak_service_level,
            "asa": pool.peak_asa_seconds,
            "open_hours": pool.open_hours_per_week,
            "agent_hours": pool.agent_hours_per_week,
            "floor_hours": pool.floor_hours_per_week,
            "fte": pool.fte,
        }

    def break_even(self, item: BreakEven) -> dict[str, Any]:
        return {
            "below": self.model(item.cheaper_below),
            "above": self.model(item.cheaper_above),
            "contacts": item.contacts_per_month,
        }

    def crossings(self) -> list[dict[str, Any]]:
        """Break-even volumes that exist, those involving the winner first."""
        winner = self.estimate.recommendation.model
        found = [
            item for item in self.estimate.recommendation.break_even if item.contacts_per_month
        ]
        found.sort(key=lambda item: winner not in (item.cheaper_below, item.cheaper_above))
        return [self.break_even(item) for item in found]

    def sensitivity(self, row: SensitivityRow) -> dict[str, Any]:
        order = [m.model for m in self.ordered_models()]
        return {
            "factor": self.labels.get("factor", row.factor),
            "change": row.change,
            "totals": [
                (self.model(m), row.totals[m], m is row.winner) for m in order if m in row.totals
            ],
            "winner": self.model(row.winner),
        }

    def shrinkage(self) -> float | None:
        """The shrinkage the staffing used: the scenario's, else the engine's stated one."""
        if self.estimate.scenario.shrinkage is not None:
            return self.estimate.scenario.shrinkage
        for assumption in self.estimate.assumptions:
            if assumption.key.removeprefix("assumption.") == "shrinkage":
                value = assumption.params.get("value")
                if value is not None and _NUMBER_TEXT.fullmatch(value.strip()):
                    return float(value)
        return None

    def scope(self) -> dict[str, Any]:
        """One line of what was priced, so a result read later still says what it answers."""
        scenario = self.estimate.scenario
        volume = sum((v.contacts_per_month for v in scenario.volumes), Decimal(0))
        return {
            "kind": self.labels.get("kind", scenario.kind.value),
            "channels": self.channels(scenario.channels),
            "languages": self._join(self.language(code) for code in scenario.languages),
            "hours": self.labels.get("hours", scenario.coverage.preset.value),
            "region": self.region(scenario.region),
            "team_size": scenario.team_size,
            "volume": volume if scenario.volumes else None,
        }

    def _join(self, parts: Iterable[str]) -> str:
        return self.labels.get("text", "list_separator", ", ").join(parts)

    def common(self) -> dict[str, Any]:
        estimate = self.estimate
        recommendation = estimate.recommendation
        rows = [self.model_row(cost) for cost in self.ordered_models()]
        winner = next(row for row in rows if row["winner"])
        runner_up = next((row for row in rows if row["runner_up"]), None)
        share = (
            recommendation.savings_vs_runner_up / runner_up["total"]
            if runner_up is not None and runner_up["total"] > 0
            else None
        )
        return {
            "currency": estimate.currency,
            "fx_date": _iso_date(estimate.fx_date),
            "scope": self.scope(),
            "rows": rows,
            "winner": winner,
            "runner_up": runner_up,
            "reasons": [self.labels.get("reason", key) for key in recommendation.reasons],
            "risks": [self.labels.get("risk", key) for key in recommendation.risks],
            "savings_runner_up": recommendation.savings_vs_runner_up,
            "savings_runner_up_share": share,
            "current": estimate.scenario.current_monthly_cost,
            "savings_current": recommendation.savings_vs_current,
            "break_even": self.crossings(),
            "ranking_holds": bool(recommendation.break_even)
            and all(item.contacts_per_month is None for item in recommendation.break_even),
        }

    def chart(self) -> Image:
        # Imported here: matplotlib costs a third of a second, paid only when a chart is drawn.
        from bot.render.chart import CHART_FILENAME, render_chart

        rows = self.ordered_models()
        totals = "; ".join(f"{self.model(m.model)} {self.money(m.monthly_total)}" for m in rows)
        alt = f"{self.labels.get('chart', 'alt')} {totals}"
        return Image(render_chart(self.estimate, self.locale), CHART_FILENAME, alt)

    def result_actions(self, chosen: Sequence[str] | None) -> tuple[Choice, ...]:
        """``chosen`` (the core's follow-ups) labelled; None: the core's default ones."""
        if chosen is None:
            preset = self.estimate.scenario.coverage.preset
            chosen = result_actions(around_the_clock=preset is HoursPreset.TWENTY_FOUR_SEVEN)
        return self.actions(chosen)


def render_result(
    estimate: Estimate,
    locale: str,
    *,
    actions: Sequence[str] | None = None,
    chart: bool = True,
    renderer: Renderer | None = None,
) -> tuple[Reply, ...]:
    """The recommendation: four totals, the winner and why, risks, savings, break-even, chart.

    ``actions``: the follow-up values to offer (default: the core's ``result_actions``)."""
    view = _View(estimate, locale, renderer)
    text = view.render("result.j2", **view.common())
    return (
        Reply(
            text=text,
            kind=ReplyKind.RESULT,
            actions=view.result_actions(actions),
            image=view.chart() if chart else None,
        ),
    )


def render_why(
    estimate: Estimate,
    locale: str,
    *,
    actions: Sequence[str] = WHY_ACTIONS,
    renderer: Renderer | None = None,
) -> tuple[Reply, ...]:
    """The working, in three messages: staffing per pool, the winner's costs, assumptions;
    ``actions`` go under the last one."""
    view = _View(estimate, locale, renderer)
    winner = estimate.models[estimate.recommendation.model]
    seen: set[str] = set()
    context = {
        **view.common(),
        "pools": [view.pool(pool) for pool in estimate.staffing],
        "shrinkage": view.shrinkage(),
        "assumptions": [view.assumption(item) for item in estimate.assumptions],
        "continued": False,
    }
    items = [view.line_item(item, seen) for item in winner.line_items]
    texts = [view.render("why.j2", part="staffing", items=[], **context)]
    texts += _chunks(view, "why.j2", "costs", items, context)
    texts.append(view.render("why.j2", part="assumptions", items=[], **context))
    buttons = view.actions(actions)
    return tuple(
        Reply(text=text, kind=ReplyKind.INFO, actions=buttons if last else ())
        for last, text in _flag_last(t for t in texts if t)
    )


def render_details(
    estimate: Estimate,
    locale: str,
    *,
    actions: Sequence[str] = DETAILS_ACTIONS,
    renderer: Renderer | None = None,
) -> tuple[Reply, ...]:
    """Every model's line items (one message each) and the sensitivity table; ``actions``
    go under the last one."""
    view = _View(estimate, locale, renderer)
    common = view.common()
    texts = [
        view.render(
            "details.j2",
            part="model",
            model=view.model_row(cost),
            items=[view.line_item(item) for item in cost.line_items],
            **common,
        )
        for cost in view.ordered_models()
    ]
    texts.append(
        view.render(
            "details.j2",
            part="sensitivity",
            model=None,
            items=[],
            sensitivity=[view.sensitivity(row) for row in estimate.sensitivity],
            **common,
        )
    )
    buttons = view.actions(actions)
    return tuple(
        Reply(text=text, kind=ReplyKind.INFO, actions=buttons if last else ())
        for last, text in _flag_last(texts)
    )


def render_quick(
    estimate: Estimate,
    locale: str,
    defaults_used: tuple[str, ...] = (),
    *,
    actions: Sequence[str] | None = None,
    chart: bool = True,
    renderer: Renderer | None = None,
) -> tuple[Reply, ...]:
    """One compact message for a phone: four totals, the winner, one reason, the defaults
    filled in (each with the value assumed), and the chart on the same reply."""
    view = _View(estimate, locale, renderer)
    common = view.common()
    defaults = [
        (view.labels.get("default", key), _default_value(view, key))
        for key in dict.fromkeys(defaults_used)
    ]
    text = view.render("quick.j2", defaults=defaults, **common)
    return (
        Reply(
            text=text,
            kind=ReplyKind.RESULT,
            actions=view.result_actions(actions),
            image=view.chart() if chart else None,
        ),
    )


def _default_value(view: _View, key: str) -> str | None:
    """What the quick estimate assumed for a defaulted field, in the user's words."""
    scope = view.scope()
    scenario = view.estimate.scenario
    name = key.removeprefix("default.")
    simple: Mapping[str, str | None] = {
        "languages": scope["languages"],
        "hours": scope["hours"],
        "region": scope["region"],
        "channels": scope["channels"],
        "currency": view.estimate.currency,
        "timezone": scenario.coverage.timezone,
        "kind": scope["kind"],
    }
    if name in simple:
        return simple[name]
    if name == "volume" and scope["volume"] is not None:
        return view.number_text(str(scope["volume"]))
    if name == "team_size" and scenario.team_size is not None:
        return view.number_text(str(scenario.team_size))
    if name == "service_level":
        params = {"share": str(scenario.service_level), "seconds": str(scenario.answer_seconds)}
        return view.labels.fill("value", "service_level", params)
    return None


#: Longest message the views produce, below Telegram's 4,096 and Slack's section limits.
MESSAGE_LIMIT = 3500


def _chunks(
    view: _View, template: str, part: str, items: list[dict[str, Any]], context: dict[str, Any]
) -> list[str]:
    """Render ``items`` in as few messages as fit :data:`MESSAGE_LIMIT` (one item at least)."""
    texts: list[str] = []
    start = 0
    while start < len(items) or not texts:
        end = start + 1
        text = view.render(
            template, part=part, **{**context, "items": items[start:end], "continued": bool(texts)}
        )
        while end < len(items):
            longer = view.render(
                template,
                part=part,
                **{**context, "items": items[start : end + 1], "continued": bool(texts)},
            )
            if len(longer) > MESSAGE_LIMIT:
                break
            text, end = longer, end + 1
        texts.append(text)
        start = end
    return texts


def _iso_date(text: str) -> date | str:
    """The fx date as a date (so templates format it per locale), or the text as given."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        return text


def _flag_last(texts: Iterable[str]) -> list[tuple[bool, str]]:
    items = list(texts)
    return [(index == len(items) - 1, text) for index, text in enumerate(items)]
