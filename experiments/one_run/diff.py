"""Compare two runs: where their timelines part, their event counts and their end states.

The report names the first event where the timelines differ, counts events by kind side
by side, and sets the focus company's key metrics at the end of each run next to each other.

Two events are the same when kind, agent, calendar date and every data field agree
(numbers to a relative 1e-9, so a float round trip is not a divergence). Runs of different
lengths compare over the shorter one; if that is a prefix of the longer, the divergence is
the first event the shorter run does not have.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from abm.result import RunResult
from experiments.one_run.timeline import data_columns, format_figure, format_table

RTOL = 1e-9
# Metrics compared at the end of the run (suffixes of ``{focus}.``), when recorded.
KEY_METRICS = ("secured_mw", "energized_mw", "it_built_mw", "ai_load_mw", "gpus",
               "contracted_arr_usd", "ai_run_rate_arr_usd", "revenue_usd", "ebitda_usd",
               "cash_usd", "debt_usd", "convertible_principal_usd", "shares_outstanding",
               "shares_diluted", "share_price_usd", "market_cap_usd")
# Monthly flows: their end value is one month's, so their run total is shown as well.
FLOW_METRICS = ("revenue_usd", "ebitda_usd", "capex_usd")
META_KEYS = ("world", "seed", "until", "scenarios", "overrides", "config_hash")


@dataclass(frozen=True)
class Divergence:
    """The first position where two timelines differ; a side is None past its last event."""

    position: int
    event_a: pd.Series | None
    event_b: pd.Series | None
    fields: tuple[str, ...]


def _column(events: pd.DataFrame, name: str, n: int) -> pd.Series:
    if name in events:
        return events[name].iloc[:n].reset_index(drop=True)
    return pd.Series([None] * n, dtype=object)


def _differs(a: pd.Series, b: pd.Series) -> np.ndarray:
    """Row-wise inequality of two columns; both missing counts as equal."""
    a_na, b_na = a.isna().to_numpy(), b.isna().to_numpy()
    numeric = pd.api.types.is_numeric_dtype(a) and pd.api.types.is_numeric_dtype(b)
    if numeric and not pd.api.types.is_bool_dtype(a) and not pd.api.types.is_bool_dtype(b):
        x = a.astype("float64").to_numpy(na_value=np.nan)
        y = b.astype("float64").to_numpy(na_value=np.nan)
        same = np.isclose(x, y, rtol=RTOL, atol=0.0) | (a_na & b_na)
        return np.asarray(~same)
    x_obj = a.astype(object).to_numpy()
    y_obj = b.astype(object).to_numpy()
    same_values = np.array([str(p) == str(q) for p, q in zip(x_obj, y_obj, strict=True)],
                           dtype=bool)
    return np.asarray(~((a_na & b_na) | (~a_na & ~b_na & same_values)))


def first_divergence(
    a: pd.DataFrame, b: pd.DataFrame, fields: Sequence[str] | None = None,
) -> Divergence | None:
    """The first event (in id order) where the runs differ, or None if the logs agree.

    ``fields`` limits the data fields compared (default: every data field of either run).
    """
    n = min(len(a), len(b))
    a = a.sort_values("id", kind="stable").reset_index(drop=True)
    b = b.sort_values("id", kind="stable").reset_index(drop=True)
    compared = list(fields) if fields is not None else sorted(
        set(data_columns(a)) | set(data_columns(b)))
    masks: dict[str, np.ndarray] = {}
    if n:
        for name in ("kind", "agent"):
            masks[name] = _differs(_column(a, name, n).astype(str), _column(b, name, n).astype(str))
        days_a = pd.DatetimeIndex(a["date"].iloc[:n]).normalize()
        days_b = pd.DatetimeIndex(b["date"].iloc[:n]).normalize()
        masks["date"] = np.asarray(days_a != days_b)
        for name in compared:
            masks[name] = _differs(_column(a, name, n), _column(b, name, n))
    any_diff = np.zeros(n, dtype=bool)
    for mask in masks.values():
        any_diff |= mask
    if any_diff.any():
        pos = int(np.argmax(any_diff))
        differing = tuple(name for name, mask in masks.items() if mask[pos])
        return Divergence(pos, a.iloc[pos], b.iloc[pos], differing)
    if len(a) == len(b):
        return None
    return Divergence(n, a.iloc[n] if len(a) > n else None, b.iloc[n] if len(b) > n else None,
                      ("length",))


def kind_counts(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """Events per kind in each run and B - A, kinds sorted, with a total row."""
    counts = pd.DataFrame({
        "A": a["kind"].astype(str).value_counts(),
        "B": b["kind"].astype(str).value_counts(),
    }).fillna(0).astype("int64").sort_index()
    counts.loc["(all kinds)"] = [len(a), len(b)]
    counts["B-A"] = counts["B"] - counts["A"]
    counts.index.name = "kind"
    return counts


def end_metrics(
    a: pd.DataFrame, b: pd.DataFrame, focus: str, metrics: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The last recorded value of each key metric of ``focus`` in each run, and B - A.

    Monthly flows (:data:`FLOW_METRICS`) get a second row with their run total.

    ``metrics`` are full column names; the default is :data:`KEY_METRICS` as recorded,
    or every ``focus.`` column if none of them is.
    """
    if metrics is None:
        names = [f"{focus}.{m}" for m in KEY_METRICS]
        columns = [c for c in names if c in a or c in b]
        if not columns:
            columns = sorted({c for c in [*a.columns, *b.columns] if c.startswith(f"{focus}.")})
    else:
        columns = list(metrics)
    rows = {}
    for column in columns:
        end_a = float(a[column].dropna().iloc[-1]) if column in a and a[column].notna().any() \
            else np.nan
        end_b = float(b[column].dropna().iloc[-1]) if column in b and b[column].notna().any() \
            else np.nan
        rows[column] = {"A": end_a, "B": end_b, "B-A": end_b - end_a}
        if column.rsplit(".", 1)[-1] in FLOW_METRICS:
            sum_a = float(a[column].sum()) if column in a else np.nan
            sum_b = float(b[column].sum()) if column in b else np.nan
            rows[f"{column} (run total)"] = {"A": sum_a, "B": sum_b, "B-A": sum_b - sum_a}
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=["A", "B", "B-A"])
    frame.index.name = "metric"
    return frame


