"""Plotly figures of the explorer: paths with milestones, fans, arms, differences, indices.

Every function takes tidy frames (a run's path and events, an experiment's bands or
analysis tables) and returns a plain figure dictionary for ``dcc.Graph``. Values are
scaled to a readable unit (``$B``, ``k``) named on the axis; ``layout.meta.factor`` keeps
the divisor so a reader (or a test) can get the file's numbers back.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from experiments.one_run.milestones import MILESTONE_CATEGORIES, milestones
from experiments.reports.formatting import label, scale_for
from experiments.reports.plots import COLORS

Figure = dict[str, Any]
SYMBOLS = {"X": "x", "^": "triangle-up", "o": "circle", "s": "square"}
BAND_OPACITY = (0.16, 0.32)
"""Fill opacity of the p5-p95 and the p25-p75 bands."""


def _layout(title: str, unit: str, factor: float, **extra: Any) -> dict[str, Any]:
    return {"title": {"text": title, "font": {"size": 15}}, "hovermode": "x unified",
            "yaxis": {"title": {"text": unit}, "zeroline": False},
            "xaxis": {"showspikes": True}, "margin": {"l": 60, "r": 20, "t": 50, "b": 40},
            "legend": {"orientation": "h", "y": -0.15}, "template": "plotly_white",
            "meta": {"factor": factor}, **extra}


def _dates(values: Any) -> list[str]:
    return [f"{d:%Y-%m-%d}" for d in pd.DatetimeIndex(values)]


def _rgba(color: str, alpha: float) -> str:
    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def message(text: str) -> Figure:
    """An empty figure that says why it is empty."""
    return {"data": [], "layout": {"template": "plotly_white", "xaxis": {"visible": False},
                                   "yaxis": {"visible": False},
                                   "annotations": [{"text": text, "showarrow": False,
                                                    "font": {"size": 14}}]}}


def path_figure(path: pd.DataFrame, events: pd.DataFrame, suffix: str,
                companies: Sequence[str]) -> Figure:
    """One line per company of ``company.suffix`` over month ends, its milestones as markers.

    A marker's ``customdata`` is its event id (clicking one opens the event).
    """
    columns = [f"{c}.{suffix}" for c in companies if f"{c}.{suffix}" in path]
    if not columns:
        return message(f"no company chosen has {suffix}")
    factor, unit = scale_for(suffix, np.abs(path[columns].to_numpy(dtype=float)).ravel())
    dates = pd.DatetimeIndex(path.index)
    traces: list[dict[str, Any]] = []
    for j, column in enumerate(columns):
        traces.append({"type": "scatter", "mode": "lines", "name": column.split(".")[0],
                       "x": _dates(dates), "y": (path[column] / factor).tolist(),
                       "line": {"color": COLORS[j % len(COLORS)], "width": 2},
                       "hovertemplate": "%{y:,.3~f}"})
    marks = milestones(events)
    shown = [c.split(".")[0] for c in columns]
    marks = marks[marks["company"].isin(shown)]
    seconds = dates.asi8 / 1e9
    for name, _patterns, color, marker in MILESTONE_CATEGORIES:
        rows = marks[marks["category"] == name]
        if rows.empty:
            continue
        at = pd.DatetimeIndex(rows["date"]).asi8 / 1e9
        y = [float(np.interp(t, seconds, path[f"{c}.{suffix}"].to_numpy(dtype=float)))
             / factor for t, c in zip(at, rows["company"], strict=True)]
        text = [f"#{i} {c} {v} {f}".strip() for i, c, v, f in
                zip(rows["id"], rows["company"], rows["verb"], rows["figure"], strict=True)]
        traces.append({"type": "scatter", "mode": "markers", "name": name,
                       "x": _dates(rows["date"]), "y": y, "text": text,
                       "customdata": [int(i) for i in rows["id"]],
                       "marker": {"color": color, "symbol": SYMBOLS.get(marker, "circle"),
                                  "size": 9, "line": {"width": 1, "color": "white"}},
                       "hovertemplate": "%{text}<extra></extra>"})
    title = label(f"x.{suffix}").removeprefix("X ")
    return {"data": traces, "layout": _layout(title, unit, factor, meta={
        "factor": factor, "columns": columns})}


def _fan_traces(band: pd.DataFrame, factor: float, color: str, name: str,
                outer: bool = True) -> list[dict[str, Any]]:
    """The bands (upper edge, then lower edge filled to it) and the median line.

    Each trace's ``meta.column`` names the bands column it draws (``p5`` ... ``p95``).
    """
    x = _dates(band["date"])
    pairs = [("p5", "p95", BAND_OPACITY[0])] if outer else []
    pairs.append(("p25", "p75", BAND_OPACITY[1]))
    traces: list[dict[str, Any]] = []
    for low, high, alpha in pairs:
        group = f"{name} {low}-{high}"
        traces.append({"type": "scatter", "mode": "lines", "x": x, "name": group,
                       "y": (band[high] / factor).tolist(), "line": {"width": 0},
                       "showlegend": False, "legendgroup": group, "meta": {"column": high},
                       "hovertemplate": f"{high} %{{y:,.3~f}}<extra></extra>"})
        traces.append({"type": "scatter", "mode": "lines", "x": x, "name": group,
                       "y": (band[low] / factor).tolist(), "line": {"width": 0},
                       "fill": "tonexty", "fillcolor": _rgba(color, alpha),
                       "legendgroup": group, "meta": {"column": low},
                       "hovertemplate": f"{low} %{{y:,.3~f}}<extra></extra>"})
    traces.append({"type": "scatter", "mode": "lines", "x": x, "name": f"{name} median",
                   "y": (band["p50"] / factor).tolist(), "line": {"color": color, "width": 2},
                   "meta": {"column": "p50"},
                   "hovertemplate": "median %{y:,.3~f}<extra></extra>"})
    return traces


def fan_figure(band: pd.DataFrame, metric: str, arm: str) -> Figure:
    """The fan of one metric of one arm: median, p25-p75 (dark) and p5-p95 (light) bands."""
    if band.empty:
        return message(f"no bands of {metric} in arm {arm}")
    factor, unit = scale_for(metric, band["p95"].abs().tolist() + band["p5"].abs().tolist())
    traces = _fan_traces(band, factor, COLORS[0], arm)
    n = int(band["n"].max()) if "n" in band else 0
    title = f"{label(metric)}: {arm}, {n} runs (median, p25-p75, p5-p95)"
    return {"data": traces, "layout": _layout(title, unit, factor, meta={
        "factor": factor, "metric": metric, "arm": arm})}


def arms_figure(bands: dict[str, pd.DataFrame], metric: str) -> Figure:
    """Every arm's median and p25-p75 band of one metric, overlaid (same seeds per arm)."""
    shown = {arm: band for arm, band in bands.items() if not band.empty}
    if not shown:
        return message(f"no bands of {metric}")
    values = [v for b in shown.values() for v in b["p75"].abs().tolist()]
    factor, unit = scale_for(metric, values)
    traces = []
    for k, (arm, band) in enumerate(shown.items()):
        traces += _fan_traces(band, factor, COLORS[k % len(COLORS)], arm, outer=False)
    return {"data": traces, "layout": _layout(f"{label(metric)}: arms side by side", unit,
                                              factor)}


