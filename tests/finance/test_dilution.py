"""Capped calls, if-converted and net-share-settlement dilution; QuantLib as the option oracle."""

from __future__ import annotations

import numpy as np
import pytest
import QuantLib as ql
from hypothesis import given, settings
from hypothesis import strategies as st

from abm.finance.dilution import (
    black_scholes_call,
    capped_call_offset_shares,
    capped_call_usd,
    capped_call_value,
    conversion_shares,
    if_converted_diluted_shares,
    net_share_settlement_shares,
    normal_cdf,
    note_conversion_shares,
)

TODAY = ql.Date(15, 1, 2025)


def quantlib_call(
    spot: float, strike: float, vol: float, rate: float, days: int, q: float = 0.0
) -> float:
    ql.Settings.instance().evaluationDate = TODAY
    dc = ql.Actual365Fixed()
    process = ql.BlackScholesMertonProcess(
        ql.QuoteHandle(ql.SimpleQuote(spot)),
        ql.YieldTermStructureHandle(ql.FlatForward(TODAY, q, dc)),
        ql.YieldTermStructureHandle(ql.FlatForward(TODAY, rate, dc)),
        ql.BlackVolTermStructureHandle(ql.BlackConstantVol(TODAY, ql.NullCalendar(), vol, dc)),
    )
    option = ql.VanillaOption(
        ql.PlainVanillaPayoff(ql.Option.Call, strike), ql.EuropeanExercise(TODAY + days)
    )
    option.setPricingEngine(ql.AnalyticEuropeanEngine(process))
    return float(option.NPV())


@pytest.mark.parametrize(
    ("spot", "low", "cap", "vol", "rate", "days", "q"),
    [
        (100.0, 100.0, 150.0, 0.5, 0.04, 1825, 0.0),
        (60.0, 100.0, 175.0, 0.8, 0.03, 1095, 0.0),
        (250.0, 120.0, 200.0, 0.3, 0.05, 730, 0.02),
        (40.0, 45.0, 90.0, 1.0, 0.0, 365, 0.01),
    ],
)
def test_capped_call_matches_quantlib(
    spot: float, low: float, cap: float, vol: float, rate: float, days: int, q: float
) -> None:
    shares = 12_345.0
    expected = (
        quantlib_call(spot, low, vol, rate, days, q) - quantlib_call(spot, cap, vol, rate, days, q)
    ) * shares
    ours = float(capped_call_value(spot, low, cap, vol, rate, days / 365.0, shares, q))
    assert ours == pytest.approx(expected, rel=1e-9)
    call = float(black_scholes_call(spot, low, vol, rate, days / 365.0, q))
    assert call == pytest.approx(quantlib_call(spot, low, vol, rate, days, q), rel=1e-9)


def test_capped_call_bounds_and_broadcast() -> None:
    spots = np.array([[50.0], [100.0], [200.0]])
    caps = np.array([120.0, 150.0, 300.0])
    values = capped_call_value(spots, 100.0, caps, 0.6, 0.04, 3.0, 1.0)
    assert values.shape == (3, 3)
    assert np.all(values >= 0)
    assert np.all(values <= (caps - 100.0) * np.exp(-0.04 * 3.0))  # the spread's max payoff
    assert np.all(np.diff(values, axis=1) > 0)  # a higher cap is worth more
    assert np.all(np.diff(values, axis=0) > 0)  # and so is a higher spot
    assert float(capped_call_value(100.0, 100.0, 100.0, 0.6, 0.04, 3.0, 1e6)) == 0.0


def test_normal_cdf() -> None:
    assert float(normal_cdf(0.0)) == 0.5
    assert float(normal_cdf(1.959963984540054)) == pytest.approx(0.975, rel=1e-14)
    assert normal_cdf(np.array([-40.0, 40.0])).tolist() == [0.0, 1.0]


def test_if_converted_shares() -> None:
    assert float(conversion_shares(1_000.0, 40.0)) == 25.0
    # 1bn of notes convertible at $40: 25m new shares on top of 200m basic
    diluted = if_converted_diluted_shares(200e6, 1e9, np.array([40.0, 50.0]))
    assert diluted.tolist() == [225e6, 220e6]


def test_net_share_settlement_examples() -> None:
    # 1,000 note, conversion price 100 (ratio 10), stock at 150: value 1,500,
    # 1,000 paid in cash, 500 in shares = 3.333 shares
    assert float(net_share_settlement_shares(150.0, 1_000.0, 100.0)) == pytest.approx(10 / 3)
    assert float(net_share_settlement_shares(80.0, 1_000.0, 100.0)) == 0.0
    assert float(net_share_settlement_shares(100.0, 1_000.0, 100.0)) == 0.0
    # the capped call gives back every net share up to the cap, not beyond
    assert float(capped_call_offset_shares(150.0, 1_000.0, 100.0, 200.0)) == pytest.approx(10 / 3)
    offset = float(capped_call_offset_shares(300.0, 1_000.0, 100.0, 200.0))
    assert offset == pytest.approx(10 * 100 / 300)
    assert float(net_share_settlement_shares(300.0, 1_000.0, 100.0)) - offset == pytest.approx(
        10 * 100 / 300
    )


