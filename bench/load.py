"""Load test: many concurrent conversations through ``sourcewise serve``, end to end.

``python -m bench.load`` (``make bench`` runs it too) starts the fake Telegram Bot API and
fake Slack Web API in this process and one or more ``sourcewise serve`` replicas as real
processes (the real PTB webhook, slack-bolt, the service, the database), then plays users:

1. a reference conversation per platform, one turn at a time: how many messages each turn
   sends and what they say (and it warms the replicas);
2. the load: ``--conversations`` users at once (half Telegram, half Slack), each typing the
   same answers from the greeting to the summary with a think time between turns; with
   several replicas a conversation's consecutive turns go to different replicas. A turn's
   latency runs from just before the platform's POST to the arrival of the turn's last
   message at the fake platform (one clock: this process). Afterwards every chat is
   compared with the reference: a missing message is a lost reply, an extra one a
   duplicate, a different text a wrong one;
3. ``--stored`` conversations written straight into the database, then one turn for a
   sample of them through the replicas: memory with a large database.

Peak memory is each replica's ``VmHWM`` from ``/proc`` (no psutil). Telegram turns go
through PTB's rate limiter (30 messages a second per bot and process, as Telegram requires),
so think times keep the offered rate below it; Slack has no client-side limit. Goals:
p99 ≤ 50 ms, nothing lost or duplicated, ≤ 150 MB per replica. ``main()`` runs one replica
on SQLite and, when PostgreSQL answers, two replicas on PostgreSQL, and writes the figures
into ``bench/RESULTS.md`` between ``<!-- load:start -->`` and ``<!-- load:end -->``. It is
not part of the test suite (it takes a few minutes).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import hashlib
import hmac
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # the fakes live in tests/
    sys.path.insert(0, str(ROOT))

from bench._report import machine, write_section  # noqa: E402
from bot.core.ports import ConversationKey  # noqa: E402
from bot.service import busy_reply  # noqa: E402
from bot.store import migrate, open_store  # noqa: E402
from tests.fakes.slack_server import FakeSlackServer, RecordedCall  # noqa: E402
from tests.fakes.telegram_server import FakeBotApi  # noqa: E402
from tests.fakes.telegram_server import RecordedCall as TelegramCall  # noqa: E402

#: Issue 14's goals, for 1 replica on SQLite at a rate that keeps the machine's CPU ≤ ~60%:
#: p99 per turn kind, /healthz p99, the serving process's peak RSS.
GOAL_P99_MS = {"question": 50.0, "calculate": 400.0}
GOAL_HEALTH_P99_MS = 50.0
GOAL_RSS_MB = 150.0

SLACK_TOKEN = "xoxb-9999-8888-loadbenchtoken"
SIGNING_SECRET = "load-bench-signing-secret"
WEBHOOK_SECRET = "load-bench-webhook-secret"
WEBHOOK_PATH = "/telegram/webhook"

#: From the greeting to the summary: every question answered once, typed.
TELEGRAM_SCRIPT = ("/start",)
SLACK_SCRIPT = ("hi",)
ANSWERS = (
    "customer service",
    "US",
    "phone, chat",
    "team",
    "8",
    "English",
    "24/7",
    "skip",
    "skip",
    "skip",
    "skip",
    # Past the summary: the estimate (engine and chart in a worker), its explanation (the
    # kept estimate, not priced again) and one what-if (priced again).
    "calculate",
    "why",
    "what if 24/7",
)
#: The kind of each answer's turn (the greeting and every other answer are questions).
TURN_KINDS = {"calculate": "calculate", "why": "why", "what if 24/7": "what-if"}
TURN_TIMEOUT = 30.0
#: What a replica says when it has no capacity for a heavy turn, and how long a user waits
#: before asking again.
BUSY_TEXT = busy_reply("en").text
BUSY_RETRY_SECONDS = 1.0
METRICS_TOKEN = "load-bench-metrics-token"
#: How often /healthz is asked during the load phase, per replica.
HEALTH_INTERVAL = 0.2


# --- fakes that index what they receive by conversation --------------------------------------


class IndexedBotApi(FakeBotApi):
    """The fake Bot API, plus: messages sent, by chat, and an event per chat."""

    def __init__(self) -> None:
        super().__init__()
        self.by_chat: dict[int, list[TelegramCall]] = defaultdict(list)
        self.changed: dict[int, asyncio.Event] = defaultdict(asyncio.Event)

    def _record(self, call: TelegramCall) -> None:
        super()._record(call)
        if call.ok and call.method in ("sendMessage", "sendPhoto"):
            chat = int(call.params.get("chat_id", 0))
            self.by_chat[chat].append(call)
            self.changed[chat].set()


class IndexedSlack(FakeSlackServer):
    """The fake Slack Web API, plus: messages posted, by channel, and an event per channel."""

    def __init__(self) -> None:
        super().__init__()
        self.by_channel: dict[str, list[RecordedCall]] = defaultdict(list)
        self.changed: dict[str, asyncio.Event] = defaultdict(asyncio.Event)

    def _record(self, call: RecordedCall) -> None:
        super()._record(call)
        if call.ok and call.method == "chat.postMessage":
            channel = str(call.params.get("channel", ""))
            self.by_channel[channel].append(call)
            self.changed[channel].set()


# --- users ---------------------------------------------------------------------------------------


@dataclass
class Outcome:
    platform: str
    latencies: list[float] = field(default_factory=list)
    lost_turns: int = 0
    by_kind: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))


class User:
    """One conversation; ``send`` delivers a turn to a replica and waits for its replies."""

    platform = ""

    def messages(self) -> Sequence[Any]:
        raise NotImplementedError

    #: Busy answers this user got (each asked again after :data:`BUSY_RETRY_SECONDS`).
    busy = 0

    def texts(self) -> list[str]:
        """What the user was sent, busy answers left out (they are counted in ``busy``)."""
        return [text for text in self._all_texts() if text != BUSY_TEXT]

    def _all_texts(self) -> list[str]:
        return [str(c.params.get("text", "")) for c in self.messages()]

    def answers(self) -> list[Any]:
        return [c for c in self.messages() if str(c.params.get("text", "")) != BUSY_TEXT]

    async def post(self, replica: str, text: str) -> None:
        raise NotImplementedError

    async def changed(self) -> None:
        raise NotImplementedError

    async def turn(self, replica: str, text: str, expected_total: int) -> float | None:
        """Latency of one turn in seconds (until ``expected_total`` answers are there), None
        if they did not all arrive within the timeout. A busy answer ("busy, one moment") is
        asked again after :data:`BUSY_RETRY_SECONDS`, as a person would tap again; the
        latency is then the whole wait, from the first ask to the answer."""
        started = time.monotonic()
        while True:
            before = len(self.messages())
            await self.post(replica, text)
            try:
                async with asyncio.timeout(TURN_TIMEOUT):
                    while len(self.messages()) == before:
                        await self.changed()
                    if self._all_texts()[before] == BUSY_TEXT:
                        self.busy += 1
                        await asyncio.sleep(BUSY_RETRY_SECONDS)
                        continue
                    while len(self.answers()) < expected_total:
                        await self.changed()
            except TimeoutError:
                return None
            return float(self.answers()[expected_total - 1].at) - started


class TelegramUser(User):
    platform = "telegram"

    def __init__(self, api: IndexedBotApi, user_id: int) -> None:
        self.api = api
        self.user_id = user_id
        self.key = ConversationKey("telegram", str(user_id), str(user_id))

    def messages(self) -> Sequence[Any]:
        return self.api.by_chat[self.user_id]

    async def post(self, replica: str, text: str) -> None:
        update = self.api.user_message(text, user_id=self.user_id)
        status = await self.api.deliver_webhook(update, url=f"{replica}{WEBHOOK_PATH}")
        if status != 200:
            raise RuntimeError(f"webhook answered {status}")

    async def changed(self) -> None:
        event = self.api.changed[self.user_id]
        event.clear()
        await event.wait()


class SlackUser(User):
    platform = "slack"

    def __init__(self, api: IndexedSlack, http: aiohttp.ClientSession, user: str) -> None:
        self.api = api
        self.http = http
        self.user = user
        self.channel = f"D{user}"
        self.key = ConversationKey("slack", "T1", user)
        self._events = 0

    def messages(self) -> Sequence[Any]:
        return self.api.by_channel[self.channel]

    async def post(self, replica: str, text: str) -> None:
        self._events += 1
        event_id = f"Ev{hashlib.blake2s(f'{self.user}:{self._events}'.encode()).hexdigest()[:12]}"
        body = json.dumps(
            {
                "token": "legacy",
                "team_id": "T1",
                "api_app_id": "A0SOURCEWISE",
                "type": "event_callback",
                "event_id": event_id,
                "event_time": int(time.time()),
                "event": {
                    "type": "message",
                    "channel_type": "im",
                    "channel": self.channel,
                    "user": self.user,
                    "text": text,
                    "ts": f"{time.time():.6f}",
                    "team": "T1",
                },
                "authorizations": [{"team_id": "T1", "user_id": "UT1BOT", "is_bot": True}],
            }
        )
        timestamp = str(int(time.time()))
        base = f"v0:{timestamp}:{body}".encode()
        signature = "v0=" + hmac.new(SIGNING_SECRET.encode(), base, hashlib.sha256).hexdigest()
        headers = {
            "Content-Type": "application/json",
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": signature,
        }
        async with self.http.post(f"{replica}/slack/events", data=body, headers=headers) as r:
            await r.read()
            if r.status != 200:
                raise RuntimeError(f"/slack/events answered {r.status}")

    async def changed(self) -> None:
        event = self.api.changed[self.channel]
        event.clear()
        await event.wait()


# --- replicas ------------------------------------------------------------------------------------


class Replica:
    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.log = log
        self._log_file = log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1", "--port", "0"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=self._log_file,
            text=True,
        )
        self.url = ""

    async def started(self) -> str:
        assert self.process.stdout is not None
        line = await asyncio.wait_for(asyncio.to_thread(self.process.stdout.readline), 120)
        if "listening on " not in line:
            raise RuntimeError(f"replica failed to start; see {self.log}")
        self.url = line.rsplit("listening on ", 1)[1].strip()
        return self.url

    def memory_mb(self) -> tuple[float, float]:
        """(current RSS, peak RSS) in MB, from /proc/<pid>/status."""
        values: dict[str, float] = {}
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
                name, _, rest = line.partition(":")
                if name in ("VmRSS", "VmHWM"):
                    values[name] = int(rest.split()[0]) / 1024
        return values.get("VmRSS", 0.0), values.get("VmHWM", 0.0)

    def cpu_seconds(self) -> float:
        """User + system CPU time the replica used so far."""
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return 0.0

    async def metrics(self, http: aiohttp.ClientSession) -> str:
        bearer = {"Authorization": f"Bearer {METRICS_TOKEN}"}
        async with http.get(f"{self.url}/metrics", headers=bearer) as response:
            return await response.text()

    def worker_mb(self) -> list[float]:
        """Peak RSS of each worker process (the replica's children), in MB."""
        found: list[float] = []
        pid = self.process.pid
        with contextlib.suppress(OSError):
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            for child in children:
                status = Path(f"/proc/{child}/status").read_text()
                if "spawn_main" not in Path(f"/proc/{child}/cmdline").read_text():
                    continue  # the resource tracker, not a worker
                for line in status.splitlines():
                    if line.startswith("VmHWM:"):
                        found.append(int(line.split()[1]) / 1024)
        return found

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self._log_file.close()


def _env(database_url: str, telegram: FakeBotApi, slack: FakeSlackServer) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SOURCEWISE_", "SLACK_"))}
    env.update(
        {
            "SOURCEWISE_DATABASE_URL": database_url,
            "SOURCEWISE_LOG_LEVEL": "WARNING",
            "TELEGRAM_BOT_TOKEN": telegram.token,
            "SOURCEWISE_TELEGRAM_API_URL": telegram.url,
            "SOURCEWISE_TELEGRAM_WEBHOOK_URL": "https://bot.example.invalid/telegram/webhook",
            "SOURCEWISE_TELEGRAM_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "SLACK_BOT_TOKEN": SLACK_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SOURCEWISE_SLACK_API_URL": slack.api_url,
            "PTB_TIMEDELTA": "true",
            "SOURCEWISE_METRICS_TOKEN": METRICS_TOKEN,
        }
    )
    return env


@contextlib.asynccontextmanager
async def running(
    database_url: str, replicas: int, folder: Path
) -> AsyncIterator[tuple[IndexedBotApi, IndexedSlack, list[Replica]]]:
    telegram, slack = IndexedBotApi(), IndexedSlack()
    await telegram.start()
    await slack.start()
    slack.add_workspace("T1", bot_token=SLACK_TOKEN)
    await migrate(database_url)  # once, before the replicas start
    started: list[Replica] = []
    try:
        env = _env(database_url, telegram, slack)
        started = [Replica(env, folder / f"replica-{i}.log") for i in range(replicas)]
        await asyncio.gather(*(r.started() for r in started))
        yield telegram, slack, started
    finally:
        for replica in started:
            replica.stop()
        await telegram.stop()
        await slack.stop()


# --- the phases ----------------------------------------------------------------------------------


@dataclass
class Reference:
    per_turn: list[int]  # messages each turn sends
    texts: list[str]


async def reference(user: User, script: Sequence[str], replicas: list[Replica]) -> Reference:
    per_turn: list[int] = []
    for index, text in enumerate(script):
        before = len(user.messages())
        await user.post(replicas[index % len(replicas)].url, text)
        async with asyncio.timeout(60):
            while len(user.messages()) == before:
                await user.changed()
        await asyncio.sleep(0.4)  # let the rest of the turn's messages arrive
        per_turn.append(len(user.messages()) - before)
    return Reference(per_turn, user.texts())


async def converse(
    user: User,
    script: Sequence[str],
    expected: Reference,
    replicas: list[Replica],
    think: tuple[float, float],
    rng: random.Random,
    ramp: float = 0.0,
) -> Outcome:
    outcome = Outcome(user.platform)
    total = 0
    offset = rng.randrange(len(replicas))
    await asyncio.sleep(rng.uniform(0, ramp))  # users arrive over the ramp, not all at once
    for index, text in enumerate(script):
        await asyncio.sleep(rng.uniform(*think))
        total += expected.per_turn[index]
        latency = await user.turn(replicas[(index + offset) % len(replicas)].url, text, total)
        if latency is None:
            outcome.lost_turns += 1
        else:
            outcome.latencies.append(latency)
            outcome.by_kind[TURN_KINDS.get(text, "question")].append(latency)
    return outcome


async def watch_health(
    http: aiohttp.ClientSession, replicas: Sequence[Replica], stop: asyncio.Event
) -> tuple[list[float], int]:
    """``/healthz`` latencies (seconds) during the load, and how many answers were not 200."""
    latencies: list[float] = []
    failures = 0
    while not stop.is_set():
        for replica in replicas:
            began = time.monotonic()
            try:
                async with http.get(f"{replica.url}/healthz") as response:
                    await response.read()
                    failures += response.status != 200
            except aiohttp.ClientError:
                failures += 1
            latencies.append(time.monotonic() - began)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), HEALTH_INTERVAL)
    return latencies, failures