def differences_figure(table: pd.DataFrame, outcome: str) -> Figure:
    """Each arm's mean paired difference to the reference arm in one outcome, with its interval.

    Below them, every arm's median with its p5-p95 range, on the same scale.
    """
    rows = table[table["outcome"] == outcome]
    if rows.empty:
        return message(f"no comparison of {outcome}")
    spans = rows[["p5", "p95", "diff_lo", "diff_hi"]].abs().to_numpy().ravel().tolist()
    factor, unit = scale_for(outcome, spans)
    paired = rows[rows["diff_n"] > 0]
    mean = paired["diff_mean"].to_numpy(dtype=float) / factor
    median = rows["p50"].to_numpy(dtype=float) / factor
    traces = [
        {"type": "scatter", "mode": "markers", "name": "paired difference (mean, interval)",
         "y": [f"{a} - {rows['arm'].iloc[0]}" for a in paired["arm"]], "x": mean.tolist(),
         "marker": {"color": COLORS[1], "size": 11, "symbol": "diamond"},
         "error_x": {"type": "data", "symmetric": False,
                     "array": (paired["diff_hi"].to_numpy(dtype=float) / factor - mean).tolist(),
                     "arrayminus": (mean - paired["diff_lo"].to_numpy(dtype=float)
                                    / factor).tolist()},
         "hovertemplate": "%{y}: %{x:,.3~f}<extra></extra>"},
        {"type": "scatter", "mode": "markers", "name": "arm (median, p5-p95)",
         "y": rows["arm"].tolist(), "x": median.tolist(),
         "marker": {"color": COLORS[0], "size": 9},
         "error_x": {"type": "data", "symmetric": False,
                     "array": (rows["p95"].to_numpy(dtype=float) / factor - median).tolist(),
                     "arrayminus": (median - rows["p5"].to_numpy(dtype=float) / factor).tolist()},
         "hovertemplate": "%{y}: %{x:,.3~f}<extra></extra>"},
    ]
    layout = _layout(f"{label(outcome)}: arms and paired differences", "", factor,
                     hovermode="closest")
    layout["xaxis"] = {"title": {"text": unit}, "zeroline": True}
    layout["yaxis"] = {"automargin": True, "autorange": "reversed"}
    layout["height"] = 200 + 45 * (len(rows) + len(paired))
    return {"data": traces, "layout": layout}


