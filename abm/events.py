"""The event log: an append-only, columnar record of every decision, with its cause.

Each event has an id (its position, so ids increase with time), a time, the agent that
acted, a dotted kind (``contract.signed``), the id of the event that led to it (or none)
and a few scalar data fields. Columns are Python lists (cheap appends) turned into numpy
arrays and a DataFrame only when asked; data fields are sparse columns, one per key.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, Literal

import numpy as np

from abm.clock import Clock

if TYPE_CHECKING:  # pandas on first use: a worker's runs need none of it
    import pandas as pd

Scalar = int | float | str | bool | None
NO_CAUSE: Final = -1
BASE_COLUMNS: Final = frozenset({"id", "t_days", "date", "agent", "kind", "cause"})


@dataclass(frozen=True)
class Event:
    """One event read back from the log."""

    id: int
    t_days: float
    agent: str
    kind: str
    cause: int | None
    data: dict[str, Scalar]


@dataclass
class _Interned:
    """A string column stored as small integer codes."""

    codes: list[int] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    index: dict[str, int] = field(default_factory=dict)

    def append(self, value: str) -> None:
        code = self.index.get(value)
        if code is None:
            code = self.index[value] = len(self.names)
            self.names.append(value)
        self.codes.append(code)

    def at(self, i: int) -> str:
        return self.names[self.codes[i]]

    def categorical(self) -> pd.Categorical[str]:
        import pandas as pd

        codes = np.asarray(self.codes, dtype="int32")
        return pd.Categorical.from_codes(codes, categories=pd.Index(self.names))


LogEvents = bool | Literal["kinds"]
"""What a run logs: every event (``True``), ids only (``False``), or ids and kinds."""


class EventLog:
    """Append-only event store.

    ``enabled=False`` keeps ids but stores nothing; ``enabled="kinds"`` keeps ids and each
    event's kind, enough for :meth:`kind_counts` (what an experiment's worker keeps), and
    skips the rest.
    """

    def __init__(self, clock: Clock, *, enabled: LogEvents = True) -> None:
        self.clock = clock
        self.enabled = enabled is True
        """Whether every event is stored in full (agents skip building data otherwise)."""
        self.kinds_only = enabled == "kinds"
        self._n = 0
        self._t: list[float] = []
        self._agent = _Interned()
        self._kind = _Interned()
        self._cause: list[int] = []
        self._data: dict[str, tuple[list[int], list[Scalar]]] = {}

    def __len__(self) -> int:
        return self._n

    def append(
        self,
        t_days: float,
        agent: str,
        kind: str,
        cause: int | None = None,
        data: Mapping[str, Scalar] | None = None,
    ) -> int:
        """Record one event and return its id; a cause must be an earlier event."""
        event_id = self._n
        if cause is not None and not 0 <= cause < event_id:
            raise ValueError(f"event {kind!r}: cause {cause} is not an earlier event id")
        self._n += 1
        if not self.enabled:
            if self.kinds_only:
                self._kind.append(kind)
            return event_id
        self._t.append(t_days)
        self._agent.append(agent)
        self._kind.append(kind)
        self._cause.append(NO_CAUSE if cause is None else cause)
        if data:
            for key, value in data.items():
                column = self._data.get(key)
                if column is None:
                    if key in BASE_COLUMNS:
                        raise ValueError(f"event {kind!r}: data key {key!r} is a base column")
                    column = self._data[key] = ([], [])
                column[0].append(event_id)
                column[1].append(value)
        return event_id

    def get(self, event_id: int) -> Event:
        """Read one event back."""
        self._require_enabled()
        if not 0 <= event_id < self._n:
            raise KeyError(f"no event with id {event_id} (the log has {self._n})")
        cause = self._cause[event_id]
        data: dict[str, Scalar] = {}
        for key, (ids, values) in self._data.items():
            pos = int(np.searchsorted(ids, event_id))
            if pos < len(ids) and ids[pos] == event_id:
                data[key] = values[pos]
        return Event(
            id=event_id,
            t_days=self._t[event_id],
            agent=self._agent.at(event_id),
            kind=self._kind.at(event_id),
            cause=None if cause == NO_CAUSE else cause,
            data=data,
        )

    def chain(self, event_id: int) -> list[int]:
        """Ids from ``event_id`` back through its causes to the root event."""
        self._require_enabled()
        ids = [event_id]
        while (cause := self._cause[ids[-1]]) != NO_CAUSE:
            ids.append(cause)
        return ids

    def causes(self) -> np.ndarray:
        """The cause column (``-1`` where an event has none)."""
        return np.asarray(self._cause, dtype="int64")

    def kinds(self) -> Iterator[str]:
        """The kind of every event, in order."""
        return (self._kind.at(i) for i in range(len(self._kind.codes)))

    def kind_counts(self) -> dict[str, int]:
        """How many events of each kind were logged, by kind name (sorted)."""
        counts = np.bincount(np.asarray(self._kind.codes, dtype="int64"),
                             minlength=len(self._kind.names))
        return {name: int(counts[code]) for code, name in sorted(
            enumerate(self._kind.names), key=lambda pair: pair[1]) if counts[code]}

    def to_frame(self) -> pd.DataFrame:
        """All events as a DataFrame: id, t_days, date, agent, kind, cause, then data.

        Without a full log (disabled, or kinds only) the frame has the columns and no row.
        """
        import pandas as pd

        n = len(self._t)
        t = np.asarray(self._t, dtype="float64")
        raw = np.asarray(self._cause, dtype="int64")
        cause = pd.array(np.where(raw == NO_CAUSE, 0, raw), dtype="Int64")
        cause[raw == NO_CAUSE] = pd.NA
        columns: dict[str, Any] = {
            "id": np.arange(n, dtype="int64"),
            "t_days": t,
            "date": self.clock.dates_of(t),
            "agent": self._agent.categorical(),
            "kind": self._kind.categorical() if self.enabled else _Interned().categorical(),
            "cause": cause,
        }
        for key in sorted(self._data):
            ids, values = self._data[key]
            columns[key] = _sparse_column(n, ids, values)
        return pd.DataFrame(columns)

    def _require_enabled(self) -> None:
        if not self.enabled:
            what = "kept kinds only" if self.kinds_only else "was disabled"
            raise RuntimeError(f"the event log {what} for this run")


def _sparse_column(n: int, ids: list[int], values: list[Scalar]) -> Any:
    """Spread a sparse data column over ``n`` rows with a type every value fits."""
    import pandas as pd

    idx = np.asarray(ids, dtype="int64")
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, bool) for v in present):
        data_b, mask_b = _masked(n, idx, values, "bool")
        return pd.arrays.BooleanArray(data_b, mask_b)
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        data_i, mask_i = _masked(n, idx, values, "int64")
        return pd.arrays.IntegerArray(data_i, mask_i)
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        out_f = np.full(n, np.nan)
        out_f[idx] = [np.nan if v is None else v for v in values]
        return out_f
    out_s = np.full(n, None, dtype=object)
    out_s[idx] = [None if v is None else str(v) for v in values]
    return out_s


def _masked(n: int, idx: np.ndarray, values: list[Scalar], dtype: str) -> tuple[np.ndarray,
                                                                              np.ndarray]:
    """Data and missing-mask arrays of a nullable column.

    Built directly, this is many times faster than filling a column of ``pd.NA``.
    """
    data = np.zeros(n, dtype=dtype)
    mask = np.ones(n, dtype="bool")
    known = np.fromiter((v is not None for v in values), dtype="bool", count=len(values))
    data[idx[known]] = [v for v in values if v is not None]
    mask[idx[known]] = False
    return data, mask
