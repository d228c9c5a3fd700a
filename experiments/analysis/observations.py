"""Observations: what really happened, as data a forecast is scored against.

A file of observations is TOML (an array of ``[[observation]]`` tables, under an optional
``[observations]`` table with a ``description``) or CSV (a header row naming the same
fields). Each observation has:

- ``metric``: a path metric of the world (``iren.revenue_ai_usd``, ``btc.price_usd``);
- either ``date``, a month end: the metric's **level** then (cash, shares, a price), or
  ``from`` and ``to``, the first and last day of whole months: a **flow** summed over the
  month ends in between (revenue, BTC mined). When the world starts after ``from``, the
  runs' sum over the days the world covers is scaled up to the whole period
  (``period days / covered days``); the world must cover at least half of it;
- ``value``, in the metric's unit (dollars, not millions), and ``source`` (a URL or a
  document, with its status as in the world files);
- optionally ``unit`` (checked against the metric's: ``$``, ``MW``, ``EH/s``, ``BTC``,
  ``$/PH/day``, or ``count``), ``consensus`` (what forecasters expected, same unit),
  ``label`` (a short name for tables) and ``note``.

A mistake is a :class:`~abm.config.ConfigError` naming the file, the observation (its
number in a TOML file, its line in a CSV file) and what was expected: exit 2 and one line.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import hashlib
import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from abm.config import ConfigError, read_toml
from experiments.reports.formatting import base_unit

FIELDS = ("metric", "date", "from", "to", "value", "source", "unit", "consensus", "label",
          "note")
UNIT_NAMES = {"$": "$", "usd": "$", "mw": "MW", "eh/s": "EH/s", "ehs": "EH/s", "btc": "BTC",
              "$/ph/day": "$/PH/day", "usd/ph/day": "$/PH/day", "count": "", "": ""}
MIN_COVERED_SHARE = 0.5
"""A flow's period must be at least this much inside the world's horizon."""


@dataclass(frozen=True)
class Observation:
    """One realized value: a metric's level at a month end, or its flow over months."""

    where: str
    """How errors name it: ``observation 3`` (TOML) or ``line 4`` (CSV)."""
    metric: str
    value: float
    source: str
    date: dt.date | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    scale: float = 1.0
    """A flow's factor from the days the world covers to the whole period."""
    consensus: float | None = None
    label: str = ""
    note: str = ""

    @property
    def kind(self) -> str:
        """``level`` (a month end) or ``flow`` (summed over months)."""
        return "level" if self.date is not None else "flow"

    @property
    def when(self) -> str:
        """The date, or the period ``FROM..TO``."""
        if self.date is not None:
            return self.date.isoformat()
        return f"{self.start}..{self.end}"

    @property
    def name(self) -> str:
        """The label, or ``metric@when``."""
        return self.label or f"{self.metric}@{self.when}"


@dataclass(frozen=True)
class ObservationSet:
    """The observations of one file, checked against a world's metrics and horizon."""

    path: Path
    sha: str
    description: str
    items: tuple[Observation, ...]


def month_end(day: dt.date) -> dt.date:
    """The last day of ``day``'s month."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def read_rows(path: Path) -> tuple[str, list[tuple[str, dict[str, Any]]]]:
    """A file's description and its raw rows, each with the name errors give it."""
    if path.suffix.lower() == ".csv":
        return "", _csv_rows(path)
    data = read_toml(path)
    head = data.pop("observations", {})
    if not isinstance(head, dict) or set(head) - {"description"}:
        raise ConfigError(str(path), "observations", "expected a table with a description only")
    rows = data.pop("observation", None)
    if data:
        raise ConfigError(str(path), sorted(data)[0], "unknown table; expected "
                          "[observations] and [[observation]] tables")
    if not isinstance(rows, list) or not rows or not all(isinstance(r, dict) for r in rows):
        raise ConfigError(str(path), "observation", "expected one or more [[observation]] "
                          "tables")
    return str(head.get("description", "")), [(f"observation {i}", row)
                                              for i, row in enumerate(rows, 1)]


def _csv_rows(path: Path) -> list[tuple[str, dict[str, Any]]]:
    if not path.exists():
        raise ConfigError(str(path), "", "file not found")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), "", f"cannot be read as UTF-8 text ({exc})") from None
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [f for f in ("metric", "value", "source") if f not in header]
    if missing:
        raise ConfigError(str(path), "line 1", f"expected a header naming {', '.join(FIELDS)}; "
                          f"missing {', '.join(missing)}")
    rows = []
    for record in reader:
        line = reader.line_num
        if None in record:
            raise ConfigError(str(path), f"line {line}", "more cells than the header names")
        cells = {k.strip(): (v or "").strip() for k, v in record.items() if k is not None}
        if any(cells.values()):
            rows.append((f"line {line}", {k: v for k, v in cells.items() if v != ""}))
    if not rows:
        raise ConfigError(str(path), "", "no observations: expected rows under the header")
    return rows


