"""The cost chart: monthly cost of each delivery model, stacked by cost category, as PNG bytes.

Built on :class:`matplotlib.figure.Figure` with the Agg canvas directly, never ``pyplot``: no
global figure registry, nothing to close, safe in a server that renders for many users.
The bytes are deterministic for the same estimate and locale (no software/date metadata), so
a chart can be cached or compared byte for byte.

Numbers on the chart go through Babel like every other figure. Chinese labels need a CJK
font, which most servers lack; ``fonts/sourcewise-cjk.ttf`` is a subset of Droid Sans
Fallback (Apache 2.0, see ``fonts/NOTICE``) holding just the characters of the Chinese labels,
used as a fallback behind DejaVu Sans (``fonts/subset.py`` rebuilds it when labels change).
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
from babel.numbers import format_compact_currency
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, fontManager
from matplotlib.patches import Rectangle

from bot.render.env import Renderer, normalize_locale
from bot.render.env import renderer as default_renderer
from bot.render.labels import labels_for
from costengine.results import CostCategory, Estimate
from costengine.scenario import DeliveryModel

__all__ = ["CATEGORY_COLOURS", "CHART_FILENAME", "cjk_font_path", "render_chart"]

CHART_FILENAME = "sourcewise-costs.png"

#: One fixed colour per stack (colour-blind-safe Okabe-Ito order, then greys).
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

_SIZE_INCHES = (8.0, 4.5)
_DPI = 100
_BASE_FAMILY = "DejaVu Sans"
_BAR_HALF_WIDTH = 0.3
_LABEL_WIDTH = 14
_WINNER_COLOUR = "#0b5394"


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


def _wrap(label: str) -> str:
    """Long model names on two lines, so four of them fit side by side (Polish)."""
    return "\n".join(textwrap.wrap(label, width=_LABEL_WIDTH)) or label


def _font(families: tuple[str, ...], size: float) -> FontProperties:
    # One weight throughout: the CJK subset has no bold, and matplotlib would log a warning.
    return FontProperties(family=list(families), size=size)


@dataclass(frozen=True, slots=True)
class _ChartData:
    """Everything the chart shows, hashable: equal data draws equal bytes (and is cached)."""

    locale: str
    currency: str
    models: tuple[DeliveryModel, ...]
    totals: tuple[Decimal, ...]
    stacks: tuple[tuple[CostCategory, tuple[float, ...]], ...]
    winner: DeliveryModel


def render_chart(estimate: Estimate, locale: str, *, renderer: Renderer | None = None) -> bytes:
    """PNG bytes of the stacked monthly cost per model, cheapest first, winner marked."""
    models = [m for m in estimate.recommendation.ranking if m in estimate.models]
    models += [m for m in DeliveryModel if m in estimate.models and m not in models]
    stacks = []
    for category in CostCategory:
        heights = tuple(
            float(
                sum(
                    (i.amount for i in estimate.models[m].line_items if i.category is category),
                    Decimal(0),
                )
            )
            for m in models
        )
        if any(heights):
            stacks.append((category, heights))
    data = _ChartData(
        locale=normalize_locale(locale),
        currency=estimate.currency,
        models=tuple(models),
        totals=tuple(estimate.models[m].monthly_total for m in models),
        stacks=tuple(stacks),
        winner=estimate.recommendation.model,
    )
    return _draw(data, renderer or default_renderer())


@lru_cache(maxsize=32)
def _draw(data: _ChartData, source: Renderer) -> bytes:
    """The PNG of ``data`` (a result and its quick view, or a redisplay, draw it once)."""
    locale, currency, models = data.locale, data.currency, list(data.models)
    labels = labels_for(source, locale)
    babel: Locale = source.babel_locale(locale)
    positions = list(range(len(models)))
    stacks = dict(data.stacks)
    totals = dict(zip(models, data.totals, strict=True))

    figure = Figure(figsize=_SIZE_INCHES, dpi=_DPI)
    FigureCanvasAgg(figure)  # attaches itself to the figure: Agg, whatever the backend
    # Plain primitives with fixed limits and ticks: no autoscaling, no legend layout engine,
    # which keeps a chart near 50 ms (bar() and legend() alone cost twice that).
    axes = figure.add_axes((0.11, 0.16, 0.57, 0.72))
    families = _font_families(locale)

    bottoms = [0.0] * len(models)
    rectangles: list[list[tuple[float, float]]] = []
    colours: list[str] = []
    for category, heights in stacks.items():
        for x, (bottom, height) in enumerate(zip(bottoms, heights, strict=True)):
            if height > 0:
                left, right, top = x - _BAR_HALF_WIDTH, x + _BAR_HALF_WIDTH, bottom + height
                rectangles.append([(left, bottom), (left, top), (right, top), (right, bottom)])
                colours.append(CATEGORY_COLOURS[category])
        bottoms = [b + max(h, 0.0) for b, h in zip(bottoms, heights, strict=True)]
    axes.add_collection(
        PolyCollection(rectangles, facecolors=colours, edgecolors="white", linewidths=0.5),
        autolim=False,
    )

    winner = data.winner
    peak = max([*bottoms, 1.0])
    axes.set_xlim(-0.5, len(models) - 0.5)
    axes.set_ylim(0, peak * 1.18)
    axes.set_yticks([])
    axes.set_xticks(
        positions,
        labels=[_wrap(labels.get("model", m.value)) for m in models],
        fontproperties=_font(families, 9),
    )
    axes.tick_params(axis="x", length=0)
    for spine in ("top", "right", "left"):
        axes.spines[spine].set_visible(False)

    recommended = labels.get("chart", "recommended")
    for x, model in enumerate(models):
        total = totals[model]
        amount = format_compact_currency(total, currency, locale=babel, fraction_digits=1)
        axes.text(
            x,
            bottoms[x] + peak * 0.015,
            f"{recommended}\n{amount}" if model is winner else amount,
            ha="center",
            va="bottom",
            fontproperties=_font(families, 9),
            color=_WINNER_COLOUR if model is winner else "black",
        )
    if winner in models:
        axes.get_xticklabels()[models.index(winner)].set_color(_WINNER_COLOUR)

    figure.text(
        0.395,
        0.94,
        labels.fill("chart", "title", {"currency": currency}),
        ha="center",
        va="center",
        fontproperties=_font(families, 11),
    )
    # The legend, top stack first, drawn by hand in figure coordinates.
    for row, category in enumerate(reversed(stacks)):
        y = 0.86 - row * 0.055
        figure.add_artist(
            Rectangle((0.71, y - 0.015), 0.018, 0.03, color=CATEGORY_COLOURS[category])
        )
        figure.text(
            0.735,
            y,
            labels.get("category", category.value),
            va="center",
            fontproperties=_font(families, 8),
        )

    buffer = io.BytesIO()
    figure.savefig(
        buffer, format="png", metadata={"Software": None}, pil_kwargs={"compress_level": 1}
    )
    return buffer.getvalue()
