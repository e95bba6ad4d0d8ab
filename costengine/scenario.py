"""What the business told us: the frozen input of every estimate.

A :class:`Scenario` is built by the bot's conversation, by the one-line quick-estimate parser
or by the ``sourcewise estimate`` command. It is validated here once (pydantic), so the
pricing code can trust it. Exactly one of ``team_size`` (today's head count, no volume known)
and ``volumes`` (contacts per month per channel) is given: the two ways into the engine.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from costengine import limits

__all__ = [
    "LIVE_CHANNELS",
    "Channel",
    "ChannelVolume",
    "Coverage",
    "DeliveryModel",
    "HoursPreset",
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


class DeliveryModel(StrEnum):
    IN_HOUSE = "in_house"
    HOSTED = "hosted"
    OUTSOURCED = "outsourced"
    PARTIAL = "partial"


_FROZEN = ConfigDict(frozen=True, extra="forbid")


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
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
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
    team_size: Annotated[int, Field(gt=0, le=limits.MAX_TEAM_SIZE)] | None = None
    volumes: tuple[ChannelVolume, ...] = ()
    channels: Annotated[tuple[Channel, ...], Field(min_length=1)]
    languages: Annotated[tuple[str, ...], Field(min_length=1, max_length=limits.MAX_LANGUAGES)]
    coverage: Coverage = Coverage()
    region: str
    currency: str | None = None  # None: the region's own currency
    service_level: Annotated[float, Field(gt=0, lt=1)] = 0.8
    answer_seconds: Annotated[int, Field(gt=0, le=3600)] = 20
    email_response_hours: Annotated[float, Field(gt=0, le=168)] = 24.0
    max_occupancy: Annotated[float, Field(gt=0, le=1)] | None = 0.85
    shrinkage: Annotated[float, Field(ge=0, lt=0.9)] | None = None  # None: rate-card default
    chat_concurrency: Annotated[float, Field(ge=1, le=10)] | None = None
    floor_agents: Annotated[int, Field(ge=1, le=2)] = 1
    current_monthly_cost: Annotated[Decimal, Field(ge=0)] | None = None

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
        return value.strip().upper()

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str | None) -> str | None:
        return None if value is None else value.strip().upper()

    @model_validator(mode="after")
    def _one_way_in(self) -> Scenario:
        if (self.team_size is None) == (not self.volumes):
            raise ValueError("give exactly one of team_size or volumes")
        for volume in self.volumes:
            if volume.channel not in self.channels:
                raise ValueError(f"volume given for channel {volume.channel} not in channels")
        return self
