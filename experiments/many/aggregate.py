"""Aggregate shards into the summary table and quantile bands: streaming, exact, bounded.

The parent never holds every path. It streams the shards in run-id order (two threads
reading a few shards ahead: Parquet reads release the GIL):

1. a footer pass learns, per arm, the union of metrics and month ends (no values read);
2. a values pass reads each shard once, adds its row to the summary arrays, and puts its
   path (aligned to the arm's metrics x months) into a block of storage: in memory when
   every arm's values fit in ``budget_bytes`` (default 256 MB), otherwise appended to
   spill files, one per arm and block of metrics, each block within the budget;
3. a band pass loads one block at a time and takes exact quantiles metric by metric.

Memory is bounded by the budget plus the summary itself (one row per run), whatever the
number of runs; beyond the budget only disk traffic grows. Quantiles are exact (numpy's
linear interpolation), so bands do not depend on completion order, worker count or
resumes.
"""

from __future__ import annotations

import concurrent.futures as cf
import resource
import shutil
import sys
import warnings
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, TypeVar

import numpy as np
import pandas as pd

from experiments.many.shards import read_head, read_matrix
from experiments.many.specs import RunSpec
from experiments.many.summary import build_frame, identity, milestone_dates, path_stats

QUANTILES = (0.05, 0.25, 0.50, 0.75, 0.95)
BAND_COLUMNS = ("p5", "p25", "p50", "p75", "p95")
DEFAULT_BUDGET_BYTES = 256 * 2**20
SPILL_BUFFER_BYTES = 256 * 2**10
QUANTILE_CHUNK_BYTES = 32 * 2**20
"""Values sorted at once when taking quantiles (numpy sorts a copy)."""
Progress = Callable[[int, str], Any]
READ_THREADS = 2
READ_AHEAD = 8
"""Shards read ahead of the one being aggregated, at most (a bound on memory)."""
T = TypeVar("T")


def peak_rss_mb() -> float:
    """Peak resident memory of the current process so far, in MB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024


@dataclass
class _Arm:
    """An arm's shards, metrics and months, and where its aligned values are kept."""

    name: str
    shards: list[Path] = field(default_factory=list)
    metrics: dict[str, int] = field(default_factory=dict)
    names: tuple[str, ...] = ()
    """The metrics in order (set by the footer pass)."""
    dates: set[int] = field(default_factory=set)
    grid: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype="int64"))
    per_block: int = 1
    memory: list[np.ndarray] = field(default_factory=list)
    files: list[IO[bytes]] = field(default_factory=list)
    spill: list[Path] = field(default_factory=list)
    filled: int = 0

    @property
    def cells(self) -> int:
        """Values per run: metrics x months."""
        return len(self.metrics) * len(self.grid)

    def blocks(self) -> list[list[str]]:
        """Metric names of each block, in order."""
        names = list(self.metrics)
        return [names[i : i + self.per_block] for i in range(0, len(names), self.per_block)]


@dataclass
class Aggregate:
    """The experiment's tidy results: one row per run, and bands per (arm, metric, month)."""

    summary: pd.DataFrame
    bands: pd.DataFrame
    spilled: bool = False


def empty_bands() -> pd.DataFrame:
    """A bands frame with its columns and no rows."""
    kinds = [("arm", "object"), ("metric", "object"), ("date", "datetime64[ns]"),
             ("n", "int64"), ("mean", "float64"), *((c, "float64") for c in BAND_COLUMNS)]
    return pd.DataFrame({name: pd.Series(dtype=kind) for name, kind in kinds})


