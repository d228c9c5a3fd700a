"""The page of an experiment: what it ran, then every panel that applies to it.

:data:`PANELS` lists the panels in page order; each says whether it applies to an
experiment (by its kind or the result files it has). The forecast-scoring experiment being
built on another branch adds its panel here: observations on their fans and the scorecard,
read from its own result file, as one more class after :class:`IndicesPanel`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dash
from dash import dcc, html

from neocloud_abm.explore import components as ui
from neocloud_abm.explore.analysis_panels import ComparisonPanel, IndicesPanel, ParametersPanel
from neocloud_abm.explore.catalog import Catalog, ExperimentSource
from neocloud_abm.explore.panels import FanPanel, Panel, SummaryPanel

PANELS: tuple[Panel, ...] = (FanPanel(), ComparisonPanel(), ParametersPanel(), IndicesPanel(),
                             SummaryPanel())


def _header(experiment: ExperimentSource) -> html.Div:
    manifest = experiment.manifest
    design = manifest.get("design", {})
    world = Path(str(design.get("world", "?"))).stem
    seeds = manifest.get("seeds", {})
    finished = experiment.summary.rows if experiment.summary is not None else 0
    scenarios = ", ".join(design.get("scenarios", []) or []) or "none"
    return ui.header(
        f"{experiment.kind} experiment: {world}",
        f"{experiment.label}: {manifest.get('runs', '?')} runs planned, {finished:,} in the "
        f"summary; arms: {', '.join(experiment.arms) or 'base'}; horizon to "
        f"{design.get('until') or 'the world default'}; scenarios: {scenarios}; seeds "
        f"{seeds.get('first', '?')}..{seeds.get('last', '?')}",
        f"command: {manifest.get('command') or '(library call)'}")


def layout(experiment: ExperimentSource) -> html.Div:
    """The experiment page: its header and its panels."""
    shown = [panel.layout(experiment) for panel in PANELS if panel.applies(experiment)]
    if not shown:
        shown = [ui.note("No results yet: run the experiment's command again to finish and "
                         "aggregate its runs.", bad=True)]
    return html.Div([dcc.Store(id="exp-key", data=experiment.key), _header(experiment), *shown])


def register(app: dash.Dash, catalog: Catalog) -> None:
    """Every panel's callbacks."""
    for panel in PANELS:
        panel.register(app, catalog)


def index(catalog: Catalog) -> Any:
    """The first page: every folder served, with a link."""
    runs = [html.Li([dcc.Link(source.label, href=f"/run/{key}"),
                     f" (seed {source.result.meta.get('seed', '?')}, "
                     f"{len(source.result.events):,} events)"])
            for key, source in catalog.runs.items()]
    experiments = [html.Li([dcc.Link(source.label, href=f"/experiment/{key}"),
                            f" ({source.kind}, {source.summary.rows if source.summary else 0:,} "
                            "runs)"])
                   for key, source in catalog.experiments.items()]
    parts: list[Any] = [html.H1("neocloud-abm explorer")]
    if runs:
        parts += [html.H2("Runs"), html.Ul(runs)]
    if experiments:
        parts += [html.H2("Experiments"), html.Ul(experiments)]
    return html.Div(parts)
