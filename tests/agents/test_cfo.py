"""The CFO: converts on the market's terms, loans sized to their cover, covenants that
bind, and a rate shock that makes money scarcer and dearer."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from neocloud_abm import run
from worlds.catalog import load_world

SEEDS = range(8)
PREMIUM_RANGE = (0.175, 0.45)
"""The 2024-25 converts in the industry sheet (section 1): MARA 2032 at 17.5% to Hut 8 at
45%."""
COUPON_RANGE = (0.0, 0.0525)
"""0% (many) to Bitdeer's 5.25% (section 1)."""


@pytest.fixture(scope="module")
def base_events() -> list[pd.DataFrame]:
    return [run(seed=s).events for s in SEEDS]


def test_new_notes_price_inside_the_range_of_the_sheets_issuances(
        base_events: list[pd.DataFrame]) -> None:
    priced = pd.concat([ev[ev.kind == "convert.priced"] for ev in base_events])
    assert len(priced) >= 10
    assert priced.premium.between(*PREMIUM_RANGE).all()
    assert priced.coupon_rate.between(*COUPON_RANGE).all()
    assert priced.price_move.median() == pytest.approx(-0.059, abs=0.02)  # launch reactions


def test_gpu_loans_advance_less_against_weaker_customers(
        base_events: list[pd.DataFrame]) -> None:
    spec, _ = load_world("iren")
    iren = spec.neoclouds["iren"]
    drawn = pd.concat([ev[(ev.kind == "debt.drawn") & (ev.agent == "iren")
                          & (ev.instrument == "gpu_backed")] for ev in base_events])
    limit = drawn.customer_rating.map(iren.financing.gpu_ltv_by_rating) * iren.gpu_debt_share
    assert (drawn.ltv <= limit + 1e-9).all()
    by_rating = drawn.groupby("customer_rating").ltv.max()
    assert by_rating["AAA"] == pytest.approx(iren.gpu_debt_share)
    assert by_rating["NR"] < 0.75 * iren.gpu_debt_share  # an unrated lab's contract


def test_a_covenant_breach_stops_the_facility_drawing() -> None:
    breaches = draws_after = 0
    for seed in SEEDS:
        for scenario in ([], ["power_crunch"]):
            ev = run(seed=seed, scenarios=scenario).events
            for _, breach in ev[ev.kind == "covenant.breached"].iterrows():
                breaches += 1
                later = ev[(ev.kind == "debt.drawn") & (ev.agent == breach.agent)
                           & (ev.contract == breach.contract) & (ev.date >= breach.date)]
                draws_after += len(later)
    assert breaches > 5 and draws_after == 0


def test_a_rate_shock_raises_fewer_dollars_at_worse_terms(
        base_events: list[pd.DataFrame]) -> None:
    """Under common random numbers (the same seeds), during the shock window."""
    spec, _ = load_world("iren", scenarios=["rate_shock"])
    t0, t1 = (pd.Timestamp(spec.markets.state.shock_start_date),
              pd.Timestamp(spec.markets.state.shock_end_date))

    def raised(ev: pd.DataFrame) -> tuple[float, pd.DataFrame]:
        iren = ev[(ev.agent == "iren") & (ev.date >= t0) & (ev.date < t1)]
        usd = (iren[iren.kind == "convert.issued"].principal_usd.sum()
               + iren[iren.kind == "equity.issued"].amount_usd.sum())
        return usd, iren[iren.kind == "convert.priced"]

    base = [raised(ev) for ev in base_events]
    shock = [raised(run(seed=s, scenarios=["rate_shock"]).events) for s in SEEDS]
    assert np.mean([u for u, _ in shock]) < 0.8 * np.mean([u for u, _ in base])
    base_notes = pd.concat([p for _, p in base])
    shock_notes = pd.concat([p for _, p in shock])
    assert shock_notes.credit_spread.mean() > base_notes.credit_spread.mean() + 0.02
    assert shock_notes.coupon_rate.mean() > base_notes.coupon_rate.mean()
    assert shock_notes.premium.mean() < base_notes.premium.mean()


def test_new_notes_buy_back_older_ones_due_soon_and_out_of_the_money(
        base_events: list[pd.DataFrame]) -> None:
    spec, _ = load_world("iren")
    financing = spec.neoclouds["iren"].financing
    maturities = {n.name: pd.Timestamp(n.maturity_date)
                  for n in spec.neoclouds["iren"].convertibles}
    bought = 0
    for ev in base_events:
        issued = ev[ev.kind == "convert.issued"].set_index("id")
        for _, buy in ev[ev.kind == "convert.repurchased"].iterrows():
            bought += 1
            new = issued.loc[buy.cause]
            assert buy.share_price_usd < buy.conversion_price_usd
            assert buy.principal_usd <= (financing.refinance_share_of_proceeds
                                         * new.net_proceeds_usd + 1.0)
            if buy.note in maturities:  # a note of the start: due within the window
                years = (maturities[buy.note] - pd.Timestamp(buy.date)).days / 365.0
                assert years <= financing.refinance_within_years
    assert bought >= 2
