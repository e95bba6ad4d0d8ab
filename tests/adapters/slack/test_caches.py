"""The adapter's per-process memories."""

from __future__ import annotations

from bot.adapters.slack.caches import LocaleCache, RecentIds


def test_recent_ids_pass_each_id_once_until_forgotten() -> None:
    recent = RecentIds(capacity=2)
    assert recent.first_time("a") and not recent.first_time("a")
    recent.forget("a")
    assert recent.first_time("a")
    assert recent.first_time("b") and recent.first_time("c")
    assert recent.first_time("a")  # evicted: the oldest went first
    assert recent.first_time(None) and recent.first_time(None)


def test_locales_expire() -> None:
    now = [0.0]
    cache = LocaleCache(ttl_seconds=10, clock=lambda: now[0])
    assert cache.get("T", "U") == (False, None)
    cache.put("T", "U", "pl-PL")
    assert cache.get("T", "U") == (True, "pl-PL")
    assert cache.get("T2", "U") == (False, None)
    now[0] = 11.0
    assert cache.get("T", "U") == (False, None)
