"""Send a Bot API request again when Telegram's side failed, so a reply still arrives once.

PTB's ``AIORateLimiter`` waits out a 429 (``retry_after``) and sends again; it gives up at
once on everything else. An HTTP 5xx from the Bot API, or a connection that could not be
made, raises ``NetworkError`` and the user's reply would be lost although the turn was
saved. :class:`RetryingRateLimiter` adds a few retries with exponential backoff and jitter
for exactly those, and never for:

- ``TimedOut``: the request may have reached Telegram, and a second one could post the
  message twice;
- ``BadRequest`` (a ``NetworkError`` subclass in PTB): sending the same request again cannot
  help.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, NetworkError, TimedOut
from telegram.ext import AIORateLimiter

__all__ = ["RetryingRateLimiter", "is_retryable"]

_log = logging.getLogger(__name__)

JSONResult = bool | dict[str, Any] | list[dict[str, Any]]


def is_retryable(error: BaseException) -> bool:
    """True for a failure on Telegram's side that sending again can fix without risking a
    duplicate: a 5xx answer or a refused connection."""
    return isinstance(error, NetworkError) and not isinstance(error, BadRequest | TimedOut)


class RetryingRateLimiter(AIORateLimiter):
    """``AIORateLimiter`` (flood limits, 429 retries) plus ``server_error_retries`` retries
    of server errors, waiting ``backoff`` × 2ⁿ seconds (at most ``max_backoff``, jittered)."""

    def __init__(
        self,
        *,
        max_retries: int = 3,
        server_error_retries: int = 3,
        backoff: float = 0.5,
        max_backoff: float = 8.0,
        **limits: Any,
    ) -> None:
        super().__init__(max_retries=max_retries, **limits)
        self._server_error_retries = server_error_retries
        self._backoff = backoff
        self._max_backoff = max_backoff

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSONResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> JSONResult:
        for attempt in range(self._server_error_retries + 1):
            try:
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
            except NetworkError as exc:
                if attempt == self._server_error_retries or not is_retryable(exc):
                    raise
                delay = min(self._backoff * 2**attempt, self._max_backoff)
                delay *= random.uniform(0.75, 1.25)
                _log.info(
                    "Bot API %s failed (%s); retrying in %.2f s", endpoint, exc.message, delay
                )
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover
