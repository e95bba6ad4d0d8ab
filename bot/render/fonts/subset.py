"""Rebuild ``sourcewise-cjk.ttf``: the CJK characters of the Chinese labels, cut from Droid
Sans Fallback (Apache 2.0), so charts render Chinese on servers without CJK fonts while the
package stays small (a full CJK font is 4-16 MB).

Two images draw Chinese: the estimate chart (labels in ``templates/zh/result.toml``) and the
handoff coverage heatmap (the ``[heatmap]`` title, axis and legend of
``templates/zh/handoff.toml`` and Babel's abbreviated Chinese day names). Only what they draw
is kept: the rest of ``handoff.toml`` is chat text, rendered by the user's own fonts.

Run after changing either file::

    apt-get download fonts-droid-fallback && dpkg-deb -x fonts-droid-fallback_*.deb x
    .venv/bin/python -m bot.render.fonts.subset \\
        x/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf

``tests/render/test_chart.py`` and ``tests/handoff/test_heatmap_font.py`` fail, naming the
characters, when a label needs a glyph that neither DejaVu Sans nor the subset has.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

from fontTools import subset  # type: ignore[import-untyped]

__all__ = ["EXTRA_CHARACTERS", "FAMILY", "characters_needed", "heatmap_text", "main"]

HERE = Path(__file__).resolve().parent
TARGET = HERE / "sourcewise-cjk.ttf"
LABELS = HERE.parents[2] / "templates" / "zh" / "result.toml"
HANDOFF = HERE.parents[2] / "templates" / "zh" / "handoff.toml"

#: Characters Babel's Chinese number and currency formats use, plus CJK punctuation.
EXTRA_CHARACTERS = "千万亿兆（）：、，。？！《》“”—…·¥"


def characters_needed(labels: str) -> str:
    """Every non-ASCII character of the Chinese labels, plus :data:`EXTRA_CHARACTERS`."""
    chars = {char for char in labels + EXTRA_CHARACTERS if ord(char) > 0x7F}
    return "".join(sorted(chars))


def heatmap_text(handoff_toml: str) -> str:
    """Everything the Chinese coverage heatmap writes: its ``[heatmap]`` title, axis label
    and legend, and the day names (Babel's short Chinese names, as
    :func:`bot.handoff.messages.heatmap_labels` uses them). The ``alt`` text is not drawn."""
    from babel.dates import get_day_names

    heatmap = tomllib.loads(handoff_toml)["heatmap"]
    days = get_day_names("short", context="stand-alone", locale="zh")
    return "".join(
        [heatmap["title"], heatmap["hours"], heatmap["utc"], *heatmap["legend"], *days.values()]
    )


#: The subset is a modified font: it gets its own name (Apache 2.0 grants no trademark).
FAMILY = "Sourcewise CJK"


def _rename(font: subset.ttLib.TTFont) -> None:
    names = {1: FAMILY, 3: f"{FAMILY} subset", 4: FAMILY, 6: FAMILY.replace(" ", "")}
    table = font["name"]
    for record in list(table.names):
        if record.nameID in names:
            table.setName(
                names[record.nameID],
                record.nameID,
                record.platformID,
                record.platEncID,
                record.langID,
            )
        elif record.nameID in (16, 17, 21, 22):
            table.removeNames(nameID=record.nameID)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    options = subset.Options()
    options.hinting = False
    options.layout_features = ["*"]
    font = subset.load_font(args[0], options)
    subsetter = subset.Subsetter(options)
    labels = LABELS.read_text(encoding="utf-8") + heatmap_text(HANDOFF.read_text(encoding="utf-8"))
    subsetter.populate(text=characters_needed(labels))
    subsetter.subset(font)
    _rename(font)
    subset.save_font(font, str(TARGET), options)
    print(f"wrote {TARGET} ({TARGET.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