def _samples(text: str) -> dict[str, float]:
    """Prometheus text -> {"name{labels}": value}."""
    found: dict[str, float] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            found[name] = float(value)
    return found


def _delta(before: list[dict[str, float]], after: list[dict[str, float]]) -> dict[str, float]:
    """What every replica counted during the phase, summed; labels other than ``le``
    summed away (so ``sourcewise_turns_total`` is all platforms)."""
    total: dict[str, float] = defaultdict(float)
    for old, new in zip(before, after, strict=True):
        for sample, value in new.items():
            name, _, labels = sample.partition("{")
            le = next(
                (
                    p.split("=", 1)[1].strip('"')
                    for p in labels.rstrip("}").split(",")
                    if p.startswith("le=")
                ),
                None,
            )
            key = f"{name}{{le={le}}}" if le is not None else name
            total[key] += value - old.get(sample, 0.0)
    return dict(total)


def _histogram_bounds(delta: dict[str, float]) -> tuple[float, float]:
    """Upper bounds (ms) of the buckets holding the 50th and 99th percentile of the
    server-side handle time (``sourcewise_turn_seconds``)."""
    buckets = sorted(
        (float(key.split("le=", 1)[1].rstrip("}")), count)
        for key, count in delta.items()
        if key.startswith("sourcewise_turn_seconds_bucket{le=")
    )
    total = delta.get("sourcewise_turn_seconds_count", 0.0)
    bounds = []
    for fraction in (0.5, 0.99):
        bound = next((le for le, count in buckets if count >= fraction * total), float("inf"))
        bounds.append(bound * 1000)
    return bounds[0], bounds[1]


