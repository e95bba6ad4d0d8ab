"""What the business told us: the frozen input of every estimate.

A :class:`Scenario` is built by the bot's conversation, by the one-line quick-estimate parser
or by the ``sourcewise estimate`` command. It is validated here once (pydantic), so the
pricing code can trust it. The ways into the engine: ``team_size`` (today's team, in FTE:
part-timers and the owner's own hours make it fractional), ``volumes`` (contacts per month per
channel), or, for an IT help desk, ``users`` (employees supported). A team size may come with
volumes: the volumes then set the workload and the team is checked against it.

How the team works is part of the input, because it changes the staffing more than any rate:
``pooling`` (one blended team answers every channel, the default, or separate teams per
channel), ``agent_languages`` (everyone speaks every listed language, the default and how
small teams work; each agent one language; or a share of multilingual agents) and
``language_shares`` (each language's share of contacts; by default the first takes most).
"""

from __future__ import annotations

import math
from decimal import Decimal
from enum import StrEnum
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    field_serializer,
    field_validator,
    model_validator,
)

from costengine import limits

__all__ = [
    "LIVE_CHANNELS",
    "AgentLanguages",
    "Channel",
    "ChannelVolume",
    "Coverage",
    "DeliveryModel",
    "HoursPreset",
    "OutsourcingKind",
    "Pooling",
    "Scenario",
    "SupportKind",
    "WeeklyWindow",
]


class SupportKind(StrEnum):
    CUSTOMER_SERVICE = "customer_service"
    IT_HELPDESK = "it_helpdesk"


class Channel(StrEnum):
    PHONE = "phone"
    CHAT = "chat"
    EMAIL = "email"
    SOCIAL = "social"


#: Channels answered while the customer waits (staffed with Erlang); the others are
#: deferrable (email, social messages) and staffed by workload within a response target.
LIVE_CHANNELS: frozenset[Channel] = frozenset({Channel.PHONE, Channel.CHAT})


class HoursPreset(StrEnum):
    BUSINESS = "business"  # Mon-Fri 09-17 local
    EXTENDED = "extended"  # Mon-Fri 08-20 + Sat 09-17 local (see coverage.py)
    TWENTY_FOUR_SEVEN = "24x7"
    CUSTOM = "custom"


class Pooling(StrEnum):
    """Who answers which channel."""

    BLENDED = "blended"  # the same agents answer phone, chat and the deferrable work
    PER_CHANNEL = "per_channel"  # a separate team per channel


class AgentLanguages(StrEnum):
    """Which of the listed languages the agents speak."""

    ALL = "all"  # every agent speaks every listed language (how small teams work)
    ONE_EACH = "one_each"  # each agent speaks one of them
    MIXED = "mixed"  # a share (``multilingual_share``) speaks all, the rest one each


class OutsourcingKind(StrEnum):
    """Which kind of outsourcing ``models.outsourced`` shows."""

    AUTO = "auto"  # what a provider would sell: dedicated once the work fills the minimum seats
    DEDICATED = "dedicated"  # dedicated agents (per agent-hour or seat-month)
    SHARED = "shared"  # shared / pay-per-use (per minute or contact, packages)


class DeliveryModel(StrEnum):
    IN_HOUSE = "in_house"
    HOSTED = "hosted"
    OUTSOURCED = "outsourced"
    PARTIAL = "partial"


_FROZEN = ConfigDict(frozen=True, extra="forbid")
#: The longest IANA zone name is 32 characters ("America/Argentina/ComodRivadavia").
_MAX_ZONE_NAME = 64


class WeeklyWindow(BaseModel):
    """One open window in the customer's local week: ``weekday`` 0 = Monday, hours [start, end)."""

    model_config = _FROZEN

    weekday: Annotated[int, Field(ge=0, le=6)]
    start_hour: Annotated[int, Field(ge=0, le=23)]
    end_hour: Annotated[int, Field(ge=1, le=24)]

    @model_validator(mode="after")
    def _ordered(self) -> WeeklyWindow:
        if self.end_hour <= self.start_hour:
            raise ValueError("end_hour must be after start_hour")
        return self


