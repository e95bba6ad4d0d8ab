"""Secret redaction in log records."""

from __future__ import annotations

import logging

import pytest

from bot.adapters.slack.logs import REDACTED, SecretFilter, redact, slack_logger


def test_known_secrets_token_shapes_and_secret_fields_are_redacted() -> None:
    text = (
        "params: {'client_secret': 'abc123', 'code': 'x'} token xoxb-12-34-zz "
        'body: {"access_token": "xoxp-9", "ok": true} app xapp-1-A-2 signing s3cr3t'
    )
    cleaned = redact(text, ["s3cr3t"])
    for leaked in ("abc123", "xoxb-12-34-zz", "xoxp-9", "xapp-1-A-2", "s3cr3t"):
        assert leaked not in cleaned
    assert "'code': 'x'" in cleaned and '"ok": true' in cleaned
    assert cleaned.count(REDACTED) == 5


def test_the_filter_rewrites_messages_and_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("tests.slack.redaction")
    logger.addFilter(SecretFilter(["hunter2"]))
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
    assert sum(isinstance(f, SecretFilter) for f in logger.filters) == 1
    assert any(isinstance(f, SecretFilter) for f in logging.getLogger("aiosqlite").filters)
