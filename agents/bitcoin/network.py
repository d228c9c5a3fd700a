"""Bitcoin: the price, the network hashrate, the block subsidy and its halvings.

Price and hashrate are daily paths drawn up front (heavy-tailed price returns, noisy
hashrate growth). Block height advances at a steady rate (difficulty keeps blocks near ten
minutes), so each halving falls on a known day and is an event of its own. A miner earns
its share of the network hashrate times the BTC issued (subsidy plus fees).
"""

from __future__ import annotations

from typing import Final

import numpy as np

from abm.agent import Agent, ProcessBody
from abm.model import Model
from abm.paths import DailyPath, lognormal_level, student_t_log_returns
from agents.bitcoin.specs import BitcoinSpec

PH_PER_EH: Final = 1000.0


class Bitcoin(Agent):
    """The Bitcoin network and market as seen by miners."""

    def __init__(self, model: Model, spec: BitcoinSpec, horizon_days: int,
                 name: str = "btc") -> None:
        super().__init__(model, name)
        self.spec = spec
        n = horizon_days + 1
        price_rng, hash_rng = self.stream("price"), self.stream("hashrate")
        price = lognormal_level(spec.price_usd, student_t_log_returns(
            price_rng, n, spec.price_vol_annual, spec.price_drift_annual, spec.price_tail_df))
        hash_steps = (np.log1p(spec.hashrate_growth_annual) / 365.0
                      + spec.hashrate_vol_annual / np.sqrt(365.0) * hash_rng.standard_normal(n))
        hashrate = lognormal_level(spec.network_hashrate_ehs, hash_steps)
        height = spec.block_height + spec.blocks_per_day * np.arange(n)
        halvings = np.floor(height / spec.halving_interval_blocks)
        halvings0 = np.floor(spec.block_height / spec.halving_interval_blocks)
        subsidy = spec.subsidy_btc * 0.5 ** (halvings - halvings0)
        btc_per_day = spec.blocks_per_day * subsidy * (1.0 + spec.fees_share_of_subsidy)
        self.price_usd = DailyPath(price)
        self.hashrate_ehs = DailyPath(hashrate)
        self.subsidy_btc = DailyPath(subsidy)
        self.btc_per_eh_day = DailyPath(btc_per_day / hashrate)
        self.usd_per_eh_day = DailyPath(btc_per_day / hashrate * price)
        self.halving_days = np.flatnonzero(np.diff(subsidy) != 0) + 1

    def start(self) -> None:
        """Log each halving when its block is mined."""
        self.process(self._halvings())

    def _halvings(self) -> ProcessBody:
        subsidy = self.subsidy_btc.values
        for day in self.halving_days:
            yield self.sleep(float(day) - self.now)
            self.log("btc.halving", subsidy_before_btc=float(subsidy[day - 1]),
                     subsidy_after_btc=float(subsidy[day]))

    def hashprice_usd_per_ph_day(self, t_days: float) -> float:
        """Revenue per PH/s per day at ``t_days``."""
        return self.usd_per_eh_day.at(t_days) / PH_PER_EH

    def metric_names(self) -> tuple[str, ...]:
        """Month-end Bitcoin metrics."""
        return ("price_usd", "network_hashrate_ehs", "hashprice_usd_per_ph_day", "subsidy_btc")

    def metrics(self) -> tuple[float, ...]:
        """Values on the last day of the month being closed."""
        t = self.now
        return (self.price_usd.at(t), self.hashrate_ehs.at(t),
                self.hashprice_usd_per_ph_day(t), self.subsidy_btc.at(t))
