"""The page of one run: company paths with milestones, the timeline, and one event's causes.

The chart draws a metric of the chosen companies with their milestones as markers; the
timeline is filtered as ``abm timeline`` filters it (the same
:func:`~experiments.one_run.timeline.select_events`). Clicking a row or a marker puts
``?event=N`` in the address, and the event panel (:mod:`neocloud_abm.explore.causes`)
shows what ``abm why`` and ``abm why --forward`` print for it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import dash
import pandas as pd
from dash import Input, Output, State, dcc, html

from abm.config import ConfigError
from abm.result import RunResult
from experiments.one_run.timeline import data_columns, describe, event_company
from neocloud_abm.explore import components as ui
from neocloud_abm.explore.catalog import Catalog
from neocloud_abm.explore.causes import event_panel
from neocloud_abm.explore.figures import message, path_figure

TIMELINE_GRID = (
    {"field": "date", "headerName": "date", "width": 112},
    {"field": "id", "headerName": "id", "width": 84, "cellStyle": ui.LINK_STYLE},
    {"field": "agent", "headerName": "agent", "width": 130},
    {"field": "kind", "headerName": "kind", "width": 200},
    {"field": "cause", "headerName": "from", "width": 84},
    {"field": "what", "headerName": "what", "flex": 1, "wrapText": True, "autoHeight": True,
     "sortable": False,
     "cellStyle": {"lineHeight": "1.45", "paddingTop": "6px", "paddingBottom": "6px"}},
)


def run_ref(key: str, run_id: str | None) -> dict[str, str | None]:
    """What a run page keeps to find its run again: the source key and the run id."""
    return {"key": key, "run_id": run_id}


def _run_of(catalog: Catalog, ref: Any) -> RunResult | None:
    if not isinstance(ref, dict):
        return None
    return catalog.run(ref.get("key", ""), ref.get("run_id"))


def _header(result: RunResult, title: str) -> html.Div:
    meta = result.meta
    scenarios = ", ".join(meta.get("scenarios", []) or []) or "none"
    overrides = meta.get("overrides") or {}
    sets = ", ".join(f"{k}={v}" for k, v in overrides.items()) or "none"
    return ui.header(f"run {Path(title).name}",
                     f"{title}: world {Path(str(meta.get('world', '?'))).stem}, seed "
                     f"{meta.get('seed', '?')}, {meta.get('start_date', '?')} to "
                     f"{meta.get('until', '?')}; scenarios: {scenarios}; overrides: {sets}; "
                     f"{len(result.events):,} events")


def layout(result: RunResult, ref: dict[str, str | None], title: str) -> html.Div:
    """The run page (its data comes through the callbacks)."""
    metrics = list(result.path.columns)
    names = ui.companies(metrics)
    focus = ui.focus_of(result.meta, names)
    chosen = ui.metrics_of(metrics, focus) if focus else []
    agents = sorted(set(result.events["agent"].astype(str))
                    | set(event_company(result.events)))
    return html.Div([
        dcc.Store(id="run-ref", data=ref),
        _header(result, title),
        ui.section("Paths", html.Div([
            ui.picker("run-metric", "metric", chosen, ui.default_metric(chosen), labels=True),
            ui.picker("run-companies", "companies", names, [focus] if focus else [],
                      multi=True, width="420px"),
        ], className="pickers"),
            dcc.Graph(id="run-chart", config={"displaylogo": False},
                      style={"height": "460px"}),
            ui.note("Hover for values, drag to zoom, double-click to reset; click a "
                    "milestone marker to open its event.")),
        ui.section("Timeline", html.Div([
            ui.picker("run-agent", "agent or company", agents, [], multi=True, width="300px"),
            ui.text_filter("run-kind", "kind", "contract.*, !market.news"),
            ui.text_filter("run-since", "since", "YYYY-MM-DD", width="130px"),
            ui.text_filter("run-until", "until", "YYYY-MM-DD", width="130px"),
        ], className="pickers"),
            html.Div(id="run-filter-note", className="note"),
            ui.grid("run-timeline", TIMELINE_GRID, fit=False, getRowId="params.data.key"),
            ui.note("Click a row to see why the event happened and what it led to.")),
        ui.section("Event", html.Div(ui.note("Pick an event in the timeline or on the chart."),
                                     id="run-event"), id_="run-event-section"),
    ])


_RECORDS: dict[int, tuple[pd.DataFrame, pd.DataFrame]] = {}
"""Timeline rows by run: the events frame (held, so its id is not reused) and its rows."""


def _records(result: RunResult) -> pd.DataFrame:
    """Every event as a table row (what it says, in words), worked out once per run."""
    events = result.events
    cached = _RECORDS.get(id(events))
    if cached is not None and cached[0] is events:
        return cached[1]
    columns = data_columns(events)
    rows = pd.DataFrame({
        "date": pd.DatetimeIndex(events["date"]).strftime("%Y-%m-%d"),
        "id": events["id"].astype(int).to_numpy(),
        "agent": events["agent"].astype(str).to_numpy(),
        "kind": events["kind"].astype(str).to_numpy(),
        "cause": ["" if pd.isna(c) else f"#{int(c)}" for c in events["cause"]],
        "what": [describe(r, columns) for r in events.to_dict("records")],
        "key": events["id"].astype(int).astype(str).to_numpy(),  # the grid's row id
    }, index=events.index)
    if len(_RECORDS) >= 16:
        _RECORDS.clear()
    _RECORDS[id(events)] = (events, rows)
    return rows


def event_from_search(search: str | None) -> str | None:
    """The ``event`` of an address's query (``?event=12``), or None."""
    values = parse_qs((search or "").removeprefix("?")).get("event")
    return values[0] if values else None


