"""``abm score`` and ``score()``: the runs' values of each observation read right from the
shards, identical scores for one and two workers and after kill -9 and resume, ``--against``
and the report's section."""

import re
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments.analysis.scorecard import SCORES, SUMMARY
from experiments.api import score
from experiments.many.result import ExperimentResult
from experiments.many.shards import read_path
from neocloud_abm.cli import main

WORLD = "hindcast_2025_07"
OBSERVATIONS = Path(__file__).resolve().parents[2] / "worlds" / "observations" / f"{WORLD}.toml"
REPS = 6


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> tuple[ExperimentResult,
                                                             ExperimentResult]:
    """The hindcast scored on six seeds in process (with its report) and on two workers."""
    root = tmp_path_factory.mktemp("score")
    inline = score(WORLD, OBSERVATIONS, reps=REPS, out=root / "inline", workers=1)
    pooled = score(WORLD, OBSERVATIONS, reps=REPS, out=root / "pool", workers=2, report=False)
    return inline, pooled


def test_scores_are_identical_for_one_and_two_workers(
        scored: tuple[ExperimentResult, ExperimentResult]) -> None:
    inline, pooled = scored
    assert inline.ok and pooled.ok and inline.scores is not None
    for name in (SCORES, SUMMARY):
        pd.testing.assert_frame_equal(pd.read_parquet(inline.folder / name),
                                      pd.read_parquet(pooled.folder / name), check_exact=True)
    pd.testing.assert_frame_equal(inline.scores, pd.read_parquet(inline.folder / SCORES))


def test_each_observation_reads_the_runs_paths(
        scored: tuple[ExperimentResult, ExperimentResult]) -> None:
    result = scored[0]
    assert result.scores is not None
    paths = [read_path(p) for p in sorted((result.folder / "shards").glob("*.parquet"))]
    table = result.scores.set_index("observation")
    cash = np.array([p.loc["2025-09-30", "iren.cash_usd"] for p in paths])
    row = table.loc["IREN cash, 30 Sep"]
    assert row["p50"] == pytest.approx(np.quantile(cash, 0.5))
    assert row["pit"] == pytest.approx(np.mean(cash < 1.03e9) + 0.5 * np.mean(cash == 1.03e9))
    revenue = np.array([p.loc["2025-07-31":"2025-09-30", "iren.revenue_usd"].sum()
                        for p in paths])
    row = table.loc["IREN Q1 FY26 revenue"]
    assert (row["p5"], row["p95"]) == (pytest.approx(np.quantile(revenue, 0.05)),
                                       pytest.approx(np.quantile(revenue, 0.95)))
    assert row["inside"] == bool(row["p5"] <= 240.3e6 <= row["p95"])
    assert (table["runs"] == REPS).all() and len(table) >= 30


def test_the_report_has_the_scores_with_their_pictures(
        scored: tuple[ExperimentResult, ExperimentResult]) -> None:
    folder = scored[0].folder
    page = (folder / "report.html").read_text(encoding="utf-8")
    assert "Scores against what happened" in page and "90%-band coverage" in page
    assert "IREN Q1 FY26 AI cloud revenue" in page
    for name in ("score_fans.png", "score_pit.png"):
        assert (folder / "plots" / name).read_bytes().startswith(b"\x89PNG")
    assert len(re.findall(r'src="data:image/png;base64,', page)) >= 3


def test_abm_score_prints_the_scorecard_and_the_changes_against_another(
        scored: tuple[ExperimentResult, ExperimentResult], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "again"
    argv = ["score", WORLD, "--observations", str(OBSERVATIONS), "--reps", "3", "--workers",
            "1", "--no-report", "--out", str(out), "--against", str(scored[0].folder)]
    assert main(argv) == 0
    text = capsys.readouterr().out
    assert "score hindcast_2025_07: 3 runs (3 reps), seeds 0-2, 2025-07-01 to 2025-11-30" in text
    assert "IREN Q1 FY26 revenue" in text and "90%-band coverage" in text
    assert f"against {scored[0].folder}" in text and "90%-band coverage" in text
    assert "scored in" in text and (out / SCORES).exists()


def test_a_score_plan_needs_observations(tmp_path: Path) -> None:
    from abm.config import ConfigError
    from experiments.many.plans import monte_carlo_plan, score_plan
    from experiments.runner import execute

    with pytest.raises(ConfigError, match="--observations"):
        execute(score_plan(WORLD, 2), out=tmp_path / "a")
    with pytest.raises(ConfigError, match="--observations"):
        execute(monte_carlo_plan(WORLD, 2), out=tmp_path / "b", observations=OBSERVATIONS)


def command(out: Path, reps: int) -> list[str]:
    return [sys.executable, "-m", "neocloud_abm.cli", "score", WORLD, "--observations",
            str(OBSERVATIONS), "--reps", str(reps), "--workers", "2", "--no-report", "--quiet",
            "--out", str(out)]


def test_a_killed_score_resumes_to_identical_scores(
        tmp_path: Path, reps_for: Callable[[float], int],
        stop_mid_run: Callable[..., tuple[int, str, str]]) -> None:
    reps = reps_for(1.0)  # a hindcast run is a few times a one-month run: seconds of work
    killed = tmp_path / "killed"
    status, _out, _err = stop_mid_run(command(killed, reps), killed, signal.SIGKILL)
    assert status == -signal.SIGKILL and not (killed / SCORES).exists()
    again = subprocess.run(command(killed, reps), capture_output=True, text=True, timeout=180)
    assert again.returncode == 0, again.stderr
    whole = score(WORLD, OBSERVATIONS, reps=reps, out=tmp_path / "whole", workers=2,
                  report=False)
    for name in (SCORES, SUMMARY):
        pd.testing.assert_frame_equal(pd.read_parquet(whole.folder / name),
                                      pd.read_parquet(killed / name), check_exact=True)


def test_a_corrected_observation_rescores_the_same_runs(
        scored: tuple[ExperimentResult, ExperimentResult], tmp_path: Path) -> None:
    import shutil

    from experiments.many.validate import NOT_CODE, code_sha

    folder = tmp_path / "copy"
    shutil.copytree(scored[1].folder, folder)
    corrected = tmp_path / "corrected.toml"
    corrected.write_text(OBSERVATIONS.read_text().replace("value = 240.3e6", "value = 1.0e6"))
    again = score(WORLD, corrected, reps=REPS, out=folder, workers=1, report=False)
    assert again.stats.ran == 0 and again.stats.skipped == REPS  # no run made again
    assert again.scores is not None and scored[1].scores is not None
    row = again.scores.set_index("observation").loc["IREN Q1 FY26 revenue"]
    assert row["value"] == 1.0e6 and row["pit"] == 0.0 and not row["inside"]
    assert OBSERVATIONS.parent.relative_to(OBSERVATIONS.parents[2]).as_posix() in NOT_CODE
    assert code_sha()  # observations are not hashed as model code: editing them resumes