@settings(max_examples=50, deadline=None)
@given(
    spot=st.floats(1.0, 1_000.0),
    face=st.floats(1.0, 1e9),
    conversion_price=st.floats(1.0, 500.0),
    cap_multiple=st.floats(1.0, 3.0),
)
def test_net_share_invariants(
    spot: float, face: float, conversion_price: float, cap_multiple: float
) -> None:
    physical = float(conversion_shares(face, conversion_price))
    net = float(net_share_settlement_shares(spot, face, conversion_price))
    assert 0.0 <= net <= physical
    if spot <= conversion_price:
        assert net == 0.0
    else:
        # principal in cash plus the shares is worth the conversion value
        cash = min(face, physical * spot)
        assert cash + net * spot == pytest.approx(physical * spot, rel=1e-12)
    offset = float(
        capped_call_offset_shares(spot, face, conversion_price, conversion_price * cap_multiple)
    )
    assert 0.0 <= offset <= net * (1 + 1e-12)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: capped_call_value(100.0, 150.0, 120.0, 0.5, 0.03, 1.0, 1.0), "cap_strike"),
        (lambda: capped_call_value(100.0, 100.0, 120.0, -0.5, 0.03, 1.0, 1.0), "vol"),
        (lambda: capped_call_value(100.0, 100.0, 120.0, 0.5, 0.03, 1.0, -1.0), "shares"),
        (lambda: conversion_shares(1_000.0, 0.0), "conversion_price_usd"),
        (lambda: net_share_settlement_shares(-1.0, 1_000.0, 100.0), "spot"),
        (lambda: if_converted_diluted_shares(-5.0, 1_000.0, 100.0), "basic_shares"),
        (lambda: capped_call_offset_shares(100.0, 1_000.0, 100.0, 90.0), "cap_price_usd"),
    ],
)
def test_bad_input_raises(call: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()  # type: ignore[operator]


@settings(max_examples=60)
@given(spot=st.floats(0.01, 1e4), face=st.floats(0.0, 2e9), strike=st.floats(0.01, 1e4),
       cap_over=st.none() | st.floats(0.0, 5.0), net_share=st.booleans())
def test_the_scalar_note_conversion_is_the_vectorized_one_bit_for_bit(
        spot: float, face: float, strike: float, cap_over: float | None,
        net_share: bool) -> None:
    cap = None if cap_over is None else strike * (1.0 + cap_over)
    gross, offset = note_conversion_shares(spot, face, strike, cap, net_share=net_share)
    want_gross = (float(net_share_settlement_shares(spot, face, strike)) if net_share
                  else float(conversion_shares(face, strike)))
    want_offset = (0.0 if cap is None
                   else float(capped_call_offset_shares(spot, face, strike, cap)))
    assert (gross, offset) == (want_gross, want_offset)
    with pytest.raises(ValueError, match="cap_price_usd"):
        note_conversion_shares(spot, face, strike, strike * 0.5, net_share=net_share)
    with pytest.raises(ValueError, match="spot"):
        note_conversion_shares(-spot, face, strike, cap, net_share=net_share)


@settings(max_examples=30)
@given(st.lists(st.floats(-40.0, 40.0), min_size=1, max_size=20))
def test_normal_cdf_of_one_value_is_that_of_the_array(xs: list[float]) -> None:
    together = normal_cdf(np.array(xs))
    assert [float(normal_cdf(x)) for x in xs] == together.tolist()
    assert normal_cdf(xs[0]).shape == ()


# where ``math.log``/``math.exp`` and numpy's (SIMD) ones give a different last bit here
LIBM_DIFFERS = (
    (141.45609813734657, 211.31561982936532, 235.77160782181727, 0.6221977675461692,
     0.00331427877194864, 2.4094015280083223, 73400402.69721808),
    (31.824981786265145, 42.26919503868555, 52.982233365679626, 1.042435232898361,
     0.011433926335020243, 4.737939165360886, 76187071.75429331),
)


@pytest.mark.parametrize("args", LIBM_DIFFERS)
def test_the_scalar_capped_call_uses_numpys_log_and_exp(args: tuple[float, ...]) -> None:
    assert capped_call_usd(*args) == float(capped_call_value(*args))


@settings(max_examples=80)
@given(spot=st.floats(0.01, 1e4), strike_over=st.floats(0.01, 3.0), cap_over=st.floats(0.0, 3.0),
       vol=st.floats(0.05, 3.0), rate=st.floats(-0.02, 0.15), years=st.floats(0.01, 10.0),
       shares=st.floats(0.0, 1e9))
def test_the_scalar_capped_call_is_the_vectorized_one_bit_for_bit(
        spot: float, strike_over: float, cap_over: float, vol: float, rate: float,
        years: float, shares: float) -> None:
    low = spot * strike_over
    cap = low * (1.0 + cap_over)
    want = float(capped_call_value(spot, low, cap, vol, rate, years, shares))
    assert capped_call_usd(spot, low, cap, vol, rate, years, shares) == want
    with pytest.raises(ValueError, match="cap_strike"):
        capped_call_usd(spot, cap * 1.5 + 1.0, cap, vol, rate, years, shares)
    with pytest.raises(ValueError, match="vol"):
        capped_call_usd(spot, low, cap, -vol, rate, years, shares)
