"""Contracts: billing, prepayment credit-back, delay credits; and late delivery in a run."""

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agents.deals.contracts import DAYS_PER_MONTH, Contract, Tranche
from worlds.run import run_world


def contract(prepay: float = 0.2) -> Contract:
    k = Contract("k", "iren", "microsoft", "childress", "gpu_cloud", 9.7e9, 5.0, prepay, 24,
                 cure_days=60.0, terminate_after_days=180.0, delay_credit_share_per_month=0.1)
    k.tranches.append(Tranche(1, 200.0, 76_000, 9.7e9, t_needed_by_days=100.0))
    return k


@settings(max_examples=30)
@given(st.floats(0, 400), st.lists(st.floats(1, 90), min_size=1, max_size=80))
def test_billing_over_the_term_sums_to_value_and_credits_back_the_prepayment(
        t_online: float, steps: list[float]) -> None:
    k = contract()
    tr = k.tranches[0]
    tr.t_online_days = t_online
    tr.prepaid_usd = k.prepayment_usd(tr)
    t, revenue, credit = 0.0, 0.0, 0.0
    end = t_online + k.term_days + 10
    i = 0
    while t < end:
        t1 = min(end, t + steps[i % len(steps)])
        line = k.bill(tr, t, t1)
        revenue += line.revenue_usd
        credit += line.prepayment_credit_usd
        t, i = t1, i + 1
    assert revenue == pytest.approx(9.7e9, rel=1e-9)
    assert credit == pytest.approx(0.2 * 9.7e9, rel=1e-9)


def test_delay_credits_start_after_the_cure_period() -> None:
    k = contract()
    tr = k.tranches[0]
    assert k.delay_credit_for(tr, 100.0 + 60.0) == 0.0
    monthly_fee = 9.7e9 / 5.0 / 12.0
    assert k.delay_credit_for(tr, 100.0 + 60.0 + DAYS_PER_MONTH) == pytest.approx(
        0.1 * monthly_fee, rel=1e-3)


def test_late_delivery_brings_credits_then_termination() -> None:
    overrides = {
        # tranche 1: hall 100 days after needed-by (past the 60-day cure): credits
        "contracts.iren_microsoft.tranches.0.hall_ready_date": "2026-09-09",
        # tranche 2: hall far beyond needed-by + 180 days: terminated
        "contracts.iren_microsoft.tranches.1.hall_ready_date": "2027-06-01",
        "contracts.iren_microsoft.hall_slip_days_mean": 0.0,
    }
    import datetime as dt

    result = run_world("iren", seed=3, until="2027-12-31",
                       overrides=[(k, dt.date.fromisoformat(v) if isinstance(v, str) else v)
                                  for k, v in overrides.items()])
    ev = result.events
    ms = ev[ev["contract"] == "iren_microsoft"]
    credits = ms[ms["kind"] == "contract.delay_credits"]
    assert list(credits["tranche"]) == [1]
    late = float(credits["late_days"].iloc[0])
    fee_per_day = 9.7e9 / 4 / (5 * 365)
    expected = (late - 60.0) / DAYS_PER_MONTH * fee_per_day * DAYS_PER_MONTH * 0.10
    assert float(credits["amount_usd"].iloc[0]) == pytest.approx(expected, rel=1e-9)
    assert late > 60.0
    terminated = ms[ms["kind"] == "contract.terminated"]
    assert list(terminated["tranche"]) == [2]
    t_term = float(terminated["t_days"].iloc[0])
    needed_by = (pd.Timestamp("2026-08-01") - pd.Timestamp("2025-11-06")).days
    assert t_term == pytest.approx(needed_by + 180.0)
    ledger = result.ledger
    refund = ledger[(ledger["company"] == "iren") & (ledger["account"] == "deferred.refund")]
    prepaid = ev[(ev["kind"] == "contract.prepaid") & (ev["tranche"] == 2)
                 & (ev["contract"] == "iren_microsoft")]
    assert len(refund) == 1 and refund["amount_usd"].iloc[0] == pytest.approx(
        -float(prepaid["amount_usd"].iloc[0]))
    # the terminated tranche's GPUs still arrive and are sold as cloud capacity
    cloud = ev[(ev["kind"] == "capacity.online") & (ev["agent"] == "iren") & (ev["use"] == "cloud")]
    assert (cloud["t_days"] > t_term).any()
    first_revenue = ms[ms["kind"] == "contract.first_revenue"]
    assert 2 not in set(first_revenue["tranche"])
