"""The explorer's Dash app: one shell, addresses routed to pages, every callback registered.

Addresses: ``/`` lists what is served; ``/run/KEY`` is a run given on the command line;
``/experiment/KEY`` an experiment; ``/experiment/KEY/run/RUN_ID`` one of its runs;
``?event=N`` picks an event on a run page. Keys and run ids are looked up in the
:class:`~neocloud_abm.explore.catalog.Catalog`, never joined to a path, so no address
reaches another file; anything else is a "not found" page. The app serves no assets folder
and writes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote

import dash
from dash import Input, Output, dcc, html
from dash.exceptions import DependencyException

from abm.config import ConfigError
from neocloud_abm.explore import components as ui
from neocloud_abm.explore import experiment_page, run_page
from neocloud_abm.explore.catalog import Catalog

NO_ASSETS = Path(__file__).parent / "no-assets"
"""A folder that does not exist: the app serves no files of its own beyond Dash's."""
CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;color:#222;
background:#fafbfc}
#page{max-width:1280px;margin:0 auto;padding:1rem 2rem 3rem}
.topbar{background:#1f3b5c;color:#fff;padding:.6rem 2rem;font-weight:600}
.topbar a{color:#fff;text-decoration:none;margin-right:1.5rem}
h1{font-size:1.5rem;margin:.8rem 0 .2rem}h2{font-size:1.15rem;margin:0 0 .6rem}
h3{font-size:1.05rem;margin:.6rem 0 .3rem}h4{font-size:.95rem;margin:.9rem 0 .3rem}
.section{background:#fff;border:1px solid #e3e7ec;border-radius:6px;padding:1rem 1.2rem;
margin:1rem 0}
.pickers{display:flex;flex-wrap:wrap;gap:1rem;align-items:flex-end;margin-bottom:.5rem}
.picker-label{display:block;font-size:.8rem;color:#555;margin-bottom:.2rem}
.note{color:#555;font-size:.88rem;margin:.3rem 0}.bad{color:#b00020}.muted{color:#777}
table.events{border-collapse:collapse;font-size:.85rem;width:100%}
table.events th,table.events td{border-bottom:1px solid #eee;padding:.25rem .5rem;
text-align:left;vertical-align:top}
table.events tr.chosen{background:#fff6dd}
table.events td:first-child,table.events td:nth-child(4){white-space:nowrap}
.event-link{font-family:ui-monospace,monospace}
.why-text{font-size:.75rem;background:#f6f8fa;padding:.6rem;overflow-x:auto}
"""
INDEX = """<!DOCTYPE html>
<html lang="en"><head>{%metas%}<title>{%title%}</title>{%favicon%}{%css%}
<style>""" + CSS + """</style></head>
<body>{%app_entry%}<footer>{%config%}{%scripts%}{%renderer%}</footer></body></html>"""


def route(catalog: Catalog, pathname: str) -> tuple[Any, str]:
    """The page at ``pathname`` and its title; "not found" for anything not served."""
    parts = [unquote(p) for p in (pathname or "/").split("/") if p]
    if not parts:
        return experiment_page.index(catalog), "explorer"
    try:
        if len(parts) == 2 and parts[0] == "run":
            source = catalog.runs.get(parts[1])
            if source is not None:
                return (run_page.layout(source.result, run_page.run_ref(source.key, None),
                                        source.label), source.label)
        if len(parts) == 2 and parts[0] == "experiment":
            experiment = catalog.experiment(parts[1])
            if experiment is not None:
                return experiment_page.layout(experiment), experiment.label
        if len(parts) == 4 and parts[0] == "experiment" and parts[2] == "run":
            experiment = catalog.experiment(parts[1])
            result = catalog.run(parts[1], parts[3])
            if experiment is not None and result is not None:
                title = f"{experiment.label}:{parts[3]}"
                back = dcc.Link(f"back to {experiment.label}", href=f"/experiment/{parts[1]}")
                page = run_page.layout(result, run_page.run_ref(parts[1], parts[3]), title)
                return html.Div([back, page]), title
    except ConfigError as exc:
        return html.Div([html.H1("Cannot open this run"), ui.note(str(exc), bad=True),
                         dcc.Link("back to the experiment", href=f"/experiment/{parts[1]}")]), \
            "cannot open"
    return ui.not_found(pathname), "not found"


def _not_served(_exc: Exception) -> tuple[str, int]:
    return "not found", 404


def make_app(catalog: Catalog) -> dash.Dash:
    """The Dash app serving ``catalog``'s runs and experiments."""
    app = dash.Dash(__name__, title="neocloud-abm explorer",
                    update_title=None,  # type: ignore[arg-type]  # None: no "Updating..."
                    assets_folder=str(NO_ASSETS), include_assets_files=False,
                    suppress_callback_exceptions=True, serve_locally=True)
    app.index_string = INDEX
    app.layout = html.Div([
        dcc.Location(id="url", refresh=False),
        html.Div([dcc.Link("neocloud-abm explorer", href="/")], className="topbar"),
        html.Div(id="page"),
    ])

    @app.callback(Output("page", "children"), Input("url", "pathname"))
    def show(pathname: Any) -> Any:
        page, _title = route(catalog, pathname if isinstance(pathname, str) else "/")
        return page

    # A script path Dash does not serve (``../`` and the like): 404, not a logged error.
    app.server.register_error_handler(DependencyException, _not_served)

    run_page.register(app, catalog)
    experiment_page.register(app, catalog)
    return app
