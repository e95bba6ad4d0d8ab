"""estimate() output pinned byte for byte on varied scenarios, what-ifs included.

Why: the engine's speed-ups (shared plans, cached solves, a shared break-even search) must
not move a single figure. The snapshots in ``snapshots/estimates.json`` were written by the
implementation before those changes; any difference here is a changed result, to be
justified or fixed, never silently re-recorded. Each snapshot keeps the SHA-256 of the whole
``Estimate.to_json()`` text (labels, sources and assumptions included: byte-identical) and the
figures themselves, so a failure shows which figure moved.

Regenerate (only for an intended change of results, with the reason in the commit):
``.venv/bin/python -m tests.costengine.test_estimate_snapshot``.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from costengine import (
    Channel,
    ChannelVolume,
    Coverage,
    HoursPreset,
    RateCard,
    Scenario,
    SupportKind,
    WeeklyWindow,
    estimate,
    load_ratecard,
)

SNAPSHOTS = Path(__file__).with_name("snapshots") / "estimates.json"

PHONE, CHAT, EMAIL, SOCIAL = Channel.PHONE, Channel.CHAT, Channel.EMAIL, Channel.SOCIAL

#: A user rate card fixing the provider's billing model and moving a few prices.
OVERRIDE = """
[outsourced]
billing = "agent_hour"
[outsourced.agent_hour]
typical = 31
[inhouse.employer_load]
typical = 0.35
[planning.tier1_share]
typical = 0.55
"""


def _volumes(**contacts: int | str) -> tuple[ChannelVolume, ...]:
    return tuple(
        ChannelVolume(channel=Channel(name), contacts_per_month=Decimal(str(amount)))
        for name, amount in contacts.items()
    )


def _custom(*windows: tuple[int, int, int]) -> Coverage:
    return Coverage(
        preset=HoursPreset.CUSTOM,
        timezone="Europe/Warsaw",
        custom=tuple(WeeklyWindow(weekday=d, start_hour=s, end_hour=e) for d, s, e in windows),
    )


def scenarios() -> dict[str, Scenario]:
    """Every region, both ways in, every preset and custom hours, 1-3 languages, all channel
    groups (email-only and social too), other currencies, IT help desk, overridden planning."""
    week = Coverage(preset=HoursPreset.TWENTY_FOUR_SEVEN)
    extended = Coverage(preset=HoursPreset.EXTENDED, timezone="America/New_York")
    return {
        "us_24x7_three_languages": Scenario(
            volumes=_volumes(phone=20_000, chat=8_000, email=5_000),
            channels=(PHONE, CHAT, EMAIL),
            languages=("en", "zh", "pl"),
            coverage=week,
            region="US",
            current_monthly_cost=Decimal("450000"),
        ),
        "uk_business_small": Scenario(
            volumes=_volumes(phone=3_000, email=1_000),
            channels=(PHONE, EMAIL),
            languages=("en",),
            region="UK",
        ),
        "de_team_extended_usd": Scenario(
            team_size=8,
            channels=(PHONE, CHAT),
            languages=("de", "en"),
            coverage=extended,
            region="DE",
            currency="USD",
        ),
        "pl_email_only_custom": Scenario(
            volumes=_volumes(email="1234.5"),
            channels=(EMAIL,),
            languages=("pl",),
            coverage=_custom((0, 7, 15), (2, 12, 22), (5, 10, 14)),
            region="PL",
            currency="EUR",
            email_response_hours=8,
        ),
        "cn_team_chat_social_24x7": Scenario(
            team_size=40,
            channels=(CHAT, SOCIAL),
            languages=("zh",),
            coverage=week,
            region="CN",
            chat_concurrency=3,
        ),
        "ph_it_all_channels": Scenario(
            kind=SupportKind.IT_HELPDESK,
            volumes=_volumes(phone=9_000, chat=4_000, email=3_000, social=500),
            channels=(PHONE, CHAT, EMAIL, SOCIAL),
            languages=("en", "tl"),
            region="PH",
            currency="GBP",
        ),
        "in_phone_large_floor2": Scenario(
            volumes=_volumes(phone=220_000),
            channels=(PHONE,),
            languages=("en", "hi", "ta"),
            coverage=extended,
            region="IN",
            floor_agents=2,
            service_level=0.9,
            answer_seconds=30,
        ),
        "latam_small_team_24x7_mxn": Scenario(
            team_size=3,
            channels=(CHAT, EMAIL),
            languages=("es", "pt"),
            coverage=week,
            region="LATAM",
            currency="MXN",
            current_monthly_cost=Decimal("90000"),
        ),
        "us_it_team_no_cap": Scenario(
            kind=SupportKind.IT_HELPDESK,
            team_size=120,
            channels=(PHONE, CHAT),
            languages=("en",),
            region="US",
            max_occupancy=None,
            shrinkage=0.25,
        ),
        "uk_custom_phone_social": Scenario(
            volumes=_volumes(phone=700, social=300),
            channels=(PHONE, SOCIAL),
            languages=("en",),
            coverage=_custom((0, 8, 18), (1, 8, 18), (3, 8, 18), (6, 10, 16)),
            region="UK",
            shrinkage=0.4,
            email_response_hours=4,
        ),
        "de_override_card": Scenario(
            volumes=_volumes(phone=12_000, chat=6_000, email=4_000),
            channels=(PHONE, CHAT, EMAIL),
            languages=("de",),
            coverage=extended,
            region="DE",
        ),
        "pl_deferrable_three_languages_24x7": Scenario(
            volumes=_volumes(email=15_000, social=2_500),
            channels=(EMAIL, SOCIAL),
            languages=("pl", "en", "de"),
            coverage=week,
            region="PL",
            email_response_hours=2,
        ),
        "us_tiny_business": Scenario(
            volumes=_volumes(phone=50),
            channels=(PHONE,),
            languages=("en",),
            region="US",
        ),
        "ph_huge_24x7": Scenario(
            volumes=_volumes(phone=2_000_000, chat=600_000),
            channels=(PHONE, CHAT),
            languages=("en",),
            coverage=week,
            region="PH",
            currency="USD",
        ),
    }


def _card(name: str, scenario: Scenario, tmp: Path) -> RateCard | None:
    if name != "de_override_card":
        return None
    path = tmp / "override.toml"
    path.write_text(OVERRIDE, encoding="utf-8")
    return load_ratecard(scenario.region, path)


def render(name: str, scenario: Scenario, tmp: Path) -> Any:
    """The estimate's public JSON, what-ifs included, as JSON-native values."""
    result = estimate(scenario, _card(name, scenario, tmp))
    return json.loads(json.dumps(result.to_json()))


