"""``abm why``: chains back to the root and trees forward, checked against the cause column."""

import itertools
from pathlib import Path

import pandas as pd
import pytest

from abm.config import ConfigError
from experiments.one_run.causes import (
    cause_graph,
    consequences,
    find_events,
    format_forward,
    format_why,
    parse_event_id,
    why_chain,
)


def _events(folder: Path) -> pd.DataFrame:
    return pd.read_parquet(folder / "events.parquet")


def cause_of_first(events: pd.DataFrame, line: str) -> int | None:
    """The cause of the event printed on a table line (its id is the second column)."""
    event_id = int(line.split()[1].lstrip("#"))
    return _cause_of(events)[event_id]


def _cause_of(events: pd.DataFrame) -> dict[int, int | None]:
    return {int(i): (None if pd.isna(c) else int(c))
            for i, c in zip(events["id"], events["cause"], strict=True)}


def test_first_revenue_traces_back_to_the_signed_contract(run_dirs: dict[int, Path]) -> None:
    events = _events(run_dirs[0])
    cause = _cause_of(events)
    kind = dict(zip(events["id"], events["kind"].astype(str), strict=True))
    graph = cause_graph(events)
    revenues = events.loc[events["kind"] == "contract.first_revenue", "id"].tolist()
    assert revenues
    for event_id in revenues:
        chain = why_chain(graph, int(event_id))
        assert chain[-1] == event_id and cause[chain[0]] is None
        for earlier, later in itertools.pairwise(chain):
            assert cause[later] == earlier
        signed = [i for i in chain if kind[i] == "contract.signed"]
        # the contract is signed once, and either is the root or answers a tender
        assert len(signed) == 1
        assert signed[0] == chain[0] or kind[chain[0]] == "tender.opened"


def test_why_prints_the_chain_root_first(run_dirs: dict[int, Path]) -> None:
    events = _events(run_dirs[0])
    issued = find_events(events, "equity.issued", "2026-05")
    assert issued and all(
        events.loc[events["id"] == i, "date"].iloc[0].strftime("%Y-%m") == "2026-05"
        for i in issued)
    # a raise asked by a GPU order (not every May issue is: lease hosts raise for halls)
    gpu_raises = [i for i in find_events(events, "equity.issued", None)
                  if "gpu.ordered" in format_why(events, i)]
    assert gpu_raises
    text = format_why(events, gpu_raises[0])
    body = text.splitlines()[4:]
    assert "capital.gap" in text and "gpu.ordered" in text
    assert cause_of_first(events, body[0]) is None
    rows = [line for line in body if line[:1].isdigit()]  # continuation lines are indented
    assert f"#{gpu_raises[0]}" in rows[-1]


def test_forward_contains_every_descendant(run_dirs: dict[int, Path]) -> None:
    events = _events(run_dirs[0])
    cause = _cause_of(events)
    signed = int(events.loc[events["kind"] == "contract.signed", "id"].iloc[0])
    descendants: set[int] = set()
    for event_id in sorted(cause):  # causes are earlier ids, so one pass closes the set
        if cause[event_id] == signed or cause[event_id] in descendants:
            descendants.add(event_id)
    orders = set(events.loc[(events["kind"] == "gpu.ordered") & (events["cause"] == signed), "id"])
    assert orders and orders <= descendants
    tree = consequences(cause_graph(events), signed, max_depth=100, max_events=10_000)
    assert {node for _, node in tree.rows} == descendants | {signed}
    assert not tree.truncated and tree.total == len(descendants) + 1
    depth = dict((node, d) for d, node in tree.rows)
    assert all(depth[o] == 1 for o in orders)
    text = format_forward(events, signed, max_depth=100, max_events=10_000)
    assert all(f"#{o} " in text for o in orders)


def test_forward_limits_depth_and_size(run_dirs: dict[int, Path]) -> None:
    events = _events(run_dirs[0])
    signed = int(events.loc[events["kind"] == "contract.signed", "id"].iloc[0])
    graph = cause_graph(events)
    shallow = consequences(graph, signed, max_depth=1, max_events=1000)
    assert max(d for d, _ in shallow.rows) == 1 and shallow.truncated
    small = consequences(graph, signed, max_depth=100, max_events=5)
    assert len(small.rows) == 5 and small.truncated
    assert "more not shown" in format_forward(events, signed, max_depth=1)


def test_unknown_event_ids_are_config_errors(run_dirs: dict[int, Path]) -> None:
    events = _events(run_dirs[0])
    assert parse_event_id("#3", events) == 3
    for bad in ("999999", "-1", "abc", "3.5"):
        with pytest.raises(ConfigError):
            parse_event_id(bad, events)


def test_rival_events_and_roots_on_a_synthetic_run(synthetic_dir: Path) -> None:
    events = _events(synthetic_dir)
    issued = find_events(events, "convert.issued", None)
    chain = why_chain(cause_graph(events), issued[0])
    kinds = events.set_index("id").loc[chain, "kind"].astype(str).tolist()
    assert kinds == ["tender.opened", "bid.submitted", "contract.awarded", "contract.signed",
                     "gpu.ordered", "capital.gap", "convert.issued"]
