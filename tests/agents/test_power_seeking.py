"""Companies short of power buy powered sites or race to file for candidates."""

import pandas as pd

from worlds.catalog import load_world
from worlds.run import run_world


def test_short_companies_buy_powered_sites_then_file_and_the_first_filer_wins() -> None:
    result = run_world("iren", seed=1, until="2026-12-31")
    spec, _ = load_world("iren")
    ev = result.events
    sought = ev[ev["kind"] == "power.sought"]
    assert len(sought) >= 3
    acquired = ev[ev["kind"] == "site.acquired"]
    assert len(acquired) >= 1
    for row in acquired.itertuples():
        cause = ev.set_index("id").loc[int(row.cause)]
        assert cause["kind"] == "power.sought" and cause["agent"] == row.company
        start_mw = sum(site.secured_mw for site in spec.neoclouds[row.company].sites.values())
        assert result.path[f"{row.company}.secured_mw"].iloc[-1] >= start_mw + row.mw - 1e-6
        paid = result.ledger[(result.ledger["company"] == row.company)
                             & (result.ledger["account"] == "capex.site_acquisition")]
        assert paid["amount_usd"].sum() < 0
    requested = ev[ev["kind"] == "interconnect.requested"]
    lost = ev[(ev["kind"] == "site.lost") & (ev["reason"] == "beaten")]
    for row in lost.itertuples():
        first = requested[requested["site"] == row.site].iloc[0]
        assert first["company"] != row.company and first["t_days"] <= row.t_days
    secured = ev[ev["kind"] == "site.secured"]
    assert (secured["t_days"] > 0).all()
    assert not pd.isna(secured["cause"]).any()
