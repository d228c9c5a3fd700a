"""NVIDIA's backstop: it buys CoreWeave's unsold new capacity, up to its cap and term."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from abm.result import RunResult
from agents.neoclouds.backstop import Backstop, BackstopSpec
from worlds.run import run_world

CAP = "neoclouds.coreweave.capacity_backstop.cap_usd"


def crunch(seed: int, cap_usd: float) -> RunResult:
    """A power crunch: tranches terminated for lateness leave GPUs uncontracted."""
    return run_world("iren", seed=seed, until="2028-12-31", scenarios=("power_crunch",),
                     overrides=[(CAP, cap_usd)])


def drawn(result: RunResult) -> pd.DataFrame:
    ledger = result.ledger
    return ledger[(ledger["company"] == "coreweave") & (ledger["account"] == "revenue.backstop")]


def test_a_backstop_pays_what_is_left_and_stops_after_its_term() -> None:
    spec = BackstopSpec(buyer="b", cap_usd=100.0, until_date=dt.date(2030, 1, 1))
    backstop = Backstop(spec, t_until_days=1000.0)
    assert backstop.draw(60.0, 500.0) == 60.0
    assert backstop.draw(-5.0, 530.0) == 0.0
    assert backstop.draw(60.0, 560.0) == 40.0 and backstop.left_usd == 0.0
    assert backstop.draw(60.0, 590.0) == 0.0
    late = Backstop(spec, t_until_days=1000.0)
    assert late.draw(10.0, 1040.0) == 0.0


def test_the_buyer_pays_for_unsold_hours_and_its_revenue_is_coreweaves() -> None:
    with_it, without = crunch(4, 6.3e9), crunch(4, 0.0)
    paid = drawn(with_it)
    assert len(paid) > 3 and paid["amount_usd"].gt(0).all() and drawn(without).empty
    first = int(paid["month"].min())
    revenue = "coreweave.revenue_ai_usd"
    # up to the first month it pays, the runs are the same but for what it paid
    pd.testing.assert_series_equal(with_it.path[revenue].iloc[:first],
                                   without.path[revenue].iloc[:first])
    gap = with_it.path[revenue].iloc[first] - without.path[revenue].iloc[first]
    assert gap == pytest.approx(float(paid.loc[paid["month"] == first, "amount_usd"].sum()))
    ev = with_it.events
    assert (ev["kind"] == "backstop.drawn").sum() == 1


def test_the_cap_binds() -> None:
    result = crunch(4, 1e8)
    assert drawn(result)["amount_usd"].sum() == pytest.approx(1e8)
    assert (result.events["kind"] == "backstop.exhausted").sum() == 1
