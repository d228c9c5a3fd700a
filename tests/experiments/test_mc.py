"""Monte Carlo end to end: folder contents, identical results for any worker count,
resume skipping finished runs, failed runs recorded, reported and retried."""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import worlds.run
from experiments.api import monte_carlo
from experiments.many.result import ExperimentResult
from neocloud_abm.cli import main

UNTIL, REPS = "2025-11-30", 6


def test_folder_holds_design_shards_summary_bands_plots_report(small_mc: ExperimentResult) -> None:
    folder = small_mc.folder
    manifest = json.loads((folder / "experiment.json").read_text())
    assert manifest["kind"] == "mc" and manifest["runs"] == REPS
    assert manifest["design"]["until"] == UNTIL and manifest["versions"]["numpy"]
    assert set(manifest["design"]["inputs"]) == {"code", "world:iren"}
    assert len(list((folder / "shards").glob("*.parquet"))) == REPS
    for name in ("summary.parquet", "bands.parquet", "report.html", "plots/fan_iren.png"):
        assert (folder / name).stat().st_size > 0, name
    summary = small_mc.summary
    assert len(summary) == REPS and (summary["status"] == "ok").all()
    assert list(summary["seed"]) == list(range(REPS))
    assert {"iren.cash_usd@end", "iren.cash_usd@min", "iren.cash_usd@max",
            "iren.ai_arr_1b@date", "events.total"} <= set(summary.columns)
    assert (summary["events.total"] > 0).all()
    bands = small_mc.bands
    assert {"p5", "p25", "p50", "p75", "p95", "mean", "n"} <= set(bands.columns)
    cash = bands[bands["metric"] == "iren.cash_usd"]
    assert cash["date"].max() == pd.Timestamp(UNTIL) and (cash["n"] == REPS).all()
    assert (cash["p5"] <= cash["p50"]).all() and (cash["p50"] <= cash["p95"]).all()
    assert small_mc.ok and small_mc.stats.ran == REPS


def test_process_pool_gives_identical_results(
        small_mc: ExperimentResult, pooled_mc: ExperimentResult,
        assert_same_results: Callable[[Path, Path], None]) -> None:
    assert small_mc.stats.executor == "1 worker (in process)"
    assert pooled_mc.stats.executor == "2 local worker processes"
    assert_same_results(small_mc.folder, pooled_mc.folder)


def test_resume_skips_finished_runs_and_more_reps_extend(tmp_path: Path) -> None:
    out = tmp_path / "resume"
    whole = monte_carlo("iren", reps=REPS, until=UNTIL, out=out, workers=1, report=False)
    for shard in sorted((out / "shards").glob("*.parquet"))[1::2]:
        shard.unlink()
    (out / "summary.parquet").unlink()
    resumed = monte_carlo("iren", reps=REPS, until=UNTIL, out=out, workers=1, report=False)
    assert resumed.stats.skipped == REPS // 2 and resumed.stats.ran == REPS - REPS // 2
    pd.testing.assert_frame_equal(resumed.summary, whole.summary, check_exact=True)
    pd.testing.assert_frame_equal(resumed.bands, whole.bands, check_exact=True)
    more = monte_carlo("iren", reps=REPS + 2, until=UNTIL, out=out, workers=1, report=False)
    assert more.stats.skipped == REPS and more.stats.ran == 2
    pd.testing.assert_frame_equal(more.summary.head(REPS), whole.summary, check_exact=True)


def _flaky(bad_seed: int) -> Callable[..., Any]:
    real = worlds.run.simulate

    def simulate(world: str, seed: int = 0, *args: Any, **kwargs: Any) -> Any:
        if seed == bad_seed:
            raise ZeroDivisionError(f"injected failure at seed {seed}")
        return real(world, seed, *args, **kwargs)

    return simulate


def test_a_failing_run_is_recorded_the_others_go_on_and_a_rerun_retries_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        assert_same_results: Callable[[Path, Path], None]) -> None:
    reference = monte_carlo("iren", reps=REPS, until=UNTIL, out=tmp_path / "ref", workers=1,
                            report=False)
    out = tmp_path / "flaky"
    args = ["mc", "iren", "--reps", str(REPS), "--until", UNTIL, "--workers", "1",
            "--out", str(out), "--quiet", "--no-report"]
    monkeypatch.setattr(worlds.run, "simulate", _flaky(bad_seed=3))
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "1 of 6 runs failed" in err and "p00000-r000003" in err and "seed 3" in err
    assert "ZeroDivisionError: injected failure at seed 3" in err and "rerun" in err
    record = json.loads((out / "failures" / "p00000-r000003.json").read_text())
    assert record["seed"] == 3 and record["overrides"] == [] and record["world"] == "iren"
    assert "Traceback" in record["traceback"] and "ZeroDivisionError" in record["traceback"]
    summary = pd.read_parquet(out / "summary.parquet")
    assert list(summary["status"]) == ["ok"] * 3 + ["failed"] + ["ok"] * 2
    assert summary.loc[3, "error"].startswith("ZeroDivisionError")
    assert len(list((out / "shards").glob("*.parquet"))) == 5

    monkeypatch.undo()
    assert main(args) == 0
    assert not (out / "failures" / "p00000-r000003.json").exists()
    assert_same_results(reference.folder, out)
