"""Shared fixtures of the experiment tests: one small Monte Carlo folder (the checks of
identical results live in ``tests/conftest.py``)."""

import pytest

from experiments.api import monte_carlo
from experiments.many.result import ExperimentResult

UNTIL = "2025-11-30"  # one month: the mechanics, not the model, are under test
REPS = 6


@pytest.fixture(scope="session")
def mc_pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[ExperimentResult,
                                                               ExperimentResult]:
    """Six seeds of the base world for a month, run in process (with its report) and on
    a pool of two worker processes, one right after the other.
    """
    root = tmp_path_factory.mktemp("mc")
    inline = monte_carlo("iren", reps=REPS, until=UNTIL, out=root / "inline", workers=1)
    pooled = monte_carlo("iren", reps=REPS, until=UNTIL, out=root / "pool", workers=2,
                         report=False)
    return inline, pooled


@pytest.fixture(scope="session")
def small_mc(mc_pair: tuple[ExperimentResult, ExperimentResult]) -> ExperimentResult:
    """The in-process run of :func:`mc_pair`."""
    return mc_pair[0]


@pytest.fixture(scope="session")
def pooled_mc(mc_pair: tuple[ExperimentResult, ExperimentResult]) -> ExperimentResult:
    """The process-pool run of :func:`mc_pair`."""
    return mc_pair[1]
