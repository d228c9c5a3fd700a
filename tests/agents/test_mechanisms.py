"""Mechanisms the actors must show: halvings, curtailment order, leases, metrics."""

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agents.neoclouds.books import METRICS
from agents.neoclouds.neocloud import Neocloud
from agents.neoclouds.site import Site
from worlds.build import build_model
from worlds.catalog import load_world
from worlds.run import run_world

MODEL_MD_METRICS = (
    "secured_mw", "energized_mw", "it_built_mw", "ai_load_mw", "mining_load_mw", "gpus",
    "contracted_arr_usd", "revenue_usd", "revenue_ai_usd", "revenue_mining_usd", "ebitda_usd",
    "capex_usd", "cash_usd", "debt_usd", "convertible_principal_usd", "shares_outstanding",
    "shares_diluted", "share_price_usd", "market_cap_usd", "hashrate_ehs", "btc_mined")


def test_start_hashprice_and_halving_event_in_a_run() -> None:
    result = run_world("iren", seed=0, until="2028-12-31")
    halvings = result.events[result.events["kind"] == "btc.halving"]
    assert len(halvings) == 1
    assert float(halvings["subsidy_after_btc"].iloc[0]) == 1.5625


def site(mining_mw: float, ai_it_mw: float) -> Site:
    s = Site("s", "c", "u", 1000.0, 1000.0, ai_it_mw, mining_mw / 15.0, 15.0, 1.2)
    s.install_gpus(ai_it_mw)
    return s


@settings(max_examples=80)
@given(st.floats(0, 600), st.floats(0, 300), st.floats(0, 1500))
def test_curtailment_never_cuts_ai_before_mining(mining: float, ai_it: float, ask: float) -> None:
    s = site(mining, ai_it)
    mining_cut, ai_cut = s.curtail_plan(ask)
    assert mining_cut <= s.mining_load_mw + 1e-9 and ai_cut <= s.ai_load_mw + 1e-9
    assert mining_cut + ai_cut == pytest.approx(min(ask, s.mining_load_mw + s.ai_load_mw))
    if ai_cut > 0:
        assert mining_cut == pytest.approx(s.mining_load_mw)


def test_a_company_sheds_mining_first_and_pays_for_ai_it_must_cut() -> None:
    spec, _ = load_world("iren")
    model = build_model(spec, 0, dt.date(2026, 12, 31))
    model.run(dt.date(2026, 12, 31))
    iren = model.agent("iren", Neocloud)
    childress = iren.sites["childress"]
    mining, ai = childress.mining_load_mw, childress.ai_load_mw
    assert mining > 10 and ai > 10
    cash = iren.cash_usd
    cut = iren.curtail("childress", mining / 2, 6.0, cause=0)
    assert cut == (pytest.approx(mining / 2), 0.0)
    assert iren.cash_usd == cash
    cut = iren.curtail("childress", mining / 2 + 20.0, 6.0, cause=0)
    assert cut[0] == pytest.approx(mining / 2) and cut[1] == pytest.approx(20.0)
    assert iren.cash_usd < cash


def test_every_company_reports_the_model_md_metrics() -> None:
    result = run_world("iren", seed=0, until="2026-03-31")
    spec, _ = load_world("iren")
    assert set(MODEL_MD_METRICS) <= set(METRICS)
    for company in spec.neoclouds:
        for metric in MODEL_MD_METRICS:
            column = f"{company}.{metric}"
            assert column in result.path, column
            assert np.isfinite(result.path[column]).all(), column
    for world_metric in ("btc.price_usd", "btc.hashprice_usd_per_ph_day", "oncor.queue_mw"):
        assert world_metric in result.path


def test_a_lease_host_earns_rent_on_tenant_load_without_gpus_or_its_power_bill() -> None:
    result = run_world("iren", seed=0, until="2027-12-31")
    p = result.path
    assert (p["cipher.gpus"] == 0).all()
    end = p.index[-1]
    assert p.loc[end, "cipher.ai_load_mw"] >= 300 * 1.2 - 1e-6
    aws_rent_per_year = 5.5e9 / 15
    fluidstack_rent_per_year = 3.0e9 / 10
    assert p.loc[end, "cipher.ai_run_rate_arr_usd"] >= aws_rent_per_year + (
        fluidstack_rent_per_year) - 1.0
    ledger = result.ledger
    power = ledger[(ledger["company"] == "cipher") & (ledger["account"] == "opex.power")]
    assert power["amount_usd"].sum() == 0.0
    tenant = ledger[(ledger["company"] == "coreweave") & (ledger["account"] == "opex.capacity")]
    host = ledger[(ledger["company"].isin(["applied_digital", "galaxy"]))
                  & (ledger["account"] == "revenue.ai")]
    assert tenant["amount_usd"].sum() == pytest.approx(-host["amount_usd"].sum())
