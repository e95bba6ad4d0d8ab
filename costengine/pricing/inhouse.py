"""In-house: own agents with their own tools (and, at scale, a self-built platform).

Own-team costs (:func:`staff_drafts`) are shared with hosted and with today's team:

- agents: rostered FTE x monthly salary x (1 + employer on-costs); an IT help desk pays each
  tier's work at its own rate (tier-2 engineers and tier-3 specialists earn more); shift
  premiums on the share of hours worked at night or at weekends; a language premium on the
  hours of the speakers each non-local language requires (not on the whole team);
- **supervision that scales**: below ``supervision_threshold_fte`` agents (about 8) a team has
  no full-time lead, it takes a share of a working lead's or the owner's time
  (``FTE / span`` of a lead, at lead pay); from there on, whole team leads
  (``ceil(FTE / span)``); quality, workforce-management and trainer posts only in teams of
  ``qa_wfm_threshold_fte`` or more;
- churn: hires a year = FTE x attrition; recruiting = hires x cost per hire; training = hires x
  (training days + ramp-up weeks x productivity lost) x a loaded day's pay;
- office space per desk (desks = people on shift at the busiest hour, never more than heads).

**Tools**: below ``platform_build_min_seats`` desks an in-house team runs on the software small
teams buy — a help-desk subscription and a cloud phone (VoIP) seat per person, laptops and
headsets, phone numbers and call minutes. From that size on, seed 004's self-built contact-centre
platform is an option: its build written off over ``amortisation_months``, its running fee,
device maintenance, upgrades and vendor support, plus support software per agent; it is
chosen only where it costs less than the SaaS kit for the same team.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from itertools import compress

from costengine.pricing.common import Draft, PricingContext, Workload, dec, draft, drafts_total
from costengine.results import CostCategory
from costengine.scenario import Channel

__all__ = [
    "OwnTeam",
    "own_team",
    "price_in_house",
    "self_built",
    "staff_drafts",
    "telephony_drafts",
    "tool_drafts",
]

_EPS = 1e-9


def _salary_per_fte(work: Workload, ctx: PricingContext) -> tuple[Decimal, dict[str, str]]:
    """Monthly pay per FTE: one salary, or an IT desk's tiers weighted by their work."""
    salary = ctx.salary()
    tiers = {tier: hours for tier, hours in work.tier_hours.items() if tier > 1 and hours > 0}
    if not ctx.it or not tiers:
        return salary, {}
    busy = work.busy_hours
    if busy <= _EPS:
        return salary, {}
    multipliers = {
        2: ctx.value("inhouse.it_tier2_salary_multiplier"),
        3: ctx.value("inhouse.it_tier3_salary_multiplier"),
    }
    # Idle time and floors are paid at the tier-1 rate; each tier's work at its own.
    weight = Decimal(1)
    shares: dict[str, str] = {}
    for tier, hours in sorted(tiers.items()):
        share = dec(round(min(1.0, hours / busy), 6))
        weight += share * (multipliers[tier] - 1)
        shares[f"tier{tier}_share"] = format(share, "f")
    return salary * weight, shares


def staff_drafts(work: Workload, ctx: PricingContext) -> list[Draft]:
    """Own agents, their supervision, churn and desks: what in-house and hosted share."""
    if work.empty:
        return []
    fte_f = work.fte
    fte = dec(round(fte_f, 6))
    salary_paths = ctx.salary_path()
    salary, tier_inputs = _salary_per_fte(work, ctx)
    if tier_inputs:
        salary_paths = (
            *salary_paths,
            "inhouse.it_tier2_salary_multiplier",
            "inhouse.it_tier3_salary_multiplier",
            "planning.it_tier1_resolution",
        )
    load = ctx.value("inhouse.employer_load")
    loaded = salary * (1 + load)
    drafts = [
        draft(
            "agent_salaries",
            CostCategory.LABOUR,
            fte * loaded,
            {"fte": fte_f, "salary": salary, "employer_load": load, **tier_inputs},
            (*salary_paths, "inhouse.employer_load"),
        )
    ]

    total_hours = work.present_hours
    hourly = work.present
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

    drafts.extend(_supervision(fte_f, loaded, salary_paths, ctx))

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


