import datetime as dt
import itertools

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from abm.clock import Clock
from abm.events import EventLog

CLOCK = Clock(dt.date(2025, 11, 6))


def test_ids_increase_and_frame_has_the_columns() -> None:
    log = EventLog(CLOCK)
    a = log.append(0.0, "iren", "contract.signed", None, {"value_usd": 9.7e9})
    b = log.append(1.5, "microsoft", "contract.prepaid", a, {"amount_usd": 1.0})
    c = log.append(2.0, "iren", "gpu.shipped", b, {"gpus": 19000, "site": "childress"})
    assert (a, b, c) == (0, 1, 2)
    df = log.to_frame()
    assert list(df.columns[:6]) == ["id", "t_days", "date", "agent", "kind", "cause"]
    assert df["cause"].tolist()[1:] == [0, 1]
    assert pd.isna(df["cause"].iloc[0])
    assert df.loc[2, "gpus"] == 19000 and pd.isna(df.loc[0, "gpus"])
    assert df.loc[0, "value_usd"] == 9.7e9
    assert df.loc[2, "site"] == "childress"
    assert df.loc[1, "date"] == pd.Timestamp("2025-11-07")


def test_cause_must_be_an_earlier_event() -> None:
    log = EventLog(CLOCK)
    log.append(0.0, "a", "x.y")
    with pytest.raises(ValueError, match="cause"):
        log.append(0.0, "a", "x.z", cause=1)
    with pytest.raises(ValueError, match="cause"):
        log.append(0.0, "a", "x.z", cause=-3)


@settings(max_examples=30)
@given(st.lists(st.integers(min_value=0, max_value=50), min_size=1, max_size=60))
def test_chains_walk_back_to_a_root(choices: list[int]) -> None:
    log = EventLog(CLOCK)
    log.append(0.0, "a", "root.made")
    for i, choice in enumerate(choices, start=1):
        log.append(float(i), "a", "step.made", cause=choice % i)
    for event_id in range(len(log)):
        chain = log.chain(event_id)
        assert chain[0] == event_id and chain[-1] == 0
        assert all(x > y for x, y in itertools.pairwise(chain))
        assert log.get(chain[-1]).cause is None


def test_get_reads_back_sparse_data() -> None:
    log = EventLog(CLOCK)
    log.append(0.0, "a", "k.one", None, {"x": 1.0})
    log.append(0.0, "b", "k.two", 0, {"y": "z"})
    event = log.get(1)
    assert (event.agent, event.kind, event.cause, event.data) == ("b", "k.two", 0, {"y": "z"})


def test_disabled_log_keeps_ids_and_stores_nothing() -> None:
    log = EventLog(CLOCK, enabled=False)
    assert [log.append(0.0, "a", "k.x") for _ in range(3)] == [0, 1, 2]
    assert log.to_frame().empty
    with pytest.raises(RuntimeError, match="disabled"):
        log.chain(1)


@settings(max_examples=30)
@given(st.lists(st.sampled_from(["b.x", "a.y", "c.z", "a.x"]), max_size=40))
def test_kind_counts_are_the_frame_counted(kinds: list[str]) -> None:
    log = EventLog(CLOCK)
    for i, kind in enumerate(kinds):
        log.append(float(i), "agent", kind)
    frame_counts = log.to_frame()["kind"].astype(str).value_counts() if kinds else {}
    assert log.kind_counts() == {k: int(n) for k, n in sorted(dict(frame_counts).items())}
    assert list(log.kind_counts()) == sorted(set(kinds))
    assert EventLog(CLOCK, enabled=False).kind_counts() == {}
    kinds_only = EventLog(CLOCK, enabled="kinds")
    ids = [kinds_only.append(float(i), "agent", kind, None, {"x": 1.0})
           for i, kind in enumerate(kinds)]
    assert ids == list(range(len(kinds)))
    assert kinds_only.kind_counts() == log.kind_counts()
    assert list(kinds_only.kinds()) == kinds
    assert kinds_only.to_frame().empty


def test_a_run_logging_kinds_only_has_the_full_runs_path_and_counts() -> None:
    from worlds.run import simulate

    full, _, _ = simulate("iren", 2, "2027-12-31")
    kinds, _, _ = simulate("iren", 2, "2027-12-31", log_events="kinds")
    assert not kinds.log.enabled and kinds.log.kinds_only
    assert kinds.log.kind_counts() == full.log.kind_counts()
    assert len(kinds.log) == len(full.log)
    assert kinds.recorder.to_frame().equals(full.recorder.to_frame())
    with pytest.raises(RuntimeError, match="kinds only"):
        kinds.log.get(0)
