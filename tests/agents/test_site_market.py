"""The market for powered sites: offers, bids by value, one owner, secured MW as an outcome."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from abm.result import RunResult
from agents.grid.pipeline import PowerPipeline
from agents.neoclouds.neocloud import Neocloud
from agents.neoclouds.power_seeking import site_value_usd
from experiments.api import monte_carlo
from worlds.build import build_model
from worlds.catalog import load_world
from worlds.run import run_world

TAKEN = ("site.acquired", "site.secured")


@pytest.fixture(scope="module")
def runs() -> list[RunResult]:
    return [run_world("iren", seed=seed, until="2028-12-31") for seed in range(4)]


def test_a_site_has_at_most_one_owner_and_contracts_sit_on_their_companys_sites() -> None:
    spec, _ = load_world("iren")
    for seed in range(3):
        model = build_model(spec, seed, dt.date(2028, 12, 31))
        model.run(dt.date(2028, 12, 31))
        owners: dict[str, str] = {}
        for company in (a for a in model.agents.values() if isinstance(a, Neocloud)):
            for site in company.sites:
                assert owners.setdefault(site, company.name) == company.name, site
            for contract in company.contracts:
                assert contract.site in company.sites, (company.name, contract.id)


def test_offers_end_in_one_award_or_a_withdrawal_and_the_highest_bid_wins(
        runs: list[RunResult]) -> None:
    awarded_somewhere = 0
    for result in runs:
        ev = result.events
        offered = ev[ev["kind"] == "site.offered"]
        assert len(offered) > 10
        ends = ev[ev["kind"].isin(["site.awarded", "site.withdrawn", *TAKEN])]
        for site in offered["site"]:
            kinds = list(ends.loc[ends["site"] == site, "kind"])
            assert kinds.count("site.awarded") + kinds.count("site.withdrawn") <= 1
        awards = ev[ev["kind"] == "site.awarded"]
        awarded_somewhere += len(awards)
        outbid = ev[(ev["kind"] == "site.lost") & (ev["reason"] == "outbid")]
        by_id = awards.set_index("id")
        for row in outbid.itertuples():
            award = by_id.loc[int(row.cause)]
            assert award["site"] == row.site and award["bid_usd"] >= row.bid_usd
        if len(awards):
            assert (awards["bid_usd"] >= awards["price_usd"]).all()
    assert awarded_somewhere > 0


def test_every_change_of_secured_power_is_an_event_with_a_cause(
        runs: list[RunResult]) -> None:
    spec, _ = load_world("iren")
    for result in runs:
        ev = result.events
        for company in ("iren", "cipher", "terawulf", "nebius"):
            secured = result.path[f"{company}.secured_mw"]
            start = sum(s.secured_mw for s in spec.neoclouds[company].sites.values())
            change = secured.diff().fillna(secured.iloc[0] - start)
            taken = ev[ev["kind"].isin(TAKEN) & (ev["company"] == company)]
            assert not pd.isna(taken["cause"]).any()
            months = taken["date"].dt.to_period("M")
            by_month = taken.groupby(months)["mw"].sum()
            change.index = change.index.to_period("M")
            np.testing.assert_allclose(by_month.reindex(change.index, fill_value=0.0), change,
                                       atol=1e-6)


def test_a_site_is_worth_more_to_a_company_when_rents_are_higher() -> None:
    spec, _ = load_world("iren")
    model = build_model(spec, 0, dt.date(2026, 12, 31))
    model.run(dt.date(2026, 1, 31))
    iren = model.agent("iren", Neocloud)
    site = model.agent("pipeline", PowerPipeline).open_candidates()[0]
    value = site_value_usd(iren, site)
    index = iren.rents.index
    newest = iren.rents.newest()
    index[newest] *= 1.2
    assert site_value_usd(iren, site) > value > 0


def test_irens_secured_power_is_an_outcome_with_a_band() -> None:
    result = monte_carlo("iren", reps=200, until="2027-12-31", workers=2, report=False)
    secured = result.summary["iren.secured_mw@end"]
    assert len(secured) == 200 and secured.notna().all()
    p5, p95 = np.percentile(secured, [5, 95])
    assert p95 > p5


def test_abundant_sites_grow_rivals_power_more_than_scarce_ones() -> None:
    rivals = ("cipher", "terawulf", "nebius", "galaxy", "applied_digital", "coreweave", "iren")

    def secured(scenario: str) -> np.ndarray:
        return np.array([
            sum(run_world("iren", seed=seed, until="2027-12-31", scenarios=(scenario,))
                .path[f"{c}.secured_mw"].iloc[-1] for c in rivals) for seed in range(4)])

    abundant, scarce = secured("sites_abundant"), secured("sites_scarce")
    assert abundant.mean() > scarce.mean()
    assert (abundant >= scarce).mean() >= 0.5
