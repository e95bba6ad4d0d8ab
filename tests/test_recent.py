"""The one bounded memory the adapters share: recent entries and the update ids seen."""

from __future__ import annotations

import pytest

from bot.recent import Recent, SeenIds


def test_seen_ids_pass_each_id_once_until_forgotten() -> None:
    recent = SeenIds(capacity=2)
    assert recent.first_time("a") and not recent.first_time("a")
    recent.forget("a")
    assert recent.first_time("a")
    assert recent.first_time("b") and recent.first_time("c")
    assert recent.first_time("a")  # evicted: the oldest went first
    assert recent.first_time(None) and recent.first_time(None)
    recent.forget(None)
    recent.forget("never seen")


def test_recent_forgets_the_least_recently_written_and_stays_bounded() -> None:
    memory: Recent[str, int] = Recent(capacity=3)
    for index, key in enumerate("abcd"):
        memory.put(key, index)
    assert "a" not in memory and len(memory) == 3
    memory.put("b", 10)  # written again: now the newest
    memory.put("e", 4)
    assert "c" not in memory and memory.get("b") == 10 and memory.get("e") == 4
    memory.pop("b")
    memory.pop("b")
    assert memory.get("b") is None and len(memory) == 2


def test_a_memory_holds_at_least_one_entry() -> None:
    with pytest.raises(ValueError, match="capacity"):
        Recent(capacity=0)
