"""Milestone charts of one run: a company's key events, and every company's at a glance.

A run of the base world logs hundreds of key events across nine companies; written on one
chart their labels collide. So there are two pictures:

- :func:`milestone_figure`: one company (the focus by default), one lane per category of
  event (power, contracts, capital raises, failures). Events close in time are grouped and
  numbered in date order; the numbers sit over the markers and a table beside the chart
  says what each one is ("7  Apr-Jun 2026  contracts: signed x2 $1.35B"). Groups are at
  least a few weeks apart, so the numbers never collide, and the table can be read alone.
- :func:`overview_figure`: every company, one lane each, markers coloured by category and no
  text but a count per category at the lane's end: who did what, when.

Categories and kinds are listed as data, so new event kinds need no change in the drawing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from experiments.one_run.timeline import event_company, format_figure, pattern_mask

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

DPI = 110
# Categories: (label, kind patterns, colour, marker). First match wins.
MILESTONE_CATEGORIES: tuple[tuple[str, tuple[str, ...], str, str], ...] = (
    ("terminations and failures",
     ("*.terminated", "*.lost", "*.raise_failed", "*.rejected", "*.cancelled"), "#d62728", "X"),
    ("power", ("interconnect.energized", "interconnect.approved", "site.acquired",
               "site.secured"), "#ff7f0e", "^"),
    ("contracts", ("contract.signed", "contract.first_revenue"),
     "#1f77b4", "o"),
    ("capital raises", ("*.issued", "convert.priced", "convert.converted", "debt.drawn"),
     "#2ca02c", "s"),
)
CONTEXT_KINDS = ("btc.halving",)
"""Kinds drawn as a line across the chart (market-wide context)."""
GROUP_GAP = 1 / 30
"""Events of one lane closer than this share of the run's span share a number."""
GROUP_SPAN = 1 / 10
"""A group covers at most this share of the span (a steady stream is cut into groups)."""
TEXT_CHARS = 52


def milestones(events: pd.DataFrame) -> pd.DataFrame:
    """The key events to chart: date, company, category, verb, figure and id, one row each."""
    columns = ["date", "company", "category", "verb", "figure", "usd", "id"]
    if events.empty:
        return pd.DataFrame(columns=columns)
    category = np.full(len(events), "", dtype=object)
    for label, patterns, _, _ in MILESTONE_CATEGORIES:
        category[pattern_mask(events["kind"], list(patterns)) & (category == "")] = label
    chosen = events[category != ""]
    rows = [_figure_of(r) for r in chosen.to_dict("records")]
    return pd.DataFrame({
        "date": pd.DatetimeIndex(chosen["date"]),
        "company": event_company(chosen).to_numpy(),
        "category": category[category != ""],
        "verb": [str(k).rsplit(".", 1)[-1].replace("_", " ") for k in chosen["kind"]],
        "figure": [text for text, _ in rows],
        "usd": [usd for _, usd in rows],
        "id": chosen["id"].to_numpy(),
    }, columns=columns)


def _figure_of(row: dict[str, Any]) -> tuple[str, float]:
    """The headline figure of an event as text, and its dollar amount (NaN if none)."""
    for name in ("amount_usd", "value_usd", "mw", "gpus", "shares"):
        value = row.get(name)
        if value is not None and value is not pd.NA and not (
                isinstance(value, float) and np.isnan(value)):
            return format_figure(name, value), float(value) if "usd" in name else np.nan
    return "", np.nan


@dataclass(frozen=True)
class Group:
    """Events of one lane close in time, under one number."""

    category: str
    first: pd.Timestamp
    last: pd.Timestamp
    text: str
    dates: tuple[pd.Timestamp, ...]

    @property
    def when(self) -> str:
        """``Apr 2026``, ``Apr-Jun 2026`` or ``Dec 2025-Feb 2026``."""
        if self.first.year != self.last.year:
            return f"{self.first:%b %Y}-{self.last:%b %Y}"
        if self.first.month != self.last.month:
            return f"{self.first:%b}-{self.last:%b %Y}"
        return f"{self.first:%b %Y}"