def _dump(data: Any, indent: int | None = None) -> str:
    return json.dumps(data, indent=indent, ensure_ascii=False)


def _figures(data: Any) -> Any:
    """The numbers of an estimate's JSON, without the repeated citation text."""
    return {
        "models": {
            name: {
                "total": cost["monthly_total"],
                "fte": cost["fte"],
                "split": cost["split"],
                "billing": cost["billing"],
                "candidates": cost["candidates"],
                "items": {
                    item["key"]: [item["amount"], item["inputs"]] for item in cost["line_items"]
                },
            }
            for name, cost in data["models"].items()
        },
        "recommendation": data["recommendation"],
        "staffing": data["staffing"],
        "sensitivity": data["sensitivity"],
    }


def snapshot(data: Any) -> dict[str, Any]:
    """What is stored for one scenario: the digest of the whole JSON text and its figures."""
    digest = hashlib.sha256(_dump(data).encode("utf-8")).hexdigest()
    return {"sha256": digest, "figures": _figures(data)}


@pytest.fixture(scope="module")
def recorded() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SNAPSHOTS.read_text(encoding="utf-8"))
    return data


def test_snapshots_cover_every_scenario(recorded: dict[str, Any]) -> None:
    assert sorted(recorded) == sorted(scenarios())


@pytest.mark.parametrize("name", sorted(scenarios()))
def test_estimate_matches_snapshot(name: str, recorded: dict[str, Any], tmp_path: Path) -> None:
    found = snapshot(render(name, scenarios()[name], tmp_path))
    # Figures first (a readable diff), then the digest of the whole text: a float that
    # prints differently, or a changed label, source or assumption, is a changed result.
    assert _dump(found["figures"]) == _dump(recorded[name]["figures"])
    assert found["sha256"] == recorded[name]["sha256"]


def _regenerate() -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        data = {
            name: snapshot(render(name, s, Path(tmp))) for name, s in sorted(scenarios().items())
        }
    SNAPSHOTS.parent.mkdir(exist_ok=True)
    SNAPSHOTS.write_text(_dump(data, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(data)} snapshots to {SNAPSHOTS}")


if __name__ == "__main__":
    _regenerate()
