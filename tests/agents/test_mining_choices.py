"""Miners upgrade, shrink or pivot to hosting AI by the same return test as their bids."""

from __future__ import annotations

import pandas as pd
import pytest

from agents.neoclouds.mining_choices import (
    life_months,
    mining_value_usd,
    new_machine,
    upgrade_npv_usd,
)
from agents.neoclouds.state import Company
from worlds.run import run_world, simulate


def events(seed: int, overrides: list[tuple[str, object]] | None = None,
           scenarios: tuple[str, ...] = ()) -> pd.DataFrame:
    return run_world("iren", seed=seed, overrides=overrides or [],
                     scenarios=scenarios).events


def test_an_upgrade_installs_todays_machines_in_the_same_power_and_books_them() -> None:
    found = 0
    for seed in range(4):
        result = run_world("iren", seed=seed)
        ev, ledger = result.events, result.ledger
        ups = ev[ev["kind"] == "mining.upgraded"]
        for _, up in ups.iterrows():
            found += 1
            assert up["j_per_th_after"] < up["j_per_th_before"]
            mw_before = up["ehs_before"] * up["j_per_th_before"]
            assert up["ehs_after"] * up["j_per_th_after"] == pytest.approx(mw_before)
            assert up["npv_usd"] > 0
            paid = ledger[(ledger["cause"] == up["id"]) & (ledger["account"] == "capex.asic")]
            assert -paid["amount_usd"].sum() == pytest.approx(up["capex_usd"])
    assert found >= 2


def test_a_higher_hurdle_never_upgrades_more() -> None:
    counts = []
    for hurdle in (0.05, 0.15, 0.40):
        n = 0
        for seed in range(4):
            ev = events(seed, [("mara.policy.hurdle_irr", hurdle),
                               ("mara.policy.pivot_to_hosting", False)])
            n += int(((ev["kind"] == "mining.upgraded") & (ev["agent"] == "mara")).sum())
        counts.append(n)
    assert counts == sorted(counts, reverse=True) and counts[0] > counts[-1], counts


def test_the_upgrade_arithmetic_holds_and_todays_machines_gain_nothing() -> None:
    model = simulate("iren", 0, "2026-03-31")[0]
    mara = model.agents["mara"]
    assert isinstance(mara, Company)
    site = mara.sites["fleet"]
    npv, capex, new_ehs = upgrade_npv_usd(mara, site)
    j_new, usd_per_th = new_machine(mara)
    assert new_ehs == pytest.approx(site.mining_ehs * site.j_per_th / j_new)
    assert capex == pytest.approx(new_ehs * 1e6 * usd_per_th)
    months = life_months(mara)
    gain = (mining_value_usd(mara, new_ehs, j_new, months)
            - mining_value_usd(mara, site.mining_ehs, site.j_per_th, months))
    assert npv == pytest.approx(gain - capex)
    site.j_per_th = j_new  # already today's machines: nothing to gain
    assert upgrade_npv_usd(mara, site) == (0.0, 0.0, 0.0)


def test_a_pivoted_miner_bids_to_host_and_only_after_it_pivots() -> None:
    pivots = 0
    for seed in range(8):
        ev = events(seed, [("mara.policy.pivot_to_hosting", True)])
        mara = ev[ev["agent"] == "mara"]
        pivoted = mara[mara["kind"] == "strategy.pivoted"]
        bids = mara[mara["kind"] == "bid.submitted"]
        if pivoted.empty:
            assert bids.empty
            continue
        pivots += 1
        assert (bids["t_days"] >= pivoted["t_days"].iloc[0]).all()
        tenders = ev[ev["kind"] == "tender.opened"].set_index("tender")
        assert set(tenders.loc[bids["tender"], "contract_kind"]) == {"lease"}
    assert pivots >= 2
    never = events(1)  # the base world's MARA is Bitcoin-first: it never pivots
    assert not ((never["agent"] == "mara") & (never["kind"] == "strategy.pivoted")).any()


def test_asics_idle_past_the_miners_patience_are_retired() -> None:
    overrides: list[tuple[str, object]] = [("mara.policy.idle_asic_retire_days", 30.0),
                                           ("mara.policy.upgrade_asics", False),
                                           ("mara.policy.pivot_to_hosting", False)]
    retired = 0
    for seed in range(4):
        ev = events(seed, overrides, ("btc_bear",))
        mara = ev[ev["agent"] == "mara"]
        idle = mara[(mara["kind"] == "mining.retired") & (mara["reason"] == "idle")]
        for _, r in idle.iterrows():
            paused = mara[(mara["kind"] == "mining.paused") & (mara["t_days"] <= r["t_days"])]
            assert r["t_days"] - paused["t_days"].iloc[-1] >= 30.0
        retired += len(idle)
    assert retired >= 1
