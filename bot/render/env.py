"""The one Jinja2 environment: templates per locale, numbers and money through Babel.

Templates live in ``templates/<locale>/`` (the same file names in every locale). Filters
(all Babel, see :mod:`bot.render.numbers`):

- ``money(amount, currency, precision="auto")`` -> the locale's currency pattern, CLDR
  currency spacing ("PLN 75,647"), whole units from 1,000 up, cents below
- ``money_sig(amount, currency)`` -> money to three significant digits ("$60,600", "$3.72")
- ``number(value, digits=0)``  -> ``format_decimal`` with a fixed number of fraction digits
- ``sig(value, digits=3)``     -> significant digits, no trailing zeros ("168", "0.287")
- ``percent(value, digits=0)`` -> ``format_percent`` (0.8 -> "80%")
- ``share(value)``             -> a percentage to two significant digits (0.065 -> "6.5%")
- ``count(value, one=, few=, many=, other=)`` -> "5 etatów", "0,8 etatu" (CLDR plural rules)
- ``plural(value, one=, few=, many=, other=)`` -> just the word of ``count``
- ``cap(text)``                -> the first letter upper-case ("pay-per-use …" at a line start)
- ``date(value)``              -> ``format_date`` (long: "9 maja 2025", "May 9, 2025")
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
from babel.numbers import format_decimal, format_percent
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from bot.core.locales import DEFAULT_LOCALE, LOCALES, normalize_locale
from bot.render.numbers import (
    Precision,
    format_count,
    format_money,
    format_share,
    format_significant,
    plural_word,
)

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

        babel_locale = Locale.parse(babel)

        def money(
            amount: Decimal | float | int, currency: str, precision: Precision = "auto"
        ) -> str:
            return format_money(amount, currency, babel_locale, precision)

        def money_sig(amount: Decimal | float | int, currency: str) -> str:
            return format_money(amount, currency, babel_locale, "sig")

        def number(value: Decimal | float | int, digits: int = 0) -> str:
            fmt = "#,##0" + (("." + "0" * digits) if digits else "")
            return format_decimal(Decimal(str(value)), format=fmt, locale=babel)

        def sig(value: Decimal | float | int | str, digits: int = 3) -> str:
            return format_significant(value, babel_locale, digits)

        def percent(value: Decimal | float, digits: int = 0) -> str:
            fmt = "#,##0" + (("." + "0" * digits) if digits else "") + "%"
            return format_percent(Decimal(str(value)), format=fmt, locale=babel)

        def share(value: Decimal | float | str) -> str:
            return format_share(value, babel_locale)

        def count(value: Decimal | float | int | str, digits: int = 3, **forms: str) -> str:
            return format_count(value, babel_locale, digits=digits, **forms)

        def plural(value: Decimal | float | int | str, digits: int = 3, **forms: str) -> str:
            return plural_word(value, babel_locale, digits=digits, **forms)

        def cap(text: str) -> str:
            """The first letter upper-case, the rest as it is (Jinja's capitalize lowers it)."""
            return text[:1].upper() + text[1:]

        def date(value: date_type) -> str:
            # Long, not medium: Polish needs the genitive month ("9 maja 2025", not "9 maj").
            return format_date(value, format="long", locale=babel)

        def datetime(value: datetime_type) -> str:
            return format_datetime(value, format="medium", locale=babel)

        env.filters.update(
            money=money,
            money_sig=money_sig,
            number=number,
            sig=sig,
            percent=percent,
            share=share,
            count=count,
            plural=plural,
            cap=cap,
            date=date,
        )
        env.filters["datetime"] = datetime
        env.globals["locale"] = locale
        return env


@cache
def renderer() -> Renderer:
    """The process-wide renderer (templates are read once and cached by Jinja2)."""
    return Renderer()
