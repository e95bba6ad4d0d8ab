"""Everything the handoff feature says, as neutral :class:`~bot.core.events.Reply` objects.

Layout lives in ``templates/<locale>/handoff_*.j2``, words in ``templates/<locale>/handoff.toml``
(the same keys in every locale), times and day names come from Babel. The runner and the
service both build their messages here, so a reminder re-sent after a crash, edited after an
acknowledgement, or previewed with ``/handoff test`` reads exactly the same.

A reminder's facts are frozen in a JSON *payload* when its delivery is claimed
(:func:`change_payload`), so the message never depends on a roster edited since.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any, cast
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_skeleton, get_day_names

from bot.core.events import Choice, Image, Reply, ReplyKind
from bot.handoff.coverage import Coverage, HeatmapLabels, Interval, heatmap_png
from bot.handoff.errors import InvalidInput
from bot.handoff.roster import Region
from bot.handoff.schedule import ShiftChange
from bot.render.env import DEFAULT_LOCALE, Renderer, normalize_locale

__all__ = [
    "ACK_ACTION",
    "STRINGS_FILE",
    "AckView",
    "Strings",
    "ack_value",
    "change_payload",
    "coverage_reply",
    "error_reply",
    "escalation_reply",
    "format_days",
    "format_duration",
    "format_when",
    "gap_warning",
    "heatmap_labels",
    "help_reply",
    "list_reply",
    "parse_ack_value",
    "reminder_reply",
    "strings_for",
    "text_reply",
]

#: The words of every locale: ``templates/<locale>/handoff.toml``.
STRINGS_FILE = "handoff.toml"
#: Action values of the acknowledge button: ``"handoff_ack:<fire id>"``.
ACK_ACTION = "handoff_ack"


def ack_value(fire_id: int) -> str:
    return f"{ACK_ACTION}:{fire_id}"


def parse_ack_value(value: str) -> int | None:
    """``"handoff_ack:42"`` -> 42; anything else -> None (not a handoff button)."""
    prefix, _, number = value.partition(":")
    if prefix != ACK_ACTION or not number.isascii() or not number.isdigit():
        return None
    return int(number) if len(number) <= 18 else None


#: CLDR plural categories: a table with only these keys is one text in its plural forms.
_PLURAL_FORMS = frozenset({"zero", "one", "two", "few", "many", "other"})


def _is_plural(node: object) -> bool:
    return isinstance(node, dict) and bool(node) and set(node) <= _PLURAL_FORMS


class Strings:
    """One locale's ``handoff.toml``: ``text("errors.invalid_time", text="25:00")``.

    A text may come in CLDR plural forms (``[units.hours]`` with ``one``, ``few``, ``many``,
    ``other``): ``text("units.hours", h=3, count=3)`` picks the form by the locale's rules,
    so Polish says "3 godziny", "5 godzin" in full words (an abbreviation such as "godz."
    would end a sentence in two full stops)."""

    def __init__(self, data: dict[str, Any], locale: Locale | None = None) -> None:
        self._data = data
        self._locale = locale

    def _find(self, dotted: str) -> Any:
        node: Any = self._data
        for part in dotted.split("."):
            node = node[part]
        return node

    def text(self, dotted: str, **params: object) -> str:
        node = self._find(dotted)
        if _is_plural(node):
            count = params.get("count")
            form = "other"
            if self._locale is not None and isinstance(count, int | float):
                form = self._locale.plural_form(count)
            node = node.get(form, node["other"])
        return str(node).format(**params)

    def items(self, dotted: str) -> list[str]:
        return [str(item) for item in self._find(dotted)]

    def keys(self) -> set[str]:
        """Every dotted key (for the same-keys-in-every-locale test)."""

        def walk(node: dict[str, Any], prefix: str) -> set[str]:
            found: set[str] = set()
            for name, value in node.items():
                if isinstance(value, dict) and not _is_plural(value):
                    found |= walk(value, f"{prefix}{name}.")
                else:
                    found.add(f"{prefix}{name}")
            return found

        return walk(self._data, "")


@cache
def strings_for(renderer: Renderer, locale: str) -> Strings:
    env = renderer.env(normalize_locale(locale))
    assert env.loader is not None  # the renderer always builds a FileSystemLoader
    source, _, _ = env.loader.get_source(env, STRINGS_FILE)
    return Strings(tomllib.loads(source), renderer.babel_locale(locale))


# --- formatting ----------------------------------------------------------------------------


def format_when(renderer: Renderer, locale: str, instant: datetime, tz: str) -> str:
    """ "Mon 17:00" in ``tz``, in the locale's words and order (Babel skeleton ``EHm``)."""
    babel = renderer.babel_locale(locale)
    return format_skeleton("EHm", instant, tzinfo=ZoneInfo(tz), locale=babel)


