"""Terms of a new convertible note: the premium and coupon at which it prices at par.

Convertibles are sold at par: the market sets the conversion premium and the coupon so that
the note's value under the pricer (at the issuer's volatility, credit spread and the risk-
free rate) equals its face. Desks fix the premium first (it moves with the cycle) and let
the coupon clear the deal, within the conventions of the market (premium 25-45%, coupon
0-5% in 2024-25). :func:`size_convertible` does the same with one batched pricer call over
a grid of coupons, then refines the crossing by secant steps:

* if even the largest coupon leaves the note below par, no terms exist and the raise
  fails (``None``);
* if the note is worth more than par at the smallest coupon, the premium rises toward its
  maximum until the note prices at par; if it is still rich at the maximum premium, the
  note is issued there and flagged ``at_par=False`` (the issuer leaves value on the table).

The value of a note rises with its coupon and falls with its premium; both are monotone
under the CRR tree, which is what the grid-and-secant search relies on.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from abm.finance.convertibles import price_and_delta
from abm.memo import DiskMemo, source_fingerprint

FACE_USD = 1000.0
GRID_POINTS = 11
REFERENCE_SPOT_USD = 100.0
REFINE_STEPS = 4
REFINE_TOLERANCE = 5e-4
PRICER_SOURCES = ("issuance.py", "convertibles.py", "convertible_tree.py", "dilution.py")
"""The files of ``abm/finance`` the terms are computed by: the memo's key for its code."""
_MEMO = DiskMemo("size_convertible", source_fingerprint(
    (Path(__file__).parent / name for name in PRICER_SOURCES), np.__version__))


@dataclass(frozen=True)
class ConvertTerms:
    """The terms a new note clears at, and its value and hedge under the pricer."""

    premium: float
    coupon_rate: float
    conversion_price_usd: float
    price_per_face: float
    delta_shares_per_note: float
    at_par: bool

    def at_spot(self, spot_usd: float, old_spot_usd: float) -> ConvertTerms:
        """The same terms struck off another reference price.

        A note's value per face depends on spot and conversion price only through their
        ratio, so premium, coupon and price carry over; the conversion price scales with
        the spot and the delta (shares per note) inversely. Built directly, not by
        ``dataclasses.replace`` (several times slower, and a run's raises call this ~120
        times).
        """
        scale = spot_usd / old_spot_usd
        return ConvertTerms(self.premium, self.coupon_rate, self.conversion_price_usd * scale,
                            self.price_per_face, self.delta_shares_per_note / scale,
                            self.at_par)

    def hedge_shares(self, principal_usd: float, face_usd: float = FACE_USD) -> float:
        """Shares hedge funds short against ``principal_usd`` of notes: delta x notes."""
        return self.delta_shares_per_note * principal_usd / face_usd

    def conversion_shares(self, principal_usd: float) -> float:
        """Shares ``principal_usd`` of notes converts into."""
        return principal_usd / self.conversion_price_usd


def size_convertible(
    spot: float,
    vol: float,
    rate: float,
    credit_spread: float,
    maturity_years: float,
    *,
    premium: float,
    premium_max: float,
    coupon_max: float,
    coupon_min: float = 0.0,
    call_start_years: float | None = None,
    call_trigger: float | None = None,
    steps: int = 200,
    tolerance: float = 0.005,
) -> ConvertTerms | None:
    """Premium and coupon at which a note prices at par; ``None`` if no coupon gets there.

    ``premium`` is the market's premium for the regime (conversion price = spot x (1 +
    premium)); it only rises (to ``premium_max``) when the note is rich even at
    ``coupon_min``. Prices are per 1,000 face with semi-annual coupons, American
    conversion, and a soft call (``call_trigger`` x conversion price, from
    ``call_start_years``) if given. ``tolerance`` is the relative distance from par that
    counts as priced at par.

    A note whose conversion price is a premium over spot is worth the same per face at
    any spot (its conversion value is ``face / (1 + premium)``, its floor is the bond),
    so the solution is found once at a reference spot (and remembered: the same terms
    come back for the same market inputs) and scaled: the conversion price with spot,
    the delta (shares per note per dollar of spot) inversely.

    Raises:
        ValueError: if the ranges are empty or inverted.

    """
    ref = _size_at_reference(vol, rate, credit_spread, maturity_years, premium, premium_max,
                             coupon_max, coupon_min, call_start_years, call_trigger, steps,
                             tolerance)
    if ref is None:
        return None
    return ref.at_spot(spot, REFERENCE_SPOT_USD)


def reopen_memo() -> None:
    """Reopen the terms' disk memo and forget the terms remembered in this process.

    For a process that changes ``NEOCLOUD_ABM_CACHE`` as it goes (the benchmarks).
    """
    _MEMO.reopen()
    _size_at_reference.cache_clear()


