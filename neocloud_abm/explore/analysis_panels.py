"""Panels of the analyses some experiments add: comparisons, sweeps and sensitivity studies.

- :class:`ComparisonPanel` (``compare.parquet``): every arm's fan of a metric side by side,
  and the paired differences to the reference arm with their intervals;
- :class:`ParametersPanel` (``set.*`` columns of the summary: sweeps, sensitivity
  studies): an outcome of every run against each varied parameter, and the design table;
- :class:`IndicesPanel` (``sensitivity.parquet``): Sobol' or Morris indices per outcome.

Each follows :class:`neocloud_abm.explore.panels.Panel`.
"""

from __future__ import annotations

from typing import Any

import dash
import pandas as pd
from dash import Input, Output, dcc, html

from experiments.reports import tables
from neocloud_abm.explore import components as ui
from neocloud_abm.explore.catalog import Catalog, ExperimentSource
from neocloud_abm.explore.figures import (
    arms_figure,
    by_parameter_figure,
    differences_figure,
    indices_figure,
    message,
)
from neocloud_abm.explore.panels import focus_pickers, link_metric_picker


def analysis_table(catalog: Catalog, key: Any, name: str) -> pd.DataFrame | None:
    """The analysis table ``name`` (``compare``, ``sensitivity``...) of experiment ``key``."""
    experiment = catalog.experiment(key)
    return experiment.tables.get(name) if experiment is not None else None


def _graph(id_: str, height: str = "440px") -> dcc.Graph:
    return dcc.Graph(id=id_, config={"displaylogo": False}, style={"height": height})


class ComparisonPanel:
    """Arms side by side, and paired differences under common random numbers."""

    title = "Comparison"

    def applies(self, experiment: ExperimentSource) -> bool:
        """A comparison experiment (it has ``compare.parquet``)."""
        return "compare" in experiment.tables

    def layout(self, experiment: ExperimentSource) -> Any:
        """Arms' fans of a picked metric; the differences table and chart."""
        pickers, _ = focus_pickers("exp-arms", experiment)
        table = experiment.tables["compare"]
        confidence = float(experiment.manifest.get("analysis", {}).get("confidence", 0.95))
        reference = experiment.arms[0] if experiment.arms else "the first arm"
        outcomes = list(dict.fromkeys(table["outcome"].astype(str)))
        return ui.section(
            self.title, pickers, _graph("exp-arms-chart"),
            ui.note(f"Every arm runs the same seeds (common random numbers). Cells: median "
                    f"[p5, p95]; differences: mean paired difference to {reference} "
                    f"[{confidence:.0%} t-interval]."),
            ui.table("exp-compare-table", tables.comparison(table, confidence)),
            html.Div([ui.picker("exp-diff-outcome", "outcome", outcomes,
                                outcomes[0] if outcomes else None, width="420px")],
                     className="pickers"),
            dcc.Graph(id="exp-differences", config={"displaylogo": False}))

    def register(self, app: dash.Dash, catalog: Catalog) -> None:
        """Redraw the arms on a pick."""
        link_metric_picker(app, catalog, "exp-arms")

        @app.callback(Output("exp-arms-chart", "figure"), Input("exp-key", "data"),
                      Input("exp-arms-company", "value"), Input("exp-arms-metric", "value"))
        def draw(key: Any, company: Any, metric: Any) -> dict[str, Any]:
            experiment = catalog.experiment(key)
            if experiment is None or not isinstance(company, str) or not isinstance(metric, str):
                return message("pick a company and a metric")
            name = f"{company}.{metric}"
            return arms_figure({arm: experiment.band(arm, name) for arm in experiment.arms},
                               name)

        @app.callback(Output("exp-differences", "figure"), Input("exp-key", "data"),
                      Input("exp-diff-outcome", "value"))
        def differences(key: Any, outcome: Any) -> dict[str, Any]:
            table = analysis_table(catalog, key, "compare")
            return message("pick an outcome") if table is None or not isinstance(outcome, str) \
                else differences_figure(table, outcome)


