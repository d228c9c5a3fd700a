"""ERCOT's power price: summer spikes, what firm load pays, and what curtailing miners earn."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from agents.grid.power_prices import PowerPrices, market_name
from worlds.run import run_world, simulate

RIOT_CREDITS_USD_PER_MW_Q3 = 30.6e6 / 345.0
"""Riot's Q3 2025 curtailment credits per MW of its fixed-price PPA (industry sheet)."""


def market(seed: int, until: str = "2030-12-31") -> PowerPrices:
    model = simulate("iren", seed, until)[0]
    agent = model.agents[market_name("oncor")]
    assert isinstance(agent, PowerPrices)
    return agent


def test_spikes_fall_in_summer_and_the_long_run_mean_is_the_expected_price() -> None:
    means = []
    for seed in range(6):
        m = market(seed)
        start = m.model.clock.start
        months = np.array([(start + dt.timedelta(days=d)).month
                           for d in range(m.spike_hours.values.size)])
        hours = m.spike_hours.values
        assert hours[~np.isin(months, (6, 7, 8, 9))].sum() == 0.0
        assert hours[np.isin(months, (6, 7, 8, 9))].sum() > 0.0
        assert np.all(m.price_usd_per_mwh.values > 0.0)
        means.append(m.price_usd_per_mwh.values.mean())
    expected = market(0, "2026-01-31").expected_usd_per_mwh
    assert abs(np.mean(means) / expected - 1.0) < 0.15, (np.mean(means), expected)


def test_spike_prices_sold_back_earn_about_what_riot_earned_a_summer_quarter() -> None:
    per_mw = []
    for seed in range(12):
        m = market(seed, "2027-12-31")
        t0 = m.model.clock.t_of(dt.date(2026, 7, 1))
        t1 = m.model.clock.t_of(dt.date(2026, 10, 1))
        per_mw.append(m.spike_usd_per_mw.integral(t0, t1))
    median = float(np.median(per_mw))
    assert RIOT_CREDITS_USD_PER_MW_Q3 / 3 < median < RIOT_CREDITS_USD_PER_MW_Q3 * 3, median
    assert min(per_mw) < median < max(per_mw)  # drawn, not fixed


def iren_path(until: str, base_usd_per_mwh: float | None = None,
              **company: object) -> pd.DataFrame:
    """IREN's path in seed 3 with its power terms (and ERCOT's base price) set."""
    pairs: list[tuple[str, object]] = [(f"neoclouds.iren.{k}", v) for k, v in company.items()]
    if base_usd_per_mwh is not None:
        pairs.append(("utilities.oncor.power_market.base_usd_per_mwh", base_usd_per_mwh))
    return run_world("iren", seed=3, until=until, overrides=pairs).path.filter(like="iren.")


def test_a_company_on_fixed_price_that_never_curtails_is_blind_to_the_market() -> None:
    fixed: dict[str, object] = {"power_fixed_share": 1.0, "curtail_mining_in_spikes": False}
    cheap = iren_path("2027-06-30", 20.0, **fixed)
    dear = iren_path("2027-06-30", 400.0, **fixed)
    pd.testing.assert_frame_equal(cheap, dear)
    assert cheap["iren.power_credits_usd"].sum() == 0.0


def test_credits_come_from_fixed_price_power_and_curtailing_mines_less() -> None:
    until = "2026-09-30"
    q3 = slice("2026-07-31", "2026-09-30")
    market_only = iren_path(until, power_fixed_share=0.0)
    half = iren_path(until, power_fixed_share=0.5)
    hedged = iren_path(until, power_fixed_share=1.0)
    running = iren_path(until, power_fixed_share=1.0, curtail_mining_in_spikes=False)
    credits = [p["iren.power_credits_usd"].loc[q3].sum() for p in (market_only, half, hedged)]
    assert credits[0] == 0.0 < credits[1] < credits[2]
    assert running["iren.power_credits_usd"].sum() == 0.0
    mined = [p["iren.btc_mined"].loc[q3].sum() for p in (hedged, running)]
    assert mined[0] < mined[1]
    before = slice(None, "2026-05-31")  # no spike before June: the same books
    pd.testing.assert_series_equal(hedged["iren.btc_mined"].loc[before],
                                   running["iren.btc_mined"].loc[before])
