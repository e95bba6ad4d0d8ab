"""The handoff service: what Slack and Telegram call, identically.

Adapters translate, nothing more (bolt's ``adapter/flask/handler.py`` shape):

- ``/handoff <text>`` in a channel or group -> :meth:`HandoffService.handle_command`
  with the channel's :class:`~bot.handoff.roster.TeamKey` (:func:`slack_team`,
  :func:`telegram_team`), the user's locale and a mention of the user; send the replies.
- A button whose value :func:`~bot.handoff.messages.parse_ack_value` accepts
  (``"handoff_ack:<fire id>"``) -> :meth:`HandoffService.acknowledge`; the service edits the
  reminder itself (through the :class:`~bot.handoff.runner.Notifier`) to show who
  acknowledged and when, and returns a short confirmation for the presser.
- ``/handoff form``: the first reply is a question whose ``question`` starts with
  ``"handoff_form."``. Slack opens a modal from :meth:`form_fields` and submits it with
  :meth:`submit_form`; Telegram feeds each answer to :meth:`form_step` and keeps the
  returned ``answers`` dict (JSON) in its conversation state until it comes back as None.

Every rejected input returns one ERROR reply (what is wrong, with an example) and changes
nothing: parsing and validation finish before the store is touched, and each store write
is one transaction.

Who may do what (:mod:`bot.handoff.access`): roster changes (add, remove, pause, resume,
``ack anyone|leads``, and starting the form) are for the roster's creator, its region leads
and admins; the adapter passes the :class:`~bot.handoff.access.Caller` and a
:class:`~bot.handoff.ports.Directory` to ask about admins, asked only when the first two
rules say no. A refusal names what was refused and who may do it, and changes nothing: the
rules are checked again on the locked roster inside the write (a :data:`Guard`). If the
directory cannot answer, the change is refused (fail closed). Acknowledging is for the
incoming lead, or anyone once the roster allows it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from bot.core.events import Reply, ReplyKind
from bot.handoff.access import Caller, Change, may_acknowledge, may_change, refusal
from bot.handoff.commands import (
    AckPolicy,
    Add,
    CoverageReport,
    Form,
    HandoffCommand,
    Help,
    ListRoster,
    Pause,
    Remove,
    Resume,
    SendTest,
    command_verb,
    parse_command,
)
from bot.handoff.coverage import analyze, opened_gaps, reference_week
from bot.handoff.errors import (
    AccessUnknown,
    DeliveryError,
    DirectoryUnavailable,
    EmptyRoster,
    InvalidInput,
    NotAllowed,
    UnknownFire,
    UnknownRegion,
)
from bot.handoff.form import FIELDS, answer, next_field, to_command, validate_all
from bot.handoff.messages import (
    AckView,
    change_payload,
    coverage_reply,
    error_reply,
    format_days,
    format_when,
    gap_warning,
    help_reply,
    list_reply,
    parse_ack_value,
    reminder_reply,
    strings_for,
    text_reply,
)
from bot.handoff.ports import Directory, Guard
from bot.handoff.records import DeliveryKind, FireStatus, StoredRoster
from bot.handoff.roster import Region, TeamKey
from bot.handoff.runner import Clock, Notifier, SystemClock, Timing
from bot.handoff.schedule import next_changes
from bot.handoff.transactions import Handoffs
from bot.render.env import Renderer, normalize_locale, renderer

__all__ = ["FORM_QUESTION", "FormField", "FormTurn", "HandoffService"]

log = logging.getLogger(__name__)

#: Prefix of the ``question`` of form replies: "handoff_form.name", "handoff_form.tz", …
FORM_QUESTION = "handoff_form"


@dataclass(frozen=True, slots=True)
class FormField:
    """One input of the add form: ``name`` is the key in the answers dict; ``label`` and
    ``hint`` are a form's words (the chat form asks with ``form.<name>`` prompts)."""

    name: str
    label: str
    optional: bool
    hint: str = ""


@dataclass(frozen=True, slots=True)
class FormTurn:
    """``answers`` is the draft to keep for the next step; None when the form is over."""

    answers: dict[str, str] | None
    replies: tuple[Reply, ...]


