"""Staffing: from contacts to agents per hour of the week and rostered FTE.

Pure and deterministic; reads only its own data files. Pricing calls :func:`plan_staffing`
with :class:`StaffingInputs` (an estimate, planning one scenario at many volumes, keeps one
:class:`Planner`). The queueing maths is in :mod:`~costengine.staffing.erlang_c`
and :mod:`~costengine.staffing.erlang_a` (same function names, so they are exported as
modules), workload rules in :mod:`~costengine.staffing.workload`.
"""

from costengine.staffing import erlang_a, erlang_c, workload
from costengine.staffing.erlang_a import ErlangAResult
from costengine.staffing.erlang_c import ErlangCResult
from costengine.staffing.plan import (
    Planner,
    StaffingInputs,
    StaffingPlan,
    Stream,
    Team,
    plan_staffing,
)
from costengine.staffing.volumes import (
    ChannelMix,
    channel_mix,
    channel_mix_assumption,
    volumes_from_total,
)

__all__ = [
    "ChannelMix",
    "ErlangAResult",
    "ErlangCResult",
    "Planner",
    "StaffingInputs",
    "StaffingPlan",
    "Stream",
    "Team",
    "channel_mix",
    "channel_mix_assumption",
    "erlang_a",
    "erlang_c",
    "plan_staffing",
    "volumes_from_total",
    "workload",
]
