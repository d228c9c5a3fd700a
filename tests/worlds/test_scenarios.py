"""Scenario overlays: each loads, validates, runs, and changes what its description says.

Every comparison is against the base world at the same seed (common random numbers), to
the end of 2027. Each combination of scenarios runs once per session (runs are cached).
"""

import argparse
import functools

import pandas as pd
import pytest

from abm.result import RunResult
from neocloud_abm.cli import build_parser
from worlds.catalog import load_world, read_scenario, scenario_names
from worlds.run import run_world

UNTIL = "2027-12-31"


@functools.cache
def run(*scenarios: str) -> RunResult:
    return run_world("iren", 0, UNTIL, scenarios=scenarios)


@pytest.fixture(scope="module")
def base() -> RunResult:
    return run()


def events(result: RunResult, kind: str) -> pd.DataFrame:
    return result.events[result.events["kind"] == kind]


@pytest.mark.parametrize("name", scenario_names())
def test_each_scenario_loads_runs_and_changes_the_world(name: str) -> None:
    description, overlay, _path = read_scenario(name)
    assert description and "\n" not in description and len(description) <= 120
    assert overlay, "a scenario must change something"
    spec, _ = load_world("iren", scenarios=[name])
    assert spec != load_world("iren")[0]
    result = run(name)
    assert result.path.index[-1] == pd.Timestamp(UNTIL)
    assert result.meta["scenarios"] == [name]


def test_power_crunch_slows_energization_halls_and_studies(base: RunResult) -> None:
    crunch = run("power_crunch")

    def first_power(result: RunResult) -> pd.Timestamp:
        energized = events(result, "interconnect.energized")
        return pd.Timestamp(energized[energized["site"] == "sweetwater_1"]["date"].min())

    assert first_power(crunch) > first_power(base)

    def first_hall(result: RunResult) -> pd.Timestamp:
        halls = events(result, "hall.completed")
        return pd.Timestamp(halls[halls["agent"] == "iren"]["date"].min())

    assert first_hall(crunch) > first_hall(base)
    def approved_mw_end_2026(result: RunResult) -> float:
        return float(result.path["oncor.approved_mw"].loc["2026-12-31"])

    assert approved_mw_end_2026(crunch) < approved_mw_end_2026(base)  # studies take longer


def test_ai_digestion_2027_holds_the_boom_then_turns(base: RunResult) -> None:
    turns = events(run("ai_digestion_2027"), "demand.regime")
    in_2026 = turns[turns["date"].dt.year == 2026]
    assert in_2026.empty, "the boom holds through 2026"
    jan_2027 = turns[(turns["date"] >= "2027-01-01") & (turns["date"] < "2027-02-01")]
    assert jan_2027["regime"].tolist() == ["digestion"]
    assert jan_2027["previous"].tolist() == ["boom"]
    del base


def test_microsoft_expands_needs_more_and_expands_with_incumbents(base: RunResult) -> None:
    more = run("microsoft_expands")
    assert (more.path["microsoft.need_mw"].iloc[0]
            == pytest.approx(2 * base.path["microsoft.need_mw"].iloc[0]))

    def expansions(result: RunResult) -> int:
        opened = events(result, "tender.opened")
        return int(opened[opened["agent"] == "microsoft"]["expansion_of"].notna().sum())

    assert expansions(more) > expansions(base)


def test_no_new_customers_opens_no_tender(base: RunResult) -> None:
    assert len(events(base, "tender.opened")) > 0
    none = run("no_new_customers")
    assert events(none, "tender.opened").empty
    assert events(none, "contract.awarded").empty


def test_sb6_now_batches_ercot_studies_from_the_start(base: RunResult) -> None:
    def months_with_approvals(result: RunResult) -> int:
        return int((result.path["oncor.approved_mw"].diff().fillna(0) > 0).sum())

    batched = months_with_approvals(run("sb6_now"))
    assert 0 < batched < months_with_approvals(base)
    assert batched <= 6  # a batch closes every 180 days


def test_hot_summer_brings_emergencies_and_sb6_makes_ai_shed(base: RunResult) -> None:
    hot = run("hot_summer")
    assert len(events(hot, "grid.curtailment")) > len(events(base, "grid.curtailment"))
    assert hot.path["oncor.curtailed_mwh"].iloc[-1] > base.path["oncor.curtailed_mwh"].iloc[-1]
    # Large loads must shed only once SB 6 applies, from its drawn date in the base world.
    curtailed = events(hot, "grid.curtailment")
    sb6_from = events(hot, "grid.policy_changed")["date"].iloc[0]
    obliged = curtailed["obligation"].astype(bool)
    assert not obliged[curtailed["date"] < sb6_from].any()
    assert obliged[curtailed["date"] >= sb6_from].all()
    both = events(run("hot_summer", "sb6_now"), "grid.curtailment")  # scenarios compose
    assert len(both) > 0 and both["obligation"].astype(bool).all()


def test_gpu_shortage_ships_within_half_the_allocation_and_rents_rise(base: RunResult) -> None:
    short = run("gpu_shortage")
    shipped = short.path["gpu_vendor.gpus_shipped"]
    quarterly = shipped.groupby(pd.PeriodIndex(shipped.index, freq="Q")).last().diff()
    assert quarterly.max() <= 100_000 + 75_000 + 60_000 + 40_000  # the halved allocations
    rent = "gpu.gb300.rent_usd_per_gpu_hour"
    years = slice("2026-01-01", "2028-12-31")
    assert short.path[rent][years].mean() > base.path[rent][years].mean()


def test_btc_bear_and_bull_move_the_price_path(base: RunResult) -> None:
    end = base.path["btc.price_usd"].iloc[-1]
    assert run("btc_bear").path["btc.price_usd"].iloc[-1] < end
    assert run("btc_bull").path["btc.price_usd"].iloc[-1] > end


def test_halls_slip_delays_the_microsoft_halls(base: RunResult) -> None:
    def microsoft_halls(result: RunResult) -> pd.Series:
        halls = events(result, "hall.completed")
        return halls[halls["agent"] == "iren"]["date"].head(4).reset_index(drop=True)

    slipped = microsoft_halls(run("halls_slip"))
    assert (slipped >= microsoft_halls(base)).all()
    assert slipped.max() > microsoft_halls(base).max()


def test_every_world_running_command_takes_scenario_and_set() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    running = {name: p for name, p in sub.choices.items()
               if any("--seed" in a.option_strings for a in p._actions)}
    assert {"run", "mc"} <= set(running)
    for name, command in running.items():
        options = {o for a in command._actions for o in a.option_strings}
        assert {"--scenario", "--set"} <= options, name
