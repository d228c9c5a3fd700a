"""Price IREN's three convertible notes on the world's start date with the binomial pricer.

The notes' terms (coupon, coupons a year, day count, maturity, conversion price, soft call)
and IREN's share price and volatility are read from the world file (worlds/iren.toml). Each
note converts into ``1000 / conversion price`` shares per $1,000; the tree values the
holder's option to convert against a bond discounted at the risk-free rate plus IREN's
credit spread. Rate and spread below are stated assumptions (a 4% rate; a 5% credit
spread), not market quotes.

Each note is priced twice: with the shorthand (``coupon_rate`` and ``coupons_per_year``:
full coupons at maturity minus whole periods) and with its indenture's schedule (dates
counted back from maturity, each coupon accrued by the day count). Prices are dirty (the
coupon accrued to the valuation date included); the clean price subtracts it.

    python examples/price_irens_notes.py
    ABM_EXAMPLE_SMALL=1 python examples/price_irens_notes.py    # a coarser tree
"""

import os

import numpy as np

from abm.finance.convertibles import price_convertible
from abm.finance.coupon_schedule import coupon_schedule, stack_schedules
from worlds.catalog import load_world

SMALL = os.environ.get("ABM_EXAMPLE_SMALL") == "1"
RATE, CREDIT_SPREAD = 0.04, 0.05


def label(coupon_rate: float, year: int) -> str:
    """'3.50% due 2029', '0% due 2031'."""
    return f"{coupon_rate:.2%} due {year}" if coupon_rate else f"0% due {year}"


def main() -> None:
    spec, _path = load_world("iren")
    iren, start = spec.neoclouds["iren"], spec.world.start_date
    spot, vol, notes = iren.share_price_usd, iren.share_vol_annual, iren.convertibles
    steps = 100 if SMALL else 500
    maturity = np.array([(n.maturity_date - start).days / 365.0 for n in notes])  # Act/365
    conversion = np.array([n.conversion_price_usd for n in notes])
    coupon = np.array([n.coupon_rate for n in notes])
    freq = np.array([n.coupons_per_year for n in notes])
    schedules = [coupon_schedule(start, n.maturity_date, n.coupon_rate, n.coupons_per_year,
                                 n.day_count) for n in notes]
    times, amounts = stack_schedules(schedules)
    calls = {"call_start_years": [np.nan if n.call_start_date is None
                                  else (n.call_start_date - start).days / 365.0 for n in notes],
             "call_trigger": [n.call_trigger for n in notes]}

    def price(spots: np.ndarray | float, schedule: bool) -> np.ndarray:
        terms = ({"coupon_times_years": times, "coupon_amounts": amounts} if schedule
                 else {"coupon_rate": coupon, "coupons_per_year": freq})
        return price_convertible(spots, vol, RATE, CREDIT_SPREAD, conversion, maturity,
                                 steps=steps, **terms, **calls)

    print(f"IREN at ${spot} on {start}; vol {vol:.0%}, rate {RATE:.0%}, spread "
          f"{CREDIT_SPREAD:.0%}, {steps}-step tree, soft calls as in the world; per $1,000:")
    print(f"{'note':<16}{'terms':>16}{'years':>7}{'conv $':>8}{'parity':>9}{'accrued':>9}"
          f"{'shorthand':>11}{'schedule':>11}{'premium':>9}")
    parity = 1000.0 / conversion * spot
    short, full = price(spot, False), price(spot, True)
    for i, n in enumerate(notes):
        terms = f"{n.coupons_per_year}/yr {n.day_count}" if n.coupon_rate else "no coupon"
        print(f"{label(n.coupon_rate, n.maturity_date.year):<16}{terms:>16}{maturity[i]:>7.2f}"
              f"{conversion[i]:>8.2f}{parity[i]:>9,.0f}{schedules[i].accrued_interest:>9.2f}"
              f"{short[i]:>11,.2f}{full[i]:>11,.2f}{full[i] / parity[i] - 1:>9.1%}")
    floor_short, floor_full = price(spot * 1e-6, False), price(spot * 1e-6, True)
    print("\nbond floor (the share price near zero), where the coupons weigh most:")
    print(f"{'note':<16}{'shorthand':>11}{'schedule':>11}{'difference':>12}")
    for i, n in enumerate(notes):
        print(f"{label(n.coupon_rate, n.maturity_date.year):<16}{floor_short[i]:>11,.2f}"
              f"{floor_full[i]:>11,.2f}{floor_full[i] / floor_short[i] - 1:>12.3%}")
    spots = np.array([5.0, 15.0, 30.0, spot, 120.0])
    grid = price(spots[:, None], True)  # one call: 5 spots x 3 notes, each its own schedule
    print("\nprice per $1,000 as IREN's share price moves (one batched call, schedules):")
    print(f"{'spot':>8}" + "".join(f"{label(n.coupon_rate, n.maturity_date.year):>16}"
                                   for n in notes))
    for s, row in zip(spots, grid, strict=True):
        print(f"{s:>8.2f}" + "".join(f"{v:>16,.2f}" for v in row))


if __name__ == "__main__":
    main()
