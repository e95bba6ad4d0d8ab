"""A server killed with SIGKILL takes its compute workers with it.

The workers wait on a queue whose both ends they hold, so without the parent watch they
outlive a ``kill -9`` of the server for ever (seen: two warm workers, 100 MB each, left by
the replica-kill test).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.compute import PARENT_CHECK_SECONDS

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A dead child of ours not yet reaped would still answer; these are not our children.
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        return stat.read().split()[2] != "Z"


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads process states from /proc")
def test_workers_exit_when_their_server_is_killed() -> None:
    with subprocess.Popen(
        [sys.executable, "-m", "tests.service.pool_owner"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    ) as owner:
        assert owner.stdout is not None
        try:
            workers = [int(pid) for pid in owner.stdout.readline().split()]
        finally:
            os.kill(owner.pid, signal.SIGKILL)
            owner.wait(timeout=30)
    assert len(workers) == 2
    # The watch checks once a PARENT_CHECK_SECONDS; allow for a loaded machine.
    deadline = time.monotonic() + 30 * PARENT_CHECK_SECONDS
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in workers), f"orphaned workers still running: {workers}"
