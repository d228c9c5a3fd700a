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
from dash import Input, Output, State, dash_table, dcc, html

from experiments.many.summary import ID_COLUMNS
from experiments.reports.formatting import fmt, scale_for
from experiments.reports.tables import END_METRICS
from neocloud_abm.explore import components as ui
from neocloud_abm.explore.catalog import Catalog, ExperimentSource
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


def _shown(frame: pd.DataFrame, key: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Rows and columns of a page of the summary: numbers scaled, run ids as links."""
    out = pd.DataFrame(index=frame.index)
    columns = []
    for name in frame.columns:
        values = frame[name]
        title = name
        if name == "run_id":
            out[name] = [f"[{r}](/experiment/{key}/run/{r})" for r in values]
            columns.append({"name": name, "id": name, "presentation": "markdown"})
            continue
        if pd.api.types.is_datetime64_any_dtype(values):
            out[name] = [f"{d:%Y-%m}" if not pd.isna(d) else "never" for d in values]
        elif pd.api.types.is_numeric_dtype(values) and name not in ID_COLUMNS:
            numbers = values.to_numpy(dtype="float64", na_value=np.nan)
            factor, unit = scale_for(name, np.abs(numbers[np.isfinite(numbers)]).tolist())
            out[name] = [fmt(v, factor) for v in numbers]
            title = f"{name} ({unit})" if unit else name
        else:
            out[name] = values.astype(str)
        columns.append({"name": title, "id": name})
    return out.to_dict("records"), columns


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
            dash_table.DataTable(id="exp-summary", page_action="custom", sort_action="custom",
                                 sort_mode="single", page_current=0, page_size=SUMMARY_PAGE,
                                 sort_by=[], markdown_options={"link_target": "_self"},
                                 **ui.TABLE_STYLE),
            ui.note("From summary.parquet. Click a column's arrows to sort; click a run id "
                    "to open that run (remade from experiment.json if it was not kept)."))

    def register(self, app: dash.Dash, catalog: Catalog) -> None:
        """Page and sort on the server: only the rows shown travel."""

        @app.callback(Output("exp-summary", "data"), Output("exp-summary", "columns"),
                      Output("exp-summary", "page_count"), Input("exp-key", "data"),
                      Input("exp-summary-columns", "value"), Input("exp-summary", "page_current"),
                      Input("exp-summary", "page_size"), Input("exp-summary", "sort_by"))
        def page(key: Any, picked: Any, current: Any, size: Any, sort_by: Any) -> tuple[Any, ...]:
            experiment = catalog.experiment(key)
            if experiment is None or experiment.summary is None:
                return [], [], 0
            summary = experiment.summary
            wanted = [c for c in ID_COLUMNS if c in summary.columns]
            wanted += [c for c in (picked or []) if isinstance(c, str) and c not in wanted]
            size = max(1, min(int(size or SUMMARY_PAGE), 200))
            current = max(0, int(current or 0))
            order = np.arange(summary.rows)
            if sort_by and isinstance(sort_by[0], dict) and sort_by[0].get("column_id") in \
                    summary.columns:
                column = summary.column(str(sort_by[0]["column_id"]))
                ranked = column.reset_index(drop=True).sort_values(
                    ascending=sort_by[0].get("direction") != "desc", na_position="last",
                    kind="stable")
                order = ranked.index.to_numpy()
            rows = order[current * size:(current + 1) * size]
            frame = summary.frame(wanted).iloc[rows]
            data, columns = _shown(frame, str(key))
            return data, columns, max(1, -(-summary.rows // size))
