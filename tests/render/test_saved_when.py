"""When a saved estimate was made, as its list shows it (issue 15, points 6 and 9)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.render.saved import saved_when


@pytest.mark.parametrize(
    ("locale", "zone", "shown"),
    [
        ("en", "UTC", "May 9, 2026, 2:03\u202fPM"),
        ("pl", "Europe/Warsaw", "9 maj 2026, 16:03"),
        ("zh", "Asia/Shanghai", "2026年5月9日 22:03"),
    ],
)
def test_a_saved_estimate_is_dated_to_the_minute_in_the_users_zone(
    locale: str, zone: str, shown: str
) -> None:
    """Not "9 May 2026, 14:03:00" in UTC for a user in Warsaw: the minute, in their zone,
    in their language (a naive time from SQLite is UTC)."""
    made = datetime(2026, 5, 9, 14, 3)
    assert saved_when(made, zone, locale) == shown
    assert saved_when(made.replace(tzinfo=UTC), zone, locale) == shown
