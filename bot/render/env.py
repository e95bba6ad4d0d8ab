"""The one Jinja2 environment: templates per locale, numbers and money through Babel.

Templates live in ``templates/<locale>/`` (the same file names in every locale). Filters:

- ``money(amount, currency)``  -> ``format_currency`` in the template's locale
- ``number(value, digits=0)``  -> ``format_decimal`` with a fixed number of fraction digits
- ``percent(value, digits=0)`` -> ``format_percent`` (0.8 -> "80%")
- ``date(value)``              -> ``format_date`` (medium)
- ``datetime(value)``          -> ``format_datetime`` (medium)

Nothing formats a number by hand: ``"{:,}".format`` is wrong in Polish and Chinese.
"""

from __future__ import annotations

from datetime import date as date_type
from datetime import datetime as datetime_type
from decimal import Decimal
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal, format_percent
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from bot.core.locales import DEFAULT_LOCALE, LOCALES, normalize_locale

__all__ = ["DEFAULT_LOCALE", "LOCALES", "Renderer", "normalize_locale", "renderer"]

#: Babel locale used for formatting in each template locale.
_BABEL_LOCALE = {"en": "en_US", "zh": "zh_Hans_CN", "pl": "pl_PL"}


def _templates_root() -> Path:
    return Path(str(files("templates")))


class Renderer:
    """Renders ``templates/<locale>/<name>`` with Babel filters bound to that locale."""

    def __init__(self, root: Path | None = None) -> None:
        self._root = root or _templates_root()
        self._envs: dict[str, Environment] = {}

    def env(self, locale: str) -> Environment:
        locale = normalize_locale(locale)
        found = self._envs.get(locale)
        if found is None:
            found = self._build(locale)
            self._envs[locale] = found
        return found

    def render(self, locale: str, name: str, **context: Any) -> str:
        return self.env(locale).get_template(name).render(**context).strip()

    def babel_locale(self, locale: str) -> Locale:
        return Locale.parse(_BABEL_LOCALE[normalize_locale(locale)])

    def _build(self, locale: str) -> Environment:
        babel = _BABEL_LOCALE[locale]
        env = Environment(
            loader=FileSystemLoader(str(self._root / locale)),
            undefined=StrictUndefined,
            autoescape=False,  # plain text out; adapters escape for their markup
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
        )

        def money(amount: Decimal | float | int, currency: str) -> str:
            return format_currency(Decimal(str(amount)), currency, locale=babel)

        def number(value: Decimal | float | int, digits: int = 0) -> str:
            fmt = "#,##0" + (("." + "0" * digits) if digits else "")
            return format_decimal(Decimal(str(value)), format=fmt, locale=babel)

        def percent(value: Decimal | float, digits: int = 0) -> str:
            fmt = "#,##0" + (("." + "0" * digits) if digits else "") + "%"
            return format_percent(Decimal(str(value)), format=fmt, locale=babel)

        def date(value: date_type) -> str:
            return format_date(value, format="medium", locale=babel)

        def datetime(value: datetime_type) -> str:
            return format_datetime(value, format="medium", locale=babel)

        env.filters.update(money=money, number=number, percent=percent, date=date)
        env.filters["datetime"] = datetime
        env.globals["locale"] = locale
        return env


@cache
def renderer() -> Renderer:
    """The process-wide renderer (templates are read once and cached by Jinja2)."""
    return Renderer()
