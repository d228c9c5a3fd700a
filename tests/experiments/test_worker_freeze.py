import gc
import multiprocessing
from pathlib import Path

from experiments.specs import RunSpec
from experiments.worker import run_one


def _spec(seed: int) -> RunSpec:
    return RunSpec(f"p0000-r{seed:05d}", 0, seed, "base", "iren", seed, "2025-11-20", (), ())


def _frozen_after_runs(folder: str) -> tuple[int, int, bool]:
    """In a worker process: frozen objects before, after two runs, and both runs ok."""
    before = gc.get_freeze_count()
    ok = all(run_one(_spec(seed), folder).ok for seed in (0, 1))
    return before, gc.get_freeze_count(), ok


def test_a_worker_process_freezes_its_heap_after_its_first_run_and_the_caller_does_not(
        tmp_path: Path) -> None:
    for sub in ("shards", "failures"):
        (tmp_path / sub).mkdir()
    before = gc.get_freeze_count()
    assert run_one(_spec(5), str(tmp_path)).ok
    assert gc.get_freeze_count() == before  # run in the caller's process: left alone
    with multiprocessing.get_context("fork").Pool(1) as pool:
        child_before, child_after, ok = pool.apply(_frozen_after_runs, (str(tmp_path),))
    assert ok and child_before == 0 and child_after > 10_000
