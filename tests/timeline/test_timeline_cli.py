"""The timeline commands end to end, and user mistakes as one line with exit status 2."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from neocloud_abm.cli import main


def abm(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    return subprocess.run([sys.executable, "-m", "neocloud_abm.cli", *args], capture_output=True,
                          text=True, env=env, timeout=120)


def test_timeline_json_in_a_subprocess(run_dirs: dict[int, Path]) -> None:
    proc = abm("timeline", str(run_dirs[0]), "--kind", "contract.*", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    events = pd.read_parquet(run_dirs[0] / "events.parquet")
    want = events[events["kind"].astype(str).str.startswith("contract.")]["id"].tolist()
    assert [r["id"] for r in json.loads(proc.stdout)] == want


def test_why_and_diff_in_a_subprocess(run_dirs: dict[int, Path]) -> None:
    why = abm("why", str(run_dirs[0]), "--kind", "equity.issued", "--date", "2026-05")
    assert why.returncode == 0, why.stderr
    assert "contract.signed" in why.stdout and "capital.gap" in why.stdout
    diff = abm("diff", str(run_dirs[0]), str(run_dirs[1]))
    assert diff.returncode == 0, diff.stderr
    assert "first divergence" in diff.stdout and "iren.cash_usd" in diff.stdout


def test_table_and_forward_in_process(run_dirs: dict[int, Path],
                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["timeline", str(run_dirs[0]), "--agent", "oncor", "--limit", "2"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len([line for line in out if line[:4].isdigit()]) == 2
    events = pd.read_parquet(run_dirs[0] / "events.parquet")
    signed = int(events.loc[events["kind"] == "contract.signed", "id"].iloc[0])
    assert main(["why", str(run_dirs[0]), str(signed), "--forward", "--depth", "1"]) == 0
    assert "-> gpu.ordered" in capsys.readouterr().out


@pytest.mark.parametrize("args", [
    ["timeline", "{run}/nope"],
    ["timeline", "{run}", "--since", "2026-13"],
    ["timeline", "{run}", "--until", "tomorrow"],
    ["timeline", "{run}", "--format", "xml"],
    ["timeline", "{run}/run.json"],
    ["why", "{run}", "99999"],
    ["why", "{run}", "first"],
    ["why", "{run}"],
    ["why", "{run}", "--kind", "no.such", "--date", "2026-05"],
    ["diff", "{run}", "{run}/nope"],
])
def test_mistakes_exit_2_with_one_line(run_dirs: dict[int, Path], args: list[str],
                                       capsys: pytest.CaptureFixture[str]) -> None:
    argv = [a.format(run=run_dirs[0]) for a in args]
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("abm: error: ") and captured.err.count("\n") == 1
