"""``abm worlds`` and ``abm describe``: every parameter with its value, unit and source."""

import csv
import io
import json

import pytest

from neocloud_abm.cli import main
from worlds.catalog import scenario_names, world_names
from worlds.describe import Row, describe_world, format_value, unit_of


@pytest.fixture(scope="module")
def rows() -> dict[str, Row]:
    return {r.key: r for r in describe_world("iren")}


@pytest.mark.parametrize(("name", "value", "unit"), [
    ("secured_mw", 1.0, "MW"), ("cash_usd", 1.0, "USD"), ("price_usd_per_gpu_hour", 1.0,
                                                            "USD/GPU-h"),
    ("power_price_usd_per_mwh", 1.0, "USD/MWh"), ("hall_capex_usd_per_mw", 1.0, "USD/MW"),
    ("study_days_median", 1.0, "days"), ("study_days_sigma", 1.0, "log-sd"),
    ("useful_life_years", 1.0, "years"), ("growth_boom_annual", 1.0, "1/yr"),
    ("mining_ehs", 1.0, "EH/s"), ("gpu_debt_share", 1.0, "fraction"),
    ("coupon_rate", 1.0, "fraction/yr"), ("request_mw_min", 1.0, "MW"),
    ("growth_mw_per_year", 1.0, "MW/yr"), ("stay_boom_monthly", 1.0, "probability/month"),
    ("kw_it_per_gpu", 1.0, "kW IT/GPU"), ("mining_j_per_th", 1.0, "J/TH"),
    ("tenders_per_year", 1.0, "1/yr"), ("needed_by", None, "-"), ("display_name", "x", "-"),
    ("mining_to_ai", True, "on/off"), ("build_time_scale", 2.0, "x"),
])
def test_units_come_from_the_name(name: str, value: object, unit: str) -> None:
    assert unit_of(name, value) == unit


def test_dates_are_dates_whatever_the_name() -> None:
    import datetime as dt

    assert unit_of("needed_by", dt.date(2026, 1, 1)) == "date"


def test_every_leaf_once_with_sources_from_the_nearest_table(rows: dict[str, Row]) -> None:
    assert len(rows) > 1000
    childress = rows["neoclouds.iren.sites.childress.secured_mw"]
    assert (childress.value, childress.unit) == (750.0, "MW")
    assert childress.source.startswith("C: 750 MW Childress campus, https://")
    supply = rows["utilities.oncor.grid.supplies.west_tx_supply.capacity_mw"]
    assert supply.source.startswith("NF: MW available to new large loads")  # grid.sources
    shares = rows["utilities.oncor.background.node_shares.ercot_core_sub"]
    assert (shares.value, shares.unit) == (0.70, "weight")
    assert rows["contracts.iren_microsoft.tranches.3.gpus"].value == 19_000
    assert rows["world.study_time_scale"].source.startswith("default (NF): multiplies")
    assert rows["neoclouds.iren.sites.childress.utility"].source == "-"


def test_overlays_and_overrides_say_what_changed_them() -> None:
    got = {r.key: r for r in describe_world(
        "iren", ["btc_bear", "power_crunch"], [("iren.cash_usd", 2.5e9)])}
    assert got["bitcoin.price_drift_annual"].value == -0.5
    assert got["bitcoin.price_drift_annual"].source == "scenario btc_bear (base: 0)"
    assert got["world.build_time_scale"].source == "scenario power_crunch (base: 1)"
    assert got["neoclouds.iren.cash_usd"].value == 2.5e9
    assert got["neoclouds.iren.cash_usd"].source == "--set (base: 1,800,000,000)"
    assert got["bitcoin.price_usd"].source.startswith("C: ~$106.9k")


def test_values_read_as_people_write_them() -> None:
    assert format_value(1.8e9) == "1,800,000,000"
    assert format_value(0.035) == "0.035"
    assert format_value(None) == "none"
    assert format_value(["a", "b"]) == "a, b"


def test_abm_describe_grep_table_csv_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["describe", "iren", "--grep", "CHILDRESS"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["key", "value", "unit", "range", "source"]
    assert any(line.startswith("neoclouds.iren.sites.childress.secured_mw") and " MW " in line
               for line in table)
    assert main(["describe", "--grep", "sweetwater_1.secured", "--format", "csv"]) == 0
    parsed = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["key"] for r in parsed] == ["neoclouds.iren.sites.sweetwater_1.secured_mw"]
    assert parsed[0]["value"] == "1,400" and parsed[0]["unit"] == "MW"
    # declared [0, 20000]; its interconnects (1,400 MW to come) and its connection
    # (1,400 MW) pin it: no other value loads while they stand
    assert parsed[0]["range"] == "[1400, 1400]"
    assert main(["describe", "--scenario", "sb6_now", "--grep", "oncor.batch_start_date",
                 "--format", "json"]) == 0
    [item] = json.loads(capsys.readouterr().out)
    assert item == {"key": "utilities.oncor.batch_start_date", "value": "2025-11-06",
                    "unit": "date", "source": "scenario sb6_now (base: 2026-07-01)",
                    "range": "-"}


def test_abm_worlds_lists_worlds_and_scenarios(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["worlds"]) == 0
    out = capsys.readouterr().out
    for name in [*world_names(), *scenario_names()]:
        assert f"  {name} " in out
    assert "IREN on 2025-11-06" in out and "twice as long" in out


@pytest.mark.parametrize(("args", "expected"), [
    (["describe", "nowhere"], "expected a bundled world"),
    (["describe", "--scenario", "nope"], "expected a bundled scenario"),
    (["describe", "--set", "iren.cash_usd=lots"], "expected a number"),
    (["describe", "--set", "iren.nope=1"], "unknown key"),
    (["describe", "--set", "novalue"], "expected KEY=VALUE"),
])
def test_mistakes_exit_2_with_one_line(args: list[str], expected: str,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert expected in err and err.count("\n") == 1


def test_a_bad_format_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["describe", "--format", "xml"])
    assert exc.value.code == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_grep_matching_nothing_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["describe", "--grep", "no-such-parameter"]) == 1
    assert "matches" in capsys.readouterr().err
