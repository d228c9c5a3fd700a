"""The Bitcoin network answers hashprice: miners idle, leave and join; difficulty follows."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from abm.model import Model
from agents.bitcoin.fleet import simulate_fleet
from agents.bitcoin.network import Bitcoin
from worlds.catalog import load_world

QUIET = [("bitcoin.price_vol_annual", 1e-9), ("bitcoin.hashrate_vol_annual", 0.0)]
HORIZON_DAYS = 1900


def bitcoin(overrides: list[tuple[str, float]], seed: int = 0) -> Bitcoin:
    spec, _ = load_world("iren", overrides)
    return Bitcoin(Model(spec.world.start_date, seed), spec.bitcoin, HORIZON_DAYS)


def test_a_fleet_that_does_not_grow_holds_its_hashrate_until_the_halving() -> None:
    btc = bitcoin([*QUIET, ("bitcoin.fleet.entry_per_margin_annual", 0.0)])
    day = int(btc.halving_days[0])
    start = btc.hashrate_ehs.values[0]
    assert start == pytest.approx(btc.spec.network_hashrate_ehs, rel=1e-12)
    assert np.allclose(btc.hashrate_ehs.values[:day], start, rtol=1e-12)
    # The halving halves each EH/s's reward on its day (same difficulty) ...
    assert btc.usd_per_eh_day.values[day] / btc.usd_per_eh_day.values[day - 1] == (
        pytest.approx(0.5, rel=1e-6))
    # ... the marginal miners switch off, the difficulty falls after them and the
    # hashprice of those that stay recovers part of the way.
    later = day + 180
    assert btc.hashrate_ehs.values[later] < 0.95 * start
    assert btc.online_share.values[later] < btc.online_share.values[day - 1]
    recovered = btc.usd_per_eh_day.values[later] / btc.usd_per_eh_day.values[day - 1]
    assert 0.5 < recovered < 1.0


def test_the_halving_falls_in_spring_2028_and_earlier_when_the_network_grows_faster() -> None:
    slow = bitcoin([*QUIET, ("bitcoin.fleet.entry_per_margin_annual", 0.0)])
    fast = bitcoin([*QUIET, ("bitcoin.price_drift_annual", 0.5)])
    start = slow.model.clock.start
    d_slow, d_fast = int(slow.halving_days[0]), int(fast.halving_days[0])
    assert dt.date(2028, 3, 1) < start + dt.timedelta(days=d_slow) < dt.date(2028, 6, 1)
    assert d_fast < d_slow


def test_difficulty_is_the_last_epochs_hashrate() -> None:
    spec, _ = load_world("iren", [])
    price = np.full(HORIZON_DAYS, spec.bitcoin.price_usd) * np.exp(
        np.linspace(0.0, 1.0, HORIZON_DAYS))
    path = simulate_fleet(spec.bitcoin, price, np.random.default_rng(1))
    change = np.flatnonzero(np.diff(path.difficulty_ehs) != 0) + 1
    assert change.size > 100
    for day in change[:50]:
        assert path.difficulty_ehs[day] == path.hashrate_ehs[day - 1]


def test_a_higher_btc_price_never_leaves_a_smaller_network() -> None:
    """Common random numbers: the same draws with the price path scaled up."""
    spec, _ = load_world("iren", [])
    rng = np.random.default_rng(7)
    base = spec.bitcoin.price_usd * np.exp(np.cumsum(rng.normal(0, 0.02, HORIZON_DAYS)))
    ends = [simulate_fleet(spec.bitcoin, base * k, np.random.default_rng(3)).hashrate_ehs[-1]
            for k in (0.5, 1.0, 2.0)]
    assert ends[0] < ends[1] < ends[2]


def test_hashrate_grows_less_after_hashprice_falls_below_the_fleets_cost() -> None:
    """A regression over seeds: month-ahead hashrate growth on the margin a month ends at."""
    margins, growths = [], []
    for seed in range(60):
        btc = bitcoin([], seed=seed)
        days = np.arange(0, HORIZON_DAYS - 61, 30)
        hashprice = btc.usd_per_eh_day.values[days] / 1000.0
        cost = btc.fleet_power_cost_usd_per_ph_day.values[days]
        h = btc.hashrate_ehs.values
        margins.append(np.log(hashprice / cost))
        growths.append(np.log(h[days + 60] / h[days + 30]))
    margin, growth = np.concatenate(margins), np.concatenate(growths)
    below, above = growth[margin < 0], growth[margin > 0]
    assert below.size > 30 and above.size > 30
    assert below.mean() < 0.0 < above.mean()
    slope, _ = np.polyfit(margin, growth, 1)
    assert slope > 0.0