def _percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[rank]


@dataclass
class Report:
    label: str
    conversations: int
    turns: int
    seconds: float
    latencies: dict[str, list[float]]
    lost: int
    duplicated: int
    wrong: int
    peak_mb: list[float]
    stored: int = 0
    stored_turns: int = 0
    stored_latencies: list[float] = field(default_factory=list)
    stored_rss_mb: list[float] = field(default_factory=list)
    stored_peak_mb: list[float] = field(default_factory=list)
    estimate_ms: list[float] = field(default_factory=list)
    cpu_ms_per_turn: float = 0.0
    load: tuple[float, float] = (0.0, 0.0)
    handled: dict[str, float] = field(default_factory=dict)
    handle_p50_ms: float = 0.0
    handle_p99_ms: float = 0.0
    by_kind: dict[str, list[float]] = field(default_factory=dict)
    health: list[float] = field(default_factory=list)
    health_failures: int = 0
    busy: float = 0.0
    busy_seen: int = 0
    worker_mb: list[float] = field(default_factory=list)
    cpu_share: float = 0.0

    @property
    def all_latencies(self) -> list[float]:
        return [x for values in self.latencies.values() for x in values]


def _compare(users: Sequence[User], ref: dict[str, Reference]) -> tuple[int, int, int]:
    lost = duplicated = wrong = 0
    for user in users:
        expected = ref[user.platform].texts
        got = user.texts()
        lost += max(0, len(expected) - len(got))
        duplicated += max(0, len(got) - len(expected))
        wrong += sum(1 for a, b in zip(expected, got, strict=False) if a != b)
    return lost, duplicated, wrong


