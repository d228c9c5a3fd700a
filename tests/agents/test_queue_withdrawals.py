"""Queue withdrawals that grow with waiting time, and ERCOT's queue history as a backcast."""

from __future__ import annotations

import datetime as dt

import numpy as np

from agents.grid.background import withdraw_days
from worlds.run import run_world

MEAN_DAYS = 2190.0


def test_a_shape_above_one_keeps_the_mean_and_makes_leaving_likelier_with_time() -> None:
    days = withdraw_days(np.random.default_rng(1), MEAN_DAYS, 2.0, 200_000)
    assert abs(days.mean() / MEAN_DAYS - 1.0) < 0.01
    year = 365.25

    def hazard(first_year: int) -> float:
        """The share of those still waiting at the year's start who leave within it."""
        waiting = days > first_year * year
        return float((days[waiting] <= (first_year + 1) * year).mean())

    rates = [hazard(y) for y in range(6)]
    assert rates == sorted(rates) and rates[5] > 4 * rates[0], rates
    flat = withdraw_days(np.random.default_rng(1), MEAN_DAYS, 1.0, 200_000)
    waiting = flat > 5 * year
    late = float((flat[waiting] <= 6 * year).mean())
    early = float((flat <= year).mean())
    assert abs(late - early) < 0.01  # shape 1: the same chance whatever the wait


def test_shape_one_draws_the_exponential_as_before() -> None:
    a = withdraw_days(np.random.default_rng(7), MEAN_DAYS, 1.0, 1000)
    b = np.random.default_rng(7).exponential(MEAN_DAYS, 1000)
    assert np.array_equal(a, b)


def test_ercots_queue_history_is_reproduced_from_its_end_2024_size() -> None:
    """Sheet: ~63 GW at end 2024, 205-226 GW in late 2025 (industry sheet, section 8)."""
    start = [("world.start_date", dt.date(2025, 1, 1)),
             ("utilities.oncor.background.initial_queue_mw", 63_000.0)]
    queue_gw = [run_world("iren", seed=s, until="2025-11-30", overrides=start)
                .path["oncor.queue_mw"].iloc[-1] / 1000.0 for s in range(16)]
    assert 205.0 <= float(np.mean(queue_gw)) <= 250.0, queue_gw
    assert min(queue_gw) < 226.0 < max(queue_gw)
