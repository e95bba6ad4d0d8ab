"""The store's ports: small Protocols whose docstrings are the contract every back end keeps.

A :class:`Store` hands out units of work; a :class:`UnitOfWork` is one database transaction
(cosmicpython's ``unit_of_work.py``): everything done through its repositories becomes
visible together on :meth:`UnitOfWork.commit` and is rolled back if the block exits without
it, so a process killed at any moment leaves either the whole turn or none of it.

Every persistent feature is a repository here, so one unit of work (and one fake) covers it:
the conversation service's ``conversations``/``updates``/``estimates``, Slack's
``installations`` and ``inbox`` (events saved before they are acknowledged), the open
``/handoff form`` ``drafts`` and the handoff scheduler's ``handoff`` (its port is
:class:`bot.handoff.ports.HandoffRepository`, defined beside the feature that needs it).

Two implementations keep these contracts, checked by one suite (``tests/store``, and
``tests/handoff/test_store.py`` for the handoff repository):
:class:`bot.store.memory.MemoryStore` (the fake) and :class:`bot.store.sqla.SqlStore`
(SQLite file or PostgreSQL).

Isolation: every per-user method takes the full :class:`ConversationKey` and only ever reads
or changes rows of that key; an update id claimed under one key is invisible to another.

Errors (one root)::

    StoreError
     ├── StaleConversation   the row changed since it was read: redo the unit of work
     └── StoreUnavailable    the database cannot be reached (or stayed locked too long)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Any, Literal, Protocol, Self

from bot.core.ports import ConversationKey
from bot.handoff.ports import HandoffRepository

__all__ = [
    "ConversationStore",
    "Draft",
    "DraftStore",
    "EstimateHistory",
    "EstimateRecord",
    "Inbox",
    "InboxItem",
    "InstallationKind",
    "InstallationStore",
    "JSONObject",
    "Snapshot",
    "StaleConversation",
    "Store",
    "StoreError",
    "StoreUnavailable",
    "UnitOfWork",
    "UpdateLog",
    "UpdateStatus",
    "UserScope",
]

#: A JSON object as Python sees it after ``json.loads``.
JSONObject = dict[str, Any]

#: Slack's two kinds of OAuth record (slack_sdk ``Installation`` and ``Bot``).
InstallationKind = Literal["installation", "bot"]


# --- errors --------------------------------------------------------------------------------


class StoreError(Exception):
    """Root of every error the store raises."""


class StaleConversation(StoreError):
    """A concurrent unit of work changed the data first; nothing was written. Retry the whole
    unit of work: load again, step again, save again."""

    def __init__(self, key: ConversationKey | None, detail: str) -> None:
        super().__init__(detail)
        self.key = key


class StoreUnavailable(StoreError):
    """The database could not be reached, or a lock was not granted in time."""


# --- values --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A conversation as loaded: ``state`` None and ``version`` 0 when it does not exist."""

    state: JSONObject | None
    version: int


@dataclass(frozen=True, slots=True)
class UpdateStatus:
    """A claimed update id: when it was claimed, whether its replies were marked delivered,
    and whether :meth:`UpdateLog.take_undelivered` would hand them out now."""

    claimed_at: datetime  # timezone-aware, UTC
    delivered: bool
    resendable: bool


@dataclass(frozen=True, slots=True)
class InboxItem:
    """An incoming event kept until its turn is done: ``dedupe_id`` is the platform's id
    of it (unique in the inbox), ``kind`` tells the adapter which listener redoes it,
    ``payload`` is what that listener needs (None once done), ``attempts`` counts the
    claims made on it so far (the first handling included)."""

    dedupe_id: str
    kind: str
    key: ConversationKey
    payload: JSONObject | None
    received_at: datetime  # timezone-aware, UTC
    attempts: int


@dataclass(frozen=True, slots=True)
class Draft:
    """An open form's answers so far (None: no form open) and the row's version (0: never
    saved)."""

    answers: dict[str, str] | None
    version: int