def groups(rows: pd.DataFrame, category: str, gap_days: float,
           max_span_days: float) -> list[Group]:
    """One lane's events (sorted by date) grouped under numbers.

    A gap over ``gap_days``, or a group grown over ``max_span_days``, starts a new group;
    each says what it holds ("issued x5 $2.33B").
    """
    members: list[list[int]] = []
    start = last = None
    for i, date in enumerate(rows["date"]):
        if start is None or last is None or (date - last).days > gap_days \
                or (date - start).days > max_span_days:
            members.append([])
            start = date
        members[-1].append(i)
        last = date
    out = []
    for indices in members:
        part = rows.iloc[indices]
        words = []
        for verb, group in part.groupby("verb", sort=False):
            if len(group) == 1:
                words.append(f"{verb} {group['figure'].iloc[0]}".strip())
                continue
            total = group["usd"].sum(min_count=1)
            figure = f" {format_figure('usd', total)}" if total == total else ""
            words.append(f"{verb} x{len(group)}{figure}")
        text = ", ".join(words)
        text = text if len(text) <= TEXT_CHARS else text[: TEXT_CHARS - 1] + "…"
        dates = tuple(pd.Timestamp(d) for d in part["date"])
        out.append(Group(category, dates[0], dates[-1], text, dates))
    return out


def _x(date: pd.Timestamp) -> float:
    """A date as matplotlib's axis number (for calls typed to take floats)."""
    from matplotlib import dates

    to_number: Callable[[Any], float] = dates.date2num
    return float(to_number(date))


def _span(events: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp, float]:
    first = pd.Timestamp(events["date"].min()) if len(events) else pd.Timestamp("2025-01-01")
    final = pd.Timestamp(events["date"].max()) if len(events) else first + pd.Timedelta(days=365)
    return first, final, float(max((final - first).days, 30))


def _frame(ax: Axes, events: pd.DataFrame, lanes: int) -> None:
    """Context lines, x limits and grid shared by both charts."""
    first, final, span = _span(events)
    context = events[pattern_mask(events["kind"], list(CONTEXT_KINDS))] if len(events) else events
    for date, kind in zip(pd.DatetimeIndex(context["date"]), context["kind"], strict=True):
        ax.axvline(_x(date), color="#7f7f7f", linestyle=":", linewidth=1.5)
        ax.text(_x(date), 0.995, f" {kind} {date:%Y-%m-%d}", fontsize=9, color="#555555",
                va="top", transform=ax.get_xaxis_transform())
    ax.set_xlim(_x(first - pd.Timedelta(days=span * 0.03)),
                _x(final + pd.Timedelta(days=span * 0.03)))
    ax.set_ylim(-0.6, max(lanes, 1) - 0.35)
    ax.grid(True, axis="x", alpha=0.3)
    ax.tick_params(axis="x", labelsize=11)


def _legend(ax: Axes, **where: Any) -> None:
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], color=colour, marker=marker, linestyle="", markersize=9,
                      markeredgecolor="black", label=label)
               for label, _, colour, marker in MILESTONE_CATEGORIES]
    ax.legend(handles=handles, fontsize=9, **where)


