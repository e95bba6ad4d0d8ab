"""In-house (self-built): own agents on a platform the business builds and runs.

Own-staff costs (:func:`staff_drafts`) are shared with the hosted model, which differs only
in renting the platform instead of building it:

- agents: rostered FTE x monthly salary x (1 + employer on-costs); shift premiums on the
  share of agent-hours worked at night or at weekends; a language premium on the share of
  agent-hours in languages the region does not staff at base pay;
- team leads: ``ceil(FTE / span)`` leads at ``salary x lead multiplier``, on-costs included;
  QA / workforce-management / trainer posts: ``FTE x ratio`` at the same pay;
- churn: ``hires a year = FTE x attrition``; recruiting = hires x cost per hire; training =
  hires x (training days + ramp-up weeks x productivity lost) x a loaded day's pay (plus a
  per-day training allowance where the card has one); both spread per month;
- seats: workspace and desk IT per seat, seats = people present at the busiest hour (shifts
  share desks), never more than the head count.

In-house adds software licences per head, telephony, the platform build written off over
``amortisation_months``, the platform's running fee and maintenance (device maintenance per
seat, version upgrades and paid vendor support calls).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from itertools import compress

from costengine.pricing.common import Draft, PricingContext, Workload, dec, draft
from costengine.results import CostCategory
from costengine.scenario import Channel

__all__ = ["OwnTeam", "own_team", "price_in_house", "staff_drafts", "telephony_drafts"]

_EPS = 1e-9


def staff_drafts(work: Workload, ctx: PricingContext) -> list[Draft]:
    """Own agents, their management, churn and seats: what in-house and hosted share."""
    if work.empty:
        return []
    fte_f = ctx.fte(work)
    fte = dec(round(fte_f, 6))
    salary_paths = ctx.salary_path()
    salary = ctx.salary()
    load = ctx.value("inhouse.employer_load")
    loaded = salary * (1 + load)
    drafts = [
        draft(
            "agent_salaries",
            CostCategory.LABOUR,
            fte * loaded,
            {"fte": fte_f, "salary": salary, "employer_load": load},
            (*salary_paths, "inhouse.employer_load"),
        )
    ]

    total_hours = work.agent_hours
    hourly = work.hourly_agents
    night_hours = math.fsum(compress(hourly, ctx.night_mask()))
    weekend_hours = math.fsum(compress(hourly, ctx.weekend_mask()))
    night_premium = ctx.value("inhouse.night_premium")
    weekend_premium = ctx.value("inhouse.weekend_premium")
    premium_share = (
        dec(round(night_hours / total_hours, 6)) * night_premium
        + dec(round(weekend_hours / total_hours, 6)) * weekend_premium
    )
    if premium_share > 0:
        drafts.append(
            draft(
                "shift_premiums",
                CostCategory.LABOUR,
                fte * loaded * premium_share,
                {
                    "night_share": night_hours / total_hours,
                    "weekend_share": weekend_hours / total_hours,
                    "night_premium": night_premium,
                    "weekend_premium": weekend_premium,
                },
                ("inhouse.night_premium", "inhouse.weekend_premium", "planning.night_start_hour"),
            )
        )

    other_hours = math.fsum(
        hours for language, hours in work.speaker_hours.items() if not ctx.base_language(language)
    )
    language_premium = ctx.value("inhouse.language_premium")
    if other_hours > 0 and language_premium > 0:
        share = dec(round(min(1.0, other_hours / total_hours), 6))
        drafts.append(
            draft(
                "language_premium",
                CostCategory.LABOUR,
                fte * loaded * share * language_premium,
                {
                    "share_of_hours": share,
                    "premium": language_premium,
                    "languages": ", ".join(
                        lang for lang in work.language_codes if not ctx.base_language(lang)
                    ),
                },
                ("inhouse.language_premium",),
            )
        )

    span_path = ctx.lead_span_path()
    span = ctx.value(span_path)
    lead_multiplier = ctx.value("inhouse.lead_salary_multiplier")
    leads = math.ceil(fte_f / float(span) - _EPS)
    drafts.append(
        draft(
            "team_leads",
            CostCategory.MANAGEMENT,
            leads * loaded * lead_multiplier,
            {"leads": leads, "span": span, "lead_salary_multiplier": lead_multiplier},
            (span_path, "inhouse.lead_salary_multiplier", *salary_paths, "inhouse.employer_load"),
        )
    )
    ratio = ctx.value("inhouse.qa_wfm_ratio")
    drafts.append(
        draft(
            "qa_wfm",
            CostCategory.MANAGEMENT,
            fte * ratio * loaded * lead_multiplier,
            {"posts": fte * ratio, "ratio": ratio},
            ("inhouse.qa_wfm_ratio", "inhouse.lead_salary_multiplier", *salary_paths),
        )
    )

    attrition = ctx.value("inhouse.attrition_annual")
    hires = fte * attrition
    cost_per_hire = ctx.money("inhouse.cost_per_hire")
    drafts.append(
        draft(
            "recruiting",
            CostCategory.HIRING_TRAINING,
            hires * cost_per_hire / 12,
            {"hires_per_year": hires, "cost_per_hire": cost_per_hire},
            ("inhouse.attrition_annual", "inhouse.cost_per_hire"),
        )
    )
    working_days_month = dec(round(ctx.weeks_per_month * 5, 6))
    day_cost = loaded / working_days_month
    training_days = ctx.value("inhouse.training_days")
    ramp_weeks = ctx.value("inhouse.ramp_up_weeks")
    ramp_loss = ctx.value("inhouse.ramp_up_productivity_loss")
    lost_days = training_days + ramp_weeks * 5 * ramp_loss
    per_hire = lost_days * day_cost
    training_paths = [
        "inhouse.training_days",
        "inhouse.ramp_up_weeks",
        "inhouse.ramp_up_productivity_loss",
    ]
    if ctx.has("inhouse.training_allowance_day"):
        per_hire += training_days * ctx.money("inhouse.training_allowance_day")
        training_paths.append("inhouse.training_allowance_day")
    drafts.append(
        draft(
            "training_ramp_up",
            CostCategory.HIRING_TRAINING,
            hires * per_hire / 12,
            {"hires_per_year": hires, "unproductive_days_per_hire": lost_days},
            (*training_paths, "inhouse.attrition_annual"),
        )
    )

    seats = ctx.seats(work)
    workspace = ctx.money("inhouse.workspace_seat_month")
    drafts.append(
        draft(
            "workspace_it",
            CostCategory.WORKSPACE_IT,
            seats * workspace,
            {"seats": seats, "per_seat": workspace},
            ("inhouse.workspace_seat_month",),
        )
    )
    return drafts


def telephony_drafts(work: Workload, ctx: PricingContext) -> list[Draft]:
    """Inbound minutes (phone talk time) and published numbers (one set per phone language)."""
    weekly_calls = work.weekly_contacts(Channel.PHONE)
    if weekly_calls <= 0:
        return []
    aht = work.aht_seconds[Channel.PHONE]
    minutes = dec(round(weekly_calls * ctx.weeks_per_month * aht / 60.0, 4))
    per_minute = ctx.money("telephony.inbound_minute")
    languages = len(work.phone_languages())
    per_language = ctx.value("telephony.numbers_per_language")
    numbers = languages * per_language
    per_number = ctx.money("telephony.number_month")
    return [
        draft(
            "telephony_minutes",
            CostCategory.TELEPHONY,
            minutes * per_minute,
            {"minutes": minutes, "per_minute": per_minute},
            ("telephony.inbound_minute", "planning.aht_phone_seconds"),
        ),
        draft(
            "telephony_numbers",
            CostCategory.TELEPHONY,
            numbers * per_number,
            {"numbers": numbers, "per_number": per_number},
            ("telephony.numbers_per_language", "telephony.number_month"),
        ),
    ]


@dataclass(frozen=True, slots=True)
class OwnTeam:
    """The items in-house and hosted share for one workload: the own team and telephony.

    An estimate prices the same work both ways (the models, every kept part of a partial
    split); :func:`own_team` makes these once for the two, per pricing context.
    """

    staff: tuple[Draft, ...]
    telephony: tuple[Draft, ...]


def own_team(work: Workload, ctx: PricingContext) -> OwnTeam:
    """The own team's items (:func:`staff_drafts`) and telephony for ``work``."""
    return OwnTeam(tuple(staff_drafts(work, ctx)), tuple(telephony_drafts(work, ctx)))


