"""The coverage heatmap draws Chinese with the bundled CJK subset font, not English fallback."""

from __future__ import annotations

import warnings
from datetime import date
from importlib.resources import files

from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from matplotlib import font_manager

from bot.handoff.coverage import analyze, heatmap_png, reference_week
from bot.handoff.messages import heatmap_labels
from bot.handoff.roster import Region
from bot.render.chart import cjk_font_path
from bot.render.env import renderer
from bot.render.fonts.subset import heatmap_text

EMEA = Region("EMEA", "Europe/Warsaw", 8 * 60, 17 * 60, frozenset(range(5)), "@anna")


def _drawn(locale: str) -> str:
    labels = heatmap_labels(renderer(), locale)
    return "".join([labels.title, labels.hour_axis, *labels.days, *labels.legend])


def test_the_subset_font_has_every_character_the_chinese_heatmap_draws() -> None:
    """Fails naming the characters when a zh heatmap label outgrows the subset (rebuild it
    with ``python -m bot.render.fonts.subset``)."""
    subset = set(TTFont(str(cjk_font_path()))["cmap"].getBestCmap())
    dejavu_path = font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans"))
    dejavu = set(TTFont(dejavu_path)["cmap"].getBestCmap())
    missing = sorted(
        char for char in _drawn("zh") if not char.isspace() and ord(char) not in subset | dejavu
    )
    assert missing == []


def test_the_subset_script_reads_what_the_heatmap_draws() -> None:
    source = files("templates").joinpath("zh", "handoff.toml").read_text(encoding="utf-8")
    assert set(_drawn("zh")) <= set(heatmap_text(source))


def test_the_chinese_heatmap_draws_its_own_labels() -> None:
    coverage = analyze([EMEA], reference_week(date(2026, 1, 5)))
    english = heatmap_labels(renderer(), "en")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        chinese = heatmap_png(coverage, heatmap_labels(renderer(), "zh"), english)
    assert [str(w.message) for w in caught] == []  # no "Glyph missing" boxes
    # the English fallback would draw exactly the English image
    assert chinese != heatmap_png(coverage, english, english)
