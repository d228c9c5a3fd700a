"""Resolving RUN: a run folder, EXPERIMENT:RUN_ID, --run, and every mistake as a ConfigError."""

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from abm.config import ConfigError
from abm.result import RunResult
from experiments.one_run.folder import resolve_run


@pytest.fixture
def experiment(tmp_path: Path, make_synthetic: Callable[[str], RunResult]) -> Path:
    """An experiment folder with two runs written as per-run folders."""
    exp = tmp_path / "exp"
    (exp / "shards").mkdir(parents=True)
    (exp / "experiment.json").write_text(json.dumps({"kind": "mc"}))
    for run_id in ("r0", "r1"):
        make_synthetic(run_id).save(exp / "runs" / run_id)
    return exp


def test_a_run_folder_loads(synthetic_dir: Path) -> None:
    result = resolve_run(str(synthetic_dir))
    assert result.meta["world"] == "synthetic" and len(result.events) == 12
    assert list(result.events["id"]) == list(range(12))


def test_one_run_of_an_experiment_by_colon_or_option(experiment: Path) -> None:
    by_colon = resolve_run(f"{experiment}:r1")
    by_option = resolve_run(str(experiment), "r1")
    assert by_colon.meta["seed"] == by_option.meta["seed"] == "r1"
    assert resolve_run(f"{experiment}:r0").meta["seed"] == "r0"


def test_a_run_folder_without_ledger_or_dates_still_loads(experiment: Path) -> None:
    folder = experiment / "runs" / "r0"
    (folder / "ledger.parquet").unlink()
    events = RunResult.load  # keep the reference honest: load() needs the ledger
    with pytest.raises(FileNotFoundError):
        events(folder)
    result = resolve_run(f"{experiment}:r0")
    assert result.ledger.empty and str(result.events["date"].iloc[-1].date()) == "2026-09-02"


@pytest.mark.parametrize(("arg", "run_id", "fragment"), [
    ("{tmp}/missing", None, "no such run folder"),
    ("{tmp}/exp/experiment.json", None, "is a file"),
    ("{tmp}/exp", None, "is an experiment folder"),
    ("{tmp}/exp:r9", None, "known: r0, r1"),
    ("{tmp}/exp", "../r0", "expected a run id"),
    ("{tmp}/exp/shards", None, "not a run folder"),
    ("{tmp}/nowhere:r0", None, "no such experiment folder"),
])
def test_mistakes_are_one_line_config_errors(
        experiment: Path, arg: str, run_id: str | None, fragment: str) -> None:
    with pytest.raises(ConfigError) as err:
        resolve_run(arg.format(tmp=experiment.parent), run_id)
    assert fragment in str(err.value) and "\n" not in str(err.value)