def price_in_house(work: Workload, ctx: PricingContext) -> list[Draft]:
    """Every monthly cost of running ``work`` with own agents on a self-built platform."""
    if work.empty:
        return []
    team = own_team(work, ctx)
    drafts = list(team.staff)
    heads = ctx.heads(work)
    seats = ctx.seats(work)
    software = ctx.money("inhouse.software_agent_month")
    drafts.append(
        draft(
            "support_software",
            CostCategory.TECHNOLOGY,
            heads * software,
            {"agents": heads, "per_agent": software},
            ("inhouse.software_agent_month",),
        )
    )
    drafts.extend(team.telephony)
    build = ctx.money("inhouse.build_one_time")
    months = ctx.value("inhouse.amortisation_months")
    drafts.append(
        draft(
            "platform_build",
            CostCategory.ONE_TIME,
            build / months,
            {"one_time": build, "months": months},
            ("inhouse.build_one_time", "inhouse.amortisation_months"),
        )
    )
    run = ctx.money("inhouse.platform_run_month")
    drafts.append(
        draft(
            "platform_run",
            CostCategory.TECHNOLOGY,
            run,
            {"per_month": run},
            ("inhouse.platform_run_month",),
        )
    )
    device = ctx.money("inhouse.device_maintenance_year")
    upgrades = ctx.value("inhouse.upgrades_per_year")
    upgrade_cost = ctx.money("inhouse.upgrade_cost")
    calls = ctx.value("inhouse.support_calls_per_year")
    call_cost = ctx.money("inhouse.support_call_cost")
    yearly: Decimal = seats * device + upgrades * upgrade_cost + calls * call_cost
    drafts.append(
        draft(
            "maintenance",
            CostCategory.TECHNOLOGY,
            yearly / 12,
            {"seats": seats, "upgrades_per_year": upgrades, "support_calls_per_year": calls},
            (
                "inhouse.device_maintenance_year",
                "inhouse.upgrades_per_year",
                "inhouse.upgrade_cost",
                "inhouse.support_calls_per_year",
                "inhouse.support_call_cost",
            ),
        )
    )
    return drafts
