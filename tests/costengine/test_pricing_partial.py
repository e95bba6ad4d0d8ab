"""Partial outsourcing: the candidate splits, the cheapest one, and what it reports."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from costengine.pricing import NOTE_KEYS
from costengine.pricing.common import drafts_total
from costengine.pricing.hosted import price_hosted
from costengine.pricing.inhouse import price_in_house
from costengine.pricing.outsourced import price_outsourced
from costengine.pricing.partial import SPLITS, price_partial, split_workloads
from costengine.scenario import DeliveryModel
from tests.costengine._pricing_fixtures import (
    BUSINESS,
    business_pool,
    context,
    pool,
    round_the_clock_pool,
    simple_card,
    workload,
)


def test_round_the_clock_splits(tmp_path: Path) -> None:
    ctx = context(simple_card(tmp_path))
    peaky = pool([3.0 if is_business else 1.0 for is_business in BUSINESS])
    work = workload(peaky, round_the_clock_pool(language="de"))
    tier = (workload(business_pool()), workload(business_pool()))
    splits = split_workloads(work, ctx, primary_language="en", tier_parts=tier)
    assert tuple(splits) == SPLITS
    kept, given = splits["after_hours"]
    assert kept.agent_hours == 3 * 40 + 40 and given.agent_hours == 128 * 2
    kept, given = splits["overflow"]
    # median staffed hour of the peaky pool is 1 agent: the provider takes 2 x 40 peak hours
    assert kept.agent_hours == 168 + 168 and given.agent_hours == 80
    kept, given = splits["languages"]
    assert kept.languages == ("en",) and given.languages == ("de",)
    assert splits["tier1"] == tier


def test_splits_that_leave_one_side_empty_are_dropped(tmp_path: Path) -> None:
    ctx = context(simple_card(tmp_path))
    flat_business = workload(business_pool())
    splits = split_workloads(flat_business, ctx, primary_language="en", tier_parts=None)
    assert splits == {}  # business hours only, flat, one language
    assert price_partial(flat_business, ctx, primary_language="en", tier_parts=None) is None


def test_cheapest_candidate_wins_and_every_total_is_reported(tmp_path: Path) -> None:
    ctx = context(simple_card(tmp_path))
    work = workload(round_the_clock_pool(), round_the_clock_pool(language="de"))
    quote = price_partial(work, ctx, primary_language="en", tier_parts=None)
    assert quote is not None
    assert set(quote.candidates) == {"after_hours", "languages"}
    assert quote.total == min(quote.candidates.values())
    assert quote.candidates[quote.split] == quote.total
    assert quote.notes[0] in NOTE_KEYS


def test_a_candidate_is_the_cheaper_own_model_plus_the_provider(tmp_path: Path) -> None:
    ctx = context(simple_card(tmp_path))
    work = workload(round_the_clock_pool(), round_the_clock_pool(language="de"))
    quote = price_partial(work, ctx, primary_language="en", tier_parts=None)
    assert quote is not None
    kept, given = split_workloads(work, ctx, primary_language="en", tier_parts=None)[quote.split]
    own = min(drafts_total(price_in_house(kept, ctx)), drafts_total(price_hosted(kept, ctx)))
    provider = price_outsourced(given, ctx)
    assert provider is not None
    assert quote.total == own + provider.total
    assert quote.fte == ctx.fte(kept) + provider.fte
    expected_own = (
        DeliveryModel.HOSTED
        if drafts_total(price_hosted(kept, ctx)) < drafts_total(price_in_house(kept, ctx))
        else DeliveryModel.IN_HOUSE
    )
    assert quote.own_model is expected_own
    assert f"note.own_{expected_own.value}" in quote.notes


def test_own_and_provider_line_items_never_share_a_key(tmp_path: Path) -> None:
    ctx = context(simple_card(tmp_path))
    work = workload(round_the_clock_pool(), round_the_clock_pool(language="de"))
    quote = price_partial(work, ctx, primary_language="en", tier_parts=None)
    assert quote is not None
    keys = [d.key for d in quote.drafts]
    assert len(keys) == len(set(keys))
    assert any(key.startswith("provider_") for key in keys)
    assert "agent_salaries" in keys


def test_after_hours_split_outsources_nights_and_weekends(tmp_path: Path) -> None:
    ctx = context(simple_card(tmp_path))
    work = workload(round_the_clock_pool())
    quote = price_partial(work, ctx, primary_language="en", tier_parts=None)
    assert quote is not None
    assert quote.split == "after_hours"
    salaries = next(d for d in quote.drafts if d.key == "agent_salaries")
    assert salaries.amount == Decimal("3000.00")  # own team: business hours only, 2 FTE
