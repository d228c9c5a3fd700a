"""Convertible pricer: the TF closed form as second oracle, and properties of any price.

Monotone in spot and spread, never below parity or the bond floor, deltas, array and
scalar calls, and bad input. Agreement with QuantLib is in test_convertibles_quantlib.py.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from abm.finance import convertible_tree
from abm.finance.convertibles import (
    convertible_delta,
    price_and_delta,
    price_convertible,
    tf_european_closed_form,
)

# --- Tsiveriotis-Fernandes: the closed form is the second oracle -------------------------


@pytest.mark.parametrize(("spot", "vol"), [(60.0, 0.6), (100.0, 0.3), (150.0, 0.6), (250.0, 0.4)])
def test_tf_converges_to_closed_form(spot: float, vol: float) -> None:
    exact = float(tf_european_closed_form(spot, vol, 0.05, 0.08, 100.0, 3.0))
    tree = float(
        price_convertible(
            spot, vol, 0.05, 0.08, 100.0, 3.0, steps=2000, scheme="tf", american=False
        )
    )
    # the redemption leg is a digital: the CRR error is O(N^-1/2)
    assert abs(tree / exact - 1.0) < 0.1 / math.sqrt(2000)


def test_tf_error_shrinks_with_steps() -> None:
    args = (100.0, 0.3, 0.05, 0.03, 100.0, 5.0)
    exact = float(tf_european_closed_form(*args))
    # spot on the strike node: the error is a smooth c / sqrt(N)
    errors = {
        n: float(price_convertible(*args, steps=n, scheme="tf", american=False)) - exact
        for n in (500, 2000)
    }
    assert 0.4 < errors[2000] / errors[500] < 0.6
    # elsewhere the error oscillates: compare envelopes over windows of step counts
    off = (60.0, 0.6, 0.05, 0.08, 100.0, 3.0)
    exact_off = float(tf_european_closed_form(*off))
    coarse = price_convertible(*off, steps=np.arange(100, 120), scheme="tf", american=False)
    fine = price_convertible(*off, steps=np.arange(1000, 1020), scheme="tf", american=False)
    assert np.abs(fine - exact_off).max() < 0.5 * np.abs(coarse - exact_off).max()


def test_tf_american_at_least_european_and_parity() -> None:
    spots = np.array([50.0, 100.0, 200.0])
    american = price_convertible(
        spots, 0.4, 0.03, 0.05, 100.0, 4.0, steps=300, scheme="tf", dividend_yield=0.04
    )
    european = price_convertible(
        spots,
        0.4,
        0.03,
        0.05,
        100.0,
        4.0,
        steps=300,
        scheme="tf",
        american=False,
        dividend_yield=0.04,
    )
    assert np.all(american >= european)
    assert np.all(american >= 10.0 * spots)
    assert american[2] > european[2]  # dividends make early conversion worth something


def test_tf_soft_call_lowers_price() -> None:
    kwargs: dict[str, Any] = {"steps": 300, "scheme": "tf", "coupon_rate": 0.03}
    plain = float(price_convertible(120.0, 0.5, 0.03, 0.05, 100.0, 5.0, **kwargs))
    called = float(
        price_convertible(
            120.0, 0.5, 0.03, 0.05, 100.0, 5.0, call_start_years=1.0, call_trigger=1.3, **kwargs
        )
    )
    assert called < plain


# --- properties ----------------------------------------------------------------------------


def straight_bond_floor(
    rate: float,
    spread: float,
    years: float,
    coupon_rate: float,
    freq: int,
    steps: int,
    face: float = 1000.0,
) -> float:
    """Coupons and redemption discounted at r + cs; coupons half a step late (snapping).

    A coupon within 1e-9 years of today counts as paid, as the pricer rounds (a 0.5y note
    stored as 0.5000000000000001 has no second coupon at t = 1e-16).
    """
    y = rate + spread
    dt = years / steps
    value = face * math.exp(-y * years)
    m = 0
    while years - m / freq > 1e-9:
        value += face * coupon_rate / freq * math.exp(-y * (years - m / freq + dt / 2))
        m += 1
    return value


note = st.fixed_dictionaries(
    {
        "vol": st.floats(0.2, 1.0),
        "rate": st.floats(0.0, 0.08),
        "spread": st.floats(0.0, 0.1),
        "years": st.floats(0.5, 7.0),
        "steps": st.integers(20, 300),
        "coupon_rate": st.sampled_from([0.0, 0.02, 0.06]),
        "scheme": st.sampled_from(["quantlib", "tf"]),
    }
)


def _price(spot: float | np.ndarray, spread: float | np.ndarray, n: dict[str, Any]) -> np.ndarray:
    return price_convertible(
        spot,
        n["vol"],
        n["rate"],
        spread,
        100.0,
        n["years"],
        steps=n["steps"],
        coupon_rate=n["coupon_rate"],
        scheme=str(n["scheme"]),
    )


@settings(max_examples=25, deadline=None)
@given(n=note, spot=st.floats(20.0, 400.0), bump=st.floats(0.5, 50.0))
def test_price_rises_with_spot(n: dict[str, Any], spot: float, bump: float) -> None:
    low, high = _price(np.array([spot, spot + bump]), n["spread"], n)
    assert high >= low * (1 - 1e-12)


@settings(max_examples=25, deadline=None, derandomize=True)
@given(n=note, spot=st.floats(20.0, 400.0), extra=st.floats(0.001, 0.05))
def test_price_falls_with_spread_tf(n: dict[str, Any], spot: float, extra: float) -> None:
    # TF only: QuantLib's scheme is not monotone in the spread (next test). TF itself can
    # rise with the spread at extreme spreads (~20%), where converting moves value from
    # the r + cs leg to the r leg, so the range stays realistic.
    n = {**n, "scheme": "tf"}
    spread = float(n["spread"])
    tight, wide = _price(spot, np.array([spread, spread + extra]), n)
    assert wide <= tight * (1 + 1e-12)


@settings(max_examples=25, deadline=None)
@given(n=note, spot=st.floats(10.0, 500.0))
def test_never_below_parity_nor_bond_floor(n: dict[str, Any], spot: float) -> None:
    price = float(_price(spot, n["spread"], n))
    assert price >= 10.0 * spot * (1 - 1e-12)  # American: convertible now
    floor = straight_bond_floor(
        float(n["rate"]),
        float(n["spread"]),
        float(n["years"]),
        float(n["coupon_rate"]),
        2,
        int(n["steps"]),
    )
    assert price >= floor * (1 - 1e-12)


# --- delta -----------------------------------------------------------------------------------


def test_delta_limits_and_finite_difference() -> None:
    args = (0.4, 0.04, 0.03, 100.0, 3.0)
    deep_itm = float(convertible_delta(400.0, *args, steps=300))
    assert 9.9 < deep_itm <= 10.0  # the bond still holds a deep in-the-money call
    converted_now = float(convertible_delta(400.0, *args, steps=300, dividend_yield=0.05))
    assert converted_now == pytest.approx(10.0, rel=1e-12)  # both step-1 nodes convert
    deep_otm = float(convertible_delta(2.0, 0.4, 0.04, 0.1, 100.0, 3.0, steps=300))
    assert 0.0 <= deep_otm < 1e-4
    for scheme in ("quantlib", "tf"):
        spot = 120.0
        delta = float(convertible_delta(spot, *args, steps=400, scheme=scheme))
        h = 0.1 * spot  # wide bump: the tree price is piecewise linear in spot
        up, down = price_convertible(
            np.array([spot + h, spot - h]), *args, steps=400, scheme=scheme
        )
        assert delta == pytest.approx((up - down) / (2 * h), rel=0.05)
        assert 0.0 < delta < 10.0


def test_delta_is_per_bond_and_scales_with_face() -> None:
    small = float(convertible_delta(110.0, 0.5, 0.03, 0.04, 100.0, 2.0, steps=100, face=1000.0))
    big = float(convertible_delta(110.0, 0.5, 0.03, 0.04, 100.0, 2.0, steps=100, face=5000.0))
    assert big == pytest.approx(5.0 * small, rel=1e-12)


# --- broadcasting ----------------------------------------------------------------------------


def test_arrays_match_scalar_calls() -> None:
    rng = np.random.default_rng(7)
    k = 7
    spot = rng.uniform(50, 300, k)
    vol = rng.uniform(0.3, 1.0, k)
    spread = rng.uniform(0, 0.1, k)
    years = rng.uniform(1, 5, k)
    steps = np.array([40, 90, 40, 90, 40, 90, 40])
    american = np.array([True, False, True, True, False, True, True])
    start = np.array([np.nan, 1.0, 0.5, np.nan, 2.0, 0.2, 1.5])
    trigger = np.array([np.nan, 1.3, np.nan, 1.2, 1.4, 1.1, 1.3])
    coupon = np.array([0.0, 0.03, 0.05, 0.0, 0.02, 0.04, 0.01])
    for scheme in ("quantlib", "tf"):
        batch, deltas = price_and_delta(spot, vol, 0.03, spread, 100.0, years, steps=steps,
                                        american=american, call_start_years=start,
                                        call_trigger=trigger, coupon_rate=coupon, scheme=scheme)
        assert batch.shape == (k,)
        for i in range(k):
            kwargs: dict[str, Any] = {
                "steps": int(steps[i]),
                "american": bool(american[i]),
                "scheme": scheme,
                "coupon_rate": float(coupon[i]),
                "call_start_years": None if np.isnan(start[i]) else float(start[i]),
                "call_trigger": None if np.isnan(trigger[i]) else float(trigger[i]),
            }
            one = price_convertible(spot[i], vol[i], 0.03, spread[i], 100.0, years[i], **kwargs)
            one_delta = convertible_delta(
                spot[i], vol[i], 0.03, spread[i], 100.0, years[i], **kwargs
            )
            assert one.shape == ()
            assert float(one) == pytest.approx(batch[i], rel=1e-14)
            assert float(one_delta) == pytest.approx(deltas[i], rel=1e-12)


def test_wide_and_narrow_batches_price_bit_for_bit_alike() -> None:
    # A wide batch broadcasts its per-note constants and, with calls starting at different
    # steps, caps the steps before the last start note by note; one note alone or a narrow
    # batch uses per-node tables and its precomputed caps. Every note's price and delta
    # must be the same floats either way.
    rng = np.random.default_rng(11)
    k = 80
    assert k >= convertible_tree._NARROW_NOTES
    callable_ = rng.random(k) < 0.85
    soft = rng.random(k) < 0.7
    args = (rng.uniform(60, 160, k), rng.uniform(0.25, 0.9, k), 0.035,
            rng.uniform(0.0, 0.09, k), 100.0, 4.0)
    kwargs: dict[str, Any] = {
        "steps": 60, "american": rng.random(k) < 0.8, "coupon_rate": rng.uniform(0, 0.05, k),
        "call_start_years": np.where(callable_, rng.uniform(0.0, 3.5, k), np.nan),
        "call_trigger": np.where(soft, rng.uniform(1.0, 1.5, k), np.nan)}
    wide = price_convertible(*args, **kwargs), convertible_delta(*args, **kwargs)

    def part(index: Any) -> tuple[np.ndarray, np.ndarray]:
        sub = [a[index] if isinstance(a, np.ndarray) else a for a in args]
        sub_kwargs = {key: v[index] if isinstance(v, np.ndarray) else v
                      for key, v in kwargs.items()}
        return price_convertible(*sub, **sub_kwargs), convertible_delta(*sub, **sub_kwargs)

    for i in range(0, k, 7):
        price, delta = part(slice(i, i + 1))
        assert price[0] == wide[0][i] and delta[0] == wide[1][i]
    narrow = part(slice(0, 11))
    assert np.array_equal(narrow[0], wide[0][:11]) and np.array_equal(narrow[1], wide[1][:11])


def test_shapes_broadcast() -> None:
    spot = np.linspace(60, 200, 5).reshape(5, 1)
    vol = np.array([0.3, 0.5, 0.8])
    prices = price_convertible(spot, vol, 0.03, 0.04, 100.0, 3.0, steps=60)
    assert prices.shape == (5, 3)
    assert convertible_delta(spot, vol, 0.03, 0.04, 100.0, 3.0, steps=60).shape == (5, 3)
    assert prices[2, 1] == pytest.approx(
        float(price_convertible(spot[2, 0], 0.5, 0.03, 0.04, 100.0, 3.0, steps=60)), rel=1e-14
    )
    assert np.all(np.diff(prices, axis=1) > 0)  # more vol, more option value
    assert price_convertible(100.0, 0.3, 0.03, 0.04, 100.0, np.ones((2, 1, 4)), steps=10).shape == (
        2,
        1,
        4,
    )


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"vol": -0.2}, "vol must be positive"),
        ({"vol": 0.0}, "vol must be positive"),
        ({"steps": 0}, "steps must be an integer >= 1"),
        ({"steps": 2.5}, "steps must be an integer >= 1"),
        ({"scheme": "bs"}, "unknown scheme 'bs'"),
        ({"spot": np.ones(3), "vol": np.full(4, 0.3)}, "do not broadcast"),
        ({"spot": -1.0}, "spot must be positive"),
        ({"conversion_price": 0.0}, "conversion_price must be positive"),
        ({"maturity_years": np.nan}, "maturity_years must be positive"),
        ({"coupons_per_year": 0}, "coupons_per_year must be an integer"),
        ({"call_start_years": 1.0, "call_price": -5.0}, "call_price must be positive"),
        ({"call_start_years": 1.0, "call_trigger": -1.0}, "call_trigger"),
        ({"vol": 0.01, "rate": 0.5, "steps": 2}, "probability"),
    ],
)
def test_bad_input_raises(kwargs: dict[str, Any], message: str) -> None:
    args: dict[str, Any] = {
        "spot": 100.0,
        "vol": 0.3,
        "rate": 0.03,
        "credit_spread": 0.02,
        "conversion_price": 100.0,
        "maturity_years": 2.0,
        "steps": 20,
    }
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        price_convertible(**args)
