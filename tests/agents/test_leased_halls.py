"""A lease to a neocloud hands its halls to the tenant, who fills them with its GPUs."""

from __future__ import annotations

import pandas as pd
import pytest

from agents.neoclouds.site import Site
from worlds.run import run_world

LEASES = ("adc_coreweave", "galaxy_coreweave")
BACKLOG = ("coreweave_openai", "coreweave_meta")


def events(seed: int) -> pd.DataFrame:
    return run_world("iren", seed=seed, until="2028-12-31").events


def test_every_leased_hall_comes_from_its_hosts_tranche_online() -> None:
    for seed in range(3):
        ev = events(seed)
        online = ev[(ev["kind"] == "capacity.online") & ev["contract"].isin(LEASES)]
        handed = ev[ev["kind"] == "site.leased_halls"]
        assert len(handed) == len(online) >= 5
        assert (handed["agent"] == "coreweave").all() and (handed["site"] == "leased_us").all()
        by_id = online.set_index("id")
        causes = by_id.loc[handed["cause"].astype(int)]
        assert causes["it_mw"].to_numpy() == pytest.approx(handed["it_mw"].to_numpy())
        assert set(causes["agent"]) <= {"applied_digital", "galaxy"}


def test_coreweave_serves_its_backlog_in_the_halls_it_leases() -> None:
    online = 0
    for seed in range(6):
        ev = events(seed)
        served = ev[(ev["kind"] == "capacity.online") & ev["contract"].isin(BACKLOG)]
        online += len(served)
    tranches = 6 * 5  # OpenAI's three tranches and Meta's two, in each seed
    assert online >= 0.9 * tranches, (online, tranches)  # 12 of 30 at fa41264


def test_halls_to_come_are_free_on_the_day_they_are_due() -> None:
    site = Site("s", "c", "u", secured_mw=120.0, energized_mw=120.0, it_built_mw=100.0,
                mining_ehs=0.0, j_per_th=15.0, pue=1.2, hall_claims_mw=90.0)
    site.expect_leased_halls("late", 400.0, 50.0)
    site.expect_leased_halls("early", 100.0, 30.0)
    assert site.day_halls_free(10.0) == 0.0
    assert site.day_halls_free(40.0) == 100.0
    assert site.day_halls_free(80.0) == 400.0
    assert site.day_halls_free(91.0) is None
    site.receive_leased_halls("early", 30.0)
    assert site.it_built_mw == 130.0 and site.energized_mw == pytest.approx(156.0)
    assert site.day_halls_free(40.0) == 0.0
    site.lose_leased_halls("late")
    assert site.day_halls_free(41.0) is None
