"""Bad input, generated: what users, platforms and operators' files can throw at the bot.

Shared by the fuzz tests: arbitrary Unicode (emoji, control and format characters, combining
marks, other scripts' digits), huge strings, number-like junk, and real vocabulary from the
product's own catalogues mixed with noise, so the generator also reaches the paths past the
first "unknown word".
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from bot.core.vocab import vocabulary

__all__ = ["JUNK", "LONG", "NUMBERISH", "WORDS", "fuzz_settings", "mixed"]


def fuzz_settings(max_examples: int) -> settings:
    """Fuzz settings: no deadline (a 2-core CI box stalls now and then), no example
    database (CI starts clean anyway), the example budget given."""
    return settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


def _words() -> list[str]:
    vocab = vocabulary()
    found: set[str] = set()
    for group in (
        "channel",
        "hours",
        "kind",
        "unit",
        "period",
        "multiplier",
        "command",
        "region",
        "language",
        "currency",
    ):
        found.update(list(vocab.table(group))[:30])
    found.update(
        ["US", "UK", "PL", "pl", "en", "zh", "中国", "24/7", "80/20", "-", ",", "/", "%", "万"]
    )
    return sorted(found)


WORDS: list[str] = _words()

_DIGITS = st.sampled_from(
    ["0", "1", "7", "9", "00", "1000", "٣", "０", "五", "12345678901234567890"]
)
_SEPARATORS = st.sampled_from(["", " ", ",", ".", "'", "\u00a0", "\u202f", "e", "E-", "/"])
_SUFFIXES = st.sampled_from(["", "k", "K", "m", "万", "%", " tys.", "h", " min"])

#: Number-like junk: signs, other scripts' digits, separators, exponents, suffixes.
NUMBERISH = st.builds(
    lambda sign, parts, suffix: sign + "".join(parts) + suffix,
    st.sampled_from(["", "-", "+", "−", "--"]),
    st.lists(st.one_of(_DIGITS, _SEPARATORS), min_size=1, max_size=6),
    _SUFFIXES,
)

#: Long input cheaply: a random piece repeated past every length limit (500 characters for
#: an answer, Slack's 3,000 for a section, 10 kB and more).
LONG = st.builds(
    lambda piece, times: piece * times, st.text(min_size=1, max_size=8), st.integers(70, 1500)
)

JUNK = st.one_of(
    st.text(max_size=40),
    LONG,
    st.text(
        alphabet=st.characters(categories=["So", "Sk", "Cc", "Cf", "Cs", "Zs", "Zl", "Mn", "Nd"]),
        max_size=20,
    ),
    NUMBERISH,
)


def mixed(words: list[str] | None = None, *, max_size: int = 6) -> st.SearchStrategy[str]:
    """Real words and numbers mixed with junk, joined by spaces, commas or nothing."""
    part = st.one_of(st.sampled_from(words or WORDS), NUMBERISH, st.text(max_size=4))
    return st.builds(
        lambda parts, glue: glue.join(parts),
        st.lists(part, max_size=max_size),
        st.sampled_from([" ", ", ", "", "\n", " - "]),
    )
