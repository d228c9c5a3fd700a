"""The Python face of experiments: Monte Carlo, sweeps, comparisons, sensitivity, scores.

Each function validates everything first, runs into an experiment folder (resuming it if
it holds the same experiment), and returns an :class:`~experiments.runner.ExperimentResult`
whose ``summary`` (one row per run), ``bands`` (quantiles per arm, metric and month) and
``comparison`` / ``sensitivity`` / ``design`` are tidy DataFrames::

    from experiments.api import monte_carlo
    from experiments.api import compare
    from experiments.analysis.comparison import business_model_arms
    mc = monte_carlo("iren", reps=200, until="2028-12-31", out="experiments_out/mc")
    mc.bands.query("metric == 'iren.cash_usd'")
    cmp = compare("iren", business_model_arms("iren"), reps=100)
    cmp.comparison
    card = score("hindcast_2025_07", "worlds/observations/hindcast_2025_07.toml", reps=200)
    card.scores                                  # one row per observation

``workers`` defaults to the machine's cores (1 runs in this process); ``dask`` takes
``"local"`` or a scheduler address ``"tcp://host:8786"``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from experiments.many.designs import Vary, parse_vary
from experiments.many.plans import (
    compare_plan,
    monte_carlo_plan,
    score_plan,
    sensitivity_plan,
    sweep_plan,
)
from experiments.many.result import ExperimentResult
from experiments.many.specs import Plan, Point
from experiments.runner import execute

Overrides = Sequence[tuple[str, Any]] | Mapping[str, Any]


def _run(plan: Plan, out: str | Path | None, workers: int | None, dask: str | None,
         force: bool, quiet: bool, report: bool, outcomes: Sequence[str] = (),
         confidence: float = 0.95,
         observations: str | Path | None = None) -> ExperimentResult:
    from experiments.many.validate import check_positive

    default = os.cpu_count() or 1
    count = check_positive(default if workers is None else workers, "--workers", "workers")
    return execute(plan, out=out, workers=count, dask=dask, quiet=quiet, force=force,
                   report=report, outcomes=outcomes, confidence=confidence,
                   observations=observations)


def _varies(vary: Sequence[str | Vary]) -> list[Vary]:
    return [v if isinstance(v, Vary) else parse_vary(v) for v in vary]


def monte_carlo(world: str = "iren", reps: int = 100, *, seed: int = 0,
                until: str | None = None, scenarios: Sequence[str] = (),
                overrides: Overrides = (), out: str | Path | None = None,
                workers: int | None = None, dask: str | None = None, force: bool = False,
                quiet: bool = True, report: bool = True) -> ExperimentResult:
    """``reps`` runs with seeds ``seed..seed+reps-1``: summary rows and quantile bands."""
    plan = monte_carlo_plan(world, reps, seed=seed, until=until, scenarios=scenarios,
                            overrides=overrides)
    return _run(plan, out, workers, dask, force, quiet, report)


def score(world: str, observations: str | Path, reps: int = 100, *, seed: int = 0,
          until: str | None = None, scenarios: Sequence[str] = (), overrides: Overrides = (),
          out: str | Path | None = None, workers: int | None = None, dask: str | None = None,
          force: bool = False, quiet: bool = True, report: bool = True) -> ExperimentResult:
    """``reps`` runs scored against ``observations`` (a TOML or CSV file).

    See ``.scores`` (one row per observation: band, inside, PIT, CRPS, errors) and
    ``.score_summary`` (coverage, mean relative CRPS, band width, record against consensus).
    """
    plan = score_plan(world, reps, seed=seed, until=until, scenarios=scenarios,
                      overrides=overrides)
    return _run(plan, out, workers, dask, force, quiet, report, observations=observations)


def sweep(world: str, vary: Sequence[str | Vary], *, design: str = "grid", samples: int = 16,
          reps: int = 1, seed: int = 0, until: str | None = None,
          scenarios: Sequence[str] = (), overrides: Overrides = (),
          outcomes: Sequence[str] = (), out: str | Path | None = None,
          workers: int | None = None, dask: str | None = None, force: bool = False,
          quiet: bool = True, report: bool = True) -> ExperimentResult:
    """Runs over a design of ``vary`` ranges (``"iren.pue=1.1:1.4:4"``); see ``.design``."""
    plan = sweep_plan(world, _varies(vary), design=design, samples=samples, reps=reps,
                      seed=seed, until=until, scenarios=scenarios, overrides=overrides)
    return _run(plan, out, workers, dask, force, quiet, report, outcomes)


def compare(world: str = "iren", arms: Mapping[str, Overrides] | None = None, *,
            scenario_arms: Sequence[str] = (), reps: int = 100, seed: int = 0,
            until: str | None = None, scenarios: Sequence[str] = (),
            overrides: Overrides = (), outcomes: Sequence[str] = (),
            confidence: float = 0.95, out: str | Path | None = None,
            workers: int | None = None, dask: str | None = None, force: bool = False,
            quiet: bool = True, report: bool = True) -> ExperimentResult:
    """Arms (scenarios, or named override sets) under common random numbers; see ``.comparison``.

    The first arm is the reference of the paired differences; with a single arm, the
    world as it is (``base``) is prepended as the reference.
    """
    from experiments.analysis.comparison import arm_points

    override_arms = {name: tuple(v.items()) if isinstance(v, Mapping) else tuple(v)
                     for name, v in (arms or {}).items()}
    points: list[Point] = arm_points(scenario_arms, override_arms)
    plan = compare_plan(world, points, reps=reps, seed=seed, until=until, scenarios=scenarios,
                        overrides=overrides)
    return _run(plan, out, workers, dask, force, quiet, report, outcomes, confidence)


def sensitivity(world: str, vary: Sequence[str | Vary], outcomes: Sequence[str], *,
                method: str = "sobol", samples: int = 64, reps: int = 1, seed: int = 0,
                until: str | None = None, scenarios: Sequence[str] = (),
                overrides: Overrides = (), out: str | Path | None = None,
                workers: int | None = None, dask: str | None = None, force: bool = False,
                quiet: bool = True, report: bool = True) -> ExperimentResult:
    """Sobol' or Morris indices of ``outcomes`` (``"iren.cash_usd@2027-12-31"``) to ``vary``."""
    plan = sensitivity_plan(world, _varies(vary), method=method, samples=samples, reps=reps,
                            seed=seed, until=until, scenarios=scenarios, overrides=overrides)
    return _run(plan, out, workers, dask, force, quiet, report, outcomes)


def report(folder: str | Path) -> Path:
    """(Re)write ``report.html`` of an experiment folder; returns its path."""
    from experiments.reports.html import write_report

    return write_report(folder)
