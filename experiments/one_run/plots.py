"""Pictures of one run, written as PNGs into its run folder.

Two figures: the focus company's path on four panels (power and GPUs; contracted ARR and
revenue; cash and debt; shares and share price), and a milestone chart with the key events
of every company on one time axis. Series and kinds are listed as data below, and missing
ones are skipped, so new metrics and event kinds need no change in the drawing code.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from abm.result import RunResult
from experiments.one_run.timeline import event_company, format_figure, pattern_mask

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

FIGSIZE = (14.0, 9.0)
DPI = 110
# (title, left axis (suffix, legend label), left unit, right axis series, right unit)
Panel = tuple[str, tuple[tuple[str, str], ...], str, tuple[tuple[str, str], ...], str]
PATH_PANELS: tuple[Panel, ...] = (
    ("Power and GPUs",
     (("secured_mw", "secured MW"), ("energized_mw", "energized MW"),
      ("it_built_mw", "IT halls built MW"), ("ai_load_mw", "AI load MW"),
      ("mining_load_mw", "mining load MW")), "MW",
     (("gpus", "GPUs (right)"),), "GPUs"),
    ("Contracted ARR and revenue",
     (("contracted_arr_usd", "contracted ARR"), ("ai_run_rate_arr_usd", "AI run-rate ARR"),
      ("revenue_usd", "revenue (month x 12)"),
      ("revenue_mining_usd", "mining revenue (month x 12)")),
     "$B per year", (), ""),
    ("Cash and debt",
     (("cash_usd", "cash"), ("debt_usd", "total debt"), ("gpu_debt_usd", "GPU-backed debt"),
      ("convertible_principal_usd", "convertible notes")), "$B", (), ""),
    ("Shares and share price",
     (("shares_outstanding", "shares outstanding"), ("shares_diluted", "shares diluted")),
     "shares (M)", (("share_price_usd", "share price (right)"),), "$ per share"),
)
ANNUALIZED = ("revenue_usd", "revenue_mining_usd", "revenue_ai_usd")
# Milestone categories: (label, kind patterns, colour, marker). First match wins.
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
# Kinds drawn as a line across every company (market-wide context).
CONTEXT_KINDS = ("btc.halving",)
# Where labels sit relative to their lane (in lanes), tried in this order.
LABEL_OFFSETS = (0.12, -0.12)


def _scale(unit: str) -> float:
    return {"$B per year": 1e9, "$B": 1e9, "shares (M)": 1e6}.get(unit, 1.0)


def _thousands(value: float, _pos: int = 0) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 or value == int(value) else f"{value:,.2f}"


def _money_b(value: float, _pos: int = 0) -> str:
    return f"{'-' if value < 0 else ''}${abs(value):,.1f}B"


def _style(ax: Axes, unit: str, formatter: Callable[[float, int], str]) -> None:
    from matplotlib.ticker import FuncFormatter

    ax.set_ylabel(unit)
    ax.yaxis.set_major_formatter(FuncFormatter(formatter))
    ax.grid(True, alpha=0.3)


def _series(path: pd.DataFrame, focus: str, suffix: str, unit: str) -> pd.Series | None:
    column = f"{focus}.{suffix}"
    if column not in path or not path[column].notna().any():
        return None
    series = path[column].astype(float) / _scale(unit)
    return series * 12 if suffix in ANNUALIZED else series


def _headroom(ax: Axes, from_zero: bool) -> None:
    """Leave the top quarter of a panel free for its legend; start at zero if asked."""
    low, high = ax.get_ylim()
    if from_zero:
        low = min(0.0, low)
    ax.set_ylim(low, high + (high - low) * 0.35)


def _draw_panel(ax: Axes, path: pd.DataFrame, focus: str, panel: Panel) -> None:
    title, left, left_unit, right, right_unit = panel
    handles: list[Any] = []
    for suffix, label in left:
        series = _series(path, focus, suffix, left_unit)
        if series is not None:
            handles += ax.plot(series.index, series.to_numpy(), label=label, linewidth=2)
    money = left_unit.startswith("$B")
    _style(ax, left_unit, _money_b if money else _thousands)
    ax.set_title(title, fontsize=14, loc="left")
    _headroom(ax, money or left_unit == "MW")
    right_series = [(label, series) for suffix, label in right
                    if (series := _series(path, focus, suffix, right_unit)) is not None]
    if right_series:
        twin = ax.twinx()
        for label, series in right_series:
            handles += twin.plot(series.index, series.to_numpy(), label=label, linewidth=2,
                                 linestyle="--", color="black")
        _style(twin, right_unit, _thousands)
        twin.grid(False)
        _headroom(twin, right_unit == "GPUs")
    if handles:
        ax.legend(handles=handles, loc="upper left", fontsize=10, framealpha=0.9,
                  ncol=2 if len(handles) > 3 else 1)
    else:
        ax.text(0.5, 0.5, "not recorded in this run", transform=ax.transAxes, ha="center")


def path_figure(result: RunResult) -> Figure:
    """The focus company's path on four panels (a 2 x 2 grid)."""
    from matplotlib.figure import Figure

    focus = str(result.meta.get("focus", "iren"))
    fig = Figure(figsize=FIGSIZE, dpi=DPI, layout="constrained")
    axes = fig.subplots(2, 2, sharex=True)
    for ax, panel in zip(axes.flat, PATH_PANELS, strict=True):
        _draw_panel(ax, result.path, focus, panel)
    for ax in axes[1]:
        ax.tick_params(axis="x", labelrotation=0)
    fig.suptitle(f"{focus.upper()}: {result.meta.get('world', '')} seed "
                 f"{result.meta.get('seed', '?')}, month ends", fontsize=16)
    return fig


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


