import gc
import multiprocessing
from pathlib import Path

from experiments.many.specs import RunSpec
from experiments.many.worker import run_one


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


def _collections_and_garbage(folder: str) -> list[tuple[int, int, tuple[int, int, int]]]:
    """In a worker process, per run: collections while it ran, cyclic garbage left after
    it, and the collector's thresholds after it."""
    gc.collect()
    per_run = []
    for seed in (0, 1, 2):
        starts: list[int] = []

        def count(phase: str, info: dict[str, int], starts: list[int] = starts) -> None:
            if phase == "start":
                starts.append(info["generation"])

        gc.callbacks.append(count)
        try:
            assert run_one(_spec(seed), folder).ok
        finally:
            gc.callbacks.remove(count)
        per_run.append((len(starts), gc.collect(), gc.get_threshold()))
    return per_run


def test_a_worker_collects_once_after_each_run_and_leaves_no_garbage(tmp_path: Path) -> None:
    for sub in ("shards", "failures"):
        (tmp_path / sub).mkdir()
    threshold = gc.get_threshold()
    assert run_one(_spec(5), str(tmp_path)).ok
    assert gc.get_threshold() == threshold
    assert gc.collect() > 0  # run in the caller's process: its garbage is left to the collector
    with multiprocessing.get_context("fork").Pool(1) as pool:
        per_run = pool.apply(_collections_and_garbage, (str(tmp_path),))
    child_threshold = per_run[0][2]
    # the first run also collects before freezing the heap; then one collection a run
    assert [n for n, _, _ in per_run] == [2, 1, 1]
    assert [left for _, left, _ in per_run] == [0, 0, 0]
    assert all(t == child_threshold for _, _, t in per_run) and child_threshold[0] < 10_000