def milestone_figure(events: pd.DataFrame, title: str = "Milestones",
                     company: str | None = None) -> Figure:
    """One company's key events: a lane per category, numbered groups, a table beside."""
    from matplotlib.figure import Figure

    marks = milestones(events)
    if company is None and len(marks):
        company = str(marks["company"].iloc[0])
    mine = marks[marks["company"] == company].sort_values("date", kind="stable")
    order = [c[0] for c in MILESTONE_CATEGORIES]
    lanes = [c for c in reversed(order) if (mine["category"] == c).any()]
    _first, _final, span = _span(events)
    found = [g for cat in lanes for g in groups(mine[mine["category"] == cat], cat,
                                                span * GROUP_GAP, span * GROUP_SPAN)]
    found.sort(key=lambda g: (g.first, order.index(g.category)))
    height = max(5.5, 0.2 * len(found) + 1.6, 1.2 * len(lanes) + 2.0)
    fig = Figure(figsize=(17.0, height), dpi=DPI, layout="constrained")
    ax, table = fig.subplots(1, 2, width_ratios=(1.55, 1.0))
    style = {label: (colour, marker) for label, _, colour, marker in MILESTONE_CATEGORIES}
    for y, cat in enumerate(lanes):
        rows = mine[mine["category"] == cat]
        colour, marker = style[cat]
        ax.scatter(rows["date"], [y] * len(rows), s=90 if len(rows) < 30 else 50,
                   color=colour, marker=marker, zorder=3, edgecolor="black", linewidth=0.6)
    for number, group in enumerate(found, 1):
        y = lanes.index(group.category)
        ax.annotate(str(number), (_x(group.first), y), xytext=(0, 9),
                    textcoords="offset points", fontsize=9, ha="left", va="bottom",
                    fontweight="bold", color="#222222", zorder=4)
    ax.set_yticks(range(len(lanes)), lanes, fontsize=11)
    _frame(ax, events, len(lanes))
    _legend(ax, loc="upper left", bbox_to_anchor=(0.0, -0.06), ncol=4, frameon=False)
    ax.set_title(title, fontsize=15, loc="left")
    if not lanes:
        ax.text(0.5, 0.5, "no milestone events in this run", transform=ax.transAxes,
                ha="center")
    _table(table, found, style)
    return fig


def _table(ax: Axes, found: Sequence[Group], style: dict[str, tuple[str, str]]) -> None:
    """The numbered groups, one line each, in the colour of their category."""
    ax.set_axis_off()
    ax.set_title("numbered on the chart, in date order", fontsize=10, loc="left",
                 color="#555555")
    rows = max(len(found), 1)
    step = min(1.0 / rows, 0.05)
    for number, group in enumerate(found, 1):
        y = 1.0 - (number - 0.5) * step
        ax.text(0.0, y, f"{number:>3}  {group.when:<17} {group.text}", transform=ax.transAxes,
                fontsize=8.5, family="monospace", va="center", parse_math=False,
                color=style[group.category][0] if group.category != "capital raises"
                else "#1b6e26")


def overview_figure(events: pd.DataFrame, title: str = "Key events of every company",
                    companies: Sequence[str] | None = None) -> Figure:
    """Every company (or those given) on one lane each: markers only, counts at the end."""
    from matplotlib.figure import Figure

    marks = milestones(events)
    names = list(companies) if companies is not None else sorted(set(marks["company"]))
    fig = Figure(figsize=(15.0, max(4.0, 0.75 * len(names) + 2.0)), dpi=DPI,
                 layout="constrained")
    ax = fig.subplots()
    for y, company in enumerate(reversed(names)):
        rows = marks[marks["company"] == company]
        counts = []
        for k, (label, _patterns, colour, marker) in enumerate(MILESTONE_CATEGORIES):
            part = rows[rows["category"] == label]
            offset = 0.3 - 0.2 * k  # each category on its own row within the lane
            ax.scatter(part["date"], [y + offset] * len(part), s=30, color=colour,
                       marker=marker, edgecolor="black", linewidth=0.4, zorder=3)
            counts.append(f"{len(part)}")
        ax.annotate(" / ".join(counts), (1.0, y), xycoords=("axes fraction", "data"),
                    xytext=(8, 0), textcoords="offset points", va="center", fontsize=9)
    ax.set_yticks(range(len(names)), [n.upper() for n in reversed(names)], fontsize=10)
    _frame(ax, events, len(names))
    for y in range(len(names) - 1):
        ax.axhline(y + 0.5, color="#dddddd", linewidth=0.8)
    _legend(ax, loc="upper left", bbox_to_anchor=(0.0, -0.08), ncol=4, frameon=False)
    ax.set_title(f"{title} (counts at right: failures / power / contracts / raises)",
                 fontsize=13, loc="left")
    return fig
