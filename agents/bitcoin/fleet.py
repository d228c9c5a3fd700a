"""The world's mining fleet: who hashes, who joins and who leaves, epoch by epoch.

The network's hashrate is the answer of a fleet to its hashprice, not a trend. The fleet
is installed hashrate spread over a grid of power costs ($/PH/day: efficiency times the
price a miner pays for power). Every difficulty epoch (2,016 blocks, ~14 days):

- **Online.** Miners whose power cost is above the hashprice they will earn (the BTC price
  over the new difficulty) switch off, and switch back on when it is above again; each
  bin moves part of the way each epoch (slower off than on: miners hold on through a dip
  and come back fast, the 2024 halving in the fact sheet).
- **Exit.** Idle machines leave the fleet at a rate a year (slow to exit).
- **Entry.** New machines arrive in proportion to the log margin of a new machine (the
  hashprice of ``entry_lag_days`` before, when it was ordered, over its power plus its
  price over its life: concave, as factories and sites limit a boom); new machines get
  cheaper to run and to buy every year.
- **Difficulty.** The next epoch's difficulty is this epoch's hashrate; blocks come faster
  while the hashrate is above it, so the halving's day depends on the path.

The BTC price path is drawn up front and the model's own miners are a small part of the
network, so the whole fleet path is computed up front from the price path.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass
from typing import Final

import numpy as np

from agents.bitcoin.specs import BitcoinSpec, FleetSpec

BLOCKS_PER_EPOCH: Final = 2016
MWH_PER_PH_DAY_PER_J_PER_TH: Final = 0.024
"""1 PH/s at 1 J/TH draws 1 kW: 24 kWh a day."""
TH_PER_PH: Final = 1000.0
DAYS_PER_YEAR: Final = 365.0
_COST_GRID = np.exp(np.linspace(math.log(1.0), math.log(400.0), 160))
_LOG_STEP = math.log(_COST_GRID[1] / _COST_GRID[0])


@dataclass(frozen=True)
class FleetPath:
    """Daily network figures: hashrate online, the difficulty it earns against, blocks."""

    hashrate_ehs: np.ndarray
    difficulty_ehs: np.ndarray
    """The hashrate the current difficulty expects (EH/s): revenue per EH is set by it."""
    block_height: np.ndarray
    """The block height at the start of each day."""
    power_cost_usd_per_ph_day: np.ndarray
    """Median power cost of the installed fleet ($/PH/day)."""
    online_share: np.ndarray
    """Online hashrate over installed hashrate."""


def power_cost_usd_per_ph_day(j_per_th: float, power_usd_per_mwh: float) -> float:
    """What a PH/s of machines at ``j_per_th`` pays for power a day."""
    return MWH_PER_PH_DAY_PER_J_PER_TH * j_per_th * power_usd_per_mwh


def new_machine_cost_usd_per_ph_day(f: FleetSpec, t_years: float) -> tuple[float, float]:
    """A new machine's power cost and its price spread over its life, at ``t_years``."""
    decline = math.exp(-f.efficiency_gain_annual * t_years)
    power = power_cost_usd_per_ph_day(f.new_machine_j_per_th, f.power_usd_per_mwh) * decline
    price = f.new_machine_usd_per_th * TH_PER_PH / (f.machine_life_years * DAYS_PER_YEAR)
    return power, price * decline


def _lognormal_weights(median: float, dispersion: float) -> np.ndarray:
    z = (np.log(_COST_GRID) - math.log(median)) / dispersion
    w = np.exp(-0.5 * z * z)
    return np.asarray(w / w.sum(), dtype=np.float64)


