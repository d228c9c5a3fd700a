"""Readable text views of a run: a year-end table of one company and its key events."""

from __future__ import annotations

from typing import Any

import pandas as pd

KEY_KINDS = ("contract.signed", "contract.awarded", "contract.terminated",
             "interconnect.energized", "site.secured", "site.acquired", "capacity.online",
             "contract.first_revenue", "equity.issued", "convert.issued", "convert.converted",
             "capital.raise_failed", "btc.halving", "mining.retired")

_COLUMNS = (  # (metric suffix, header, scale, how the year aggregates)
    ("energized_mw", "energized MW", 1.0, "last"),
    ("gpus", "GPUs (k)", 1e3, "last"),
    ("contracted_arr_usd", "contracted ARR $B", 1e9, "last"),
    ("ai_run_rate_arr_usd", "AI run-rate $B", 1e9, "last"),
    ("revenue_usd", "revenue $B", 1e9, "sum"),
    ("ebitda_usd", "EBITDA $B", 1e9, "sum"),
    ("cash_usd", "cash $B", 1e9, "last"),
    ("debt_usd", "debt $B", 1e9, "last"),
    ("shares_outstanding", "shares (M)", 1e6, "last"),
)


def year_end_table(path: pd.DataFrame, company: str) -> str:
    """Calendar-year figures of ``company``: stocks at year end, flows summed over the year."""
    by_year = path.groupby(pd.DatetimeIndex(path.index).year)
    rows = {}
    for suffix, header, scale, how in _COLUMNS:
        column = f"{company}.{suffix}"
        if column in path:
            series = by_year[column].sum() if how == "sum" else by_year[column].last()
            rows[header] = series / scale
    table = pd.DataFrame(rows)
    table.index.name = company.upper()
    return table.to_string(float_format=lambda v: f"{v:,.2f}")


def key_events_table(events: pd.DataFrame, company: str | None = None, limit: int = 15) -> str:
    """The first ``limit`` key events (of ``company``: by it or naming it), one line each."""
    if events.empty:
        return "(no events: the event log was off)"
    key = events[events["kind"].isin(KEY_KINDS)]
    if company is not None:
        about = key["agent"] == company
        for column in ("company", "provider", "buyer"):
            if column in key:
                about |= key[column] == company
        key = key[about]
    key = key.head(limit)
    lines = [f"first key events{f' of {company}' if company else ''}:"]
    for row in key.to_dict("records"):
        lines.append(f"  {row['date']:%Y-%m-%d}  #{row['id']:<4} {row['agent']:<10} "
                     f"{row['kind']:<24} {_figures(row)}")
    return "\n".join(lines)


def _figures(row: dict[Any, Any]) -> str:
    shown = []
    for name in ("contract", "site", "mw", "gpus", "amount_usd", "principal_usd",
                 "conversion_price_usd", "shares", "value_usd"):
        value = row.get(name)
        if value is None or value is pd.NA or (isinstance(value, float) and value != value):
            continue
        if isinstance(value, float) and "price" in name:
            shown.append(f"{name.removesuffix('_usd')}=${value:,.2f}")
        elif isinstance(value, float) and name.endswith("usd"):
            shown.append(f"{name.removesuffix('_usd')}=${value / 1e6:,.0f}M")
        elif isinstance(value, float):
            shown.append(f"{name}={value:,.0f}")
        else:
            shown.append(f"{name}={value}")
    return " ".join(shown)
