"""Scores against closed forms: CRPS of a normal sample against the normal CRPS formula and
of any sample against its defining integral, PIT against the normal CDF and uniform on
calibrated forecasts, and values outside every run's range counted as outside."""

import math

import numpy as np
import pytest

from experiments.analysis.scorecard import score_summary, score_table
from experiments.analysis.scoring import (
    band,
    crps_ensemble,
    normal_crps,
    pit,
    pit_histogram,
    score_columns,
)


def normal_cdf(z: float) -> float:
    return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))


@pytest.mark.parametrize("value", [-2.5, -0.7, 0.0, 0.3, 1.9, 4.0])
def test_crps_of_a_normal_sample_matches_the_closed_form(value: float) -> None:
    rng = np.random.default_rng(7)
    sample = rng.normal(10.0, 3.0, size=40_000)
    exact = normal_crps(10.0, 3.0, 10.0 + 3.0 * value)
    assert crps_ensemble(sample, 10.0 + 3.0 * value) == pytest.approx(exact, rel=0.02, abs=0.01)


def test_crps_is_the_integral_of_the_squared_cdf_difference() -> None:
    rng = np.random.default_rng(3)
    sample = rng.lognormal(0.0, 0.8, size=37)
    value = 1.3
    grid = np.linspace(sample.min() - 2, sample.max() + 2, 400_001)
    cdf = np.searchsorted(np.sort(sample), grid, side="right") / sample.size
    integral = float(np.sum((cdf - (grid >= value)) ** 2) * (grid[1] - grid[0]))
    assert crps_ensemble(sample, value) == pytest.approx(integral, rel=1e-3)


def test_crps_of_one_run_is_the_absolute_error_and_nan_runs_are_ignored() -> None:
    assert crps_ensemble(np.array([4.0]), 1.5) == pytest.approx(2.5)
    assert crps_ensemble(np.array([4.0, np.nan]), 1.5) == pytest.approx(2.5)
    assert math.isnan(crps_ensemble(np.array([np.nan]), 1.5))
    # two runs a and b around y: E|X-y| - |a-b|/4
    assert crps_ensemble(np.array([0.0, 2.0]), 0.5) == pytest.approx(1.0 - 0.5)


@pytest.mark.parametrize("value", [-1.5, 0.0, 0.8])
def test_pit_of_a_normal_sample_is_the_normal_cdf(value: float) -> None:
    sample = np.random.default_rng(11).normal(size=40_000)
    assert pit(sample, value) == pytest.approx(normal_cdf(value), abs=0.01)


def test_pit_of_calibrated_forecasts_is_uniform() -> None:
    rng = np.random.default_rng(5)
    runs = rng.normal(size=(400, 2_000))  # 2,000 forecasts of 400 runs each
    truth = rng.normal(size=2_000)  # drawn from the same distribution as the runs
    scores = score_columns(runs, truth)
    counts = pit_histogram(scores["pit"], 10)
    assert counts.sum() == 2_000 and counts.min() > 150 and counts.max() < 250
    assert scores["inside"].mean() == pytest.approx(0.90, abs=0.025)


def test_a_value_outside_every_run_has_pit_0_or_1_and_is_outside() -> None:
    runs = np.array([[1.0, 1.0, 5.0], [2.0, 2.0, 5.0], [3.0, 3.0, 5.0]])
    scores = score_columns(runs, np.array([0.5, 3.5, 5.0]))
    assert list(scores["pit"]) == [0.0, 1.0, 0.5]  # ties count half
    assert list(scores["inside"]) == [False, False, True]
    assert list(scores["runs"]) == [3, 3, 3]
    assert scores["crps"][0] == pytest.approx(crps_ensemble(runs[:, 0], 0.5))
    assert band(runs[:, 0]) == (pytest.approx(1.1), 2.0, pytest.approx(2.9))


def test_an_observation_no_run_reached_scores_nan_and_counts_outside() -> None:
    runs = np.array([[np.nan, 1.0], [np.nan, 2.0]])
    scores = score_columns(runs, np.array([1.0, 1.5]))
    assert scores["runs"][0] == 0 and math.isnan(scores["pit"][0])
    assert not scores["inside"][0] and scores["inside"][1]


def test_the_summary_counts_coverage_and_the_median_against_consensus() -> None:
    from experiments.analysis.observations import Observation

    obs = [Observation("observation 1", "iren.cash_usd", 10.0, "t", consensus=20.0),
           Observation("observation 2", "iren.cash_usd", 10.0, "t", consensus=10.5),
           Observation("observation 3", "btc.price_usd", 100.0, "t")]
    runs = np.column_stack([np.linspace(9, 13, 50), np.linspace(9, 13, 50),
                            np.linspace(150, 160, 50)])
    table = score_table(obs, runs)
    assert list(table["inside"]) == [True, True, False]
    assert list(table["median_beats_consensus"].iloc[:2]) == [1.0, 0.0]
    assert math.isnan(table["median_beats_consensus"].iloc[2])
    assert table["median_error"].iloc[0] == pytest.approx(1.0)
    summary = score_summary(table, runs=50).iloc[0]
    assert summary["coverage_90"] == pytest.approx(2 / 3)
    assert summary["with_consensus"] == 2 and summary["median_beats_consensus"] == 0.5
    assert summary["pit_0"] == 1 and summary["mean_crps_rel"] == pytest.approx(
        table["crps_rel"].mean())
