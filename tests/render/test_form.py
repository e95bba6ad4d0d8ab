"""The one-screen form in words: labels, hints and choices per locale, errors as messages."""

from __future__ import annotations

import pytest

from bot.core.form import FORM_FIELDS, validate_form
from bot.render.form import form_error_texts, form_fields


@pytest.mark.parametrize("locale", ["en", "pl", "zh"])
def test_fields_are_drawn_in_each_locale(locale: str) -> None:
    views = form_fields(locale)
    assert [view.id for view in views] == [field.id for field in FORM_FIELDS]
    for view in views:
        assert view.label and view.placeholder
        if view.kind in ("single", "multi"):
            assert view.choices and all(choice.label for choice in view.choices)


def test_several_errors_at_once_in_the_users_language() -> None:
    errors = form_error_texts(validate_form({"kind": "x", "region": "Atlantis"}).errors, "zh")
    assert {"kind", "region", "channels", "languages", "hours"} <= set(errors)
    assert "必填" in errors["languages"]


def test_a_parse_error_comes_with_the_questions_example() -> None:
    errors = form_error_texts(validate_form({"team_size": "-3"}).errors, "en")
    assert "negative" in errors["team_size"].lower()
    assert "For example: 12" in errors["team_size"]
    assert "example" not in errors["kind"]  # required: nothing to show an example of
