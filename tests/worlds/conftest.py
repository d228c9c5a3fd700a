import pytest

from abm.result import RunResult
from worlds.run import run_world


@pytest.fixture(scope="session")
def base_run() -> RunResult:
    """The base world at seed 0 to its default horizon."""
    return run_world("iren", seed=0)
