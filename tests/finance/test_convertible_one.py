"""The one-note rollback on floats gives the vectorized rollback's numbers, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from abm.finance.convertible_one import rollback_quantlib_one
from abm.finance.convertible_tree import NoteBatch, rollback_quantlib
from abm.finance.convertibles import price_and_delta


def batch(copies: int, **terms: float | bool) -> NoteBatch:
    """``copies`` of one note in per-100 units (a second copy makes the batch vectorized)."""
    def col(value: float | bool, dtype: type = np.float64) -> np.ndarray:
        return np.full(copies, value, dtype=dtype)

    return NoteBatch(
        spot=col(terms["spot"]), vol=col(terms["vol"]), rate=col(terms["rate"]),
        credit_spread=col(terms["credit_spread"]), dividend_yield=col(0.0),
        maturity_years=col(terms["maturity_years"]),
        conversion_ratio_per_100=col(100.0 / float(terms["conversion_price"])),
        coupon_per_100=col(100.0 * float(terms["coupon_rate"]) / 2.0),
        coupons_per_year=col(2, np.int64), american=col(bool(terms["american"]), np.bool_),
        call_start_years=col(terms["call_start_years"]), call_trigger=col(terms["call_trigger"]),
        call_price_per_100=col(100.0))


notes = st.fixed_dictionaries({
    "spot": st.floats(20.0, 200.0), "vol": st.floats(0.15, 1.2),
    "rate": st.floats(0.0, 0.08), "credit_spread": st.floats(0.0, 0.12),
    "maturity_years": st.floats(0.5, 7.0), "conversion_price": st.floats(20.0, 300.0),
    "coupon_rate": st.sampled_from([0.0, 0.0125, 0.04]), "american": st.booleans(),
    "call_start_years": st.one_of(st.just(float("nan")), st.floats(0.0, 6.0)),
    "call_trigger": st.one_of(st.just(float("nan")), st.floats(1.0, 1.6)),
})


@settings(max_examples=60, deadline=None)
@given(terms=notes, steps=st.integers(2, 90))
def test_one_note_on_floats_matches_the_vectorized_rollback(terms: dict[str, float],
                                                            steps: int) -> None:
    one = rollback_quantlib_one(batch(1, **terms), steps)
    two = rollback_quantlib(batch(2, **terms), steps)
    for ours, vectorized in zip(one, two, strict=True):
        assert ours.shape == (1,)
        np.testing.assert_array_equal(ours, vectorized[:1], strict=True)  # NaN = NaN


def test_a_single_note_takes_the_float_path_with_the_same_price() -> None:
    kwargs = {"coupon_rate": 0.0125, "steps": 200, "call_start_years": 3.0,
              "call_trigger": 1.3}
    alone = price_and_delta(61.0, 0.7, 0.04, 0.05, 80.0, 5.0, **kwargs)
    paired = price_and_delta(np.array([61.0, 61.0]), 0.7, 0.04, 0.05, 80.0, 5.0, **kwargs)
    assert alone[0] == paired[0][0] and alone[1] == paired[1][0]


def test_it_refuses_a_batch_it_was_not_written_for() -> None:
    terms = {"spot": 100.0, "vol": 0.5, "rate": 0.03, "credit_spread": 0.04,
             "maturity_years": 5.0, "conversion_price": 130.0, "coupon_rate": 0.0,
             "american": True, "call_start_years": 2.0, "call_trigger": 1.3}
    with pytest.raises(ValueError, match="one note"):
        rollback_quantlib_one(batch(2, **terms), 100)
    with pytest.raises(ValueError, match="at least 2 steps"):
        rollback_quantlib_one(batch(1, **terms), 1)
