"""Renders the engine's answer (an :class:`~costengine.results.Estimate`) as neutral replies.

Python here only *selects and labels*: it turns the estimate into plain view rows (label
strings, raw ``Decimal`` figures) and the templates in ``templates/<locale>/`` lay them out,
formatting every number with the Babel filters of :mod:`bot.render.env`. So a figure the user
reads is always the engine's figure in the user's locale, and a translator never touches
code. Four views, one per depth of the conversation:

- :func:`render_result`  - the four models side by side, today's team, the recommendation
  and why, risks, savings, the break-even of the recommended model, plus the chart;
- :func:`render_why`     - the working a business owner reads in twenty seconds: the work,
  the team it takes, the provider, where the money goes, then numbered sources;
- :func:`render_details` - every model line by line, the outsourcing offers side by side,
  the sensitivity table, the staffing and assumptions, and every source;
- :func:`render_quick`   - one compact message for a phone, with the defaults it filled in.

Figures in the result, the why and the quick view are rounded to three significant digits
(``money_sig``, ``sig``); the details keep whole currency units.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from babel.lists import format_list

from bot.core.actions import DETAILS_ACTIONS, RESULT_ACTIONS, WHY_ACTIONS, result_actions
from bot.core.events import Choice, Image, Reply, ReplyKind
from bot.core.regions import known_regions, region_facts
from bot.render.conversation import action_choice
from bot.render.env import Renderer, normalize_locale
from bot.render.env import renderer as default_renderer
from bot.render.labels import Labels, labels_for
from bot.render.numbers import decimal, significant
from bot.render.split import split_text
from costengine.results import (
    Assumption,
    BreakEven,
    Citation,
    Estimate,
    LineItem,
    ModelCost,
    OutsourcingOption,
    PoolStaffing,
    SensitivityRow,
)
from costengine.scenario import DeliveryModel, HoursPreset

__all__ = [
    "DEFAULT_KEYS",
    "MESSAGE_LIMIT",
    "RESULT_ACTIONS",
    "WHY_CITATIONS",
    "WHY_ITEMS",
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

#: Longest message the views produce, below Telegram's 4,096 and Slack's section limits;
#: longer texts are split at line boundaries (:mod:`bot.render.split`).
MESSAGE_LIMIT = 3500

#: Line items the "why" names one by one (the largest); the rest are summed in one line.
WHY_ITEMS = 4
#: Documents the "why" cites for one line item (the details cite them all).
WHY_CITATIONS = 3

#: Grammatical forms of a model name (``model_forms.<model>.<form>`` in ``result.toml``):
#: nominative inside a sentence, genitive, instrumental, locative.
_FORMS = ("nom", "gen", "ins", "loc")

#: The assumptions that say how today's team compares with the work.
_TEAM_ASSUMPTIONS = (
    "assumption.team_cannot_cover",
    "assumption.team_short",
    "assumption.team_surplus",
)

#: Money inputs of line items are in the result currency; these params name languages.
_LANGUAGE_PARAMS = ("languages", "base_languages")
#: Inputs that are FTE, rounded like every FTE the views show.
_FTE_PARAMS = ("fte", "lead_fte", "manager_fte")
#: One channel's share in an assumption param: "phone 60%".
_SHARE = re.compile(r"([a-z_]+) (\S+)")
#: An engine figure written as text: "12", "3569.17", "1E+3", "1.23457e+06".
_NUMBER_TEXT = re.compile(r"[-+]?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?")


def _fte(value: Decimal | float) -> Decimal:
    """FTE as people read it: two significant digits below 10 (0.29, 1.6, 8), three above."""
    number = decimal(value)
    return significant(number, 2 if abs(number) < 10 else 3)


class _Sources:
    """The documents cited, numbered in order of first use: ``[1]``, ``[2, 3]``.

    ``per_item`` keeps a short list short: an item cites the first document of each of its
    rate-card entries, then the others, up to that many (the details cite every one)."""

    def __init__(self, per_item: int | None = None) -> None:
        self._numbers: dict[str, int] = {}
        self._per_item = per_item
        self.cited: list[Citation] = []

    def refs(self, item: LineItem) -> list[int]:
        firsts = [ref.citations[0] for ref in item.sources if ref.citations]
        rest = [c for ref in item.sources for c in ref.citations[1:]]
        chosen = list({c.key: c for c in (*firsts, *rest)}.values())
        if self._per_item is not None:
            chosen = chosen[: self._per_item]
        found: list[int] = []
        for citation in chosen:
            number = self._numbers.get(citation.key)
            if number is None:
                self.cited.append(citation)
                number = self._numbers[citation.key] = len(self.cited)
            found.append(number)
        return sorted(set(found))


def _ranges(numbers: Sequence[int]) -> str:
    """[1, 2, 3, 5, 6] -> "1–3, 5, 6": three or more in a row as a range (the digits are the
    same in every locale)."""
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    parts: list[str] = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{run[0]}–{run[-1]}")
        else:
            parts.extend(str(number) for number in run)
    return ", ".join(parts)


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

    def money_sig(self, amount: Decimal) -> str:
        text: str = self.env.filters["money_sig"](amount, self.estimate.currency)
        return text

    def sig(self, value: Decimal | float | str) -> str:
        text: str = self.env.filters["sig"](value)
        return text

    def render(self, template: str, **context: Any) -> str:
        return self.renderer.render(self.locale, template, **context)

    # --- labels ---------------------------------------------------------------------------

    def model(self, model: DeliveryModel) -> str:
        return self.labels.get("model", model.value)

    def forms(self, model: DeliveryModel) -> dict[str, str]:
        """The model's name in each grammatical form (Polish declines it after prepositions)."""
        name = self.model(model)
        return {
            form: self.labels.get("model_forms", f"{model.value}.{form}", name) for form in _FORMS
        }

    def language(self, code: str) -> str:
        return str(self.babel.languages.get(code, code))

    def languages(self, codes: Iterable[str]) -> str:
        """Language names as a CLDR list: "English and Chinese", "angielski i chiński"."""
        return self._list(self.language(code) for code in codes)

    def _list(self, parts: Iterable[str]) -> str:
        return format_list(list(parts), locale=self.babel)

    def region(self, code: str) -> str:
        """A rate-card region in the user's words ("UK" -> CLDR "GB" -> "Wielka Brytania")."""
        territory = region_facts(code).territory if code in known_regions() else code
        return str(self.babel.territories.get(territory, code))

    def where(self, code: str) -> str:
        """Where a provider is, as a phrase that follows a noun: "in the Philippines",
        "na Filipinach", "菲律宾" (``where.<region>``; else the CLDR name)."""
        return self.labels.get("where", code, self.region(code))

    def channels(self, channels: Iterable[str]) -> str:
        return self._list(self.labels.get("channel", str(channel)) for channel in channels)

    def _join(self, parts: Iterable[str]) -> str:
        return self.labels.get("text", "list_separator", ", ").join(parts)

    def actions(self, values: Iterable[str]) -> tuple[Choice, ...]:
        """Follow-up buttons, labelled exactly as the conversation labels them elsewhere."""
        return tuple(action_choice(value, self.locale) for value in values)

    # --- view rows ------------------------------------------------------------------------

    def ordered_models(self) -> list[ModelCost]:
        models = self.estimate.models
        ranking = [m for m in self.estimate.recommendation.ranking if m in models]
        rest = [m for m in DeliveryModel if m in models and m not in ranking]
        return [models[m] for m in (*ranking, *rest)]

    def provider(
        self, kind: str | None, destination: str | None, location: str | None
    ) -> str | None:
        """ "pay-per-use in the Philippines (offshore)" / "dedicated agents in Poland
        (nearshore)": what kind of outsourcing, from where."""
        if kind is None:
            return None
        params = {
            "kind": self.labels.get("outsourcing", kind),
            "where": self.where(destination) if destination else "",
            "location": self.labels.get("location", location) if location else "",
        }
        return self.labels.fill("text", "provider", params)

    def converging(self) -> set[DeliveryModel]:
        """Models the engine says come to nearly the same (in-house and hosted, small teams)."""
        found: set[DeliveryModel] = set()
        for cost in self.estimate.models.values():
            if "note.models_converge" in cost.notes:
                found.add(cost.model)
        return found if len(found) > 1 else set()

    def model_row(self, cost: ModelCost) -> dict[str, Any]:
        recommendation = self.estimate.recommendation
        shared = cost.equivalent_fte if cost.kind == "shared" else Decimal(0)
        return {
            "key": cost.model.value,
            "name": self.model(cost.model),
            "forms": self.forms(cost.model),
            "total": cost.monthly_total,
            "fte": _fte(cost.fte),
            "shared_fte": _fte(shared) if shared > 0 else None,
            "winner": cost.model is recommendation.model,
            "cheapest": cost.model is (recommendation.cheapest or recommendation.ranking[0]),
            "runner_up": cost.model is recommendation.runner_up,
            "split": self.labels.get("split", cost.split) if cost.split else None,
            "billing": self.labels.get("billing", cost.billing) if cost.billing else None,
            "provider": self.provider(cost.kind, cost.destination, cost.location),
            "choice": self.labels.get("choice", cost.choice) if cost.choice else None,
            "per_contact": cost.cost_per_contact,
            "per_minute": cost.cost_per_minute,
            "candidates": [
                (self._candidate(cost, name), total)
                for name, total in sorted(cost.candidates.items(), key=lambda kv: kv[1])
            ],
            "notes": [
                self.labels.get("note", note)
                for note in cost.notes
                if note != "note.models_converge"  # said once, for both models
            ],
        }

    def _candidate(self, cost: ModelCost, name: str) -> str:
        section = "split" if cost.model is DeliveryModel.PARTIAL else "billing"
        return self.labels.get(section, name)

    def working(self, item: LineItem) -> str:
        """How a line item was worked out, in plain words ("11,900 minutes at $0.442")."""
        params: dict[str, object] = {"currency": self.estimate.currency}
        for name, value in item.inputs.items():
            if name in _LANGUAGE_PARAMS:
                params[name] = self.languages(v.strip() for v in value.split(",") if v.strip())
            elif name == "destination":
                params[name] = self.region(value)
            elif name in _FTE_PARAMS and _NUMBER_TEXT.fullmatch(value.strip()):
                params[name] = str(_fte(Decimal(value)))  # as the result rounds FTE
            else:
                params[name] = value
        filled = self.labels.try_fill("working", item.key, params)
        if filled is not None:
            return filled
        return self._join(  # a new engine input: still every figure, labelled
            f"{self.labels.get('input', name)} {self._figure(value)}"
            for name, value in item.inputs.items()
        )

    def _figure(self, value: str) -> str:
        return self.sig(value) if _NUMBER_TEXT.fullmatch(value.strip()) else value

    def line_item(self, item: LineItem, sources: _Sources | None = None) -> dict[str, Any]:
        return {
            "key": item.key,
            "name": self.labels.get("line_item", item.key, item.label),
            "category": self.labels.get("category", item.category.value),
            "amount": item.amount,
            "working": self.working(item),
            "refs": _ranges(sources.refs(item)) if sources is not None else "",
            "estimate": any(ref.estimate for ref in item.sources),
            "overridden": any(ref.overridden for ref in item.sources),
        }

    def citation(self, number: int, citation: Citation) -> dict[str, Any]:
        """One numbered source: publisher and title as published (a seed note of ours in
        the user's words), its date through Babel, its link."""
        own = self.labels.has("source", citation.key)
        return {
            "number": number,
            "publisher": None if own else citation.publisher,
            "title": self.labels.get("source", citation.key) if own else citation.title,
            "date": self.citation_date(citation.date),
            "url": citation.url,
        }

    def citation_date(self, text: str) -> str | None:
        parts = text.split("-")
        if not all(part.isdigit() for part in parts) or not 1 <= len(parts) <= 3:
            return None if text.strip() in ("", "n.d.") else text
        if len(parts) == 1:
            return parts[0]
        numbers = [int(part) for part in parts]
        if len(parts) == 2:
            from babel.dates import format_skeleton

            return str(format_skeleton("yMMMM", date(numbers[0], numbers[1], 1), locale=self.babel))
        return str(self.env.filters["date"](date(numbers[0], numbers[1], numbers[2])))

    def sources(self, found: _Sources) -> list[dict[str, Any]]:
        return [self.citation(index, c) for index, c in enumerate(found.cited, start=1)]

    def assumption(self, assumption: Assumption) -> str:
        params = {name: self.param(name, value) for name, value in assumption.params.items()}
        return self.labels.fill("assumption", assumption.key, params)

    def param(self, name: str, value: str) -> str:
        """Engine params that name channels or languages, in the user's words."""
        parts = [part.strip() for part in value.split(",") if part.strip()]
        if name == "channels":
            return self.channels(parts)
        if name in _LANGUAGE_PARAMS:
            return self.languages(parts)
        if name == "region":
            return self.region(value)
        if name.endswith("date"):
            day = _iso_date(value)
            return value if isinstance(day, str) else str(self.env.filters["date"](day))
        if name == "shares":
            return self._join(self._share(part) for part in parts)
        return value

    def _share(self, part: str) -> str:
        """ "phone 60%" -> "telefon 60%"; "zh 30%" -> "chiński 30%"."""
        found = _SHARE.fullmatch(part)
        if found is None:
            return part
        word, figure = found[1], found[2]
        name = (
            self.labels.get("channel", word)
            if self.labels.has("channel", word)
            else self.language(word)
        )
        return f"{name} {figure}"

    def team(self, pool: PoolStaffing) -> dict[str, Any]:
        return {
            "team": self.labels.get("team", pool.team) if pool.team else None,
            "languages": self.languages(pool.language.split(",")),
            "channels": self.channels(pool.channels),
            "live": pool.live,
            "erlangs": pool.peak_erlangs,
            "agents": pool.peak_agents,
            "service_level": pool.peak_service_level,
            "asa": pool.peak_asa_seconds,
            "open_hours": pool.open_hours_per_week,
            "agent_hours": pool.agent_hours_per_week,
            "floor_hours": pool.floor_hours_per_week,
            "fte": _fte(pool.fte),
            "occupancy": pool.occupancy,
        }

    def language_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "name": self.language(row.language),
                "share": row.share,
                "speakers": row.peak_speakers,
                "fte": _fte(row.speaker_fte),
            }
            for row in self.estimate.languages
        ]

    def agents_speak(self) -> str | None:
        for assumption in self.estimate.assumptions:
            if assumption.key == "assumption.language_shares":
                return assumption.params.get("agent_languages")
        return None

    def break_even(self) -> dict[str, Any]:
        """Break-even of the recommended model only, skipping pairs that converge.

        ``crossings``: volumes where the recommended model stops being the cheaper one of a
        pair; ``holds``: it is the cheapest and crosses no other model in the range tried.
        """
        recommendation = self.estimate.recommendation
        winner = recommendation.model
        converging = self.converging()
        crossings: list[dict[str, Any]] = []
        pairs = 0
        for item in recommendation.break_even:
            if winner not in (item.cheaper_below, item.cheaper_above):
                continue
            if {item.cheaper_below, item.cheaper_above} <= converging:
                continue
            pairs += 1
            if item.contacts_per_month is not None and item.cheaper_below != item.cheaper_above:
                crossings.append(self._crossing(item, winner))
        cheapest = (recommendation.cheapest or recommendation.ranking[0]) is winner
        return {
            "crossings": crossings,
            "holds": cheapest and pairs > 0 and not crossings,
        }

    def _crossing(self, item: BreakEven, winner: DeliveryModel) -> dict[str, Any]:
        other = item.cheaper_above if item.cheaper_below is winner else item.cheaper_below
        return {
            "winner_below": item.cheaper_below is winner,
            "other": self.forms(other),
            "other_name": self.model(other),
            "contacts": item.contacts_per_month,
        }

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

    def scope(self) -> dict[str, Any]:
        """One line of what was priced, so a result read later still says what it answers."""
        scenario = self.estimate.scenario
        volume = sum((v.contacts_per_month for v in scenario.volumes), Decimal(0))
        return {
            "kind": self.labels.get("kind", scenario.kind.value),
            "channels": self.channels(scenario.channels),
            "languages": self.languages(scenario.languages),
            "hours": self.labels.get("hours", scenario.coverage.preset.value),
            "region": self.region(scenario.region),
            "team_size": scenario.team_size,
            "volume": volume if scenario.volumes else None,
        }

    def work(self) -> dict[str, Any]:
        """The contacts priced a month, per channel (given, from users, or today's team)."""
        volumes = self.estimate.volumes or self.estimate.scenario.volumes
        return {
            "total": sum((v.contacts_per_month for v in volumes), Decimal(0)),
            "channels": [
                (self.labels.get("channel", v.channel.value), v.contacts_per_month) for v in volumes
            ],
        }

    def today(self, winner: ModelCost) -> dict[str, Any] | None:
        """Today's cost: the team given, priced as it is, or the cost the user typed."""
        estimate = self.estimate
        recommendation = estimate.recommendation
        baseline = estimate.baseline
        saving = recommendation.savings_vs_today
        if recommendation.today == "baseline" and baseline is not None:
            total, team = baseline.monthly_total, baseline.team_size
        elif estimate.scenario.current_monthly_cost is not None:
            total, team = estimate.scenario.current_monthly_cost, None
            saving = saving if saving is not None else recommendation.savings_vs_current
        else:
            return None
        if saving is None:
            saving = total - winner.monthly_total
        team_words = [
            self.assumption(a) for a in estimate.assumptions if a.key in _TEAM_ASSUMPTIONS
        ]
        return {
            "total": total,
            "team_size": team,
            "saving": saving,
            "share": saving / total if total > 0 else None,
            "covers_hours": baseline.covers_hours if baseline is not None else True,
            "meets_target": baseline.meets_target if baseline is not None else True,
            "team_words": team_words[0] if team_words else None,
        }

    def judgement(self, rows: list[dict[str, Any]]) -> dict[str, Any] | None:
        """The cheaper model that is not recommended, and why (a judgement rule)."""
        recommendation = self.estimate.recommendation
        cheapest = recommendation.cheapest
        if cheapest is None or cheapest is recommendation.model:
            return None
        models = self.estimate.models
        reason = next(
            (
                self.labels.get("reason", key)
                for key in recommendation.reasons
                if key in ("reason.switch_not_worth_it", "reason.partial_margin_too_small")
            ),
            None,
        )
        return {
            "cheapest": next(row for row in rows if row["key"] == cheapest.value),
            "difference": models[recommendation.model].monthly_total
            - models[cheapest].monthly_total,
            "reason": reason,
        }

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
        judgement = self.judgement(rows)
        converging = self.converging()
        skip = {"reason.switch_not_worth_it", "reason.partial_margin_too_small"}
        today = self.today(estimate.models[recommendation.model])
        if today is not None:
            skip.add("reason.below_current")  # the saving against today says it in figures
        tie = next(
            (
                row
                for row in rows
                if not row["winner"]
                and recommendation.model in converging
                and DeliveryModel(row["key"]) in converging
            ),
            None,
        )
        return {
            "currency": estimate.currency,
            "fx_date": _iso_date(estimate.fx_date),
            "tie": tie,
            "scope": self.scope(),
            "rows": rows,
            "winner": winner,
            "runner_up": runner_up,
            "judgement": judgement,
            "converge": [row for row in rows if DeliveryModel(row["key"]) in converging],
            "converge_note": self.labels.get("note", "note.models_converge"),
            "reasons": [
                self.labels.get("reason", key) for key in recommendation.reasons if key not in skip
            ],
            "risks": [self.labels.get("risk", key) for key in recommendation.risks],
            "savings_runner_up": recommendation.savings_vs_runner_up,
            "savings_runner_up_share": share,
            "today": today,
            "break_even": self.break_even(),
        }

    def chart(self) -> Image:
        # Imported here: matplotlib costs a third of a second, paid only when a chart is drawn.
        from bot.render.chart import CHART_FILENAME, render_chart

        rows = self.ordered_models()
        totals = self._join(
            f"{self.model(m.model)} {self.money_sig(m.monthly_total)}" for m in rows
        )
        alt = self.labels.fill("chart", "alt", {"totals": totals})
        title = self.labels.fill("chart", "title", {"currency": self.estimate.currency})
        return Image(render_chart(self.estimate, self.locale), CHART_FILENAME, alt, title)

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
    """The recommendation: four totals, today's team, the winner and why, risks, savings,
    the break-even of the recommended model, and the chart.

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


def _why_items(view: _View, winner: ModelCost, found: _Sources) -> dict[str, Any]:
    """The largest line items one by one (with their sources), the rest as one sum."""
    items = sorted(winner.line_items, key=lambda item: item.amount, reverse=True)
    shown, rest = items[:WHY_ITEMS], items[WHY_ITEMS:]
    if len(rest) == 1:  # one more line costs less than a line saying "one other item"
        shown, rest = items, []
    return {
        "items": [view.line_item(item, found) for item in shown],
        "others": sum((item.amount for item in rest), Decimal(0)) if rest else None,
        "others_count": len(rest),
    }


def render_why(
    estimate: Estimate,
    locale: str,
    *,
    actions: Sequence[str] = WHY_ACTIONS,
    renderer: Renderer | None = None,
) -> tuple[Reply, ...]:
    """The working in about a dozen lines, then the sources as a numbered list; split at
    line boundaries when longer than a message. ``actions`` go under the last message."""
    view = _View(estimate, locale, renderer)
    winner = estimate.models[estimate.recommendation.model]
    found = _Sources(per_item=WHY_CITATIONS)
    context = {
        **view.common(),
        **_why_items(view, winner, found),
        "work": view.work(),
        "teams": [view.team(pool) for pool in estimate.staffing],
        "languages": view.language_rows() if len(estimate.scenario.languages) > 1 else [],
        "agents_speak": view.agents_speak(),
        "answer_seconds": estimate.scenario.answer_seconds,
        "hours": view.labels.get("hours", estimate.scenario.coverage.preset.value),
    }
    context["sources"] = view.sources(found)
    return _messages(view.render("why.j2", **context), view.actions(actions))


def _messages(text: str, buttons: tuple[Choice, ...]) -> tuple[Reply, ...]:
    parts = split_text(text, MESSAGE_LIMIT)
    return tuple(
        Reply(text=part, kind=ReplyKind.INFO, actions=buttons if last else ())
        for last, part in _flag_last(parts)
    )


def _options(view: _View, cost: ModelCost) -> list[dict[str, Any]]:
    """The outsourcing offers side by side: onshore and the cheapest destination (and the
    one shown, if another), each with its dedicated and pay-per-use price."""
    if not cost.options:
        return []
    home = view.estimate.scenario.region
    by_place: dict[str, list[OutsourcingOption]] = {}
    for option in cost.options:
        by_place.setdefault(option.destination, []).append(option)
    cheapest = min(cost.options, key=lambda option: option.monthly_total).destination
    chosen = next((o.destination for o in cost.options if o.chosen), cheapest)
    places = [p for p in dict.fromkeys((chosen, cheapest, home)) if p in by_place]
    rows = []
    for place in places:
        offers = sorted(by_place[place], key=lambda option: option.kind)
        first = offers[0]
        rows.append(
            {
                "where": view.region(place),
                "location": view.labels.get("location", first.location),
                "offers": [
                    {
                        "kind": view.labels.get("outsourcing", o.kind),
                        "total": o.monthly_total,
                        "chosen": o.chosen,
                        "minimum": not o.sellable,
                        "languages": o.serves_languages,
                    }
                    for o in offers
                ],
            }
        )
    return rows


def render_details(
    estimate: Estimate,
    locale: str,
    *,
    actions: Sequence[str] = DETAILS_ACTIONS,
    renderer: Renderer | None = None,
) -> tuple[Reply, ...]:
    """Every model line by line (a message each), the sensitivity table, the staffing and
    assumptions, and every source; ``actions`` go under the last message."""
    view = _View(estimate, locale, renderer)
    common = view.common()
    found = _Sources()
    texts = [
        view.render(
            "details.j2",
            part="model",
            model=view.model_row(cost),
            items=[view.line_item(item, found) for item in cost.line_items],
            options=_options(view, cost),
            **common,
        )
        for cost in view.ordered_models()
    ]
    extra = {
        "sensitivity": [view.sensitivity(row) for row in estimate.sensitivity],
        "teams": [view.team(pool) for pool in estimate.staffing],
        "assumptions": [view.assumption(item) for item in estimate.assumptions],
        "sources": view.sources(found),
        "answer_seconds": estimate.scenario.answer_seconds,
    }
    for part in ("sensitivity", "assumptions", "sources"):
        text = view.render(
            "details.j2", part=part, model=None, items=[], options=[], **common, **extra
        )
        texts.extend(split_text(text, MESSAGE_LIMIT))
    buttons = view.actions(actions)
    texts = [t for t in texts if t]
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
    """One compact message for a phone: four totals, the winner, today's team, one reason,
    the defaults filled in (each with the value assumed), and the chart on the same reply."""
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
        return view.sig(scope["volume"])
    if name == "team_size" and scenario.team_size is not None:
        return view.sig(str(scenario.team_size))
    if name == "service_level":
        params = {"share": str(scenario.service_level), "seconds": str(scenario.answer_seconds)}
        return view.labels.fill("value", "service_level", params)
    return None


def _iso_date(text: str) -> date | str:
    """The fx date as a date (so templates format it per locale), or the text as given."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        return text


def _flag_last(texts: Iterable[str]) -> list[tuple[bool, str]]:
    items = list(texts)
    return [(index == len(items) - 1, text) for index, text in enumerate(items)]
