"""Outcomes: one number per run, named ``METRIC@WHEN``, read from summaries or shards.

``WHEN`` is ``end``, ``min`` or ``max`` (from the summary row), a date
``YYYY-MM-DD`` (the metric at the last month end on or before it, read from the shard),
or ``date`` for a milestone (``iren.ai_arr_1b@date``: years from the world's start to the
milestone, missing if never reached). ``events.KIND`` is a count of events.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from abm.clock import parse_date
from abm.config import ConfigError
from experiments.many.shards import read_matrix
from experiments.many.summary import MILESTONES, STATS, companies_of

DAYS_PER_YEAR = 365.25


@dataclass(frozen=True)
class Outcome:
    """A parsed outcome: the metric (or summary column) and when it is read."""

    text: str
    metric: str
    when: str
    date: dt.date | None = None

    @property
    def column(self) -> str:
        """The summary column it reads, when it reads one."""
        return self.text if self.when in ("count", "date", *STATS) else ""


def parse_outcome(text: str, metrics: Sequence[str], start: dt.date,
                  until: dt.date) -> Outcome:
    """Parse and check an outcome against the world's metrics and dates."""
    text = text.strip()
    if text.startswith("events.") and "@" not in text:
        return Outcome(text, text, "count")
    metric, sep, when = text.partition("@")
    if not sep or not metric:
        raise ConfigError("--outcome", text, "expected METRIC@YYYY-MM-DD, METRIC@end, "
                          "@min, @max, a milestone like iren.ai_arr_1b@date, or "
                          "events.KIND")
    if when == "date":
        names = [f"{c}.{m.name}" for c in companies_of(metrics) for m in MILESTONES]
        if metric not in names:
            raise ConfigError("--outcome", text, f"expected a milestone, one of "
                              f"{', '.join(names)}")
        return Outcome(text, metric, "date")
    if metric not in metrics:
        close = [m for m in metrics if metric.split(".")[-1] in m][:6]
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise ConfigError("--outcome", text, f"unknown metric {metric!r}{hint}")
    if when in STATS:
        return Outcome(text, metric, when)
    try:
        day = parse_date(when)
    except ValueError:
        raise ConfigError("--outcome", text, "expected @end, @min, @max or "
                          "@YYYY-MM-DD after the metric") from None
    if not start <= day <= until:
        raise ConfigError("--outcome", text, f"expected a date from {start} to {until}")
    return Outcome(text, metric, "at", day)


def _value_at(path: Path, metric: str, day: dt.date) -> float:
    head, values = read_matrix(path)
    if metric not in head.metrics:
        return float("nan")
    cut = np.searchsorted(head.dates, np.datetime64(day, "ns"), side="right")
    return float(values[cut - 1, head.metrics.index(metric)]) if cut > 0 else float("nan")


def outcome_values(outcomes: Iterable[Outcome], summary: pd.DataFrame,
                   shards: Mapping[str, Path], start: dt.date) -> pd.DataFrame:
    """One row per run of ``summary`` (same order), one column per outcome."""
    out = pd.DataFrame(index=summary.index)
    ok = (summary["status"] == "ok").to_numpy()
    ids = summary["run_id"].tolist()
    for outcome in outcomes:
        if outcome.when == "count":
            column = summary.get(outcome.text, 0)
            out[outcome.text] = pd.Series(column, index=summary.index, dtype="float64")
        elif outcome.when == "date":
            dates = summary.get(outcome.column)
            if dates is None:
                out[outcome.text] = np.nan
            else:
                days = (pd.to_datetime(dates) - pd.Timestamp(start)).dt.days
                out[outcome.text] = days.astype("float64") / DAYS_PER_YEAR
        elif outcome.when == "at":
            assert outcome.date is not None
            values = [(_value_at(shards[rid], outcome.metric, outcome.date)
                       if good and rid in shards else np.nan) for rid, good in zip(
                          ids, ok, strict=True)]
            out[outcome.text] = np.asarray(values, dtype="float64")
        else:
            out[outcome.text] = summary[outcome.column].astype("float64")
        out.loc[~ok, outcome.text] = np.nan
    return out


def default_outcomes(company: str) -> list[str]:
    """Outcomes a comparison shows when none are given: the company's money, power, path."""
    return [f"{company}.cash_usd@end", f"{company}.cash_usd@min",
            f"{company}.ai_run_rate_arr_usd@end", f"{company}.energized_mw@end",
            f"{company}.shares_outstanding@end", f"{company}.market_cap_usd@end",
            f"{company}.ai_arr_1b@date", "events.capital.gap"]