def _parameters(experiment: ExperimentSource) -> list[str]:
    summary = experiment.summary
    return [c for c in summary.columns if c.startswith("set.")] if summary else []


def _outcomes(experiment: ExperimentSource) -> list[str]:
    summary = experiment.summary
    if summary is None:
        return []
    return [c for c in summary.columns if "@" in c and not c.endswith("@date")]


class ParametersPanel:
    """An outcome against each varied parameter (sweeps and sensitivity studies)."""

    title = "Outcome by parameter"

    def applies(self, experiment: ExperimentSource) -> bool:
        """An experiment whose design set parameters (``set.*`` summary columns)."""
        return bool(_parameters(experiment))

    def layout(self, experiment: ExperimentSource) -> Any:
        """An outcome picker, one panel per parameter, and the design points."""
        outcomes = _outcomes(experiment)
        names = ui.companies(experiment.metrics)
        preferred = [f"{names[0]}.cash_usd@end"] if names else []
        value = next((o for o in preferred if o in outcomes), outcomes[0] if outcomes else None)
        parts = [html.Div([ui.picker("exp-param-outcome", "outcome (summary column)", outcomes,
                                     value, width="420px")], className="pickers"),
                 _graph("exp-param-chart", "420px"),
                 ui.note("Each dot is a run; the line joins the medians at each value set.")]
        design = experiment.tables.get("design")
        if design is not None and not design.empty:
            parts += [html.H3("Design points"),
                      ui.note("One row per point: the values set and median outcomes over "
                              "its replications (design.parquet)."),
                      ui.table("exp-design-table", tables.design(design, limit=500))]
        return ui.section(self.title, *parts)

    def register(self, app: dash.Dash, catalog: Catalog) -> None:
        """Redraw on a pick."""

        @app.callback(Output("exp-param-chart", "figure"), Input("exp-key", "data"),
                      Input("exp-param-outcome", "value"))
        def draw(key: Any, outcome: Any) -> dict[str, Any]:
            experiment = catalog.experiment(key)
            if experiment is None or experiment.summary is None or not isinstance(outcome, str) \
                    or outcome not in experiment.summary.columns:
                return message("pick an outcome")
            parameters = _parameters(experiment)
            frame = experiment.summary.frame([*parameters, outcome])
            return by_parameter_figure(frame, parameters, outcome)


class IndicesPanel:
    """Sobol' (S1, ST) or Morris (mu*) indices of each outcome."""

    title = "Sensitivity indices"

    def applies(self, experiment: ExperimentSource) -> bool:
        """A sensitivity study (it has ``sensitivity.parquet``)."""
        return "sensitivity" in experiment.tables

    def _method(self, experiment: ExperimentSource) -> str:
        return str(experiment.manifest.get("design", {}).get("settings", {})
                   .get("method", "sobol"))

    def layout(self, experiment: ExperimentSource) -> Any:
        """An outcome picker, the indices chart and the table."""
        indices = experiment.tables["sensitivity"]
        outcomes = list(dict.fromkeys(indices["outcome"].astype(str)))
        method = self._method(experiment)
        return ui.section(
            f"{self.title} ({method})",
            html.Div([ui.picker("exp-indices-outcome", "outcome", outcomes,
                                outcomes[0] if outcomes else None, width="420px")],
                     className="pickers"),
            _graph("exp-indices-chart", "380px"),
            ui.table("exp-indices-table", tables.sensitivity(indices, method)))

    def register(self, app: dash.Dash, catalog: Catalog) -> None:
        """Redraw on a pick."""

        @app.callback(Output("exp-indices-chart", "figure"), Input("exp-key", "data"),
                      Input("exp-indices-outcome", "value"))
        def draw(key: Any, outcome: Any) -> dict[str, Any]:
            indices = analysis_table(catalog, key, "sensitivity")
            experiment = catalog.experiment(key)
            if indices is None or experiment is None or not isinstance(outcome, str):
                return message("pick an outcome")
            return indices_figure(indices, self._method(experiment), outcome)
