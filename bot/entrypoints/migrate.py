"""``sourcewise migrate``: bring the database at ``SOURCEWISE_DATABASE_URL`` to the newest schema.

The bot also migrates on start (``bot.app.open_app``); this command exists for deployments
that migrate once before rolling out replicas, and to check the revision (``--check``).
Prints one line; exits 1 with one line on stderr when the database is unreachable.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

__all__ = ["register", "run"]


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = subparsers.add_parser(
        "migrate",
        help="create or upgrade the database schema",
        description=(
            "Upgrade the database at SOURCEWISE_DATABASE_URL (default: a SQLite file in the "
            "user data folder) to the newest schema. Safe to run again and from several "
            "replicas at once."
        ),
    )
    parser.add_argument(
        "--database-url", help="use this database instead of SOURCEWISE_DATABASE_URL"
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="change nothing; exit 0 if the schema is current, else 1",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from bot.config import Settings
    from bot.store import MEMORY_URL, StoreError, current_revision, head_revision, migrate

    url: str = args.database_url or Settings().database_url
    if url == MEMORY_URL:
        print(f"{url}: in-memory store, nothing to migrate")
        return 0
    try:
        where = make_url(url).render_as_string(hide_password=True)
    except ArgumentError:  # say so without echoing the URL: it may hold a password
        print("sourcewise migrate: error: invalid database URL", file=sys.stderr)
        return 2
    head = head_revision()
    try:
        if args.check:
            current = asyncio.run(current_revision(url))
            print(f"{where}: at revision {current or 'none'}, newest is {head}")
            return 0 if current == head else 1
        reached = asyncio.run(migrate(url))
    except StoreError as exc:
        print(f"sourcewise migrate: error: {exc}", file=sys.stderr)
        return 1
    print(f"{where}: at revision {reached} (newest)")
    return 0
