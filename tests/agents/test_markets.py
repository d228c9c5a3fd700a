"""Share prices: anchored at the world price, value x mispricing, news that fades."""

from __future__ import annotations

import datetime as dt
from collections.abc import Generator

import numpy as np
import pytest
import simpy

from abm.model import Model
from agents.markets.capital import Markets
from agents.markets.fundamentals import Fundamentals
from agents.markets.specs import CapitalMarketsSpec, MarketStateSpec, SentimentSpec
from worlds.build import build_model
from worlds.catalog import load_world

START = dt.date(2025, 11, 6)
HORIZON = 3 * 365


def quoted(vol: float = 1.0, seed: int = 0, spec: CapitalMarketsSpec | None = None,
           f: Fundamentals | None = None) -> Markets:
    model = Model(START, seed)
    markets = Markets(model, HORIZON, spec)
    markets.list_company("acme", 50.0, vol)
    markets.anchor("acme", f or POWER_ONLY)
    return markets


POWER_ONLY = Fundamentals(0.0, 100.0, 0.0, 0.0, -1e9, 0.0, 100e6)
"""A company worth only its power (100 MW), with $1B of net cash."""


def inplace_only(value_usd: float, net_debt_usd: float = -3e9) -> Fundamentals:
    """A company with no power, worth its operations in place: at 50 x 100M shares = $5B of
    equity, $2B in place and $3B net cash leave nothing for power (no other EV)."""
    return Fundamentals(value_usd, 0.0, 0.0, 0.0, net_debt_usd, 0.0, 100e6)


def test_the_price_starts_at_the_world_price_and_stays_positive() -> None:
    markets = quoted()
    assert markets.share_price_usd("acme", 0.0) == pytest.approx(50.0, rel=1e-12)
    prices = markets.prices_usd("acme", 0, HORIZON)
    assert prices.size == HORIZON + 1 and (prices > 0).all()


def test_every_listed_company_starts_at_its_world_price() -> None:
    spec, _ = load_world("iren")
    model = build_model(spec, 0, dt.date(2025, 11, 30))
    model.run(dt.date(2025, 11, 7))
    markets = model.agent("markets", Markets)
    for name, company in spec.neoclouds.items():
        if company.listed:
            assert markets.share_price_usd(name, 0.5) == pytest.approx(company.share_price_usd,
                                                                       rel=1e-9), name
    assert markets.share_price_usd("iren", 0.5) == pytest.approx(66.96)


def test_realized_volatility_is_the_calibrated_total() -> None:
    """Unlevered and all-AI, the noise and the shared factor add up to ``vol_annual``."""
    vols = []
    for seed in range(4):
        r = np.diff(np.log(quoted(vol=1.0, seed=seed).prices_usd("acme", 0, HORIZON)))
        vols.append(r.std() * np.sqrt(365.0))
    assert np.mean(vols) == pytest.approx(1.0, rel=0.08)
    assert quoted(seed=1).realized_vol("acme", 400.0, 90) > 0.5


def test_each_company_draws_from_its_own_stream() -> None:
    alone = quoted(seed=3)
    model = Model(START, 3)
    crowded = Markets(model, HORIZON)
    crowded.list_company("zz_other", 10.0, 0.5)
    crowded.list_company("acme", 50.0, 1.0)
    crowded.anchor("acme", POWER_ONLY)
    np.testing.assert_array_equal(alone.prices_usd("acme", 0, 500),
                                  crowded.prices_usd("acme", 0, 500))


