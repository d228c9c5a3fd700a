"""The experiment commands as a user types them: results printed, mistakes caught first."""

from pathlib import Path

import pandas as pd
import pytest

from neocloud_abm.cli import build_parser, main

UNTIL = "2025-11-30"
FAST = ["--until", UNTIL, "--workers", "1", "--no-report"]

MISTAKES = {  # argv after the command's name -> (option named, words of the expectation)
    "reps": (["mc", "iren", "--reps", "0"], "--reps", ">= 1"),
    "workers": (["mc", "iren", "--workers", "0"], "--workers", ">= 1"),
    "dask": (["mc", "iren", "--dask", "somewhere:8786"], "--dask", "tcp://"),
    "scenario": (["mc", "iren", "--scenario", "power_cruch"], "power_cruch", "bundled scenario"),
    "set_table": (["mc", "iren", "--set", "iren.nope.x=1"], "--set", "no table"),
    "set_value": (["mc", "iren", "--set", "iren.pue=0.5"], "--set", "in [1, 3]"),
    "until": (["mc", "iren", "--until", "2020-01-01"], "--until", "after the world's start"),
    "world": (["mc", "nowhere.toml"], "nowhere.toml", "not found"),
    "vary_order": (["sweep", "iren", "--vary", "iren.pue=1.4:1.1"], "--vary", "LO < HI"),
    "vary_range": (["sweep", "iren", "--vary", "iren.pue=0.5:1.2:2"], "--vary",
                   "within [1, 3] (the valid range of neoclouds.iren.pue), got 0.5:1.2"),
    "vary_range_top": (["sensitivity", "iren", "--method", "morris", "--vary",
                        "bitcoin.price_vol_annual=0.3:8", "--outcome", "iren.cash_usd@end"],
                       "--vary", "within [0, 5]"),
    "vary_key": (["sweep", "iren", "--vary", "iren.nosuch=1:2"], "--vary", "unknown key"),
    "vary_levels": (["sweep", "iren", "--design", "lhs", "--vary", "iren.pue=1.1:1.3:3"],
                    "--vary", "--samples"),
    "no_arms": (["compare", "iren"], "compare", "expected arms"),
    "arm_syntax": (["compare", "iren", "--arm", "lease"], "--arm", "NAME:KEY=VALUE"),
    "arm_value": (["compare", "iren", "--arm", "x:iren.business_model=cloud"], "--arm x",
                  "expected one of"),
    "confidence": (["compare", "iren", "--business-models", "--confidence", "95"],
                   "--confidence", "[0.5, 1)"),
    "outcome": (["sensitivity", "iren", "--vary", "iren.pue=1.1:1.3", "--outcome",
                 "iren.cash@end"], "--outcome", "did you mean iren.cash_usd"),
    "samples_zero": (["sweep", "iren", "--design", "lhs", "--samples", "0", "--vary",
                      "iren.pue=1.1:1.3"], "--samples", ">= 1"),
    "samples": (["sensitivity", "iren", "--vary", "iren.pue=1.1:1.3", "--outcome",
                 "iren.cash_usd@end", "--samples", "12"], "--samples", "power of two"),
    "method_vary": (["sensitivity", "iren", "--vary", "iren.business_model=a,b", "--outcome",
                     "iren.cash_usd@end"], "--vary", "needs --design grid"),
}


