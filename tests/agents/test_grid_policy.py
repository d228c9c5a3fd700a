"""Grid policy changes on a drawn date: ERCOT's SB 6 procedure is an event with its day."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from agents.grid.specs import UtilitySpec
from worlds.run import run_world

EARLIEST, LATEST = dt.date(2026, 7, 1), dt.date(2027, 12, 31)


def change_dates(seeds: range, scenarios: tuple[str, ...] = ()) -> list[dt.date]:
    dates = []
    for seed in seeds:
        events = run_world("iren", seed=seed, until="2028-01-31", scenarios=scenarios).events
        changed = events[events["kind"] == "grid.policy_changed"]
        assert len(changed) == 1 and changed["utility"].iloc[0] == "oncor"
        assert changed["rule"].iloc[0] == "sb6_batch"
        dates.append(changed["date"].iloc[0].date())
    return dates


def test_ercots_procedure_changes_once_on_an_uncertain_date_inside_its_window() -> None:
    dates = change_dates(range(8))
    assert all(EARLIEST <= d <= LATEST for d in dates)
    assert len(set(dates)) == len(dates)  # drawn, not fixed


def test_sb6_now_changes_it_on_the_first_day() -> None:
    assert change_dates(range(2), ("sb6_now",)) == [dt.date(2025, 11, 6)] * 2


def test_a_drawn_date_needs_the_batch_rules_and_an_ordered_window() -> None:
    base = {"display_name": "U", "region": "R", "batch_start_date": LATEST,
            "batch_start_latest_date": EARLIEST}
    with pytest.raises(ValidationError, match="batch_start_latest_date"):
        UtilitySpec.model_validate({**base, "policy": "sb6_batch"})
    with pytest.raises(ValidationError, match="batch_start_latest_date"):
        UtilitySpec.model_validate({**base, "policy": "fifo",
                                    "batch_start_date": EARLIEST,
                                    "batch_start_latest_date": LATEST})
