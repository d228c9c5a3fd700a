"""Comparisons: arms, common random numbers, paired differences with t intervals."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from abm.config import ConfigError
from experiments.analysis.comparison import arm_points, business_model_arms, paired_table, parse_arm
from experiments.api import compare
from worlds.catalog import load_world

UNTIL = "2025-11-30"


def test_paired_differences_and_t_intervals() -> None:
    rng = np.random.default_rng(0)
    base = rng.normal(100.0, 10.0, 12)
    shift = rng.normal(5.0, 1.0, 12)
    values = pd.DataFrame({"x": np.concatenate([base, base + shift])})
    keys = pd.DataFrame({"arm": ["a"] * 12 + ["b"] * 12, "rep": list(range(12)) * 2})
    table = paired_table(values, ["a", "b"], keys, confidence=0.9)
    a, b = table.iloc[0], table.iloc[1]
    assert a["arm"] == "a" and a["diff_n"] == 0 and np.isnan(a["diff_mean"])
    assert a["mean"] == pytest.approx(base.mean()) and a["p50"] == pytest.approx(np.median(base))
    half = stats.t.ppf(0.95, 11) * shift.std(ddof=1) / np.sqrt(12)
    assert b["diff_n"] == 12 and b["diff_mean"] == pytest.approx(shift.mean())
    assert b["diff_lo"] == pytest.approx(shift.mean() - half)
    assert b["diff_hi"] == pytest.approx(shift.mean() + half)
    assert b["share_higher"] == 1.0
    # pairing matters: the unpaired spread of b is far wider than the paired interval
    assert b["sd"] > 5 * (b["diff_hi"] - b["diff_lo"])


def test_missing_values_drop_their_pairs_only() -> None:
    values = pd.DataFrame({"x": [1.0, np.nan, 3.0, 2.0, 5.0, 7.0]})
    keys = pd.DataFrame({"arm": ["a"] * 3 + ["b"] * 3, "rep": [0, 1, 2] * 2})
    row = paired_table(values, ["a", "b"], keys).iloc[1]
    assert row["n"] == 3 and row["diff_n"] == 2 and row["diff_mean"] == pytest.approx(2.5)


def test_arms_from_scenarios_overrides_and_the_ready_experiment() -> None:
    assert business_model_arms("iren") == {
        "integrated_cloud": (("iren.business_model", "integrated_cloud"),),
        "lease_host": (("iren.business_model", "lease_host"),)}
    points = arm_points(["btc_bear"], {})
    assert [p.arm for p in points] == ["base", "btc_bear"]  # one arm: compared with the world
    assert parse_arm("lease:iren.business_model=lease_host") == (
        "lease", ("iren.business_model", "lease_host"))
    with pytest.raises(ConfigError, match="NAME:KEY=VALUE"):
        parse_arm("iren.pue=1.3")
    with pytest.raises(ConfigError, match="expected arms"):
        arm_points([], {})
    with pytest.raises(ConfigError, match="two arms"):
        arm_points(["btc_bear"], {"btc_bear": (("iren.pue", 1.3),)})


def test_compare_runs_every_arm_on_the_same_seeds(tmp_path: Path) -> None:
    spec, _path = load_world("iren")
    same_pue = spec.neoclouds["iren"].pue
    arms = {"base": {}, "same": {"iren.pue": same_pue}, **business_model_arms("iren")}
    result = compare("iren", arms, scenario_arms=["btc_bear"], reps=2, until=UNTIL,
                     out=tmp_path / "cmp", workers=1,
                     outcomes=["iren.cash_usd@end", "btc.price_usd@2025-11-30",
                               "iren.ai_arr_1b@date", "events.contract.signed"])
    summary = result.summary
    assert result.ok and list(dict.fromkeys(summary["arm"])) == [
        "btc_bear", "base", "same", "integrated_cloud", "lease_host"]
    for rep in range(2):
        assert set(summary.loc[summary["rep"] == rep, "seed"]) == {rep}
    table = result.comparison
    assert table is not None and set(table["arm"]) == set(summary["arm"])
    assert len(table) == 4 * 5
    # identical parameters and the same seeds: identical runs, metric for metric
    values = [c for c in summary.columns if "@" in c or c.startswith("events.")]
    same = summary.loc[summary["arm"] == "same", values].reset_index(drop=True)
    base = summary.loc[summary["arm"] == "base", values].reset_index(drop=True)
    pd.testing.assert_frame_equal(same, base, check_exact=True)
    rows = table.set_index(["arm", "outcome"])
    pd.testing.assert_frame_equal(rows.loc["same"], rows.loc["base"], check_exact=True)
    btc = table[table["outcome"] == "btc.price_usd@2025-11-30"].set_index("arm")
    assert btc.loc["btc_bear", "diff_n"] == 0 and btc.loc["base", "diff_mean"] > 0
    report = (result.folder / "report.html").read_text()
    assert "Comparison" in report and "common random numbers" in report
    assert (result.folder / "compare.parquet").exists()
    assert (result.folder / "plots" / "arms.png").exists()
