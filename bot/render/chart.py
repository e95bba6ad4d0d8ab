"""The cost chart: monthly cost of each delivery model, split by cost category, as PNG bytes.

Drawn for a phone held upright: :data:`WIDTH_PX` pixels wide at twice the density of a
400-pixel-wide screen, horizontal bars (one per model, cheapest first) with the model's name
above its bar and the total at its end, and the legend of cost categories *below* the bars,
listing only the categories that occur. Every text is at least :data:`MIN_TEXT_PT` points,
which is 12 CSS pixels or more when the image is shown 360 pixels wide
(``tests/render/test_chart.py`` measures every text artist). The category colours are the
Okabe-Ito palette, which stays distinct for the common colour-vision deficiencies, and the
recommended model is marked in words, not by colour alone.

Built on :class:`matplotlib.figure.Figure` with the Agg canvas directly, never ``pyplot``: no
global figure registry, nothing to close, safe in a server that renders for many users.
The bytes are deterministic for the same estimate and locale (no software/date metadata), so
a chart can be cached or compared byte for byte.

Numbers on the chart go through Babel like every other figure, rounded as in the text of the
result (three significant digits). Chinese labels need a CJK font, which most servers lack;
``fonts/sourcewise-cjk.ttf`` is a subset of Droid Sans Fallback (Apache 2.0, see
``fonts/NOTICE``) holding just the characters of the Chinese labels, used as a fallback behind
DejaVu Sans (``fonts/subset.py`` rebuilds it when labels change).
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, lru_cache
from importlib.resources import files
from pathlib import Path

from babel import Locale
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, fontManager
from matplotlib.patches import Rectangle

from bot.render.env import Renderer, normalize_locale
from bot.render.env import renderer as default_renderer
from bot.render.labels import labels_for
from bot.render.numbers import format_money
from costengine.results import CostCategory, Estimate
from costengine.scenario import DeliveryModel

__all__ = [
    "CATEGORY_COLOURS",
    "CHART_FILENAME",
    "DPI",
    "MIN_TEXT_PT",
    "WIDTH_PX",
    "chart_figure",
    "cjk_font_path",
    "render_chart",
]

CHART_FILENAME = "sourcewise-costs.png"

#: One fixed colour per stack: the Okabe-Ito palette (safe for colour-blind readers), then
#: two greys. Light and dark alternate in the usual order, so neighbours stay apart.
CATEGORY_COLOURS: dict[CostCategory, str] = {
    CostCategory.LABOUR: "#0072B2",
    CostCategory.MANAGEMENT: "#56B4E9",
    CostCategory.HIRING_TRAINING: "#009E73",
    CostCategory.WORKSPACE_IT: "#F0E442",
    CostCategory.TECHNOLOGY: "#E69F00",
    CostCategory.TELEPHONY: "#D55E00",
    CostCategory.PROVIDER: "#CC79A7",
    CostCategory.ONE_TIME: "#999999",
    CostCategory.VENDOR_MANAGEMENT: "#555555",
}

#: Pixel density: twice a phone's CSS pixel, so the image stays sharp on a 2x screen.
DPI = 200
#: 800 pixels: a 400-pixel-wide screen at 2x.
WIDTH_IN = 4.0
WIDTH_PX = int(WIDTH_IN * DPI)
#: The smallest text on the chart: 10 pt at 200 dpi is 27.8 px, 12.5 px at 360 px wide.
MIN_TEXT_PT = 10.0
_TITLE_PT = 11.0
_BASE_FAMILY = "DejaVu Sans"
_WINNER_COLOUR = "#0b5394"
_TEXT_COLOUR = "#222222"

# Vertical layout, in inches from the top.
_MARGIN = 0.14
_LINE = 0.21  # one line of 10 pt text
_BAR = 0.26
_GAP = 0.14
_SWATCH = 0.14
_VALUE_ROOM = 1.05  # right of the longest bar: its total
_LEFT = 0.12


def cjk_font_path() -> Path:
    """The bundled CJK subset font (a fallback for Chinese labels)."""
    return Path(str(files("bot.render") / "fonts" / "sourcewise-cjk.ttf"))


@cache
def _cjk_family() -> str | None:
    """Register the bundled CJK subset with matplotlib and return its family name.

    ``fontManager.addfont`` only adds the file to matplotlib's font list (idempotent); it
    does not touch rcParams, so nothing about how other figures look changes.
    """
    path = cjk_font_path()
    if not path.is_file():
        return None
    fontManager.addfont(str(path))
    return str(FontProperties(fname=str(path)).get_name())


def _font_families(locale: str) -> tuple[str, ...]:
    """DejaVu Sans, with the CJK subset behind it for Chinese (glyph by glyph fallback)."""
    cjk = _cjk_family() if locale == "zh" else None
    return (_BASE_FAMILY, cjk) if cjk else (_BASE_FAMILY,)


def _font(families: tuple[str, ...], size: float) -> FontProperties:
    # One weight throughout: the CJK subset has no bold, and matplotlib would log a warning.
    return FontProperties(family=list(families), size=size)


def _wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` characters (CJK text, without spaces, by characters)."""
    if " " not in text and any(ord(char) > 0x2E80 for char in text):
        width = max(width // 2, 1)  # a CJK character is about two Latin ones wide
        return [text[i : i + width] for i in range(0, len(text), width)] or [text]
    return textwrap.wrap(text, width=width) or [text]


@dataclass(frozen=True, slots=True)
class _ChartData:
    """Everything the chart shows, hashable: equal data draws equal bytes (and is cached)."""

    locale: str
    currency: str
    models: tuple[DeliveryModel, ...]
    totals: tuple[Decimal, ...]
    stacks: tuple[tuple[CostCategory, tuple[float, ...]], ...]
    winner: DeliveryModel


def _data(estimate: Estimate, locale: str) -> _ChartData:
    models = [m for m in estimate.recommendation.ranking if m in estimate.models]
    models += [m for m in DeliveryModel if m in estimate.models and m not in models]
    stacks = []
    for category in CostCategory:
        widths = tuple(
            float(
                sum(
                    (i.amount for i in estimate.models[m].line_items if i.category is category),
                    Decimal(0),
                )
            )
            for m in models
        )
        if any(width > 0 for width in widths):
            stacks.append((category, widths))
    return _ChartData(
        locale=normalize_locale(locale),
        currency=estimate.currency,
        models=tuple(models),
        totals=tuple(estimate.models[m].monthly_total for m in models),
        stacks=tuple(stacks),
        winner=estimate.recommendation.model,
    )


def render_chart(estimate: Estimate, locale: str, *, renderer: Renderer | None = None) -> bytes:
    """PNG bytes of the monthly cost per model, cheapest first, the recommended one named."""
    return _draw(_data(estimate, locale), renderer or default_renderer())


def chart_figure(estimate: Estimate, locale: str, *, renderer: Renderer | None = None) -> Figure:
    """The chart as a matplotlib figure (what :func:`render_chart` saves), for measuring."""
    return _figure(_data(estimate, locale), renderer or default_renderer())


@lru_cache(maxsize=32)
def _draw(data: _ChartData, source: Renderer) -> bytes:
    """The PNG of ``data`` (a result and its quick view, or a redisplay, draw it once)."""
    figure = _figure(data, source)
    buffer = io.BytesIO()
    figure.savefig(
        buffer, format="png", metadata={"Software": None}, pil_kwargs={"compress_level": 1}
    )
    return buffer.getvalue()


def _figure(data: _ChartData, source: Renderer) -> Figure:
    locale, currency, models = data.locale, data.currency, list(data.models)
    labels = labels_for(source, locale)
    babel: Locale = source.babel_locale(locale)
    families = _font_families(locale)
    text_font, title_font = _font(families, MIN_TEXT_PT), _font(families, _TITLE_PT)
    recommended = labels.get("chart", "recommended")
    title = _wrap(labels.fill("chart", "title", {"currency": currency}), 40)
    legend_title = labels.get("chart", "legend")
    categories = [category for category, _ in data.stacks]
    legend_rows = [_wrap(labels.get("category", category.value), 21) for category in categories]
    # Two legend columns; a row is as tall as its longer entry.
    pairs = [legend_rows[i : i + 2] for i in range(0, len(legend_rows), 2)]
    legend_lines = sum(max(len(entry) for entry in pair) for pair in pairs)

    height = (
        _MARGIN
        + _LINE * 1.2 * len(title)
        + _GAP
        + len(models) * (_LINE + _BAR + _GAP)
        + _GAP
        + _LINE
        + legend_lines * _LINE
        + len(pairs) * 0.06
        + _MARGIN
    )
    figure = Figure(figsize=(WIDTH_IN, height), dpi=DPI)
    FigureCanvasAgg(figure)  # attaches itself to the figure: Agg, whatever the backend

    def y(inches_from_top: float) -> float:
        return 1 - inches_from_top / height

    def x(inches: float) -> float:
        return inches / WIDTH_IN

    top = _MARGIN
    for line in title:
        figure.text(x(_LEFT), y(top), line, va="top", fontproperties=title_font, color=_TEXT_COLOUR)
        top += _LINE * 1.2
    top += _GAP

    stacks = dict(data.stacks)
    peak = max([float(total) for total in data.totals] + [1.0])
    scale = (WIDTH_IN - _LEFT - _VALUE_ROOM) / peak
    for index, model in enumerate(models):
        winner = model is data.winner
        name = labels.get("model", model.value)
        colour = _WINNER_COLOUR if winner else _TEXT_COLOUR
        figure.text(
            x(_LEFT),
            y(top),
            f"{name} · {recommended}" if winner else name,
            va="top",
            fontproperties=text_font,
            color=colour,
        )
        top += _LINE
        left = _LEFT
        for category in categories:
            width = max(stacks[category][index], 0.0) * scale
            if width <= 0:
                continue
            figure.add_artist(
                Rectangle(
                    (x(left), y(top + _BAR)),
                    x(width),
                    _BAR / height,
                    facecolor=CATEGORY_COLOURS[category],
                    edgecolor="white",
                    linewidth=0.6,
                )
            )
            left += width
        total = format_money(data.totals[index], currency, babel, "sig")
        figure.text(
            x(left + 0.06),
            y(top + _BAR / 2),
            total,
            va="center",
            fontproperties=text_font,
            color=colour,
        )
        top += _BAR + _GAP

    top += _GAP
    figure.text(
        x(_LEFT), y(top), legend_title, va="top", fontproperties=text_font, color=_TEXT_COLOUR
    )
    top += _LINE
    column = (WIDTH_IN - _LEFT) / 2
    for pair_index, pair in enumerate(pairs):
        for side, entry in enumerate(pair):
            category = categories[pair_index * 2 + side]
            left = _LEFT + side * column
            figure.add_artist(
                Rectangle(
                    (x(left), y(top + 0.03 + _SWATCH)),
                    x(_SWATCH),
                    _SWATCH / height,
                    facecolor=CATEGORY_COLOURS[category],
                    edgecolor="#666666",
                    linewidth=0.4,
                )
            )
            figure.text(
                x(left + _SWATCH + 0.07),
                y(top),
                "\n".join(entry),
                va="top",
                fontproperties=text_font,
                color=_TEXT_COLOUR,
                linespacing=1.05,
            )
        top += max(len(entry) for entry in pair) * _LINE + 0.06
    return figure
