"""Follow-the-sun shift handoff reminders for Slack channels and Telegram groups.

Pure core: :mod:`~bot.handoff.roster` (models), :mod:`~bot.handoff.commands` (parser),
:mod:`~bot.handoff.schedule` (shift changes across DST), :mod:`~bot.handoff.coverage`
(gaps and overlaps in a UTC week), :mod:`~bot.handoff.form`, :mod:`~bot.handoff.messages`.
Shell: :mod:`~bot.handoff.store` (tables, claims), :mod:`~bot.handoff.runner` (the
scheduler), :mod:`~bot.handoff.service` (what adapters call),
:mod:`~bot.handoff.notifiers` (Slack and Telegram posting).

Wiring (``bot.app``)::

    store = HandoffStore(sql_store.engine)                  # same database, migration 0002
    notifier = NotifierRouter({"slack": SlackNotifier(web_client),
                               "telegram": TelegramNotifier(application.bot)})
    runner = HandoffRunner(store, notifier, timing=Timing.from_settings(settings))
    service = HandoffService(store, notifier=notifier, timing=runner.timing,
                             on_change=runner.wake)
    task = asyncio.create_task(runner.run(stop_event))
"""

from bot.handoff.commands import (
    Add,
    CoverageReport,
    Form,
    HandoffCommand,
    Help,
    ListRoster,
    Pause,
    Remove,
    Resume,
    SendTest,
    parse_command,
)
from bot.handoff.coverage import Coverage, Interval, analyze, heatmap_png, reference_week
from bot.handoff.errors import DeliveryError, HandoffError, InvalidInput, UnknownFire
from bot.handoff.messages import ACK_ACTION, ack_value, parse_ack_value
from bot.handoff.notifiers import ACK_ACTION_ID, NotifierRouter, SlackNotifier, TelegramNotifier
from bot.handoff.roster import Region, Roster, TeamKey, slack_team, telegram_team
from bot.handoff.runner import Clock, HandoffRunner, Notifier, SystemClock, TickReport, Timing
from bot.handoff.schedule import ShiftChange, changes_between, next_changes
from bot.handoff.service import FORM_QUESTION, FormField, FormTurn, HandoffService
from bot.handoff.store import Fire, FireStatus, HandoffStore

__all__ = [
    "ACK_ACTION",
    "ACK_ACTION_ID",
    "FORM_QUESTION",
    "Add",
    "Clock",
    "Coverage",
    "CoverageReport",
    "DeliveryError",
    "Fire",
    "FireStatus",
    "Form",
    "FormField",
    "FormTurn",
    "HandoffCommand",
    "HandoffError",
    "HandoffRunner",
    "HandoffService",
    "HandoffStore",
    "Help",
    "Interval",
    "InvalidInput",
    "ListRoster",
    "Notifier",
    "NotifierRouter",
    "Pause",
    "Region",
    "Remove",
    "Resume",
    "Roster",
    "SendTest",
    "ShiftChange",
    "SlackNotifier",
    "SystemClock",
    "TeamKey",
    "TelegramNotifier",
    "TickReport",
    "Timing",
    "UnknownFire",
    "ack_value",
    "analyze",
    "changes_between",
    "heatmap_png",
    "next_changes",
    "parse_ack_value",
    "parse_command",
    "reference_week",
    "slack_team",
    "telegram_team",
]
