"""The follow-ups offered under an estimate, as action values (``"command"`` or
``"command:arg"``) that come back as :class:`~bot.core.events.Command` events.

Which follow-ups exist is the conversation's decision, so it lives in the core; how each
button is labelled is the renderer's (``action.<value>`` in ``result.toml``,
``actions.*`` in ``conversation.toml``).
"""

from __future__ import annotations

__all__ = [
    "DETAILS_ACTIONS",
    "RESULT_ACTIONS",
    "WHY_ACTIONS",
    "outsourcing_actions",
    "result_actions",
]

#: Follow-ups offered under a result; the core maps each value back to a command.
RESULT_ACTIONS: tuple[str, ...] = (
    "why",
    "details",
    "whatif:hours=24x7",
    "whatif:volume=+20%",
    "restart",
)
#: Follow-ups under the working ("why?") and under the details.
WHY_ACTIONS: tuple[str, ...] = ("details", "restart")
DETAILS_ACTIONS: tuple[str, ...] = ("why", "restart")


def result_actions(*, around_the_clock: bool) -> tuple[str, ...]:
    """:data:`RESULT_ACTIONS`; a scenario already open 24/7 is offered business hours."""
    values = list(RESULT_ACTIONS)
    if around_the_clock:
        values[values.index("whatif:hours=24x7")] = "whatif:hours=business"
    return tuple(values)


def outsourcing_actions(kind: str | None, destination: str | None) -> tuple[str, ...]:
    """Re-price the outsourced option another way without asking again: the other kind
    (dedicated agents / pay per use) and, when a destination was named, the engine's own
    choice (onshore compared with the cheapest destination)."""
    found = []
    if kind != "dedicated":
        found.append("whatif:outsourcing=dedicated")
    if kind != "shared":
        found.append("whatif:outsourcing=shared")
    if destination not in (None, "auto"):
        found.append("whatif:destination=auto")
    return tuple(found)