def test_short_selling_moves_the_price_by_the_elasticity() -> None:
    markets = quoted()
    t = 100.0
    before = markets.share_price_usd("acme", t)
    yesterday = markets.share_price_usd("acme", t - 1)
    markets.model.env.run(until=t + 0.5)
    event, move = markets.news("acme", "short_selling", 0.03, None)
    elasticity = markets.spec.valuation.short_selling_elasticity
    assert move == pytest.approx(-elasticity * 0.03)
    assert markets.share_price_usd("acme", t) == pytest.approx(before * (1 + move))
    half_life = markets.spec.valuation.news_half_life_days
    for days, left in ((half_life, 0.5), (2 * half_life, 0.25)):  # the jump fades
        assert markets.share_price_usd("acme", t + days) / before == pytest.approx(
            quoted().share_price_usd("acme", t + days) / before * (1 + move) ** left)
    assert markets.share_price_usd("acme", t - 1) == yesterday  # the past does not move
    assert markets.model.log.to_frame().loc[event, "kind"] == "market.news"
    up = markets.news("acme", "contract", 100.0, None)[1]
    assert up == markets.spec.valuation.contract_news_max
    with pytest.raises(ValueError, match="unknown news kind"):
        markets.news("acme", "rumour", 0.1, None)


def test_fundamentals_reach_the_price_over_the_digest_days() -> None:
    markets = quoted(f=inplace_only(2e9))
    markets.model.env.run(until=200.5)
    untouched = quoted(f=inplace_only(2e9))
    markets.update("acme", inplace_only(4.5e9))  # equity from $5B to $7.5B
    digest = markets.spec.valuation.digest_days
    ratio = [markets.share_price_usd("acme", t) / untouched.share_price_usd("acme", t)
             for t in (200.0, 200.0 + digest / 2, 200.0 + digest + 1, 600.0)]
    assert ratio[0] == pytest.approx(1.0)  # today's price is already quoted
    assert ratio[1] == pytest.approx(1.25, rel=0.05)
    assert ratio[2] == pytest.approx(1.5) and ratio[3] == pytest.approx(1.5)


def test_a_month_end_moves_each_fundamental_along_the_ramp_exactly() -> None:
    """Day ``d + k`` after a month end holds ``start + (value - start) x min(k / digest,
    1)`` of each of the six fundamentals, bit for bit (the numpy oracle's operations)."""
    markets = quoted(f=Fundamentals(2e9, 100.0, 0.5, 30e3, 1e9, 2e8, 100e6))
    markets.model.env.run(until=200.5)
    markets.update("acme", Fundamentals(3e9, 150.0, 2.0, 25e3, -4e8, 5e8, 120e6))
    q = markets._quotes["acme"]
    start = np.array(q.day(200))
    value = np.array((3e9, q.land_usd_per_mw * 150.0, 2.0, 25e3, -4e8 + 5e8, 120e6))
    k = np.arange(1, 90)[:, None]
    ramp = np.minimum(k / markets.spec.valuation.digest_days, 1.0)
    expected = ramp * (value - start) + start
    np.testing.assert_array_equal([q.day(200 + i) for i in range(1, 90)], expected)
    assert not np.array_equal(expected[0], expected[-1])


def test_debt_levers_the_sentiment_and_equity_keeps_a_floor() -> None:
    spec = CapitalMarketsSpec(sentiment=SentimentSpec(factor_vol_annual=0.4))
    light = quoted(spec=spec, f=Fundamentals(0.0, 100.0, 0.0, 0.0, 0.0, 0.0, 100e6))
    heavy = quoted(spec=spec, f=Fundamentals(0.0, 100.0, 0.0, 0.0, 15e9, 0.0, 100e6))
    r_light = np.diff(np.log(light.prices_usd("acme", 0, HORIZON)))
    r_heavy = np.diff(np.log(heavy.prices_usd("acme", 0, HORIZON)))
    assert r_heavy.std() > 1.2 * r_light.std()
    assert (heavy.prices_usd("acme", 0, HORIZON) > 0).all()