class _Bar:
    """A progress bar or nothing."""

    def __init__(self, progress: Progress | None, total: int, label: str) -> None:
        self._bar = progress(total, label) if progress is not None else None

    def tick(self, n: int = 1) -> None:
        if self._bar is not None:
            self._bar.update(n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def read_in_order(read: Callable[[Path], T], paths: Sequence[Path | None]
                   ) -> Iterator[T | None]:
    """``read(path)`` of each of ``paths`` in order (``None`` for ``None``), read ahead.

    Parquet reads release the GIL: two threads read 1,000 base-run shards in ~2/3 of the
    time one takes (measured: 1.6 -> 1.05 s). At most :data:`READ_AHEAD` reads are
    pending, so memory stays bounded; an error is raised where its shard comes in order.
    """
    with cf.ThreadPoolExecutor(READ_THREADS, thread_name_prefix="abm-read") as pool:
        pending: deque[cf.Future[T] | None] = deque()
        for path in paths:
            pending.append(None if path is None else pool.submit(read, path))
            if len(pending) > READ_AHEAD:
                yield _result(pending.popleft())
        while pending:
            yield _result(pending.popleft())


def _result(future: cf.Future[T] | None) -> T | None:
    return None if future is None else future.result()


def _footers(ordered: Sequence[RunSpec], shards: Mapping[str, Path]) -> dict[str, _Arm]:
    arms: dict[str, _Arm] = {}
    last: dict[str, tuple[str, ...]] = {}  # the metrics of each arm's last shard
    paths = [shards.get(spec.run_id) for spec in ordered]
    for spec, path, head in zip(ordered, paths, read_in_order(read_head, paths),
                                strict=True):
        arm = arms.setdefault(spec.arm, _Arm(spec.arm))
        if path is None or head is None:
            continue
        arm.shards.append(path)
        if head.metrics != last.get(spec.arm):  # an arm's shards mostly name the same
            for name in head.metrics:
                arm.metrics.setdefault(name, len(arm.metrics))
            last[spec.arm] = head.metrics
        arm.dates.update(head.dates.astype("int64").tolist())
    for arm in arms.values():
        arm.names = tuple(arm.metrics)
    return arms


def _layout(arms: Mapping[str, _Arm], budget_bytes: int, spill_dir: Path) -> bool:
    """Decide memory or spill files; returns True when spilling."""
    for arm in arms.values():
        arm.grid = np.array(sorted(arm.dates), dtype="int64")
    total = sum(8 * len(a.shards) * a.cells for a in arms.values())
    spill = total > budget_bytes
    for k, arm in enumerate(arms.values()):
        if not arm.shards or not arm.cells:
            continue
        if not spill:
            arm.per_block = len(arm.metrics)
            # no fill: the values pass writes every shard's whole row (NaN where it has none)
            arm.memory = [np.empty((len(arm.shards), len(arm.metrics), len(arm.grid)))]
            continue
        per_metric = 8 * len(arm.shards) * len(arm.grid)
        arm.per_block = max(1, budget_bytes // per_metric)
        spill_dir.mkdir(parents=True, exist_ok=True)
        for b in range(len(arm.blocks())):
            path = spill_dir / f"arm{k:03d}-block{b:04d}.f8"
            arm.spill.append(path)
            arm.files.append(open(path, "wb", buffering=SPILL_BUFFER_BYTES))  # noqa: SIM115
    return spill


def _aligned(arm: _Arm, metrics: tuple[str, ...], dates: np.ndarray,
             values: np.ndarray) -> np.ndarray:
    """The shard's values as (arm metric x arm month), NaN where the shard has none."""
    if metrics == arm.names and len(dates) == len(arm.grid) \
            and np.array_equal(dates.astype("int64"), arm.grid):
        return values.T
    out = np.full((len(arm.metrics), len(arm.grid)), np.nan)
    rows = np.searchsorted(arm.grid, dates.astype("int64"))
    cols = np.array([arm.metrics[m] for m in metrics], dtype="int64")
    out[np.ix_(cols, rows)] = values.T
    return out


def _store(arm: _Arm, aligned: np.ndarray) -> None:
    if arm.memory:
        arm.memory[0][arm.filled] = aligned
    else:
        for b, handle in enumerate(arm.files):
            lo = b * arm.per_block
            handle.write(np.ascontiguousarray(aligned[lo : lo + arm.per_block]).tobytes())
    arm.filled += 1


def _quantiles(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Quantiles (5 x ...), means and counts over axis 0 of a (runs x ...) array."""
    counts = np.sum(~np.isnan(values), axis=0)
    if values.shape[0] and int(counts.min()) == values.shape[0]:
        return np.quantile(values, QUANTILES, axis=0), values.mean(axis=0), counts
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return (np.nanquantile(values, QUANTILES, axis=0), np.nanmean(values, axis=0), counts)


def _block_frame(arm: str, names: list[str], dates: np.ndarray, block: np.ndarray) -> pd.DataFrame:
    """Bands of one block (runs x metrics x months), taken a few metrics at a time."""
    n_runs, n_metrics, n_months = block.shape
    step = max(1, QUANTILE_CHUNK_BYTES // max(1, 8 * n_runs * n_months))
    qs = np.empty((len(QUANTILES), n_metrics, n_months))
    means = np.empty((n_metrics, n_months))
    counts = np.empty((n_metrics, n_months), dtype="int64")
    for lo in range(0, n_metrics, step):
        part = slice(lo, lo + step)
        qs[:, part], means[part], counts[part] = _quantiles(block[:, part, :])
    columns: dict[str, Any] = {
        "arm": np.repeat(np.array([arm], dtype=object), n_metrics * n_months),
        "metric": np.repeat(np.array(names, dtype=object), n_months),
        "date": np.tile(dates, n_metrics), "n": counts.ravel(), "mean": means.ravel()}
    for k, column in enumerate(BAND_COLUMNS):
        columns[column] = qs[k].ravel()
    return pd.DataFrame(columns)


def _arm_bands(arm: _Arm, bar: _Bar) -> list[pd.DataFrame]:
    dates = arm.grid.astype("datetime64[ns]")
    frames = []
    n_runs, n_months = len(arm.shards), len(arm.grid)
    for b, names in enumerate(arm.blocks()):
        if arm.memory:
            block = arm.memory[0]
        else:
            block = np.fromfile(arm.spill[b], dtype="float64").reshape(
                n_runs, len(names), n_months)
        frames.append(_block_frame(arm.name, names, dates, block))
        del block
        bar.tick()
    arm.memory.clear()
    return frames


def aggregate(runs: Sequence[RunSpec], shards: Mapping[str, Path],
              failures: Mapping[str, str] | None = None, *,
              budget_bytes: int = DEFAULT_BUDGET_BYTES, spill_dir: Path | None = None,
              progress: Progress | None = None) -> Aggregate:
    """Summary rows and quantile bands of ``runs`` from their shards, in run-id order.

    ``failures`` maps run ids that raised to their error line (they get a summary row
    with status ``failed``); runs with neither shard nor failure are left out.
    ``progress(total, label)`` may return a tqdm-like bar. ``spill_dir`` (removed when
    done) holds spill files when the values exceed ``budget_bytes``.
    """
    failures = failures or {}
    ordered = [s for s in sorted(runs, key=lambda s: s.run_id)
               if s.run_id in shards or s.run_id in failures]
    arms = _footers(ordered, shards)
    all_metrics: dict[str, int] = {}
    for arm in arms.values():
        for name in arm.metrics:
            all_metrics.setdefault(name, len(all_metrics))
    scratch = spill_dir or Path(".abm-aggregate")
    spilled = _layout(arms, budget_bytes, scratch)
    try:
        ids, stats, milestones, events = _values_pass(ordered, shards, failures, arms,
                                                      all_metrics, progress)
        bar = _Bar(progress, sum(len(a.blocks()) for a in arms.values() if a.shards),
                   "computing bands")
        frames: list[pd.DataFrame] = []
        for arm in arms.values():
            if arm.shards and arm.cells:
                frames.extend(_arm_bands(arm, bar))
        bar.close()
    finally:
        for arm in arms.values():
            for handle in arm.files:
                handle.close()
        if spilled:
            shutil.rmtree(scratch, ignore_errors=True)
    bands = pd.concat(frames, ignore_index=True) if frames else empty_bands()
    summary = build_frame(ids, list(all_metrics), stats, milestones, events)
    return Aggregate(summary=summary, bands=bands, spilled=spilled)


def _values_pass(ordered: Sequence[RunSpec], shards: Mapping[str, Path],
                 failures: Mapping[str, str], arms: Mapping[str, _Arm],
                 all_metrics: Mapping[str, int], progress: Progress | None,
                 ) -> tuple[list[dict[str, Any]], np.ndarray, list[dict[str, Any]],
                            list[dict[str, int]]]:
    stats = np.full((len(ordered), 3, len(all_metrics)), np.nan)
    ids: list[dict[str, Any]] = []
    milestones: list[dict[str, Any]] = []
    events: list[dict[str, int]] = []
    bar = _Bar(progress, len(ordered), "reading shards")
    names: tuple[str, ...] = ()
    cols: list[int] = []
    paths = [shards.get(spec.run_id) for spec in ordered]
    for i, (spec, read) in enumerate(zip(ordered, read_in_order(read_matrix, paths),
                                         strict=True)):
        if read is None:
            row = identity(_spec_dict(spec), "failed")
            row["error"] = failures[spec.run_id]
            ids.append(row)
            milestones.append({})
            events.append({})
            bar.tick()
            continue
        head, values = read
        row = identity(head.spec, "ok")
        row["months"] = len(head.dates)
        ids.append(row)
        if head.metrics != names:  # most shards name the metrics of the one before
            names, cols = head.metrics, [all_metrics[m] for m in head.metrics]
        stats[i][:, cols] = path_stats(values)
        milestones.append(milestone_dates(head.dates, head.metrics, values))
        events.append(head.events)
        arm = arms[spec.arm]
        if arm.cells:
            _store(arm, _aligned(arm, head.metrics, head.dates, values))
        bar.tick()
    bar.close()
    for arm in arms.values():
        if arm.cells and arm.filled != len(arm.shards):  # memory was not NaN-filled before
            raise RuntimeError(f"aggregate: arm {arm.name!r} stored {arm.filled} of "
                               f"{len(arm.shards)} shards")
        for handle in arm.files:
            handle.flush()
    return ids, stats, milestones, events


def _spec_dict(spec: RunSpec) -> dict[str, Any]:
    return {"run_id": spec.run_id, "arm": spec.arm, "point": spec.point, "rep": spec.rep,
            "seed": spec.seed, "params": spec.params}
