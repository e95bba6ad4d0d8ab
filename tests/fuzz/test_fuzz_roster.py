"""The ``/handoff`` roster commands, fed junk: a command, or a rejection explained in the
user's language with an example; a rejected command changes no roster."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.core.events import ReplyKind
from bot.handoff.commands import Add, parse_command
from bot.handoff.errors import DuplicateRegion, InvalidInput, TooManyRegions
from bot.handoff.messages import error_reply
from bot.handoff.roster import Region, Roster, TeamKey
from bot.render.env import renderer
from tests.fuzz.strategies import JUNK, fuzz_settings, mixed

LOCALES = ("en", "pl", "zh")
ROSTER_WORDS = [
    "/handoff",
    "add",
    "dodaj",
    "添加",
    "remove",
    "usuń",
    "list",
    "pause",
    "resume",
    "test",
    "coverage",
    "form",
    "help",
    "EMEA",
    "APAC",
    "Europe/Warsaw",
    "Warsaw",
    "America/New_York",
    "UTC",
    "Etc/GMT-14",
    "Mars/Olympus",
    "08:00-17:00",
    "8-17",
    "22:00-06:00",
    "24:00-08:00",
    "00:00-24:00",
    "25:00",
    "08:00-08:00",
    "Mon-Fri",
    "Fri-Mon",
    "pn-pt",
    "周一至周五",
    "Sat,Sun",
    "@lead",
    "@",
    "<@U123>",
    "<!subteam^S1|@ops>",
    "2026-03-29",
    "2026-02-30",
    "—",
    "至",
]
EMEA = Region("EMEA", "Europe/Warsaw", 480, 1020, frozenset(range(5)), "@anna")
TEAM = TeamKey("slack", "T1", "C1")


@fuzz_settings(2000)
@given(text=st.one_of(JUNK, mixed(ROSTER_WORDS, max_size=8)), locale=st.sampled_from(LOCALES))
def test_a_roster_command_is_understood_or_explained_and_nothing_changes(
    text: str, locale: str
) -> None:
    roster = Roster(TEAM, (EMEA,))
    try:
        command = parse_command(text)
    except InvalidInput as rejected:
        reply = error_reply(
            renderer(), locale, rejected, verb=text.split()[0] if text.split() else None
        )
        assert reply.kind is ReplyKind.ERROR and reply.text.strip()
        assert roster.regions == (EMEA,)
        return
    if isinstance(command, Add):
        try:
            grown = roster.add(command.region)
        except (DuplicateRegion, TooManyRegions):
            assert roster.regions == (EMEA,)
        else:
            assert command.region in grown.regions and roster.regions == (EMEA,)