def test_spreads_widen_with_the_regime_and_the_shock() -> None:
    spec, _ = load_world("iren", [("demand.start_regime", "bust")], ["rate_shock"])
    model = build_model(spec, 0, dt.date(2027, 12, 31))
    markets = model.agent("markets", Markets)
    base = spec.markets.credit.spread_by_rating["AAA"]
    assert markets.regime_at(0.0) == "bust"
    assert markets.credit_spread("AAA", 0.0) == pytest.approx(base + 0.04)
    t_shock = model.clock.t_of(dt.date(2026, 6, 1))
    assert markets.shocked(t_shock) and not markets.shocked(0.0)
    extra = 0.04 if markets.regime_at(t_shock) == "bust" else (
        0.01 if markets.regime_at(t_shock) == "digestion" else 0.0)
    assert markets.credit_spread("AAA", t_shock) == pytest.approx(base + extra + 0.03)
    assert markets.closed_probability(0.0) == spec.markets.state.closed_probability_bust
    assert markets.closed_probability(t_shock) >= 0.5
    with pytest.raises(ValueError, match="go together"):
        MarketStateSpec(shock_start_date=dt.date(2026, 1, 1))


def test_sentiment_follows_the_regime() -> None:
    for regime, level in (("boom", 1.0), ("bust", 0.4)):
        spec, _ = load_world("iren", [("demand.start_regime", regime),
                                      ("markets.sentiment.factor_vol_annual", 0.0)])
        model = build_model(spec, 0, dt.date(2026, 1, 31))
        markets = model.agent("markets", Markets)
        assert markets.sentiment[0] == pytest.approx(level)


def test_a_run_forced_into_a_bust_starts_below_the_boom_prices() -> None:
    spec, _ = load_world("iren", [("demand.start_regime", "bust")])
    model = build_model(spec, 0, dt.date(2025, 11, 30))
    model.run(dt.date(2025, 11, 7))
    price = model.agent("markets", Markets).share_price_usd("iren", 0.5)
    # its power valued at 40% of its boom level, levered by debt and committed capex
    assert 0.1 * 66.96 < price < 0.6 * 66.96


def test_the_one_day_price_is_the_price_path_exactly() -> None:
    """``share_price_usd`` (scalar, remembered per day) equals the vectorized path, after
    a year of month-end updates and news, on every day and for every listed company."""
    spec, _ = load_world("iren")
    model = build_model(spec, 2, dt.date(2027, 12, 31))
    model.run(dt.date(2026, 11, 6))
    markets = model.agent("markets", Markets)
    listed = [name for name, company in spec.neoclouds.items() if company.listed]
    assert model.log.to_frame()["kind"].eq("market.news").sum() > 3
    for name in listed:
        path = markets.prices_usd(name, 0, 700)
        one_by_one = [markets.share_price_usd(name, d + 0.5) for d in range(701)]
        np.testing.assert_array_equal(path, one_by_one, err_msg=name)


def prices_in_numpy(markets: Markets, name: str, d0: int, d1: int) -> np.ndarray:
    """The oracle: a window of prices from the quote's mispricing and fundamentals, in numpy.

    Fundamentals as arrays, the formula as whole-array operations: the same operations as
    the market's scalars, so the same numbers bit for bit.
    """
    q = markets._quotes[name]
    factor = np.array(q.mispricing[d0:d1])
    inplace, power, ehs, cost, claims, shares = np.array([q.day(d)
                                                          for d in range(d0, d1)]).T
    btc = np.array(markets._btc_days[d0:d1])
    mining = q.mining_multiple_days * np.maximum(btc - cost, 0.0)
    ev = inplace + power * markets.sentiment[d0:d1] + mining * ehs + q.other_ev_usd
    equity = np.maximum(ev - claims, markets._floor_share * np.maximum(ev, 0.0))
    equity = np.maximum(equity, q.min_equity_usd)
    return np.asarray(equity / shares * factor)


