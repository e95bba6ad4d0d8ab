"""A seeded discrete-event simulation of one steady hour of a multilingual, blended queue.

What it checks: the engine staffs languages as skills with an approximation (pooled Erlang C
for the total, per-language Erlang C as a lower bound on speakers; see
:mod:`costengine.staffing.languages`). This simulation routes contacts by language to agents
who actually speak it, so it tells whether that approximation ever understaffs, and by how
much its predicted service level is off.

The model: Poisson arrivals per (language, channel), exponential handle times per channel
(chat at ``AHT / concurrency``, as the engine treats it), no abandonment, FIFO per language.
An arriving contact goes to an idle agent who speaks its language, single-language agents
first (keeping multilingual agents free for whoever needs them); an agent who frees up takes
the longest-waiting contact among the languages it speaks. Service level = the share of
contacts answered within the answer time, measured after a warm-up.
"""

from __future__ import annotations

import heapq
import random
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Traffic", "simulate"]


@dataclass(frozen=True)
class Traffic:
    """One kind of contact: its language, arrivals per hour and mean agent seconds each."""

    language: str
    per_hour: float
    agent_seconds: float


def simulate(
    traffic: Sequence[Traffic],
    agents: Sequence[frozenset[str]],
    *,
    answer_seconds: float,
    contacts: int = 120_000,
    warm_up: int = 5_000,
    seed: int = 1,
) -> float:
    """The simulated service level of ``agents`` (each a set of languages) facing ``traffic``."""
    rng = random.Random(seed)
    rates = [t.per_hour / 3600.0 for t in traffic]
    total_rate = sum(rates)
    languages = sorted({t.language for t in traffic})
    idle: dict[str, set[int]] = {language: set() for language in languages}
    for agent, spoken in enumerate(agents):
        for language in spoken:
            if language in idle:
                idle[language].add(agent)
    events: list[tuple[float, int, int]] = []  # (time, kind 0 = arrival / 1 = free, agent)
    heapq.heappush(events, (rng.expovariate(total_rate), 0, -1))
    arrived = answered_in_time = measured = 0

    def start(agent: int, now: float, mean_seconds: float) -> None:
        for language in agents[agent]:
            if language in idle:
                idle[language].discard(agent)
        heapq.heappush(events, (now + rng.expovariate(1.0 / mean_seconds), 1, agent))

    # What each queued contact needs: (arrival time, mean seconds), FIFO per language.
    pending: dict[str, deque[tuple[float, float]]] = {lang: deque() for lang in languages}
    while events:
        now, kind, agent = heapq.heappop(events)
        if kind == 0:
            arrived += 1
            if arrived > contacts:
                break
            pick = rng.random() * total_rate
            index = 0
            while index < len(rates) - 1 and pick >= rates[index]:
                pick -= rates[index]
                index += 1
            contact = traffic[index]
            free = idle[contact.language]
            if free:
                chosen = min(free, key=lambda a: (len(agents[a]), a))
                start(chosen, now, contact.agent_seconds)
                if arrived > warm_up:
                    measured += 1
                    answered_in_time += 1
            else:
                pending[contact.language].append((now, contact.agent_seconds))
                if arrived <= warm_up:
                    pending[contact.language][-1] = (-now - 1.0, contact.agent_seconds)
            heapq.heappush(events, (now + rng.expovariate(total_rate), 0, -1))
            continue
        # An agent frees up: the longest-waiting contact it can take, else idle.
        best: str | None = None
        best_time = float("inf")
        for language in agents[agent]:
            queue = pending.get(language)
            if queue:
                arrived_at = queue[0][0]
                key = -arrived_at - 1.0 if arrived_at < 0 else arrived_at
                if key < best_time:
                    best, best_time = language, key
        if best is None:
            for language in agents[agent]:
                if language in idle:
                    idle[language].add(agent)
            continue
        arrived_at, seconds = pending[best].popleft()
        if arrived_at >= 0:  # arrived after the warm-up: measured
            measured += 1
            if now - arrived_at <= answer_seconds:
                answered_in_time += 1
        start(agent, now, seconds)
    return answered_in_time / measured if measured else 1.0