def _supervision(
    fte: float, loaded: Decimal, salary_paths: tuple[str, ...], ctx: PricingContext
) -> list[Draft]:
    """A share of a working lead below the threshold, whole leads above; QA/WFM at scale."""
    span_path = ctx.lead_span_path()
    span = ctx.value(span_path)
    multiplier = ctx.value("inhouse.lead_salary_multiplier")
    threshold = float(ctx.value("inhouse.supervision_threshold_fte"))
    lead_pay = loaded * multiplier
    paths = (
        span_path,
        "inhouse.lead_salary_multiplier",
        "inhouse.supervision_threshold_fte",
        *salary_paths,
        "inhouse.employer_load",
    )
    drafts: list[Draft] = []
    if fte < threshold:
        share = dec(round(fte / float(span), 6))
        drafts.append(
            draft(
                "supervision_share",
                CostCategory.MANAGEMENT,
                share * lead_pay,
                {"lead_fte": share, "span": span, "lead_salary_multiplier": multiplier},
                paths,
            )
        )
    else:
        leads = math.ceil(fte / float(span) - _EPS)
        drafts.append(
            draft(
                "team_leads",
                CostCategory.MANAGEMENT,
                leads * lead_pay,
                {"leads": leads, "span": span, "lead_salary_multiplier": multiplier},
                paths,
            )
        )
    if fte >= float(ctx.value("inhouse.qa_wfm_threshold_fte")):
        ratio = ctx.value("inhouse.qa_wfm_ratio")
        posts = dec(round(fte, 6)) * ratio
        drafts.append(
            draft(
                "qa_wfm",
                CostCategory.MANAGEMENT,
                posts * lead_pay,
                {"posts": posts, "ratio": ratio},
                (
                    "inhouse.qa_wfm_ratio",
                    "inhouse.qa_wfm_threshold_fte",
                    "inhouse.lead_salary_multiplier",
                    *salary_paths,
                ),
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


def devices_draft(work: Workload, ctx: PricingContext) -> Draft:
    heads = ctx.heads(work)
    per = ctx.money("inhouse.device_month")
    return draft(
        "devices",
        CostCategory.WORKSPACE_IT,
        heads * per,
        {"agents": heads, "per_agent": per},
        ("inhouse.device_month",),
    )


def tool_drafts(work: Workload, ctx: PricingContext) -> list[Draft]:
    """The software and devices a team below the platform size buys: help desk, cloud
    phone seats (when it answers the phone), laptops and headsets."""
    heads = ctx.heads(work)
    helpdesk = ctx.money("inhouse.helpdesk_seat_month")
    drafts = [
        draft(
            "helpdesk_software",
            CostCategory.TECHNOLOGY,
            heads * helpdesk,
            {"agents": heads, "per_agent": helpdesk},
            ("inhouse.helpdesk_seat_month",),
        )
    ]
    if work.weekly_contacts(Channel.PHONE) > 0:
        voip = ctx.money("inhouse.voip_seat_month")
        drafts.append(
            draft(
                "voip_seats",
                CostCategory.TELEPHONY,
                heads * voip,
                {"agents": heads, "per_agent": voip},
                ("inhouse.voip_seat_month",),
            )
        )
    drafts.append(devices_draft(work, ctx))
    return drafts


def self_built(work: Workload, ctx: PricingContext) -> bool:
    """Whether the team is big enough for seed 004's self-built platform."""
    return ctx.seats(work) >= float(ctx.value("inhouse.platform_build_min_seats"))


def _platform_drafts(work: Workload, ctx: PricingContext) -> list[Draft]:
    heads = ctx.heads(work)
    seats = ctx.seats(work)
    software = ctx.money("inhouse.software_agent_month")
    build = ctx.money("inhouse.build_one_time")
    months = ctx.value("inhouse.amortisation_months")
    run = ctx.money("inhouse.platform_run_month")
    device = ctx.money("inhouse.device_maintenance_year")
    upgrades = ctx.value("inhouse.upgrades_per_year")
    upgrade_cost = ctx.money("inhouse.upgrade_cost")
    calls = ctx.value("inhouse.support_calls_per_year")
    call_cost = ctx.money("inhouse.support_call_cost")
    yearly: Decimal = seats * device + upgrades * upgrade_cost + calls * call_cost
    minimum = ("inhouse.platform_build_min_seats",)
    return [
        draft(
            "support_software",
            CostCategory.TECHNOLOGY,
            heads * software,
            {"agents": heads, "per_agent": software},
            ("inhouse.software_agent_month",),
        ),
        draft(
            "platform_build",
            CostCategory.ONE_TIME,
            build / months,
            {"one_time": build, "months": months, "seats": seats},
            ("inhouse.build_one_time", "inhouse.amortisation_months", *minimum),
        ),
        draft(
            "platform_run",
            CostCategory.TECHNOLOGY,
            run,
            {"per_month": run},
            ("inhouse.platform_run_month", *minimum),
        ),
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
        ),
        devices_draft(work, ctx),
    ]


@dataclass(frozen=True, slots=True)
class OwnTeam:
    """The items in-house and hosted share for one workload: the own team and telephony."""

    staff: tuple[Draft, ...]
    telephony: tuple[Draft, ...]


def own_team(work: Workload, ctx: PricingContext) -> OwnTeam:
    """The own team's items (:func:`staff_drafts`) and telephony for ``work``."""
    return OwnTeam(tuple(staff_drafts(work, ctx)), tuple(telephony_drafts(work, ctx)))


def price_in_house(work: Workload, ctx: PricingContext, team: OwnTeam | None = None) -> list[Draft]:
    """Every monthly cost of running ``work`` with own agents and own tools (or platform)."""
    if work.empty:
        return []
    team = team or own_team(work, ctx)
    return [*team.staff, *_tools(work, ctx), *team.telephony]


def _tools(work: Workload, ctx: PricingContext) -> list[Draft]:
    """The team's tools: the SaaS kit, or the self-built platform where the team is big
    enough for one *and* it costs less.

    A business builds its own platform to save money, never to spend more: choosing it on
    size alone made a bigger team cheaper whenever its busiest hour fell under the size
    threshold (the same contacts over 24/7 cost less than over business hours, because
    spread thinner they need fewer desks at once)."""
    kit = tool_drafts(work, ctx)
    if not self_built(work, ctx):
        return kit
    platform = _platform_drafts(work, ctx)
    return platform if drafts_total(platform) < drafts_total(kit) else kit
