"""The timeline of a run made readable: select events by agent, kind and date, and print them.

Kinds are selected with shell-style patterns (``contract.*``, ``*.issued``); a bare family
name (``gpu``) means the whole family and a leading ``!`` excludes. Figures are formatted
from the unit suffix of their column (``_usd`` -> $1.23B, ``mw`` -> 700 MW), so kinds and
data fields added later print readably without changes here.
"""

from __future__ import annotations

import calendar
import datetime as dt
import fnmatch
import json
import math
import re
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from abm.config import ConfigError

BASE_COLUMNS = ("id", "t_days", "date", "agent", "kind", "cause")
FORMATS = ("table", "csv", "json")
# Strings naming what an event is about, shown first; other strings follow alphabetically.
IDENTITY_FIELDS = ("contract", "tender", "site", "company", "provider", "buyer", "customer",
                   "channel", "instrument", "note")
# Figures shown before the rest, most telling first.
LEADING_FIGURES = ("amount_usd", "value_usd", "mw", "gpus", "shares", "it_mw", "cash_usd")
# Fields whose unit says it all, so their name is not printed.
BARE_FIGURES = ("amount_usd", "mw", "gpus", "shares")
# Identity fields printed with a word before them (a bare "iren" or "microsoft" is unclear).
IDENTITY_PREFIX = {"company": "for ", "provider": "provider ", "buyer": "buyer ",
                   "customer": "customer ", "tender": "tender "}
UNIT_WORDS = ("usd", "mw", "gpus", "days", "btc", "ehs", "shares")
ACRONYMS = {"it": "IT", "arr": "ARR", "ai": "AI", "gpu": "GPU", "btc": "BTC", "atm": "ATM"}
# Data fields naming the company an event is about when another agent logs it.
COMPANY_FIELDS = ("company", "provider", "buyer")
_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


