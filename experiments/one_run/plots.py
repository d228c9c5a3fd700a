"""Pictures of one run, written as PNGs into its run folder.

Three figures: the focus company's path on four panels (power and GPUs; contracted ARR and
revenue; cash and debt; shares and share price), its milestones (numbered on a chart, told
in a table beside it), and every company's key events at a glance
(:mod:`experiments.one_run.milestones`). Series are listed as data below, and missing ones
are skipped, so new metrics need no change in the drawing code.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from abm.result import RunResult
from experiments.one_run.milestones import milestone_figure, overview_figure

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


def write_run_plots(result: RunResult, folder: Path) -> list[Path]:
    """Draw the run's pictures into ``folder`` and return the PNG paths written.

    Figures are drawn with matplotlib's object API (rendered by Agg), never through
    pyplot, so no global backend is chosen or changed and no window opens.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    focus = str(result.meta.get("focus", "iren"))
    run = f"{result.meta.get('world', '')} seed {result.meta.get('seed', '?')}"
    figures: Sequence[tuple[str, Figure]] = (
        (f"{focus}_path.png", path_figure(result)),
        ("milestones.png", milestone_figure(result.events, f"{focus.upper()}'s milestones: "
                                            f"{run}", company=focus)),
        ("milestones_all.png", overview_figure(result.events, f"Key events of every company: "
                                               f"{run}")),
    )
    written = []
    for name, fig in figures:
        target = folder / name
        fig.savefig(target, dpi=DPI)
        written.append(target)
    return written
