"""Outcomes: METRIC@WHEN parsing and the values read from summaries and shards."""

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from abm.config import ConfigError
from experiments.analysis.outcomes import Outcome, outcome_values, parse_outcome
from experiments.many.aggregate import aggregate
from experiments.many.shards import list_shards, read_path, write_shard
from experiments.many.specs import RunSpec, run_id

METRICS = ["iren.cash_usd", "iren.ai_run_rate_arr_usd", "btc.price_usd"]
START, END = dt.date(2025, 11, 6), dt.date(2026, 6, 30)


def parse(text: str) -> Outcome:
    return parse_outcome(text, METRICS, START, END)


def test_outcome_forms() -> None:
    assert parse("iren.cash_usd@end").column == "iren.cash_usd@end"
    assert parse("iren.cash_usd@min").when == "min"
    at = parse("iren.cash_usd@2026-03-31")
    assert at.when == "at" and at.date == dt.date(2026, 3, 31) and at.column == ""
    assert parse("iren.ai_arr_1b@date").when == "date"
    assert parse("events.capital.gap").when == "count"


@pytest.mark.parametrize(("text", "expected"), [
    ("iren.cash_usd", "expected METRIC@YYYY-MM-DD"),
    ("iren.cahs_usd@end", "unknown metric 'iren.cahs_usd'"),
    ("iren.cash@end", "did you mean iren.cash_usd"),
    ("iren.cash_usd@2026-13-01", "@YYYY-MM-DD"),
    ("iren.cash_usd@2031-01-01", "from 2025-11-06 to 2026-06-30"),
    ("iren.cash_usd@median", "expected @end, @min, @max"),
    ("iren.moon@date", "expected a milestone"),
])
def test_bad_outcomes_say_what_was_expected(text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse(text)
    assert info.value.source == "--outcome" and expected in str(info.value)


def test_values_come_from_the_summary_and_the_shards(tmp_path: Path) -> None:
    dates = pd.date_range("2025-11-30", periods=4, freq="ME", name="date").as_unit("ns")
    rng = np.random.default_rng(2)
    specs = []
    for rep in range(5):
        spec = RunSpec(run_id=run_id(0, rep), point=0, rep=rep, arm="base", world="iren",
                       seed=rep, until=None, scenarios=(), overrides=())
        path = pd.DataFrame(rng.uniform(0, 2e9, size=(4, 3)), index=dates, columns=METRICS)
        write_shard(tmp_path, spec, path, {"contract.signed": rep})
        specs.append(spec)
    shards = list_shards(tmp_path)
    summary = aggregate(specs, shards).summary
    outcomes = [parse(t) for t in ("iren.cash_usd@end", "iren.cash_usd@2026-01-31",
                                   "iren.cash_usd@2026-01-15", "iren.cash_usd@2025-11-20",
                                   "iren.ai_arr_1b@date", "events.contract.signed",
                                   "events.no_such.kind")]
    values = outcome_values(outcomes, summary, shards, START)
    assert list(values.columns) == [o.text for o in outcomes]
    np.testing.assert_array_equal(values["iren.cash_usd@end"], summary["iren.cash_usd@end"])
    first = read_path(shards[summary.loc[0, "run_id"]])
    assert values.loc[0, "iren.cash_usd@2026-01-31"] == first.loc["2026-01-31", "iren.cash_usd"]
    assert values.loc[0, "iren.cash_usd@2026-01-15"] == first.loc["2025-12-31", "iren.cash_usd"]
    assert values["iren.cash_usd@2025-11-20"].isna().all()  # before the first month end
    hit = pd.to_datetime(summary["iren.ai_arr_1b@date"])
    years = (hit - pd.Timestamp(START)).dt.days / 365.25
    np.testing.assert_allclose(values["iren.ai_arr_1b@date"], years)
    assert list(values["events.contract.signed"]) == [0, 1, 2, 3, 4]
    assert (values["events.no_such.kind"] == 0).all()
