"""A note's coupon schedule from its indenture's terms: payment dates, accruals, amounts.

Dates are generated backward from maturity in steps of ``12 / coupons_per_year`` months,
as QuantLib's ``Schedule`` does with ``DateGeneration.Backward``, no calendar and
``Unadjusted`` dates (a US indenture pays on its fixed dates; a payment due on a holiday is
paid the next business day with no extra interest, so the amounts do not change). Each
date is ``maturity - k * tenor`` computed from maturity (not step by step), the day kept or,
past the month's end, the month's last day (31 Aug - 6 months is 28 Feb, - 12 months is
31 Aug again).

The first accrual period starts at ``issue_date`` when it is given (a short first period
when it falls between two regular dates), else at the last regular date on or before the
valuation date. Each coupon pays ``face * coupon_rate * year_fraction(start, end)`` by the
note's day count on its end date. Only coupons paid after the valuation date are kept, as
QuantLib's convertible engine keeps them: the valuation date's own coupon has been paid,
and the next one is paid in full, the interest accrued before the valuation date included
(prices on the tree are dirty; ``accrued_interest`` is what to subtract for a clean one).

Times are Actual/365 Fixed year fractions from the valuation date, the pricer's clock
(:mod:`abm.finance.convertibles`).
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np

from abm.finance.convertible_tree import FloatArray

DayCount = Literal["30/360", "actual/365", "actual/360"]
"""``30/360``: twelve 30-day months in a 360-day year, as US indentures state it (QuantLib's
``Thirty360(BondBasis)``); ``actual/365``: actual days over 365 (``Actual365Fixed``);
``actual/360``: actual days over 360 (``Actual360``)."""
DAY_COUNTS: tuple[str, ...] = get_args(DayCount)
COUPON_FREQUENCIES: tuple[int, ...] = (1, 2, 3, 4, 6, 12)
"""Coupons a year whose tenor is a whole number of months."""
DAYS_PER_YEAR_PRICER = 365.0
"""The pricer's clock: Actual/365 Fixed year fractions."""


@dataclass(frozen=True)
class CouponSchedule:
    """The coupons a note still pays after ``valuation_date``, in payment order.

    ``accrual_starts`` and ``payment_dates`` bound each accrual period; ``accrual_fractions``
    are their year fractions by the day count; ``times_years`` are the payment dates in
    Actual/365 Fixed years from the valuation date; ``amounts`` and ``accrued_interest``
    are in the currency of ``face`` per note.
    """

    valuation_date: dt.date
    accrual_starts: tuple[dt.date, ...]
    payment_dates: tuple[dt.date, ...]
    accrual_fractions: tuple[float, ...]
    times_years: FloatArray
    amounts: FloatArray
    accrued_interest: float


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by ``months`` (may be negative), clamped to the month's last day."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = (dt.date(year + (month == 11), (month + 1) % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month + 1, min(day.day, last))


def year_fraction(start: dt.date, end: dt.date, day_count: DayCount) -> float:
    """Year fraction between two dates by ``day_count`` (see :data:`DayCount`)."""
    if day_count == "30/360":
        d1 = min(start.day, 30)
        d2 = 30 if end.day == 31 and d1 == 30 else end.day
        days = 360 * (end.year - start.year) + 30 * (end.month - start.month) + d2 - d1
        return days / 360.0
    if day_count == "actual/365":
        return (end - start).days / 365.0
    if day_count == "actual/360":
        return (end - start).days / 360.0
    raise ValueError(f"unknown day count {day_count!r}: expected one of {DAY_COUNTS}")


def schedule_dates(start: dt.date, maturity_date: dt.date, coupons_per_year: int) -> list[dt.date]:
    """Period bounds from ``start`` to ``maturity_date``, generated backward from maturity.

    QuantLib's ``DateGeneration.Backward``: ``maturity - k * tenor`` for ``k = 0, 1, ...``
    while on or after ``start``, then ``start`` itself if no regular date fell on it (a
    short first period). Ascending; the first date is ``start``, the last ``maturity_date``.
    """
    _check_frequency(coupons_per_year)
    if start >= maturity_date:
        raise ValueError(f"start ({start}) must be before maturity ({maturity_date})")
    tenor = 12 // coupons_per_year
    dates = [maturity_date]
    k = 1
    while (day := add_months(maturity_date, -k * tenor)) >= start:
        dates.append(day)
        k += 1
    if dates[-1] != start:
        dates.append(start)
    return dates[::-1]


