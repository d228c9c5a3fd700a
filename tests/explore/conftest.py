"""Small folders for the explorer's tests: a run and three experiments, to 2025-12-31.

Session-scoped and short (a few runs of two months each): the explorer, not the model, is
under test.
"""

from pathlib import Path

import pytest

from experiments.api import compare, monte_carlo, sweep
from worlds.run import run_world

UNTIL = "2025-12-31"


@pytest.fixture(scope="session")
def explore_dirs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A run folder and a Monte Carlo, a comparison and a sweep folder."""
    root = tmp_path_factory.mktemp("explore")
    run = run_world("iren", 0, UNTIL).save(root / "run")
    mc = monte_carlo("iren", reps=3, until=UNTIL, out=root / "mc", workers=1, report=False)
    arms = {"lease": [("iren.business_model", "lease_host")]}
    cmp = compare("iren", arms, reps=2, until=UNTIL, out=root / "compare", workers=1,
                  report=False)
    swp = sweep("iren", ["iren.pue=1.1:1.4:2"], until=UNTIL, out=root / "sweep", workers=1,
                report=False)
    return {"run": run, "mc": mc.folder, "compare": cmp.folder, "sweep": swp.folder}