class HandoffService:
    """Roster commands, acknowledgements and the add form for every platform."""

    def __init__(
        self,
        store: Handoffs,
        *,
        notifier: Notifier | None = None,
        clock: Clock | None = None,
        timing: Timing | None = None,
        render: Renderer | None = None,
        on_change: Callable[[], None] | None = None,
    ) -> None:
        self._store = store
        self._notifier = notifier
        self._clock = clock or SystemClock()
        self._timing = timing or Timing()
        self._renderer = render or renderer()
        self._on_change = on_change

    # --- commands ----------------------------------------------------------------------------

    async def handle_command(
        self,
        team: TeamKey,
        text: str,
        locale: str | None,
        caller: Caller,
        *,
        directory: Directory | None = None,
    ) -> tuple[Reply, ...]:
        """Run one ``/handoff …`` command for ``team`` on behalf of ``caller``; ``directory``
        says who is an admin (None: nobody can be shown to be one)."""
        lang = normalize_locale(locale)
        try:
            command = parse_command(text)
            return await self._dispatch(team, command, lang, caller, directory)
        except InvalidInput as rejected:
            return (error_reply(self._renderer, lang, rejected, command_verb(text)),)

    async def _dispatch(
        self,
        team: TeamKey,
        command: HandoffCommand,
        lang: str,
        caller: Caller,
        directory: Directory | None,
    ) -> tuple[Reply, ...]:
        match command:
            case Add(region):
                return await self._add(team, region, lang, caller, directory)
            case Remove(name):
                return await self._remove(team, name, lang, caller, directory)
            case ListRoster():
                return (await self._list(team, lang),)
            case Pause():
                return await self._pause(team, lang, caller, directory, paused=True)
            case Resume():
                return await self._pause(team, lang, caller, directory, paused=False)
            case SendTest(name):
                return (await self._test(team, name, lang),)
            case CoverageReport(week_of):
                return (await self._coverage(team, week_of, lang),)
            case Form():
                await self._permit(team, caller, directory, Change.ADD)
                return (self._question(lang, FIELDS[0]),)
            case Help():
                return (help_reply(self._renderer, lang),)
            case AckPolicy(anyone):
                return (await self._ack_policy(team, lang, caller, directory, anyone=anyone),)
        raise AssertionError(f"unhandled command {command!r}")  # pragma: no cover

    # --- access ------------------------------------------------------------------------------

    async def _permit(
        self, team: TeamKey, caller: Caller, directory: Directory | None, change: Change
    ) -> Guard:
        """Raise :class:`NotAllowed` (or :class:`AccessUnknown`) unless ``caller`` may make
        ``change`` to the team's roster (anyone may create it). The returned guard checks the
        same rules on the roster the write locks, so a change made meanwhile cannot slip by."""
        current = await self._store.roster(team)
        admin = False
        if current is not None and not may_change(current, caller):
            admin = await self._is_admin(team, caller, directory)
            if not admin:
                raise refusal(current, change)

        def guard(stored: StoredRoster) -> None:
            if not may_change(stored, caller, admin=admin):
                raise refusal(stored, change)

        return guard

    async def _is_admin(self, team: TeamKey, caller: Caller, directory: Directory | None) -> bool:
        if directory is None or not caller.user_id:
            raise AccessUnknown()
        try:
            return await directory.is_admin(team.workspace, team.channel, caller.user_id)
        except DirectoryUnavailable as exc:
            log.warning("handoff: could not check whether %s is an admin: %s", caller.user_id, exc)
            raise AccessUnknown() from None

    def _changed(self) -> None:
        if self._on_change is not None:
            self._on_change()

    def _gap_replies(
        self, before: tuple[Region, ...], after: tuple[Region, ...], lang: str
    ) -> tuple[Reply, ...]:
        week = reference_week(self._clock.now())
        opened = opened_gaps(analyze(before, week), analyze(after, week))
        return (gap_warning(self._renderer, lang, opened),) if opened else ()

    def _next_change_reply(self, regions: tuple[Region, ...], lang: str) -> Reply:
        upcoming = next_changes(regions, self._clock.now(), limit=1)
        if not upcoming:
            return text_reply(self._renderer, lang, "confirm.no_change")
        change = upcoming[0]
        return text_reply(
            self._renderer,
            lang,
            "confirm.next_change",
            outgoing=change.outgoing.name,
            incoming=change.incoming.name,
            local=format_when(self._renderer, lang, change.at, change.outgoing.tz),
            utc=format_when(self._renderer, lang, change.at, "UTC"),
            lead=int(self._timing.lead.total_seconds() // 60),
        )

    async def _add(
        self,
        team: TeamKey,
        region: Region,
        lang: str,
        caller: Caller,
        directory: Directory | None,
    ) -> tuple[Reply, ...]:
        guard = await self._permit(team, caller, directory, Change.ADD)
        current = await self._store.roster(team)
        before = current.roster.regions if current else ()
        stored = await self._store.add_region(
            team, region, locale=lang, actor=caller.user_id, now=self._clock.now(), guard=guard
        )
        self._changed()
        after = stored.roster.regions
        added = text_reply(
            self._renderer,
            lang,
            "confirm.added",
            name=region.name,
            window=region.window.replace("-", "–"),
            tz=region.tz,
            days=format_days(self._renderer, lang, region.weekdays),
            lead=region.lead,
        )
        return (
            added,
            self._next_change_reply(after, lang),
            *self._gap_replies(before, after, lang),
        )

    async def _remove(
        self, team: TeamKey, name: str, lang: str, caller: Caller, directory: Directory | None
    ) -> tuple[Reply, ...]:
        current = await self._store.roster(team)
        if current is None:
            raise UnknownRegion(name=name, known="")
        guard = await self._permit(team, caller, directory, Change.REMOVE)
        stored = await self._store.remove_region(team, name, now=self._clock.now(), guard=guard)
        self._changed()
        removed = current.roster.find(name)
        assert removed is not None
        return (
            text_reply(self._renderer, lang, "confirm.removed", name=removed.name),
            *self._gap_replies(current.roster.regions, stored.roster.regions, lang),
        )

    async def _list(self, team: TeamKey, lang: str) -> Reply:
        stored = await self._store.roster(team)
        if stored is None:
            return list_reply(
                self._renderer,
                lang,
                regions=(),
                paused=False,
                upcoming=(),
                recent=(),
                lead_minutes=0,
            )
        now = self._clock.now()
        fires = await self._store.fires(stored.id, limit=5, kind=DeliveryKind.REMINDER)
        recent = [
            {
                "payload": f.payload,
                "status": f.status.value,
                "change_at": f.change_at,
                "ack": None if f.ack is None else AckView(f.ack.user, f.ack.at),
            }
            for f in fires
        ]
        return list_reply(
            self._renderer,
            lang,
            regions=stored.roster.regions,
            paused=stored.paused,
            upcoming=next_changes(stored.roster.regions, now, limit=5),
            recent=recent,
            lead_minutes=int(self._timing.lead.total_seconds() // 60),
        )

    async def _pause(
        self,
        team: TeamKey,
        lang: str,
        caller: Caller,
        directory: Directory | None,
        *,
        paused: bool,
    ) -> tuple[Reply, ...]:
        current = await self._store.roster(team)
        if current is None:
            raise EmptyRoster()
        change = Change.PAUSE if paused else Change.RESUME
        guard = await self._permit(team, caller, directory, change)
        if current.paused == paused:
            key = "confirm.already_paused" if paused else "confirm.already_running"
            return (text_reply(self._renderer, lang, key),)
        await self._store.set_paused(team, paused, now=self._clock.now(), guard=guard)
        self._changed()
        return (
            text_reply(self._renderer, lang, "confirm.paused" if paused else "confirm.resumed"),
        )

    async def _ack_policy(
        self,
        team: TeamKey,
        lang: str,
        caller: Caller,
        directory: Directory | None,
        *,
        anyone: bool,
    ) -> Reply:
        if await self._store.roster(team) is None:
            raise EmptyRoster()
        guard = await self._permit(team, caller, directory, Change.ACK_SETTING)
        await self._store.set_ack_anyone(team, anyone, now=self._clock.now(), guard=guard)
        return text_reply(
            self._renderer, lang, "confirm.ack_anyone" if anyone else "confirm.ack_leads"
        )

    async def _roster_or_fail(self, team: TeamKey) -> StoredRoster:
        stored = await self._store.roster(team)
        if stored is None or not stored.regions:
            raise EmptyRoster()
        return stored

    async def _test(self, team: TeamKey, name: str | None, lang: str) -> Reply:
        stored = await self._roster_or_fail(team)
        regions = stored.roster.regions
        if name is not None and stored.roster.find(name) is None:
            raise UnknownRegion(name=name, known=", ".join(r.name for r in regions))
        upcoming = next_changes(regions, self._clock.now(), limit=50)
        if name is not None:
            upcoming = [c for c in upcoming if c.outgoing.key == name.casefold()]
        if not upcoming:
            return text_reply(self._renderer, lang, "confirm.no_change")
        return reminder_reply(
            self._renderer, lang, change_payload(upcoming[0]), fire_id=None, test=True
        )

    async def _coverage(self, team: TeamKey, week_of: date | None, lang: str) -> Reply:
        stored = await self._roster_or_fail(team)
        week = reference_week(week_of if week_of is not None else self._clock.now())
        regions = stored.roster.regions
        return coverage_reply(self._renderer, lang, analyze(regions, week), regions=regions)

    # --- acknowledgements --------------------------------------------------------------------

    async def acknowledge(
        self,
        fire_id: int,
        user: Caller,
        *,
        team: TeamKey | None = None,
        locale: str | None = None,
    ) -> tuple[Reply, ...]:
        """Record ``user`` (stored as their mention: "<@U123>", "@anna") as having taken the
        handoff, if they may: the incoming lead, or anyone when the roster allows it; anyone
        else is told who can and changes nothing.

        The first acknowledgement is stored with the time and edits the reminder to show
        it (and removes the button); later presses only report who was first. ``team`` must
        be the reminder's channel (a button cannot ack another channel's reminder); None, a
        press whose channel the platform did not say (a Telegram callback without
        ``message``), is refused like a foreign channel and changes nothing.
        """
        try:
            fire = await self._store.fire(fire_id)
        except UnknownFire:
            lang = normalize_locale(locale)
            return (text_reply(self._renderer, lang, "errors.unknown_fire", kind=ReplyKind.ERROR),)
        lang = normalize_locale(locale or fire.locale)
        if fire.kind is not DeliveryKind.REMINDER or team is None or team != fire.team:
            return (text_reply(self._renderer, lang, "errors.wrong_channel", kind=ReplyKind.ERROR),)
        incoming = fire.payload["incoming"]
        roster = await self._store.roster(fire.team)
        if not may_acknowledge(roster, incoming["name"], [incoming.get("lead", "")], user):
            return (
                text_reply(
                    self._renderer,
                    lang,
                    "errors.not_allowed_ack",
                    kind=ReplyKind.ERROR,
                    lead=incoming.get("lead", ""),
                    region=incoming["name"],
                ),
            )
        fire, first = await self._store.acknowledge(fire_id, user.mention, now=self._clock.now())
        assert fire.ack is not None
        payload = fire.payload
        if not first:
            when = format_when(self._renderer, lang, fire.ack.at, payload["incoming"]["tz"])
            return (
                text_reply(
                    self._renderer, lang, "confirm.already_acked", user=fire.ack.user, at=when
                ),
            )
        await self._show_ack(fire.id)
        return (
            text_reply(
                self._renderer,
                lang,
                "confirm.acked",
                user=fire.ack.user,
                outgoing=payload["outgoing"]["name"],
                incoming=payload["incoming"]["name"],
            ),
        )

    def unplaced_press(self, locale: str | None) -> Reply:
        """The refusal for an acknowledge press whose channel the platform did not say (a
        Telegram inline-message callback): the adapter answers with it and calls nothing."""
        lang = normalize_locale(locale)
        return text_reply(self._renderer, lang, "errors.no_channel", kind=ReplyKind.ERROR)

    async def acknowledge_action(
        self, value: str, user: Caller, *, team: TeamKey | None = None, locale: str | None = None
    ) -> tuple[Reply, ...] | None:
        """:meth:`acknowledge` for a raw button value; None if the value is not ours."""
        fire_id = parse_ack_value(value)
        if fire_id is None:
            return None
        return await self.acknowledge(fire_id, user, team=team, locale=locale)

    async def _show_ack(self, fire_id: int) -> None:
        """Edit the posted reminder to show the acknowledgement (best effort: the ack is
        already stored, and ``list`` shows it even if the edit fails)."""
        fire = await self._store.fire(fire_id)
        if self._notifier is None or fire.message_id is None or fire.ack is None:
            return
        reply = reminder_reply(
            self._renderer,
            fire.locale,
            fire.payload,
            fire_id=fire.id,
            late=fire.status is FireStatus.LATE,
            ack=AckView(fire.ack.user, fire.ack.at),
        )
        try:
            await self._notifier.update(fire.team, fire.message_id, reply)
        except DeliveryError as exc:
            log.warning("handoff reminder %s: could not show the ack: %s", fire.id, exc)

    # --- the add form ------------------------------------------------------------------------

    def form_fields(self, locale: str | None) -> tuple[FormField, ...]:
        """The inputs of the add form, labelled in ``locale`` (for the Slack modal)."""
        strings = strings_for(self._renderer, normalize_locale(locale))
        return tuple(
            FormField(
                f, strings.text(f"form_label.{f}"), f == "days", strings.text(f"form_hint.{f}")
            )
            for f in FIELDS
        )

    def _question(self, lang: str, field: str) -> Reply:
        return Reply(
            text=strings_for(self._renderer, lang).text(f"form.{field}"),
            kind=ReplyKind.QUESTION,
            question=f"{FORM_QUESTION}.{field}",
        )

    async def form_step(
        self,
        team: TeamKey,
        answers: Mapping[str, str] | None,
        text: str | None,
        *,
        locale: str | None,
        actor: Caller,
        directory: Directory | None = None,
    ) -> FormTurn:
        """One step of the step-by-step form. ``answers`` None starts it (asks the first
        field); a rejected answer re-asks the same field; the last answer adds the region
        and ends the form (``answers`` None). A caller who may not change the roster is told
        so at the start and at the end, and the form is over."""
        lang = normalize_locale(locale)
        draft = dict(answers or {})
        if answers is None or text is None:
            try:
                await self._permit(team, actor, directory, Change.ADD)
            except InvalidInput as refused:
                return FormTurn(None, (error_reply(self._renderer, lang, refused, None),))
            field = next_field(draft) or FIELDS[0]
            return FormTurn(draft, (self._question(lang, field),))
        asked = next_field(draft)
        try:
            draft = answer(draft, text)
        except InvalidInput as rejected:
            error = error_reply(self._renderer, lang, rejected, None)
            return FormTurn(draft, (error, self._question(lang, asked or FIELDS[0])))
        following = next_field(draft)
        if following is not None:
            return FormTurn(draft, (self._question(lang, following),))
        try:
            replies = await self._add(team, to_command(draft).region, lang, actor, directory)
        except (NotAllowed, AccessUnknown) as refused:
            return FormTurn(None, (error_reply(self._renderer, lang, refused, "add"),))
        except InvalidInput as rejected:  # e.g. a duplicate name: start over
            error = error_reply(self._renderer, lang, rejected, "add")
            return FormTurn({}, (error, self._question(lang, FIELDS[0])))
        return FormTurn(None, replies)

    def validate_form(self, values: Mapping[str, str], *, locale: str | None) -> dict[str, str]:
        """Localized problems per field (empty: the form can be submitted)."""
        lang = normalize_locale(locale)
        return {
            field: error_reply(self._renderer, lang, problem, None).text
            for field, problem in validate_all(values).items()
        }

    async def submit_form(
        self,
        team: TeamKey,
        values: Mapping[str, str],
        *,
        locale: str | None,
        actor: Caller,
        directory: Directory | None = None,
    ) -> tuple[Reply, ...]:
        """Add the region a completed form describes (the Slack modal's submit)."""
        lang = normalize_locale(locale)
        try:
            command = to_command(values)
            return await self._add(team, command.region, lang, actor, directory)
        except InvalidInput as rejected:
            return (error_reply(self._renderer, lang, rejected, "add"),)
