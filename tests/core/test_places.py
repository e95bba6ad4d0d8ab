"""The place index: shipped as built from maintained data, small once loaded."""

from __future__ import annotations

import gzip
import importlib.util
import subprocess
import sys
from pathlib import Path

from bot.core.places import card_for, find_place, zone_abbreviation

ROOT = Path(__file__).resolve().parents[2]


def test_the_shipped_index_is_what_the_build_script_makes() -> None:
    spec = importlib.util.spec_from_file_location("build_places", ROOT / "scripts/build_places.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    built = "\n".join(module.build()) + "\n"
    shipped = gzip.decompress((ROOT / "bot/core/data/places.tsv.gz").read_bytes()).decode()
    assert shipped == built, "run python scripts/build_places.py"


def test_places_cards_and_zones() -> None:
    ohio = find_place("Ohio")[0]
    assert ohio.kind == "state" and ohio.zone == "America/New_York"
    assert card_for(find_place("Seattle")[0]).region == "US"
    assert card_for(find_place("France")[0]).stand_in
    assert zone_abbreviation("PST") == ("America/Los_Angeles",)
    assert len(zone_abbreviation("IST")) == 2


def test_loading_the_index_stays_small() -> None:
    """Measured in a fresh process: the resident memory the loaded index adds."""
    probe = (
        "import gc, bot.core.places as p, bot.core.regions\n"
        "rss = lambda: int(open('/proc/self/statm').read().split()[1]) * 4096\n"
        "before = rss(); p._index(); gc.collect(); print(rss() - before)\n"
    )
    added = int(subprocess.check_output([sys.executable, "-c", probe], cwd=ROOT, text=True))
    assert added < 20 * 2**20, f"{added / 2**20:.1f} MB"
