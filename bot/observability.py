"""What an operator sees of a running service: Prometheus metrics and JSON logs without secrets.

Metrics live in a :class:`Metrics` object with a registry of its own (never
``prometheus_client``'s global one): every app, test and bench run counts only its own
traffic, and two apps in one process do not collide on metric names. They are counted where
the parts are wired together, not inside them:

- :class:`InstrumentedConversations` wraps the conversation service (the adapters'
  :class:`~bot.core.ports.Conversations` port): turns, their latency (load, core step, save:
  the work a replica does per message), duplicates;
- :class:`MeteredHandoffRunner` counts what each scheduler tick posted;
- replies that could not be delivered are counted from the adapters' own failure reports:
  Telegram's error handler (:func:`count_telegram_failures`) and the Slack adapter's log
  record for failed background work (:func:`count_slack_failures`).

``GET /metrics`` (:func:`install_metrics_route`) serves them in the Prometheus text format.

Logs (:func:`configure_logging`): one JSON object per line on stderr, so a log shipper can
parse them without guessing. Every record passes the one :class:`~bot.redaction.Redactor`
(shared with the adapters' log filters), which removes the configured secrets (every
``SecretStr`` in :class:`~bot.config.Settings`, the database password) and anything shaped
like one (Telegram bot tokens, Slack ``xox…``/``xapp-`` tokens, URL passwords, ``Bearer``
values, ``secret=``/``token:``/``password=`` fields), in the message, the traceback
and the extra fields alike: a token in a request URL logged by a library is caught too.
"""

from __future__ import annotations

import hmac
import json
import logging
import sys
import time
from collections.abc import Awaitable, Iterable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final, TextIO

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client.exposition import generate_latest
from pydantic import SecretStr
from sqlalchemy.engine import make_url

from bot.core.events import Event, Reply
from bot.core.ports import ConversationKey, Conversations, Turn
from bot.handoff.runner import HandoffRunner, TickReport
from bot.redaction import REDACTED, RedactingFilter, Redactor

if TYPE_CHECKING:
    from bot.config import Settings

__all__ = [
    "METRICS_PATH",
    "REDACTED",
    "SLACK_FAILURE_MESSAGE",
    "TURN_BUCKETS",
    "InstrumentedConversations",
    "JsonFormatter",
    "MeteredHandoffRunner",
    "Metrics",
    "RedactingFilter",
    "Redactor",
    "configure_logging",
    "count_slack_failures",
    "count_telegram_failures",
    "install_metrics_route",
    "secrets_of",
]

METRICS_PATH: Final = "/metrics"

#: Turn latency buckets (seconds): fine below 50 ms (the goal), coarse above.
TURN_BUCKETS: tuple[float, ...] = (
    0.001,
    0.0025,
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1.0,
    2.5,
    5.0,
)


class Metrics:
    """The service's counters and histograms, on a registry of their own.

    - ``sourcewise_turns_total{platform}``: events the conversation service handled;
    - ``sourcewise_turn_seconds{platform}``: how long each took (histogram);
    - ``sourcewise_duplicates_total{platform}``: redelivered updates recognised as such;
    - ``sourcewise_busy_replies_total{platform}``: heavy turns answered "busy, one moment";
    - ``sourcewise_replies_failed_total{platform}``: updates whose answer could not be
      produced or sent (the user got an apology, or nothing);
    - ``sourcewise_reminders_sent_total`` / ``sourcewise_reminders_late_total``: handoff
      reminders posted (late ones included) / posted after their due time;
    - ``sourcewise_reminders_failed_total``: reminders given up on.
    """

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.turns = Counter(
            "sourcewise_turns",
            "Events handled by the conversation service.",
            ["platform"],
            registry=r,
        )
        self.turn_seconds = Histogram(
            "sourcewise_turn_seconds",
            "Time to handle one event (load, core step, save).",
            ["platform"],
            buckets=TURN_BUCKETS,
            registry=r,
        )
        self.duplicates = Counter(
            "sourcewise_duplicates",
            "Redelivered updates recognised as already handled.",
            ["platform"],
            registry=r,
        )
        self.busy = Counter(
            "sourcewise_busy_replies",
            "Heavy turns answered 'busy, one moment' (no capacity; nothing was changed).",
            ["platform"],
            registry=r,
        )
        self.replies_failed = Counter(
            "sourcewise_replies_failed",
            "Updates whose replies could not be produced or delivered.",
            ["platform"],
            registry=r,
        )
        self.reminders_sent = Counter(
            "sourcewise_reminders_sent", "Handoff reminders posted (late ones too).", registry=r
        )
        self.reminders_late = Counter(
            "sourcewise_reminders_late",
            "Handoff reminders posted after their due time.",
            registry=r,
        )
        self.reminders_failed = Counter(
            "sourcewise_reminders_failed", "Handoff reminders given up on.", registry=r
        )

    def render(self) -> bytes:
        """The Prometheus text exposition of every metric."""
        return generate_latest(self.registry)

    def value(self, name: str, labels: Mapping[str, str] | None = None) -> float:
        """One sample's current value (0 when never set): for tests and the bench."""
        found = self.registry.get_sample_value(name, dict(labels or {}))
        return 0.0 if found is None else found