def simulate_fleet(spec: BitcoinSpec, price_usd: np.ndarray,
                   rng: np.random.Generator) -> FleetPath:
    """The fleet's path over the days of ``price_usd`` (day 0 is the world's start)."""
    f = spec.fleet
    n = price_usd.size
    reward_usd_per_block = spec.subsidy_btc * (1.0 + spec.fees_share_of_subsidy)
    online_target = np.empty_like(_COST_GRID)

    def reward_btc(height: float) -> float:
        halvings = (math.floor(height / spec.halving_interval_blocks)
                    - math.floor(spec.block_height / spec.halving_interval_blocks))
        return reward_usd_per_block * 0.5 ** halvings

    start_cost = power_cost_usd_per_ph_day(f.fleet_j_per_th, f.power_usd_per_mwh)
    hashprice0 = spec.blocks_per_day * reward_btc(spec.block_height) * float(
        price_usd[0]) / spec.network_hashrate_ehs / 1000.0
    online = (hashprice0 > _COST_GRID).astype(np.float64)
    installed = _lognormal_weights(start_cost, f.fleet_cost_dispersion)
    if float(installed @ online) <= 0.0:  # none pays at the start: the hashrate seen runs
        online = np.ones_like(_COST_GRID)  # and switches off over the epochs to come
    installed *= spec.network_hashrate_ehs / float(installed @ online)
    new_weights_at: dict[int, np.ndarray] = {}

    t, height, difficulty = 0.0, float(spec.block_height), spec.network_hashrate_ehs
    epoch_t: list[float] = []
    epoch_hashprice: list[float] = []
    bounds: list[float] = [0.0]
    hashrates: list[float] = []
    difficulties: list[float] = []
    heights: list[float] = []
    costs: list[float] = []
    shares: list[float] = []
    while t < n:
        day = min(int(t), n - 1)
        hashprice = (spec.blocks_per_day * reward_btc(height) * float(price_usd[day])
                     / difficulty / 1000.0)
        # Online: each bin moves part of the way to on (cost below hashprice) or off.
        np.less(_COST_GRID, hashprice, out=online_target)
        rate = np.where(online_target > online, f.online_up_per_epoch, f.online_down_per_epoch)
        online += rate * (online_target - online)
        hashrate = float(installed @ online)
        blocks_per_day = spec.blocks_per_day * hashrate / difficulty
        length_days = BLOCKS_PER_EPOCH / blocks_per_day
        years = length_days / DAYS_PER_YEAR
        epoch_t.append(t)
        epoch_hashprice.append(hashprice)
        hashrates.append(hashrate)
        difficulties.append(difficulty)
        heights.append(height)
        total = float(installed.sum())
        costs.append(float(_COST_GRID[np.searchsorted(np.cumsum(installed), 0.5 * total)]))
        shares.append(hashrate / total)
        # Exit: idle machines leave; entry: new ones ordered entry_lag_days ago arrive.
        installed *= 1.0 - (1.0 - online) * (1.0 - math.exp(-f.idle_exit_annual * years))
        ordered_t = t - f.entry_lag_days
        ordered_at = bisect.bisect_right(epoch_t, ordered_t) - 1
        hashprice_then = epoch_hashprice[max(ordered_at, 0)]
        power, price = new_machine_cost_usd_per_ph_day(f, max(ordered_t, 0.0) / DAYS_PER_YEAR)
        margin = max(0.0, math.log(hashprice_then / (power + price)))
        if margin > 0.0:
            key = round(math.log(power / _COST_GRID[0]) / _LOG_STEP)
            if key not in new_weights_at:
                new_weights_at[key] = _lognormal_weights(power, f.new_cost_dispersion)
            installed += (total * f.entry_per_margin_annual * margin * years
                          * new_weights_at[key])
        if spec.hashrate_vol_annual > 0.0:
            shock = spec.hashrate_vol_annual * math.sqrt(years) * float(rng.standard_normal())
            installed *= math.exp(shock - 0.5 * spec.hashrate_vol_annual ** 2 * years)
        t += length_days
        bounds.append(t)
        height += BLOCKS_PER_EPOCH
        difficulty = hashrate
    return _daily(n, np.asarray(bounds), hashrates, difficulties, heights, costs, shares)


def _daily(n: int, bounds: np.ndarray, hashrates: list[float], difficulties: list[float],
           heights: list[float], costs: list[float], shares: list[float]) -> FleetPath:
    """Spread epoch figures over days; the block height grows linearly within an epoch."""
    days = np.arange(n, dtype=np.float64)
    k = np.searchsorted(bounds, days, side="right") - 1
    within = (days - bounds[k]) / (bounds[k + 1] - bounds[k])
    return FleetPath(
        hashrate_ehs=np.asarray(hashrates)[k],
        difficulty_ehs=np.asarray(difficulties)[k],
        block_height=np.asarray(heights)[k] + BLOCKS_PER_EPOCH * within,
        power_cost_usd_per_ph_day=np.asarray(costs)[k],
        online_share=np.asarray(shares)[k])