@dataclass(frozen=True, slots=True)
class EstimateRecord:
    """One estimate of a user's history: ``id`` is unique in the store and stable (a saved
    estimate is reopened or deleted by it)."""

    id: int
    created_at: datetime  # timezone-aware, UTC
    summary: JSONObject


@dataclass(frozen=True, slots=True)
class UserScope:
    """Whose data "delete my data" removes: every row of ``platform`` whose user is
    ``user``, in ``workspace`` only, or in every workspace when ``workspace`` is None (a
    platform whose user ids are global, such as Telegram, where one person's rows sit under
    their private chat and each group they used the bot in).

    The one exception to "per-user methods act on one key": the ``forget`` methods below
    take a scope, because a person's data is spread over several keys."""

    platform: str
    user: str
    workspace: str | None

    @classmethod
    def of(cls, key: ConversationKey) -> UserScope:
        """The scope of a request made under ``key``: a private chat keyed by the user's
        own id (Telegram's private chat id is the user id, and Telegram user ids are
        global) reaches every workspace of the platform; anywhere else (a Slack team,
        whose member ids are only unique within it; the terminal) only ``key``'s."""
        every = key.workspace == key.user
        return cls(key.platform, key.user, None if every else key.workspace)


# --- repositories --------------------------------------------------------------------------


class ConversationStore(Protocol):
    """One JSON state per conversation key, with a version for optimistic concurrency."""

    async def load(self, key: ConversationKey) -> Snapshot:
        """The saved state and its version (``Snapshot(None, 0)`` if never saved).

        In a writing unit of work on PostgreSQL the row stays locked (``SELECT ... FOR
        UPDATE``) until the unit of work ends; a read-only one (``unit_of_work(read_only=True)``,
        the service's load step) takes no lock: the save's version check decides.
        """
        ...

    async def estimate(self, key: ConversationKey) -> bytes | None:
        """The estimate kept with :meth:`keep_estimate` (opaque bytes), or None."""
        ...

    async def keep_estimate(self, key: ConversationKey, data: bytes | None) -> None:
        """Keep ``data`` (the last estimate shown, encoded by the caller) with the saved
        conversation, replacing the previous one; None forgets it. Call after :meth:`save` in
        the same unit of work."""
        ...

    async def save(self, key: ConversationKey, state: JSONObject, *, expected_version: int) -> int:
        """Replace the state if the stored version is still ``expected_version`` (0: the row
        must not exist yet) and return the new version, ``expected_version + 1``.

        Raises :class:`StaleConversation` when another unit of work saved first.
        """
        ...

    async def forget(self, scope: UserScope) -> int:
        """Delete every conversation in ``scope`` with its kept estimate; returns how many.
        A later :meth:`load` finds nothing (``Snapshot(None, 0)``)."""
        ...


class DraftStore(Protocol):
    """Open ``/handoff form`` drafts, one per key (platform, chat or topic, user), versioned
    like a conversation so two replicas answering the same form cannot both win."""

    async def load(self, key: ConversationKey) -> Draft:
        """The draft and its version (``Draft(None, 0)`` if never saved)."""
        ...

    async def save(
        self, key: ConversationKey, answers: dict[str, str] | None, *, expected_version: int
    ) -> int:
        """Replace the answers (None closes the form) if the stored version is still
        ``expected_version`` (0: the row must not exist yet); return the new version.

        Raises :class:`StaleConversation` when another unit of work saved first.
        """
        ...

    async def forget(self, scope: UserScope) -> int:
        """Delete every draft in ``scope``; returns how many."""
        ...


