"""Bitcoin: the price, the network hashrate, the block subsidy and its halvings.

The price is a daily path drawn up front (heavy-tailed returns); the network's hashrate is
the world fleet's answer to it (agents/bitcoin/fleet.py), difficulty epoch by epoch, and
the block height follows, so each halving falls on a day the path decides and is an event
of its own. A miner earns its share of the blocks: the BTC issued (subsidy plus fees) per
EH/s of the difficulty.
"""

from __future__ import annotations

from typing import Final

import numpy as np

from abm.agent import Agent, ProcessBody
from abm.model import Model
from abm.paths import DailyPath, lognormal_level, student_t_log_returns
from agents.bitcoin.fleet import simulate_fleet
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
        fleet = simulate_fleet(spec, price, hash_rng)
        halvings = np.floor(fleet.block_height / spec.halving_interval_blocks)
        halvings0 = np.floor(spec.block_height / spec.halving_interval_blocks)
        subsidy = spec.subsidy_btc * 0.5 ** (halvings - halvings0)
        # Revenue per EH/s is set by the difficulty: blocks come at 144 a day times the
        # hashrate over the difficulty's, and each EH/s has its share of them.
        btc_per_eh_day = spec.blocks_per_day * subsidy * (1.0 + spec.fees_share_of_subsidy) \
            / fleet.difficulty_ehs
        self.price_usd = DailyPath(price)
        self.hashrate_ehs = DailyPath(fleet.hashrate_ehs)
        self.subsidy_btc = DailyPath(subsidy)
        self.btc_per_eh_day = DailyPath(btc_per_eh_day)
        self.usd_per_eh_day = DailyPath(btc_per_eh_day * price)
        self.fleet_power_cost_usd_per_ph_day = DailyPath(fleet.power_cost_usd_per_ph_day)
        self.online_share = DailyPath(fleet.online_share)
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
        return ("price_usd", "network_hashrate_ehs", "hashprice_usd_per_ph_day", "subsidy_btc",
                "fleet_power_cost_usd_per_ph_day", "network_online_share")

    def metrics(self) -> tuple[float, ...]:
        """Values on the last day of the month being closed."""
        t = self.now
        return (self.price_usd.at(t), self.hashrate_ehs.at(t),
                self.hashprice_usd_per_ph_day(t), self.subsidy_btc.at(t),
                self.fleet_power_cost_usd_per_ph_day.at(t), self.online_share.at(t))
