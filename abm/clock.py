"""Simulation time: days (float) since the world's start date, and calendar months.

t = 0.0 is 00:00 on the start date; t = 1.0 is 00:00 the next day. A month's end is the
instant its last day ends (00:00 on the first of the next month), which is when the
books close and the recorder samples.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # pandas on first use: a worker's runs need none of it
    import pandas as pd


def first_of_next_month(day: dt.date) -> dt.date:
    """Return the first day of the month after ``day``."""
    if day.month == 12:
        return dt.date(day.year + 1, 1, 1)
    return dt.date(day.year, day.month + 1, 1)


@dataclass(frozen=True)
class Clock:
    """Converts between sim time in days and calendar dates for one run."""

    start: dt.date

    def t_of(self, day: dt.date) -> float:
        """Days from the start date to 00:00 on ``day``."""
        return float((day - self.start).days)

    def date_of(self, t_days: float) -> dt.date:
        """The calendar date in which instant ``t_days`` falls."""
        return self.start + dt.timedelta(math.floor(t_days + 1e-9))

    def month_ends(self, until: dt.date) -> list[dt.date]:
        """Last days of every month from the start month through the month of ``until``."""
        ends: list[dt.date] = []
        nxt = first_of_next_month(self.start)
        while True:
            ends.append(nxt - dt.timedelta(days=1))
            if nxt > until:
                return ends
            nxt = first_of_next_month(nxt)

    def t_month_end(self, month_end: dt.date) -> float:
        """The instant a month closes: the end of its last day."""
        return self.t_of(month_end) + 1.0

    def dates_of(self, t_days: np.ndarray) -> pd.DatetimeIndex:
        """Vectorized :meth:`date_of` for a column of event times."""
        import pandas as pd

        days = np.floor(np.asarray(t_days, dtype=float) + 1e-9).astype("int64")
        base = np.datetime64(self.start, "D")
        return pd.DatetimeIndex(base + days.astype("timedelta64[D]")).as_unit("ns")


def parse_date(text: str) -> dt.date:
    """Parse an ISO date (YYYY-MM-DD); raises ValueError with the expectation."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"expected a date YYYY-MM-DD, got {text!r}") from exc
