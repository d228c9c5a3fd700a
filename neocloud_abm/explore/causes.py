"""One event of a run in the browser: why it happened and what it led to, with links.

The answers are those of ``abm why`` and ``abm why --forward``: the chain comes from
:func:`~experiments.one_run.causes.why_chain`, the tree from
:func:`~experiments.one_run.causes.consequences`, and the panel also shows the text the
command prints (:func:`~experiments.one_run.causes.format_why`), so the two never differ.
Every event id shown is a link to that event.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
from dash import dcc, html

from abm.config import ConfigError
from experiments.one_run.causes import (
    DEFAULT_MAX_DEPTH,
    DEFAULT_MAX_EVENTS,
    cause_graph,
    consequences,
    format_forward,
    format_why,
    parse_event_id,
    why_chain,
)
from experiments.one_run.timeline import data_columns, describe, is_missing
from neocloud_abm.explore import components as ui

WIDTH = 100
"""Table width of the command's text (``abm why``'s default)."""


def event_link(event_id: int, pathname: str) -> dcc.Link:
    """A link to one event of the run shown at ``pathname``."""
    return dcc.Link(f"#{event_id}", href=f"{pathname}?event={event_id}",
                    className="event-link")


def _rows(events: pd.DataFrame, ids: Sequence[int], pathname: str,
          depths: Sequence[int] | None = None) -> html.Table:
    """A table of events (date, id, agent, kind, from, what), ids and causes as links."""
    by_id = events.set_index("id", drop=False)
    columns = data_columns(events)
    head = html.Tr([html.Th(c) for c in ("date", "id", "agent", "kind", "from", "what")])
    body = []
    for event_id, depth in zip(ids, depths or [0] * len(ids), strict=True):
        record = by_id.loc[event_id].to_dict()
        cause = record["cause"]
        body.append(html.Tr([
            html.Td(f"{pd.Timestamp(record['date']):%Y-%m-%d}"),
            html.Td(event_link(int(event_id), pathname)),
            html.Td(str(record["agent"])),
            html.Td(("\u2003" * depth + "\u21b3 " if depth else "") + str(record["kind"])),
            html.Td("" if is_missing(cause) else event_link(int(cause), pathname)),
            html.Td(describe(record, columns)),
        ], className="chosen" if depth == 0 and depths is not None else None))
    return html.Table([html.Thead(head), html.Tbody(body)], className="events")


def _text(title: str, text: str, id_: str) -> html.Details:
    return html.Details([html.Summary(title), html.Pre(text, id=id_, className="why-text")])


def event_panel(events: pd.DataFrame, text: str, pathname: str) -> Any:
    """The causes and consequences of event ``text`` (``12`` or ``#12``) of a run."""
    try:
        event_id = parse_event_id(text, events, source="event")
    except ConfigError as exc:
        return ui.note(f"event {text}: {exc.expected}", bad=True)
    graph = cause_graph(events)
    chain = why_chain(graph, event_id)
    tree = consequences(graph, event_id, max_depth=DEFAULT_MAX_DEPTH,
                        max_events=DEFAULT_MAX_EVENTS)
    row = events.loc[events["id"] == event_id].iloc[0]
    steps = len(chain) - 1
    later = tree.total - 1
    why_title = (f"Why: {steps} step{'s' if steps != 1 else ''} back to root #{chain[0]}"
                 if steps else "Why: a root event (no cause)")
    led_title = f"What it led to: {later} later event{'s' if later != 1 else ''}"
    if tree.truncated:
        led_title += f" ({tree.total - len(tree.rows)} more not shown)"
    return html.Div([
        html.H3([f"#{event_id} {row['kind']} ", html.Span(
            f"({row['agent']}, {pd.Timestamp(row['date']):%Y-%m-%d})", className="muted")],
            id="run-event-title"),
        html.P(describe(row.to_dict(), data_columns(events)), className="note"),
        html.H4(why_title),
        html.Div(_rows(events, chain, pathname), id="run-why-chain"),
        html.H4(led_title),
        html.Div(_rows(events, [n for _, n in tree.rows], pathname,
                       depths=[d for d, _ in tree.rows]), id="run-forward-tree"),
        _text("as `abm why` prints it", format_why(events, event_id, width=WIDTH),
              "run-why-text"),
        _text("as `abm why --forward` prints it",
              format_forward(events, event_id, width=WIDTH), "run-forward-text"),
    ])
