"""One summary row per run: end values, extremes, milestone dates and event counts.

Columns are named like outcomes: ``iren.cash_usd@end``, ``@min`` and ``@max`` for every
path metric; ``iren.ai_arr_1b@date`` for the first month end a milestone holds (missing
if never); ``events.<kind>`` for how many events of each kind the run logged, and
``events.total``. Identity columns come first: ``run_id``, ``arm``, ``point``, ``rep``,
``seed``, ``status``, then ``set.<key>`` for each value a design chose, ``error`` for
runs that raised, and ``months``.

Rows are computed in the parent from each shard's path matrix while it streams the
shards, so a shard stays small and the statistics come from exactly the stored path.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

STATS = ("end", "min", "max")
ID_COLUMNS = ("run_id", "arm", "point", "rep", "seed", "status")


@dataclass(frozen=True)
class Milestone:
    """The first month end at which ``company.metric`` reaches ``threshold``."""

    name: str
    metric: str
    threshold: float
    label: str


MILESTONES = (
    Milestone("ai_arr_1b", "ai_run_rate_arr_usd", 1e9, "AI run-rate ARR >= $1B"),
    Milestone("ai_arr_2b", "ai_run_rate_arr_usd", 2e9, "AI run-rate ARR >= $2B"),
    Milestone("energized_2gw", "energized_mw", 2000.0, "energized power >= 2 GW"),
    Milestone("gpus_100k", "gpus", 100_000.0, "GPUs in service >= 100k"),
)


def companies_of(metrics: Iterable[str]) -> list[str]:
    """Agents with an AI run-rate metric (the neoclouds), in metric order."""
    suffix = ".ai_run_rate_arr_usd"
    return [m.removesuffix(suffix) for m in metrics if m.endswith(suffix)]


def milestone_column(company: str, milestone: Milestone) -> str:
    """The summary column of a company's milestone date."""
    return f"{company}.{milestone.name}@date"


def path_stats(values: np.ndarray) -> np.ndarray:
    """(3 x metric) end, min and max of a (month x metric) path; NaN for an empty path.

    A metric with no value all along (a GPU generation's rent before it launches) has a
    NaN min and max.
    """
    if values.shape[0] == 0:
        return np.full((3, values.shape[1]), np.nan)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # numpy's all-NaN slice warning
        return np.vstack([values[-1], np.nanmin(values, axis=0), np.nanmax(values, axis=0)])


def milestone_dates(dates: np.ndarray, metrics: Sequence[str],
                    values: np.ndarray) -> dict[str, np.datetime64 | None]:
    """The first month end each company's milestones hold (None if never reached)."""
    names, columns, thresholds = _milestone_columns(tuple(metrics))
    if not names:
        return {}
    hits: np.ndarray = values[:, columns] >= thresholds  # (month x milestone); NaN: never
    reached: list[bool] = np.asarray(hits.any(axis=0)).tolist()
    first: list[int] = hits.argmax(axis=0).tolist()
    return {name: (dates[i] if ok else None)
            for name, ok, i in zip(names, reached, first, strict=True)}


@functools.lru_cache(maxsize=16)
def _milestone_columns(metrics: tuple[str, ...]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Each company's milestones with a metric in ``metrics``.

    Their summary column, metric column and threshold; the shards of an experiment share
    a few metric lists, so this is worked out once per list.
    """
    index = {m: j for j, m in enumerate(metrics)}
    names: list[str] = []
    columns: list[int] = []
    thresholds: list[float] = []
    for company in companies_of(metrics):
        for ms in MILESTONES:
            j = index.get(f"{company}.{ms.metric}")
            if j is not None:
                names.append(milestone_column(company, ms))
                columns.append(j)
                thresholds.append(ms.threshold)
    return names, np.array(columns, dtype=np.int64), np.array(thresholds)


def identity(spec: Mapping[str, Any], status: str) -> dict[str, Any]:
    """The identity columns of a run's row (from its spec as a dict)."""
    row: dict[str, Any] = {"run_id": spec["run_id"], "arm": spec["arm"],
                           "point": int(spec["point"]), "rep": int(spec["rep"]),
                           "seed": int(spec["seed"]), "status": status}
    row.update({f"set.{k}": v for k, v in spec.get("params", ())})
    return row


def column_order(columns: Iterable[str]) -> list[str]:
    """Identity, design values, error, months, then metrics and milestones, then events."""
    names = set(columns)
    head = [c for c in ID_COLUMNS if c in names]
    sets = sorted(c for c in names if c.startswith("set."))
    tail = [c for c in ("error", "months") if c in names]
    events = sorted(c for c in names if c.startswith("events."))
    rest = sorted(names - set(head) - set(sets) - set(tail) - set(events))
    return [*head, *sets, *tail, *rest, *events]


def build_frame(ids: Sequence[Mapping[str, Any]], metrics: Sequence[str], stats: np.ndarray,
                milestones: Sequence[Mapping[str, Any]],
                events: Sequence[Mapping[str, int]]) -> pd.DataFrame:
    """The summary frame: identity rows, (run x 3 x metric) stats, milestones, events.

    Every argument lists runs in the same order; failed runs have empty milestones and
    events and NaN statistics.
    """
    if not ids:
        return pd.DataFrame(columns=list(ID_COLUMNS))
    parts = [pd.DataFrame.from_records(list(ids))]
    for k, stat in enumerate(STATS):
        parts.append(pd.DataFrame(stats[:, k, :], columns=[f"{m}@{stat}" for m in metrics]))
    dates = pd.DataFrame.from_records(list(milestones), index=range(len(ids)))
    for column in dates.columns:
        dates[column] = pd.to_datetime(dates[column]).astype("datetime64[ns]")
    parts.append(dates)
    ok = (parts[0]["status"] == "ok").to_numpy()
    counts = pd.DataFrame.from_records(list(events), index=range(len(ids)))
    counts = counts.reindex(columns=sorted(counts.columns)).fillna(0)
    counts["total"] = counts.sum(axis=1)
    counts = counts.astype("int64").astype("Int64")
    counts.loc[~ok, :] = pd.NA
    parts.append(counts.add_prefix("events."))
    frame = pd.concat(parts, axis=1)
    return frame[column_order(frame.columns)].reset_index(drop=True)