def _cluster_labels(
    rows: pd.DataFrame, gap_days: float, max_span_days: float,
) -> list[tuple[pd.Timestamp, str]]:
    """Group close events of one lane under one label ("issued x5 $2.33B").

    Events less than ``gap_days`` apart share a label while the group spans at most
    ``max_span_days``, so a steady stream of raises becomes a label every few months.
    """
    clusters: list[list[int]] = []
    last: pd.Timestamp | None = None
    start: pd.Timestamp | None = None
    for i, date in enumerate(rows["date"]):
        if last is None or start is None or (date - last).days > gap_days \
                or (date - start).days > max_span_days:
            clusters.append([])
            start = date
        clusters[-1].append(i)
        last = date
    out = []
    for members in clusters:
        part = rows.iloc[members]
        if len(part) == 1:
            one = part.iloc[0]
            out.append((one["date"], f"{one['verb']} {one['figure']}".strip()))
            continue
        lines = []
        for verb, group in part.groupby("verb", sort=False):
            total = group["usd"].sum(min_count=1)
            figure = f" {format_figure('usd', total)}" if total == total else ""
            lines.append(f"{verb}{f' x{len(group)}' if len(group) > 1 else ''}{figure}")
        first, final = part["date"].iloc[0], part["date"].iloc[-1]
        if first.year != final.year:
            lines.append(f"{first:%b %Y}-{final:%b %Y}")
        else:
            lines.append(f"{first:%b}-{final:%b %Y}" if first.month != final.month
                         else f"{first:%b %Y}")
        out.append((first, "\n".join(lines)))
    return out


def _x(date: pd.Timestamp) -> float:
    """A date as matplotlib's axis number (for calls typed to take floats)."""
    from matplotlib import dates

    to_number: Callable[[Any], float] = dates.date2num
    return float(to_number(date))


