"""Share dilution from convertible notes and the capped calls that hedge them.

* Capped call: a purchased call spread per share, long a call at the lower strike (usually
  the conversion price) and short a call at the cap; worth ``C(K_low) - C(K_cap)`` per
  share (Black-Scholes with continuous rate and dividend yield) times the shares covered.
* If-converted diluted shares: basic shares plus every share the notes convert into,
  whether or not they are in the money (the accounting test for diluted EPS).
* Net-share settlement: the issuer pays the principal in cash and only the conversion
  value above principal in shares, ``shares = ratio * max(S - K, 0) / S`` per note. This
  never exceeds full physical conversion (``ratio`` shares) and is zero out of the money.

All functions broadcast their numeric arguments and return float arrays.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]

_erf = np.vectorize(math.erf, otypes=[np.float64])


def require(ok: ArrayLike, message: str) -> None:
    """Raise ``ValueError(message)`` unless every element of ``ok`` holds.

    ``ndarray.all`` rather than ``np.all``: the functions here are called per note at every
    month end, mostly with scalars, where the dispatch of ``np.all`` is most of the cost.
    """
    if not np.asarray(ok).all():
        raise ValueError(message)


def normal_cdf(x: ArrayLike) -> FloatArray:
    """Standard normal cumulative distribution, elementwise (via ``math.erf``)."""
    z = np.asarray(x, dtype=np.float64)
    if z.ndim == 0:  # one value (a capped call at issuance): skip np.vectorize's set-up
        return np.asarray(_cdf(float(z)), dtype=np.float64)
    return np.asarray(0.5 * (1.0 + _erf(z / math.sqrt(2.0))), dtype=np.float64)


def _cdf(x: float) -> float:
    """:func:`normal_cdf` of one value, as a float."""
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def black_scholes_call(
    spot: ArrayLike,
    strike: ArrayLike,
    vol: ArrayLike,
    rate: ArrayLike,
    maturity_years: ArrayLike,
    dividend_yield: ArrayLike = 0.0,
) -> FloatArray:
    """European call value per share (same currency as ``spot``), Black-Scholes-Merton.

    Raises:
        ValueError: if spot, strike, vol or maturity is not positive and finite.

    """
    s, k, sigma, r, t, q = (
        np.asarray(a, dtype=np.float64)
        for a in (spot, strike, vol, rate, maturity_years, dividend_yield)
    )
    for name, value in (("spot", s), ("strike", k), ("vol", sigma), ("maturity_years", t)):
        require(np.isfinite(value) & (value > 0), f"{name} must be positive and finite")
    root_t = sigma * np.sqrt(t)
    d1 = (np.log(s / k) + (r - q + 0.5 * sigma * sigma) * t) / root_t
    d2 = d1 - root_t
    value = s * np.exp(-q * t) * normal_cdf(d1) - k * np.exp(-r * t) * normal_cdf(d2)
    return np.asarray(value, dtype=np.float64)


def capped_call_value(
    spot: ArrayLike,
    lower_strike: ArrayLike,
    cap_strike: ArrayLike,
    vol: ArrayLike,
    rate: ArrayLike,
    maturity_years: ArrayLike,
    shares: ArrayLike,
    dividend_yield: ArrayLike = 0.0,
) -> FloatArray:
    """Value of a capped call covering ``shares`` shares: ``(C(K_low) - C(K_cap)) * shares``.

    Raises:
        ValueError: if the cap is below the lower strike or ``shares`` is negative.

    """
    low = np.asarray(lower_strike, dtype=np.float64)
    cap = np.asarray(cap_strike, dtype=np.float64)
    n = np.asarray(shares, dtype=np.float64)
    require(cap >= low, "cap_strike must be at least lower_strike")
    require(np.isfinite(n) & (n >= 0), "shares must be non-negative and finite")
    spread = black_scholes_call(spot, low, vol, rate, maturity_years, dividend_yield)
    spread = spread - black_scholes_call(spot, cap, vol, rate, maturity_years, dividend_yield)
    return np.asarray(spread * n, dtype=np.float64)


def conversion_shares(face_usd: ArrayLike, conversion_price_usd: ArrayLike) -> FloatArray:
    """Shares delivered on full physical conversion: ``face / conversion_price``."""
    face = np.asarray(face_usd, dtype=np.float64)
    price = np.asarray(conversion_price_usd, dtype=np.float64)
    require(np.isfinite(price) & (price > 0), "conversion_price_usd must be positive and finite")
    require(np.isfinite(face) & (face >= 0), "face_usd must be non-negative and finite")
    return np.asarray(face / price, dtype=np.float64)


def if_converted_diluted_shares(
    basic_shares: ArrayLike, face_usd: ArrayLike, conversion_price_usd: ArrayLike
) -> FloatArray:
    """Diluted share count under the if-converted method: basic plus all conversion shares.

    ``face_usd`` is the total principal outstanding (broadcasts per issue).
    """
    basic = np.asarray(basic_shares, dtype=np.float64)
    require(np.isfinite(basic) & (basic >= 0), "basic_shares must be non-negative and finite")
    return np.asarray(basic + conversion_shares(face_usd, conversion_price_usd), dtype=np.float64)


def net_share_settlement_shares(
    spot: ArrayLike, face_usd: ArrayLike, conversion_price_usd: ArrayLike
) -> FloatArray:
    """Shares issued under net-share settlement: principal in cash, the excess in shares.

    Conversion value is ``ratio * S``; the issuer pays ``min(face, ratio * S)`` in cash and
    ``max(ratio * S - face, 0) / S = ratio * max(S - K, 0) / S`` in shares.
    """
    s = np.asarray(spot, dtype=np.float64)
    require(np.isfinite(s) & (s > 0), "spot must be positive and finite")
    k = np.asarray(conversion_price_usd, dtype=np.float64)
    ratio = conversion_shares(face_usd, k)
    return np.asarray(ratio * np.maximum(s - k, 0.0) / s, dtype=np.float64)


def capped_call_offset_shares(
    spot: ArrayLike, face_usd: ArrayLike, conversion_price_usd: ArrayLike, cap_price_usd: ArrayLike
) -> FloatArray:
    """Shares a capped call delivers back at expiry against net-share settlement dilution.

    The call spread pays ``ratio * (min(S, cap) - K)^+`` in value, i.e. that amount divided
    by ``S`` in shares; dilution net of the hedge is zero up to the cap.
    """
    s = np.asarray(spot, dtype=np.float64)
    require(np.isfinite(s) & (s > 0), "spot must be positive and finite")
    k = np.asarray(conversion_price_usd, dtype=np.float64)
    cap = np.asarray(cap_price_usd, dtype=np.float64)
    require(cap >= k, "cap_price_usd must be at least conversion_price_usd")
    ratio = conversion_shares(face_usd, k)
    return np.asarray(ratio * np.maximum(np.minimum(s, cap) - k, 0.0) / s, dtype=np.float64)


def note_conversion_shares(spot: float, face_usd: float, conversion_price_usd: float,
                           cap_price_usd: float | None, *,
                           net_share: bool) -> tuple[float, float]:
    """One note converting at ``spot``: (shares delivered, shares its capped call returns).

    The scalar twin of :func:`net_share_settlement_shares` (or full physical conversion)
    and :func:`capped_call_offset_shares`, for the month-end books that ask it per note:
    the same operations in the same order on floats, so the same numbers bit for bit
    (tested), without numpy's per-call cost.
    """
    if not (math.isfinite(spot) and spot > 0):
        raise ValueError("spot must be positive and finite")
    k = conversion_price_usd
    if not (math.isfinite(k) and k > 0):
        raise ValueError("conversion_price_usd must be positive and finite")
    if not (math.isfinite(face_usd) and face_usd >= 0):
        raise ValueError("face_usd must be non-negative and finite")
    ratio = face_usd / k
    gross = ratio * max(spot - k, 0.0) / spot if net_share else ratio
    if cap_price_usd is None:
        return gross, 0.0
    if not cap_price_usd >= k:
        raise ValueError("cap_price_usd must be at least conversion_price_usd")
    return gross, ratio * max(min(spot, cap_price_usd) - k, 0.0) / spot


def capped_call_usd(spot: float, lower_strike: float, cap_strike: float, vol: float,
                    rate: float, maturity_years: float, shares: float) -> float:
    """One capped call's value: the scalar twin of :func:`capped_call_value`.

    For the convert desk, which prices one hedge per issue: the same operations in the
    same order on floats, with numpy's ``log`` and ``exp`` (whose last bits can differ from
    ``math``'s), so the same number bit for bit (tested), without numpy's dispatch of
    every other operation.
    """
    if not cap_strike >= lower_strike:
        raise ValueError("cap_strike must be at least lower_strike")
    if not (math.isfinite(shares) and shares >= 0):
        raise ValueError("shares must be non-negative and finite")
    spread = _call_usd(spot, lower_strike, vol, rate, maturity_years)
    spread = spread - _call_usd(spot, cap_strike, vol, rate, maturity_years)
    return spread * shares


def _call_usd(s: float, k: float, sigma: float, r: float, t: float) -> float:
    """:func:`black_scholes_call` of one option, without dividends, in floats."""
    for name, value in (("spot", s), ("strike", k), ("vol", sigma), ("maturity_years", t)):
        if not (math.isfinite(value) and value > 0):
            raise ValueError(f"{name} must be positive and finite")
    q = 0.0
    root_t = sigma * math.sqrt(t)  # sqrt is correctly rounded in both
    d1 = (float(np.log(s / k)) + (r - q + 0.5 * sigma * sigma) * t) / root_t
    d2 = d1 - root_t
    return (s * float(np.exp(-q * t)) * _cdf(d1)
            - k * float(np.exp(-r * t)) * _cdf(d2))