def _line(texts: list[str], at: int) -> str:
    return texts[at][:160].replace("\n", " | ") if at < len(texts) else "(nothing)"


def explain(users: Sequence[User], ref: dict[str, Reference], replicas: Sequence[Replica]) -> None:
    """Print what went wrong, for the person reading the run: the first chats that differ
    from the reference (where, and what was expected) and the replicas' warnings and errors.
    Only called when something was lost, duplicated or wrong."""
    shown = 0
    for user in users:
        expected, got = ref[user.platform].texts, user.texts()
        if expected == got or shown >= 5:
            continue
        shown += 1
        at = next(
            (i for i, (a, b) in enumerate(zip(expected, got, strict=False)) if a != b),
            min(len(expected), len(got)),
        )

        print(f"{user.platform} chat differs at message {at} of {len(expected)} (got {len(got)})")
        print(f"  expected: {_line(expected, at)}\n  got:      {_line(got, at)}", flush=True)
    for replica in replicas:
        lines = replica.log.read_text(errors="replace").splitlines()
        noted = [x for x in lines if '"WARNING"' in x or '"ERROR"' in x or "Traceback" in x]
        for x in noted[-20:]:
            print(f"{replica.log.name}: {x[:300]}", flush=True)


async def _seed(database_url: str, count: int, state: dict[str, Any]) -> list[ConversationKey]:
    """``count`` conversations stopped at the same question, half per platform."""
    keys = [
        ConversationKey("telegram", str(3_000_000 + i), str(3_000_000 + i))
        if i % 2 == 0
        else ConversationKey("slack", "T1", f"US{i:06d}")
        for i in range(count)
    ]
    store = open_store(database_url)
    try:
        for start in range(0, count, 1000):
            async with store.unit_of_work() as uow:
                for key in keys[start : start + 1000]:
                    await uow.conversations.save(key, state, expected_version=0)
                await uow.commit()
    finally:
        await store.aclose()
    return keys


