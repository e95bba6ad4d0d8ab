"""A user who answers every question with its first button (or a fixed answer), for the
service tests: what they send next after a turn's replies."""

from __future__ import annotations

from bot.core.events import Command, Event, Pick, Reply, ReplyKind, Submit, Text

#: Answers for questions whose first button is not what we want (or that have no buttons).
ANSWERS: dict[str, Event] = {
    "region": Pick("region", "US"),
    "team_size": Text("12"),
    "current_cost": Command("skip"),
}


def next_event(replies: tuple[Reply, ...], *, at_summary: Event | None) -> Event | None:
    """What a user pressing the first button of each question would send next; at the
    summary, ``at_summary`` (None: stop there)."""
    for reply in reversed(replies):
        if reply.kind is ReplyKind.QUESTION and reply.question is not None:
            if reply.question in ANSWERS:
                return ANSWERS[reply.question]
            if reply.multi:
                return Submit(reply.question, (reply.choices[0].value,))
            if reply.choices:
                return Pick(reply.question, reply.choices[0].value)
            return Command("skip")
        if reply.kind is ReplyKind.SUMMARY:
            return at_summary
    return None
