"""Widgets every page of the explorer shares: sections, pickers of company and metric, tables.

Metric names are ``company.metric`` (``iren.cash_usd``, ``btc.price_usd``): the company
picker lists the prefixes, the metric picker the names a company has, so every pair picked
exists. New metrics and companies appear in the pickers without a change here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import dash_ag_grid as dag
import pandas as pd
from dash import dcc, html

from experiments.many.summary import companies_of
from experiments.reports.formatting import base_unit, label

PREFERRED_METRICS = ("ai_run_rate_arr_usd", "cash_usd", "energized_mw")
GRID_OPTIONS: dict[str, Any] = {
    "suppressFieldDotNotation": True,  # metric names have dots: fields are not paths
    "enableCellTextSelection": True, "ensureDomOrder": True,
    "pagination": True, "paginationPageSize": 15, "paginationPageSizeSelector": False,
}
DEFAULT_COLUMN: dict[str, Any] = {"sortable": True, "resizable": True, "filter": False,
                                  "minWidth": 80}
LINK_STYLE = {"color": "#1f5fa8", "textDecoration": "underline", "cursor": "pointer"}


def companies(metrics: Iterable[str]) -> list[str]:
    """Every metric prefix, the neoclouds first (in metric order), then the rest sorted."""
    names = list(metrics)
    first = companies_of(names)
    rest = sorted({m.split(".", 1)[0] for m in names if "." in m} - set(first))
    return [*first, *rest]


def metrics_of(metrics: Iterable[str], company: str) -> list[str]:
    """The metric names (without the company) that ``company`` has, in metric order."""
    prefix = f"{company}."
    return [m.removeprefix(prefix) for m in metrics if m.startswith(prefix)]


def default_metric(names: Sequence[str]) -> str | None:
    """A telling first metric: AI run-rate, else cash, else power, else the first."""
    for preferred in PREFERRED_METRICS:
        if preferred in names:
            return preferred
    return names[0] if names else None


def focus_of(meta: dict[str, Any], names: Sequence[str]) -> str | None:
    """The company a run or experiment is about (``focus`` in its meta, else the first)."""
    focus = meta.get("focus")
    if isinstance(focus, str) and focus in names:
        return focus
    return names[0] if names else None


def metric_choice(metrics: Sequence[str], chosen: Any, current: Any
                  ) -> tuple[list[dict[str, str]], str | None]:
    """The metric picker's options for the companies ``chosen``, and its value.

    The value stays if those companies have it, else it becomes their telling default.
    """
    picked = [chosen] if isinstance(chosen, str) else [c for c in chosen or []
                                                        if isinstance(c, str)]
    order = {m.split(".", 1)[-1]: i for i, m in reversed(list(enumerate(metrics)))}
    names = sorted({m for c in picked for m in metrics_of(metrics, c)},
                   key=lambda m: order.get(m, 0))
    value = current if current in names else default_metric(names)
    return options(names, labels=True), value


def options(values: Iterable[str], *, labels: bool = False) -> list[dict[str, str]]:
    """Dropdown options (value and shown label) of plain names or metric names."""
    return [{"value": v, "label": metric_label(v) if labels else v} for v in values]


def metric_label(name: str) -> str:
    """A metric name (without its company) in words, with its unit: ``cash ($)``."""
    unit = base_unit(name)
    words = label(f"x.{name}").removeprefix("X ")
    return f"{words} ({unit})" if unit else words


def picker(id_: str, title: str, values: Sequence[str], value: Any, *,
           multi: bool = False, labels: bool = False, width: str = "260px") -> html.Div:
    """A labelled dropdown."""
    return html.Div([html.Label(title, htmlFor=id_, className="picker-label"),
                     dcc.Dropdown(id=id_, options=options(values, labels=labels), value=value,
                                  multi=multi, clearable=multi, searchable=True)],
                    className="picker", style={"width": width})


def text_filter(id_: str, title: str, placeholder: str, width: str = "200px") -> html.Div:
    """A labelled text box whose value is read when the user presses Enter or leaves it."""
    return html.Div([html.Label(title, htmlFor=id_, className="picker-label"),
                     dcc.Input(id=id_, type="text", placeholder=placeholder, debounce=True,
                               style={"width": "100%"})],
                    className="picker", style={"width": width})


def section(title: str, *children: Any, id_: str | None = None) -> html.Section:
    """A titled part of a page."""
    body = [html.H2(title), *children]
    return html.Section(body, id=id_, className="section") if id_ else \
        html.Section(body, className="section")


def grid(id_: str, columns: Sequence[dict[str, Any]], rows: list[dict[str, Any]] | None = None,
         *, height: str = "auto", fit: bool = True, **options: Any) -> Any:
    """An AG Grid table: sortable, resizable columns, 15 rows a page.

    ``height="auto"`` grows with the rows shown; an infinite (server-side) grid needs a
    fixed height. ``fit`` spreads the columns over the width (else their own widths and
    ``flex`` hold).
    """
    props: dict[str, Any] = {k: options.pop(k) for k in ("rowModelType", "getRowId")
                             if k in options}
    grid_options = {**GRID_OPTIONS, **options}
    if height == "auto":
        grid_options["domLayout"] = "autoHeight"
    if props.get("rowModelType") != "infinite":
        props["rowData"] = rows or []
    return dag.AgGrid(id=id_, columnDefs=list(columns), defaultColDef=DEFAULT_COLUMN,
                      dashGridOptions=grid_options,
                      columnSize="responsiveSizeToFit" if fit else None,
                      style={"height": None if height == "auto" else height, "width": "100%"},
                      **props)


def table(id_: str, frame: pd.DataFrame) -> Any:
    """A sortable table of a small frame, shown as it is."""
    columns = [{"field": str(c), "headerName": str(c)} for c in frame.columns]
    rows = [{str(k): v for k, v in r.items()} for r in frame.to_dict("records")]
    return grid(id_, columns, rows)


def header(title: str, *lines: str) -> html.Div:
    """A page's heading and the lines that say what it shows."""
    return html.Div([html.H1(title), *(note(line) for line in lines)])


def note(text: str, bad: bool = False) -> html.P:
    """A line of explanation (or of trouble)."""
    return html.P(text, className="note bad" if bad else "note")


def not_found(what: str) -> html.Div:
    """The page shown for an address the explorer does not serve."""
    return html.Div([html.H1("Not found"),
                     note(f"{what}: the explorer serves only the folders it was given."),
                     dcc.Link("back to the list", href="/")])
