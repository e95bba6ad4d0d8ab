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

from bot.render.chart import CATEGORY_COLOURS, cjk_font_path, render_chart
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
    assert (width, height) == (800, 450)
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
    texts += [labels.get("chart", "title"), labels.get("chart", "recommended")]
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