def _date(renderer: Renderer, locale: str, instant: datetime, tz: str) -> str:
    babel = renderer.babel_locale(locale)
    return format_skeleton("MMMEd", instant, tzinfo=ZoneInfo(tz), locale=babel)


def format_duration(strings: Strings, span: timedelta) -> str:
    minutes = max(int(span.total_seconds() // 60), 0)
    h, m = divmod(minutes, 60)
    hours = strings.text("units.hours", h=h, count=h)
    if h and m:
        just_minutes = strings.text("units.minutes", m=m, count=m)
        return strings.text("units.hours_minutes", hours=hours, minutes=just_minutes, h=h, m=m)
    if h:
        return hours
    return strings.text("units.minutes", m=m, count=m)


def format_days(renderer: Renderer, locale: str, days: frozenset[int]) -> str:
    """{0..4} -> "Mon–Fri" / "pon.–pt." / "周一至周五"; runs of 3+ days become ranges."""
    strings = strings_for(renderer, locale)
    names = get_day_names("abbreviated", locale=renderer.babel_locale(locale))
    ordered = sorted(days)
    parts: list[str] = []
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] == ordered[j] + 1:
            j += 1
        if j - i >= 2:
            parts.append(f"{names[ordered[i]]}{strings.text('days.range')}{names[ordered[j]]}")
        else:
            parts.extend(names[d] for d in ordered[i : j + 1])
        i = j + 1
    return strings.text("days.separator").join(parts)


def _window(region: Region) -> str:
    return region.window.replace("-", "–")


# --- payloads ------------------------------------------------------------------------------


def _side(region: Region) -> dict[str, str]:
    return {"name": region.name, "tz": region.tz, "lead": region.lead}


def change_payload(change: ShiftChange) -> dict[str, Any]:
    """The facts a reminder states, as JSON (stored with the claim)."""
    return {
        "outgoing": _side(change.outgoing),
        "incoming": _side(change.incoming),
        "change_at": change.at.isoformat(),
        "incoming_start": change.incoming_start.isoformat(),
    }


@dataclass(frozen=True, slots=True)
class AckView:
    user: str
    at: datetime


def _reminder_context(renderer: Renderer, locale: str, payload: dict[str, Any]) -> dict[str, Any]:
    strings = strings_for(renderer, locale)
    out, inc = payload["outgoing"], payload["incoming"]
    change_at = datetime.fromisoformat(payload["change_at"])
    incoming_start = datetime.fromisoformat(payload["incoming_start"])
    gap = incoming_start - change_at
    return {
        "outgoing": {**out, "end": format_when(renderer, locale, change_at, out["tz"])},
        "incoming": {
            **inc,
            "start": format_when(renderer, locale, incoming_start, inc["tz"]),
            "at_change": format_when(renderer, locale, change_at, inc["tz"]),
        },
        "utc": format_when(renderer, locale, change_at, "UTC"),
        "gap": format_duration(strings, gap) if gap > timedelta(0) else "",
        "overlap": format_duration(strings, -gap) if gap < timedelta(0) else "",
    }


def reminder_reply(
    renderer: Renderer,
    locale: str,
    payload: dict[str, Any],
    *,
    fire_id: int | None,
    late: bool = False,
    test: bool = False,
    ack: AckView | None = None,
) -> Reply:
    """The reminder; with the acknowledge button while ``ack`` is None and it is real."""
    strings = strings_for(renderer, locale)
    context = _reminder_context(renderer, locale, payload)
    acked = None
    if ack is not None:
        tz = payload["incoming"]["tz"]
        acked = {"user": ack.user, "at": format_when(renderer, locale, ack.at, tz)}
    text = renderer.render(
        locale,
        "handoff_reminder.j2",
        **context,
        late=late,
        test=test,
        ack=acked,
        checklist=strings.items("checklist.items"),
    )
    actions: tuple[Choice, ...] = ()
    if ack is None and fire_id is not None and not test:
        actions = (Choice(ack_value(fire_id), strings.text("buttons.ack")),)
    return Reply(text=text, kind=ReplyKind.INFO, actions=actions)


def escalation_reply(
    renderer: Renderer, locale: str, payload: dict[str, Any], *, ack_minutes: int
) -> Reply:
    context = _reminder_context(renderer, locale, payload)
    text = renderer.render(locale, "handoff_escalation.j2", **context, ack_minutes=ack_minutes)
    return Reply(text=text, kind=ReplyKind.INFO)


def text_reply(
    renderer: Renderer, locale: str, key: str, *, kind: ReplyKind = ReplyKind.INFO, **params: object
) -> Reply:
    return Reply(text=strings_for(renderer, locale).text(key, **params), kind=kind)


def help_reply(renderer: Renderer, locale: str) -> Reply:
    return text_reply(renderer, locale, "help.text")


_EXAMPLES = {
    "add": "errors.example_add",
    "remove": "errors.example_remove",
    "ack": "errors.example_ack",
}
#: Refusals: nothing was wrong with the command, so no example follows them.
_NO_EXAMPLE = ("unknown_region", "empty_roster", "not_allowed", "access_unknown")


def error_reply(renderer: Renderer, locale: str, error: InvalidInput, verb: str | None) -> Reply:
    """The rejection in the user's words, with an example of the command done right."""
    strings = strings_for(renderer, locale)
    params = error.params
    if error.code == "missing_argument":
        lines = [strings.text(f"errors.missing_{params.get('field', 'name')}")]
    elif error.code == "unknown_region" and not params.get("known"):
        lines = [strings.text("errors.unknown_region_none", **params)]
    elif error.code == "not_allowed":
        action = strings.text(f"access.{params.get('action', 'add')}")
        key = "errors.not_allowed" if params.get("leads") else "errors.not_allowed_no_leads"
        lines = [strings.text(key, action=action, leads=params.get("leads", ""))]
    else:
        lines = [strings.text(f"errors.{error.code}", **params)]
    if error.code == "unknown_timezone" and params.get("suggestion"):
        lines.append(strings.text("errors.did_you_mean", **params))
    example = _EXAMPLES.get(verb or "")
    if example is not None and error.code not in _NO_EXAMPLE:
        lines.append(strings.text(example))
    elif verb == "coverage" and error.code == "invalid_date":
        lines.append(strings.text("errors.example_coverage"))
    elif error.code == "unknown_command":
        lines.append(strings.text("help.short"))
    return Reply(text="\n".join(lines), kind=ReplyKind.ERROR)


# --- roster and coverage views -------------------------------------------------------------


def list_reply(
    renderer: Renderer,
    locale: str,
    *,
    regions: Sequence[Region],
    paused: bool,
    upcoming: Sequence[ShiftChange],
    recent: Sequence[dict[str, Any]],
    lead_minutes: int,
) -> Reply:
    """The roster with each region's hours, the next changes and the latest handoffs.

    ``recent`` items: ``{"payload", "status", "ack": AckView | None, "change_at"}``.
    """
    strings = strings_for(renderer, locale)
    rows = [
        {
            "name": r.name,
            "tz": r.tz,
            "window": _window(r),
            "days": format_days(renderer, locale, r.weekdays),
            "lead": r.lead,
        }
        for r in regions
    ]
    changes = [
        {
            "outgoing": c.outgoing.name,
            "incoming": c.incoming.name,
            "local": format_when(renderer, locale, c.at, c.outgoing.tz),
            "tz": c.outgoing.tz,
            "utc": format_when(renderer, locale, c.at, "UTC"),
            "gap": format_duration(strings, c.gap) if c.gap else "",
        }
        for c in upcoming
    ]
    history = []
    for item in recent:
        payload = item["payload"]
        ack = cast(AckView | None, item["ack"])
        history.append(
            {
                "outgoing": payload["outgoing"]["name"],
                "incoming": payload["incoming"]["name"],
                "when": format_when(renderer, locale, item["change_at"], "UTC"),
                "status": strings.text(f"status.{item['status']}"),
                "posted": item["status"] in ("sent", "late"),
                "ack": None
                if ack is None
                else {"user": ack.user, "at": format_when(renderer, locale, ack.at, "UTC")},
            }
        )
    text = renderer.render(
        locale,
        "handoff_list.j2",
        regions=rows,
        paused=paused,
        upcoming=changes,
        recent=history,
        lead_minutes=lead_minutes,
    )
    return Reply(text=text, kind=ReplyKind.INFO)


def _intervals(renderer: Renderer, locale: str, found: Sequence[Interval]) -> list[str]:
    strings = strings_for(renderer, locale)
    return [
        strings.text(
            "coverage.interval",
            start=format_when(renderer, locale, i.start, "UTC"),
            end=format_when(renderer, locale, i.end, "UTC"),
            length=format_duration(strings, i.end - i.start),
        )
        for i in found
    ]


def heatmap_labels(renderer: Renderer, locale: str) -> HeatmapLabels:
    strings = strings_for(renderer, locale)
    # CLDR's short names ("Mo", "śro", "周一"): seven columns fit a phone's width.
    names = get_day_names("short", context="stand-alone", locale=renderer.babel_locale(locale))
    days = cast(tuple[str, str, str, str, str, str, str], tuple(names[d] for d in range(7)))
    legend = cast(tuple[str, str, str, str, str], tuple(strings.items("heatmap.legend")))
    return HeatmapLabels(
        strings.text("heatmap.title"),
        days,
        strings.text("heatmap.hours"),
        legend,
        strings.text("heatmap.utc"),
    )


def coverage_reply(
    renderer: Renderer, locale: str, coverage: Coverage, *, regions: Sequence[Region]
) -> Reply:
    """Gaps and overlaps as text, and the heatmap as an image."""
    strings = strings_for(renderer, locale)
    week_end = coverage.week_start + timedelta(days=6)
    text = renderer.render(
        locale,
        "handoff_coverage.j2",
        week=_date(renderer, locale, coverage.week_start, "UTC"),
        week_end=_date(renderer, locale, week_end, "UTC"),
        regions=[r.name for r in regions],
        gap_hours=len(coverage.gap_hours),
        overlap_hours=len(coverage.overlap_hours),
        uncovered=format_duration(strings, timedelta(minutes=coverage.uncovered_minutes)),
        overlapping=format_duration(strings, timedelta(minutes=coverage.overlap_minutes)),
        gaps=_intervals(renderer, locale, coverage.gaps),
        overlaps=_intervals(renderer, locale, coverage.overlaps),
    )
    png = heatmap_png(
        coverage,
        heatmap_labels(renderer, locale),
        heatmap_labels(renderer, DEFAULT_LOCALE),
        regions=regions,
    )
    image = Image(
        png=png,
        filename="handoff-coverage.png",
        alt=strings.text("heatmap.alt"),
        title=strings.text("heatmap.title"),
    )
    return Reply(text=text, kind=ReplyKind.INFO, image=image)


def gap_warning(renderer: Renderer, locale: str, opened: Sequence[Interval]) -> Reply:
    """ "This change leaves these hours uncovered": shown after add/remove opens a gap."""
    strings = strings_for(renderer, locale)
    total = timedelta(minutes=sum(i.minutes for i in opened))
    lines = [strings.text("coverage.gap_opened", length=format_duration(strings, total))]
    shown = _intervals(renderer, locale, opened)
    lines.extend(f"• {line}" for line in shown[:7])
    if len(shown) > 7:
        lines.append(strings.text("coverage.more", count=len(shown) - 7))
    return Reply(text="\n".join(lines), kind=ReplyKind.INFO)