def milestone_figure(events: pd.DataFrame, title: str = "Milestones by company") -> Figure:
    """Key events per company (one lane per company and category) on one time axis."""
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    marks = milestones(events)
    order = [c[0] for c in MILESTONE_CATEGORIES]
    lanes = sorted({(c, k) for c, k in zip(marks["company"], marks["category"], strict=True)},
                   key=lambda lane: (lane[0], -order.index(lane[1])))
    height = min(max(FIGSIZE[1] * 0.7, 1.5 * len(lanes) + 2.5), 18.0)
    fig = Figure(figsize=(FIGSIZE[0], height), dpi=DPI, layout="constrained")
    ax = fig.subplots()
    first = pd.Timestamp(events["date"].min()) if len(events) else pd.Timestamp("2025-01-01")
    final = pd.Timestamp(events["date"].max()) if len(events) else first + pd.Timedelta(days=365)
    span_days = max((final - first).days, 30) * 1.1
    days_per_char = span_days * 0.075 / 10.5  # 9 pt text on an axis ~10.5 inches wide
    style = {label: (colour, marker) for label, _, colour, marker in MILESTONE_CATEGORIES}
    for y, (company, cat) in enumerate(lanes):
        rows = marks[(marks["company"] == company) & (marks["category"] == cat)]
        colour, marker = style[cat]
        ax.scatter(rows["date"], [y] * len(rows), s=110 if len(rows) < 30 else 60,
                   color=colour, marker=marker, zorder=3, edgecolor="black", linewidth=0.6)
        free = [first - pd.Timedelta(days=10 * span_days)] * len(LABEL_OFFSETS)
        for date, label in _cluster_labels(rows, span_days / 25, span_days / 8):
            chars = max(len(line) for line in label.split("\n"))
            level = next((i for i, edge in enumerate(free) if date > edge),
                         int(np.argmin(np.asarray(free, dtype="datetime64[ns]"))))
            free[level] = date + pd.Timedelta(days=(chars + 2) * days_per_char)
            offset = LABEL_OFFSETS[level]
            ax.annotate(label, (date, y), xytext=(date, y + offset), fontsize=9,
                        ha="left", va="bottom" if offset > 0 else "top", color="#222222",
                        zorder=4, arrowprops={"arrowstyle": "-", "color": "#999999",
                                              "lw": 0.6})
    context = events[pattern_mask(events["kind"], list(CONTEXT_KINDS))]
    for date, kind in zip(pd.DatetimeIndex(context["date"]), context["kind"], strict=True):
        ax.axvline(_x(date), color="#7f7f7f", linestyle=":", linewidth=1.5)
        ax.text(_x(date), len(lanes) - 0.45, f" {kind} {date:%Y-%m-%d}", fontsize=9,
                color="#555555", va="bottom")
    ax.set_yticks(range(len(lanes)), [f"{c.upper()}\n{k}" for c, k in lanes], fontsize=11)
    ax.set_ylim(-0.6, max(len(lanes), 1) - 0.35)
    ax.grid(True, axis="x", alpha=0.3)
    ax.tick_params(axis="x", labelsize=11)
    ax.set_xlim(_x(first - pd.Timedelta(days=30)),
                _x(final + pd.Timedelta(days=span_days * 0.12)))
    legend = [Line2D([], [], color=colour, marker=marker, linestyle="", markersize=10,
                     markeredgecolor="black", label=label)
              for label, _, colour, marker in MILESTONE_CATEGORIES]
    ax.legend(handles=legend, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=10)
    ax.set_title(title, fontsize=15, loc="left")
    if not lanes:
        ax.text(0.5, 0.5, "no milestone events in this run", transform=ax.transAxes,
                ha="center")
    return fig


def write_run_plots(result: RunResult, folder: Path) -> list[Path]:
    """Draw the run's pictures into ``folder`` and return the PNG paths written.

    Figures are drawn with matplotlib's object API (rendered by Agg), never through
    pyplot, so no global backend is chosen or changed and no window opens.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    focus = str(result.meta.get("focus", "iren"))
    figures: Sequence[tuple[str, Figure]] = (
        (f"{focus}_path.png", path_figure(result)),
        ("milestones.png", milestone_figure(
            result.events, f"Milestones by company: {result.meta.get('world', '')} seed "
            f"{result.meta.get('seed', '?')}")),
    )
    written = []
    for name, fig in figures:
        target = folder / name
        fig.savefig(target, dpi=DPI)
        written.append(target)
    return written
