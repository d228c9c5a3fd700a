"""Notes priced on their indenture's coupon schedule vs QuantLib's ConvertibleFixedCouponBond.

QuantLib builds the coupons from a real Schedule (Backward from maturity, unadjusted) and a
day counter; the pricer takes the same coupons from coupon_schedule. Held-out cases: none
of these notes was used to write the code. The shorthand (coupon_rate, coupons_per_year)
is shown to miss QuantLib on the same notes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pytest
import QuantLib as ql
from hypothesis import given, settings
from hypothesis import strategies as st

from abm.finance.convertibles import convertible_delta, price_and_delta, price_convertible
from abm.finance.coupon_schedule import DayCount, coupon_schedule, stack_schedules

REL_TOL = 1e-10
QL_DAY_COUNTS = {"30/360": ql.Thirty360(ql.Thirty360.BondBasis),
                 "actual/365": ql.Actual365Fixed(), "actual/360": ql.Actual360()}


@dataclass(frozen=True)
class Note:
    """A note valued on ``today``; ``issue`` None: whole periods back past ``today``."""

    today: dt.date
    maturity: dt.date
    coupon_rate: float
    freq: int
    day_count: DayCount
    spot: float
    vol: float = 0.5
    rate: float = 0.04
    spread: float = 0.05
    steps: int = 400
    issue: dt.date | None = None
    call_start: dt.date | None = None
    call_trigger: float = 1.3
    conv_price: float = 100.0
    puts: tuple[dt.date, ...] = ()
    put_price: float = 1000.0

    @property
    def years(self) -> float:
        return (self.maturity - self.today).days / 365.0


def qd(day: dt.date) -> ql.Date:
    return ql.Date(day.day, day.month, day.year)


def quantlib_price(note: Note) -> float:
    """QuantLib's NPV per 1,000 (its notional is 100)."""
    today = qd(note.today)
    ql.Settings.instance().evaluationDate = today
    dc, cal = ql.Actual365Fixed(), ql.NullCalendar()
    schedule_of_note = coupon_schedule(note.today, note.maturity, note.coupon_rate, note.freq,
                                       note.day_count, issue_date=note.issue)
    first = schedule_of_note.accrual_starts[0] if note.issue is None else note.issue
    schedule = ql.Schedule(qd(first), qd(note.maturity), ql.Period(12 // note.freq, ql.Months),
                           cal, ql.Unadjusted, ql.Unadjusted, ql.DateGeneration.Backward, False)
    calls = ql.CallabilitySchedule()
    if note.call_start is not None:
        day = qd(note.call_start)
        while day <= qd(note.maturity):
            price = ql.BondPrice(100.0, ql.BondPrice.Dirty)
            calls.append(ql.SoftCallability(price, day, note.call_trigger))
            day += 1
    for day in note.puts:
        calls.append(ql.Callability(ql.BondPrice(note.put_price / 10.0, ql.BondPrice.Dirty),
                                    ql.Callability.Put, qd(day)))
    bond = ql.ConvertibleFixedCouponBond(
        ql.AmericanExercise(today, qd(note.maturity)), 100.0 / note.conv_price, calls,
        qd(first), 0, [note.coupon_rate], QL_DAY_COUNTS[note.day_count], schedule, 100.0)
    process = ql.BlackScholesMertonProcess(
        ql.QuoteHandle(ql.SimpleQuote(note.spot)),
        ql.YieldTermStructureHandle(ql.FlatForward(today, 0.0, dc)),
        ql.YieldTermStructureHandle(ql.FlatForward(today, note.rate, dc)),
        ql.BlackVolTermStructureHandle(ql.BlackConstantVol(today, cal, note.vol, dc)))
    bond.setPricingEngine(ql.BinomialConvertibleEngine(
        process, "crr", note.steps, ql.QuoteHandle(ql.SimpleQuote(note.spread)),
        ql.DividendSchedule()))
    return float(bond.NPV()) * 10.0


def _call_years(note: Note) -> float | None:
    return None if note.call_start is None else (note.call_start - note.today).days / 365.0


def our_price(note: Note, *, shorthand: bool = False) -> float:
    if shorthand:
        coupons: dict[str, object] = {"coupon_rate": note.coupon_rate,
                                      "coupons_per_year": note.freq}
    else:
        s = coupon_schedule(note.today, note.maturity, note.coupon_rate, note.freq,
                            note.day_count, issue_date=note.issue)
        coupons = {"coupon_times_years": s.times_years, "coupon_amounts": s.amounts}
    return float(price_convertible(
        note.spot, note.vol, note.rate, note.spread, note.conv_price, note.years,
        steps=note.steps, call_start_years=_call_years(note),
        call_trigger=None if note.call_start is None else note.call_trigger,
        put_times_years=[(d - note.today).days / 365.0 for d in note.puts] or None,
        put_price=note.put_price, **coupons))  # type: ignore[arg-type]


HELD_OUT = [
    # IREN's 2029 note's terms on 6 Nov 2025, near the bond floor and at the money
    Note(dt.date(2025, 11, 6), dt.date(2029, 12, 15), 0.035, 2, "30/360", 8.0, 0.9,
         conv_price=13.64, steps=500),
    Note(dt.date(2025, 11, 6), dt.date(2030, 6, 15), 0.0325, 2, "30/360", 16.0, 0.9,
         conv_price=16.81, steps=500),
    # a short first period: issued 20 Nov, first coupon 1 Mar
    Note(dt.date(2025, 1, 15), dt.date(2029, 3, 1), 0.05, 2, "actual/365", 80.0, 0.4,
         spread=0.08, issue=dt.date(2024, 11, 20)),
    # semiannual on a day count that is not 30/360, valued mid-period
    Note(dt.date(2025, 1, 15), dt.date(2029, 3, 1), 0.06, 2, "actual/365", 50.0, 0.3),
    Note(dt.date(2024, 5, 2), dt.date(2027, 10, 31), 0.045, 2, "actual/360", 70.0, 0.6,
         steps=250),
    # quarterly, month-end dates, a short first period and a soft call
    Note(dt.date(2025, 1, 15), dt.date(2028, 8, 31), 0.07, 4, "30/360", 60.0, 0.3,
         rate=0.03, spread=0.06, steps=300, issue=dt.date(2025, 1, 10),
         call_start=dt.date(2026, 1, 1)),
    # valued on a coupon date: that coupon is paid, not priced
    Note(dt.date(2025, 6, 15), dt.date(2029, 12, 15), 0.035, 2, "30/360", 10.0, 0.6,
         conv_price=13.64, steps=500),
    # soft call live soon, in the money
    Note(dt.date(2025, 3, 3), dt.date(2030, 9, 1), 0.02, 2, "30/360", 140.0, 0.7,
         spread=0.03, call_start=dt.date(2025, 9, 1), call_trigger=1.2, steps=600),
    # holders' puts on coupon dates, at par and above, one with a soft call
    Note(dt.date(2025, 2, 10), dt.date(2030, 12, 1), 0.03, 2, "30/360", 40.0, 0.5,
         spread=0.09, puts=(dt.date(2027, 12, 1), dt.date(2028, 12, 1))),
    Note(dt.date(2025, 2, 10), dt.date(2030, 12, 1), 0.01, 4, "actual/365", 90.0, 0.8,
         spread=0.07, issue=dt.date(2024, 12, 20), puts=(dt.date(2028, 3, 1),),
         put_price=1050.0, call_start=dt.date(2027, 12, 1), steps=500),
    # zero coupon: the schedule carries zeros
    Note(dt.date(2025, 3, 3), dt.date(2031, 7, 1), 0.0, 2, "30/360", 60.0, 0.6,
         call_start=dt.date(2028, 10, 9)),
]


@pytest.mark.parametrize("note", HELD_OUT, ids=lambda n: f"{n.maturity}-{n.day_count}-S{n.spot:g}")
def test_schedule_prices_equal_quantlibs(note: Note) -> None:
    assert our_price(note) == pytest.approx(quantlib_price(note), rel=REL_TOL, abs=0.0)


def test_the_shorthand_misses_where_the_schedule_agrees() -> None:
    misses = [abs(our_price(n, shorthand=True) / quantlib_price(n) - 1.0) for n in HELD_OUT]
    # full coupons on evenly spaced years: a short first period, a coupon paid on the
    # valuation date and real day counts all move the price by up to a few percent
    assert max(misses) > 0.005
    assert sum(m > 1e-6 for m in misses) >= 5
    assert misses[-1] < REL_TOL  # no coupons: nothing to place


@settings(max_examples=25, deadline=None)
@given(today=st.dates(dt.date(2024, 1, 1), dt.date(2026, 12, 31)),
       days=st.integers(200, 2200), issue_back=st.integers(1, 300),
       freq=st.sampled_from([1, 2, 4]), coupon=st.sampled_from([0.0, 0.0325, 0.08]),
       day_count=st.sampled_from(["30/360", "actual/365", "actual/360"]),
       spot=st.floats(20.0, 200.0), vol=st.floats(0.25, 1.0), steps=st.integers(20, 500),
       called=st.booleans())
def test_schedule_prices_equal_quantlibs_hypothesis(
        today: dt.date, days: int, issue_back: int, freq: int, coupon: float,
        day_count: DayCount, spot: float, vol: float, steps: int, called: bool) -> None:
    maturity = today + dt.timedelta(days=days)
    # at most a step every two days, so that QuantLib's daily call dates reach every step of
    # the call window as the pricer's call does (test_convertibles_quantlib.comparable)
    note = Note(today, maturity, coupon, freq, day_count, spot, vol, steps=min(steps, days // 2),
                issue=today - dt.timedelta(days=issue_back),
                call_start=today + dt.timedelta(days=days // 3) if called else None)
    assert our_price(note) == pytest.approx(quantlib_price(note), rel=REL_TOL, abs=0.0)


def test_a_put_binds_where_the_bond_is_worth_less() -> None:
    note = HELD_OUT[-3]
    without = our_price(Note(note.today, note.maturity, note.coupon_rate, note.freq,
                             note.day_count, note.spot, note.vol, spread=note.spread))
    assert our_price(note) > without + 10.0  # deep credit spread: the put is worth a lot
    assert our_price(note) == pytest.approx(quantlib_price(note), rel=REL_TOL, abs=0.0)
    put_years = [(d - note.today).days / 365.0 for d in note.puts]
    tf = [float(price_convertible(note.spot, note.vol, note.rate, note.spread, note.conv_price,
                                  note.years, coupon_rate=note.coupon_rate, scheme="tf",
                                  put_times_years=puts)) for puts in (None, put_years)]
    assert tf[1] > tf[0] + 10.0


def test_a_batch_of_schedules_prices_each_note_as_alone() -> None:
    notes = HELD_OUT[:4]
    schedules = [coupon_schedule(n.today, n.maturity, n.coupon_rate, n.freq, n.day_count,
                                 issue_date=n.issue) for n in notes]
    times, amounts = stack_schedules(schedules)
    spots = np.array([[n.spot for n in notes], [2.0 * n.spot for n in notes]])
    args = ([n.vol for n in notes], [n.rate for n in notes], [n.spread for n in notes],
            [n.conv_price for n in notes], [n.years for n in notes])
    price, delta = price_and_delta(spots, *args, steps=[n.steps for n in notes],
                                   coupon_times_years=times, coupon_amounts=amounts)
    assert price.shape == delta.shape == (2, 4)
    for i, (n, s) in enumerate(zip(notes, schedules, strict=True)):
        alone = price_and_delta(n.spot, n.vol, n.rate, n.spread, n.conv_price, n.years,
                                steps=n.steps, coupon_times_years=s.times_years,
                                coupon_amounts=s.amounts)
        assert price[0, i] == pytest.approx(float(alone[0]), rel=1e-14)
        assert delta[0, i] == pytest.approx(float(alone[1]), rel=1e-12)
    assert price[0, 0] == pytest.approx(quantlib_price(notes[0]), rel=REL_TOL)
    tf = price_convertible(spots, *args, steps=200, scheme="tf",
                           coupon_times_years=times, coupon_amounts=amounts)
    assert np.all(np.isfinite(tf)) and np.all(tf > 0)


def test_a_schedule_of_the_shorthand_gives_the_shorthands_price() -> None:
    years, freq, rate = 4.3, 2, 0.05
    times = years - np.arange(9) / freq
    kwargs = {"steps": 300, "call_start_years": 1.5, "call_trigger": 1.3}
    short = price_convertible(90.0, 0.5, 0.04, 0.05, 100.0, years, coupon_rate=rate,
                              coupons_per_year=freq, **kwargs)
    explicit = price_convertible(90.0, 0.5, 0.04, 0.05, 100.0, years, coupon_times_years=times,
                                 coupon_amounts=np.full(9, 1000.0 * rate / freq), **kwargs)
    assert explicit == pytest.approx(short, rel=1e-14)
    delta = convertible_delta(90.0, 0.5, 0.04, 0.05, 100.0, years, coupon_times_years=times,
                              coupon_amounts=np.full(9, 25.0), **kwargs)
    assert 0.0 < float(delta) < 10.0


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"coupon_times_years": [1.0]}, "both"),
    ({"coupon_times_years": [1.0], "coupon_amounts": [10.0], "coupon_rate": 0.02}, "not both"),
    ({"coupon_times_years": [1.0, 2.0], "coupon_amounts": [10.0]}, "one shape"),
    ({"coupon_times_years": 1.0, "coupon_amounts": 10.0}, "one shape"),
    ({"coupon_times_years": [1.0, np.nan], "coupon_amounts": [10.0, 5.0]}, "NaN together"),
    ({"coupon_times_years": [1.0, np.inf], "coupon_amounts": [10.0, 5.0]}, "finite"),
    ({"coupon_times_years": [1.0, 3.5], "coupon_amounts": [10.0, 5.0]}, "before maturity"),
    ({"coupon_times_years": [[1.0], [2.0]], "coupon_amounts": [[1.0], [2.0]],
      "spot": [1.0, 2.0, 3.0]}, "broadcast"),
    ({"put_times_years": [1.0, 3.5]}, "put_times_years"),
    ({"put_times_years": [1.0], "put_price": -5.0}, "put_price"),
])
def test_bad_schedules_are_refused(kwargs: dict[str, object], match: str) -> None:
    args: dict[str, object] = {"spot": 100.0, "vol": 0.5, "rate": 0.04, "credit_spread": 0.05,
                               "conversion_price": 100.0, "maturity_years": 3.0, "steps": 50}
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        price_convertible(**args)  # type: ignore[arg-type]
