"""The one-line estimate reader, fed junk in every language: a request or a polite refusal.

A refusal names what was not understood and ends with the grammar example, in the user's
language; an accepted request always carries a complete scenario (channels, languages,
hours), so the engine can price it.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.core.errors import QuickParseError
from bot.core.quick import Fields, parse_quick, read_fields
from bot.core.vocab import vocabulary
from bot.render.conversation import error_text
from tests.fuzz.strategies import JUNK, WORDS, fuzz_settings, mixed

LOCALES = ("en", "pl", "zh", "de", "")


def _request_words() -> list[str]:
    vocab = vocabulary()
    found = set(WORDS)
    for group in ("unit", "period", "filler", "timezone"):
        found.update(list(vocab.table(group))[:20])
    found.update(["agents", "calls/month", "8名客服", "每月", "połączeń/mies.", "80/20", "85%"])
    return sorted(found)


REQUEST = st.one_of(JUNK, mixed(_request_words(), max_size=8))


@fuzz_settings(2000)
@given(text=REQUEST, locale=st.sampled_from(LOCALES))
def test_the_quick_reader_returns_a_full_request_or_a_localized_refusal(
    text: str, locale: str
) -> None:
    try:
        request = parse_quick(text, locale)
    except QuickParseError as error:
        message = error_text(error, locale or "en")
        assert message.strip() and "\n" in message  # explanation, then the grammar example
    else:
        scenario = request.scenario
        assert scenario.channels and scenario.languages
        assert set(request.defaults_used) <= {
            "kind",
            "channels",
            "languages",
            "hours",
            "region",
            "timezone",
            "currency",
            "service_level",
        }


@fuzz_settings(500)
@given(text=REQUEST, locale=st.sampled_from(LOCALES))
def test_what_if_follow_ups_are_read_or_refused_politely(text: str, locale: str) -> None:
    try:
        fields = read_fields(text)
    except QuickParseError as error:
        assert error.key.startswith(("error.", "quick."))
        assert error_text(error, locale or "en").strip()
    else:
        assert isinstance(fields, Fields)
