"""neocloud-abm in one import: run a world, run experiments over many runs.

The layers below it (``abm`` the engine, ``agents`` the actors, ``worlds`` the calibrated
worlds, ``experiments`` the many-run machinery) import nothing from here; this package and
its command line (:mod:`neocloud_abm.cli`, the ``abm`` command) sit on top of them.

    import neocloud_abm as nab
    result = nab.run(world="iren", seed=0, until="2030-12-31")
    mc = nab.monte_carlo("iren", reps=200, out="experiments_out/mc")
    card = nab.score("hindcast_2025_07", "worlds/observations/hindcast_2025_07.toml")
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from abm.result import RunResult
from experiments.analysis.comparison import business_model_arms
from experiments.api import compare, monte_carlo, report, score, sensitivity, sweep
from experiments.many.result import ExperimentResult
from worlds.run import run_world

__all__ = ["ExperimentResult", "RunResult", "business_model_arms", "compare", "monte_carlo",
           "report", "run", "score", "sensitivity", "sweep"]
__version__ = "0.1.0"


def run(
    world: str = "iren",
    seed: int = 0,
    until: str | dt.date | None = "2030-12-31",
    overrides: Mapping[str, Any] | None = None,
    scenarios: Sequence[str] = (),
) -> RunResult:
    """Run a world (bundled name or TOML path) with a seed to a date; returns the result."""
    return run_world(world, seed, until, overrides or {}, scenarios=scenarios)
