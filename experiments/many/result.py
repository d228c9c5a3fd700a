"""What an experiment returns: its folder, tidy results and how the command went."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from experiments.many.specs import Plan


@dataclass
class RunStats:
    """How the command went: runs made now, skipped, failed, speed and parent memory."""

    executor: str = ""
    ran: int = 0
    skipped: int = 0
    failed: int = 0
    missing: int = 0
    startup_seconds: float = 0.0
    """Seconds to start the executor (a Dask cluster; a local pool starts lazily)."""
    run_seconds: float = 0.0
    """Seconds from starting the executor to the last run's end."""
    aggregate_seconds: float = 0.0
    score_seconds: float = 0.0
    """Seconds to score the runs against observations (part of ``aggregate_seconds``)."""
    peak_rss_mb: float = 0.0
    executor_error: str = ""
    reported_ok: set[str] = field(default_factory=set, repr=False)

    @property
    def runs_per_second(self) -> float:
        """Runs made per second, start-up included."""
        return self.ran / self.run_seconds if self.run_seconds > 0 else float("nan")


@dataclass
class ExperimentResult:
    """An experiment's folder and tidy results (one row per run; bands; analyses)."""

    folder: Path
    plan: Plan
    summary: pd.DataFrame
    bands: pd.DataFrame
    failures: pd.DataFrame
    comparison: pd.DataFrame | None = None
    sensitivity: pd.DataFrame | None = None
    design: pd.DataFrame | None = None
    scores: pd.DataFrame | None = None
    """A score experiment's observations against the runs (one row each)."""
    score_summary: pd.DataFrame | None = None
    stats: RunStats = field(default_factory=RunStats)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Every run of the plan finished."""
        return self.stats.failed == 0 and self.stats.missing == 0
