"""The return test's closed forms against cash flows built month by month (the oracle)."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from abm.finance.project import (
    Project,
    equity_npv,
    evaluate,
    floor_revenue,
    irr,
    monthly,
    payback_months,
)

MICROSOFT_LIKE = Project(
    revenue_usd_per_month=161.7e6, opex_usd_per_month=30e6, term_months=60,
    service_start_month=9, gpu_capex_usd=5.8e9, gpu_payment_month=8, hall_capex_usd=3e9,
    build_months=8, prepayment_usd=1.94e9, credit_after_months=24, gpu_life_months=72,
    gpu_salvage_share=0.1, hall_life_months=240, gpu_debt_share=0.43, gpu_debt_rate=0.106,
    gpu_debt_months=60, hall_debt_share=0.5, hall_debt_rate=0.08, hall_debt_months=120,
    tax_rate=0.21)


def _loan(principal: float, rate_m: float, months: int) -> tuple[float, list[float]]:
    """Monthly payment and balance after each payment, paid month by month."""
    pay = principal * rate_m / (1 - (1 + rate_m) ** -months) if rate_m > 0 else principal / months
    balances, b = [], principal
    for _ in range(months):
        b = b * (1 + rate_m) - pay
        balances.append(max(b, 0.0))
    return pay, balances


def monthly_flows(p: Project) -> np.ndarray:
    """The equity cash flows month by month, written out independently (integer months)."""
    s, t, pm, build = int(p.service_start_month), int(p.term_months), int(p.gpu_payment_month), \
        int(max(p.build_months, 1))
    e = s + t
    cf = np.zeros(e + 1)
    hall_debt = p.hall_capex_usd * p.hall_debt_share
    gpu_debt = p.gpu_capex_usd * p.gpu_debt_share
    rh, rg = monthly(p.hall_debt_rate), monthly(p.gpu_debt_rate)
    for k in range(build):
        cf[k] -= p.hall_capex_usd * (1 - p.hall_debt_share) / build + hall_debt * rh * 0.5
    for k in range(build, s):
        cf[k] -= hall_debt * rh
    cf[pm] += -p.gpu_capex_usd * (1 - p.gpu_debt_share) + p.prepayment_usd
    pay_g, bal_g = _loan(gpu_debt, rg, int(p.gpu_debt_months))
    for k in range(pm + 1, min(pm + 1 + int(p.gpu_debt_months), e)):
        cf[k] -= pay_g
    pay_h, bal_h = _loan(hall_debt, rh, int(p.hall_debt_months))
    for k in range(s, min(s + int(p.hall_debt_months), e)):
        cf[k] -= pay_h
    # taxes as the module takes them: on the term's mean revenue after depreciation and the
    # loans' mean interest (checked separately below by switching tax off)
    q = 1 - p.revenue_decline_monthly
    for k in range(s, e):
        cf[k] += p.revenue_usd_per_month * q ** (k - s) - p.opex_usd_per_month
    c0 = s + int(p.credit_after_months)
    for k in range(c0, e):
        cf[k] -= p.prepayment_usd / (e - c0)
    gpu_used = min(1.0, t / p.gpu_life_months) if p.gpu_capex_usd else 0.0
    book = (p.gpu_capex_usd * (1 - (1 - p.gpu_salvage_share) * gpu_used)
            + p.hall_capex_usd * (1 - min(1.0, t / p.hall_life_months)))
    owed_g = bal_g[min(int(p.gpu_debt_months), e - pm - 1) - 1] if e - pm - 1 > 0 else gpu_debt
    owed_h = bal_h[min(int(p.hall_debt_months), t) - 1]
    cf[e] += book - owed_g - owed_h
    return cf


def npv_of(cf: np.ndarray, rate: float) -> float:
    v = 1 / (1 + monthly(rate))
    return float(sum(c * v ** k for k, c in enumerate(cf)))


@settings(max_examples=60, deadline=None)
@given(rate=st.floats(-0.5, 2.0), revenue=st.floats(20e6, 400e6), hall=st.sampled_from([0.0, 3e9]),
       prepay=st.sampled_from([0.0, 1.94e9]), decline=st.sampled_from([0.0, 0.01]))
def test_npv_equals_the_month_by_month_cash_flows(rate: float, revenue: float, hall: float,
                                                 prepay: float, decline: float) -> None:
    p = replace(MICROSOFT_LIKE, revenue_usd_per_month=revenue, hall_capex_usd=hall,
                prepayment_usd=prepay, revenue_decline_monthly=decline, tax_rate=0.0)
    assert equity_npv(p, rate) == pytest.approx(npv_of(monthly_flows(p), rate), rel=1e-9,
                                                abs=1.0)


def test_irr_zeroes_the_npv_and_rises_with_price() -> None:
    rates = []
    for revenue in (140e6, 161.7e6, 200e6):
        p = replace(MICROSOFT_LIKE, revenue_usd_per_month=revenue)
        r = irr(p)
        assert abs(equity_npv(p, r)) < 1e-3 * p.capex_usd
        rates.append(r)
    assert rates == sorted(rates) and rates[0] < rates[-1]
    # and with taxes off, against the month-by-month flows
    p = replace(MICROSOFT_LIKE, tax_rate=0.0)
    assert abs(npv_of(monthly_flows(p), irr(p))) < 1e-3 * p.capex_usd


def test_taxes_lower_the_irr_and_losses_pay_none() -> None:
    taxed, untaxed = irr(MICROSOFT_LIKE), irr(replace(MICROSOFT_LIKE, tax_rate=0.0))
    assert taxed < untaxed
    losing = replace(MICROSOFT_LIKE, revenue_usd_per_month=40e6)
    assert equity_npv(losing, 0.1) == pytest.approx(
        equity_npv(replace(losing, tax_rate=0.0), 0.1))


def test_the_floor_earns_exactly_the_hurdle() -> None:
    for hurdle in (0.05, 0.10, 0.20):
        floor = floor_revenue(MICROSOFT_LIKE, hurdle, 0.0)
        at_floor = MICROSOFT_LIKE.at_revenue(floor, MICROSOFT_LIKE.opex_usd_per_month)
        assert abs(equity_npv(at_floor, hurdle)) < 1e-4 * MICROSOFT_LIKE.capex_usd
        assert irr(at_floor) == pytest.approx(hurdle, abs=1e-4)


def test_payback_counts_capex_against_operating_cash() -> None:
    # no hall, no prepayment, no tax: capex back when months of EBITDA cover the GPUs
    p = replace(MICROSOFT_LIKE, hall_capex_usd=0.0, prepayment_usd=0.0, tax_rate=0.0)
    ebitda = p.revenue_usd_per_month - p.opex_usd_per_month
    months = math.ceil(p.gpu_capex_usd / ebitda)
    assert payback_months(p) == pytest.approx(p.service_start_month + months, abs=1)
    assert math.isnan(payback_months(replace(p, revenue_usd_per_month=60e6)))  # never


def test_economics_report_value_to_capex_and_clear_at_the_hurdle() -> None:
    e = evaluate(MICROSOFT_LIKE, 0.08)
    assert e.value_to_capex == pytest.approx(161.7e6 * 60 / 8.8e9)
    assert e.clears == (e.irr >= 0.08)
    assert e.scaled(0.5).npv_usd == pytest.approx(e.npv_usd / 2)
    assert set(e.data()) == {"irr", "npv_usd", "value_to_capex", "payback_months", "hurdle_irr"}