def test_windows_read_from_the_record_equal_the_path_computed_now() -> None:
    """Past days are recorded once (``_window``); a window read through the record equals
    the whole window computed afresh in numpy, bit for bit, as the run goes on with
    month-end updates and news; so does the count of days at or above a price."""
    spec, _ = load_world("iren")
    model = build_model(spec, 4, dt.date(2027, 12, 31))
    markets = model.agent("markets", Markets)
    listed = [name for name, company in spec.neoclouds.items() if company.listed]
    checked: list[int] = []

    def check() -> Generator[simpy.Event, None, None]:
        while True:
            yield model.env.timeout(11.7)
            now = model.now
            today = markets._day(now)  # days as the market counts them
            for name in listed:
                for t0 in (now - 29, now - 90, now - 200):
                    fresh = prices_in_numpy(markets, name, markets._day(t0), today + 1)
                    np.testing.assert_array_equal(markets.prices_usd(name, t0, now), fresh)
                    level = float(np.median(fresh))
                    assert markets.days_at_or_above(name, t0, now, level) == int(
                        np.count_nonzero(fresh >= level))
                    checked.append(today)

    model.env.process(check())
    model.run(dt.date(2027, 3, 31))
    assert model.log.to_frame()["kind"].eq("market.news").sum() > 10 and len(checked) > 300


def test_a_later_month_end_overrides_the_flat_tail_already_read() -> None:
    """Days after a month end's ramp are read from its digest (flat); a later month end
    must still move days already read ahead of it."""
    f1, f2 = (inplace_only(v, 0.0) for v in (5e9, 10e9))
    lazy, eager = quoted(f=f1), quoted(f=f1)
    for markets in (lazy, eager):
        markets.model.env.run(until=100.5)
        markets.update("acme", f1)
    far_ahead = lazy.share_price_usd("acme", 800.0)  # fills the tail to day 800
    for markets in (lazy, eager):
        markets.model.env.run(until=300.5)
        markets.update("acme", f2)
    assert lazy.share_price_usd("acme", 800.0) == pytest.approx(2 * far_ahead)
    np.testing.assert_array_equal(lazy.prices_usd("acme", 0, 1000),
                                  eager.prices_usd("acme", 0, 1000))


def test_discount_rates_rise_with_the_regime_and_with_leverage() -> None:
    markets = quoted()
    v, credit = markets.spec.valuation, markets.spec.credit
    contracted, uncontracted = markets.discount_rates(0.0, 0.0)
    assert contracted == pytest.approx(credit.risk_free_rate + v.contracted_premium)
    assert uncontracted == pytest.approx(credit.risk_free_rate + v.equity_premium_boom)
    levered = markets.discount_rates(0.0, v.leverage_free_turns + 4.0)
    assert levered[0] - contracted == pytest.approx(4 * v.leverage_premium_per_turn)
    assert markets.discount_rates(0.0, 1e3)[1] - uncontracted == pytest.approx(
        v.leverage_premium_max)
    assert markets.credit_spread("B", 0.0, leverage_turns=credit.leverage_free_turns + 2) == (
        pytest.approx(markets.credit_spread("B", 0.0) + 2 * credit.leverage_spread_per_turn))
    spec, _ = load_world("iren", [("demand.start_regime", "bust")])
    bust = build_model(spec, 0, dt.date(2026, 1, 31)).agent("markets", Markets)
    assert bust.regime_at(0.0) == "bust"
    assert bust.discount_rates(0.0, 0.0)[1] > markets.discount_rates(0.0, 0.0)[1]


def test_value_is_the_price_without_the_mood_and_the_mispricing() -> None:
    calm = CapitalMarketsSpec(sentiment=SentimentSpec(factor_vol_annual=0.0))
    markets = quoted(vol=1e-6, spec=calm, f=Fundamentals(2e9, 100.0, 0.0, 0.0, -1e9, 0.0,
                                                         100e6))
    for t in (0.0, 300.0, 900.0):
        assert markets.value_per_share_usd("acme", t) == pytest.approx(
            markets.share_price_usd("acme", t), rel=1e-4)
    moody = quoted()  # a common factor and a mispricing of 100%/yr: apart, on average
    gaps = [abs(np.log(moody.share_price_usd("acme", t) / moody.value_per_share_usd("acme", t)))
            for t in range(30, HORIZON, 30)]
    assert np.mean(gaps) > 0.05
