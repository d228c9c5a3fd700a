"""Widgets every page of the explorer shares: sections, pickers of company and metric, tables.

Metric names are ``company.metric`` (``iren.cash_usd``, ``btc.price_usd``): the company
picker lists the prefixes, the metric picker the names a company has, so every pair picked
exists. New metrics and companies appear in the pickers without a change here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd
from dash import dash_table, dcc, html

from experiments.many.summary import companies_of
from experiments.reports.formatting import label

PREFERRED_METRICS = ("ai_run_rate_arr_usd", "cash_usd", "energized_mw")
TABLE_STYLE: dict[str, Any] = {
    "style_table": {"overflowX": "auto"},
    "style_cell": {"fontFamily": "system-ui, sans-serif", "fontSize": "13px",
                   "padding": "4px 8px", "textAlign": "left", "whiteSpace": "normal",
                   "height": "auto", "maxWidth": "520px"},
    "style_header": {"backgroundColor": "#f4f6f8", "fontWeight": "600"},
    "style_data_conditional": [{"if": {"state": "active"}, "backgroundColor": "#e8f0fb",
                                "border": "1px solid #1f5fa8"}],
}


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
    return [{"value": v, "label": label(f"x.{v}").removeprefix("X ") if labels else v}
            for v in values]


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


def table(id_: str, frame: pd.DataFrame, **settings: Any) -> dash_table.DataTable:
    """A sortable table of a (small) frame, shown as it is."""
    return dash_table.DataTable(
        id=id_, data=frame.to_dict("records"),
        columns=[{"name": str(c), "id": str(c)} for c in frame.columns],
        sort_action="native", page_size=20, **TABLE_STYLE, **settings)


def note(text: str, bad: bool = False) -> html.P:
    """A line of explanation (or of trouble)."""
    return html.P(text, className="note bad" if bad else "note")


def not_found(what: str) -> html.Div:
    """The page shown for an address the explorer does not serve."""
    return html.Div([html.H1("Not found"),
                     note(f"{what}: the explorer serves only the folders it was given."),
                     dcc.Link("back to the list", href="/")])
