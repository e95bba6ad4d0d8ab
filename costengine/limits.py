"""The bounds of every input the engine accepts, defined once.

Why one module: the CLI (exit 2 with one line), the conversation (a localized re-ask) and the
scenario model must refuse exactly the same values, and the engine must never be handed work
it cannot finish promptly. Each question in the bot imports the bound it checks from here;
nothing else writes these numbers down again.

The bounds are generous for any real support operation (the largest contact centres run a
few thousand seats) and tight enough that the slowest estimate they admit still finishes in
well under a second per hourly solve: Erlang C is O(sqrt(A)) per solve here, and the traffic
bound keeps ``A`` at or below :data:`MAX_TRAFFIC_ERLANGS` (at least 10,000 Erlangs, as the
serving issue requires).
"""

from __future__ import annotations

from decimal import Decimal

__all__ = [
    "MAX_AHT_SECONDS",
    "MAX_ANSWER_SECONDS",
    "MAX_CHANNELS",
    "MAX_CHAT_CONCURRENCY",
    "MAX_CONTACTS_PER_MONTH",
    "MAX_EMAIL_RESPONSE_HOURS",
    "MAX_INTERVAL_MINUTES",
    "MAX_LANGUAGES",
    "MAX_MONTHLY_COST",
    "MAX_PATIENCE_SECONDS",
    "MAX_TEAM_SIZE",
    "MAX_TICKETS_PER_USER_MONTH",
    "MAX_TRAFFIC_ERLANGS",
    "MAX_USERS",
    "MAX_VALUE_PER_SUCCESS",
    "MIN_OCCUPANCY",
    "MIN_PATIENCE_SECONDS",
    "MIN_TEAM_SIZE",
]

#: People on today's team (FTE; part-timers make it fractional, e.g. 2.5).
MIN_TEAM_SIZE = Decimal("0.1")
MAX_TEAM_SIZE = 20_000

#: Contacts a month on one channel.
MAX_CONTACTS_PER_MONTH = 50_000_000

#: Today's monthly cost, and any other monthly amount a user types, in their currency.
MAX_MONTHLY_COST = 1_000_000_000

#: Employees (users) an IT help desk supports.
MAX_USERS = 1_000_000

#: Tickets per supported user per month (an IT help desk).
MAX_TICKETS_PER_USER_MONTH = 50

#: Languages and channels in one scenario.
MAX_LANGUAGES = 20
MAX_CHANNELS = 4

#: Handle time of one contact, seconds (4 hours).
MAX_AHT_SECONDS = 4 * 3600

#: Answer-time target of the service level, seconds.
MAX_ANSWER_SECONDS = 3600

#: Email / ticket response target, hours (one week).
MAX_EMAIL_RESPONSE_HOURS = 168

#: Chats one agent runs at once.
MAX_CHAT_CONCURRENCY = 10

#: Offered traffic of one interval, Erlangs: what any hourly solve may be asked for.
MAX_TRAFFIC_ERLANGS = 50_000

#: Mean caller patience (Erlang A), seconds: a second to a day.
MIN_PATIENCE_SECONDS = 1.0
MAX_PATIENCE_SECONDS = 86_400.0

#: Occupancy cap: below this no contact centre is planned (and the agent count explodes).
MIN_OCCUPANCY = 0.05

#: Length of one ``sourcewise erlang`` interval, minutes (one day).
MAX_INTERVAL_MINUTES = 1440

#: Value of one successful outcome (commission billing), in the result currency.
MAX_VALUE_PER_SUCCESS = 1_000_000
