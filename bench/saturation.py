"""Saturation: more heavy turns offered than one replica's workers can take, all at once.

The load run (:mod:`bench.load`) offers a rate the machine carries. Here every user asks for
estimates back to back with no think time, so the workers' queue fills and the replica must
say "busy, one moment" instead of queueing without bound. What must hold: ``/healthz``
still answers quickly (the event loop is never the one doing the heavy work), every turn is
answered exactly once — either with its full reply or with one busy message — and a full
reply is the same text as when the machine is quiet.

Each user is first taken to the summary (question turns, cheap), then sends ``calculate``
until one is not busy, then a few what-ifs (each priced again) the same way, each right
after the previous answer. A busy answer is asked again after
:data:`bench.load.BUSY_RETRY_SECONDS`, as a person tapping again would.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from bench.load import (
    ANSWERS,
    BUSY_RETRY_SECONDS,
    SLACK_SCRIPT,
    TELEGRAM_SCRIPT,
    Reference,
    SlackUser,
    TelegramUser,
    User,
    _delta,
    _machine_cpu,
    _ms,
    _percentile,
    _samples,
    reference,
    running,
    watch_health,
)

#: What a user says to ask for heavy work: the estimate, then a what-if priced again.
CALCULATE, WHAT_IF = "calculate", "what if 24/7"


@dataclass
class Tally:
    """One user's heavy turns: answered in full, lost (no full answer within the turn
    timeout), and latencies of full answers (busy answers and their retries included)."""

    full: int = 0
    lost: int = 0
    latencies: list[float] = field(default_factory=list)


@dataclass
class SaturationReport:
    users: int
    what_ifs: int
    seconds: float
    tallies: list[Tally]
    busy: int  # busy answers the users got
    duplicated: int
    wrong: int
    health: list[float]
    health_failures: int
    cpu_share: float
    busy_counted: float  # by the replica's own /metrics

    def total(self, name: str) -> int:
        return sum(int(getattr(t, name)) for t in self.tallies)

    @property
    def latencies(self) -> list[float]:
        return [x for t in self.tallies for x in t.latencies]


def _expected(ref: Reference, script: Sequence[str], text: str) -> tuple[int, list[str]]:
    """How many messages the reference's first ``text`` turn sent, and their texts."""
    index = script.index(text)
    start = sum(ref.per_turn[:index])
    count = ref.per_turn[index]
    return count, ref.texts[start : start + count]


async def run_saturation(
    database_url: str, folder: Path, *, users: int = 60, what_ifs: int = 2, seed: int = 11
) -> SaturationReport:
    rng = random.Random(seed)
    async with (
        running(database_url, 1, folder) as (telegram, slack, started),
        aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http,
    ):
        (replica,) = started
        tg_script = (*TELEGRAM_SCRIPT, *ANSWERS)
        sl_script = (*SLACK_SCRIPT, *ANSWERS)
        refs = {
            "telegram": (
                await reference(TelegramUser(telegram, 999), tg_script, started),
                tg_script,
            ),
            "slack": (
                await reference(SlackUser(slack, http, "UREF"), sl_script, started),
                sl_script,
            ),
        }
        people: list[User] = [
            TelegramUser(telegram, 2_000_000 + i)
            if i % 2 == 0
            else SlackUser(slack, http, f"US{i:05d}")
            for i in range(users)
        ]
        tallies = [Tally() for _ in people]

        async def to_summary(user: User) -> None:
            ref, script = refs[user.platform]
            questions = script[: script.index(CALCULATE)]
            total = 0
            for index, text in enumerate(questions):
                await asyncio.sleep(rng.uniform(0.0, 0.5))
                total += ref.per_turn[index]
                if await user.turn(replica.url, text, total) is None:
                    raise RuntimeError(f"a question turn was not answered ({user.platform})")

        await asyncio.gather(*(to_summary(u) for u in people))
        metrics_before = _samples(await replica.metrics(http))
        stop = asyncio.Event()
        health = asyncio.create_task(watch_health(http, started, stop))
        machine_before = _machine_cpu()
        began = time.monotonic()

        heavy = (CALCULATE, *([WHAT_IF] * what_ifs))
        expected: dict[int, list[str]] = {}

        async def saturate(index: int, user: User, tally: Tally) -> None:
            ref, script = refs[user.platform]
            texts = user.texts()
            total = len(texts)
            for text in heavy:
                count, said = _expected(ref, script, text)
                total += count
                texts += said
                latency = await user.turn(replica.url, text, total)
                if latency is None:
                    tally.lost += 1
                    return
                tally.full += 1
                tally.latencies.append(latency)
            expected[index] = texts

        await asyncio.gather(
            *(saturate(i, u, t) for i, (u, t) in enumerate(zip(people, tallies, strict=True)))
        )
        seconds = time.monotonic() - began
        machine_after = _machine_cpu()
        stop.set()
        health_latencies, health_failures = await health
        await asyncio.sleep(2.0)  # anything late or doubled arrives now
        metrics_after = _samples(await replica.metrics(http))
        duplicated = sum(
            max(0, len(u.texts()) - len(expected[i])) for i, u in enumerate(people) if i in expected
        )
        wrong = sum(
            sum(1 for a, b in zip(expected[i], u.texts(), strict=False) if a != b)
            for i, u in enumerate(people)
            if i in expected
        )
        busy_name = "sourcewise_busy_replies_total"
        all_time = machine_after[1] - machine_before[1]
        return SaturationReport(
            users=users,
            what_ifs=what_ifs,
            seconds=seconds,
            tallies=tallies,
            busy=sum(u.busy for u in people),
            duplicated=duplicated,
            wrong=wrong,
            health=health_latencies,
            health_failures=health_failures,
            cpu_share=(machine_after[0] - machine_before[0]) / all_time if all_time else 0.0,
            busy_counted=_delta([metrics_before], [metrics_after]).get(busy_name, 0.0),
        )


def saturation_rows(report: SaturationReport, replica_label: str) -> list[str]:
    r = report
    heavy = r.total("full") + r.busy + r.total("lost")
    return [
        f"Saturation ({replica_label}): {r.users} users at the summary at once each ask for "
        f"the estimate and then {r.what_ifs} what-ifs, back to back with no think time; a "
        f"busy answer is asked again after {BUSY_RETRY_SECONDS:g} s. {heavy} heavy turns "
        f"offered in {r.seconds:.1f} s ({heavy / r.seconds:.1f} a second), machine CPU "
        f"{r.cpu_share:.0%}.",
        "",
        "| full answers | busy answers (bench / replica's /metrics) | lost | duplicated "
        "| wrong | full answer p50 | full answer p99 | `/healthz` p50 | `/healthz` p99 "
        "| `/healthz` max | `/healthz` not 200 |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {r.total('full')} | {r.busy} / {r.busy_counted:.0f} | {r.total('lost')} "
        f"| {r.duplicated} | {r.wrong} | {_ms(_percentile(r.latencies, 0.5))} "
        f"| {_ms(_percentile(r.latencies, 0.99))} | {_ms(_percentile(r.health, 0.5))} "
        f"| {_ms(_percentile(r.health, 0.99))} | {_ms(max(r.health))} | {r.health_failures} |",
    ]
