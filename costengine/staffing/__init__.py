"""Staffing: from contacts to agents per hour and rostered FTE.

Pure and deterministic; reads only its own data files. The queueing maths is in
:mod:`~costengine.staffing.erlang_c` and :mod:`~costengine.staffing.erlang_a` (same function
names, so they are used as modules), workload rules in :mod:`~costengine.staffing.workload`.
"""

from costengine.staffing.erlang_c import ErlangCResult

__all__ = ["ErlangCResult"]
