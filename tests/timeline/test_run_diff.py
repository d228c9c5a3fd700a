"""``abm diff``: no divergence against itself, the right first divergence across seeds."""

from pathlib import Path

import numpy as np
import pandas as pd

from abm.result import RunResult
from experiments.one_run.diff import end_metrics, first_divergence, format_diff, kind_counts

BASE = ["kind", "agent"]


def _same(a: pd.Series, b: pd.Series) -> bool:
    if a["kind"] != b["kind"] or a["agent"] != b["agent"]:
        return False
    if a["date"].normalize() != b["date"].normalize():
        return False
    for name in set(a.index) | set(b.index):
        if name in ("id", "t_days", "date", "agent", "kind", "cause"):
            continue
        x, y = a.get(name), b.get(name)
        if pd.isna(x) and pd.isna(y):
            continue
        if pd.isna(x) or pd.isna(y):
            return False
        if isinstance(x, float | int | np.number) and not isinstance(x, bool):
            if not np.isclose(float(x), float(y), rtol=1e-9, atol=0):
                return False
        elif str(x) != str(y):
            return False
    return True


def test_a_run_against_itself_has_no_differences(run0: RunResult) -> None:
    assert first_divergence(run0.events, run0.events.copy()) is None
    counts = kind_counts(run0.events, run0.events)
    assert (counts["B-A"] == 0).all() and counts.loc["(all kinds)", "A"] == len(run0.events)
    ends = end_metrics(run0.path, run0.path, "iren")
    assert len(ends) >= 8 and (ends["B-A"] == 0).all()
    assert "timelines identical" in format_diff(run0, run0, "a", "b")


def test_seed_0_and_1_part_at_the_first_differing_event(run_dirs: dict[int, Path]) -> None:
    a = pd.read_parquet(run_dirs[0] / "events.parquet")
    b = pd.read_parquet(run_dirs[1] / "events.parquet")
    div = first_divergence(a, b)
    assert div is not None
    p = div.position
    assert all(_same(a.iloc[i], b.iloc[i]) for i in range(p))
    assert div.event_a is not None and div.event_b is not None
    assert not _same(a.iloc[p], b.iloc[p])
    assert int(div.event_a["id"]) == p == int(div.event_b["id"])


def test_end_metrics_and_counts_differ_across_seeds(run_dirs: dict[int, Path]) -> None:
    a, b = RunResult.load(run_dirs[0]), RunResult.load(run_dirs[1])
    ends = end_metrics(a.path, b.path, "iren")
    cash = "iren.cash_usd"
    assert ends.loc[cash, "B-A"] == b.path[cash].iloc[-1] - a.path[cash].iloc[-1]
    text = format_diff(a, b, "seed0", "seed1")
    assert "first divergence at event #" in text and "seed: A=0  B=1" in text


def test_a_prefix_run_diverges_where_it_ends(run0: RunResult) -> None:
    short = run0.events.iloc[:20]
    div = first_divergence(short, run0.events)
    assert div is not None and div.position == 20 and div.fields == ("length",)
    assert div.event_a is None and div.event_b is not None and int(div.event_b["id"]) == 20
    counts = kind_counts(short, run0.events)
    assert counts.loc["(all kinds)", "B-A"] == len(run0.events) - 20


def test_one_changed_figure_is_found(run0: RunResult) -> None:
    changed = run0.events.copy()
    target = int(changed["amount_usd"].first_valid_index())
    changed.loc[target, "amount_usd"] *= 1.01
    div = first_divergence(run0.events, changed)
    assert div is not None and div.position == target and div.fields == ("amount_usd",)
    tiny = run0.events.copy()
    tiny.loc[target, "amount_usd"] *= 1 + 1e-12
    assert first_divergence(run0.events, tiny) is None


def test_a_moved_date_is_a_divergence_but_a_moved_hour_is_not(run0: RunResult) -> None:
    target = len(run0.events) // 2
    moved = run0.events.copy()
    moved.loc[target, "date"] += pd.Timedelta(days=2)
    div = first_divergence(run0.events, moved)
    assert div is not None and div.position == target and div.fields == ("date",)
    later = run0.events.copy()
    later.loc[target, "t_days"] += 0.01
    assert first_divergence(run0.events, later) is None