class UpdateLog(Protocol):
    """Platform update ids already handled, with the replies they produced.

    Lifecycle of one update id: :meth:`claim` (first delivery) -> :meth:`record_replies` in
    the same unit of work -> the adapter sends them -> :meth:`mark_delivered`. A redelivery
    finds the claim taken; :meth:`take_undelivered` then hands the recorded replies out one
    more time only if they were never marked delivered (the process died between commit and
    send), so each reply reaches the user once, or at worst twice, never zero times.
    """

    async def claim(self, key: ConversationKey, update_id: str) -> bool:
        """Record ``update_id`` (unique per ``key.platform``) as being handled.

        True: first time, go ahead. False: already claimed by a committed unit of work. On
        PostgreSQL a concurrent claim of the same id waits for the first to finish.
        """
        ...

    async def record_replies(
        self, key: ConversationKey, update_id: str, replies: list[JSONObject]
    ) -> None:
        """Attach the replies produced for an update claimed in this unit of work."""
        ...

    async def status(self, key: ConversationKey, update_id: str) -> UpdateStatus | None:
        """Where ``key``'s claim on ``update_id`` stands; None if ``key`` has no such claim."""
        ...

    async def take_undelivered(
        self, key: ConversationKey, update_id: str
    ) -> list[JSONObject] | None:
        """For a redelivered update: its replies if they were recorded, never marked delivered
        and not handed out again yet (then they count as handed out); otherwise None.
        Another key's update id always gives None."""
        ...

    async def mark_delivered(self, key: ConversationKey, update_id: str) -> bool:
        """Note that the replies reached the platform (their stored copy is dropped: it will
        never be needed again). False if ``key`` has no claim on ``update_id``."""
        ...

    async def prune(self, before: datetime) -> int:
        """Forget claims made before ``before`` (older than any platform's redelivery
        window); returns how many. Maintenance, not scoped to a key."""
        ...

    async def forget(self, scope: UserScope, *, keep: str | None = None) -> int:
        """Delete every claim in ``scope`` with the replies recorded for it, except the
        claim of update ``keep`` (the request to forget, so it is still answered once);
        returns how many."""
        ...


class Inbox(Protocol):
    """Incoming events saved before the platform is acknowledged (Slack wants its answer
    within 3 s, before the turn is done), so a replica that dies between the answer and
    the saved turn leaves the event here for another one to finish.

    Lifecycle: :meth:`add` (before the acknowledgement; the receiving process holds the
    lease) -> the turn -> :meth:`finish`. A process whose turn failed calls :meth:`release` on
    its lease; a redelivery may :meth:`take` an item whose lease ran out; the recovery loop
    :meth:`claim_due` takes items whose lease ran out. A lease is ``claimed_by`` a worker
    until a moment: whoever holds an unexpired lease is the only one working the item.
    Not per user: the inbox is maintenance of the adapter, like :meth:`UpdateLog.prune`.
    """

    async def add(
        self,
        key: ConversationKey,
        dedupe_id: str,
        *,
        kind: str,
        payload: JSONObject,
        worker: str,
        now: datetime,
        lease_until: datetime,
    ) -> bool:
        """Save a new item leased to ``worker`` (attempt 1). False, and nothing changed,
        when ``dedupe_id`` is in the inbox already (a redelivery), even concurrently: one
        of two racing adds wins."""
        ...

    async def take(
        self, dedupe_id: str, *, worker: str, now: datetime, lease_until: datetime
    ) -> bool:
        """Lease an unfinished item whose lease ended at or before ``now`` to ``worker``
        (one more attempt); False when it is done, unknown or still leased."""
        ...

    async def claim_due(
        self, *, worker: str, now: datetime, lease_until: datetime, limit: int
    ) -> tuple[InboxItem, ...]:
        """Lease at most ``limit`` unfinished items whose lease ended at or before ``now``
        to ``worker``, oldest first, each with one more attempt counted. Two workers
        claiming at once never get the same item (on PostgreSQL the rows another one is
        claiming are skipped, not waited for)."""
        ...

    async def release(self, dedupe_id: str, *, worker: str, now: datetime) -> bool:
        """End ``worker``'s lease on an unfinished item now, so it is due at once (the
        turn failed); False when ``worker`` does not hold it."""
        ...

    async def finish(self, dedupe_id: str) -> bool:
        """Mark the item done and drop its payload (the message text is not kept once its
        turn is done); False when unknown or done already."""
        ...

    async def prune(self, before: datetime) -> int:
        """Delete items received before ``before`` (done or not: long past any use);
        returns how many."""
        ...


