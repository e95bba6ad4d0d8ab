"""Hand-built estimates for the renderer tests (independent of the engine's arithmetic)."""

from __future__ import annotations

from decimal import Decimal

from costengine.results import (
    Assumption,
    BreakEven,
    Citation,
    CostCategory,
    Estimate,
    LineItem,
    ModelCost,
    PoolStaffing,
    Recommendation,
    SensitivityRow,
    SourceRef,
)
from costengine.scenario import (
    Channel,
    ChannelVolume,
    Coverage,
    DeliveryModel,
    HoursPreset,
    Scenario,
)

CENT = Decimal("0.01")


#: The document every hand-built line item cites (one per item key, so numbering shows).
def citation(key: str) -> Citation:
    return Citation(
        key=f"doc_{key}",
        publisher="U.S. Bureau of Labor Statistics",
        title=f"Occupational Outlook Handbook ({key})",
        url=f"https://www.bls.gov/ooh/{key}.htm",
        date="2024-05",
    )


def item(
    key: str,
    category: CostCategory,
    amount: str,
    *,
    currency: str = "USD",
    inputs: dict[str, str] | None = None,
    estimate: bool = False,
) -> LineItem:
    return LineItem(
        key=key,
        label=key.replace("_", " ").capitalize(),
        category=category,
        amount=Decimal(amount),
        currency=currency,
        inputs=inputs or {},
        sources=(
            SourceRef(
                entry=f"US.{key}",
                value="3569.17",
                unit=f"{currency}/month",
                source="estimate: no citable figure" if estimate else "bls.gov/ooh",
                estimate=estimate,
                citations=(citation(key),),
            ),
        ),
    )


def model_cost(
    model: DeliveryModel,
    items: tuple[LineItem, ...],
    fte: str,
    *,
    split: str | None = None,
    currency: str = "USD",
    candidates: dict[str, Decimal] | None = None,
    billing: str | None = None,
) -> ModelCost:
    total = sum((i.amount for i in items), Decimal(0)).quantize(CENT)
    return ModelCost(
        model=model,
        monthly_total=total,
        currency=currency,
        fte=Decimal(fte),
        line_items=items,
        split=split,
        candidates=candidates or {},
        billing=billing,
    )