def load_observations(path: str | Path, metrics: Sequence[str], start: dt.date,
                      until: dt.date) -> ObservationSet:
    """Read and check a file of observations against a world's metrics and horizon."""
    file = Path(path)
    description, rows = read_rows(file)
    known = frozenset(metrics)
    items = tuple(_check(str(file), where, row, known, start, until) for where, row in rows)
    sha = hashlib.sha256(file.read_bytes()).hexdigest()[:16]
    return ObservationSet(path=file.resolve(), sha=sha, description=description, items=items)


def _check(file: str, where: str, row: Mapping[str, Any], metrics: frozenset[str],
           start: dt.date, until: dt.date) -> Observation:
    metric = str(row.get("metric", "")).strip()

    def fail(key: str, expected: str) -> ConfigError:
        named = f"{where} ({metric})" if metric else where
        return ConfigError(file, f"{named}.{key}" if key else named, expected)

    unknown = sorted(set(row) - set(FIELDS))
    if unknown:
        raise fail(unknown[0], f"unknown field; expected {', '.join(FIELDS)}")
    if metric not in metrics:
        close = [m for m in sorted(metrics) if metric and metric.split(".")[-1] in m][:4]
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise fail("metric", f"expected a metric of the world, got {metric!r}{hint}")
    value = _number(row.get("value"), fail, "value")
    if value is None:
        raise fail("value", "required: the realized value, in the metric's unit")
    source = str(row.get("source", "")).strip()
    if not source:
        raise fail("source", "required: a URL or document the value comes from")
    expected = base_unit(metric)
    if "unit" in row:
        given = str(row["unit"]).strip()
        if UNIT_NAMES.get(given.lower(), given) != expected:
            shown = expected or "count"
            raise fail("unit", f"expected {shown!r}, the unit of {metric}, got {given!r}")
    day, first, last, scale = _when(row, fail, start, until)
    return Observation(where=where, metric=metric, value=value, source=source, date=day,
                       start=first, end=last, scale=scale,
                       consensus=_number(row.get("consensus"), fail, "consensus"),
                       label=str(row.get("label", "")).strip(),
                       note=str(row.get("note", "")).strip())


def _number(raw: Any, fail: Any, key: str) -> float | None:
    if raw is None:
        return None
    try:
        number = float(str(raw).replace("_", "")) if isinstance(raw, str) else float(raw)
    except (TypeError, ValueError):
        raise fail(key, f"expected a number, got {raw!r}") from None
    if isinstance(raw, bool) or not math.isfinite(number):
        raise fail(key, f"expected a finite number, got {raw!r}")
    return number


def _date(raw: Any, fail: Any, key: str) -> dt.date:
    if isinstance(raw, dt.datetime):
        raise fail(key, f"expected a date YYYY-MM-DD, got {raw!r}")
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw).strip())
    except ValueError:
        raise fail(key, f"expected a date YYYY-MM-DD, got {raw!r}") from None


def _when(row: Mapping[str, Any], fail: Any, start: dt.date, until: dt.date,
          ) -> tuple[dt.date | None, dt.date | None, dt.date | None, float]:
    """(date, from, to, scale) of a level or a flow, checked against the horizon."""
    first_end, last_end = month_end(start), until
    if until != month_end(until):  # the last month end on or before until
        last_end = until.replace(day=1) - dt.timedelta(days=1)
    if "date" in row:
        if "from" in row or "to" in row:
            raise fail("date", "expected either date (a level) or from and to (a flow), "
                       "not both")
        day = _date(row["date"], fail, "date")
        if day != month_end(day):
            raise fail("date", f"expected a month end (levels are read at month ends), "
                       f"e.g. {month_end(day)}, got {day}")
        if not first_end <= day <= last_end:
            raise fail("date", f"expected a month end from {first_end} to {last_end} "
                       f"(the world's horizon), got {day}")
        return day, None, None, 1.0
    if "from" not in row or "to" not in row:
        raise fail("date", "expected date (a month-end level) or from and to (a flow "
                   "summed over whole months)")
    first, last = _date(row["from"], fail, "from"), _date(row["to"], fail, "to")
    if first.day != 1:
        raise fail("from", f"expected the first day of a month, got {first}")
    if last != month_end(last):
        raise fail("to", f"expected the last day of a month, e.g. {month_end(last)}, "
                   f"got {last}")
    if last < first:
        raise fail("to", f"expected a date on or after from ({first}), got {last}")
    if not first_end <= last <= last_end:
        raise fail("to", f"expected a month end from {first_end} to {last_end} (the "
                   f"world's horizon), got {last}")
    period = (last - first).days + 1
    covered = (last - max(first, start)).days + 1
    if covered < MIN_COVERED_SHARE * period:
        raise fail("from", f"the period starts {first}, before the world's start {start}: "
                   f"the world covers {covered} of its {period} days, expected at least half")
    return None, first, last, period / covered
