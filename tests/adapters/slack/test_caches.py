"""The adapter's per-process memories."""

from __future__ import annotations

from bot.adapters.slack.caches import LocaleCache


def test_locales_expire() -> None:
    now = [0.0]
    cache = LocaleCache(ttl_seconds=10, clock=lambda: now[0])
    assert cache.get("T", "U") == (False, None)
    cache.put("T", "U", "pl-PL")
    assert cache.get("T", "U") == (True, "pl-PL")
    assert cache.get("T2", "U") == (False, None)
    now[0] = 11.0
    assert cache.get("T", "U") == (False, None)
