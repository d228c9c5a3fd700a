"""A region's wholesale power price, day by day: a level that reverts, and summer spikes.

The level is lognormal around the market's base, its log deviation reverting with a
half-life; on spike days (a Poisson count from June to September) prices jump for a few
hours (ERCOT's August 2023: day-ahead peaks in the hundreds, real-time in the thousands).
Each day's price is the average of its hours. Loads that can stop (ASICs) switch off in a
spike's hours; firm loads (AI halls under contract) pay them. Drawn up front from the
utility's own stream, like every daily driver.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

import numpy as np

from abm.agent import Agent
from abm.model import Model
from abm.paths import DailyPath, mean_reverting_path
from agents.grid.specs import PowerMarketSpec

SUMMER_MONTHS: Final = (6, 7, 8, 9)
HOURS_PER_DAY: Final = 24.0
SUMMER_DAYS: Final = 122.0


def market_name(utility: str) -> str:
    """The agent name of ``utility``'s power market."""
    return f"{utility}_power"


def market_of(model: Model, utility: str) -> PowerPrices | None:
    """``utility``'s power market, or None where loads pay fixed prices."""
    agent = model.agents.get(market_name(utility))
    return agent if isinstance(agent, PowerPrices) else None


class PowerPrices(Agent):
    """The wholesale price on a utility's grid: daily average, spike hours and their cost."""

    def __init__(self, model: Model, utility: str, spec: PowerMarketSpec,
                 horizon_days: int) -> None:
        super().__init__(model, market_name(utility))
        self.spec = spec
        n = horizon_days + 1
        rng = self.stream("prices")
        level = spec.base_usd_per_mwh * np.exp(
            mean_reverting_path(rng, n, spec.vol_annual, spec.half_life_days, 5.0))
        start = model.clock.start
        months = np.array([(start + dt.timedelta(days=d)).month for d in range(n)])
        summer = np.isin(months, SUMMER_MONTHS)
        chance = min(1.0, spec.spike_days_per_summer / SUMMER_DAYS)
        spiking = summer & (rng.uniform(size=n) < chance)
        hours = np.where(spiking, np.minimum(
            rng.exponential(spec.spike_hours_mean, size=n), HOURS_PER_DAY), 0.0)
        spike_price = spec.spike_usd_per_mwh * np.exp(
            spec.spike_sigma * rng.standard_normal(n))
        self.price_usd_per_mwh = DailyPath(
            (level * (HOURS_PER_DAY - hours) + spike_price * hours) / HOURS_PER_DAY)
        self.spike_hours = DailyPath(hours)
        self.spike_usd_per_mw = DailyPath(hours * spike_price)
        """What a MW running through the day's spike hours pays in them."""
        self._t_sampled = 0.0

    @property
    def expected_usd_per_mwh(self) -> float:
        """The long-run average a firm load expects to pay (spikes included)."""
        s = self.spec
        spike_mean = s.spike_usd_per_mwh * float(np.exp(0.5 * s.spike_sigma ** 2))
        spike_hours_year = s.spike_days_per_summer * s.spike_hours_mean
        # The stationary variance of the log deviation is vol^2 h / (2 ln 2 * 365).
        log_var = s.vol_annual ** 2 * s.half_life_days / (2.0 * np.log(2.0) * 365.0)
        base_mean = s.base_usd_per_mwh * float(np.exp(0.5 * log_var))
        hours_year = 365.0 * HOURS_PER_DAY
        return (base_mean * (hours_year - spike_hours_year)
                + spike_mean * spike_hours_year) / hours_year

    def metric_names(self) -> tuple[str, ...]:
        """The month's average price and its spike hours."""
        return ("price_usd_per_mwh", "spike_hours")

    def metrics(self) -> tuple[float, ...]:
        """Over the month being closed (since the last sample)."""
        t0, t1 = self._t_sampled, self.now
        self._t_sampled = t1
        return (self.price_usd_per_mwh.mean(t0, t1), self.spike_hours.integral(t0, t1))
