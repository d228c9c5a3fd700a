"""The coupon schedule generator against QuantLib's Schedule and day counters, and its checks.

Pricing on the schedules, against QuantLib's convertible engine, is in
test_coupon_schedule_quantlib.py.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
import QuantLib as ql
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from abm.finance.coupon_schedule import (
    DAY_COUNTS,
    DayCount,
    add_months,
    coupon_schedule,
    schedule_dates,
    stack_schedules,
    year_fraction,
)
from agents.neoclouds.specs import ConvertibleSpec

QL_DAY_COUNTS = {"30/360": ql.Thirty360(ql.Thirty360.BondBasis),
                 "actual/365": ql.Actual365Fixed(), "actual/360": ql.Actual360()}


def qd(day: dt.date) -> ql.Date:
    return ql.Date(day.day, day.month, day.year)


def py(day: ql.Date) -> dt.date:
    return dt.date(day.year(), day.month(), day.dayOfMonth())


def ql_schedule(start: dt.date, maturity: dt.date, freq: int) -> list[dt.date]:
    schedule = ql.Schedule(qd(start), qd(maturity), ql.Period(12 // freq, ql.Months),
                           ql.NullCalendar(), ql.Unadjusted, ql.Unadjusted,
                           ql.DateGeneration.Backward, False)
    return [py(d) for d in schedule]


dates = st.dates(dt.date(2020, 1, 1), dt.date(2034, 12, 31))


@settings(max_examples=300, deadline=None)
@given(start=dates, years=st.integers(0, 8), days=st.integers(1, 400),
       freq=st.sampled_from([1, 2, 4, 12]))
def test_dates_match_quantlib_backward_schedule(start: dt.date, years: int, days: int,
                                                freq: int) -> None:
    maturity = start + dt.timedelta(days=365 * years + days)
    assert schedule_dates(start, maturity, freq) == ql_schedule(start, maturity, freq)


@settings(max_examples=300, deadline=None)
@given(start=dates, days=st.integers(0, 800), day_count=st.sampled_from(DAY_COUNTS))
def test_year_fractions_match_quantlib_day_counters(start: dt.date, days: int,
                                                    day_count: DayCount) -> None:
    end = start + dt.timedelta(days=days)
    expected = QL_DAY_COUNTS[day_count].yearFraction(qd(start), qd(end))
    assert year_fraction(start, end, day_count) == pytest.approx(expected, rel=1e-15, abs=0.0)


@pytest.mark.parametrize("day_count", DAY_COUNTS)
def test_a_schedule_is_quantlibs_coupons_after_the_valuation_date(day_count: DayCount) -> None:
    # a short first period (issued 20 Nov, first coupon 1 Mar), 31st-of-month dates,
    # valued inside the second period
    valuation, maturity, issue = dt.date(2025, 4, 10), dt.date(2029, 8, 31), dt.date(2024, 11, 20)
    ours = coupon_schedule(valuation, maturity, 0.05, 4, day_count, issue_date=issue, face=100.0)
    ql.Settings.instance().evaluationDate = qd(valuation)
    schedule = ql.Schedule(qd(issue), qd(maturity), ql.Period(3, ql.Months), ql.NullCalendar(),
                           ql.Unadjusted, ql.Unadjusted, ql.DateGeneration.Backward, False)
    bond = ql.FixedRateBond(0, 100.0, schedule, [0.05], QL_DAY_COUNTS[day_count])
    coupons = [ql.as_fixed_rate_coupon(c) for c in bond.cashflows()[:-1]]
    later = [c for c in coupons if py(c.date()) > valuation]
    assert ours.payment_dates == tuple(py(c.date()) for c in later)
    assert ours.accrual_starts == tuple(py(c.accrualStartDate()) for c in later)
    assert ours.accrual_starts[0] == dt.date(2025, 2, 28)  # 31 Aug - 6 months
    assert np.allclose(ours.accrual_fractions, [c.accrualPeriod() for c in later],
                       rtol=1e-15, atol=0.0)
    assert np.allclose(ours.amounts, [c.amount() for c in later], rtol=1e-13, atol=0.0)
    assert ours.accrued_interest == pytest.approx(bond.accruedAmount(qd(valuation)), rel=1e-12)
    assert np.array_equal(ours.times_years,
                          [(d - valuation).days / 365.0 for d in ours.payment_dates])
    first = coupon_schedule(dt.date(2024, 11, 25), maturity, 0.05, 4, day_count,
                            issue_date=issue, face=100.0)
    assert first.accrual_starts[0] == issue and first.payment_dates[0] == dt.date(2024, 11, 30)


def test_without_an_issue_date_every_period_is_whole() -> None:
    s = coupon_schedule(dt.date(2025, 11, 6), dt.date(2029, 12, 15), 0.035, 2, "30/360")
    assert s.accrual_starts[0] == dt.date(2025, 6, 15)
    assert s.payment_dates[0] == dt.date(2025, 12, 15) and len(s.payment_dates) == 9
    assert np.all(s.amounts == 17.5)
    assert s.accrued_interest == pytest.approx(1000 * 0.035 * 141 / 360, rel=1e-14)
    # the valuation date's own coupon has been paid: the next one is the first
    on_date = coupon_schedule(dt.date(2025, 12, 15), dt.date(2029, 12, 15), 0.035, 2)
    assert on_date.payment_dates[0] == dt.date(2026, 6, 15) and on_date.accrued_interest == 0.0


def test_month_arithmetic_keeps_the_day_or_the_months_end() -> None:
    assert add_months(dt.date(2029, 8, 31), -6) == dt.date(2029, 2, 28)
    assert add_months(dt.date(2029, 8, 31), -18) == dt.date(2028, 2, 29)
    assert add_months(dt.date(2025, 1, 15), -1) == dt.date(2024, 12, 15)
    assert add_months(dt.date(2024, 12, 31), 2) == dt.date(2025, 2, 28)


def test_stack_pads_with_nan() -> None:
    long = coupon_schedule(dt.date(2025, 1, 1), dt.date(2027, 6, 30), 0.04, 2)
    short = coupon_schedule(dt.date(2025, 1, 1), dt.date(2025, 9, 30), 0.02, 4)
    times, amounts = stack_schedules([long, short])
    assert times.shape == amounts.shape == (2, 5)
    assert np.array_equal(times[0], long.times_years) and np.array_equal(amounts[0], long.amounts)
    assert np.array_equal(times[1, :3], short.times_years)
    assert np.isnan(times[1, 3:]).all() and np.isnan(amounts[1, 3:]).all()
    with pytest.raises(ValueError, match="at least one"):
        stack_schedules([])


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"coupons_per_year": 5}, "coupons_per_year"),
    ({"day_count": "act/act"}, "unknown day count"),
    ({"coupon_rate": -0.01}, "coupon_rate"),
    ({"coupon_rate": float("nan")}, "coupon_rate"),
    ({"face": 0.0}, "face"),
    ({"maturity_date": dt.date(2025, 1, 1)}, "after valuation"),
    ({"issue_date": dt.date(2030, 1, 1)}, "before maturity"),
])
def test_bad_terms_are_refused(kwargs: dict[str, object], match: str) -> None:
    args: dict[str, object] = {"valuation_date": dt.date(2025, 1, 1),
                               "maturity_date": dt.date(2029, 12, 15), "coupon_rate": 0.03,
                               "coupons_per_year": 2, "day_count": "30/360"}
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        coupon_schedule(**args)  # type: ignore[arg-type]


def test_the_note_spec_validates_its_coupon_terms() -> None:
    base = {"name": "n", "principal_usd": 1e8, "coupon_rate": 0.03,
            "maturity_date": dt.date(2029, 12, 15), "conversion_price_usd": 10.0}
    spec = ConvertibleSpec(**base)  # type: ignore[arg-type]
    assert (spec.coupons_per_year, spec.day_count) == (2, "30/360")
    assert ConvertibleSpec(**base, coupons_per_year=4,  # type: ignore[arg-type]
                           day_count="actual/365").coupons_per_year == 4
    with pytest.raises(ValidationError, match="coupons_per_year"):
        ConvertibleSpec(**base, coupons_per_year=5)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="day_count"):
        ConvertibleSpec(**base, day_count="act/act")  # type: ignore[arg-type]
