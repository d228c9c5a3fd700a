"""Present values of cash flows that run continuously: what a market pays for a stream.

A stream pays ``usd_per_year`` at time 0 (now), falling by ``decline_annual`` a year (a
rent the market expects to fall), from ``t0_years`` to ``t1_years``. Discounting at an
annual effective ``rate_annual`` is continuous at ``log(1 + rate)``, so the present value
is a closed form: ``usd_per_year x (exp(-k t0) - exp(-k t1)) / k`` (computed with
``expm1``, exact as ``k`` goes to zero) with
``k = log(1 + rate) - log(1 - decline)``.
"""

from __future__ import annotations

import math


def discount_factor(t_years: float, rate_annual: float) -> float:
    """What a dollar ``t_years`` from now is worth today at ``rate_annual``."""
    return math.exp(-math.log1p(rate_annual) * t_years)


def pv_flow(usd_per_year: float, t0_years: float, t1_years: float, rate_annual: float,
            decline_annual: float = 0.0) -> float:
    """Present value of a stream paid from ``t0_years`` to ``t1_years`` (see the module)."""
    if t1_years <= t0_years or usd_per_year == 0.0:
        return 0.0
    k = math.log1p(rate_annual) - math.log1p(-decline_annual)
    span = t1_years - t0_years
    if abs(k) < 1e-15:
        return usd_per_year * span
    return usd_per_year * math.exp(-k * t0_years) * -math.expm1(-k * span) / k
