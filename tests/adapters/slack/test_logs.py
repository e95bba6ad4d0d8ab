"""The Slack adapter's logger (and the SQL-parameter loggers) redact with the shared filter."""

from __future__ import annotations

import logging

import pytest

from bot.adapters.slack.logs import PARAMETER_LOGGERS, slack_logger
from bot.redaction import REDACTED, RedactingFilter


def test_the_adapter_logger_rewrites_messages_and_tracebacks(
    caplog: pytest.LogCaptureFixture,
) -> None:
    logger = slack_logger(["hunter2"], name="tests.slack.redaction")
    caplog.set_level(logging.DEBUG, logger="tests.slack.redaction")
    logger.debug("password %s and %s", "hunter2", "xoxb-1-2")
    try:
        raise RuntimeError("failed with hunter2")
    except RuntimeError:
        logger.exception("boom")
    first, second = caplog.records
    assert first.getMessage() == f"password {REDACTED} and {REDACTED}"
    assert second.exc_text is not None and "hunter2" not in second.exc_text
    assert "RuntimeError" in second.exc_text


def test_slack_logger_replaces_its_filter_instead_of_stacking() -> None:
    logger = slack_logger(["a"], name="tests.slack.stack")
    logger = slack_logger(["b"], name="tests.slack.stack")
    (only,) = [f for f in logger.filters if isinstance(f, RedactingFilter)]
    assert only.redactor.secrets == ("b",)
    for name in PARAMETER_LOGGERS:
        assert any(isinstance(f, RedactingFilter) for f in logging.getLogger(name).filters)
