"""Sourcewise's cost engine: pure, deterministic, I/O-free (data files are read, never written).

Never imports :mod:`bot`.
"""

from costengine.errors import (
    EngineError,
    InvalidScenario,
    RateCardError,
    UnknownCurrency,
    UnknownRegion,
)
from costengine.scenario import (
    Channel,
    ChannelVolume,
    Coverage,
    DeliveryModel,
    HoursPreset,
    Scenario,
    SupportKind,
    WeeklyWindow,
)

__all__ = [
    "Channel",
    "ChannelVolume",
    "Coverage",
    "DeliveryModel",
    "EngineError",
    "HoursPreset",
    "InvalidScenario",
    "RateCardError",
    "Scenario",
    "SupportKind",
    "UnknownCurrency",
    "UnknownRegion",
    "WeeklyWindow",
]
