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
from costengine.estimate import estimate
from costengine.money import known_currencies
from costengine.ratecard import RateCard, available_regions, load_ratecard
from costengine.results import (
    Assumption,
    BreakEven,
    CostCategory,
    Estimate,
    LineItem,
    ModelCost,
    PoolStaffing,
    Recommendation,
    SensitivityRow,
    SourceRef,
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
    "Assumption",
    "BreakEven",
    "Channel",
    "ChannelVolume",
    "CostCategory",
    "Coverage",
    "DeliveryModel",
    "EngineError",
    "Estimate",
    "HoursPreset",
    "InvalidScenario",
    "LineItem",
    "ModelCost",
    "PoolStaffing",
    "RateCard",
    "RateCardError",
    "Recommendation",
    "Scenario",
    "SensitivityRow",
    "SourceRef",
    "SupportKind",
    "UnknownCurrency",
    "UnknownRegion",
    "WeeklyWindow",
    "available_regions",
    "estimate",
    "known_currencies",
    "load_ratecard",
]
