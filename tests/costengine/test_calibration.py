"""The engine held inside published ranges over the reference businesses of
docs/calibration.md (defined in bench/calibration.py, which also writes that page's table).

A range derived from our own rate cards is labelled ``circular`` there: those checks hold the
engine's structure (today's team comes out as itself), not its calibration, and at least
twelve businesses must carry a real, published range.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest

from bench import calibration
from bench.calibration import BUSINESSES, Band, Business


@cache
def _figures(key: str) -> dict[str, Any]:
    business = next(b for b in BUSINESSES if b.key == key)
    return calibration.figures(business)


CASES = [(business, band) for business in BUSINESSES for band in business.bands]


@pytest.mark.parametrize(
    ("business", "band"), CASES, ids=[f"{b.key}-{band.figure}" for b, band in CASES]
)
def test_the_figure_is_inside_its_published_range(business: Business, band: Band) -> None:
    value = _figures(business.key).get(band.figure)
    assert band.holds(value), (
        f"{business.name}: {band.figure} = {value} outside {band.low}–{band.high} {band.unit}"
    )


def test_the_reference_set_is_broad_enough() -> None:
    calibrated = [b for b in BUSINESSES if any(not band.circular for band in b.bands)]
    assert len(calibrated) >= 12
    regions = {b.scenario["region"] for b in BUSINESSES}
    assert regions >= {"US", "UK", "DE", "PL", "PH", "IN", "CN", "LATAM"}
    hours = {b.scenario.get("coverage", {}).get("preset", "business") for b in BUSINESSES}
    assert hours == {"business", "extended", "24x7"}
    assert {b.scenario.get("kind", "customer_service") for b in BUSINESSES} == {
        "customer_service",
        "it_helpdesk",
    }
    assert {len(b.scenario["languages"]) for b in BUSINESSES} == {1, 2, 3}
    for band in (band for b in BUSINESSES for band in b.bands):
        assert band.sources and all(key in calibration.SOURCES for key in band.sources)
        assert band.circular or "issue" not in band.sources


def test_recommendations_follow_the_economics() -> None:
    """Own teams win at scale in low-cost regions, outsourcing for small onshore teams, and
    partial where a small share of the work is expensive to staff yourself."""
    winner = {b.key: _figures(b.key)["recommended"] for b in BUSINESSES}
    for key in ("ph_bpo_40", "in_team_20", "cn_chat_15", "latam_trilingual_6"):
        assert winner[key] in ("in_house", "hosted"), key
    for key in ("us_solo_phone", "us_shop_3", "us_bilingual_247", "uk_email_300"):
        assert winner[key] == "outsourced", key
    assert "partial" in winner.values()
    assert len(set(winner.values())) >= 3


def test_the_page_shows_what_the_engine_says_now() -> None:
    results = {b.key: _figures(b.key) for b in BUSINESSES}
    assert calibration.generated() == calibration.markdown(results), (
        "docs/calibration.md is stale: run python -m bench.calibration"
    )
