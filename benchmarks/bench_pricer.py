"""Benchmark: vectorized convertible pricer vs a QuantLib loop, same answers.

Run ``python -m benchmarks.bench_pricer`` (10,000 notes at 100, 200 and 500 steps) or
``python -m benchmarks.bench_pricer --quick`` (a tiny smoke run). Exits non-zero if any
price differs from QuantLib's by more than 1e-9 relative.

The notes are American zero-coupon convertibles (conversion price 100, face 1,000) with
random spots, vols, credit spreads and maturities (whole days, so QuantLib dates map
exactly: maturity_years = days / 365). The QuantLib loop reuses one process and one
engine (quotes updated per note) and builds one bond per note; it is timed on a
subsample and reported as prices per second, which is what the ratio compares.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np
import QuantLib as ql

from abm.finance.convertibles import price_convertible

TODAY = ql.Date(15, 1, 2025)
RATE = 0.04
CONVERSION_PRICE = 100.0
FACE = 1000.0
REL_TOL = 1e-9


@dataclass(frozen=True)
class Notes:
    spot: np.ndarray
    vol: np.ndarray
    spread: np.ndarray
    days: np.ndarray

    def head(self, n: int) -> Notes:
        return Notes(self.spot[:n], self.vol[:n], self.spread[:n], self.days[:n])


def random_notes(count: int, seed: int = 20250115) -> Notes:
    rng = np.random.default_rng(seed)
    return Notes(
        spot=rng.uniform(50.0, 300.0, count),
        vol=rng.uniform(0.3, 1.0, count),
        spread=rng.uniform(0.0, 0.1, count),
        days=rng.integers(365, 7 * 365, count),
    )


def ours(notes: Notes, steps: int) -> np.ndarray:
    return price_convertible(
        notes.spot,
        notes.vol,
        RATE,
        notes.spread,
        CONVERSION_PRICE,
        notes.days / 365.0,
        face=FACE,
        steps=steps,
    )


def quantlib_loop(notes: Notes, steps: int) -> np.ndarray:
    ql.Settings.instance().evaluationDate = TODAY
    dc, cal = ql.Actual365Fixed(), ql.NullCalendar()
    spot, vol, spread = ql.SimpleQuote(100.0), ql.SimpleQuote(0.3), ql.SimpleQuote(0.0)
    process = ql.BlackScholesMertonProcess(
        ql.QuoteHandle(spot),
        ql.YieldTermStructureHandle(ql.FlatForward(TODAY, 0.0, dc)),
        ql.YieldTermStructureHandle(ql.FlatForward(TODAY, RATE, dc)),
        ql.BlackVolTermStructureHandle(ql.BlackConstantVol(TODAY, cal, ql.QuoteHandle(vol), dc)),
    )
    engine = ql.BinomialConvertibleEngine(
        process, "crr", steps, ql.QuoteHandle(spread), ql.DividendSchedule()
    )
    ratio = 100.0 / CONVERSION_PRICE  # QuantLib forces notional 100
    out = np.empty(notes.spot.size)
    for i in range(notes.spot.size):
        spot.setValue(float(notes.spot[i]))
        vol.setValue(float(notes.vol[i]))
        spread.setValue(float(notes.spread[i]))
        maturity = TODAY + int(notes.days[i])
        schedule = ql.Schedule(ql.DateVector([TODAY, maturity]), cal, ql.Unadjusted)
        bond = ql.ConvertibleZeroCouponBond(
            ql.AmericanExercise(TODAY, maturity),
            ratio,
            ql.CallabilitySchedule(),
            TODAY,
            0,
            dc,
            schedule,
            100.0,
        )
        bond.setPricingEngine(engine)
        out[i] = bond.NPV() * FACE / 100.0
    return out


def timed(run: Callable[[], np.ndarray], repeats: int) -> tuple[list[float], np.ndarray]:
    seconds = []
    result = np.empty(0)
    for _ in range(repeats):
        start = time.perf_counter()
        result = run()
        seconds.append(time.perf_counter() - start)
    return seconds, result


def rate_summary(count: int, seconds: list[float]) -> tuple[float, float, float]:
    """(median, min, max) prices per second."""
    rates = [count / s for s in seconds]
    return statistics.median(rates), min(rates), max(rates)


def machine_info() -> str:
    return (
        f"platform: {platform.platform()} | python {platform.python_version()} | "
        f"cpus: {os.cpu_count()} | numpy {np.__version__} | QuantLib {ql.__version__}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny smoke run")
    args = parser.parse_args(argv)
    if args.quick:
        count, plan, repeats_ours, repeats_ql = 200, {20: 200, 50: 100}, 1, 1
    else:
        count, plan, repeats_ours, repeats_ql = 10_000, {100: 2000, 200: 1000, 500: 400}, 3, 5
    notes = random_notes(count)
    print(machine_info())
    print(
        f"{count} American zero-coupon notes; ours prices all of them per repeat "
        f"({repeats_ours} repeats), QuantLib a subsample per repeat ({repeats_ql} repeats), "
        "both reported in prices/s (median [min, max])"
    )
    header = (
        f"{'steps':>5} | {'ours prices/s':>30} | {'QuantLib prices/s':>30} | "
        f"{'QL sample':>9} | {'ratio':>6} | {'max rel diff':>12}"
    )
    print(header)
    print("-" * len(header))
    worst = 0.0
    for steps, sample in plan.items():
        sample = min(sample, count)
        ours(notes.head(8), steps)  # warm-up
        our_seconds, our_prices = timed(partial(ours, notes, steps), repeats_ours)
        ql_seconds, ql_prices = timed(partial(quantlib_loop, notes.head(sample), steps), repeats_ql)
        diff = float(np.max(np.abs(our_prices[:sample] / ql_prices - 1.0)))
        worst = max(worst, diff)
        o_med, o_min, o_max = rate_summary(count, our_seconds)
        q_med, q_min, q_max = rate_summary(sample, ql_seconds)
        print(
            f"{steps:>5} | {o_med:>10,.0f} [{o_min:>8,.0f}, {o_max:>8,.0f}] | "
            f"{q_med:>10,.0f} [{q_min:>8,.0f}, {q_max:>8,.0f}] | {sample:>9} | "
            f"{o_med / q_med:>5.2f}x | {diff:>12.2e}"
        )
    ok = worst <= REL_TOL
    print(f"max relative difference vs QuantLib: {worst:.2e} ({'ok' if ok else 'FAILED'})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