def _fmt(metric: str, value: float) -> str:
    if np.isnan(value):
        return "-"
    return format_figure(metric.split(" ")[0].rsplit(".", 1)[-1], value)


def format_diff(
    a: RunResult, b: RunResult, label_a: str, label_b: str, *, width: int = 100,
) -> str:
    """The full comparison as text: setup, first divergence, counts by kind, end metrics."""
    lines = [f"A: {label_a}", f"B: {label_b}"]
    for key in META_KEYS:
        if a.meta.get(key) != b.meta.get(key):
            lines.append(f"   {key}: A={a.meta.get(key)!r}  B={b.meta.get(key)!r}")
    lines.append("")
    div = first_divergence(a.events, b.events)
    if div is None:
        lines.append(f"timelines identical: {len(a.events)} events in each")
    else:
        lines.append(f"first divergence at event #{div.position} "
                     f"(differs in: {', '.join(div.fields)}); the {div.position} events "
                     "before it are identical")
        for side, event in (("A", div.event_a), ("B", div.event_b)):
            if event is None:
                lines.append(f"  {side}: (no event: the run ends after {div.position} events)")
            else:
                table = format_table(event.to_frame().T.infer_objects(), width=width - 5)
                lines.append(f"  {side}: " + table.splitlines()[2])
                lines.extend("     " + more for more in table.splitlines()[3:])
    lines.append("")
    counts = kind_counts(a.events, b.events)
    changed = counts[counts["B-A"] != 0]
    lines.append("events by kind" + ("" if len(changed) else " (same counts)") + ":")
    lines.append(counts.to_string())
    lines.append("")
    focus = str(a.meta.get("focus") or b.meta.get("focus") or "iren")
    ends = end_metrics(a.path, b.path, focus)
    end_a = f"{pd.Timestamp(a.path.index[-1]):%Y-%m-%d}" if len(a.path) else "-"
    end_b = f"{pd.Timestamp(b.path.index[-1]):%Y-%m-%d}" if len(b.path) else "-"
    lines.append(f"{focus} at the end (A: {end_a}, B: {end_b}):")
    shown = pd.DataFrame({
        col: [_fmt(metric, v) for metric, v in zip(ends.index, ends[col], strict=True)]
        for col in ends.columns
    }, index=ends.index)
    shown["B-A"] = [(("+" if v > 0 else "") + _fmt(m, v)) if v == v else "-"
                    for m, v in zip(ends.index, ends["B-A"], strict=True)]
    lines.append(shown.to_string())
    return "\n".join(lines)