def coupon_schedule(
    valuation_date: dt.date,
    maturity_date: dt.date,
    coupon_rate: float,
    coupons_per_year: int,
    day_count: DayCount = "30/360",
    *,
    issue_date: dt.date | None = None,
    face: float = 1000.0,
) -> CouponSchedule:
    """The coupons of a fixed-rate note paid after ``valuation_date`` (module docstring).

    ``coupon_rate`` is annual on ``face``; ``issue_date`` (optional) starts the first
    accrual period, else regular periods run back past the valuation date.

    Raises:
        ValueError: on a maturity not after the valuation date, an issue date not before
            maturity, a frequency not in :data:`COUPON_FREQUENCIES`, an unknown day count,
            or a negative or non-finite rate or a non-positive face.

    """
    _check_frequency(coupons_per_year)
    if day_count not in DAY_COUNTS:
        raise ValueError(f"unknown day count {day_count!r}: expected one of {DAY_COUNTS}")
    if not (math.isfinite(coupon_rate) and coupon_rate >= 0.0):
        raise ValueError(f"coupon_rate must be finite and >= 0, got {coupon_rate}")
    if not (math.isfinite(face) and face > 0.0):
        raise ValueError(f"face must be positive and finite, got {face}")
    if maturity_date <= valuation_date:
        raise ValueError(f"maturity ({maturity_date}) must be after valuation ({valuation_date})")
    if issue_date is None:
        tenor = 12 // coupons_per_year
        k = 1
        while (start := add_months(maturity_date, -k * tenor)) > valuation_date:
            k += 1
    else:
        start = issue_date
    bounds = schedule_dates(start, maturity_date, coupons_per_year)
    periods = [(a, b) for a, b in itertools.pairwise(bounds) if b > valuation_date]
    fractions = tuple(year_fraction(a, b, day_count) for a, b in periods)
    running = [(a, valuation_date) for a, b in periods if a < valuation_date < b]
    accrued = sum(face * coupon_rate * year_fraction(a, b, day_count) for a, b in running)
    return CouponSchedule(
        valuation_date=valuation_date,
        accrual_starts=tuple(a for a, _ in periods),
        payment_dates=tuple(b for _, b in periods),
        accrual_fractions=fractions,
        times_years=np.array([(b - valuation_date).days / DAYS_PER_YEAR_PRICER
                              for _, b in periods]),
        amounts=np.array([face * coupon_rate * f for f in fractions]),
        accrued_interest=accrued,
    )


def stack_schedules(schedules: Sequence[CouponSchedule]) -> tuple[FloatArray, FloatArray]:
    """``(coupon_times_years, coupon_amounts)`` of many notes, one row each, NaN-padded.

    The arrays the pricer takes for a batch of notes (``price_and_delta``'s
    ``coupon_times_years`` and ``coupon_amounts``), ``(len(schedules), most coupons)``.
    """
    if not schedules:
        raise ValueError("stack_schedules needs at least one schedule")
    width = max(1, max(s.times_years.size for s in schedules))
    times = np.full((len(schedules), width), np.nan)
    amounts = np.full((len(schedules), width), np.nan)
    for row, s in enumerate(schedules):
        times[row, : s.times_years.size] = s.times_years
        amounts[row, : s.amounts.size] = s.amounts
    return times, amounts


def _check_frequency(coupons_per_year: int) -> None:
    if coupons_per_year not in COUPON_FREQUENCIES:
        raise ValueError(f"coupons_per_year must be one of {COUPON_FREQUENCIES}, "
                         f"got {coupons_per_year!r}")
