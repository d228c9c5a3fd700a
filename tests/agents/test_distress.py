"""Distress: no company shows negative month-end cash without a distress event before it;
a company that cannot raise is rescued at a penalty, stops committing, and restructures
when rescue lenders will not cover it."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from neocloud_abm import run

SCENARIOS = ["", "ai_bust_2026", "btc_bear", "rate_shock", "power_crunch", "no_new_customers"]
CLOSED = {"markets.state.closed_probability_boom": 1.0,
          "markets.state.closed_probability_digestion": 1.0,
          "markets.state.closed_probability_bust": 1.0}
"""Every raise finds the market closed."""


def negative_cash_before_distress(path: pd.DataFrame, events: pd.DataFrame) -> list[str]:
    """Companies with a negative month-end cash and no distress event on or before it."""
    found = []
    for column in [c for c in path.columns if c.endswith(".cash_usd")]:
        company = column.split(".")[0]
        negative = path.index[path[column] < 0]
        if not len(negative):
            continue
        mine = events[(events.agent == company) & events.kind.str.startswith("distress.")]
        if not len(mine) or pd.Timestamp(mine.date.min()) > negative[0]:
            found.append(company)
    return found


@settings(max_examples=8, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from(SCENARIOS), st.booleans())
def test_no_negative_cash_without_distress_first(seed: int, scenario: str,
                                                 closed: bool) -> None:
    result = run(seed=seed, until="2029-12-31", scenarios=[scenario] if scenario else [],
                 overrides={**CLOSED, "iren.cash_usd": 0.4e9} if closed else {})
    assert negative_cash_before_distress(result.path, result.events) == []


def test_a_company_that_cannot_raise_is_rescued_and_stops_committing() -> None:
    result = run(seed=0, until="2027-12-31", overrides={**CLOSED, "iren.cash_usd": 0.3e9})
    ev = result.events
    iren = ev[ev.agent == "iren"]
    kinds = iren.kind.tolist()
    entered = kinds.index("distress.entered")
    assert kinds[entered + 1] == "distress.capex_cut"
    assert "distress.rescue_loan" in kinds[entered:]
    rescues = iren[iren.kind == "distress.rescue_loan"]
    assert (rescues.rate > 0.12).all()  # the risk-free rate plus the rescue spread
    t_entered = iren[iren.kind == "distress.entered"].date.iloc[0]
    exits = iren[iren.kind == "distress.exited"].date
    t_exit = exits.iloc[0] if len(exits) else pd.Timestamp.max
    signed = iren[(iren.kind == "contract.signed") & (iren.date > t_entered)
                  & (iren.date < t_exit)]
    assert signed.empty
    assert result.path["iren.cash_usd"].min() >= 0.0  # rescued, not insolvent


def test_a_rescue_that_falls_short_restructures_the_notes_into_shares() -> None:
    """Rescue lenders that lend nothing (no collateral counted): notes become shares."""
    no_rescue = {**CLOSED, "iren.cash_usd": 0.3e9,
                 "neoclouds.iren.financing.distress.rescue_ltv": 0.0}
    result = run(seed=0, until="2026-12-31", overrides=no_rescue)
    ev = result.events
    restructured = ev[(ev.agent == "iren") & (ev.kind == "distress.restructured")]
    assert len(restructured) >= 1
    first = restructured.iloc[0]
    assert first.claims_usd == 1.99e9 and first.shares_issued > 0  # its three notes
    assert result.path["iren.convertible_principal_usd"].iloc[-1] == 0.0
    assert negative_cash_before_distress(result.path, ev) == []