def register(app: dash.Dash, catalog: Catalog) -> None:
    """The run page's callbacks."""

    @app.callback(Output("run-chart", "figure"), Input("run-ref", "data"),
                  Input("run-metric", "value"), Input("run-companies", "value"))
    def draw(ref: Any, metric: Any, chosen: Any) -> dict[str, Any]:
        result = _run_of(catalog, ref)
        if result is None or not isinstance(metric, str):
            return message("pick a metric")
        picked = [c for c in (chosen or []) if isinstance(c, str)]
        if not picked:
            return message("pick one or more companies")
        return path_figure(result.path, result.events, metric, picked)

    @app.callback(Output("run-metric", "options"), Output("run-metric", "value"),
                  Input("run-companies", "value"), State("run-ref", "data"),
                  State("run-metric", "value"), prevent_initial_call=True)
    def metrics(chosen: Any, ref: Any, current: Any) -> tuple[Any, Any]:
        result = _run_of(catalog, ref)
        if result is None:
            return dash.no_update, dash.no_update
        return ui.metric_choice(list(result.path.columns), chosen, current)

    @app.callback(Output("run-timeline", "rowData"), Output("run-filter-note", "children"),
                  Input("run-ref", "data"), Input("run-agent", "value"),
                  Input("run-kind", "value"), Input("run-since", "value"),
                  Input("run-until", "value"))
    def timeline(ref: Any, agents: Any, kinds: Any, since: Any, until: Any) -> tuple[Any, ...]:
        from experiments.one_run.timeline import select_events

        result = _run_of(catalog, ref)
        if result is None:
            return [], ""
        try:
            chosen = select_events(result.events, agents=[str(a) for a in agents or []],
                                   kinds=str(kinds or ""), since=str(since or "") or None,
                                   until=str(until or "") or None)
        except ConfigError as exc:
            return dash.no_update, f"{exc.key or exc.source}: {exc.expected}"
        rows = _records(result).loc[chosen.index]
        shown = f"{len(rows):,} of {len(result.events):,} events"
        return rows.to_dict("records"), shown

    @app.callback(Output("url", "search"), Input("run-timeline", "cellClicked"),
                  Input("run-chart", "clickData"), prevent_initial_call=True)
    def pick(cell: Any, click: Any) -> Any:
        if dash.ctx.triggered_id == "run-timeline":
            row = str((cell or {}).get("rowId", ""))
            return f"?event={int(row)}" if row.isdigit() else dash.no_update
        points = (click or {}).get("points") or []
        data = points[0].get("customdata") if points else None
        return f"?event={int(data)}" if isinstance(data, int | float) else dash.no_update

    @app.callback(Output("run-event", "children"), Input("url", "search"),
                  Input("run-ref", "data"), State("url", "pathname"))
    def show(search: Any, ref: Any, pathname: Any) -> Any:
        result = _run_of(catalog, ref)
        chosen = event_from_search(search if isinstance(search, str) else None)
        if result is None or chosen is None:
            return ui.note("Pick an event in the timeline or on the chart.")
        return event_panel(result.events, chosen, str(pathname or "/"))