# --- metrics at the wiring points ------------------------------------------------------------


class InstrumentedConversations:
    """A :class:`~bot.core.ports.Conversations` that counts and times the one it wraps.

    Latency is the wrapped call's wall time; a call that raises is timed and counted as a
    turn too (the failure itself is counted by the adapters, which know whether the user was
    told).
    """

    __slots__ = ("_inner", "_metrics")

    def __init__(self, inner: Conversations, metrics: Metrics) -> None:
        self._inner = inner
        self._metrics = metrics

    @property
    def inner(self) -> Conversations:
        return self._inner

    def _observe(self, platform: str, started: float) -> None:
        self._metrics.turns.labels(platform).inc()
        self._metrics.turn_seconds.labels(platform).observe(time.perf_counter() - started)

    async def handle(
        self,
        key: ConversationKey,
        event: Event,
        *,
        dedupe_id: str | None = None,
        locale: str | None = None,
    ) -> Turn:
        return await self._counted(
            key, self._inner.handle(key, event, dedupe_id=dedupe_id, locale=locale)
        )

    async def _counted(self, key: ConversationKey, work: Awaitable[Turn]) -> Turn:
        """A turn timed and counted: its time, and whether it was a duplicate or busy."""
        started = time.perf_counter()
        try:
            turn = await work
        finally:
            self._observe(key.platform, started)
        if turn.duplicate:
            self._metrics.duplicates.labels(key.platform).inc()
        if turn.busy:
            self._metrics.busy.labels(key.platform).inc()
        return turn

    async def mark_delivered(self, key: ConversationKey, dedupe_id: str) -> None:
        await self._inner.mark_delivered(key, dedupe_id)

    async def quick_estimate(
        self,
        text: str,
        *,
        locale: str | None = None,
        key: ConversationKey | None = None,
        dedupe_id: str | None = None,
    ) -> tuple[Reply, ...]:
        started = time.perf_counter()
        try:
            return await self._inner.quick_estimate(
                text, locale=locale, key=key, dedupe_id=dedupe_id
            )
        finally:
            self._observe(key.platform if key is not None else "inline", started)

    async def one_liner(
        self,
        key: ConversationKey,
        text: str,
        *,
        dedupe_id: str | None = None,
        locale: str | None = None,
    ) -> Turn:
        return await self._counted(
            key, self._inner.one_liner(key, text, dedupe_id=dedupe_id, locale=locale)
        )

    async def claim(self, key: ConversationKey, dedupe_id: str) -> bool:
        claimed = await self._inner.claim(key, dedupe_id)
        if not claimed:
            self._metrics.duplicates.labels(key.platform).inc()
        return claimed

    async def recent_estimates(
        self, key: ConversationKey, *, limit: int = 5
    ) -> tuple[dict[str, Any], ...]:
        return await self._inner.recent_estimates(key, limit=limit)


