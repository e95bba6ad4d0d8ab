"""Which languages the conversation speaks, and how a platform's language hint maps to one.

The core needs this to *understand* people (a language name typed at "language", the
platform's hint on a new conversation) and the renderer needs it to *write* to them; it
lives in the core so the arrow runs one way: ``bot.render`` imports it, never the reverse.
"""

from __future__ import annotations

__all__ = ["DEFAULT_LOCALE", "LOCALES", "normalize_locale"]

#: Locales with a template folder (``templates/<locale>/``); the first is the fallback.
LOCALES: tuple[str, ...] = ("en", "zh", "pl")
DEFAULT_LOCALE = "en"


def normalize_locale(code: str | None) -> str:
    """Map a platform language code ("pl-PL", "zh-hans", "en_GB", None) to a template locale."""
    if not code:
        return DEFAULT_LOCALE
    base = code.replace("_", "-").split("-")[0].lower()
    return base if base in LOCALES else DEFAULT_LOCALE