class Coverage(BaseModel):
    """When support is open, in the customer's IANA time zone."""

    model_config = _FROZEN

    preset: HoursPreset = HoursPreset.BUSINESS
    timezone: str = "UTC"
    custom: tuple[WeeklyWindow, ...] = ()

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        if len(value) > _MAX_ZONE_NAME:
            raise ValueError(f"not a time zone: {value[:20]!r}…")
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @model_validator(mode="after")
    def _custom_needs_windows(self) -> Coverage:
        if self.preset is HoursPreset.CUSTOM and not self.custom:
            raise ValueError("custom coverage needs at least one weekly window")
        if self.preset is not HoursPreset.CUSTOM and self.custom:
            raise ValueError("weekly windows are only allowed with the custom preset")
        return self


class ChannelVolume(BaseModel):
    """Contacts per month on one channel; ``aht_seconds`` None means the rate-card default."""

    model_config = _FROZEN

    channel: Channel
    contacts_per_month: Annotated[Decimal, Field(gt=0, le=Decimal(limits.MAX_CONTACTS_PER_MONTH))]
    aht_seconds: Annotated[int, Field(gt=0, le=limits.MAX_AHT_SECONDS)] | None = None


class Scenario(BaseModel):
    """The frozen, validated input of one estimate."""

    model_config = _FROZEN

    kind: SupportKind = SupportKind.CUSTOMER_SERVICE
    #: Today's team in FTE (1 = one full-time person; 2.5 = two and a part-timer).
    team_size: (
        Annotated[
            Decimal,
            Field(ge=limits.MIN_TEAM_SIZE, le=limits.MAX_TEAM_SIZE, allow_inf_nan=False),
        ]
        | None
    ) = None
    volumes: Annotated[tuple[ChannelVolume, ...], Field(max_length=limits.MAX_CHANNELS)] = ()
    channels: Annotated[tuple[Channel, ...], Field(min_length=1, max_length=limits.MAX_CHANNELS)]
    languages: Annotated[tuple[str, ...], Field(min_length=1, max_length=limits.MAX_LANGUAGES)]
    coverage: Coverage = Coverage()
    region: str
    currency: str | None = None  # None: the region's own currency
    service_level: Annotated[float, Field(gt=0, lt=1)] = 0.8
    answer_seconds: Annotated[int, Field(gt=0, le=limits.MAX_ANSWER_SECONDS)] = 20
    email_response_hours: Annotated[float, Field(gt=0, le=limits.MAX_EMAIL_RESPONSE_HOURS)] = 24.0
    max_occupancy: Annotated[float, Field(ge=limits.MIN_OCCUPANCY, le=1)] | None = 0.85
    shrinkage: Annotated[float, Field(ge=0, lt=0.9)] | None = None  # None: rate-card default
    chat_concurrency: Annotated[float, Field(ge=1, le=limits.MAX_CHAT_CONCURRENCY)] | None = None
    floor_agents: Annotated[int, Field(ge=1, le=2)] = 1
    current_monthly_cost: (
        Annotated[Decimal, Field(ge=0, le=limits.MAX_MONTHLY_COST, allow_inf_nan=False)] | None
    ) = None
    # --- how the team works (issue: staffing the way small teams work) ---------------------
    pooling: Pooling = Pooling.BLENDED
    #: Each language's share of contacts, in ``languages`` order; None: the default lean to
    #: the first language (stated as an assumption).
    language_shares: tuple[Annotated[float, Field(gt=0, le=1)], ...] | None = None
    agent_languages: AgentLanguages = AgentLanguages.ALL
    #: With ``agent_languages = mixed``: the share of agents who speak every listed language.
    multilingual_share: Annotated[float, Field(ge=0, le=1)] | None = None
    # --- IT help desk sizing --------------------------------------------------------------
    users: Annotated[int, Field(ge=1, le=limits.MAX_USERS)] | None = None
    tickets_per_user_month: (
        Annotated[
            Decimal,
            Field(gt=0, le=limits.MAX_TICKETS_PER_USER_MONTH, allow_inf_nan=False),
        ]
        | None
    ) = None
    #: Tiers the help desk covers: 1 (first contact), 2 (+ engineers), 3 (+ specialists).
    it_tiers: Annotated[int, Field(ge=1, le=3)] = 3
    # --- outsourcing ----------------------------------------------------------------------
    outsourcing: OutsourcingKind = OutsourcingKind.AUTO
    #: Where the provider is: a rate-card region code; None compares onshore with the
    #: cheapest destination that covers the languages and hours.
    destination: str | None = None
    #: Value of one successful outcome (commission billing), in the result currency.
    value_per_success: (
        Annotated[Decimal, Field(gt=0, le=limits.MAX_VALUE_PER_SUCCESS, allow_inf_nan=False)] | None
    ) = None

    @field_serializer("team_size")
    def _team_size_json(self, value: Decimal | None) -> int | float | None:
        """Whole teams stay integers in the JSON contract (``8``, not ``"8"``)."""
        if value is None:
            return None
        return int(value) if value == value.to_integral_value() else float(value)

    @field_validator("languages")
    @classmethod
    def _languages(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        cleaned = tuple(dict.fromkeys(code.strip().lower() for code in value))
        for code in cleaned:
            if not (2 <= len(code) <= 3 and code.isascii() and code.isalpha()):
                raise ValueError(f"not an ISO 639 language code: {code!r}")
        return cleaned

    @field_validator("channels")
    @classmethod
    def _channels(cls, value: tuple[Channel, ...]) -> tuple[Channel, ...]:
        return tuple(dict.fromkeys(value))

    @field_validator("region")
    @classmethod
    def _region(cls, value: str) -> str:
        cleaned = value.strip().upper()
        if not (1 <= len(cleaned) <= 8 and cleaned.isascii() and cleaned.isalpha()):
            raise ValueError(f"not a region code: {value[:20]!r}")
        return cleaned

    @field_validator("destination")
    @classmethod
    def _destination(cls, value: str | None) -> str | None:
        if value is None:
            return None
        cleaned = value.strip().upper()
        if not (1 <= len(cleaned) <= 8 and cleaned.isascii() and cleaned.isalpha()):
            raise ValueError(f"not a region code: {value[:20]!r}")
        return cleaned

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str | None) -> str | None:
        if value is None:
            return None
        cleaned = value.strip().upper()
        if not (len(cleaned) == 3 and cleaned.isascii() and cleaned.isalpha()):
            raise ValueError(f"not a currency code: {value[:20]!r}")
        return cleaned

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        if self.team_size is None and not self.volumes and self.users is None:
            raise ValueError("give a team size, volumes or (IT help desk) a number of users")
        if self.users is not None and self.kind is not SupportKind.IT_HELPDESK:
            raise ValueError("users are only asked for an IT help desk")
        if self.tickets_per_user_month is not None and self.kind is not SupportKind.IT_HELPDESK:
            raise ValueError("tickets per user are only asked for an IT help desk")
        for volume in self.volumes:
            if volume.channel not in self.channels:
                raise ValueError(f"volume given for channel {volume.channel} not in channels")
        if self.language_shares is not None:
            if len(self.language_shares) != len(self.languages):
                raise ValueError("give one language share per language")
            if not math.isclose(math.fsum(self.language_shares), 1.0, abs_tol=0.011):
                raise ValueError("language shares must add up to 100%")
        if self.multilingual_share is not None and self.agent_languages is not AgentLanguages.MIXED:
            raise ValueError("a multilingual share goes with agent_languages = mixed")
        return self
