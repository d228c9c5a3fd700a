"""Nothing lost: an experiment killed with -9 or interrupted with Ctrl-C resumes with the
same command and ends with results identical to an uninterrupted one."""

import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from experiments.api import monte_carlo

UNTIL = "2025-11-30"


def command(out: Path, reps: int, workers: int = 2) -> list[str]:
    return [sys.executable, "-m", "neocloud_abm.cli", "mc", "iren", "--reps", str(reps), "--until",
            UNTIL, "--workers", str(workers), "--no-report", "--out", str(out)]


def test_killed_and_interrupted_experiments_resume_to_identical_results(
        tmp_path: Path, assert_same_results: Callable[[Path, Path], None],
        reps_for: Callable[[float], int],
        stop_mid_run: Callable[..., tuple[int, str, str]]) -> None:
    reps = reps_for(2.0)
    killed = tmp_path / "killed"
    status, _out, _err = stop_mid_run(command(killed, reps), killed, signal.SIGKILL)
    assert status == -signal.SIGKILL
    done = len(list((killed / "shards").glob("*.parquet")))
    assert 3 <= done < reps and not (killed / "summary.parquet").exists()
    (killed / "shards" / ".p00000-r000001.parquet.999.tmp").write_bytes(b"PAR1 half a shard")
    again = subprocess.run(command(killed, reps), capture_output=True, text=True, timeout=180)
    assert again.returncode == 0, again.stderr
    assert f"{done} already done, resuming" in again.stdout
    assert not list(killed.rglob(".*.tmp"))  # the half-written shard is cleaned away
    reference = monte_carlo("iren", reps=reps, until=UNTIL, out=tmp_path / "whole", workers=2,
                            report=False)
    assert reference.ok and reference.stats.ran == reps
    assert_same_results(reference.folder, killed)

    stopped = tmp_path / "ctrl-c"  # in process this time: Ctrl-C lands mid-run
    status, out, err = stop_mid_run(command(stopped, reps, 1), stopped, signal.SIGINT)
    assert status == 130 and "abm: interrupted" in err
    assert "run the same command again to resume" in out
    again = subprocess.run(command(stopped, reps, 1), capture_output=True, text=True, timeout=180)
    assert again.returncode == 0, again.stderr
    assert_same_results(reference.folder, stopped)