class MeteredHandoffRunner(HandoffRunner):
    """The handoff scheduler, counting what each tick posted, posted late or gave up on."""

    def __init__(self, *args: Any, metrics: Metrics, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._metrics = metrics

    async def tick(self) -> TickReport:
        report = await super().tick()
        self._metrics.reminders_sent.inc(len(report.sent) + len(report.late))
        self._metrics.reminders_late.inc(len(report.late))
        self._metrics.reminders_failed.inc(len(report.failed))
        return report


def count_telegram_failures(application: Any, metrics: Metrics) -> None:
    """Add an error handler to a PTB ``Application`` counting each update that failed
    (PTB runs every registered error handler, so the adapter's own still tells the user)."""

    async def counted(update: object, context: object) -> None:
        metrics.replies_failed.labels("telegram").inc()

    application.add_error_handler(counted)


#: What the Slack adapter logs (at ERROR) when a lazy listener's work failed.
SLACK_FAILURE_MESSAGE: Final = "Slack background work failed"


class _SlackFailures(logging.Handler):
    def __init__(self, metrics: Metrics) -> None:
        super().__init__(logging.ERROR)
        self._metrics = metrics

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg == SLACK_FAILURE_MESSAGE:
            self._metrics.replies_failed.labels("slack").inc()


def count_slack_failures(logger: logging.Logger, metrics: Metrics) -> logging.Handler:
    """Count the Slack adapter's failed background work (every such failure is logged once
    on the adapter's logger, ``SlackBot.logger``); returns the handler to remove later."""
    handler = _SlackFailures(metrics)
    logger.addHandler(handler)
    return handler


def install_metrics_route(
    web_app: web.Application, metrics: Metrics, *, token: str | None = None
) -> None:
    """``GET /metrics``: the Prometheus text format of ``metrics``. With ``token`` only for
    ``Authorization: Bearer <token>`` (401 otherwise): how ``/metrics`` is served on the
    public port; without, for a private listener (``SOURCEWISE_METRICS_PORT``)."""
    expected = f"Bearer {token}".encode() if token else None

    async def serve(request: web.Request) -> web.Response:
        if expected is not None:
            given = request.headers.get("Authorization", "").encode()
            if not hmac.compare_digest(given, expected):
                return web.Response(status=401, headers={"WWW-Authenticate": "Bearer"})
        response = web.Response(body=metrics.render())
        response.headers["Content-Type"] = CONTENT_TYPE_LATEST
        return response

    web_app.router.add_get(METRICS_PATH, serve)


# --- redaction -------------------------------------------------------------------------------


def secrets_of(settings: Settings) -> tuple[str, ...]:
    """Every secret value ``settings`` holds: its ``SecretStr`` fields and the database
    password."""
    found = [
        value.get_secret_value()
        for name in type(settings).model_fields
        if isinstance(value := getattr(settings, name), SecretStr)
    ]
    try:
        password = make_url(settings.database_url).password
    except Exception:  # not a URL SQLAlchemy understands: nothing to take from it
        password = None
    if password:
        found.append(str(password))
    return tuple(s for s in found if s)


#: LogRecord attributes that are not "extra" fields.
_STANDARD = frozenset(vars(logging.LogRecord("x", logging.INFO, "x", 0, "x", None, None))) | {
    "message",
    "asctime",
    "taskName",
}


class JsonFormatter(logging.Formatter):
    """One JSON object per record: ``ts`` (UTC, ISO 8601), ``level``, ``logger``,
    ``message``, then ``exc``/``stack`` when present and any JSON-able ``extra`` fields.
    Every string passes the redactor again, whatever filters ran before."""

    def __init__(self, redactor: Redactor | None = None) -> None:
        super().__init__()
        self._redact = redactor or Redactor()

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": self._redact(record.getMessage()),
        }
        if record.exc_info and record.exc_info[1] is not None:
            line["exc"] = self._redact(self.formatException(record.exc_info))
        elif record.exc_text:
            line["exc"] = self._redact(record.exc_text)
        if record.stack_info:
            line["stack"] = self._redact(record.stack_info)
        for name, value in vars(record).items():
            if name in _STANDARD or name.startswith("_") or name in line:
                continue
            if isinstance(value, str):
                line[name] = self._redact(value)
            elif value is None or isinstance(value, bool | int | float):
                line[name] = value
        return json.dumps(line, ensure_ascii=False, default=str)


def configure_logging(
    settings: Settings,
    *,
    stream: TextIO | None = None,
    json_lines: bool = True,
    extra_secrets: Iterable[str] = (),
) -> logging.Handler:
    """Replace the root logger's handlers with one writing to ``stream`` (stderr) at
    ``SOURCEWISE_LOG_LEVEL``: JSON lines, or classic text lines when ``json_lines`` is
    False; either way through a :class:`RedactingFilter` for :func:`secrets_of`
    ``settings``. Returns the handler (tests read what it wrote)."""
    redactor = Redactor((*secrets_of(settings), *extra_secrets))
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.setFormatter(
        JsonFormatter(redactor)
        if json_lines
        else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    handler.addFilter(RedactingFilter(redactor))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(settings.log_level.upper())
    return handler
