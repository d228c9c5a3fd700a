"""neocloud-abm's engine: clock, event log, recorder, ledger, RNG tree and the Model.

``abm.run`` is the one-call entry point; it reaches up to ``worlds`` lazily (like the
command line, it sits on top of the layers), so the engine itself imports no actor.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from abm.result import RunResult

__all__ = ["RunResult", "run"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    """``abm.RunResult``, imported on first use: it brings pandas, which workers never need."""
    if name == "RunResult":
        from abm.result import RunResult

        return RunResult
    raise AttributeError(f"module 'abm' has no attribute {name!r}")


def run(
    world: str = "iren",
    seed: int = 0,
    until: str | dt.date | None = "2030-12-31",
    overrides: Mapping[str, Any] | None = None,
    scenarios: Sequence[str] = (),
) -> RunResult:
    """Run a world (bundled name or TOML path) with a seed to a date; returns the result."""
    from worlds.run import run_world

    return run_world(world, seed, until, overrides or {}, scenarios=scenarios)
