"""Faults from outside the model: ``kill -9`` of a sweep, a Dask worker killed mid-run, a
full disk, a read-only output folder.

A killed command resumes with the same command line: nothing lost, nothing counted twice,
results identical to an uninterrupted run. A full disk or a read-only folder is one line on
stderr naming the file and the reason, exit status 2, no traceback; what was written before
stays intact (and resumes once there is room).

The disk faults run the CLI in a new user and mount namespace (``unshare``) on a tiny
tmpfs or a read-only bind mount; they are skipped where that is not permitted.
"""

import hashlib
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from experiments.api import monte_carlo, sweep
from experiments.many.result import ExperimentResult
from experiments.many.shards import read_path

UNTIL = "2025-11-30"
ABM = [sys.executable, "-m", "neocloud_abm.cli"]
VARY = "bitcoin.price_vol_annual=0.3:0.8:4"  # four grid points

Check = Callable[[Path, Path], None]
Stop = Callable[..., tuple[int, str, str]]
Done = subprocess.CompletedProcess[str]


def mc_command(out: Path, reps: int, workers: int = 2) -> list[str]:
    return [*ABM, "mc", "iren", "--reps", str(reps), "--until", UNTIL, "--workers",
            str(workers), "--no-report", "--out", str(out)]


def sweep_command(out: Path, reps: int) -> list[str]:
    return [*ABM, "sweep", "iren", "--vary", VARY, "--reps", str(reps), "--until", UNTIL,
            "--workers", "2", "--no-report", "--out", str(out)]


def run_command(out: Path) -> list[str]:
    return [*ABM, "run", "--until", UNTIL, "--out", str(out)]


def cli(command: list[str]) -> Done:
    return subprocess.run(command, capture_output=True, text=True, timeout=180)


def shards(folder: Path) -> list[str]:
    """Run ids of the finished runs in an experiment folder."""
    return sorted(p.name.removesuffix(".parquet") for p in (folder / "shards").glob("*.parquet"))


def one_line_error(status: int, stderr: str, *needles: str) -> str:
    """Assert a user-facing failure: exit 2, one ``abm: error:`` line holding ``needles``."""
    assert "Traceback" not in stderr, stderr
    lines = stderr.strip().splitlines()
    assert status == 2 and len(lines) == 1, (status, stderr)
    assert lines[0].startswith("abm: error: "), lines[0]
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    return lines[0]


def tree(folder: Path) -> dict[str, str]:
    """Every file (by content hash) and folder under ``folder``."""
    return {str(p.relative_to(folder)): (hashlib.sha256(p.read_bytes()).hexdigest()
                                         if p.is_file() else "folder")
            for p in sorted(folder.rglob("*"))}


def counted_once(folder: Path, runs: int) -> pd.DataFrame:
    """The summary of an experiment folder, after checking each run is in it exactly once."""
    summary = pd.read_parquet(folder / "summary.parquet")
    assert len(summary) == runs == summary["run_id"].nunique()
    assert shards(folder) == sorted(summary["run_id"])
    assert (summary["status"] == "ok").all()
    assert not list((folder / "failures").iterdir())
    return summary


@pytest.fixture(scope="module")
def reps(reps_for: Callable[[float], int]) -> int:
    """Replications of the Monte Carlo experiments: about two seconds on two workers."""
    return reps_for(2.0)


@pytest.fixture(scope="module")
def reference(reps: int, tmp_path_factory: pytest.TempPathFactory) -> ExperimentResult:
    """The uninterrupted Monte Carlo the faulted ones must equal (local pool of two)."""
    result = monte_carlo("iren", reps=reps, until=UNTIL, out=tmp_path_factory.mktemp("ref"),
                         workers=2, report=False)
    assert result.ok and result.stats.ran == reps
    return result