def make_estimate(
    *,
    currency: str = "USD",
    current: Decimal | None = Decimal("60000"),
    preset: HoursPreset = HoursPreset.BUSINESS,
    team_size: int | None = None,
    reasons: tuple[str, ...] = ("reason.cheapest", "reason.coverage_24x7"),
    risks: tuple[str, ...] = ("risk.control", "risk.data_security"),
) -> Estimate:
    """Outsourced wins, hosted is runner-up; every field a renderer shows is set."""
    c = currency
    models = {
        DeliveryModel.IN_HOUSE: model_cost(
            DeliveryModel.IN_HOUSE,
            (
                item(
                    "agent_salaries",
                    CostCategory.LABOUR,
                    "41234.56",
                    currency=c,
                    inputs={"fte": "12.4", "salary": "3325.37"},
                ),
                item("team_leads", CostCategory.MANAGEMENT, "5200.00", currency=c),
                item("recruiting", CostCategory.HIRING_TRAINING, "1100.10", currency=c),
                item("workspace_it", CostCategory.WORKSPACE_IT, "3720.00", currency=c),
                item("platform_build", CostCategory.ONE_TIME, "2500.00", currency=c),
                item("telephony_minutes", CostCategory.TELEPHONY, "812.34", currency=c),
            ),
            "14.9",
            currency=c,
        ),
        DeliveryModel.HOSTED: model_cost(
            DeliveryModel.HOSTED,
            (
                item("agent_salaries", CostCategory.LABOUR, "41234.56", currency=c),
                item("team_leads", CostCategory.MANAGEMENT, "5200.00", currency=c),
                item("platform_seats", CostCategory.TECHNOLOGY, "1725.00", currency=c),
                item("telephony_minutes", CostCategory.TELEPHONY, "812.34", currency=c),
            ),
            "14.9",
            currency=c,
        ),
        DeliveryModel.OUTSOURCED: model_cost(
            DeliveryModel.OUTSOURCED,
            (
                item(
                    "provider_agent_hours",
                    CostCategory.PROVIDER,
                    "38750.00",
                    currency=c,
                    inputs={"hours": "1550", "rate": "25.00"},
                    estimate=True,
                ),
                item("provider_setup", CostCategory.ONE_TIME, "387.50", currency=c),
                item("vendor_management", CostCategory.VENDOR_MANAGEMENT, "1500.00", currency=c),
            ),
            "11.2",
            currency=c,
            candidates={"agent_hour": Decimal("40637.50"), "per_contact": Decimal("51020.00")},
            billing="agent_hour",
        ),
        DeliveryModel.PARTIAL: model_cost(
            DeliveryModel.PARTIAL,
            (
                item("agent_salaries", CostCategory.LABOUR, "30000.00", currency=c),
                item("provider_agent_hours", CostCategory.PROVIDER, "14000.00", currency=c),
                item("vendor_management", CostCategory.VENDOR_MANAGEMENT, "900.00", currency=c),
            ),
            "12.8",
            split="after_hours",
            currency=c,
            candidates={"after_hours": Decimal("44900.00"), "overflow": Decimal("47210.55")},
            billing="agent_hour",
        ),
    }
    ranking = tuple(sorted(models, key=lambda m: models[m].monthly_total))
    winner, runner_up = ranking[0], ranking[1]
    saving = models[runner_up].monthly_total - models[winner].monthly_total
    scenario_kwargs: dict[str, object] = (
        {"team_size": team_size}
        if team_size is not None
        else {
            "volumes": (
                ChannelVolume(channel=Channel.PHONE, contacts_per_month=Decimal(12000)),
                ChannelVolume(channel=Channel.EMAIL, contacts_per_month=Decimal(3500)),
            )
        }
    )
    scenario = Scenario(
        channels=(Channel.PHONE, Channel.EMAIL),
        languages=("en", "pl"),
        coverage=Coverage(preset=preset, timezone="Europe/Warsaw"),
        region="PL",
        currency=c,
        current_monthly_cost=current,
        **scenario_kwargs,  # type: ignore[arg-type]
    )
    return Estimate(
        scenario=scenario,
        currency=c,
        fx_date="2025-05-09",
        models=models,
        staffing=(
            PoolStaffing(
                language="en",
                channels=(Channel.PHONE,),
                live=True,
                peak_erlangs=10.0,
                peak_agents=14,
                peak_service_level=0.8882,
                peak_asa_seconds=7.83,
                open_hours_per_week=40.0,
                agent_hours_per_week=412.5,
                floor_hours_per_week=6.0,
                fte=9.9,
            ),
            PoolStaffing(
                language="pl",
                channels=(Channel.EMAIL,),
                live=False,
                peak_erlangs=1.75,
                peak_agents=2,
                peak_service_level=None,
                peak_asa_seconds=None,
                open_hours_per_week=40.0,
                agent_hours_per_week=70.0,
                floor_hours_per_week=0.0,
                fte=2.5,
            ),
        ),
        recommendation=Recommendation(
            model=winner,
            ranking=ranking,
            runner_up=runner_up,
            savings_vs_runner_up=saving,
            savings_vs_current=(current - models[winner].monthly_total) if current else None,
            reasons=reasons,
            risks=risks,
            break_even=(
                BreakEven(
                    cheaper_below=DeliveryModel.OUTSOURCED,
                    cheaper_above=DeliveryModel.IN_HOUSE,
                    contacts_per_month=Decimal(48250),
                ),
                BreakEven(
                    cheaper_below=DeliveryModel.OUTSOURCED,
                    cheaper_above=DeliveryModel.HOSTED,
                    contacts_per_month=None,
                ),
                # A crossing between two models that are not recommended: never a sentence.
                BreakEven(
                    cheaper_below=DeliveryModel.HOSTED,
                    cheaper_above=DeliveryModel.PARTIAL,
                    contacts_per_month=Decimal(7350),
                ),
            ),
        ),
        sensitivity=tuple(
            SensitivityRow(
                factor=factor,
                change=Decimal(change),
                totals={
                    m: (models[m].monthly_total * (1 + Decimal(change))).quantize(CENT)
                    for m in models
                },
                winner=winner,
            )
            for factor in ("volume", "wage", "provider_rate")
            for change in ("-0.2", "0.2")
        ),
        assumptions=(
            Assumption(key="shrinkage", params={"value": "0.35"}),
            Assumption(
                key="assumption.live_queue_model",
                params={
                    "model": "erlang_c",
                    "service_level": "80%",
                    "answer_seconds": "20",
                    "floor_agents": "1",
                },
            ),
            Assumption(
                key="assumption.channel_mix",
                params={"shares": "phone 60%, email 40%", "source": "x", "estimate": "true"},
            ),
            Assumption(key="assumption.weeks_per_month", params={"weeks": "4.345"}),
            Assumption(key="defaults"),
        ),
    )
