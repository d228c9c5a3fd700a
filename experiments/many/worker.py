"""Run specs in a worker process and write their shards (or failure records) there.

These are plain top-level functions taking picklable arguments, so they run the same in
the parent, in a spawned process pool or on a Dask worker. A run that raises leaves a
failure record ``failures/<run_id>.json`` (seed, overrides, scenarios, traceback) and the
batch goes on; only a small :class:`RunOutcome` travels back to the parent.
"""

from __future__ import annotations

import contextlib
import gc
import json
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from abm.files import StorageError, atomic_write_bytes, is_storage_error, storage_error
from experiments.many.shards import write_shard_values
from experiments.many.specs import RunSpec

SHARDS = "shards"
FAILURES = "failures"
STORAGE_FAULT = f"{StorageError.__name__}: "
"""How a run reports a shard it could not write (full disk, read-only folder)."""


@dataclass(frozen=True)
class RunOutcome:
    """What the parent hears about a run: its id, whether it worked, and how long it took."""

    run_id: str
    ok: bool
    seconds: float
    error: str = ""


def failure_path(folder: Path, run_id: str) -> Path:
    """Where run ``run_id``'s failure record lives in an experiment folder."""
    return folder / FAILURES / f"{run_id}.json"


def run_one(spec: RunSpec, folder: str | Path) -> RunOutcome:
    """Run one spec; write its shard, or its failure record if it raises.

    A shard the disk cannot take is not the run's failure: it is reported (error starting
    :data:`STORAGE_FAULT`) without a record, for the parent to stop the experiment.
    """
    from worlds.run import simulate

    root = Path(folder)
    started = time.perf_counter()
    try:  # a shard keeps the path and event counts: no packaging, and a log of kinds
        with _collected_after():
            model, _spec, _meta = simulate(spec.world, spec.seed, spec.until, spec.overrides,
                                           scenarios=spec.scenarios, log_events="kinds")
            dates, values = model.recorder.matrix()
            write_shard_values(root / SHARDS, spec, dates, model.recorder.names, values,
                               model.log.kind_counts())
            del model
    except OSError as exc:
        if not is_storage_error(exc):
            return _failed(root, spec, exc, started)
        # the disk is full or the folder read-only: not the run's fault, and no record
        detail = storage_error(exc, exc.filename or root / SHARDS)
        return RunOutcome(spec.run_id, False, time.perf_counter() - started,
                          f"{STORAGE_FAULT}{detail}")
    except Exception as exc:
        return _failed(root, spec, exc, started)
    failure_path(root, spec.run_id).unlink(missing_ok=True)
    seconds = time.perf_counter() - started
    _freeze_once()
    return RunOutcome(spec.run_id, True, seconds)


def _in_worker() -> bool:
    """Whether this is a worker process (of a pool or Dask), not the caller's own."""
    return multiprocessing.parent_process() is not None


RUN_GC_THRESHOLD = 100_000
"""A worker's young-generation threshold during a run (Python's default is 700).

A run's objects live as long as the run; with the default threshold, young and full
collections traverse them again and again during it. A base run allocates fewer than
this threshold, so it runs without a collection and one collection after it takes its
garbage; a run that makes far more garbage is still collected, every
``RUN_GC_THRESHOLD`` allocations (figures: docs/performance.md).
"""


@contextlib.contextmanager
def _collected_after() -> Iterator[None]:
    """In a worker process, collect once after the run rather than during it.

    Only in a worker process (pool or Dask): a full collection in the caller's own process
    would traverse its whole heap after every run, so there the collector is left alone.
    """
    if not _in_worker():
        yield
        return
    threshold = gc.get_threshold()
    gc.set_threshold(RUN_GC_THRESHOLD, *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.collect()


_frozen = False
"""Whether this process has frozen its heap (:func:`_freeze_once`)."""


def _freeze_once() -> None:
    """After a worker's first run, move everything alive to the collector's frozen set.

    Modules, world caches and the memo's connection then stay out of every later full
    collection: a worker's heap is mostly such long-lived objects. Garbage is collected
    first, so nothing dead is kept. Only in a worker process (pool or Dask): a run made in
    the caller's own process leaves its collector alone. Whether it is done is a flag of
    ours, since ``gc.get_freeze_count()`` walks the whole frozen set.
    """
    global _frozen
    if not _frozen and _in_worker():
        gc.collect()
        gc.freeze()
        _frozen = True


def _failed(root: Path, spec: RunSpec, exc: Exception, started: float) -> RunOutcome:
    """Record a run that raised (called in its ``except``: the traceback is current).

    The record says what broke, in which agent and on which simulated day
    (:mod:`worlds.failures`), with the traceback and the command that reruns it alone.
    """
    from worlds.failures import failure_of, traceback_text

    failure = failure_of(exc)
    error = failure.error
    record = {**asdict(spec), "error": error, "traceback": traceback_text(exc, failure),
              **{k: v for k, v in failure.data().items() if k != "error"},
              "rerun": spec.command()}
    atomic_write_bytes(failure_path(root, spec.run_id),
                       json.dumps(record, indent=2, default=str).encode())
    return RunOutcome(spec.run_id, False, time.perf_counter() - started, error)


def run_batch(specs: Sequence[RunSpec], folder: str) -> list[RunOutcome]:
    """Run a batch of specs in order (one executor task)."""
    return [run_one(spec, folder) for spec in specs]


PARENT_CHECK_SECONDS = 0.5


def init_pool_worker(parent_pid: int) -> None:
    """Process-pool initializer: leave Ctrl-C to the parent, and die with the parent.

    A pool worker blocked on its task queue does not notice its parent being killed
    (``kill -9``); a daemon thread watches the parent's pid and ends the worker when it
    changes, so no orphan keeps running (a shard being written is left as a temporary
    file that listings ignore). The pool passes ``parent_pid``, its own pid, rather than
    the worker reading its parent's pid at start: a worker still starting when the parent
    died would read the reaper's pid, never see it change and work through the batches
    left in its queue, then wait on the queue for ever.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="abm-parent-watch", daemon=True).start()
