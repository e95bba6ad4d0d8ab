"""Language autonyms read straight from CLDR files are exactly Babel's (without keeping ~160
locales' data in memory): the vocabulary understands the same language names as before."""

from __future__ import annotations

from babel import Locale
from babel.localedata import locale_identifiers

from bot.core.vocab import autonym, norm, vocabulary


def test_autonyms_match_babels_locale_view_for_every_two_letter_language() -> None:
    identifiers = [i for i in locale_identifiers() if len(i) == 2 and i.isalpha()]
    assert len(identifiers) > 100
    for identifier in identifiers:
        assert autonym(identifier) == Locale.parse(identifier).languages.get(identifier), identifier


def test_the_vocabulary_knows_languages_by_their_own_names() -> None:
    table = vocabulary().table("language")
    for word, code in [
        ("polski", "pl"),
        ("norsk bokmål", "nb"),
        ("español", "es"),
        ("日本語", "ja"),
    ]:
        assert table.get(norm(word)) == code
