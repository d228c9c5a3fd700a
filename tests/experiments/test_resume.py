"""Nothing lost: an experiment killed with -9 or interrupted with Ctrl-C resumes with the
same command and ends with results identical to an uninterrupted one."""

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from experiments import monte_carlo

UNTIL = "2025-11-30"


def reps_for(seconds: float = 2.0) -> int:
    """Enough replications for ``seconds`` of work on two workers, whatever a run costs."""
    from worlds.run import run_world

    started = time.perf_counter()
    run_world("iren", 0, UNTIL)
    per_run = time.perf_counter() - started
    return max(16, min(200, int(2 * seconds / max(per_run, 1e-3))))


def command(out: Path, reps: int, workers: int = 2) -> list[str]:
    return [sys.executable, "-m", "abm.cli", "mc", "iren", "--reps", str(reps), "--until",
            UNTIL, "--workers", str(workers), "--no-report", "--out", str(out)]


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


def start_and_stop(out: Path, reps: int, sig: int, workers: int = 2,
                   at_least: int = 3) -> tuple[int, str, str]:
    """Start ``abm mc``, send ``sig`` once ``at_least`` shards exist; status and output."""
    proc = subprocess.Popen(command(out, reps, workers), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and proc.poll() is None:
            if len(list((out / "shards").glob("*.parquet"))) >= at_least:
                break
            time.sleep(0.05)
        assert proc.poll() is None, "finished before it could be interrupted"
        if sig == signal.SIGKILL:
            os.kill(proc.pid, signal.SIGKILL)  # the parent only: its workers are orphaned
        else:
            os.killpg(proc.pid, sig)  # Ctrl-C reaches the whole foreground group
        stdout, stderr = proc.communicate(timeout=60)
        assert group_ends(proc.pid, within=20.0), "worker processes outlived their parent"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # orphaned workers of this test, if any
    return proc.returncode, stdout, stderr


def test_killed_and_interrupted_experiments_resume_to_identical_results(
        tmp_path: Path, assert_same_results: Callable[[Path, Path], None]) -> None:
    reps = reps_for()
    killed = tmp_path / "killed"
    status, _out, _err = start_and_stop(killed, reps, signal.SIGKILL)
    assert status == -signal.SIGKILL
    done = len(list((killed / "shards").glob("*.parquet")))
    assert 3 <= done < reps and not (killed / "summary.parquet").exists()
    (killed / "shards" / ".p00000-r000001.parquet.999.tmp").write_bytes(b"PAR1 half a shard")
    again = subprocess.run(command(killed, reps), capture_output=True, text=True, timeout=180)
    assert again.returncode == 0, again.stderr
    assert f"{done} already done, resuming" in again.stdout
    reference = monte_carlo("iren", reps=reps, until=UNTIL, out=tmp_path / "whole", workers=2,
                            report=False)
    assert reference.ok and reference.stats.ran == reps
    assert_same_results(reference.folder, killed)

    stopped = tmp_path / "ctrl-c"  # in process this time: Ctrl-C lands mid-run
    status, out, err = start_and_stop(stopped, reps, signal.SIGINT, workers=1)
    assert status == 130 and "abm: interrupted" in err
    assert "run the same command again to resume" in out
    again = subprocess.run(command(stopped, reps, 1), capture_output=True, text=True, timeout=180)
    assert again.returncode == 0, again.stderr
    assert_same_results(reference.folder, stopped)
