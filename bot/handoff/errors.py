"""Every error the handoff package raises, under one root.

::

    HandoffError
    ├── InvalidInput            a command or roster value was rejected; nothing was changed
    │   ├── UnknownCommand      first word is not a /handoff verb
    │   ├── MissingArgument     a required part (name, zone, hours, lead) is absent
    │   ├── UnexpectedArgument  a word that fits no part of the command
    │   ├── InvalidName         region name empty, too long or with odd characters
    │   ├── UnknownTimeZone     not an IANA zone known to tzdata (carries a suggestion)
    │   ├── InvalidTime         "25:00", "8:75", a malformed window
    │   ├── EmptyShift          start == end ("08:00-08:00"; use 00:00-24:00 for a day)
    │   ├── InvalidWeekdays     "Mon-Funday"
    │   ├── InvalidLead         the lead is not a mention (@name, <@U123>)
    │   ├── InvalidDate         the coverage reference date is not YYYY-MM-DD
    │   ├── DuplicateRegion     the roster already has a region with that name
    │   ├── TooManyRegions      more regions than a roster may hold
    │   ├── UnknownRegion       remove/test named a region the roster lacks
    │   ├── EmptyRoster         test/coverage on a team with no regions
    │   ├── NotAllowed          the caller may not change this roster (or take this handoff)
    │   └── AccessUnknown       the platform could not say whether the caller is an admin
    ├── UnknownFire             an acknowledgement for a reminder we never sent
    ├── DirectoryUnavailable    a Directory (the platform) could not answer who is an admin
    └── DeliveryError           a notifier could not post or edit (``permanent``: don't retry)

Each :class:`InvalidInput` carries a stable ``code`` (the key of its message in
``templates/<locale>/handoff.toml`` under ``[errors]``) and ``params`` for that message, so
the service can explain the rejection in the user's language with an example.
"""

from __future__ import annotations

from typing import ClassVar

__all__ = [
    "AccessUnknown",
    "DeliveryError",
    "DirectoryUnavailable",
    "DuplicateRegion",
    "EmptyRoster",
    "EmptyShift",
    "HandoffError",
    "InvalidDate",
    "InvalidInput",
    "InvalidLead",
    "InvalidName",
    "InvalidTime",
    "InvalidWeekdays",
    "MissingArgument",
    "NotAllowed",
    "TooManyRegions",
    "UnexpectedArgument",
    "UnknownCommand",
    "UnknownFire",
    "UnknownRegion",
    "UnknownTimeZone",
]


class HandoffError(Exception):
    """Root of every handoff error."""


class InvalidInput(HandoffError):
    """Input rejected before anything changed. ``code`` names the localized message."""

    code: ClassVar[str] = "invalid_input"

    def __init__(self, **params: str) -> None:
        self.params: dict[str, str] = dict(params)
        detail = ", ".join(f"{k}={v!r}" for k, v in sorted(self.params.items()))
        super().__init__(f"{self.code}: {detail}" if detail else self.code)


class UnknownCommand(InvalidInput):
    code = "unknown_command"  # params: word


class MissingArgument(InvalidInput):
    code = "missing_argument"  # params: field ("name" | "tz" | "window" | "lead")


class UnexpectedArgument(InvalidInput):
    code = "unexpected_argument"  # params: word


class InvalidName(InvalidInput):
    code = "invalid_name"  # params: name


class UnknownTimeZone(InvalidInput):
    code = "unknown_timezone"  # params: tz, suggestion ("" when none)


class InvalidTime(InvalidInput):
    code = "invalid_time"  # params: text


class EmptyShift(InvalidInput):
    code = "empty_shift"  # params: text


class InvalidWeekdays(InvalidInput):
    code = "invalid_weekdays"  # params: text


class InvalidLead(InvalidInput):
    code = "invalid_lead"  # params: lead


class InvalidDate(InvalidInput):
    code = "invalid_date"  # params: text


class DuplicateRegion(InvalidInput):
    code = "duplicate_region"  # params: name, existing (the region as listed)


class TooManyRegions(InvalidInput):
    code = "too_many_regions"  # params: limit


class UnknownRegion(InvalidInput):
    code = "unknown_region"  # params: name, known (comma-separated names)


class EmptyRoster(InvalidInput):
    code = "empty_roster"  # no params


class NotAllowed(InvalidInput):
    """Refused by :mod:`bot.handoff.access`; the store was not changed."""

    code = "not_allowed"  # params: action (an [access] key), leads (comma-separated mentions)


class AccessUnknown(InvalidInput):
    """The admin check failed (the platform did not answer): refused, fail closed."""

    code = "access_unknown"  # no params


class UnknownFire(HandoffError):
    """An acknowledgement named a fire id that is not in the store."""

    def __init__(self, fire_id: int) -> None:
        self.fire_id = fire_id
        super().__init__(f"no handoff reminder with id {fire_id}")


class DirectoryUnavailable(HandoffError):
    """A :class:`~bot.handoff.ports.Directory` could not ask the platform (network, rate
    limit, missing scope). The service refuses with :class:`AccessUnknown`."""


class DeliveryError(HandoffError):
    """Posting to the platform failed. ``permanent`` (channel gone, bot removed, bad auth)
    ends the delivery as failed; otherwise the runner retries within the grace window."""

    def __init__(self, detail: str, *, permanent: bool) -> None:
        self.permanent = permanent
        super().__init__(detail)