def in_namespace(script: str, *args: str, timeout: float = 180) -> Done:
    """Run ``sh -c script sh args...`` as root of a new user and mount namespace: mounts
    made there (a tmpfs, a read-only bind) vanish with it and touch nothing outside.
    """
    return subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "sh", "-c",
                           script, "sh", *args], capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def namespace(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Skip unless this machine lets us mount a tmpfs in a user namespace."""
    if shutil.which("unshare") is None:
        pytest.skip("no unshare(1) on this machine")
    probe = tmp_path_factory.mktemp("probe")
    done = in_namespace('mount -t tmpfs -o size=64k tmpfs "$1" && touch "$1/x"', str(probe),
                        timeout=30)
    if done.returncode != 0:
        pytest.skip(f"user/mount namespaces are not permitted here: {done.stderr.strip()}")


def test_a_sweep_killed_with_minus_9_resumes_to_identical_results(
        tmp_path: Path, reps: int, stop_mid_run: Stop, assert_same_results: Check) -> None:
    per_point = max(4, reps // 8)  # about a second of runs
    runs = 4 * per_point
    killed = tmp_path / "killed"
    status, _out, _err = stop_mid_run(sweep_command(killed, per_point), killed, signal.SIGKILL)
    assert status == -signal.SIGKILL
    done = len(shards(killed))
    assert 3 <= done < runs and not (killed / "summary.parquet").exists()

    again = cli(sweep_command(killed, per_point))
    assert again.returncode == 0, again.stderr
    assert f"{runs} runs (4 points x {per_point} reps)" in again.stdout
    assert f"{done} already done, resuming" in again.stdout
    assert f"ran {runs - done} runs" in again.stdout  # the finished ones are not run again
    counted_once(killed, runs)

    whole = sweep("iren", [VARY], reps=per_point, until=UNTIL, out=tmp_path / "whole",
                  workers=2, report=False)
    assert whole.ok and whole.stats.ran == runs
    assert_same_results(whole.folder, killed)
    pd.testing.assert_frame_equal(pd.read_parquet(whole.folder / "design.parquet"),
                                  pd.read_parquet(killed / "design.parquet"))


@pytest.mark.dask
def test_a_dask_worker_killed_mid_run_has_its_tasks_rerun_elsewhere(
        tmp_path: Path, reps: int, reference: ExperimentResult,
        assert_same_results: Check) -> None:
    from distributed import Client, LocalCluster

    out = tmp_path / "dask"
    box: dict[str, Any] = {}

    def experiment(address: str) -> None:
        try:
            box["result"] = monte_carlo("iren", reps=reps, until=UNTIL, out=out, dask=address,
                                        report=False)
        except BaseException as exc:  # handed to the test thread
            box["error"] = exc

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None, silence_logs=logging.CRITICAL) as cluster, \
            Client(cluster) as client:
        pids: dict[str, int] = client.run(os.getpid)
        thread = threading.Thread(target=experiment, args=(cluster.scheduler_address,),
                                  daemon=True)
        thread.start()
        victim = ""
        deadline = time.monotonic() + 60
        while not victim and thread.is_alive() and time.monotonic() < deadline:
            busy = [w for w, keys in client.processing().items() if keys and w in pids]
            if len(shards(out)) >= 3 and busy:
                victim = busy[0]
            else:
                time.sleep(0.02)
        assert victim and thread.is_alive(), "the experiment ended before a worker was killed"
        os.kill(pids[victim], signal.SIGKILL)  # mid-task: the nanny starts a new worker
        at_kill = len(shards(out))
        thread.join(timeout=120)
        assert not thread.is_alive(), "the experiment hung after losing a worker"
        workers = client.scheduler_info()["workers"]
        assert victim not in workers  # it did die; its tasks ran on another worker

    assert "error" not in box, box.get("error")
    result: ExperimentResult = box["result"]
    assert at_kill < reps
    assert result.ok and result.stats.ran == reps and result.stats.failed == 0
    counted_once(out, reps)
    assert_same_results(reference.folder, out)


FULL_DISK = r"""
set -u
disk=$1 keep=$2 reference=$3 py=$4 reps=$5 until=$6
mount -t tmpfs -o size=16m tmpfs "$disk" || exit 97
cp -a "$reference" "$disk/earlier" && cp -a "$disk/earlier" "$keep/earlier-before" || exit 98
room() { mount -o "remount,size=$(( $(df -k --output=used "$disk" | tail -n 1) + $1 ))k" "$disk"; }
run() { name=$1; shift; "$py" -m neocloud_abm.cli "$@" >"$keep/$name.out" 2>"$keep/$name.err"
        echo $? >"$keep/$name.status"; }
room 300 || exit 99
run mc mc iren --reps "$reps" --until "$until" --workers 2 --no-report --out "$disk/mc"
cat /dev/zero >"$disk/filler" 2>/dev/null
run run run --until "$until" --out "$disk/run"
if [ -e "$disk/run" ]; then echo left >"$keep/run.folder"; else echo gone >"$keep/run.folder"; fi
rm -f "$disk/filler"
room 200 || exit 99
run small mc iren --reps 4 --until "$until" --workers 1 --no-report --out "$disk/small"
cp -a "$disk/earlier" "$keep/earlier-after" && cp -a "$disk/mc" "$disk/small" "$keep/"
"""


def test_a_full_disk_is_one_clear_line_and_the_experiment_resumes(
        namespace: None, tmp_path: Path, reps: int, reference: ExperimentResult,
        assert_same_results: Check) -> None:
    disk, keep = tmp_path / "disk", tmp_path / "keep"
    disk.mkdir()
    keep.mkdir()
    script = in_namespace(FULL_DISK, str(disk), str(keep), str(reference.folder),
                          sys.executable, str(reps), UNTIL)
    assert script.returncode == 0, script.stderr

    def ended(name: str) -> tuple[int, str]:
        return int((keep / f"{name}.status").read_text()), (keep / f"{name}.err").read_text()

    # the Monte Carlo fills the disk while writing shards
    line = one_line_error(*ended("mc"), f"--out: {disk / 'mc'}: cannot write {disk / 'mc'}/",
                          "No space left on device (ENOSPC)", "run the same command again")
    match = re.search(r"; (\d+) of (\d+) runs are saved", line)
    assert match and int(match[2]) == reps, line
    saved = shards(keep / "mc")
    assert 1 <= len(saved) == int(match[1]) < reps
    for rid in saved:  # every shard written before the disk filled is whole and readable
        path = read_path(keep / "mc" / "shards" / f"{rid}.parquet")
        launched = path.drop(columns=[c for c in path if c.endswith(".rent_usd_per_gpu_hour")])
        assert len(path) >= 1 and launched.notna().all().all()  # a rent: NaN before launch
    assert not [p.name for p in (keep / "mc" / "shards").iterdir() if p.name.startswith(".")]
    assert not list((keep / "mc" / "failures").iterdir())  # not blamed on the runs
    assert tree(keep / "earlier-before") == tree(keep / "earlier-after")

    # `abm run` into the full disk: the same one line
    one_line_error(*ended("run"), f"cannot write {disk / 'run'}", "ENOSPC")
    assert (keep / "run.folder").read_text().strip() == "gone"  # no half run folder left

    # room for the shards but not the summary: the parent's own write fails the same way
    one_line_error(*ended("small"), f"cannot write {disk / 'small' / 'summary.parquet'}",
                   "ENOSPC", "4 of 4 runs are saved")

    # with room again, the same commands resume and finish as if never stopped
    again = cli(mc_command(keep / "mc", reps))
    assert again.returncode == 0, again.stderr
    assert f"{len(saved)} already done, resuming" in again.stdout
    counted_once(keep / "mc", reps)
    assert_same_results(reference.folder, keep / "mc")
    again = cli(mc_command(keep / "small", 4, workers=1))
    assert again.returncode == 0, again.stderr
    assert "4 already done, resuming" in again.stdout and "running" not in again.stdout
    small = counted_once(keep / "small", 4)  # per-run rows as in the reference (seeds 0-3)
    common = [c for c in reference.summary.columns if c in small.columns]
    assert len(common) > 100
    pd.testing.assert_frame_equal(small[common], reference.summary[common].head(4),
                                  check_exact=True)


READ_ONLY = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" || exit 97; shift; exec "$@"'


def test_a_read_only_folder_is_one_clear_line_and_earlier_results_stay(
        request: pytest.FixtureRequest, tmp_path: Path, reps: int,
        reference: ExperimentResult) -> None:
    shelf = tmp_path / "shelf"
    shutil.copytree(reference.folder, shelf / "mc")  # an earlier, finished experiment
    before = tree(shelf)
    root = os.geteuid() == 0  # root writes through chmod: use a read-only mount instead
    if root:
        request.getfixturevalue("namespace")
    else:
        for folder in [shelf, *(p for p in shelf.rglob("*") if p.is_dir())]:
            folder.chmod(0o555)
    reason = "Read-only file system (EROFS)" if root else "Permission denied (EACCES)"

    def attempt(command: list[str]) -> Done:
        return in_namespace(READ_ONLY, str(shelf), *command) if root else cli(command)

    try:
        attempts = {
            "more reps": (mc_command(shelf / "mc", reps + 4), shelf / "mc"),
            "same command": (mc_command(shelf / "mc", reps), shelf / "mc"),
            "new experiment": (mc_command(shelf / "new" / "mc", 4, workers=1),
                               shelf / "new"),
            "run folder": (run_command(shelf / "run"), shelf / "run"),
            "report": ([*ABM, "report", str(shelf / "mc")], shelf / "mc"),
        }
        for name, (command, named) in attempts.items():
            done = attempt(command)
            assert done.returncode != 97, done.stderr
            line = one_line_error(done.returncode, done.stderr, f"cannot write {named}", reason)
            assert "runs are saved" in line or name in ("run folder", "report"), line
    finally:
        for folder in [shelf, *(p for p in shelf.rglob("*") if p.is_dir())]:
            folder.chmod(0o755)
    assert tree(shelf) == before  # nothing written, nothing removed, nothing changed
