"""The recorder: month-end samples of every metric, one row per month end.

Agents register a source (a prefix, metric names, and a function returning the values in
that order) before the run; the recorder then collects one row of floats per month end
and makes the (month x metric) float array once, when the frame is asked for. Names are
dotted and carry units where they have one: ``iren.energized_mw``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # pandas on first use: a worker's runs need none of it
    import pandas as pd

_NAME = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")

SampleFn = Callable[[], Sequence[float]]


@dataclass(frozen=True)
class _Source:
    lo: int
    hi: int
    sample: SampleFn


class Recorder:
    """Month-end sampler of registered metrics into a (month x metric) array."""

    def __init__(self) -> None:
        self._names: list[str] = []
        self._known: set[str] = set()
        self._sources: list[_Source] = []
        self._rows: list[list[float]] | None = None
        self._dates: list[dt.date] = []

    def add_source(self, prefix: str, names: Sequence[str], sample: SampleFn) -> None:
        """Register metrics ``prefix.name`` whose values ``sample()`` returns in order."""
        if self._rows is not None:
            raise RuntimeError("recorder: sources must be added before the run starts")
        lo = len(self._names)
        for name in names:
            full = f"{prefix}.{name}"
            if not _NAME.match(full):
                raise ValueError(f"recorder: metric {full!r} must be dotted lower_snake_case")
            if full in self._known:
                raise ValueError(f"recorder: metric {full!r} registered twice")
            self._names.append(full)
            self._known.add(full)
        self._sources.append(_Source(lo, len(self._names), sample))

    @property
    def names(self) -> list[str]:
        """Metric names, in column order."""
        return list(self._names)

    def allocate(self, month_ends: Sequence[dt.date]) -> None:
        """Expect one row per month end of ``month_ends``."""
        self._dates = list(month_ends)
        self._rows = []

    def sample(self) -> None:
        """Fill the next month-end row from every source."""
        if self._rows is None:
            raise RuntimeError("recorder: allocate() before sampling")
        if len(self._rows) >= len(self._dates):
            raise RuntimeError(f"recorder: all {len(self._dates)} month ends already sampled")
        values: list[float] = []
        for src in self._sources:
            sampled = src.sample()
            if len(sampled) != src.hi - src.lo:
                raise ValueError(f"recorder: a source of {src.hi - src.lo} metrics sampled "
                                 f"{len(sampled)} values")
            values.extend(sampled)
        self._rows.append(values)

    @property
    def rows_filled(self) -> int:
        """Month ends sampled so far."""
        return 0 if self._rows is None else len(self._rows)

    def matrix(self) -> tuple[list[dt.date], np.ndarray]:
        """The sampled month ends and their (month x metric) values, columns as :attr:`names`."""
        rows = self._rows or []
        values = np.array(rows, dtype=np.float64).reshape(len(rows), len(self._names))
        return self._dates[: len(rows)], values

    def to_frame(self) -> pd.DataFrame:
        """The sampled months as a DataFrame indexed by month-end date."""
        import pandas as pd

        dates, values = self.matrix()
        index = pd.DatetimeIndex(pd.to_datetime(dates), name="date").as_unit("ns")
        return pd.DataFrame(values, index=index, columns=self._names)