async def run_load(
    label: str,
    database_url: str,
    *,
    replicas: int,
    conversations: int,
    stored: int,
    stored_turns: int,
    think: tuple[float, float],
    folder: Path,
    seed: int = 7,
    ramp: float = 0.0,
) -> Report:
    rng = random.Random(seed)
    async with (
        running(database_url, replicas, folder) as (telegram, slack, started),
        aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http,
    ):
        tg_script = (*TELEGRAM_SCRIPT, *ANSWERS)
        sl_script = (*SLACK_SCRIPT, *ANSWERS)
        ref = {
            "telegram": await reference(TelegramUser(telegram, 999), tg_script, started),
            "slack": await reference(SlackUser(slack, http, "UREF"), sl_script, started),
        }
        # Warm every replica's Slack locale cache path and PTB once more (not measured).
        users: list[User] = []
        for i in range(conversations):
            if i % 2 == 0:
                users.append(TelegramUser(telegram, 1_000_000 + i))
            else:
                users.append(SlackUser(slack, http, f"UL{i:05d}"))
        cpu_before = sum(r.cpu_seconds() for r in started)
        load_before = os.getloadavg()[0]
        metrics_before = [_samples(await r.metrics(http)) for r in started]
        stop_health = asyncio.Event()
        health = asyncio.create_task(watch_health(http, started, stop_health))
        machine_before = _machine_cpu()
        began = time.monotonic()
        outcomes = await asyncio.gather(
            *(
                converse(
                    u,
                    tg_script if u.platform == "telegram" else sl_script,
                    ref[u.platform],
                    started,
                    think,
                    random.Random(rng.random()),
                    ramp,
                )
                for u in users
            )
        )
        seconds = time.monotonic() - began
        machine_after = _machine_cpu()
        stop_health.set()
        health_latencies, health_failures = await health
        load_after = os.getloadavg()[0]
        await asyncio.sleep(2.0)  # anything late or doubled arrives now
        cpu_used = sum(r.cpu_seconds() for r in started) - cpu_before
        metrics_after = [_samples(await r.metrics(http)) for r in started]
        lost, duplicated, wrong = _compare(users, ref)
        if lost or duplicated or wrong:
            explain(users, ref, started)
        latencies: dict[str, list[float]] = defaultdict(list)
        for outcome in outcomes:
            latencies[outcome.platform].extend(outcome.latencies)
        report = Report(
            label=label,
            conversations=conversations,
            turns=sum(len(o.latencies) + o.lost_turns for o in outcomes),
            seconds=seconds,
            latencies=dict(latencies),
            lost=lost,
            duplicated=duplicated,
            wrong=wrong,
            peak_mb=[r.memory_mb()[1] for r in started],
        )
        report.cpu_ms_per_turn = cpu_used * 1000 / max(report.turns, 1)
        kinds: dict[str, list[float]] = defaultdict(list)
        for outcome in outcomes:
            for kind, values in outcome.by_kind.items():
                kinds[kind].extend(values)
        report.by_kind = dict(kinds)
        report.health, report.health_failures = health_latencies, health_failures
        report.worker_mb = [m for r in started for m in r.worker_mb()]
        busy_time = machine_after[0] - machine_before[0]
        all_time = machine_after[1] - machine_before[1]
        report.cpu_share = busy_time / all_time if all_time else 0.0
        report.load = (load_before, load_after)
        delta = _delta(metrics_before, metrics_after)
        report.handled = {
            name: delta.get(name, 0.0)
            for name in (
                "sourcewise_turns_total",
                "sourcewise_duplicates_total",
                "sourcewise_replies_failed_total",
                "sourcewise_busy_replies_total",
            )
        }
        report.busy = report.handled["sourcewise_busy_replies_total"]
        report.busy_seen = sum(u.busy for u in users)
        report.handle_p50_ms, report.handle_p99_ms = _histogram_bounds(delta)

        # An estimate turn (engine + chart), one at a time: informational.
        for user in users[:6]:
            before = len(user.messages())
            began_estimate = time.monotonic()
            await user.post(started[0].url, "calculate")
            async with asyncio.timeout(60):
                while len(user.messages()) == before:
                    await user.changed()
            report.estimate_ms.append((time.monotonic() - began_estimate) * 1000)
            await asyncio.sleep(0.5)

        if stored:
            # A state in the middle of the questions: the sample's turn answers the next one.
            middle = await _middle_state(telegram, started, ref["telegram"], database_url)
            keys = await _seed(database_url, stored, middle)
            report.stored = stored
            sample_rng = random.Random(seed + 1)
            sample = sample_rng.sample(keys, min(stored_turns, len(keys)))
            sample_users: list[User] = [
                TelegramUser(telegram, int(k.user))
                if k.platform == "telegram"
                else SlackUser(slack, http, k.user)
                for k in sample
            ]

            async def one(user: User) -> float | None:
                await asyncio.sleep(sample_rng.uniform(0, think[1] * 2))
                return await user.turn(started[0].url, "US", 1)

            results = await asyncio.gather(*(one(u) for u in sample_users))
            report.stored_turns = len(results)
            report.stored_latencies = [r for r in results if r is not None]
            memory = [r.memory_mb() for r in started]
            report.stored_rss_mb = [m[0] for m in memory]
            report.stored_peak_mb = [m[1] for m in memory]
        return report


