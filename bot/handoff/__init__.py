"""Follow-the-sun shift handoff reminders for Slack channels and Telegram groups.

Pure core: :mod:`~bot.handoff.roster` (models), :mod:`~bot.handoff.commands` (parser),
:mod:`~bot.handoff.schedule` (shift changes across DST), :mod:`~bot.handoff.coverage`
(gaps and overlaps in a UTC week).
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
from bot.handoff.errors import HandoffError, InvalidInput, UnknownFire
from bot.handoff.roster import Region, Roster, TeamKey
from bot.handoff.schedule import ShiftChange, changes_between, next_changes

__all__ = [
    "Add",
    "Coverage",
    "CoverageReport",
    "Form",
    "HandoffCommand",
    "HandoffError",
    "Help",
    "Interval",
    "InvalidInput",
    "ListRoster",
    "Pause",
    "Region",
    "Remove",
    "Resume",
    "Roster",
    "SendTest",
    "ShiftChange",
    "TeamKey",
    "UnknownFire",
    "analyze",
    "changes_between",
    "heatmap_png",
    "next_changes",
    "parse_command",
    "reference_week",
]
