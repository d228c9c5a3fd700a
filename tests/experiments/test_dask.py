"""Dask: a real LocalCluster gives results identical to the local process pool."""

import logging
from collections.abc import Callable
from pathlib import Path

import pytest

from abm.config import ConfigError
from experiments.api import monte_carlo
from experiments.many.result import ExperimentResult

UNTIL, REPS = "2025-11-30", 6
pytestmark = pytest.mark.dask


def test_dask_cluster_matches_the_local_pool(pooled_mc: ExperimentResult, tmp_path: Path,
                                             assert_same_results: Callable[[Path, Path], None],
                                             ) -> None:
    from distributed import LocalCluster

    started = monte_carlo("iren", reps=REPS, until=UNTIL, out=tmp_path / "local", dask="local",
                          workers=2, report=False)
    assert started.stats.executor == "Dask LocalCluster of 2 worker processes"
    assert started.ok and started.stats.ran == REPS
    assert_same_results(pooled_mc.folder, started.folder)

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None, silence_logs=logging.ERROR) as cluster:
        address = cluster.scheduler_address
        assert address.startswith("tcp://")
        remote = monte_carlo("iren", reps=REPS, until=UNTIL, out=tmp_path / "tcp",
                             dask=address, report=False)
    assert remote.stats.executor.startswith(f"Dask scheduler {address}")
    assert_same_results(pooled_mc.folder, remote.folder)


def test_a_bad_dask_address_is_a_user_mistake(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="scheduler address"):
        monte_carlo("iren", reps=2, until=UNTIL, out=tmp_path / "x", dask="localhost:8786")
    assert not (tmp_path / "x").exists()


def test_the_local_cluster_we_start_runs_its_workers_without_the_profiler() -> None:
    import dask

    from experiments.many.executors import DaskExecutor

    executor = DaskExecutor("local", 1)
    try:
        client = executor._client
        key = "distributed.worker.profile.enabled"
        on_workers = client.run(lambda: dask.config.get(key))
        assert list(on_workers.values()) == [False]
        assert dask.config.get(key) is True  # the caller's own settings are left as they were
    finally:
        executor.close()
