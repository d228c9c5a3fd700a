"""A company's hurdle follows its cost of capital: its leverage, the regime, a rate shock.

Each test can fail: at the start IREN bids at its calibrated 8%; a company levered past the
market's free turns asks the world's premium per turn more, and never quotes a lower price
or more MW for the same tender; a bust raises every company's hurdle by the regime's spread
add; bids clear the hurdle of their own day; companies with the same policy hurdle end up
with different ones as their leverage differs; and switched off, nothing moves.
"""

from __future__ import annotations

import itertools

import pandas as pd
import pytest

from agents.deals.tender import Tender
from agents.neoclouds.neocloud import Neocloud
from worlds.build import build_model
from worlds.catalog import load_world
from worlds.run import run_world


def _iren_at(day: str, scenarios: tuple[str, ...] = ()) -> Neocloud:
    spec, _ = load_world("iren", scenarios=scenarios)
    model = build_model(spec, 1, spec.world.until)
    model.run(pd.Timestamp(day).date())
    return model.agent("iren", Neocloud)


def test_at_the_start_iren_asks_its_calibrated_hurdle() -> None:
    iren = _iren_at("2025-11-20")
    assert iren.leverage_turns <= 3.0  # within the market's free turns
    assert iren.hurdle_irr() == pytest.approx(iren.policy_spec.hurdle_irr) == 0.08


def test_a_levered_company_asks_more_and_never_quotes_lower_or_more() -> None:
    """Same state, same tender: only the market's view of its leverage differs."""
    iren = _iren_at("2025-11-20")
    assert iren.policy is not None
    valuation = iren.markets.spec.valuation
    free, per_turn, cap = (valuation.leverage_free_turns, valuation.leverage_premium_per_turn,
                           valuation.leverage_premium_max)
    compared = 0
    for customer, mw, term in (("microsoft", 200.0, 5.0), ("together_ai", 40.0, 3.0)):
        tender = Tender(f"{customer}.probe", customer, "gpu_cloud", mw, iren.now + 300.0, term,
                        iren.now + 30.0, 0, None, 0.2)
        quotes = []
        for turns in (0.0, 3.0, 4.5, 7.0, 30.0):
            iren.leverage_turns = turns
            expected = 0.08 + min(per_turn * max(0.0, turns - free), cap)
            assert iren.hurdle_irr() == pytest.approx(expected)
            quotes.append(iren.policy.quote(iren, tender))
        for low, high in itertools.pairwise(quotes):
            if high is not None:
                assert low is not None and low.it_mw >= high.it_mw and low.price <= high.price
                compared += 1
        priced = [q.price for q in quotes if q is not None]
        assert priced[-1] > priced[0] or len(priced) < len(quotes)  # leverage costs something
    assert compared >= 2


def test_a_bust_raises_the_hurdle_by_the_regimes_spread() -> None:
    iren = _iren_at("2026-06-15", ("ai_bust_2026",))
    credit = iren.markets.spec.credit
    assert iren.markets.regime_at(iren.now) == "bust"
    lever = iren.markets.leverage_premium(iren.leverage_turns)
    assert iren.hurdle_irr() == pytest.approx(0.08 + credit.spread_add_bust + lever)
    off = iren.spec.policy.model_copy(update={"hurdle_follows_capital_cost": False})
    iren.spec = iren.spec.model_copy(update={"policy": off})
    assert iren.hurdle_irr() == 0.08


def test_bids_clear_their_days_hurdle_and_companies_differ_by_leverage() -> None:
    seen: dict[str, set[float]] = {}
    spec, _ = load_world("iren")
    for seed in range(3):
        ev = run_world("iren", seed, "2028-06-30").events
        bids = ev[ev["kind"] == "bid.submitted"]
        assert len(bids) > 10
        for row in bids.to_dict("records"):
            policy_hurdle = spec.neoclouds[row["agent"]].policy.hurdle_irr
            assert row["hurdle_irr"] >= policy_hurdle - 1e-12, row
            assert row["irr"] >= row["hurdle_irr"] - 1e-6, row
            seen.setdefault(row["agent"], set()).add(round(row["hurdle_irr"], 6))
    above = {c for c, hurdles in seen.items()
             if max(hurdles) > spec.neoclouds[c].policy.hurdle_irr + 1e-6}
    assert above, seen  # some company was levered or bid in a digestion
    assert len({min(h) for h in seen.values()}) >= 3, seen  # companies differ in hurdle


def test_switched_off_the_hurdle_stays_the_policys() -> None:
    companies = ("iren", "nebius", "coreweave", "cipher", "terawulf", "applied_digital",
                 "galaxy", "mara")
    overrides = [(f"{c}.policy.hurdle_follows_capital_cost", False) for c in companies]
    spec, _ = load_world("iren", overrides)
    ev = run_world("iren", 0, "2028-06-30", overrides).events
    bids = ev[ev["kind"] == "bid.submitted"]
    for row in bids.to_dict("records"):
        assert row["hurdle_irr"] == spec.neoclouds[row["agent"]].policy.hurdle_irr, row
