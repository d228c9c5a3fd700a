"""The ``abm`` command end to end, and every user mistake giving one line and status 2."""

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from abm.config import ConfigError
from abm.result import RunResult
from worlds.catalog import WORLDS_DIR, load_world

BASE = (WORLDS_DIR / "iren.toml").read_text()


def abm(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    return subprocess.run([sys.executable, "-m", "neocloud_abm.cli", *args], capture_output=True,
                          text=True, cwd=cwd, env=env, timeout=120)


def test_abm_run_writes_a_run_folder_that_reads_back(tmp_path: Path) -> None:
    out = tmp_path / "run"
    proc = abm("run", "--seed", "3", "--until", "2027-06-30", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "IREN" in proc.stdout and "contract.signed" in proc.stdout
    assert str(out) in proc.stdout
    for name in ("run.json", "path.parquet", "events.parquet", "ledger.parquet"):
        assert (out / name).stat().st_size > 0
    result = RunResult.load(out)
    assert result.meta["seed"] == 3 and result.meta["until"] == "2027-06-30"
    assert result.path.index[-1] == pd.Timestamp("2027-06-30")
    assert {"iren.energized_mw", "iren.cash_usd", "btc.price_usd"} <= set(result.path.columns)
    assert len(result.events) > 10
    again = abm("run", "--seed", "3", "--until", "2027-06-30", "--out", str(out))
    assert again.returncode == 2 and "--force" in again.stderr
    forced = abm("run", "--seed", "3", "--until", "2027-06-30", "--out", str(out), "--force")
    assert forced.returncode == 0


def test_set_changes_the_run(tmp_path: Path) -> None:
    proc = abm("run", "--until", "2026-01-31", "--set", "iren.cash_usd=2.5e9",
               "--out", str(tmp_path / "r"))
    assert proc.returncode == 0, proc.stderr
    result = RunResult.load(tmp_path / "r")
    assert result.meta["overrides"] == {"iren.cash_usd": 2.5e9}
    base = abm("run", "--until", "2026-01-31", "--out", str(tmp_path / "b"))
    assert base.returncode == 0
    poorer = RunResult.load(tmp_path / "b")
    diff = (result.path["iren.cash_usd"] - poorer.path["iren.cash_usd"])
    assert diff.round(3).iloc[0] == 0.7e9

    def raised(r: RunResult) -> float:  # from then on the richer IREN raises no more
        entries = r.ledger[(r.ledger["company"] == "iren")
                           & r.ledger["account"].isin(["financing.convert", "financing.equity"])]
        return float(entries["amount_usd"].sum())

    assert raised(result) <= raised(poorer)


BAD_WORLDS = {
    "unknown_key": (BASE.replace("cash_usd = 1.8e9", "cash_usd = 1.8e9\ncahs_usd = 1.0"),
                    "neoclouds.iren.cahs_usd", "unknown key"),
    "wrong_type": (BASE.replace("cash_usd = 1.8e9", 'cash_usd = "lots"'),
                   "neoclouds.iren.cash_usd", "number"),
    "unit_as_string": (BASE.replace("secured_mw = 1_400.0", 'secured_mw = "1400 MW"'),
                       "neoclouds.iren.sites.sweetwater_1.secured_mw", "number"),
    "negative_capacity": (BASE.replace("secured_mw = 600.0", "secured_mw = -600.0"),
                          "neoclouds.iren.sites.sweetwater_2.secured_mw", "in [0, 20000]"),
    "bad_date": (BASE.replace("start_date = 2025-11-06", 'start_date = "2025-13-45"'),
                 "world.start_date", "date"),
    "dates_out_of_order": (BASE.replace("until = 2030-12-31", "until = 2020-01-01"),
                           "world", "must come after"),
    "missing_customer": (BASE.replace('customer = "microsoft"', 'customer = "msft"'),
                         "contracts.iren_microsoft.customer", "msft"),
    "site_over_connection": (BASE.replace("mw = 600.0\ntarget", "mw = 900.0\ntarget"),
                             "utilities.oncor.interconnects.1.mw", "at most"),
    "energized_over_secured": (BASE.replace("energized_mw = 80.0", "energized_mw = 90.0"),
                               "neoclouds.iren.sites.mackenzie", "exceeds secured"),
    "nan": (BASE.replace("pue = 1.2", "pue = nan"), "neoclouds.iren.pue", "finite"),
    "inf": (BASE.replace("cash_usd = 1.8e9", "cash_usd = inf"), "neoclouds.iren.cash_usd",
            "finite"),
    "bad_toml": (BASE.replace("[world]", "[world"), "", "invalid TOML"),
    "unknown_source_key": (BASE.replace('cash_usd = "C: ~$1.8B', 'cassh_usd = "C: ~$1.8B'),
                           "neoclouds.iren.sources", "cassh_usd"),
    "empty": ("", "", "empty"),
}


@pytest.mark.parametrize("case", sorted(BAD_WORLDS))
def test_bad_world_files_name_file_key_and_expectation(case: str, tmp_path: Path) -> None:
    text, key, expected = BAD_WORLDS[case]
    world = tmp_path / f"{case}.toml"
    world.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_world(str(world))
    message = str(info.value)
    assert message.startswith(str(world)), message
    assert key in message and expected in message, message


@pytest.mark.parametrize("case", ["wrong_type", "missing_customer", "empty", "nan"])
def test_bad_world_exits_2_with_one_line(case: str, tmp_path: Path) -> None:
    world = tmp_path / f"{case}.toml"
    world.write_text(BAD_WORLDS[case][0])
    proc = abm("run", str(world), "--out", str(tmp_path / "out"))
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and str(world) in lines[0] and "Traceback" not in proc.stderr
    assert not (tmp_path / "out").exists()


def test_unreadable_inputs(tmp_path: Path) -> None:
    binary = tmp_path / "bin.toml"
    binary.write_bytes(b"[world]\nname = \"\xff\xfe\"\n")
    directory = tmp_path / "dir.toml"
    directory.mkdir()
    for path, expected in ((binary, "UTF-8"), (directory, "directory"),
                           (tmp_path / "missing.toml", "not found")):
        proc = abm("run", str(path))
        assert proc.returncode == 2, proc.stderr
        assert expected in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


BAD_ARGS = [
    (["--set", "iren.cash_usd=lots"], "--set: neoclouds.iren.cash_usd"),
    (["--set", "iren.pue=-1"], "--set: neoclouds.iren.pue"),
    (["--set", "iren.nosuch=1"], "neoclouds.iren.nosuch: unknown key"),
    (["--set", "nosuch.cash_usd=1"], "no table 'nosuch'"),
    (["--set", "cash_usd"], "KEY=VALUE"),
    (["--set", "contracts.iren_microsoft.customer=\"nobody\""], "--set"),
    (["--seed", "-4"], "whole number"),
    (["--seed", "x"], "whole number"),
    (["--until", "2026-02-30"], "YYYY-MM-DD"),
    (["--until", "2020-01-01"], "after the world's start"),
    (["nosuchworld"], "bundled world"),
]


@pytest.mark.parametrize(("args", "expected"), BAD_ARGS)
def test_bad_command_line_values_exit_2(args: list[str], expected: str, tmp_path: Path) -> None:
    proc = abm("run", *args, "--out", str(tmp_path / "o"))
    assert proc.returncode == 2, proc.stdout
    assert expected in proc.stderr, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr


def test_scenarios_lay_over_the_world_and_name_their_file(tmp_path: Path) -> None:
    spec, _ = load_world("iren", scenarios=["btc_bear"])
    assert spec.bitcoin.price_drift_annual < 0
    both, _ = load_world("iren", [("bitcoin.price_vol_annual", 0.9)], ["btc_bear"])
    assert both.bitcoin.price_vol_annual == 0.9 and both.bitcoin.price_drift_annual < 0
    bad = tmp_path / "bad.toml"
    bad.write_text('[scenario]\ndescription = "x"\n[neoclouds.iren]\npue = "high"\n')
    with pytest.raises(ConfigError) as info:
        load_world("iren", scenarios=[str(bad)])
    assert str(info.value).startswith(f"{bad}: neoclouds.iren.pue: expected a number")
    nodesc = tmp_path / "nodesc.toml"
    nodesc.write_text("[bitcoin]\nprice_usd = 1.0\n")
    proc = abm("run", "--scenario", str(nodesc))
    assert proc.returncode == 2 and "scenario.description" in proc.stderr
    proc = abm("run", "--scenario", "nosuch")
    assert proc.returncode == 2 and "bundled scenario" in proc.stderr


def test_a_reader_that_leaves_early_gets_no_traceback() -> None:
    # as `abm describe iren | head -1`: the pipe closes before the command is done
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    proc = subprocess.Popen([sys.executable, "-m", "neocloud_abm.cli", "describe", "iren"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 141
    assert "Traceback" not in err and "BrokenPipe" not in err
