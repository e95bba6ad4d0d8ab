"""What every bench module shares when it reports: the machine line and its RESULTS.md section.

Each bench owns one section of ``bench/RESULTS.md`` between ``<!-- NAME:start -->`` and
``<!-- NAME:end -->`` and rewrites only that, so the benches can run one at a time and the
hand-written text around them stays. (The leading underscore keeps ``python -m bench`` from
running this module as a bench.)
"""

from __future__ import annotations

import contextlib
import os
import platform
from pathlib import Path

__all__ = ["RESULTS", "machine", "write_section"]

RESULTS = Path(__file__).with_name("RESULTS.md")


def machine(*, cores: bool = False) -> str:
    """Architecture, CPU model and Python version (and, with ``cores``, the visible cores)."""
    model = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    visible = f"{os.cpu_count()} cores visible, " if cores else ""
    return f"{platform.machine()}, {model}, {visible}Python {platform.python_version()}"


def write_section(name: str, text: str, results: Path = RESULTS) -> None:
    """Replace section ``name`` of ``results`` with ``text``, or append it when it is new."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    block = f"{start}\n{text.rstrip()}\n{end}\n"
    old = results.read_text(encoding="utf-8") if results.exists() else "# Benchmark results\n\n"
    if start in old and end in old:
        head, rest = old.split(start, 1)
        tail = rest.split(end, 1)[1].lstrip("\n")
        new = f"{head}{block}\n{tail}" if tail else f"{head}{block}"
    else:
        new = f"{old.rstrip()}\n\n{block}"
    results.write_text(new, encoding="utf-8")
