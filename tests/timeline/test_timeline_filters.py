"""Filters and formats of ``abm timeline`` against plain pandas queries on events.parquet."""

import fnmatch
import io
import json
from pathlib import Path

import pandas as pd
import pytest

from abm.config import ConfigError
from experiments.one_run.timeline import (
    format_figure,
    format_table,
    parse_period,
    render,
    select_events,
)


def _events(folder: Path) -> pd.DataFrame:
    return pd.read_parquet(folder / "events.parquet")


def test_kind_pattern_selects_exactly_the_matching_events(run_dirs: dict[int, Path]) -> None:
    events = _events(run_dirs[0])
    got = select_events(events, kinds="contract.*")["id"].tolist()
    expected = events[events["kind"].astype(str).str.startswith("contract.")]["id"].tolist()
    assert got == expected and len(got) >= 2


def test_family_name_exclusion_and_suffix_patterns(run_dirs: dict[int, Path]) -> None:
    events = _events(run_dirs[0])
    kinds = events["kind"].astype(str)
    got = select_events(events, kinds=["gpu,*.issued", "!gpu.paid"])["id"].tolist()
    want = events[(kinds.str.startswith("gpu.") | kinds.str.endswith(".issued"))
                  & (kinds != "gpu.paid")]["id"].tolist()
    assert got == want and "gpu.paid" in set(kinds)


def test_agent_matches_actor_or_company_and_dates_are_inclusive(
        run_dirs: dict[int, Path]) -> None:
    events = _events(run_dirs[0])
    got = select_events(events, agents="iren", since="2026-04", until="2026-06")["id"].tolist()
    about = events["agent"].astype(str) == "iren"
    for field in ("company", "provider", "buyer"):  # the fields naming whom an event is about
        if field in events:
            about |= events[field].astype(object) == "iren"
    dates = events["date"]
    inside = (dates >= "2026-04-01") & (dates <= "2026-06-30")
    assert got == events[about & inside]["id"].tolist()
    # the utility energizing IREN's site is part of IREN's story
    assert set(events.loc[events["id"].isin(got), "agent"].astype(str)) - {"iren"}


def test_bad_dates_name_the_option() -> None:
    assert parse_period("2026-02", "--until", end=True) == pd.Timestamp("2026-02-28")
    assert parse_period("2028", "--since", end=False) == pd.Timestamp("2028-01-01")
    for text in ("2026-13", "May 2026", "2026-02-30", ""):
        with pytest.raises(ConfigError) as err:
            parse_period(text, "--since", end=False)
        assert err.value.source == "--since"


@pytest.mark.parametrize(("name", "value", "text"), [
    ("value_usd", 1.234e9, "$1.23B"), ("amount_usd", 4.85e8, "$485M"),
    ("cash_usd", -4.78e8, "-$478M"), ("mw", 700.0, "700 MW"), ("gpus", 19000, "19,000 GPUs"),
    ("shares", 5.93e6, "5.93M shares"), ("rate", 0.08, "8.00%"), ("site", "childress", "childress"),
])
def test_figures_read_their_unit_from_the_name(name: str, value: object, text: str) -> None:
    assert format_figure(name, value) == text


def test_table_fits_the_width_and_shows_every_event(run_dirs: dict[int, Path]) -> None:
    events = _events(run_dirs[0])
    table = format_table(events, width=100)
    lines = table.splitlines()
    assert max(len(line) for line in lines) <= 100
    starts = [line for line in lines[2:] if line[:4].isdigit()]
    assert len(starts) == len(events)
    assert "$9.70B" in table and "19,000 GPUs" in table


def test_json_and_csv_carry_the_selection(run_dirs: dict[int, Path]) -> None:
    events = _events(run_dirs[0])
    chosen = select_events(events, kinds="equity.issued")
    records = json.loads(render(chosen, "json"))
    assert [r["id"] for r in records] == chosen["id"].tolist()
    assert [r["date"] for r in records] == chosen["date"].dt.strftime("%Y-%m-%d").tolist()
    assert all(r["amount_usd"] > 0 and "$" in r["what"] for r in records)
    back = pd.read_csv(io.StringIO(render(chosen, "csv")))
    assert back["id"].tolist() == chosen["id"].tolist()
    assert back["amount_usd"].tolist() == pytest.approx(chosen["amount_usd"].tolist())
    with pytest.raises(ConfigError):
        render(chosen, "xml")


def test_fnmatch_semantics_on_a_synthetic_run(synthetic_dir: Path) -> None:
    events = _events(synthetic_dir)
    kinds = events["kind"].astype(str)
    got = select_events(events, kinds="*.terminated,*.raise_failed")["id"].tolist()
    want = events[[fnmatch.fnmatchcase(k, "*.terminated") or k.endswith(".raise_failed")
                   for k in kinds]]["id"].tolist()
    assert got == want and len(got) == 2
    rivals = select_events(events, agents="n*,c*")
    assert set(rivals["agent"].astype(str)) == {"nebius", "coreweave", "cipher", "oncor"}
    assert select_events(events)["id"].tolist() == events["id"].tolist()
