"""Observation files: TOML and CSV read alike; levels at month ends, flows over whole months
(scaled when the world starts inside the period); every mistake is exit 2 and one line
naming the file, the observation and what was expected, before any run."""

import datetime as dt
from pathlib import Path

import pytest

from abm.config import ConfigError
from experiments.analysis.observations import load_observations
from neocloud_abm.cli import main

METRICS = ("iren.cash_usd", "iren.revenue_usd", "iren.hashrate_ehs", "iren.gpus",
           "btc.price_usd")
START, UNTIL = dt.date(2025, 11, 6), dt.date(2026, 3, 31)  # the base world, four months

GOOD_TOML = """
[observations]
description = "two of each"

[[observation]]
label = "cash"
metric = "iren.cash_usd"
date = 2026-01-31
value = 1.5e9
unit = "$"
consensus = 1.2e9
source = "C: somewhere"

[[observation]]
metric = "iren.revenue_usd"
from = 2025-11-01
to = 2025-12-31
value = 2.0e8
source = "D: a report"
note = "November and December"
"""

GOOD_CSV = """metric,date,from,to,value,source,unit,consensus,label,note
iren.cash_usd,2026-01-31,,,1.5e9,C: somewhere,$,1.2e9,cash,
iren.revenue_usd,,2025-11-01,2025-12-31,2.0e8,D: a report,,,,November and December
"""


def write(tmp_path: Path, text: str, name: str = "obs.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_toml_and_csv_give_the_same_observations(tmp_path: Path) -> None:
    toml = load_observations(write(tmp_path, GOOD_TOML), METRICS, START, UNTIL)
    csv = load_observations(write(tmp_path, GOOD_CSV, "obs.csv"), METRICS, START, UNTIL)
    assert toml.description == "two of each" and len(toml.items) == 2
    for a, b in zip(toml.items, csv.items, strict=True):
        assert (a.metric, a.value, a.date, a.start, a.end, a.scale, a.consensus, a.note) == (
            b.metric, b.value, b.date, b.start, b.end, b.scale, b.consensus, b.note)
    level, flow = toml.items
    assert level.kind == "level" and level.name == "cash" and level.when == "2026-01-31"
    assert flow.kind == "flow" and flow.name == "iren.revenue_usd@2025-11-01..2025-12-31"
    # the world starts on 6 Nov: it covers 56 of the period's 61 days, scaled up to all
    assert flow.scale == pytest.approx(61 / 56)
    assert [o.where for o in csv.items] == ["line 2", "line 3"]


ROW = 'metric = "iren.cash_usd"\ndate = 2026-01-31\nvalue = 1.0\nsource = "C: x"\n'
MISTAKES = {  # one bad [[observation]] after a good one -> words of the expected line
    "metric": ('metric = "iren.cash"\ndate = 2026-01-31\nvalue = 1.0\nsource = "x"',
               "observation 2 (iren.cash).metric", "did you mean iren.cash_usd"),
    "not_month_end": ('metric = "iren.cash_usd"\ndate = 2026-01-15\nvalue = 1.0\nsource = "x"',
                      "observation 2 (iren.cash_usd).date", "expected a month end"),
    "horizon": ('metric = "iren.cash_usd"\ndate = 2026-06-30\nvalue = 1.0\nsource = "x"',
                ".date", "from 2025-11-30 to 2026-03-31"),
    "unit": (ROW + 'unit = "MW"', ".unit", "expected '$', the unit of iren.cash_usd, got 'MW'"),
    "count_unit": ('metric = "iren.gpus"\ndate = 2026-01-31\nvalue = 1.0\nsource = "x"\n'
                   'unit = "$"', ".unit", "expected 'count'"),
    "value": ('metric = "iren.cash_usd"\ndate = 2026-01-31\nvalue = "lots"\nsource = "x"',
              ".value", "expected a number"),
    "no_value": ('metric = "iren.cash_usd"\ndate = 2026-01-31\nsource = "x"', ".value",
                 "required"),
    "no_source": ('metric = "iren.cash_usd"\ndate = 2026-01-31\nvalue = 1.0', ".source",
                  "required"),
    "both": (ROW + "from = 2025-12-01\nto = 2025-12-31", ".date", "not both"),
    "neither": ('metric = "iren.cash_usd"\nvalue = 1.0\nsource = "x"', ".date",
                "expected date"),
    "from_day": ('metric = "iren.revenue_usd"\nfrom = 2025-12-02\nto = 2025-12-31\n'
                 'value = 1.0\nsource = "x"', ".from", "first day of a month"),
    "before_start": ('metric = "iren.revenue_usd"\nfrom = 2025-09-01\nto = 2025-11-30\n'
                     'value = 1.0\nsource = "x"', ".from", "covers 25 of its 91 days"),
    "field": (ROW + 'comment = "x"', ".comment", "unknown field"),
    "consensus": (ROW + 'consensus = "n/a"', ".consensus", "expected a number"),
}


@pytest.mark.parametrize("case", sorted(MISTAKES))
def test_a_bad_observation_names_the_file_the_row_and_the_expectation(
        case: str, tmp_path: Path) -> None:
    row, where, expected = MISTAKES[case]
    path = write(tmp_path, f"[[observation]]\n{ROW}\n[[observation]]\n{row}\n")
    with pytest.raises(ConfigError) as info:
        load_observations(path, METRICS, START, UNTIL)
    line = str(info.value)
    assert line.startswith(f"{path}: ") and where in line and expected in line, line


@pytest.mark.parametrize(("text", "expected"), [
    ("metric,value\n", "missing source"),
    ("metric,value,source\n", "no observations"),
    ("metric,value,source\niren.cash_usd,1,x,extra\n", "line 2: more cells"),
    ("metric,value,source,date\niren.cash_usd,1,x,2026-02-30\n", "line 2 (iren.cash_usd).date"),
])
def test_a_bad_csv_names_its_line(text: str, expected: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"obs\.csv") as info:
        load_observations(write(tmp_path, text, "obs.csv"), METRICS, START, UNTIL)
    assert expected in str(info.value)


@pytest.mark.parametrize(("text", "expected"), [
    ('[observations]\ndescription = "none"\n', "expected one or more [[observation]]"),
    ("[[observation]]\n" + ROW + "[other]\nx = 1\n", "other: unknown table"),
    ("not toml at all ===", "invalid TOML"),
])
def test_a_bad_toml_file_is_one_line(text: str, expected: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_observations(write(tmp_path, text), METRICS, START, UNTIL)
    assert expected in str(info.value)


def test_abm_score_exits_2_with_one_line_before_any_run(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = write(tmp_path, '[[observation]]\nmetric = "iren.cash_usd"\ndate = 2025-12-15\n'
                'value = 1.0\nsource = "x"\n')
    out = tmp_path / "out"
    argv = ["score", "iren", "--until", "2026-01-31", "--reps", "2", "--out", str(out)]
    assert main([*argv, "--observations", str(bad)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"abm: error: {bad}: observation 1 ")
    assert "expected a month end" in lines[0] and not out.exists()
    assert main([*argv, "--observations", str(tmp_path / "missing.toml")]) == 2
    assert "file not found" in capsys.readouterr().err
    assert main([*argv, "--observations", str(bad), "--against", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--against" in err[0] and "scored experiment folder" in err[0]
