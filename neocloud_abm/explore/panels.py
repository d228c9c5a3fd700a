"""Panels of an experiment's page, and the two every experiment has: fans and its summary.

A panel is a small object with a ``title``, ``applies(experiment)`` (does this
experiment have what the panel shows?), ``layout(experiment)`` and
``register(app, catalog)`` for its callbacks. The experiment page shows, in order, every
panel of :data:`neocloud_abm.explore.experiment_page.PANELS` that applies; a new kind of
experiment (a forecast score, say) adds its panel by writing one such class and listing it
there. Panels read only the experiment's result files (bands, summary, analyses), never
its shards, so a 10,000-run experiment opens as fast as a 10-run one.
"""

from __future__ import annotations

from typing import Any, Protocol

import dash
import numpy as np
import pandas as pd
from dash import Input, Output, State, dcc, html

from experiments.many.summary import ID_COLUMNS
from experiments.reports.formatting import fmt, scale_for
from experiments.reports.tables import END_METRICS
from neocloud_abm.explore import components as ui
from neocloud_abm.explore.catalog import Catalog, ExperimentSource, Summary
from neocloud_abm.explore.figures import fan_figure, message

SUMMARY_PAGE = 15


class Panel(Protocol):
    """A part of an experiment's page."""

    title: str

    def applies(self, experiment: ExperimentSource) -> bool:
        """Whether the experiment has what this panel shows."""

    def layout(self, experiment: ExperimentSource) -> Any:
        """The panel's components (its data may come through its callbacks)."""

    def register(self, app: dash.Dash, catalog: Catalog) -> None:
        """Add the panel's callbacks to the app (once, at start-up)."""


def focus_pickers(prefix: str, experiment: ExperimentSource) -> tuple[html.Div, str | None]:
    """A company and a metric picker (ids ``PREFIX-company``, ``PREFIX-metric``)."""
    metrics = experiment.metrics
    names = ui.companies(metrics)
    focus = ui.focus_of({}, names)
    chosen = ui.metrics_of(metrics, focus) if focus else []
    metric = ui.default_metric(chosen)
    row = html.Div([ui.picker(f"{prefix}-company", "company", names, focus, width="220px"),
                    ui.picker(f"{prefix}-metric", "metric", chosen, metric, labels=True)],
                   className="pickers")
    return row, metric


def link_metric_picker(app: dash.Dash, catalog: Catalog, prefix: str) -> None:
    """Keep ``PREFIX-metric``'s options to the metrics the picked company has."""

    @app.callback(Output(f"{prefix}-metric", "options"), Output(f"{prefix}-metric", "value"),
                  Input(f"{prefix}-company", "value"), State("exp-key", "data"),
                  State(f"{prefix}-metric", "value"), prevent_initial_call=True)
    def metrics(company: Any, key: Any, current: Any) -> tuple[Any, Any]:
        experiment = catalog.experiment(key)
        if experiment is None:
            return dash.no_update, dash.no_update
        return ui.metric_choice(experiment.metrics, company, current)


class FanPanel:
    """Fan charts of any metric and company: median, p25-p75 and p5-p95 over runs."""

    title = "Fan chart"

    def applies(self, experiment: ExperimentSource) -> bool:
        """Any experiment with bands."""
        return not experiment.bands.empty

    def layout(self, experiment: ExperimentSource) -> Any:
        """Company, metric and arm pickers above the chart."""
        pickers, _ = focus_pickers("exp-fan", experiment)
        arms = experiment.arms
        pickers.children.append(ui.picker("exp-fan-arm", "arm", arms, arms[0], width="200px"))
        return ui.section(self.title, pickers,
                          dcc.Graph(id="exp-fan", config={"displaylogo": False},
                                    style={"height": "440px"}),
                          ui.note("From bands.parquet: month-end quantiles over the runs."))

    def register(self, app: dash.Dash, catalog: Catalog) -> None:
        """Redraw on a pick."""
        link_metric_picker(app, catalog, "exp-fan")

        @app.callback(Output("exp-fan", "figure"), Input("exp-key", "data"),
                      Input("exp-fan-company", "value"), Input("exp-fan-metric", "value"),
                      Input("exp-fan-arm", "value"))
        def draw(key: Any, company: Any, metric: Any, arm: Any) -> dict[str, Any]:
            experiment = catalog.experiment(key)
            if experiment is None or not all(isinstance(v, str) for v in (company, metric, arm)):
                return message("pick a company, a metric and an arm")
            name = f"{company}.{metric}"
            return fan_figure(experiment.band(arm, name), name, arm)


def _default_columns(experiment: ExperimentSource) -> list[str]:
    columns = experiment.summary.columns if experiment.summary else []
    names = ui.companies(experiment.metrics or [c.split("@")[0] for c in columns])
    focus = names[0] if names else ""
    wanted = [*(c for c in columns if c.startswith("set.")),
              *(f"{focus}.{m}@end" for m in END_METRICS), f"{focus}.cash_usd@min"]
    return [c for c in wanted if c in columns]


def _scales(summary: Summary, columns: list[str]) -> dict[str, tuple[float, str]]:
    """A divisor and unit per numeric column, from its largest value over all runs."""
    out = {}
    frame = summary.frame(columns)
    for name in frame.columns:
        values = frame[name]
        if name in ID_COLUMNS or not pd.api.types.is_numeric_dtype(values):
            continue
        numbers = values.to_numpy(dtype="float64", na_value=np.nan)
        out[name] = scale_for(name, np.abs(numbers[np.isfinite(numbers)]).tolist())
    return out


