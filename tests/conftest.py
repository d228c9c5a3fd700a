"""Fixtures shared by every test folder: identical-results checks, and stopping a command
mid-run (kill -9, Ctrl-C) to test that experiments resume."""

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

UNTIL = "2025-11-30"  # one month: the mechanics, not the model, are under test

Stopped = tuple[int, str, str]
"""How a stopped command ended: its status, stdout and stderr."""


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "dask: starts a real Dask LocalCluster (deselect with "
                            "-m 'not dask')")


def same_frames(left: pd.DataFrame, right: pd.DataFrame) -> None:
    """Exactly equal frames (no float tolerance)."""
    pd.testing.assert_frame_equal(left.reset_index(drop=True), right.reset_index(drop=True),
                                  check_exact=True)


@pytest.fixture
def assert_same_results() -> Callable[[Path, Path], None]:
    """A check that two experiment folders hold identical summary and bands files."""

    def check(a: Path, b: Path) -> None:
        for name in ("summary.parquet", "bands.parquet"):
            same_frames(pd.read_parquet(a / name), pd.read_parquet(b / name))

    return check


@pytest.fixture(scope="session")
def reps_for() -> Callable[[float], int]:
    """Runs enough for ``seconds`` of work on two workers, whatever a run costs here.

    A run is timed warm (the first in a process pays for imports and caches): timed cold,
    it made too few runs, and an experiment meant to be stopped mid-run could end first.
    """
    from worlds.run import run_world

    run_world("iren", 0, UNTIL)
    started = time.perf_counter()
    run_world("iren", 1, UNTIL)
    per_run = time.perf_counter() - started

    def reps(seconds: float = 2.0) -> int:
        return max(16, min(200, int(2 * seconds / max(per_run, 1e-3))))

    return reps


def group_ends(pgid: int, within: float) -> bool:
    """Whether every process of a group is gone within ``within`` seconds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def shard_count(folder: Path) -> int:
    """Finished runs (final shard names) in an experiment folder."""
    return len(list((folder / "shards").glob("*.parquet")))


def _default_sigint() -> None:
    """In the child: Ctrl-C's default action, as in a terminal.

    A shell starting a command in the background without job control (``cmd &`` in a
    script) makes it ignore SIGINT, its children too; Python then leaves SIGINT ignored,
    and a test of Ctrl-C would see the experiment finish instead.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_and_stop(command: list[str], folder: Path, sig: int, at_least: int = 3) -> Stopped:
    """Start an experiment ``command`` writing ``folder``; send ``sig`` once ``at_least``
    shards exist (to the parent only for SIGKILL, to its whole group otherwise, as Ctrl-C
    does); wait until none of its processes is left. Its status and output.
    """
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, preexec_fn=_default_sigint)
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and proc.poll() is None:
            if shard_count(folder) >= at_least:
                break
            time.sleep(0.05)
        assert proc.poll() is None, "finished before it could be interrupted"
        if sig == signal.SIGKILL:
            os.kill(proc.pid, signal.SIGKILL)  # the parent only: its workers are orphaned
        else:
            os.killpg(proc.pid, sig)
        stdout, stderr = proc.communicate(timeout=60)
        assert group_ends(proc.pid, within=20.0), "worker processes outlived their parent"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # orphaned workers of this test, if any
    return proc.returncode, stdout, stderr


@pytest.fixture
def process_group_ends() -> Callable[[int, float], bool]:
    """:func:`group_ends`: whether a process group is gone within some seconds."""
    return group_ends


@pytest.fixture
def stop_mid_run() -> Callable[..., Stopped]:
    """:func:`start_and_stop`: run a command, signal it mid-run, return how it ended."""
    return start_and_stop
