"""Pictures of a scorecard: each observation on its metric's fan chart, and the PIT histogram.

A level (a month-end value) is a dot on the metric's fan: filled green when it falls
inside the runs' 90% band, a red cross when it does not. A flow (summed over months) is
drawn as its monthly average, a horizontal bar across its period, with the runs' 90% band
of the same average as a vertical bar and their median as a tick, since the monthly fan
alone does not show the spread of a sum. A calibrated model's PIT histogram is flat.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.reports.formatting import label, scale_for
from experiments.reports.plots import COLORS, fan, figure, metric_band, save, style

INSIDE, OUTSIDE = "#2e933c", "#d1495b"


def _months(start: str, end: str) -> int:
    first, last = pd.Timestamp(start), pd.Timestamp(end)
    return (last.year - first.year) * 12 + last.month - first.month + 1


def _draw_observation(ax: Any, row: dict[str, Any], factor: float) -> None:
    color = INSIDE if row["inside"] else OUTSIDE
    if row["kind"] == "level":
        day = pd.Timestamp(str(row["when"]))
        ax.plot([day], [row["value"] / factor], marker="o" if row["inside"] else "X",
                markersize=9, color=color, markeredgecolor="black", linestyle="", zorder=5)
        return
    start, end = str(row["when"]).split("..")
    months = _months(start, end)
    first, last = pd.Timestamp(start), pd.Timestamp(end)
    middle = first + (last - first) / 2
    per = factor * months
    ax.hlines(row["value"] / per, first, last, colors=color, linewidth=3, zorder=5)
    ax.vlines(middle, row["p5"] / per, row["p95"] / per, colors="black", linewidth=1.2,
              zorder=4)
    ax.plot([middle], [row["p50"] / per], marker="_", markersize=12, color="black", zorder=4)


def observation_fans(bands: pd.DataFrame, scores: pd.DataFrame, target: Path, *,
                     arm: str | None = None) -> Path:
    """One panel per observed metric: its fan over runs with the observations on it."""
    arm = arm if arm is not None else str(bands["arm"].iloc[0])
    metrics = list(dict.fromkeys(scores["metric"]))
    fig, axes = _grid(max(1, len(metrics)))
    for ax, metric in zip(axes, metrics, strict=False):
        rows = scores[scores["metric"] == metric].to_dict("records")
        band = metric_band(bands, arm, metric)
        peaks = [abs(float(v)) for r in rows for v in (r["value"], r["p95"])]
        factor, unit = scale_for(metric, [*peaks, *band["p95"].abs().tolist()])
        if not band.empty:
            fan(ax, band, factor, COLORS[0], "runs (median, 50%, 90%)")
        for row in rows:
            _draw_observation(ax, row, factor)
        flows = any(r["kind"] == "flow" for r in rows)
        title = label(metric) + (" (monthly)" if flows else "") + ", month ends"
        style(ax, f"{title} ({unit})" if unit else title)
        _months_axis(ax, band["date"].nunique() if not band.empty else 1)
    _legend(fig)
    return save(fig, target)


def _grid(panels: int, columns: int = 3) -> tuple[Any, Any]:
    """Panels on a fixed grid: a constrained layout would cost more than the drawing."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    rows = -(-panels // columns)
    height = 3.0 * rows + 0.8
    fig = Figure(figsize=(4.6 * columns, height))
    FigureCanvasAgg(fig)
    fig.subplots_adjust(left=0.05, right=0.99, top=1 - 0.35 / height, bottom=0.75 / height,
                        hspace=0.42, wspace=0.2)
    axes = fig.subplots(rows, columns, squeeze=False).ravel()
    for ax in axes[panels:]:
        ax.set_visible(False)
    return fig, axes[:panels]


def _months_axis(ax: Any, months: int) -> None:
    """Ticks on month ends, named by their month (values are read at month ends)."""
    from matplotlib import dates

    locator: Callable[..., Any] = dates.MonthLocator  # untyped in matplotlib's stubs
    formatter: Callable[..., Any] = dates.DateFormatter
    every = max(1, -(-months // 7))
    ax.xaxis.set_major_locator(locator(bymonthday=-1, interval=every))
    ax.xaxis.set_major_formatter(formatter("%b %y"))
    for tick in ax.get_xticklabels():
        tick.set_rotation(0)


def _legend(fig: Any) -> None:
    from matplotlib.lines import Line2D

    handles = [
        Line2D([], [], color=COLORS[0], linewidth=1.6, label="runs: median, 50% and 90% bands"),
        Line2D([], [], color=INSIDE, marker="o", linestyle="", markeredgecolor="black",
               label="observed, inside the 90% band"),
        Line2D([], [], color=OUTSIDE, marker="X", linestyle="", markeredgecolor="black",
               label="observed, outside"),
        Line2D([], [], color="#555555", linewidth=3,
               label="a flow: observed monthly average over its period"),
        Line2D([], [], color="black", linewidth=1.2, marker="_",
               label="the runs' 90% band and median of that average"),
    ]
    fig.legend(handles=handles, loc="lower center", ncol=3, fontsize=8, frameon=False)


def pit_chart(scores: pd.DataFrame, target: Path, bins: int = 10) -> Path:
    """A histogram of the observations' PIT values, with the flat line of a calibrated model."""
    pits = scores["pit"].to_numpy(dtype="float64")
    pits = pits[np.isfinite(pits)]
    counts, edges = np.histogram(np.clip(pits, 0.0, 1.0), bins=bins, range=(0.0, 1.0))
    fig, axes = figure(1, size=(6.0, 3.4))
    ax = axes[0]
    ax.bar(edges[:-1], counts, width=1.0 / bins, align="edge", color=COLORS[0], alpha=0.75,
           edgecolor="white")
    ax.axhline(len(pits) / bins, color="black", linestyle="--", linewidth=1,
               label="calibrated (flat)")
    ax.set_xlim(0.0, 1.0)
    ax.set_xlabel("PIT: share of runs below the observed value", fontsize=8)
    ax.set_ylabel("observations", fontsize=8)
    ax.legend(fontsize=8)
    style(ax, f"PIT histogram of {len(pits)} observations")
    return save(fig, target)


def score_pictures(bands: pd.DataFrame, scores: pd.DataFrame,
                   folder: Path) -> Sequence[Path]:
    """Both pictures of a scorecard into ``folder``; their paths."""
    return (observation_fans(bands, scores, folder / "score_fans.png"),
            pit_chart(scores, folder / "score_pit.png"))
