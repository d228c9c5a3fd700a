"""Financing in whole runs: cash identity, logged share changes, converts at par, terms by
regime, hedge-fund shorting, IREN's notes, GPU debt by customer credit, and distress."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from abm.finance.convertibles import price_convertible
from abm.finance.dilution import capped_call_offset_shares
from abm.result import RunResult
from agents.deals.contracts import Contract
from agents.neoclouds.neocloud import Neocloud
from worlds.build import build_model
from worlds.catalog import load_world
from worlds.run import package, run_world
from worlds.spec import WorldSpec

SHORT = "2026-12-31"


@pytest.fixture(scope="module")
def base() -> RunResult:
    return run_world("iren", seed=0)


def of_kind(result: RunResult, kind: str, agent: str | None = None) -> pd.DataFrame:
    ev = result.events
    rows = ev[ev["kind"] == kind]
    return rows if agent is None else rows[rows["agent"] == agent]


def companies(result: RunResult) -> list[str]:
    return sorted(str(c) for c in result.ledger["company"].unique())


def test_cash_moves_only_by_entries_and_every_financing_flow_is_an_event(base: RunResult) -> None:
    ledger, path, ev = base.ledger, base.path, base.events.set_index("id")
    for company in companies(base):
        rows = ledger[ledger["company"] == company]
        cash = rows.groupby("month")["amount_usd"].sum().cumsum()
        np.testing.assert_allclose(cash.reindex(range(len(path))).ffill().to_numpy(),
                                   path[f"{company}.cash_usd"].to_numpy(), rtol=0, atol=1.0)

        def booked(account: str, rows: pd.DataFrame = rows) -> float:
            return float(rows.loc[rows["account"] == account, "amount_usd"].sum())

        def logged(kind: str, field: str, company: str = company, **match: str) -> float:
            x = of_kind(base, kind, company)
            for key, value in match.items():
                x = x[x[key] == value]
            return float(x[field].sum())

        assert booked("financing.convert") == pytest.approx(
            logged("convert.issued", "principal_usd"), abs=1.0)
        assert -booked("financing.capped_call") == pytest.approx(
            logged("convert.issued", "capped_call_usd"), abs=1.0)
        assert -booked("financing.fees") == pytest.approx(logged("convert.issued", "fees_usd"),
                                                          abs=1.0)
        assert booked("financing.equity") == pytest.approx(logged("equity.issued", "amount_usd"),
                                                           abs=1.0)
        assert booked("financing.debt") == pytest.approx(
            logged("debt.drawn", "amount_usd", instrument="gpu_backed"), abs=1.0)
        assert -booked("financing.convert_repaid") == pytest.approx(
            logged("debt.repaid", "amount_usd", instrument="convertible"), abs=1.0)
        for account, kind in (("financing.convert", "convert.issued"),
                              ("financing.equity", "equity.issued"),
                              ("financing.debt", "debt.drawn")):
            causes = rows.loc[rows["account"] == account, "cause"]
            assert (ev.loc[causes, "kind"] == kind).all(), (company, account)
    assert len(of_kind(base, "convert.issued")) > 10 and len(of_kind(base, "equity.issued")) > 10


def test_shares_change_only_through_logged_issuance(base: RunResult) -> None:
    spec, _ = load_world("iren")
    ev, path = base.events, base.path
    for company in companies(base):
        issued = ev.loc[ev["agent"] == company, "shares_issued"].fillna(0.0)
        shares = path[f"{company}.shares_outstanding"]
        start = spec.neoclouds[company].shares_outstanding
        assert shares.iloc[-1] - start == pytest.approx(issued.sum(), rel=1e-9, abs=1e-3)
        months = ev.loc[ev["agent"] == company, "date"].dt.to_period("M")
        by_month = issued.groupby(months).sum()
        change = shares.diff().fillna(shares.iloc[0] - start)
        change.index = change.index.to_period("M")
        np.testing.assert_allclose(by_month.reindex(change.index, fill_value=0.0), change,
                                   rtol=1e-9, atol=1e-3)
    kinds = set(ev.loc[ev["shares_issued"].notna(), "kind"])
    assert kinds <= {"equity.issued", "convert.converted"} and "convert.converted" in kinds


def test_every_convert_prices_at_par_under_the_pricer(base: RunResult) -> None:
    priced = of_kind(base, "convert.priced")
    assert len(priced) > 10
    value = price_convertible(
        priced["spot_usd"].to_numpy(), priced["vol"].to_numpy(), priced["rate"].to_numpy(),
        priced["credit_spread"].to_numpy(), priced["conversion_price_usd"].to_numpy(),
        priced["maturity_years"].to_numpy(), coupon_rate=priced["coupon_rate"].to_numpy(),
        steps=int(priced["steps"].iloc[0]), call_start_years=priced["call_start_years"].to_numpy(),
        call_trigger=priced["call_trigger"].to_numpy())
    np.testing.assert_allclose(value, priced["model_price_per_face"], rtol=1e-9)
    at_par = priced["at_par"].astype(bool).to_numpy()
    assert np.all(np.abs(value[at_par] / 1000.0 - 1.0) <= 0.005)
    # A note off par is one the market would pay more for even at the widest premium:
    # struck at the cap with no coupon, worth more than its face.
    rich = priced[~at_par]
    premium_max = load_world("iren")[0].markets.converts.premium_max
    np.testing.assert_allclose(rich["premium"], premium_max, rtol=1e-12)
    assert np.all(rich["coupon_rate"] == 0.0) and np.all(value[~at_par] > 1000.0)
    np.testing.assert_allclose(priced["conversion_price_usd"],
                               priced["spot_usd"] * (1 + priced["premium"]), rtol=1e-12)
    issued = of_kind(base, "convert.issued").set_index("cause")
    assert set(issued.index) == set(priced["id"])


def test_hedge_funds_short_delta_times_conversion_shares(base: RunResult) -> None:
    ev = base.events.set_index("id")
    news = ev[(ev["kind"] == "market.news") & (ev["news"] == "short_selling")]
    priced = of_kind(base, "convert.priced").set_index("cause")
    assert set(priced.index) <= set(news.index) and len(priced) > 10
    elasticity = load_world("iren")[0].markets.valuation.short_selling_elasticity
    np.testing.assert_allclose(news["price_move"], -elasticity * news["size"], rtol=1e-12)
    np.testing.assert_allclose(news["price_after_usd"] / news["price_before_usd"] - 1.0,
                               news["price_move"], rtol=1e-9)
    assert (news["price_move"] < 0).all()
    chain = ev.loc[news["cause"].astype(int), "kind"]
    assert (chain == "capital.gap").all()


def test_a_bust_raises_less_and_dearer_than_a_boom() -> None:
    def raises(regime: str) -> tuple[pd.DataFrame, pd.DataFrame, int]:
        r = run_world("iren", 0, SHORT, [("demand.start_regime", regime)])
        return of_kind(r, "convert.priced"), of_kind(r, "equity.issued"), len(
            of_kind(r, "capital.raise_failed"))

    boom_converts, boom_atm, boom_failed = raises("boom")
    bust_converts, bust_atm, bust_failed = raises("bust")
    assert bust_failed > boom_failed
    assert bust_converts["principal_usd"].sum() < boom_converts["principal_usd"].sum()
    # dearer: more shares per dollar (a lower premium) at a wider spread
    assert bust_converts["premium"].median() < boom_converts["premium"].median()
    assert bust_converts["credit_spread"].mean() > boom_converts["credit_spread"].mean() + 0.02
    bust_atm, boom_atm = (x[x["channel"] == "atm"] for x in (bust_atm, boom_atm))
    assert bust_atm["discount"].mean() > boom_atm["discount"].mean() + 0.02


def with_iren_notes(spec: WorldSpec, **changes: object) -> WorldSpec:
    data = spec.model_dump()
    for note, maturity in zip(data["neoclouds"]["iren"]["convertibles"],
                              (dt.date(2026, 1, 15), dt.date(2026, 2, 16),
                               dt.date(2026, 3, 16)), strict=True):
        note.update(maturity_date=maturity, call_start_date=None, **changes)
    data["neoclouds"]["iren"]["financing"]["refinance_share_of_proceeds"] = 0.0  # no buybacks
    return WorldSpec.model_validate(data)


def test_irens_notes_convert_or_repay_at_maturity_per_their_settlement() -> None:
    """The real terms, maturities brought into early 2026 (and no calls) to see them settle."""
    for settlement in ("physical", "net_share"):
        spec = with_iren_notes(load_world("iren")[0], settlement=settlement)
        model = build_model(spec, 0, dt.date(2026, 3, 31))
        model.run(dt.date(2026, 3, 31))
        ev = model.log.to_frame()
        iren = model.agent("iren", Neocloud)
        for note in spec.neoclouds["iren"].convertibles:
            rows = ev[(ev["agent"] == "iren") & (ev["note"] == note.name)
                      & ev["kind"].isin(["convert.converted", "debt.repaid"])]
            assert len(rows) == 1, note.name
            row = rows.iloc[0]
            price = row["share_price_usd"]
            k, face = note.conversion_price_usd, note.principal_usd
            if price < k:
                assert row["kind"] == "debt.repaid" and row["amount_usd"] == face
                continue
            assert row["kind"] == "convert.converted" and row["reason"] == "maturity"
            offset = float(capped_call_offset_shares(price, face, k, note.cap_price_usd))
            gross = face / k if settlement == "physical" else face / k * (price - k) / price
            assert row["shares_issued"] == pytest.approx(gross - offset, rel=1e-12)
            assert row["cash_usd"] == (0.0 if settlement == "physical" else face)
        deep = ev[(ev["note"] == "conv_2029") & (ev["kind"] == "convert.converted")].iloc[0]
        assert deep["share_price_usd"] > 20.98  # above the cap: the capped call pays its max
        assert not any(n.outstanding for n in iren.notes[:3])


def test_the_2029_note_converts_in_the_base_run(base: RunResult) -> None:
    row = of_kind(base, "convert.converted", "iren")
    row = row[row["note"] == "conv_2029"].iloc[0]
    assert row["reason"] in ("called", "maturity")
    offset = float(capped_call_offset_shares(row["share_price_usd"], 550e6, 13.64, 20.98))
    assert row["shares_issued"] == pytest.approx(550e6 / 13.64 - offset, rel=1e-12)
    assert row["capped_call_offset_shares"] == pytest.approx(offset)


def test_gpu_debt_against_microsoft_is_cheaper_than_against_an_unrated_lab(
        base: RunResult) -> None:
    spec, _ = load_world("iren")
    model = build_model(spec, 0, dt.date(2026, 1, 31))
    iren = model.agent("iren", Neocloud)
    msft = Contract("a", "iren", "microsoft", "childress", "gpu_cloud", 1e9, 5.0)
    lab = Contract("b", "iren", "openai", "childress", "gpu_cloud", 1e9, 5.0)
    spreads = spec.markets.credit.spread_by_rating
    assert iren.financing.gpu_loan_rate(lab) - iren.financing.gpu_loan_rate(msft) == (
        pytest.approx(spreads["NR"] - spreads["AAA"]))
    drawn = of_kind(base, "debt.drawn")
    drawn = drawn[drawn["instrument"] == "gpu_backed"]
    aaa = drawn[drawn["customer_rating"] == "AAA"]["rate"]
    unrated = drawn[drawn["customer_rating"] == "NR"]["rate"]
    assert len(aaa) and len(unrated) and unrated.min() > aaa.max()


def test_a_closed_market_stops_bids_and_unpaid_gpus_cost_the_contract() -> None:
    """IREN with no cash, every market closed and no rescue lender: raises fail, bids
    stop, Dell goes unpaid, the Microsoft tranches are never delivered and Microsoft
    terminates them."""
    closed = [("iren.cash_usd", 0.0), ("iren.financing.distress.rescue_ltv", 0.0),
              ("markets.state.closed_probability_boom", 1.0),
              ("markets.state.closed_probability_digestion", 1.0),
              ("markets.state.closed_probability_bust", 1.0)]
    spec, _ = load_world("iren", closed)
    model = build_model(spec, 0, dt.date(2027, 1, 31))
    model.run(dt.date(2027, 1, 31))
    r = package(model, spec, {"world": "iren", "seed": 0, "until": "2027-01-31"})
    failed = of_kind(r, "capital.raise_failed", "iren")
    assert len(failed) > 5 and set(failed["reason"]) == {"market_closed"}
    bids = of_kind(r, "bid.submitted", "iren")["t_days"].to_numpy()
    retry = spec.markets.state.retry_days
    for t in failed["t_days"]:
        assert not ((bids > t) & (bids < t + retry)).any()
    unpaid = of_kind(r, "gpu.payment_failed", "iren")
    assert "iren_microsoft" in set(unpaid["contract"])
    ended = of_kind(r, "contract.terminated", "iren")
    assert set(ended.loc[ended["contract"] == "iren_microsoft", "tranche"]) >= {1}
    online = of_kind(r, "capacity.online", "iren")
    assert online[online["contract"] == "iren_microsoft"].empty


def test_deep_in_the_money_notes_can_be_induced_to_convert() -> None:
    r = run_world("iren", 0, "2026-02-28", [("iren.financing.induce_conversions", True)])
    induced = of_kind(r, "convert.induced", "iren")
    assert set(induced["note"]) == {"conv_2029", "conv_2030"}  # the 2031 note is out of money
    ledger = r.ledger[(r.ledger["company"] == "iren")
                      & (r.ledger["account"] == "financing.convert_inducement")]
    assert -ledger["amount_usd"].sum() == pytest.approx(0.03 * (550e6 + 440e6))
    converted = of_kind(r, "convert.converted", "iren").set_index("cause")
    assert set(converted.loc[induced["id"], "reason"]) == {"induced"}
