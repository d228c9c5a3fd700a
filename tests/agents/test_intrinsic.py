"""The value of operations in place: contracts and hourly GPUs as discounted cash flows."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from abm.model import Model
from agents.deals.contracts import Contract, Tranche
from agents.markets.capital import Markets
from agents.neoclouds.intrinsic import present_value, streams
from agents.neoclouds.neocloud import Neocloud
from worlds.build import build_model
from worlds.catalog import load_world

HOURS_PER_YEAR = 8760.0


def started(seed: int = 0) -> tuple[Model, Neocloud]:
    spec, _ = load_world("iren")
    model = build_model(spec, seed, dt.date(2027, 12, 31))
    model.run(dt.date(2025, 11, 8))
    return model, model.agent("iren", Neocloud)


def equity_usd(iren: Neocloud) -> float:
    """What the market's value of IREN's equity moves with when it signs: the operations
    in place less the capex they still need and net debt (power and mining unchanged)."""
    f = iren.financing.fundamentals()
    return f.inplace_value_usd - f.net_debt_usd - f.commitments_usd


def sign_cloud_contract(model: Model, iren: Neocloud, usd_per_gpu_hour: float) -> None:
    gpus, years = 19_000, 5.0
    value = usd_per_gpu_hour * gpus * HOURS_PER_YEAR * years
    contract = Contract(f"test.{usd_per_gpu_hour}", "iren", "together_ai", "sweetwater_1",
                        "gpu_cloud", value, years, gpu_generation="gb300")
    contract.tranches.append(Tranche(1, 50.0, gpus, value,
                                     t_needed_by_days=model.now + 400.0))
    iren.sign(contract)
    model.env.run(until=model.now + 0.01)  # delivery starts: the GPU order is committed


@pytest.mark.parametrize(("usd_per_gpu_hour", "sign"), [(1.2, -1), (5.0, 1)])
def test_a_contract_moves_value_by_what_it_earns_over_its_capex(usd_per_gpu_hour: float,
                                                                  sign: int) -> None:
    """A GB300 contract at $1.20 an hour does not pay back its $76k GPUs and its hall:
    signing it lowers the value of IREN's equity; at $5 it raises it. ARR alone would
    raise it both times."""
    model, iren = started()
    before = equity_usd(iren)
    sign_cloud_contract(model, iren, usd_per_gpu_hour)
    assert np.sign(equity_usd(iren) - before) == sign


def test_a_tranche_is_worth_its_fees_less_costs_at_the_market_rate() -> None:
    """The oracle: the tranche's after-tax cash flow, month by month, discounted."""
    _model, iren = started()
    contract = next(k for k in iren.contracts if k.id == "iren_microsoft")
    rate = 0.07
    flows = [s for s in streams(iren) if s.contracted]
    value = present_value(iren, flows, rate, rate).contracted_usd
    total = 0.0
    tax, overhead = iren.spec.costs.tax_rate, iren.spec.costs.overhead_share_of_revenue
    for s in flows:
        months = np.arange(int(s.t0_years * 12 * 30), int(s.t1_years * 12 * 30)) / 360.0
        dt_years = 1 / 360.0
        revenue = s.revenue_usd_per_year * (1 - overhead) * dt_years
        cost = s.cost_usd_per_year * dt_years
        dep = s.depreciation_usd_per_year * dt_years
        disc = (1 + rate) ** -(months + dt_years / 2)
        pre = np.sum((revenue - cost) * disc)
        total += pre - tax * max(0.0, pre - np.sum(dep * disc))
        total += s.residual_usd * (1 + rate) ** -s.t1_years
    assert contract.value_usd > 0 and value == pytest.approx(total, rel=2e-3)


def test_leverage_lowers_the_value_of_the_same_cash_flows() -> None:
    model, iren = started()
    markets = model.agent("markets", Markets)
    flows = streams(iren)
    calm = present_value(iren, flows, *markets.discount_rates(model.now, 0.0)).value_usd
    levered = present_value(iren, flows, *markets.discount_rates(model.now, 9.0)).value_usd
    assert levered < 0.9 * calm
