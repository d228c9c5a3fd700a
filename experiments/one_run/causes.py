"""The cause graph of a run: why an event happened, and what it led to.

Every event names the event that led to it (its ``cause``), so the log is a forest: a
networkx DiGraph with an edge cause -> event. Walking back from an event to its root
answers "why did IREN issue shares in May 2026?" (the funding gap, the GPU payment, the
GPU shipment, the order, the contract that needed it); walking forward shows what an event
set in motion.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import networkx as nx
import pandas as pd

from abm.config import ConfigError
from experiments.one_run.timeline import format_table, parse_period, pattern_mask, split_patterns

DEFAULT_MAX_DEPTH = 6
DEFAULT_MAX_EVENTS = 60


def cause_graph(events: pd.DataFrame) -> nx.DiGraph:
    """Every event id as a node, with an edge from each event's cause to it."""
    graph = nx.DiGraph()
    graph.add_nodes_from(int(i) for i in events["id"])
    linked = events[events["cause"].notna()]
    graph.add_edges_from(zip(linked["cause"].astype(int), linked["id"].astype(int), strict=True))
    return graph


def parse_event_id(text: str | int, events: pd.DataFrame, source: str = "EVENT_ID") -> int:
    """An event id from ``12`` or ``#12``; a ConfigError if the run has no such event."""
    raw = str(text).strip().removeprefix("#")
    try:
        event_id = int(raw)
    except ValueError:
        raise ConfigError(source, str(text), "expected an event id, a whole number such as 12 "
                          "(see `abm timeline RUN`)") from None
    if not bool((events["id"] == event_id).any()):
        last = int(events["id"].max()) if len(events) else -1
        raise ConfigError(source, str(text), f"no such event in this run (ids run 0 to {last})"
                          if last >= 0 else "no such event: the run has no events")
    return event_id


def why_chain(graph: nx.DiGraph, event_id: int) -> list[int]:
    """The event's ancestors and itself, root first (each step caused the next).

    An event has one cause, so its ancestors form a single chain; sorting by id orders it
    because a cause is always an earlier event.
    """
    return sorted(nx.ancestors(graph, event_id) | {event_id})


def roots(graph: nx.DiGraph, event_id: int) -> list[int]:
    """The root events (no cause) the event descends from, or itself if it has no cause."""
    chain = nx.ancestors(graph, event_id) | {event_id}
    return sorted(n for n in chain if graph.in_degree(n) == 0)


@dataclass(frozen=True)
class Consequences:
    """What an event led to, as a depth-first tree: (depth, id) rows and what was left out."""

    rows: list[tuple[int, int]]
    total: int
    truncated: bool


def consequences(
    graph: nx.DiGraph,
    event_id: int,
    *,
    max_depth: int = DEFAULT_MAX_DEPTH,
    max_events: int = DEFAULT_MAX_EVENTS,
) -> Consequences:
    """The event and its descendants depth-first (children in id order), depth 0 first.

    Stops descending below ``max_depth`` and after ``max_events`` rows; ``total`` counts
    every descendant so the caller can say how many were not shown.
    """
    rows: list[tuple[int, int]] = []
    stack = [(0, event_id)]
    truncated = False
    while stack:
        depth, node = stack.pop()
        if len(rows) >= max_events:
            truncated = True
            break
        rows.append((depth, node))
        children = sorted(graph.successors(node))
        if children and depth >= max_depth:
            truncated = True
            continue
        stack.extend((depth + 1, child) for child in reversed(children))
    total = len(nx.descendants(graph, event_id)) + 1
    return Consequences(rows=rows, total=total, truncated=truncated or len(rows) < total)


def find_events(events: pd.DataFrame, kind: str, date: str | None) -> list[int]:
    """Ids of events of ``kind`` (patterns) in the period ``date`` (YYYY, YYYY-MM, YYYY-MM-DD)."""
    mask = pattern_mask(events["kind"], split_patterns(kind))
    if date:
        dates = pd.DatetimeIndex(events["date"])
        first = parse_period(date, "--date", end=False)
        last = parse_period(date, "--date", end=True)
        mask &= (dates >= first) & (dates < last + pd.Timedelta(days=1))
    return [int(i) for i in events.loc[mask, "id"]]


def _by_id(events: pd.DataFrame, ids: Sequence[int]) -> pd.DataFrame:
    return events.set_index("id", drop=False).loc[list(ids)].reset_index(drop=True)


def format_why(events: pd.DataFrame, event_id: int, *, width: int = 100) -> str:
    """The chain of causes of ``event_id``, root first, as a table with a heading."""
    graph = cause_graph(events)
    chain = why_chain(graph, event_id)
    row = events.loc[events["id"] == event_id].iloc[0]
    steps = len(chain) - 1
    heading = (f"why #{event_id} {row['kind']} ({row['agent']}, "
               f"{pd.Timestamp(row['date']):%Y-%m-%d}): "
               + (f"{steps} step{'s' if steps != 1 else ''} back to root #{chain[0]} "
                  f"{_kind_of(events, chain[0])}" if steps else "a root event (no cause)"))
    return heading + "\n\n" + format_table(_by_id(events, chain), width=width)


def format_forward(
    events: pd.DataFrame,
    event_id: int,
    *,
    max_depth: int = DEFAULT_MAX_DEPTH,
    max_events: int = DEFAULT_MAX_EVENTS,
    width: int = 100,
) -> str:
    """What ``event_id`` led to, as an indented tree with a heading and a truncation note."""
    graph = cause_graph(events)
    tree = consequences(graph, event_id, max_depth=max_depth, max_events=max_events)
    ids = [node for _, node in tree.rows]
    depths = [depth for depth, _ in tree.rows]
    heading = (f"what #{event_id} {_kind_of(events, event_id)} led to: "
               f"{tree.total - 1} later event{'s' if tree.total != 2 else ''}")
    table = format_table(_by_id(events, ids), width=width, depths=depths)
    note = ""
    if tree.truncated:
        note = (f"\n... {tree.total - len(ids)} more not shown "
                f"(raise --depth {max_depth} or --max-events {max_events})")
    return heading + "\n\n" + table + note


def _kind_of(events: pd.DataFrame, event_id: int) -> str:
    return str(events.loc[events["id"] == event_id, "kind"].iloc[0])