def is_missing(value: Any) -> bool:
    """True for None, pandas NA and float NaN (the ways a sparse column says 'absent')."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def data_columns(events: pd.DataFrame) -> list[str]:
    """The sparse data columns of an events frame (everything after the base columns)."""
    return [c for c in events.columns if c not in BASE_COLUMNS]


def split_patterns(text: str | Sequence[str] | None) -> list[str]:
    """Comma-separated (or repeated) patterns as one flat list, blanks dropped."""
    if text is None:
        return []
    parts = [text] if isinstance(text, str) else list(text)
    return [p.strip() for part in parts for p in part.split(",") if p.strip()]


def pattern_mask(values: pd.Series, patterns: Sequence[str]) -> np.ndarray:
    """Which values match the patterns: globs, bare family names, ``!`` exclusions.

    With only exclusions, everything not excluded matches.
    """
    names = values.astype(str).to_numpy()
    include = [p for p in patterns if not p.startswith("!")]
    exclude = [p[1:] for p in patterns if p.startswith("!")]
    unique = set(names.tolist())
    keep = {n for n in unique if not include or any(_matches(n, p) for p in include)}
    keep -= {n for n in unique if any(_matches(n, p) for p in exclude)}
    return np.isin(names, list(keep))


def _matches(name: str, pattern: str) -> bool:
    if not any(ch in pattern for ch in "*?[.") and name.startswith(pattern + "."):
        return True
    return fnmatch.fnmatchcase(name, pattern)


def parse_period(text: str, option: str, *, end: bool) -> pd.Timestamp:
    """A date from YYYY, YYYY-MM or YYYY-MM-DD: the first day of that period, or the last.

    Raises ConfigError naming ``option`` when the text is not such a date.
    """
    match = _DATE.match(text.strip())
    expected = f"expected a date YYYY-MM-DD, YYYY-MM or YYYY, got {text!r}"
    if match is None:
        raise ConfigError(option, "", expected)
    year = int(match[1])
    month = int(match[2]) if match[2] else (12 if end else 1)
    try:
        last_day = calendar.monthrange(year, month)[1]
        day = int(match[3]) if match[3] else (last_day if end else 1)
        return pd.Timestamp(dt.date(year, month, day))
    except (ValueError, calendar.IllegalMonthError):
        raise ConfigError(option, "", expected) from None


def event_company(events: pd.DataFrame) -> pd.Series:
    """The company each event concerns: its first :data:`COMPANY_FIELDS` value, else its agent.

    A utility energizing IREN's site, or a vendor shipping IREN's GPUs, is IREN's story.
    """
    company = pd.Series([None] * len(events), index=events.index, dtype=object)
    for name in COMPANY_FIELDS:
        if name in events:
            values = events[name].astype(object)
            company = company.where(company.notna(), values.where(values.notna(), None))
    return company.where(company.notna(), events["agent"].astype(str)).astype(str)


def select_events(
    events: pd.DataFrame,
    *,
    agents: str | Sequence[str] | None = None,
    kinds: str | Sequence[str] | None = None,
    since: str | None = None,
    until: str | None = None,
) -> pd.DataFrame:
    """The events by or about ``agents`` of the given ``kinds`` between two dates (inclusive).

    ``agents`` match the acting agent or the company an event is about (see
    :func:`event_company`); both take patterns.
    """
    mask = np.ones(len(events), dtype=bool)
    agent_patterns = split_patterns(agents)
    if agent_patterns:
        mask &= (pattern_mask(events["agent"], agent_patterns)
                 | pattern_mask(event_company(events), agent_patterns))
    kind_patterns = split_patterns(kinds)
    if kind_patterns:
        mask &= pattern_mask(events["kind"], kind_patterns)
    dates = pd.DatetimeIndex(events["date"])
    if since:
        mask &= np.asarray(dates >= parse_period(since, "--since", end=False))
    if until:
        mask &= np.asarray(dates < parse_period(until, "--until", end=True) + pd.Timedelta(days=1))
    return events[mask]


def format_usd(value: float) -> str:
    """Dollars with a readable unit: $9.70B, $485M, $4.6M, $84.35; negatives as -$478M."""
    sign = "-" if value < 0 else ""
    size = abs(value)
    if size >= 1e9:
        return f"{sign}${size / 1e9:,.2f}B"
    if size >= 1e7:
        return f"{sign}${size / 1e6:,.0f}M"
    if size >= 1e6:
        return f"{sign}${size / 1e6:,.1f}M"
    if size >= 1e4:
        return f"{sign}${size / 1e3:,.0f}K"
    return f"{sign}${size:,.2f}"


def format_figure(name: str, value: Any) -> str:
    """One data field or metric as text, its unit read from the name (``cost_usd``)."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | float | np.number):
        return str(value)
    number = float(value)
    tokens = name.split("_")
    if number == 0 and "usd" in tokens:
        return "$0"
    if "usd" in tokens:
        return format_usd(number)
    if tokens[-1] == "mw":
        return f"{number:,.0f} MW"
    if "gpus" in tokens:
        return f"{number:,.0f} GPUs"
    if "shares" in tokens:
        return f"{number / 1e6:,.2f}M shares" if abs(number) >= 1e5 else f"{number:,.0f} shares"
    if tokens[-1] == "days":
        return f"{number:,.1f} days"
    if tokens[-1] == "rate":
        return f"{number * 100:.2f}%"
    if tokens[-1] == "btc":
        return f"{number:,.4g} BTC"
    if tokens[-1] == "ehs":
        return f"{number:,.2f} EH/s"
    if number == int(number) and abs(number) < 1e15:
        return f"{int(number):,}"
    return f"{number:,.4g}"


def _label(name: str) -> str:
    words = name.split("_")
    if len(words) > 1 and words[-1] in UNIT_WORDS:
        words = words[:-1]
    return " ".join(ACRONYMS.get(w, w) for w in words)


def event_fields(row: Mapping[Any, Any], columns: Iterable[str]) -> dict[str, Any]:
    """The present (non-missing) data fields of one event row, in display order."""
    present = {c: row[c] for c in columns if c in row and not is_missing(row[c])}
    strings = [c for c in present if isinstance(present[c], str)]
    ordered = [c for c in IDENTITY_FIELDS if c in strings]
    ordered += sorted(c for c in strings if c not in IDENTITY_FIELDS)
    ordered += [c for c in LEADING_FIGURES if c in present and c not in ordered]
    ordered += sorted(c for c in present if c not in ordered)
    return {c: present[c] for c in ordered}


