"""``python -m bench``: run every bench module's ``main()`` and exit non-zero if any failed.

A bench module is any public module in this package with a ``main() -> int``; each prints its
own table and updates its own section of ``bench/RESULTS.md``.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def main() -> int:
    failed: list[str] = []
    here = str(Path(__file__).parent)
    for info in sorted(pkgutil.iter_modules([here]), key=lambda found: found.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"bench.{info.name}")
        run = getattr(module, "main", None)
        if not callable(run):
            continue
        print(f"# bench.{info.name}", flush=True)
        status = run()
        print(flush=True)
        if status:
            failed.append(info.name)
    if failed:
        print(f"bench failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
