"""Present values of continuous streams against numerical integration."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from abm.finance.discount import discount_factor, pv_flow


def integrate(usd: float, t0: float, t1: float, rate: float, decline: float) -> float:
    """The oracle: the stream's present value by the trapezoid rule on a fine grid."""
    t = np.linspace(t0, t1, 200_001)
    flow = usd * (1.0 - decline) ** t * (1.0 + rate) ** -t
    return float(np.sum((flow[1:] + flow[:-1]) * 0.5 * np.diff(t)))


@settings(max_examples=60, deadline=None)
@given(st.floats(1e3, 1e9), st.floats(0.0, 10.0), st.floats(0.01, 20.0),
       st.floats(-0.02, 0.5), st.floats(0.0, 0.6))
def test_the_closed_form_is_the_integral(usd: float, t0: float, span: float, rate: float,
                                         decline: float) -> None:
    expected = integrate(usd, t0, t0 + span, rate, decline)
    assert pv_flow(usd, t0, t0 + span, rate, decline) == pytest.approx(expected, rel=1e-6)


def test_edge_cases() -> None:
    assert pv_flow(1e6, 2.0, 1.0, 0.1) == 0.0  # an empty span
    assert pv_flow(1e6, 0.0, 3.0, 0.0) == pytest.approx(3e6)  # no discounting
    growth = pv_flow(1e6, 0.0, 3.0, 0.1, -0.1)  # a rent rising as fast as the rate
    assert growth == pytest.approx(3e6, rel=1e-12)
    assert discount_factor(2.0, 0.1) == pytest.approx(1 / 1.21)
    assert discount_factor(0.0, 0.3) == 1.0
    assert pv_flow(-5e5, 1.0, 2.0, 0.08) == pytest.approx(-pv_flow(5e5, 1.0, 2.0, 0.08))
    assert math.isfinite(pv_flow(1e6, 0.0, 100.0, 0.5, 0.5))
