"""Names vulture reports as unused that are used from outside our code (reviewed).

Each entry says who calls it. ``make lint`` runs ``vulture bot vulture_allowlist.py``; a
new finding means dead code to delete, or one more reviewed line here.
"""

# ruff: noqa: B018

from bot.adapters.slack import installations
from bot.adapters.telegram.app import ChatOrderedProcessor
from bot.adapters.telegram.translate import QuickEstimate
from bot.core.replies import ExplanationView
from bot.handoff.roster import Region
from bot.handoff.schedule import ShiftChange
from bot.render.catalog import Catalog
from bot.render.labels import Labels

# slack_sdk calls these through its AsyncInstallationStore / AsyncOAuthStateStore interfaces.
installations.StoreInstallations.async_save
installations.StoreInstallations.async_save_bot
installations.StoreInstallations.async_find_installation
installations.StoreInstallations.async_delete_bot
installations.StoreInstallations.async_delete_installation
installations.MemoryStateStore.async_issue
installations.MemoryStateStore.async_consume
# bolt reads this attribute of its listener runner.
_.lazy_listener_runner
# PTB calls it for every update (BaseUpdateProcessor).
ChatOrderedProcessor.do_process_update
# pydantic reads model_config; Alembic reads a migration's module-level names.
_.model_config
_.down_revision
_.branch_labels
_.depends_on
# PEP 562 module attributes (lazy exports).
_.__getattr__
# The async context manager protocol's arguments.
_.exc_type
_.tb
# fontTools reads these subsetter options; sqlite3 reads isolation_level.
_.hinting
_.layout_features
_.isolation_level
# mypy's compile-time check that the service keeps its port (bot/service.py).
_._implements_the_port
# An enum member the core builds from its value (ExplanationView("details")).
ExplanationView.DETAILS
# Parts of a value's shape that only tests read today (reviewed: small, documented, kept).
Region.duration_minutes
ShiftChange.outgoing_shift_start
ShiftChange.overlap
ShiftChange.local_at
QuickEstimate.in_group
Catalog.has
Catalog.all_words
Labels.has
# Read by tests and the load bench, not by the product: where the private metrics listener
# is, what the worker pool is doing, and what the connection guard refused or closed.
Serving.metrics_url
_.metrics_url
RunnerStats.in_flight
RunnerStats.worker_pids
TurnRunner.stats
ConnectionGuard.refused
ConnectionGuard.expired
_.refused
_.expired

# Fields of a one-line request read by name (getattr) when they become answers.
from bot.core.quick import Fields  # noqa: E402

Fields.agent_languages
Fields.pooling
Fields.outsourcing
Fields.destination
