"""``sourcewise estimate``: price the four delivery models for one scenario from the shell.

Other tools call this and parse what it prints, so ``--json`` prints exactly one JSON object
(``Estimate.to_json()``, documented in docs/cli.md) and every invalid input exits 2 with one
line on stderr naming the flag, never a traceback. The pricing lives in :mod:`costengine`;
this module only translates flags into a :class:`~costengine.scenario.Scenario` and the
result into text.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from costengine.results import Estimate

__all__ = ["register", "run"]

_PROG = "sourcewise estimate"

#: Scenario field (first part of a pydantic error location) -> the flag the user typed.
_FLAGS = {
    "team_size": "--team-size",
    "volumes": "--volumes",
    "contacts_per_month": "--contacts-per-month",
    "channels": "--channels",
    "languages": "--languages",
    "coverage": "--hours",
    "timezone": "--timezone",
    "region": "--region",
    "currency": "--currency",
    "service_level": "--service-level",
    "current_monthly_cost": "--current-cost",
    "kind": "--kind",
    "pooling": "--pooling",
    "language_shares": "--language-shares",
    "agent_languages": "--agents-speak",
    "multilingual_share": "--multilingual-share",
    "users": "--users",
    "tickets_per_user_month": "--tickets-per-user",
    "it_tiers": "--it-tiers",
    "outsourcing": "--outsourcing",
    "destination": "--destination",
    "value_per_success": "--value-per-success",
}


class _UsageError(Exception):
    def __init__(self, flag: str, reason: str) -> None:
        super().__init__(f"{flag}: {reason}")


def _decimal(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value.is_finite():
        raise argparse.ArgumentTypeError(f"not a finite number: {text!r}")
    return value


def _shares(text: str) -> list[Decimal]:
    """``0.7,0.3`` or ``70,30`` (percent): one share per language, in order."""
    values = [_decimal(item) for item in _csv(text)]
    if sum(values) > 1 + Decimal("0.011"):
        values = [value / 100 for value in values]
    return values


def _volumes(text: str) -> dict[str, Decimal]:
    """``phone=5000,chat=2000``: contacts a month per channel."""
    found: dict[str, Decimal] = {}
    for item in _csv(text):
        channel, sep, amount = item.partition("=")
        if not sep:
            raise argparse.ArgumentTypeError(f"give channel=contacts, got {item!r}")
        found[channel.strip().lower()] = _decimal(amount.strip())
    return found


def _csv(text: str) -> list[str]:
    items = [item.strip() for item in text.split(",") if item.strip()]
    if not items:
        raise argparse.ArgumentTypeError("give at least one value, comma-separated")
    return items


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = subparsers.add_parser(
        "estimate",
        help="monthly cost of in-house, hosted, outsourced and partly outsourced support",
        description=(
            "Price customer or technical support four ways (in-house, hosted, outsourced, "
            "partly outsourced) from the region's cited rate card, and recommend one."
        ),
    )
    size = parser.add_argument_group(
        "the work (give at least one)",
        "a team size alone: the work is what that team carries at the service level; with "
        "volumes too, the team is checked against them",
    )
    size.add_argument(
        "--team-size", type=_decimal, help="today's team in FTE (2.5 = two and a part-timer)"
    )
    size.add_argument(
        "--contacts-per-month", type=_decimal, help="contacts a month, split by channel mix"
    )
    size.add_argument(
        "--volumes", type=_volumes, help="contacts a month per channel: phone=5000,chat=2000"
    )
    size.add_argument("--users", type=int, help="IT help desk: employees supported")
    parser.add_argument(
        "--channels",
        type=_csv,
        help="comma-separated: phone,chat,email,social (default: those of --volumes)",
    )
    parser.add_argument(
        "--languages", type=_csv, default=["en"], help="ISO 639 codes, primary first (en)"
    )
    parser.add_argument(
        "--hours",
        choices=("business", "extended", "24x7"),
        default="business",
        help="opening hours (business)",
    )
    parser.add_argument("--region", required=True, help="rate-card region, e.g. US, UK, PH")
    parser.add_argument("--currency", help="result currency (default: the region's)")
    parser.add_argument(
        "--ratecard", type=Path, help="TOML or JSON file overriding rate-card entries"
    )
    parser.add_argument("--timezone", default="UTC", help="IANA time zone of the opening hours")
    parser.add_argument(
        "--kind",
        choices=("customer_service", "it_helpdesk"),
        default="customer_service",
        help="kind of support (customer_service)",
    )
    parser.add_argument(
        "--service-level", type=float, default=0.8, help="share answered in time (0.8)"
    )
    parser.add_argument("--current-cost", type=_decimal, help="what support costs today a month")
    team = parser.add_argument_group("how the team works")
    team.add_argument(
        "--pooling",
        choices=("blended", "per_channel"),
        default="blended",
        help="one team answers every channel (blended, default) or a team per channel",
    )
    team.add_argument(
        "--language-shares",
        type=_shares,
        help="each language's share of contacts, in --languages order: 0.7,0.3 or 70,30",
    )
    team.add_argument(
        "--agents-speak",
        choices=("all", "one_each", "mixed"),
        default="all",
        help="every agent speaks every language (all, default), one each, or a mix",
    )
    team.add_argument(
        "--multilingual-share",
        type=float,
        help="with --agents-speak mixed: share of agents speaking every language (0.5)",
    )
    it = parser.add_argument_group("IT help desk (--kind it_helpdesk)")
    it.add_argument(
        "--tickets-per-user", type=_decimal, help="tickets per user a month (rate card default)"
    )
    it.add_argument("--it-tiers", type=int, choices=(1, 2, 3), default=3, help="tiers covered (3)")
    buy = parser.add_argument_group("outsourcing")
    buy.add_argument(
        "--outsourcing",
        choices=("auto", "dedicated", "shared"),
        default="auto",
        help="what the outsourced model shows: auto (what a provider would sell), "
        "dedicated agents or pay-per-use",
    )
    buy.add_argument(
        "--destination", help="provider location, a rate-card region (default: compare all)"
    )
    buy.add_argument(
        "--value-per-success",
        type=_decimal,
        help="value of a successful outcome: prices commission billing",
    )
    parser.add_argument(
        "--quick", action="store_true", help="skip break-even volumes and sensitivity (faster)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from costengine.errors import EngineError

    try:
        result = _estimate(args)
    except _UsageError as exc:
        return _fail(str(exc))
    except ValidationError as exc:
        return _fail(_validation_line(exc))
    except EngineError as exc:
        return _fail(_engine_line(exc))
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False))
    else:
        _print_table(result)
    return 0


def _fail(line: str) -> int:
    print(f"{_PROG}: error: {' '.join(line.split())}", file=sys.stderr)
    return 2


def _validation_line(exc: Any) -> str:
    error = exc.errors(include_url=False)[0]
    location = [str(part) for part in error["loc"]]
    flag = next((_FLAGS[part] for part in reversed(location) if part in _FLAGS), None)
    message = str(error["msg"]).removeprefix("Value error, ")
    if flag is None:
        return f"{'.'.join(location) or 'input'}: {message}"
    return f"{flag}: {message}"


def _engine_line(exc: Exception) -> str:
    from costengine.errors import InvalidScenario, RateCardError, UnknownCurrency, UnknownRegion

    if isinstance(exc, UnknownRegion):
        return f"--region: {exc.reason}"
    if isinstance(exc, RateCardError):
        return f"--ratecard: {exc.field}: {exc.reason}"
    if isinstance(exc, UnknownCurrency):
        return f"--currency: {exc}"
    if isinstance(exc, InvalidScenario):
        flag = _FLAGS.get(exc.field.split(".")[-1], _FLAGS.get(exc.field.split(".")[0]))
        return f"{flag or exc.field}: {exc.reason}"
    return str(exc)


def _estimate(args: argparse.Namespace) -> Estimate:
    from costengine.estimate import estimate
    from costengine.money import fx_table
    from costengine.ratecard import load_ratecard
    from costengine.scenario import Channel, ChannelVolume, Scenario, SupportKind
    from costengine.staffing.volumes import volumes_from_total

    if not args.channels and not args.volumes:
        raise _UsageError("--channels", "give the channels, e.g. --channels phone,email")
    channels = []
    for name in args.channels or ():
        try:
            channels.append(Channel(name.lower()))
        except ValueError:
            known = ", ".join(channel.value for channel in Channel)
            raise _UsageError("--channels", f"unknown channel {name!r} (known: {known})") from None
    if (
        args.team_size is None
        and args.contacts_per_month is None
        and not args.volumes
        and (args.users is None)
    ):
        raise _UsageError(
            "--team-size", "give --team-size, --contacts-per-month, --volumes or --users"
        )
    if args.contacts_per_month is not None and args.volumes:
        raise _UsageError("--volumes", "give --volumes or --contacts-per-month, not both")
    if not 0 < args.service_level < 1:
        raise _UsageError("--service-level", f"must be between 0 and 1, got {args.service_level:g}")
    card = load_ratecard(args.region, args.ratecard)
    if args.currency:
        fx_table().check(args.currency)
    kind = SupportKind(args.kind)
    volumes: tuple[ChannelVolume, ...] = ()
    if args.contacts_per_month is not None:
        volumes = volumes_from_total(args.contacts_per_month, channels, kind=kind)
    if args.volumes:
        found = []
        for name, amount in args.volumes.items():
            try:
                channel = Channel(name)
            except ValueError:
                raise _UsageError("--volumes", f"unknown channel {name!r}") from None
            if channel not in channels:
                channels.append(channel)
            found.append({"channel": channel, "contacts_per_month": amount})
        volumes = tuple(ChannelVolume.model_validate(item) for item in found)
    scenario = Scenario.model_validate(
        {
            "kind": kind,
            "team_size": args.team_size,
            "volumes": volumes,
            "channels": channels,
            "languages": args.languages,
            "coverage": {"preset": args.hours, "timezone": args.timezone},
            "region": args.region,
            "currency": args.currency,
            "service_level": args.service_level,
            "current_monthly_cost": args.current_cost,
            "pooling": args.pooling,
            "language_shares": args.language_shares,
            "agent_languages": args.agents_speak,
            "multilingual_share": args.multilingual_share,
            "users": args.users,
            "tickets_per_user_month": args.tickets_per_user,
            "it_tiers": args.it_tiers,
            "outsourcing": args.outsourcing,
            "destination": args.destination,
            "value_per_success": args.value_per_success,
        }
    )
    return estimate(scenario, card, analysis=not args.quick)


def _print_table(result: Estimate) -> None:
    from rich.console import Console
    from rich.table import Table

    from costengine.scenario import DeliveryModel

    labels = _labels()
    rec = result.recommendation
    table = Table(title=f"Monthly cost in {result.currency} (rates of {result.fx_date})")
    table.add_column("Model")
    table.add_column("Monthly total", justify="right")
    table.add_column("FTE", justify="right")
    table.add_column("Per contact", justify="right")
    table.add_column("Notes")
    for model in rec.ranking:
        cost = result.models[model]
        name = labels("model", model.value)
        if model is rec.model:
            name = f"[bold]{name} *[/bold]"
        notes = []
        if model is DeliveryModel.PARTIAL and cost.split:
            notes.append(labels("split", cost.split))
        if cost.kind:
            where = f" ({cost.destination}, {labels('location', cost.location or '')})"
            notes.append(labels("outsourcing", cost.kind) + where)
        if cost.billing:
            notes.append(labels("billing", cost.billing))
        if cost.equivalent_fte:
            notes.append(f"≈ {cost.equivalent_fte:,.1f} FTE of shared capacity")
        per_contact = "" if cost.cost_per_contact is None else f"{cost.cost_per_contact:,.2f}"
        table.add_row(
            name, f"{cost.monthly_total:,.2f}", f"{cost.fte:,.1f}", per_contact, "; ".join(notes)
        )
    console = Console(highlight=False, soft_wrap=True)
    console.print(table)
    if result.baseline is not None:
        base = result.baseline
        console.print(
            f"Your team today ({base.team_size:g} FTE): {base.monthly_total:,.2f} "
            f"{result.currency} a month; the work needs {base.needed_fte:,.1f} FTE at the target."
        )
    console.print(
        f"Recommended: [bold]{labels('model', rec.model.value)}[/bold], "
        f"{rec.savings_vs_runner_up:,.2f} {result.currency} a month less than "
        f"{labels('model', rec.runner_up.value)}."
    )
    if rec.savings_vs_today is not None:
        console.print(
            f"Against today: {rec.savings_vs_today:,.2f} {result.currency} a month saved."
        )
    for key in rec.reasons:
        console.print(f"  + {labels('reason', key)}")
    for key in rec.risks:
        console.print(f"  - {labels('risk', key)}")
    crossings = [pair for pair in rec.break_even if pair.contacts_per_month is not None]
    for pair in crossings:
        console.print(
            f"  Break-even: {labels('model', pair.cheaper_below.value)} below, "
            f"{labels('model', pair.cheaper_above.value)} above "
            f"{pair.contacts_per_month:,} contacts a month."
        )


def _labels() -> Callable[[str, str], str]:
    """English labels for the engine's keys; the key itself when no label exists."""
    try:
        from bot.render.env import renderer
        from bot.render.labels import labels_for

        found = labels_for(renderer(), "en")
    except (ImportError, OSError, LookupError, ValueError):  # the table prints without them
        found = None

    def label(section: str, key: str) -> str:
        plain = key.removeprefix(section + ".").replace("_", " ")
        if found is None:
            return plain
        return str(found.get(section, key, default=plain))

    return label