@functools.lru_cache(maxsize=4096)
def _size_at_reference(vol: float, rate: float, credit_spread: float, maturity_years: float,
                       premium: float, premium_max: float, coupon_max: float,
                       coupon_min: float, call_start_years: float | None,
                       call_trigger: float | None, steps: int,
                       tolerance: float) -> ConvertTerms | None:
    """:func:`size_convertible` at the reference spot.

    A pure function, remembered in the process and on disk (:mod:`abm.memo`, keyed by the
    pricer's code).
    """
    key = (vol, rate, credit_spread, maturity_years, premium, premium_max, coupon_max,
           coupon_min, call_start_years, call_trigger, float(steps), tolerance)
    known = _MEMO.get(key)
    if known is None:
        return None
    if known is not DiskMemo.MISSING:
        premium_, coupon, conversion, price, delta, at_par = (
            float(x) for x in known if x is not None)
        return ConvertTerms(premium_, coupon, conversion, price, delta, bool(at_par))
    terms = _solve_at_reference(vol, rate, credit_spread, maturity_years, premium,
                                premium_max, coupon_max, coupon_min, call_start_years,
                                call_trigger, steps, tolerance)
    _MEMO.put(key, None if terms is None else (
        terms.premium, terms.coupon_rate, terms.conversion_price_usd, terms.price_per_face,
        terms.delta_shares_per_note, float(terms.at_par)))
    return terms


def _solve_at_reference(vol: float, rate: float, credit_spread: float,
                        maturity_years: float, premium: float, premium_max: float,
                        coupon_max: float, coupon_min: float, call_start_years: float | None,
                        call_trigger: float | None, steps: int,
                        tolerance: float) -> ConvertTerms | None:
    """The search itself (see the module docstring)."""
    if not (0.0 <= coupon_min <= coupon_max and 0.0 <= premium <= premium_max):
        raise ValueError(f"size_convertible: need 0 <= coupon_min ({coupon_min}) <= coupon_max "
                         f"({coupon_max}) and 0 <= premium ({premium}) <= premium_max "
                         f"({premium_max})")

    spot = REFERENCE_SPOT_USD

    def value(premium_: np.ndarray | float,
              coupon: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
        """Price and delta per note (one tree rollback gives both)."""
        return price_and_delta(spot, vol, rate, credit_spread,
                               spot * (1.0 + np.asarray(premium_)), maturity_years,
                               coupon_rate=coupon, steps=steps,
                               call_start_years=call_start_years, call_trigger=call_trigger)

    def terms(premium_: float, coupon: float, price: float, delta: float) -> ConvertTerms:
        return ConvertTerms(premium_, coupon, spot * (1.0 + premium_), price, delta,
                            abs(price / FACE_USD - 1.0) <= tolerance)

    coupons = np.linspace(coupon_min, coupon_max, GRID_POINTS)
    by_coupon, _ = value(premium, coupons)
    if by_coupon[-1] < FACE_USD * (1.0 - tolerance):
        return None
    if by_coupon[0] <= FACE_USD:
        return terms(premium, *_cross(coupons, by_coupon, lambda c: value(premium, c)))
    premiums = np.linspace(premium, premium_max, GRID_POINTS)
    by_premium, deltas = value(premiums, coupon_min)
    if by_premium[-1] > FACE_USD:
        return terms(premium_max, coupon_min, float(by_premium[-1]), float(deltas[-1]))
    # value falls with the premium: search the mirrored grid so it rises
    solved, price, delta = _cross(premiums[::-1], by_premium[::-1],
                                  lambda p: value(p, coupon_min))
    return terms(solved, coupon_min, price, delta)


def _cross(x: np.ndarray, y: np.ndarray,
           f: Callable[[float], tuple[np.ndarray, np.ndarray]]) -> tuple[float, float, float]:
    """Where increasing ``y(x)`` crosses par, with the value and delta there.

    Grid bracket, linear guess, then secant (regula falsi) steps until within
    ``REFINE_TOLERANCE`` of par.
    """
    i = min(max(int(np.searchsorted(y, FACE_USD)), 1), x.size - 1)
    lo, hi, f_lo, f_hi = float(x[i - 1]), float(x[i]), float(y[i - 1]), float(y[i])
    first, last = sorted((float(x[0]), float(x[-1])))

    def secant() -> float:
        """Regula falsi inside the grid (no extrapolation past its ends)."""
        step = lo if f_hi == f_lo else lo + (FACE_USD - f_lo) * (hi - lo) / (f_hi - f_lo)
        return min(max(step, first), last)

    guess = secant()
    for _ in range(REFINE_STEPS):
        price, delta = (float(a) for a in f(guess))
        if abs(price / FACE_USD - 1.0) < REFINE_TOLERANCE:
            return guess, price, delta
        if price < FACE_USD:
            lo, f_lo = guess, price
        else:
            hi, f_hi = guess, price
        guess = secant()
    price, delta = (float(a) for a in f(guess))
    return guess, price, delta
