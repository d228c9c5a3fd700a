"""PNG plots of an experiment: fan charts, rivals side by side, arms, differences, indices.

Figures are drawn with matplotlib's object API on the Agg canvas (no ``pyplot``, no
global backend set at import or at all), and written atomically. Every function takes
tidy frames (bands, comparison table, indices) and a target path, and returns the path.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from abm.files import atomic_write_bytes
from experiments.reports.formatting import label, scale_for

KEY_METRICS = ("cash_usd", "energized_mw", "ai_run_rate_arr_usd", "gpus",
               "shares_outstanding", "share_price_usd")
COLORS = ("#1f5fa8", "#d1495b", "#2e933c", "#edae49", "#6a4c93", "#00798c", "#8c564b",
          "#e377c2", "#7f7f7f", "#bcbd22")
RIVAL_METRICS = ("energized_mw", "gpus", "ai_run_rate_arr_usd", "contracted_arr_usd",
                 "cash_usd", "market_cap_usd")


def figure(n_panels: int, columns: int = 3, size: tuple[float, float] = (4.2, 2.9)) -> Any:
    """A figure on the Agg canvas with ``n_panels`` axes in rows of ``columns``: (fig, axes)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    cols = max(1, min(columns, n_panels))
    rows = -(-n_panels // cols)
    fig = Figure(figsize=(size[0] * cols, size[1] * rows), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    for ax in axes[n_panels:]:
        ax.set_visible(False)
    return fig, axes[:n_panels]


def save(fig: Any, target: Path) -> Path:
    """Write ``fig`` as a PNG to ``target`` atomically; returns ``target``."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90)
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(target, buffer.getvalue())
    return target


def metric_band(bands: pd.DataFrame, arm: str, metric: str) -> pd.DataFrame:
    """One arm's bands of one metric, by date."""
    rows = bands[(bands["arm"] == arm) & (bands["metric"] == metric)]
    return rows.sort_values("date")


def fan(ax: Any, band: pd.DataFrame, factor: float, color: str, name: str,
         light: bool = False) -> None:
    """Draw a fan: the median line over the 25-75% and 5-95% bands."""
    dates = pd.DatetimeIndex(band["date"])
    ax.fill_between(dates, band["p5"] / factor, band["p95"] / factor, color=color,
                    alpha=0.10 if light else 0.18, linewidth=0)
    ax.fill_between(dates, band["p25"] / factor, band["p75"] / factor, color=color,
                    alpha=0.22 if light else 0.35, linewidth=0)
    ax.plot(dates, band["p50"] / factor, color=color, linewidth=1.6, label=name)


def style(ax: Any, title: str) -> None:
    """A panel's title, grid and tick labels."""
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3)
    ax.tick_params(labelsize=8)
    for tick in ax.get_xticklabels():
        tick.set_rotation(30)


def fan_charts(bands: pd.DataFrame, metrics: Sequence[str], target: Path, *,
               arm: str | None = None, title: str = "") -> Path:
    """One fan chart per metric (median, 25-75 and 5-95% bands over runs) of one arm."""
    arm = arm if arm is not None else str(bands["arm"].iloc[0])
    shown = [m for m in metrics if not metric_band(bands, arm, m).empty]
    fig, axes = figure(max(1, len(shown)))
    for ax, metric in zip(axes, shown, strict=False):
        band = metric_band(bands, arm, metric)
        factor, unit = scale_for(metric, band["p95"].abs().tolist())
        fan(ax, band, factor, COLORS[0], "median")
        style(ax, f"{label(metric)} ({unit})" if unit else label(metric))
    if title:
        fig.suptitle(title, fontsize=12)
    return save(fig, target)


def rivals_chart(bands: pd.DataFrame, companies: Sequence[str], target: Path, *,
                 arm: str | None = None, suffixes: Sequence[str] = RIVAL_METRICS) -> Path:
    """Companies side by side on shared scales: per metric, each one's median and 25-75%."""
    arm = arm if arm is not None else str(bands["arm"].iloc[0])
    fig, axes = figure(len(suffixes), size=(4.6, 3.1))
    for ax, suffix in zip(axes, suffixes, strict=True):
        peaks = [float(b["p75"].abs().max()) for c in companies
                 if not (b := metric_band(bands, arm, f"{c}.{suffix}")).empty]
        factor, unit = scale_for(suffix, peaks)
        for j, company in enumerate(companies):
            band = metric_band(bands, arm, f"{company}.{suffix}")
            if band.empty:
                continue
            dates = pd.DatetimeIndex(band["date"])
            color = COLORS[j % len(COLORS)]
            ax.fill_between(dates, band["p25"] / factor, band["p75"] / factor, color=color,
                            alpha=0.15, linewidth=0)
            ax.plot(dates, band["p50"] / factor, color=color, linewidth=1.4,
                    label=company.upper() if j < len(COLORS) else None)
        name = label("x." + suffix).removeprefix("X ")
        style(ax, f"{name} ({unit})" if unit else name)
    handles, names = axes[0].get_legend_handles_labels()
    fig.legend(handles, names, loc="outside lower center", ncol=min(len(names), 10),
               fontsize=8)
    return save(fig, target)


def arms_chart(bands: pd.DataFrame, arms: Sequence[str], metrics: Sequence[str],
               target: Path) -> Path:
    """Each metric with every arm's fan overlaid (same seeds in every arm)."""
    shown = [m for m in metrics if not bands[bands["metric"] == m].empty]
    fig, axes = figure(max(1, len(shown)))
    for ax, metric in zip(axes, shown, strict=False):
        rows = bands[bands["metric"] == metric]
        factor, unit = scale_for(metric, rows["p95"].abs().tolist())
        for k, arm in enumerate(arms):
            band = metric_band(bands, arm, metric)
            if not band.empty:
                fan(ax, band, factor, COLORS[k % len(COLORS)], arm, light=True)
        style(ax, f"{label(metric)} ({unit})" if unit else label(metric))
        ax.legend(fontsize=7, loc="best")
    return save(fig, target)


def differences_chart(table: pd.DataFrame, target: Path) -> Path:
    """Mean paired difference to the reference arm with its confidence interval, per outcome."""
    diffs = table[table["diff_n"] > 0]
    outcomes = list(dict.fromkeys(diffs["outcome"])) or ["(none)"]
    fig, axes = figure(len(outcomes), columns=2, size=(4.6, 1.2 + 0.45 * diffs["arm"].nunique()))
    for ax, outcome in zip(axes, outcomes, strict=False):
        rows = diffs[diffs["outcome"] == outcome]
        factor, unit = scale_for(outcome, rows[["diff_lo", "diff_hi"]].abs().to_numpy().ravel())
        y = np.arange(len(rows))
        mean = rows["diff_mean"].to_numpy() / factor
        lo = mean - rows["diff_lo"].to_numpy() / factor
        hi = rows["diff_hi"].to_numpy() / factor - mean
        ax.barh(y, mean, color=COLORS[1], alpha=0.6)
        ax.errorbar(mean, y, xerr=np.vstack([lo, hi]), fmt="none", ecolor="black", capsize=3)
        ax.axvline(0.0, color="black", linewidth=0.8)
        ax.set_yticks(y, rows["arm"].tolist())
        style(ax, f"{label(outcome)}: difference ({unit})" if unit else label(outcome))
    return save(fig, target)


def sensitivity_chart(indices: pd.DataFrame, method: str, target: Path) -> Path:
    """Sobol' first/total-order bars, or a Morris tornado of mu* (sorted), per outcome."""
    outcomes = list(dict.fromkeys(indices["outcome"]))
    n_params = indices["parameter"].nunique()
    fig, axes = figure(len(outcomes), columns=2, size=(5.0, 1.4 + 0.45 * n_params))
    for ax, outcome in zip(axes, outcomes, strict=False):
        rows = indices[indices["outcome"] == outcome]
        if method == "sobol":
            rows = rows.sort_values("ST")
            y = np.arange(len(rows))
            ax.barh(y + 0.2, rows["ST"], height=0.4, xerr=rows["ST_conf"], color=COLORS[0],
                    label="total (ST)", capsize=2)
            ax.barh(y - 0.2, rows["S1"], height=0.4, xerr=rows["S1_conf"], color=COLORS[3],
                    label="first order (S1)", capsize=2)
            ax.set_xlabel("Sobol' index", fontsize=8)
            ax.legend(fontsize=7, loc="lower right")
        else:
            rows = rows.sort_values("mu_star")
            y = np.arange(len(rows))
            factor, unit = scale_for(outcome, rows["mu_star"].tolist())
            ax.barh(y, rows["mu_star"] / factor, xerr=rows["mu_star_conf"] / factor,
                    color=COLORS[0], capsize=2)
            ax.set_xlabel(f"Morris mu* ({unit})" if unit else "Morris mu*", fontsize=8)
        ax.set_yticks(y, rows["parameter"].tolist())
        style(ax, label(outcome))
    return save(fig, target)
