"""Price IREN's three convertible notes on 6 Nov 2025 with the binomial convertible pricer.

Each note converts into ``1000 / conversion price`` shares per $1,000; the tree values
the holder's option to convert against a bond discounted at the risk-free rate plus
IREN's credit spread. Volatility, rate and spread below are stated assumptions (the
world file's 90% share volatility; a 4% rate; a 5% credit spread), not market quotes.

    python examples/price_irens_notes.py
    ABM_EXAMPLE_SMALL=1 python examples/price_irens_notes.py    # a coarser tree
"""

import datetime as dt
import os

import numpy as np

from abm.finance.convertibles import price_convertible

SMALL = os.environ.get("ABM_EXAMPLE_SMALL") == "1"
VALUATION = dt.date(2025, 11, 6)
SPOT = 66.96  # IREN's share price on 6 Nov 2025
VOL, RATE, CREDIT_SPREAD = 0.90, 0.04, 0.05
NOTES = [  # (name, coupon, maturity, conversion price)
    ("3.50% due 2029", 0.035, dt.date(2029, 12, 15), 13.64),
    ("3.25% due 2030", 0.0325, dt.date(2030, 6, 15), 16.81),
    ("0% due 2031", 0.0, dt.date(2031, 7, 1), 85.63),
]


def main() -> None:
    coupon = np.array([n[1] for n in NOTES])
    maturity = np.array([(n[2] - VALUATION).days / 365.0 for n in NOTES])  # Actual/365
    conversion = np.array([n[3] for n in NOTES])
    steps = 100 if SMALL else 500
    price = price_convertible(SPOT, VOL, RATE, CREDIT_SPREAD, conversion, maturity,
                              coupon_rate=coupon, steps=steps)
    parity = 1000.0 / conversion * SPOT
    bond_floor = price_convertible(SPOT * 1e-6, VOL, RATE, CREDIT_SPREAD, conversion,
                                   maturity, coupon_rate=coupon, steps=steps)
    print(f"IREN at ${SPOT} on {VALUATION}; vol {VOL:.0%}, rate {RATE:.0%}, "
          f"spread {CREDIT_SPREAD:.0%}, {steps}-step tree; per $1,000 face:")
    print(f"{'note':<16}{'years':>7}{'conv $':>9}{'parity':>10}{'bond floor':>12}"
          f"{'price':>10}{'premium':>9}")
    for i, (name, _c, _m, _k) in enumerate(NOTES):
        print(f"{name:<16}{maturity[i]:>7.2f}{conversion[i]:>9.2f}{parity[i]:>10,.0f}"
              f"{bond_floor[i]:>12,.0f}{price[i]:>10,.0f}{price[i] / parity[i] - 1:>9.1%}")
    spots = np.array([30.0, 50.0, SPOT, 90.0, 120.0])
    grid = price_convertible(spots[:, None], VOL, RATE, CREDIT_SPREAD, conversion, maturity,
                             coupon_rate=coupon, steps=steps)  # one call, 5 x 3 notes
    print("\nprice per $1,000 as IREN's share price moves (one batched call):")
    print(f"{'spot':>8}" + "".join(f"{n[0]:>16}" for n in NOTES))
    for s, row in zip(spots, grid, strict=True):
        print(f"{s:>8.2f}" + "".join(f"{v:>16,.0f}" for v in row))


if __name__ == "__main__":
    main()
