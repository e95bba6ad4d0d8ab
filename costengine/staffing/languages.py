"""Languages as skills: each language's share of contacts, and how many agents that takes.

Why this module: a small business that answers in two languages does not run two teams. It
hires people who speak both, or a mix of bilingual and single-language agents; what it needs
in every open hour is *a speaker of each language*, and enough speakers for that language's
share of the traffic. Staffing one pool per language (the contact-centre way) doubles a
small team; staffing one pool for everything ignores who can take which contact.

The approximation used (documented in docs/calibration.md, checked against a seeded
discrete-event simulation of routing by language in tests/costengine/test_language_sim.py):

- the **total** is staffed as one pool with Erlang C on all the hour's traffic (pooling:
  every agent can take the next contact when everyone speaks every language);
- each language ``l`` with share ``s_l`` needs at least ``K_l`` speakers, ``K_l`` being Erlang C
  on ``s_l x A`` alone (the speakers a dedicated pool for that language would need; a lower
  bound, since speakers of several languages also take other contacts), and at least one
  speaker in every open hour;
- agents who speak every language count for each of them. With everyone speaking everything
  (the default) the pooled count is the answer; with one language each, the team is a pool
  per language, ``sum_l K_l`` agents;
- with a share ``b`` of multilingual agents (``M = b N``; the rest, ``(1 - b) N``, hired per
  language in proportion to ``K_l``: ``m_l``), the speakers of ``l`` (``m_l + M``) face its
  own traffic plus the other languages' overflow onto the multilingual agents,
  ``o_j = max(0, s_j A - rho m_j)``, where ``rho`` (:data:`SPILL_OCCUPANCY`, 75%) is the
  load single-language agents carry before contacts spill over — set against the
  simulation: at 85% the rule left a three-language team just short of the target. ``N`` is
  the smallest count (at least the pooled one) where, for every language, Erlang C on
  ``s_l A + sum_{j != l} o_j`` needs no more than ``m_l + M`` agents.

Checked against the simulation (seeded, 100,000 contacts an hour-configuration): the rule
never understaffs, and one agent fewer than it gives misses the target in most cases. The
service level reported is the pooled queue's for one language or everyone multilingual
(within about a point of the simulation) and the per-language pools' for one language each
(within half a point); with a multilingual share it is the pooled figure, an upper bound
2–5 points above the simulation.

References: Gans, Koole and Mandelbaum, "Telephone call centers: tutorial, review and research
prospects" (M&SOM 5(2), 2003), §4.2 on skills-based routing, where pooled Erlang C and
per-skill dedicated pools bound the staffing of a system with partly cross-trained agents;
Wallace and Whitt, "A staffing algorithm for call centers with skill-based routing"
(M&SOM 7(4), 2005), who show a little cross-training achieves most of the pooling benefit.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from costengine.errors import InvalidScenario, RateCardError
from costengine.results import Assumption
from costengine.scenario import AgentLanguages, Scenario

__all__ = [
    "SPILL_OCCUPANCY",
    "LanguageMix",
    "dedicated_service_level",
    "default_shares",
    "language_mix",
    "language_shares",
    "language_shares_assumption",
    "total_agents",
]

_FILE = "language_mix.toml"


@dataclass(frozen=True, slots=True)
class LanguageMix:
    """The default first-language share by number of languages, and where it comes from."""

    primary: dict[str, float]
    source: str
    estimate: bool
    why: str

    def shares(self, count: int) -> tuple[float, ...]:
        """Default shares of ``count`` languages: the first takes most, the rest split evenly."""
        if count < 1:
            raise InvalidScenario("languages", "give at least one language")
        if count == 1:
            return (1.0,)
        first = self.primary.get(str(count), self.primary["many"])
        rest = (1.0 - first) / (count - 1)
        return (first, *([rest] * (count - 1)))


@cache
def language_mix() -> LanguageMix:
    """The built-in default language mix (``data/language_mix.toml``)."""
    text = resources.files("costengine").joinpath("data", _FILE).read_text(encoding="utf-8")
    table = tomllib.loads(text)
    primary = table.get("primary")
    if not isinstance(primary, dict) or "many" not in primary:
        raise RateCardError(f"{_FILE}:primary", "needs a table with a 'many' share")
    shares: dict[str, float] = {}
    for key, value in primary.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise RateCardError(f"{_FILE}:primary.{key}", "needs a number")
        if not (math.isfinite(value) and 0 < value < 1):
            raise RateCardError(f"{_FILE}:primary.{key}", "must be a share in (0, 1)")
        shares[str(key)] = float(value)
    source, why = str(table.get("source", "")), str(table.get("why", ""))
    estimate = bool(table.get("estimate", False))
    if not source or (estimate and not why):
        raise RateCardError(_FILE, "needs a source, or a why")
    return LanguageMix(shares, source, estimate, why)


def default_shares(count: int) -> tuple[float, ...]:
    """The default shares of ``count`` languages (:func:`language_mix`)."""
    return language_mix().shares(count)


def language_shares(scenario: Scenario) -> tuple[tuple[str, float], ...]:
    """``(language, share of contacts)`` for every language, shares summing to 1."""
    raw = scenario.language_shares or default_shares(len(scenario.languages))
    total = math.fsum(raw)
    return tuple(
        (language, share / total) for language, share in zip(scenario.languages, raw, strict=True)
    )


def language_shares_assumption(scenario: Scenario) -> Assumption | None:
    """``assumption.language_shares`` (and who speaks what) when there are several languages."""
    if len(scenario.languages) < 2:
        return None
    shares = language_shares(scenario)
    mix = language_mix()
    given = scenario.language_shares is not None
    return Assumption(
        key="assumption.language_shares",
        params={
            "shares": ", ".join(f"{language} {share:.0%}" for language, share in shares),
            "given": "true" if given else "false",
            "source": "user" if given else mix.source,
            "estimate": "false" if given else ("true" if mix.estimate else "false"),
            "why": "" if given else mix.why,
            "agent_languages": scenario.agent_languages.value,
            "multilingual_share": (
                f"{multilingual_share(scenario):.0%}"
                if scenario.agent_languages is AgentLanguages.MIXED
                else ""
            ),
        },
    )


#: How busy single-language agents get before their language's contacts spill over onto the
#: multilingual agents (see the module docs; checked against the routing simulation).
SPILL_OCCUPANCY = 0.75

#: The share of multilingual agents assumed with ``agent_languages = mixed`` and no share given.
DEFAULT_MULTILINGUAL_SHARE = 0.5


def multilingual_share(scenario: Scenario) -> float:
    """The share of agents who speak every language (1 for ``all``, 0 for ``one_each``)."""
    if scenario.agent_languages is AgentLanguages.ALL or len(scenario.languages) < 2:
        return 1.0
    if scenario.agent_languages is AgentLanguages.ONE_EACH:
        return 0.0
    if scenario.multilingual_share is None:
        return DEFAULT_MULTILINGUAL_SHARE
    return scenario.multilingual_share


def total_agents(
    pooled: int,
    speakers: Sequence[int],
    loads: Sequence[float],
    multilingual: float,
    occupancy_cap: float,
    agents_for: Callable[[float], int],
) -> int:
    """The smallest team that meets the pooled count and every language's speaker count.

    ``pooled``: agents for all the hour's traffic as one pool (floor included);
    ``speakers``: the speakers each language needs (``K_l``, at least one in an open hour);
    ``loads``: each language's traffic (Erlangs); ``multilingual``: the share of agents who
    speak every language; ``occupancy_cap``: how loaded single-language agents get before
    their contacts overflow onto multilingual ones; ``agents_for``: the Erlang count for a
    traffic at the target (see the module docs).
    """
    if multilingual >= 1.0 or len(speakers) < 2:
        return max(pooled, *speakers) if speakers else pooled
    needed = sum(speakers)
    if multilingual <= 0.0:
        return max(pooled, needed)
    # Multilingual agents can always work as single-language ones, so a larger share never
    # needs more people: a team of n covers if it does with any share up to the one given,
    # taken in steps of 1/20 (the given share rounded down: a slightly cautious reading).
    steps = math.floor(multilingual * _SHARE_STEPS + 1e-9)
    shares = [step / _SHARE_STEPS for step in range(steps, 0, -1)]
    n = max(pooled, *speakers)
    while n < needed and not any(
        _covers(n, speakers, loads, share, occupancy_cap, agents_for) for share in shares
    ):
        n += 1
    return n


#: The multilingual share is read in steps of 5%.
_SHARE_STEPS = 20


def _covers(
    n: int,
    speakers: Sequence[int],
    loads: Sequence[float],
    multilingual: float,
    rho: float,
    agents_for: Callable[[float], int],
) -> bool:
    """Whether ``n`` agents, a share ``multilingual`` of them speaking every language, give
    every language enough speakers for its traffic and the others' overflow."""
    shared = multilingual * n
    single = (1.0 - multilingual) * n
    total = sum(speakers)
    own = [single * k / total for k in speakers]
    overflow = [max(0.0, load - rho * m) for load, m in zip(loads, own, strict=True)]
    spill = math.fsum(overflow)
    return all(
        agents_for(load + spill - over) <= m + shared + 1e-9
        for load, m, over in zip(loads, own, overflow, strict=True)
    )


def dedicated_service_level(
    agents: int,
    speakers: Sequence[int],
    loads: Sequence[float],
    service_level: Callable[[int, float], float],
) -> float:
    """The service level of one pool per language: ``speakers`` each, any surplus with the
    largest language, weighted by traffic."""
    total = math.fsum(loads)
    if total <= 0:
        return 1.0
    counts = list(speakers)
    counts[max(range(len(loads)), key=lambda i: loads[i])] += max(0, agents - sum(speakers))
    return math.fsum(
        load / total * service_level(count, load)
        for count, load in zip(counts, loads, strict=True)
        if load > 0
    )