def _cells(frame: pd.DataFrame, scales: dict[str, tuple[float, str]]) -> list[dict[str, Any]]:
    """Rows of the summary as text: numbers scaled to the column's unit, dates as months."""
    out = pd.DataFrame(index=frame.index)
    for name in frame.columns:
        values = frame[name]
        if name in scales:
            factor = scales[name][0]
            out[name] = [fmt(v, factor) for v in values.to_numpy(dtype="float64",
                                                                 na_value=np.nan)]
        elif pd.api.types.is_datetime64_any_dtype(values):
            out[name] = [f"{d:%Y-%m}" if not pd.isna(d) else "never" for d in values]
        else:
            out[name] = values.astype(str)
    return [{str(k): v for k, v in row.items()} for row in out.to_dict("records")]


def _summary_columns(summary: Summary, picked: Any) -> list[str]:
    wanted = [c for c in ID_COLUMNS if c in summary.columns]
    return wanted + [c for c in (picked or []) if isinstance(c, str) and c in summary.columns
                     and c not in wanted]


def _sorted_rows(summary: Summary, sort_model: Any) -> np.ndarray:
    """Row numbers of the summary in the order asked (file order if none)."""
    order = np.arange(summary.rows)
    if isinstance(sort_model, list) and sort_model and isinstance(sort_model[0], dict):
        name, direction = sort_model[0].get("colId"), sort_model[0].get("sort")
        if isinstance(name, str) and name in summary.columns:
            ranked = summary.column(name).reset_index(drop=True).sort_values(
                ascending=direction != "desc", na_position="last", kind="stable")
            order = ranked.index.to_numpy()
    return order


def summary_rows(summary: Summary, picked: Any, request: Any) -> dict[str, Any]:
    """The rows an AG Grid asks for (``startRow`` to ``endRow``, sorted), and the row count."""
    request = request if isinstance(request, dict) else {}
    start = max(0, int(request.get("startRow") or 0))
    end = min(summary.rows, max(start, int(request.get("endRow") or start + SUMMARY_PAGE)),
              start + 500)
    columns = _summary_columns(summary, picked)
    rows = _sorted_rows(summary, request.get("sortModel"))[start:end]
    frame = summary.frame(columns).iloc[rows]
    return {"rowData": _cells(frame, _scales(summary, columns)), "rowCount": summary.rows}


class SummaryPanel:
    """The summary table, one row per run, sortable; a run id opens that run."""

    title = "Runs"

    def applies(self, experiment: ExperimentSource) -> bool:
        """Any experiment with a summary."""
        return experiment.summary is not None

    def layout(self, experiment: ExperimentSource) -> Any:
        """A column picker above a paged table sorted on the server."""
        summary = experiment.summary
        assert summary is not None
        others = [c for c in summary.columns if c not in ID_COLUMNS]
        return ui.section(
            f"{self.title} ({summary.rows:,})",
            html.Div([ui.picker("exp-summary-columns", "columns", others,
                                _default_columns(experiment), multi=True, width="100%")],
                     className="pickers"),
            html.Div(id="exp-summary-box"),
            ui.note("From summary.parquet, sorted and paged on the server. Click a column "
                    "header to sort; click a run id to open that run (remade from "
                    "experiment.json if it was not kept)."))

    def register(self, app: dash.Dash, catalog: Catalog) -> None:
        """A new grid for the columns picked; its rows come a page at a time."""

        @app.callback(Output("exp-summary-box", "children"), Input("exp-key", "data"),
                      Input("exp-summary-columns", "value"))
        def grid(key: Any, picked: Any) -> Any:
            experiment = catalog.experiment(key)
            if experiment is None or experiment.summary is None:
                return ui.note("no summary")
            summary = experiment.summary
            columns = _summary_columns(summary, picked)
            scales = _scales(summary, columns)
            defs: list[dict[str, Any]] = [
                {"field": c, "headerName": f"{c} ({scales[c][1]})" if scales.get(c, (1, ""))[1]
                 else c, "minWidth": 110 if c in ID_COLUMNS else 150} for c in columns]
            defs[0].update({"cellStyle": ui.LINK_STYLE, "pinned": "left", "minWidth": 140})
            return ui.grid("exp-summary", defs, height="520px", rowModelType="infinite",
                           cacheBlockSize=SUMMARY_PAGE, paginationPageSize=SUMMARY_PAGE,
                           maxBlocksInCache=40)

        @app.callback(Output("exp-summary", "getRowsResponse"),
                      Input("exp-summary", "getRowsRequest"), State("exp-key", "data"),
                      State("exp-summary-columns", "value"))
        def rows(request: Any, key: Any, picked: Any) -> Any:
            experiment = catalog.experiment(key)
            if experiment is None or experiment.summary is None:
                return dash.no_update
            return summary_rows(experiment.summary, picked, request)

        @app.callback(Output("url", "pathname"), Input("exp-summary", "cellClicked"),
                      State("exp-key", "data"), prevent_initial_call=True)
        def open_run(cell: Any, key: Any) -> Any:
            experiment = catalog.experiment(key)
            cell = cell if isinstance(cell, dict) else {}
            run_id = cell.get("value")
            if experiment is None or cell.get("colId") != "run_id" or not isinstance(run_id, str) \
                    or not experiment.has_run(run_id):
                return dash.no_update
            return f"/experiment/{experiment.key}/run/{run_id}"
