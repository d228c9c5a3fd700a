"""One run of an experiment, by id: remade from experiment.json, equal to its shard."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from abm.config import ConfigError
from experiments.api import monte_carlo
from experiments.many.shards import read_path, shard_path
from experiments.one_run.folder import read_experiment_run, resolve_run


def test_a_run_of_an_experiment_is_remade_exactly(tmp_path: Path) -> None:
    out = tmp_path / "exp"
    monte_carlo("iren", reps=2, seed=5, until="2026-02-28", out=out, workers=1,
                overrides=[("iren.pue", 1.25)], report=False)
    unkept = read_experiment_run(out, "p00000-r000001")  # read-only: remade, not kept
    assert not (out / "runs").exists()
    run = resolve_run(f"{out}:p00000-r000001")
    for name in ("path", "events"):
        pd.testing.assert_frame_equal(getattr(unkept, name), getattr(run, name))
    assert run.meta["seed"] == 6 and run.meta["overrides"] == {"iren.pue": 1.25}
    shard = read_path(shard_path(out / "shards", "p00000-r000001"))
    common = [c for c in shard.columns if c in run.path.columns]
    assert len(common) > 100
    assert np.array_equal(shard[common].to_numpy(), run.path[common].to_numpy(), equal_nan=True)
    assert (out / "runs" / "p00000-r000001" / "events.parquet").is_file()
    with pytest.raises(ConfigError, match="no such run"):
        resolve_run(f"{out}:p00009-r000000")
    with pytest.raises(ConfigError, match="no such run"):
        read_experiment_run(out, "p00009-r000000")
    with pytest.raises(ConfigError, match="expected a run id"):
        read_experiment_run(out, "../../etc")