class EstimateHistory(Protocol):
    """Estimates a user received (their saved estimates), newest last in, first out."""

    async def add(self, key: ConversationKey, summary: JSONObject) -> int:
        """Append an estimate to ``key``'s history; returns its id."""
        ...

    async def recent(self, key: ConversationKey, limit: int) -> tuple[EstimateRecord, ...]:
        """At most ``limit`` of ``key``'s estimates, newest first."""
        ...

    async def delete(self, key: ConversationKey, estimate_id: int) -> bool:
        """Delete ``key``'s estimate ``estimate_id``; False if ``key`` has none of that id
        (another key's estimate is never touched)."""
        ...

    async def forget(self, scope: UserScope) -> int:
        """Delete every estimate in ``scope``; returns how many."""
        ...


class InstallationStore(Protocol):
    """Slack OAuth installations (wrapped into slack_sdk's ``AsyncInstallationStore``).

    Ids absent in Slack's payload are passed as None and stored as "". ``data`` is the
    record's ``to_dict()`` and contains tokens: never log it.
    """

    async def save(
        self,
        *,
        kind: InstallationKind,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None,
        is_enterprise_install: bool,
        data: JSONObject,
    ) -> None:
        """Append a record; the newest record for the same ids wins in :meth:`find`. An
        enterprise-wide install is org-wide, so it is stored with ``team_id`` ""."""
        ...

    async def find(
        self,
        *,
        kind: InstallationKind,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool = False,
    ) -> JSONObject | None:
        """The newest matching record's data, or None. Ids match exactly (None as ""), except
        that an enterprise-wide install is found with ``team_id`` "" whatever is passed (as
        slack_sdk's own stores do); ``user_id`` None matches any user."""
        ...

    async def delete(
        self,
        *,
        kind: InstallationKind,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
    ) -> int:
        """Delete matching records (``user_id`` None: every user's); returns how many."""
        ...


# --- unit of work and store ----------------------------------------------------------------


class UnitOfWork(Protocol):
    """One transaction. Use as ``async with store.unit_of_work() as uow: ...; await
    uow.commit()``; leaving the block without :meth:`commit` rolls everything back.

    A unit of work is used by one task at a time and is not reentrant; do not open a second
    one inside it (SQLite and the memory store serialize writers, so that would wait forever).
    """

    @property
    def conversations(self) -> ConversationStore: ...

    @property
    def updates(self) -> UpdateLog: ...

    @property
    def estimates(self) -> EstimateHistory: ...

    @property
    def installations(self) -> InstallationStore: ...

    @property
    def drafts(self) -> DraftStore: ...

    @property
    def inbox(self) -> Inbox: ...

    @property
    def handoff(self) -> HandoffRepository:
        """Rosters, reminders and acknowledgements (:mod:`bot.handoff.ports`)."""
        ...

    async def commit(self) -> None:
        """Make every change durable at once. The unit of work cannot be used afterwards."""
        ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


class Store(Protocol):
    """A database: hands out units of work, answers health checks, is closed once."""

    def unit_of_work(self, *, read_only: bool = False) -> UnitOfWork:
        """A new, not yet started unit of work (it begins on ``async with``). ``read_only``:
        it will only read, so it neither waits for nor blocks a writer (SQLite ``BEGIN``
        instead of ``BEGIN IMMEDIATE``, no row locks on PostgreSQL); it is never committed."""
        ...

    async def ping(self) -> None:
        """Return if the database answers a trivial query, else raise StoreUnavailable."""
        ...

    async def aclose(self) -> None:
        """Release connections. Idempotent."""
        ...
