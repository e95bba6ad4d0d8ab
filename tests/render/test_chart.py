"""The cost chart: a real PNG, deterministic, stacked by category, Chinese without boxes."""

from __future__ import annotations

import hashlib
import io
import struct
import subprocess
import sys
import warnings
import zlib
from decimal import Decimal

import pytest
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from matplotlib import font_manager
from matplotlib.image import imread
from matplotlib.text import Text

from bot.render.chart import (
    CATEGORY_COLOURS,
    DPI,
    WIDTH_PX,
    chart_figure,
    cjk_font_path,
    render_chart,
)
from bot.render.env import renderer
from bot.render.fonts.subset import EXTRA_CHARACTERS
from bot.render.labels import labels_for
from costengine.results import CostCategory, Estimate
from costengine.scenario import DeliveryModel
from tests.render.fixtures import make_estimate

PNG = b"\x89PNG\r\n\x1a\n"


def chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    """(type, data) of every PNG chunk, checking each CRC."""
    assert png.startswith(PNG)
    found, offset = [], len(PNG)
    while offset < len(png):
        (length,) = struct.unpack(">I", png[offset : offset + 4])
        kind = png[offset + 4 : offset + 8]
        data = png[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", png[offset + 8 + length : offset + 12 + length])
        assert zlib.crc32(kind + data) == crc
        found.append((kind, data))
        offset += 12 + length
    return found


def colours_in(png: bytes) -> set[str]:
    pixels = imread(io.BytesIO(png), format="png")
    rgb = (pixels[:, :, :3] * 255).round().astype(int).reshape(-1, 3)
    return {"#{:02X}{:02X}{:02X}".format(*row) for row in {tuple(p) for p in rgb.tolist()}}


@pytest.fixture(scope="module")
def estimate() -> Estimate:
    return make_estimate()


@pytest.mark.parametrize("locale", ["en", "zh", "pl"])
def test_chart_is_a_valid_png_without_software_metadata(estimate: Estimate, locale: str) -> None:
    png = render_chart(estimate, locale)
    found = chunks(png)
    assert found[0][0] == b"IHDR" and found[-1][0] == b"IEND"
    width, height = struct.unpack(">II", found[0][1][:8])
    assert width == WIDTH_PX == 800  # a 400-pixel-wide phone screen at 2x
    assert 700 <= height <= 1400  # upright, like the phone
    text = b"".join(data for kind, data in found if kind in (b"tEXt", b"iTXt", b"zTXt"))
    assert b"Software" not in text and b"matplotlib" not in text.lower()


def test_chart_bytes_depend_on_locale(estimate: Estimate) -> None:
    assert render_chart(estimate, "en") != render_chart(estimate, "pl")


def test_chart_stacks_each_present_category_in_its_colour(estimate: Estimate) -> None:
    colours = colours_in(render_chart(estimate, "en"))
    present = {item.category for cost in estimate.models.values() for item in cost.line_items}
    for category, colour in CATEGORY_COLOURS.items():
        assert (colour.upper() in colours) == (category in present), category


def test_chart_changes_when_a_figure_changes(estimate: Estimate) -> None:
    hosted = estimate.models[DeliveryModel.HOSTED]
    cheaper = hosted.model_copy(
        update={
            "line_items": tuple(
                item.model_copy(update={"amount": item.amount / 2}) for item in hosted.line_items
            ),
            "monthly_total": (hosted.monthly_total / 2).quantize(Decimal("0.01")),
        }
    )
    changed = estimate.model_copy(
        update={"models": {**estimate.models, DeliveryModel.HOSTED: cheaper}}
    )
    assert render_chart(changed, "en") != render_chart(estimate, "en")


def test_chinese_chart_renders_without_missing_glyphs(estimate: Estimate) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        render_chart(estimate, "zh")
    assert [str(w.message) for w in caught] == []


def test_cjk_subset_covers_every_chinese_chart_label() -> None:
    """Fails with the missing characters when a zh label outgrows the bundled subset font
    (rebuild it with ``python -m bot.render.fonts.subset``)."""
    labels = labels_for(renderer(), "zh")
    texts = [labels.get("model", m.value) for m in DeliveryModel]
    texts += [labels.get("category", c.value) for c in CostCategory]
    texts += [labels.get("chart", key) for key in ("title", "recommended", "legend")]
    subset = set(TTFont(str(cjk_font_path()))["cmap"].getBestCmap())
    dejavu_path = font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans"))
    dejavu = set(TTFont(dejavu_path)["cmap"].getBestCmap())
    needed = {char for text in texts for char in text + EXTRA_CHARACTERS if not char.isspace()}
    missing = sorted(char for char in needed if ord(char) not in subset | dejavu)
    assert missing == []


def test_chart_is_byte_identical_across_processes_and_never_imports_pyplot() -> None:
    """Rendered in a fresh interpreter (no cache), the bytes equal this process's bytes."""
    code = (
        "import hashlib, sys\n"
        "from tests.render.fixtures import make_estimate\n"
        "from bot.render.chart import render_chart\n"
        "print(hashlib.sha256(render_chart(make_estimate(), 'zh')).hexdigest())\n"
        "print('matplotlib.pyplot' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    digest, pyplot = result.stdout.split()
    assert digest == hashlib.sha256(render_chart(make_estimate(), "zh")).hexdigest()
    assert pyplot == "False"


#: Shown 360 CSS pixels wide (the narrowest common phone), no text may be under 12 px.
PHONE_PX = 360
MIN_PX = 12


def text_px_at_phone_width(size_pt: float) -> float:
    return size_pt * DPI / 72 * PHONE_PX / WIDTH_PX


@pytest.mark.parametrize("locale", ["en", "zh", "pl"])
def test_every_text_is_at_least_12_px_on_a_360_px_wide_phone(
    estimate: Estimate, locale: str
) -> None:
    """Issue 15, problem 8: at 7ff2637 the 800x450 chart shown 360 px wide set its text at
    4-5 px. Every text artist of the figure is measured."""
    figure = chart_figure(estimate, locale)
    texts = [text for text in figure.findobj(Text) if text.get_text().strip()]
    assert texts
    small = [
        (text.get_text(), round(text_px_at_phone_width(text.get_fontsize()), 1))
        for text in texts
        if text_px_at_phone_width(text.get_fontsize()) < MIN_PX
    ]
    assert small == []


def test_the_legend_is_below_the_bars_and_lists_only_categories_that_occur(
    estimate: Estimate,
) -> None:
    """Problem 8: the legend took a third of the width beside the bars. It is below them,
    full width, and names only the categories present."""
    dropped = (CostCategory.ONE_TIME, CostCategory.TELEPHONY)
    estimate = estimate.model_copy(
        update={
            "models": {
                model: cost.model_copy(
                    update={
                        "line_items": tuple(i for i in cost.line_items if i.category not in dropped)
                    }
                )
                for model, cost in estimate.models.items()
            }
        }
    )
    labels = labels_for(renderer(), "en")
    figure = chart_figure(estimate, "en")
    texts = {text.get_text().replace("\n", " "): text for text in figure.texts}
    models = [
        texts[labels.get("model", m.value)]
        for m in DeliveryModel
        if m is not DeliveryModel.OUTSOURCED
    ]
    present = {item.category for cost in estimate.models.values() for item in cost.line_items}
    legend = [texts[labels.get("category", c.value)] for c in present]
    lowest_model = min(text.get_position()[1] for text in models)
    assert all(text.get_position()[1] < lowest_model for text in legend)
    absent = [c for c in CostCategory if c not in present]
    assert absent and all(labels.get("category", c.value) not in texts for c in absent)


def _simulate(colour: str, matrix: tuple[tuple[float, ...], ...]) -> tuple[float, float, float]:
    """``colour`` as a reader with a colour-vision deficiency sees it (Machado et al. 2009,
    severity 1, applied in linear RGB), back in sRGB 0-255."""

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    def gamma(c: float) -> float:
        c = min(max(c, 0.0), 1.0)
        return 12.92 * c if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055

    rgb = [linear(int(colour[i : i + 2], 16) / 255) for i in (1, 3, 5)]
    out = [sum(m * v for m, v in zip(row, rgb, strict=True)) for row in matrix]
    r, g, b = (gamma(v) * 255 for v in out)
    return r, g, b


DEUTERANOPIA = (
    (0.367322, 0.860646, -0.227968),
    (0.280085, 0.672501, 0.047413),
    (-0.011820, 0.042940, 0.968881),
)
PROTANOPIA = (
    (0.152286, 1.052583, -0.204868),
    (0.114503, 0.786281, 0.099216),
    (-0.003882, -0.048116, 1.051998),
)


def distance(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    return float(sum((x - y) ** 2 for x, y in zip(a, b, strict=True)) ** 0.5)


def distinct_for_colour_blind_readers(colours: list[str], minimum: float) -> bool:
    for matrix in (DEUTERANOPIA, PROTANOPIA):
        seen = [_simulate(c, matrix) for c in colours]
        for i, a in enumerate(seen):
            for b in seen[i + 1 :]:
                if distance(a, b) < minimum:
                    return False
    return True


def test_category_colours_stay_apart_for_colour_blind_readers() -> None:
    """Problem 8 (palettes): the first stacks, the ones most charts show, stay distinct
    under deuteranopia and protanopia."""
    first = [
        CATEGORY_COLOURS[c]
        for c in (
            CostCategory.LABOUR,
            CostCategory.MANAGEMENT,
            CostCategory.HIRING_TRAINING,
            CostCategory.PROVIDER,
            CostCategory.VENDOR_MANAGEMENT,
        )
    ]
    assert distinct_for_colour_blind_readers(first, 40)