def describe(row: Mapping[Any, Any], columns: Iterable[str]) -> str:
    """What happened, in words: identities then figures (``iren_microsoft, value $9.70B``)."""
    parts = []
    for name, value in event_fields(row, columns).items():
        text = format_figure(name, value)
        if name in IDENTITY_FIELDS:
            parts.append(IDENTITY_PREFIX.get(name, "") + text)
        elif name in BARE_FIGURES:
            parts.append(text)
        else:
            parts.append(f"{_label(name)} {text}")
    return ", ".join(parts)


def format_table(
    events: pd.DataFrame,
    *,
    width: int = 100,
    depths: Sequence[int] | None = None,
) -> str:
    """Aligned lines (id, date, agent, kind, cause, what) wrapped to ``width`` columns.

    ``depths`` indents the kind column, to print a tree of consequences.
    """
    if events.empty:
        return "(no events match)"
    columns = data_columns(events)
    records = events.to_dict("records")
    kinds = [("  " * d + "-> " if d else "") + str(r["kind"])
             for r, d in zip(records, depths or [0] * len(records), strict=True)]
    agent_w = min(max(5, *(len(str(r["agent"])) for r in records)), 12)
    kind_w = min(max(4, *(len(k) for k in kinds)), 30)
    id_w = max(3, len(str(int(events["id"].max()))) + 1)
    head = (f"{'date':<10}  {'id':>{id_w}}  {'agent':<{agent_w}}  {'kind':<{kind_w}}  "
            f"{'from':>{id_w}}  ")
    lines = [head + "what", "-" * min(width, len(head) + 40)]
    what_w = max(20, width - len(head))
    for record, kind in zip(records, kinds, strict=True):
        cause = "" if is_missing(record["cause"]) else f"#{int(record['cause'])}"
        stem = (f"{pd.Timestamp(record['date']):%Y-%m-%d}  {'#' + str(record['id']):>{id_w}}  "
                f"{str(record['agent'])[:agent_w]:<{agent_w}}  {kind:<{kind_w}}  "
                f"{cause:>{id_w}}  ")
        wrapped = textwrap.wrap(describe(record, columns), what_w) or [""]
        lines.append(stem + wrapped[0])
        lines.extend(" " * len(stem) + more for more in wrapped[1:])
    return "\n".join(lines)


def to_records(events: pd.DataFrame) -> list[dict[str, Any]]:
    """Events as JSON-ready dicts: ISO dates, plain numbers, absent fields left out."""
    columns = data_columns(events)
    out = []
    for row in events.to_dict("records"):
        record: dict[str, Any] = {
            "id": int(row["id"]),
            "date": f"{pd.Timestamp(row['date']):%Y-%m-%d}",
            "t_days": float(row["t_days"]),
            "agent": str(row["agent"]),
            "kind": str(row["kind"]),
            "cause": None if is_missing(row["cause"]) else int(row["cause"]),
            "what": describe(row, columns),
        }
        for name, value in event_fields(row, columns).items():
            record[name] = value.item() if isinstance(value, np.generic) else value
        out.append(record)
    return out


def to_csv(events: pd.DataFrame) -> str:
    """Events as CSV: base columns, a ``what`` column, then the data columns in use."""
    frame = events.copy()
    frame["date"] = pd.DatetimeIndex(frame["date"]).strftime("%Y-%m-%d")
    frame.insert(len(BASE_COLUMNS), "what",
                 [describe(r, data_columns(events)) for r in events.to_dict("records")])
    used = [c for c in data_columns(events) if frame[c].notna().any()]
    return frame[[*BASE_COLUMNS, "what", *used]].to_csv(index=False)


def render(events: pd.DataFrame, fmt: str, *, width: int = 100) -> str:
    """The events in one of :data:`FORMATS`; an unknown format is a ConfigError."""
    if fmt == "table":
        return format_table(events, width=width)
    if fmt == "csv":
        return to_csv(events).rstrip("\n")
    if fmt == "json":
        return json.dumps(to_records(events), indent=2)
    raise ConfigError("--format", fmt, f"expected one of {', '.join(FORMATS)}")
