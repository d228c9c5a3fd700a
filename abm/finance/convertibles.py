"""Convertible note pricing on a Cox-Ross-Rubinstein tree, vectorized over a batch of notes.

Every numeric argument broadcasts; the broadcast shape is the batch, handled as a numpy
dimension (notes are processed in cache-sized chunks; the tree loop runs over time
steps, never over notes). Prices are per ``face`` (e.g. USD per 1,000 note); the
conversion ratio is ``face / conversion_price`` shares per note.

Schemes
-------
``"quantlib"``
    Reproduces QuantLib's ``BinomialConvertibleEngine`` with the ``"crr"`` tree (checked
    to 1e-9 relative against QuantLib 1.44): log-space tree with ``dx = vol sqrt(dt)``,
    ``pu = 1/2 + 1/2 (r - q - vol^2/2) dt / dx``; a conversion probability ``p`` rolled
    back with the values; each child discounted over one step at ``1 + R dt`` with
    ``R = p r + (1 - p)(r + cs)``, where ``p`` is the child's probability before its own
    conversion check (after it at maturity). At each step, in this order: calls, coupons,
    conversion (ties convert). American conversion is checked at every step including
    ``t = 0``; European only at maturity. QuantLib quirk kept: an American note converts at
    maturity only if ``(T / steps) * steps >= T`` in floating point.
``"tf"``
    Textbook Tsiveriotis-Fernandes on the same tree: an equity part discounted at ``r`` and
    a cash-only part (coupons, redemption, call cash) at ``r + cs``, both continuously;
    call and conversion decisions look at the total.

Times and QuantLib dates
------------------------
``maturity_years`` is an Actual/365 Fixed year fraction: a QuantLib maturity date ``d`` days
after the evaluation date (settlement days 0, flat continuous curves on Actual/365 Fixed)
is ``maturity_years = d / 365``. Event times are snapped to the nearest tree step (ties to
the earlier step), as QuantLib does. Prices are full (dirty) values, like QuantLib's
``NPV()``: a coupon snapped to step 0 is included.

Coupons
-------
An indenture's coupons are an explicit schedule: ``coupon_times_years`` (Actual/365 Fixed
years from the valuation date, the coupon's payment date) and ``coupon_amounts`` (in the
currency of ``face`` per note, each period's accrual by the note's day count), their last
axis running over a note's coupons and NaN-padded where a note has fewer (leading axes
broadcast with the other arguments). :func:`abm.finance.coupon_schedule.coupon_schedule`
builds one from dates and :func:`~abm.finance.coupon_schedule.stack_schedules` a batch.
Each amount is paid in full at its time; times at or before 0 are already paid. This is
QuantLib's ``ConvertibleFixedCouponBond`` on the same dates: the coupon after the valuation
date is paid whole, the interest accrued before the valuation date included (a dirty
price; the schedule's ``accrued_interest`` gives the clean one).

The shorthand ``coupon_rate`` / ``coupons_per_year`` instead pays ``face * coupon_rate /
coupons_per_year`` at ``maturity_years - m / coupons_per_year`` (``m = 0, 1, ...`` while
positive): evenly spaced years from maturity, each a full period. It is quick for a new note
priced on its issue date, whose periods are whole; an outstanding note's real dates and
day count move its price by up to a few percent (tests/finance/test_coupon_schedule_quantlib.py).
The last coupon is paid with the redemption at maturity.

Soft call
---------
From the step nearest ``call_start_years`` through maturity, at every step, the issuer may
call at ``call_price`` (per face, paid as is: a dirty price, no accrued interest added)
whenever spot ``>= call_trigger * conversion_price``; the holder then gets
``max(call_price, conversion value)``, so the note value is capped at that amount. This is
QuantLib's ``SoftCallability(BondPrice(call_price, Dirty), date, call_trigger)`` on every
date of the window. ``call_trigger=None`` (or NaN) is a hard call (no spot condition);
``call_start_years=None`` (or NaN) means not callable; ``call_price=None`` means ``face``.

Puts
----
On each of ``put_times_years`` (snapped to its step) the holder may put the note at
``put_price`` (per face, dirty; ``None``: ``face``): the value is floored there, after the
call and before that step's coupon, as QuantLib's ``Callability.Put`` does (leaving the
conversion probability as it is).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec

import numpy as np
from numpy.typing import ArrayLike

from abm.finance.convertible_tree import (
    REDEMPTION_PER_100,
    FloatArray,
    NoteBatch,
    rollback_quantlib,
    rollback_tf,
)
from abm.finance.dilution import normal_cdf, require

P = ParamSpec("P")
SCHEMES: tuple[str, ...] = ("quantlib", "tf")
_CHUNK_NODES = 50_000
"""Target notes x nodes per chunk, so that a chunk's working arrays stay in cache
(docs/performance.md; a run's batches of a dozen notes are one chunk)."""


def price_and_delta(
    spot: ArrayLike,
    vol: ArrayLike,
    rate: ArrayLike,
    credit_spread: ArrayLike,
    conversion_price: ArrayLike,
    maturity_years: ArrayLike,
    *,
    face: ArrayLike = 1000.0,
    coupon_rate: ArrayLike = 0.0,
    coupons_per_year: ArrayLike = 2,
    steps: ArrayLike = 500,
    scheme: str = "quantlib",
    american: ArrayLike = True,
    call_start_years: ArrayLike | None = None,
    call_trigger: ArrayLike | None = None,
    call_price: ArrayLike | None = None,
    dividend_yield: ArrayLike = 0.0,
    coupon_times_years: ArrayLike | None = None,
    coupon_amounts: ArrayLike | None = None,
    put_times_years: ArrayLike | None = None,
    put_price: ArrayLike | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Price convertible notes per ``face``, and their tree delta in shares per note.

    Both are arrays of the broadcast shape, from one tree rollback. The delta is the
    standard binomial ``(V_up - V_down) / (S_up - S_down)`` from the two nodes of step 1
    (after their call/coupon/conversion adjustments); QuantLib's convertible engine
    reports no delta, so there is no QuantLib figure to match.

    ``spot`` and ``conversion_price`` are in the same currency per share, ``vol``, ``rate``,
    ``credit_spread`` and ``dividend_yield`` are annual decimals (continuous compounding),
    ``coupon_rate`` is annual on ``face``; or give the coupon schedule,
    ``coupon_times_years`` and ``coupon_amounts`` (per note, in ``face``'s currency), both
    or neither. A holder's puts: ``put_times_years`` (last axis: the put dates, NaN-padded)
    at ``put_price`` per face (``None``: ``face``). See the module docstring.

    Raises:
        ValueError: on an unknown scheme, shapes that do not broadcast, a non-positive or
            non-finite vol, spot, conversion price, maturity or face, ``steps`` not an
            integer in ``[1, 100000]``, a tree up-probability outside ``[0, 1)``, or a
            coupon schedule given with a non-zero ``coupon_rate``, without its other half,
            of unequal shapes or NaN padding, with non-finite amounts or a coupon after
            maturity, or a put after maturity or at a non-positive or non-finite price.

    """
    if scheme not in SCHEMES:
        raise ValueError(f"unknown scheme {scheme!r}: expected one of {SCHEMES}")
    args = {
        "spot": _as_float("spot", spot, 0.0),
        "vol": _as_float("vol", vol, 0.0),
        "rate": _as_float("rate", rate, 0.0),
        "credit_spread": _as_float("credit_spread", credit_spread, 0.0),
        "conversion_price": _as_float("conversion_price", conversion_price, 0.0),
        "maturity_years": _as_float("maturity_years", maturity_years, 0.0),
        "face": _as_float("face", face, 0.0),
        "coupon_rate": _as_float("coupon_rate", coupon_rate, 0.0),
        "coupons_per_year": _as_float("coupons_per_year", coupons_per_year, 0.0),
        "steps": _as_float("steps", steps, 0.0),
        "american": _as_float("american", american, 1.0),
        "call_start_years": _as_float("call_start_years", call_start_years, np.nan),
        "call_trigger": _as_float("call_trigger", call_trigger, np.nan),
        "call_price": _as_float("call_price", call_price, np.nan),
        "dividend_yield": _as_float("dividend_yield", dividend_yield, 0.0),
        "put_price": _as_float("put_price", put_price, np.nan),
    }
    schedule = _schedule_arrays(coupon_times_years, coupon_amounts, args["coupon_rate"])
    leading = {k: v.shape for k, v in args.items()}
    if schedule is not None:
        leading["coupon_times_years[..., :-1]"] = schedule[0].shape[:-1]
    puts = np.atleast_1d(_as_float("put_times_years", put_times_years, np.nan))
    leading["put_times_years[..., :-1]"] = puts.shape[:-1]
    try:
        shape = np.broadcast_shapes(*leading.values())
    except ValueError as exc:
        shapes = ", ".join(f"{k}{v}" for k, v in leading.items() if v)
        raise ValueError(f"arguments do not broadcast together: {shapes}") from exc
    flat = {k: np.broadcast_to(v, shape).ravel() for k, v in args.items()}
    for name in ("spot", "vol", "conversion_price", "maturity_years", "face"):
        require(np.isfinite(flat[name]) & (flat[name] > 0), f"{name} must be positive and finite")
    for name in ("rate", "credit_spread", "coupon_rate", "dividend_yield"):
        require(np.isfinite(flat[name]), f"{name} must be finite")
    steps_f, freq_f = flat["steps"], flat["coupons_per_year"]
    require((steps_f >= 1) & (steps_f == np.floor(steps_f)), "steps must be an integer >= 1")
    require(steps_f <= 100_000, "steps must be at most 100000")
    require(
        (freq_f >= 1) & (freq_f == np.floor(freq_f)), "coupons_per_year must be an integer >= 1"
    )
    callable_ = ~np.isnan(flat["call_start_years"])
    require(~np.isinf(flat["call_start_years"]), "call_start_years must be finite or None")
    call_price_face = np.where(np.isnan(flat["call_price"]), flat["face"], flat["call_price"])
    require(
        ~callable_ | (np.isfinite(call_price_face) & (call_price_face > 0)),
        "call_price must be positive and finite",
    )
    trigger = flat["call_trigger"]
    require(
        np.isnan(trigger) | (np.isfinite(trigger) & (trigger >= 0)),
        "call_trigger must be a non-negative multiple of conversion_price or None",
    )
    scale = REDEMPTION_PER_100 / flat["face"]
    if schedule is None:
        coupon_times, coupon_per_100 = _shorthand_schedule(
            flat["maturity_years"], flat["coupon_rate"], freq_f)
    else:
        width = schedule[0].shape[-1]
        coupon_times, amounts = (np.broadcast_to(a, (*shape, width)).reshape(-1, width)
                                 for a in schedule)
        require(~(coupon_times > flat["maturity_years"][:, None]),
                "coupon_times_years must be at or before maturity_years")
        coupon_per_100 = amounts * scale[:, None]
    put_times = np.broadcast_to(puts, (*shape, puts.shape[-1])).reshape(-1, puts.shape[-1])
    require(np.isnan(put_times) | (put_times <= flat["maturity_years"][:, None]),
            "put_times_years must be at or before maturity_years, or NaN padding")
    put_price_face = np.where(np.isnan(flat["put_price"]), flat["face"], flat["put_price"])
    require(np.isfinite(put_price_face) & (put_price_face > 0), "put_price must be positive")
    notes = NoteBatch(
        spot=flat["spot"],
        vol=flat["vol"],
        rate=flat["rate"],
        credit_spread=flat["credit_spread"],
        dividend_yield=flat["dividend_yield"],
        maturity_years=flat["maturity_years"],
        conversion_ratio_per_100=REDEMPTION_PER_100 / flat["conversion_price"],
        coupon_times_years=coupon_times,
        coupon_per_100=coupon_per_100,
        american=flat["american"] != 0.0,
        call_start_years=flat["call_start_years"],
        call_trigger=trigger,
        call_price_per_100=call_price_face * scale,
        put_times_years=put_times,
        put_price_per_100=put_price_face * scale,
    )
    rollback = rollback_quantlib if scheme == "quantlib" else rollback_tf
    price = np.empty(steps_f.size)
    delta = np.empty(steps_f.size)
    for n in np.unique(steps_f).astype(np.int64):
        members = np.flatnonzero(steps_f == n)
        chunk = max(1, _CHUNK_NODES // (int(n) + 1))
        for start in range(0, members.size, chunk):
            index = members[start : start + chunk]
            p, d = rollback(notes.take(index), int(n))
            price[index] = p / scale[index]
            delta[index] = d / scale[index]
    return price.reshape(shape), delta.reshape(shape)


def _part(of: Callable[P, tuple[FloatArray, FloatArray]], index: int,
          doc: str) -> Callable[P, FloatArray]:
    """The ``index``-th array of what ``of`` returns, with ``of``'s arguments."""

    def part(*args: P.args, **kwargs: P.kwargs) -> FloatArray:
        return of(*args, **kwargs)[index]

    part.__doc__ = doc
    return part


price_convertible = _part(price_and_delta, 0, """Price convertible notes per ``face``.

Same arguments as :func:`price_and_delta`; returns an array of the broadcast shape.
""")
convertible_delta = _part(price_and_delta, 1, """Tree delta in shares per note.

Same arguments as :func:`price_and_delta`; returns an array of the broadcast shape.
""")


def tf_european_closed_form(spot: ArrayLike, vol: ArrayLike, rate: ArrayLike,
                            credit_spread: ArrayLike, conversion_price: ArrayLike,
                            maturity_years: ArrayLike, *, face: ArrayLike = 1000.0,
                            dividend_yield: ArrayLike = 0.0) -> FloatArray:
    """European zero-coupon Tsiveriotis-Fernandes value per ``face``.

    ``ratio S e^{-qT} N(d1) + face e^{-(r + cs) T} N(-d2)`` with the Black-Scholes ``d1, d2``
    at strike ``conversion_price``: the equity leg is discounted at ``r``, the redemption
    leg (paid when not converting) at ``r + cs``.
    """
    s, sigma, r, cs, k, t, f, q = (
        np.asarray(a, dtype=np.float64)
        for a in (
            spot,
            vol,
            rate,
            credit_spread,
            conversion_price,
            maturity_years,
            face,
            dividend_yield,
        )
    )
    root_t = sigma * np.sqrt(t)
    d1 = (np.log(s / k) + (r - q + 0.5 * sigma * sigma) * t) / root_t
    d2 = d1 - root_t
    ratio = f / k
    equity = ratio * s * np.exp(-q * t) * normal_cdf(d1)
    cash = f * np.exp(-(r + cs) * t) * normal_cdf(-d2)
    return np.asarray(equity + cash, dtype=np.float64)


def _schedule_arrays(times: ArrayLike | None, amounts: ArrayLike | None,
                     coupon_rate: FloatArray) -> tuple[FloatArray, FloatArray] | None:
    """The checked ``(coupon_times_years, coupon_amounts)``, or ``None`` for the shorthand."""
    if times is None and amounts is None:
        return None
    if times is None or amounts is None:
        raise ValueError("give both coupon_times_years and coupon_amounts, or neither")
    require(coupon_rate == 0.0, "give a coupon schedule or a coupon_rate, not both")
    t = _as_float("coupon_times_years", times, np.nan)
    a = _as_float("coupon_amounts", amounts, np.nan)
    if t.ndim == 0 or t.shape != a.shape:
        raise ValueError("coupon_times_years and coupon_amounts must be arrays of one shape "
                         f"(last axis: the coupons), got {t.shape} and {a.shape}")
    padded = np.isnan(t)
    require(padded == np.isnan(a), "coupon_times_years and coupon_amounts must be NaN together")
    require(padded | np.isfinite(t), "coupon_times_years must be finite or NaN padding")
    require(padded | np.isfinite(a), "coupon_amounts must be finite or NaN padding")
    return t, np.where(padded, 0.0, a)


def _shorthand_schedule(maturity_years: FloatArray, coupon_rate: FloatArray,
                        coupons_per_year: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Coupon times and amounts per 100 of the ``coupon_rate`` / ``coupons_per_year`` form.

    ``100 * coupon_rate / coupons_per_year`` at ``maturity_years - m / coupons_per_year``,
    ``m = 0, 1, ...``: one column per ``m`` up to the longest paying note (none if no note
    pays); the tree leaves out the times at or before 0.
    """
    paying = coupon_rate != 0.0
    count = (int(np.max(np.ceil(maturity_years[paying] * coupons_per_year[paying]))) + 1
             if np.any(paying) else 0)
    m = np.arange(count, dtype=np.float64)
    times = maturity_years[:, None] - m[None, :] / coupons_per_year[:, None]
    per_coupon = REDEMPTION_PER_100 * coupon_rate / coupons_per_year
    return times, np.broadcast_to(per_coupon[:, None], times.shape)


def _as_float(name: str, value: ArrayLike | None, default: float) -> FloatArray:
    """Convert one argument to a float array, ``None`` becoming ``default``."""
    if value is None:
        return np.asarray(default, dtype=np.float64)
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numeric, got {value!r}") from exc