@pytest.mark.parametrize("case", sorted(MISTAKES))
def test_mistakes_exit_2_with_one_line_before_any_run(case: str, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    argv, option, expected = MISTAKES[case]
    out = tmp_path / "out"
    assert main([*argv, "--out", str(out)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("abm: error: ") and option in lines[0] and expected in lines[0]
    assert not out.exists()


def test_every_experiment_command_is_registered() -> None:
    text = build_parser().format_help()
    for name in ("mc", "sweep", "compare", "sensitivity", "report"):
        assert name in text
    with pytest.raises(SystemExit) as info:
        main(["sensitivity", "iren", "--vary", "iren.pue=1.1:1.3"])  # --outcome is required
    assert info.value.code == 2


def test_mc_prints_iren_and_its_milestones(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "mc"
    assert main(["mc", "iren", "--reps", "3", "--seed", "7", *FAST, "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "mc iren: 3 runs (3 reps), seeds 7-9" in text and "IREN over 3 runs" in text
    assert "AI run-rate ARR >= $1B" in text and f"experiment folder: {out}" in text
    assert list(pd.read_parquet(out / "summary.parquet")["seed"]) == [7, 8, 9]
    assert main(["mc", "iren", "--reps", "3", "--seed", "7", *FAST, "--out", str(out)]) == 0
    assert "3 already done, resuming" in capsys.readouterr().out


def test_a_big_experiment_on_the_plain_build_points_to_the_compiled_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from neocloud_abm.commands import experiments as commands

    out = [*FAST, "--out", str(tmp_path / "mc")]
    monkeypatch.setattr(commands, "BIG_EXPERIMENT_RUNS", 3)
    assert main(["mc", "iren", "--reps", "2", *out]) == 0
    assert commands.PLAIN_BUILD_NOTE not in capsys.readouterr().out  # small: no note
    assert main(["mc", "iren", "--reps", "3", *out]) == 0  # resumes: runs only one more
    assert commands.PLAIN_BUILD_NOTE not in capsys.readouterr().out
    assert main(["mc", "iren", "--reps", "3", *FAST, "--out", str(tmp_path / "big")]) == 0
    assert commands.PLAIN_BUILD_NOTE in capsys.readouterr().out  # the checkout runs plain


def test_sweep_grid_and_lhs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    grid = tmp_path / "grid"
    assert main(["sweep", "iren", "--vary", "bitcoin.price_vol_annual=0.3:0.6:2", "--vary",
                 "iren.business_model=integrated_cloud,lease_host", *FAST,
                 "--out", str(grid)]) == 0
    text = capsys.readouterr().out
    assert "sweep iren: 4 runs (4 points x 1 reps)" in text and "4 design points" in text
    design = pd.read_parquet(grid / "design.parquet")
    assert list(design["set.bitcoin.price_vol_annual"]) == [0.3, 0.3, 0.6, 0.6]
    assert list(design["set.iren.business_model"]) == ["integrated_cloud", "lease_host"] * 2
    lhs = tmp_path / "lhs"
    assert main(["sweep", "iren", "--design", "lhs", "--samples", "3", "--vary",
                 "bitcoin.price_vol_annual=0.3:0.6", "--reps", "2", *FAST,
                 "--out", str(lhs)]) == 0
    summary = pd.read_parquet(lhs / "summary.parquet")
    assert len(summary) == 6 and summary["set.bitcoin.price_vol_annual"].nunique() == 3
    assert summary.groupby("point")["seed"].apply(list).tolist() == [[0, 1]] * 3


def test_compare_scenarios_and_sensitivity_sobol(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cmp"
    assert main(["compare", "iren", "--scenario", "btc_bear", "--scenario", "halls_slip",
                 "--reps", "2", "--outcome", "btc.price_usd@end", *FAST,
                 "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "compare iren: 4 runs (2 points x 2 reps)" in text
    assert "btc_bear" in text and "halls_slip - btc_bear" in text
    table = pd.read_parquet(out / "compare.parquet")
    assert list(table["arm"]) == ["btc_bear", "halls_slip"]
    sens = tmp_path / "sens"
    assert main(["sensitivity", "iren", "--vary", "bitcoin.price_vol_annual=0.3:0.8",
                 "--vary", "bitcoin.price_drift_annual=-0.3:0.3", "--samples", "2",
                 "--outcome", "btc.price_usd@2025-11-30", *FAST, "--out", str(sens)]) == 0
    text = capsys.readouterr().out
    assert "sensitivity iren: 8 runs" in text and "sobol indices" in text
    indices = pd.read_parquet(sens / "sensitivity.parquet")
    assert set(indices["parameter"]) == {"bitcoin.price_vol_annual",
                                         "bitcoin.price_drift_annual"}
    assert {"S1", "S1_conf", "ST", "ST_conf"} <= set(indices.columns)