def by_parameter_figure(frame: pd.DataFrame, parameters: Sequence[str], outcome: str) -> Figure:
    """The outcome of every run against each varied parameter, one panel per parameter.

    Each panel shows the runs as dots and the median per design value as a line.
    """
    if outcome not in frame or not parameters:
        return message("no varied parameter or no such outcome")
    y_all = pd.to_numeric(frame[outcome], errors="coerce")
    factor, unit = scale_for(outcome, y_all.abs().dropna().tolist())
    n = len(parameters)
    gap = 0.06
    width = (1.0 - gap * (n - 1)) / n
    layout = _layout(f"{label(outcome)} against each varied parameter", unit, factor,
                     hovermode="closest", showlegend=False)
    traces = []
    for k, parameter in enumerate(parameters):
        axis = "" if k == 0 else str(k + 1)
        x = pd.to_numeric(frame[parameter], errors="coerce")
        traces.append({"type": "scatter", "mode": "markers", "x": x.tolist(),
                       "y": (y_all / factor).tolist(), "xaxis": f"x{axis}", "yaxis": "y",
                       "name": parameter, "marker": {"size": 5, "opacity": 0.5,
                                                     "color": COLORS[k % len(COLORS)]}})
        medians = (y_all / factor).groupby(x).median()
        traces.append({"type": "scatter", "mode": "lines", "x": medians.index.tolist(),
                       "y": medians.tolist(), "xaxis": f"x{axis}", "yaxis": "y",
                       "name": f"{parameter} median", "line": {"color": "#222", "width": 1.5}})
        start = k * (width + gap)
        layout[f"xaxis{axis}"] = {"domain": [start, start + width],
                                  "title": {"text": parameter.removeprefix("set.")},
                                  "anchor": "y"}
    return {"data": traces, "layout": layout}


def indices_figure(indices: pd.DataFrame, method: str, outcome: str) -> Figure:
    """Sobol' S1 and ST (or Morris mu*) of one outcome per parameter, largest on top."""
    rows = indices[indices["outcome"] == outcome]
    if rows.empty:
        return message(f"no indices of {outcome}")
    measures = (("ST", "ST_conf", "total (ST)"), ("S1", "S1_conf", "first order (S1)")) \
        if method == "sobol" else (("mu_star", "mu_star_conf", "Morris mu*"),)
    rows = rows.sort_values(measures[0][0])
    traces = [{"type": "bar", "orientation": "h", "name": name, "y": rows["parameter"].tolist(),
               "x": rows[key].tolist(), "marker": {"color": COLORS[k]},
               "error_x": {"type": "data", "array": rows[conf].tolist()}}
              for k, (key, conf, name) in enumerate(measures)]
    layout = _layout(f"Sensitivity of {label(outcome)} ({method})", "", 1.0,
                     hovermode="closest", barmode="group")
    layout["yaxis"] = {"automargin": True}
    return {"data": traces, "layout": layout}
