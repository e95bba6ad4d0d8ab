"""Long texts in message-sized parts, cut only where a reader expects a break.

A cut falls at a blank line if one fits, else at a line end, else (one line longer than a
message) at a space, and only as a last resort inside a word; nothing but the whitespace
at a cut is lost. Every platform splits again by its own count (Telegram in UTF-16 units,
Slack after escaping), with the same preference order.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["cut_point", "split_text"]


def cut_point(text: str, limit: int, measure: Callable[[str], int] = len) -> int:
    """The largest index where ``text[:index]`` fits ``limit`` (by ``measure``) at the best
    boundary: a paragraph, a line, a space; a hard cut when no boundary fits (at least 1)."""
    fitting = _fitting(text, limit, measure)
    window = text[:fitting]
    for separator in ("\n\n", "\n", " "):
        found = window.rfind(separator)
        if found > 0:
            return found + len(separator)
    return fitting


def _fitting(text: str, limit: int, measure: Callable[[str], int]) -> int:
    """How many characters of ``text`` fit in ``limit`` (at least one)."""
    if measure(text) <= limit:
        return len(text)
    low, high = 1, len(text)
    while low < high:  # the largest prefix that fits: measure is monotonic in the prefix
        middle = (low + high + 1) // 2
        if measure(text[:middle]) <= limit:
            low = middle
        else:
            high = middle - 1
    return low


def split_text(text: str, limit: int, measure: Callable[[str], int] = len) -> list[str]:
    """``text`` in parts of at most ``limit`` (by ``measure``), cut at :func:`cut_point`."""
    parts: list[str] = []
    rest = text.strip()
    while rest:
        if measure(rest) <= limit:
            parts.append(rest)
            break
        cut = cut_point(rest, limit, measure)
        head, rest = rest[:cut].rstrip(), rest[cut:].lstrip()
        if head:
            parts.append(head)
    return parts
