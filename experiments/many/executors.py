"""Where runs execute: in this process, in a local process pool, or on a Dask cluster.

Every executor takes batches of run specs and yields each batch's outcomes as it
finishes (in completion order; nothing downstream depends on that order, since results
are read back from shards in run-id order). The local pool uses ``spawn`` processes via
``concurrent.futures`` and is the default; ``--workers 1`` runs in the parent itself;
``--dask tcp://host:port`` uses a running scheduler and ``--dask local`` starts a
``LocalCluster`` of single-threaded worker processes for the duration of the experiment
(without a dashboard, and so without the workers' statistical profiler, whose samples
only a dashboard shows and which interrupts the runs; docs/performance.md; a scheduler of
the user's own keeps its own settings).
With Dask, workers write shards themselves, so the experiment folder must be reachable
at the same path from every worker (a shared file system for a remote cluster), and the
workers need this package installed (they import ``experiments.many.worker``).
"""

from __future__ import annotations

import concurrent.futures as cf
import importlib
import logging
import multiprocessing
import os
from collections.abc import Generator, Sequence
from contextlib import AbstractContextManager
from types import TracebackType
from typing import Any, Protocol

from abm.config import ConfigError
from experiments.many.specs import RunSpec
from experiments.many.worker import RunOutcome, init_pool_worker, run_batch

Batch = list[RunSpec]
Outcomes = Generator[list[RunOutcome], None, None]
"""Each batch's outcomes as it finishes; closing it cancels the batches not yet run."""


class Executor(Protocol):
    """Runs batches of specs and yields their outcomes as they complete."""

    description: str
    workers: int

    def run(self, batches: Sequence[Batch], folder: str) -> Outcomes:
        """Yield each batch's outcomes when it finishes (closing it cancels the rest)."""
        ...

    def close(self) -> None:
        """Release processes and connections."""
        ...


class InlineExecutor:
    """Runs batches one after another in this process (``--workers 1``)."""

    def __init__(self) -> None:
        self.description = "1 worker (in process)"
        self.workers = 1

    def run(self, batches: Sequence[Batch], folder: str) -> Outcomes:
        """Yield each batch's outcomes in order."""
        for batch in batches:
            yield run_batch(batch, folder)

    def close(self) -> None:
        """Nothing to release."""


class PoolExecutor:
    """A local pool of ``spawn`` worker processes (``concurrent.futures``)."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.description = f"{workers} local worker processes"
        self._pool = cf.ProcessPoolExecutor(
            max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
            initializer=init_pool_worker, initargs=(os.getpid(),))

    def run(self, batches: Sequence[Batch], folder: str) -> Outcomes:
        """Submit every batch; yield outcomes as batches complete."""
        futures = [self._pool.submit(run_batch, batch, folder) for batch in batches]
        try:
            for future in cf.as_completed(futures):
                yield future.result()
        finally:
            for future in futures:
                future.cancel()

    def close(self) -> None:
        """Cancel what has not started and wait for the running batches to end."""
        self._pool.shutdown(wait=True, cancel_futures=True)


LOCAL_WORKER_CONFIG: dict[str, object] = {"distributed.worker.profile.enabled": False}
"""Dask settings of the workers of a ``LocalCluster`` we start (no dashboard to show a
profile)."""


class DaskExecutor:
    """Batches as tasks on a Dask cluster: a running scheduler, or a LocalCluster we start."""

    def __init__(self, address: str, workers: int) -> None:
        distributed: Any = importlib.import_module("distributed")
        Client, LocalCluster = distributed.Client, distributed.LocalCluster  # noqa: N806
        self._cluster: Any = None
        if address == "local":
            with importlib.import_module("dask").config.set(LOCAL_WORKER_CONFIG):
                self._cluster = LocalCluster(
                    n_workers=workers, threads_per_worker=1, processes=True,
                    dashboard_address=None, silence_logs=logging.ERROR)
            self._client: Any = Client(self._cluster)
            self.description = f"Dask LocalCluster of {workers} worker processes"
        else:
            try:
                self._client = Client(address, timeout="10s")
            except (OSError, TimeoutError) as exc:
                raise ConfigError("--dask", address, f"cannot reach a Dask scheduler "
                                  f"({exc})") from None
            self.description = f"Dask scheduler {address}"
        infos = self._client.scheduler_info().get("workers", {})
        self.workers = max(1, sum(int(w.get("nthreads", 1)) for w in infos.values()))
        if address != "local":
            self.description += f" ({self.workers} worker threads)"

    def run(self, batches: Sequence[Batch], folder: str) -> Outcomes:
        """Map every batch to a task; yield outcomes as tasks complete."""
        as_completed = importlib.import_module("distributed").as_completed
        futures = self._client.map(run_batch, list(batches), folder=folder, pure=False)
        try:
            for future in as_completed(futures):
                result: list[RunOutcome] = future.result()
                future.release()
                yield result
        finally:
            self._client.cancel(futures)

    def close(self) -> None:
        """Close the client, and the cluster if we started it."""
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def batches(specs: Sequence[RunSpec], size: int) -> list[list[RunSpec]]:
    """Consecutive groups of at most ``size`` specs (one task each for an executor)."""
    size = max(1, size)
    return [list(specs[i : i + size]) for i in range(0, len(specs), size)]


def batch_size(n_runs: int, workers: int) -> int:
    """Runs per task: enough to amortize task overhead, small enough for a smooth bar."""
    return max(1, min(8, n_runs // max(1, workers * 8)))


class _Closing(AbstractContextManager["Executor"]):
    def __init__(self, executor: Executor) -> None:
        self.executor = executor

    def __enter__(self) -> Executor:
        return self.executor

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.executor.close()


def check_options(workers: int, dask: str | None) -> None:
    """Refuse a worker count below 1 or a malformed ``--dask`` before anything starts."""
    if workers < 1:
        raise ConfigError("--workers", str(workers), "expected a whole number >= 1")
    if dask is not None and dask != "local" and not dask.startswith(("tcp://", "tls://")):
        raise ConfigError("--dask", dask, "expected 'local' or a scheduler address like "
                          "tcp://host:8786")


def make_executor(workers: int, dask: str | None = None) -> AbstractContextManager[Executor]:
    """The executor for ``--workers``/``--dask``, as a context manager that closes it."""
    check_options(workers, dask)
    if dask is not None:
        return _Closing(DaskExecutor(dask, workers))
    if workers == 1:
        return _Closing(InlineExecutor())
    return _Closing(PoolExecutor(workers))