async def _middle_state(
    telegram: IndexedBotApi, started: list[Replica], ref: Reference, database_url: str
) -> dict[str, Any]:
    """The state of a fresh conversation that answered the first question (asks region)."""
    user = TelegramUser(telegram, 998)
    total = 0
    for index, text in enumerate((*TELEGRAM_SCRIPT, ANSWERS[0])):
        total += ref.per_turn[index]
        await user.turn(started[0].url, text, total)
    store = open_store(database_url)
    try:
        async with store.unit_of_work() as uow:
            state = (await uow.conversations.load(user.key)).state
    finally:
        await store.aclose()
    if state is None or state.get("current") != "region":
        raise RuntimeError(f"the seed conversation is not at the region question: {state}")
    return state


# --- reporting -----------------------------------------------------------------------------------


def _machine_cpu() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    fields = [float(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0.0)
    return sum(fields) - idle, sum(fields)


def kind_rows(reports: Sequence[Report]) -> list[str]:
    """Per turn kind and /healthz: p50/p95/p99; memory, busy replies, CPU share."""
    out = [
        "| setup | turn kind | turns | p50 | p95 | p99 |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for r in reports:
        for kind in ("question", "calculate", "why", "what-if"):
            values = r.by_kind.get(kind, [])
            if values:
                out.append(
                    f"| {r.label} | {kind} | {len(values)} | {_ms(_percentile(values, 0.5))} "
                    f"| {_ms(_percentile(values, 0.95))} | {_ms(_percentile(values, 0.99))} |"
                )
        if r.health:
            out.append(
                f"| {r.label} | `/healthz` ({r.health_failures} not 200) | {len(r.health)} "
                f"| {_ms(_percentile(r.health, 0.5))} | {_ms(_percentile(r.health, 0.95))} "
                f"| {_ms(_percentile(r.health, 0.99))} |"
            )
    out += [
        "",
        "| setup | serving process peak RSS | workers peak RSS "
        "| busy replies (users / replicas' /metrics) | machine CPU during the load |",
        "|---|---:|---:|---:|---:|",
    ]
    for r in reports:
        workers = ", ".join(f"{m:.0f}" for m in r.worker_mb) or "–"
        out.append(
            f"| {r.label} | {', '.join(f'{m:.0f} MB' for m in r.peak_mb)} | {workers} MB "
            f"| {r.busy_seen} / {r.busy:.0f} | {r.cpu_share:.0%} |"
        )
    return out


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def rows(reports: Sequence[Report]) -> list[str]:
    out = [
        "| setup | conversations | turns | p50 | p99 | max | lost | duplicated | wrong "
        "| peak RSS per replica |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in reports:
        values = r.all_latencies
        out.append(
            f"| {r.label} | {r.conversations} | {r.turns} | {_ms(_percentile(values, 0.5))} "
            f"| {_ms(_percentile(values, 0.99))} | {_ms(max(values))} | {r.lost} "
            f"| {r.duplicated} | {r.wrong} | {', '.join(f'{m:.0f} MB' for m in r.peak_mb)} |"
        )
    return out


def platform_rows(reports: Sequence[Report]) -> list[str]:
    out = ["| setup | platform | turns | p50 | p95 | p99 |", "|---|---|---:|---:|---:|---:|"]
    for r in reports:
        for name, values in sorted(r.latencies.items()):
            out.append(
                f"| {r.label} | {name} | {len(values)} | {_ms(_percentile(values, 0.5))} "
                f"| {_ms(_percentile(values, 0.95))} | {_ms(_percentile(values, 0.99))} |"
            )
    return out


def server_rows(reports: Sequence[Report]) -> list[str]:
    out = [
        "| setup | turns counted by /metrics | duplicates | replies failed "
        "| handle time p50 | handle time p99 | server CPU per turn | load average (1 min) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in reports:
        h = r.handled
        out.append(
            f"| {r.label} | {h.get('sourcewise_turns_total', 0):.0f} "
            f"| {h.get('sourcewise_duplicates_total', 0):.0f} "
            f"| {h.get('sourcewise_replies_failed_total', 0):.0f} "
            f"| ≤ {r.handle_p50_ms:g} ms | ≤ {r.handle_p99_ms:g} ms "
            f"| {r.cpu_ms_per_turn:.1f} ms | {r.load[0]:.2f} → {r.load[1]:.2f} |"
        )
    return out


def stored_rows(reports: Sequence[Report]) -> list[str]:
    out = [
        "| setup | stored conversations | sample turns | answered | p50 | p99 "
        "| RSS after | peak RSS |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in reports:
        if not r.stored:
            continue
        out.append(
            f"| {r.label} | {r.stored:,} | {r.stored_turns} | {len(r.stored_latencies)} "
            f"| {_ms(_percentile(r.stored_latencies, 0.5))} "
            f"| {_ms(_percentile(r.stored_latencies, 0.99))} "
            f"| {', '.join(f'{m:.0f} MB' for m in r.stored_rss_mb)} "
            f"| {', '.join(f'{m:.0f} MB' for m in r.stored_peak_mb)} |"
        )
    return out


def verdict(reports: Sequence[Report]) -> list[str]:
    lines = []
    for r in reports:
        checks = []
        for kind, goal in GOAL_P99_MS.items():
            p99 = _percentile(r.by_kind.get(kind, []), 0.99) * 1000
            checks.append((f"{kind} turns p99 {p99:.1f} ms ≤ {goal:.0f} ms", p99 <= goal))
        health = _percentile(r.health, 0.99) * 1000
        peak = max(r.peak_mb)
        checks += [
            (
                f"`/healthz` p99 {health:.1f} ms ≤ {GOAL_HEALTH_P99_MS:.0f} ms",
                health <= GOAL_HEALTH_P99_MS,
            ),
            (
                f"lost {r.lost}, duplicated {r.duplicated}, wrong {r.wrong}",
                r.lost == 0 and r.duplicated == 0 and r.wrong == 0,
            ),
            (f"serving process peak RSS {peak:.0f} MB ≤ {GOAL_RSS_MB:.0f} MB", peak <= GOAL_RSS_MB),
            (f"machine CPU {r.cpu_share:.0%} ≤ ~60%", r.cpu_share <= 0.65),
        ]
        marks = "; ".join(f"{text} {'✓' if ok else '✗'}" for text, ok in checks)
        lines.append(f"- {r.label}: {marks}")
    return lines


def section(
    reports: Sequence[Report],
    think: tuple[float, float],
    saturation: Sequence[str] = (),
    ramp: float = 0.0,
) -> str:
    estimate = [x for r in reports for x in r.estimate_ms]
    return "\n".join(
        [
            "## Load: concurrent conversations through `sourcewise serve`",
            "",
            f"Measured {dt.date.today().isoformat()} on {machine(cores=True)} (shared with other "
            "work, so figures are an upper bound); `python -m bench.load`. The fake Telegram "
            "Bot API and fake Slack Web API run in the bench process on 127.0.0.1; each "
            "replica is a real `sourcewise serve` process (PTB webhook, slack-bolt, the "
            "service, the database). Half the conversations are Telegram, half Slack; each "
            f"types 15 turns from the greeting to the result, why? and a what-if, "
            f"{think[0]:g}–{think[1]:g} s "
            f"apart, users arriving over the first {ramp:g} s; with two replicas consecutive "
            "turns alternate between them. Latency: "
            "from just before the platform's POST to the arrival of the turn's last message "
            "at the fake platform (a busy answer is asked again after "
            f"{BUSY_RETRY_SECONDS:g} s, and the wait counts). Lost/duplicated/wrong: every "
            "chat, busy answers left out, compared message by "
            "message with a reference conversation.",
            "",
            *rows(reports),
            "",
            *platform_rows(reports),
            "",
            "Per turn kind (every conversation goes through calculate, why? and one "
            "what-if), `/healthz` asked every 0.2 s during the load, memory of the serving "
            "process and of each worker process, busy replies and the machine's CPU:",
            "",
            *kind_rows(reports),
            "",
            "Inside the replicas (their own `/metrics` over the load phase): handle time is "
            "the conversation service's share of a turn (load, core step, save; histogram "
            "bucket bounds); CPU is the replicas' user + system time divided by the turns; "
            "the load average shows what else the machine was doing.",
            "",
            *server_rows(reports),
            "",
            "Memory with a large database: conversations written straight into the "
            "database (all waiting at the region question), then one turn for a random "
            "sample of them, spread over a few seconds:",
            "",
            *stored_rows(reports),
            "",
            "Against the goals (question turns p99 ≤ 50 ms, calculate turns p99 ≤ 400 ms, "
            "`/healthz` p99 ≤ 50 ms, nothing lost, duplicated or wrong, the serving process "
            "≤ 150 MB, at a rate that keeps the machine's CPU at or below ~60%):",
            "",
            *verdict(reports),
            "",
            f"An estimate turn (engine, recommendation, chart), one at a time: "
            f"{', '.join(f'{x:.0f}' for x in estimate)} ms to the first message. The engine "
            "and the chart run in a worker process, off the event loop.",
            "",
            *saturation,
            *([""] if saturation else []),
            *NOTES,
        ]
    )


#: How to read the figures (what the measurements above decompose into).
NOTES = (
    "Reading the figures: a replica spends about 25-30 ms of CPU per turn (PTB or "
    "slack-bolt, aiohttp in and out, the core step, the store, and for Slack the inbox's "
    "save before the acknowledgement); estimates, explanations and what-ifs run in two "
    "worker processes at a lower CPU priority. Profiled with py-spy over 90 s of this load, "
    "the serving process's event loop was busy about 7% of the time: the tails are bursts, "
    "when many users of the ramp answer at once and their turns queue in one process (on "
    "SQLite every statement is also a hop to the driver's thread). Two replicas on "
    "PostgreSQL split the bursts and have the lower tail on the same two cores, though they "
    "compete for them; spread replicas over machines to add capacity. Memory: the serving "
    "process holds the libraries (the platforms' SDKs, aiohttp, SQLAlchemy) and the "
    "vocabularies; numpy, matplotlib and the engine stay in the workers, reported apart; "
    "the 10,000 stored conversations add nothing, because a replica holds no conversation "
    "in memory.",
)


# --- command line --------------------------------------------------------------------------------


async def _postgres_url() -> str | None:
    """A fresh database on the test PostgreSQL server, or None when there is none."""
    from tests.store.databases import admin_postgres_url, create_pg_database

    try:
        return await create_pg_database(admin_postgres_url())
    except Exception:
        return None


async def _drop_postgres(url: str) -> None:
    from tests.store.databases import admin_postgres_url, drop_pg_database

    with contextlib.suppress(Exception):
        await drop_pg_database(admin_postgres_url(), url)


@contextlib.contextmanager
def _folder() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="sourcewise-load-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


async def _run(args: argparse.Namespace) -> list[Report]:
    think = (args.think_min, args.think_max)
    reports: list[Report] = []
    with _folder() as folder:
        setups: list[tuple[str, str | None, int]] = []
        if args.database_url:
            setups.append((args.label or "custom", args.database_url, args.replicas))
        else:
            sqlite = f"sqlite+aiosqlite:///{folder / 'load.db'}"
            setups.append(("1 replica, SQLite", sqlite, 1))
            if not args.sqlite_only:
                setups.append(("2 replicas, PostgreSQL", None, 2))
        for label, url, replicas in setups:
            created = url is None
            if url is None:
                url = await _postgres_url()
                if url is None:
                    print(f"skipping '{label}': no PostgreSQL at the test URL", flush=True)
                    continue
            print(f"running '{label}' …", flush=True)
            try:
                report = await run_load(
                    label,
                    url,
                    replicas=replicas,
                    conversations=args.conversations,
                    stored=args.stored,
                    stored_turns=args.stored_turns,
                    think=think,
                    folder=folder,
                    ramp=args.ramp,
                )
            finally:
                if created:
                    await _drop_postgres(url)
            reports.append(report)
            print("\n".join(rows([report])), flush=True)
    return reports


async def _saturate(users: int) -> list[str]:
    """The saturation run on one replica and SQLite (:mod:`bench.saturation`)."""
    from bench.saturation import run_saturation, saturation_rows

    with _folder() as folder:
        print(f"saturating 1 replica on SQLite with {users} users …", flush=True)
        report = await run_saturation(
            f"sqlite+aiosqlite:///{folder / 'saturation.db'}", folder, users=users
        )
    found = saturation_rows(report, "1 replica, SQLite")
    print("\n".join(found), flush=True)
    return found


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__)
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--stored", type=int, default=10_000)
    parser.add_argument("--stored-turns", type=int, default=300)
    parser.add_argument("--think-min", type=float, default=7.0)
    parser.add_argument("--think-max", type=float, default=13.0)
    parser.add_argument(
        "--ramp", type=float, default=60.0, help="users arrive over this many seconds"
    )
    parser.add_argument("--database-url", help="one setup on this database instead")
    parser.add_argument("--replicas", type=int, default=1, help="with --database-url")
    parser.add_argument("--label", help="with --database-url")
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--no-write", action="store_true", help="do not update RESULTS.md")
    parser.add_argument(
        "--saturation-users",
        type=int,
        default=60,
        help="users in the saturation run (0: skip it)",
    )
    parser.add_argument("--saturation-only", action="store_true", help="print it, write nothing")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args([] if argv is None else argv)
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    if args.saturation_only:
        asyncio.run(_saturate(args.saturation_users))
        return 0
    reports = asyncio.run(_run(args))
    if not reports:
        return 1
    saturation = asyncio.run(_saturate(args.saturation_users)) if args.saturation_users else []
    text = section(reports, (args.think_min, args.think_max), saturation, args.ramp)
    print(text)
    if not args.no_write:
        write_section("load", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
