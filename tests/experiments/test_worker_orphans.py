"""A pool worker ends when its parent is gone, even one that starts after the parent died
(kill -9 while a spawned worker was still importing)."""

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

WORKER = """
import os, sys, time
from experiments.many.worker import init_pool_worker
parent = int(sys.argv[1])
while os.getppid() == parent:  # start only once the parent has died
    time.sleep(0.01)
init_pool_worker(parent)
time.sleep(60)  # an orphan blocked on its task queue
"""

LAUNCHER = """
import os, subprocess, sys
worker = [sys.executable, "-c", sys.argv[1], str(os.getpid())]
subprocess.Popen(worker, stderr=open(sys.argv[2], "w"))
"""  # starts the worker and dies at once


def test_a_worker_starting_after_its_parent_died_still_ends(
        tmp_path: Path, process_group_ends: Callable[[int, float], bool]) -> None:
    errors = tmp_path / "worker.err"
    launcher = subprocess.Popen([sys.executable, "-c", LAUNCHER, WORKER, str(errors)],
                                start_new_session=True, cwd=Path(__file__).parents[2])
    try:
        assert launcher.wait(timeout=30) == 0
        assert process_group_ends(launcher.pid, 30.0), "the orphaned worker kept running"
        assert errors.read_text() == ""  # it ended by watching, not by failing
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(launcher.pid, signal.SIGKILL)
