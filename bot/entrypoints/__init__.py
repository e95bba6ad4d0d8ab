"""Subcommands of ``sourcewise``; each module has ``register(subparsers)``."""
