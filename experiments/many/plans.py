"""Build the plan of each kind of experiment from its options (no runs, no files).

- Monte Carlo: one point, ``reps`` seeds.
- Sweep: one point per design sample (grid, LHS or Sobol' sequence) x ``reps``.
- Comparison: one point per arm (a scenario, or a set of overrides) x ``reps``.
- Sensitivity: one point per row of SALib's sample x ``reps``.
- Score: a Monte Carlo whose runs are scored against observations afterwards.

Paths to world or scenario files are made absolute, so workers elsewhere find them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from experiments.many.designs import (
    Vary,
    sample_points,
    sensitivity_sample,
    sweep_points,
)
from experiments.many.specs import Pairs, Plan, Point
from experiments.many.validate import check_positive, resolve_input


def _world(world: str) -> str:
    from worlds.catalog import world_names

    return resolve_input(world, world_names())


def _scenarios(scenarios: Sequence[str]) -> tuple[str, ...]:
    from worlds.catalog import scenario_names

    names = scenario_names()
    return tuple(resolve_input(s, names) for s in scenarios)


def _base(kind: str, world: str, reps: int, seed: int, until: str | None,
          scenarios: Sequence[str], overrides: Sequence[tuple[str, Any]] | Mapping[str, Any],
          points: Sequence[Point], settings: Pairs = ()) -> Plan:
    pairs = tuple(overrides.items()) if isinstance(overrides, Mapping) else tuple(overrides)
    return Plan(kind=kind, world=_world(world), until=until, seed=seed,
                reps=check_positive(reps, "--reps"), scenarios=_scenarios(scenarios),
                overrides=pairs, points=tuple(points), settings=settings)


def monte_carlo_plan(world: str = "iren", reps: int = 100, *, seed: int = 0,
                     until: str | None = None, scenarios: Sequence[str] = (),
                     overrides: Sequence[tuple[str, Any]] | Mapping[str, Any] = ()) -> Plan:
    """``reps`` runs of one world, seeds ``seed .. seed + reps - 1``."""
    return _base("mc", world, reps, seed, until, scenarios, overrides, [Point("base")])


def score_plan(world: str, reps: int = 100, *, seed: int = 0, until: str | None = None,
               scenarios: Sequence[str] = (),
               overrides: Sequence[tuple[str, Any]] | Mapping[str, Any] = ()) -> Plan:
    """A Monte Carlo to score against observations.

    The observations are not part of the plan: a corrected observation rescores the same
    runs.
    """
    return _base("score", world, reps, seed, until, scenarios, overrides, [Point("base")])


def sweep_plan(world: str, varies: Sequence[Vary], *, design: str = "grid", samples: int = 16,
               reps: int = 1, seed: int = 0, until: str | None = None,
               scenarios: Sequence[str] = (),
               overrides: Sequence[tuple[str, Any]] | Mapping[str, Any] = ()) -> Plan:
    """A sweep over ``varies`` with a grid, LHS or Sobol'-sequence design."""
    check_positive(samples, "--samples", "design points")
    params = sweep_points(varies, design, samples, seed)
    points = [Point("design", overrides=p, params=p) for p in params]
    settings: Pairs = (("design", design), ("samples", samples if design != "grid" else None),
                       ("vary", [v.to_json() for v in varies]))
    return _base("sweep", world, reps, seed, until, scenarios, overrides, points, settings)


def compare_plan(world: str, arms: Sequence[Point], *, reps: int = 100, seed: int = 0,
                 until: str | None = None, scenarios: Sequence[str] = (),
                 overrides: Sequence[tuple[str, Any]] | Mapping[str, Any] = ()) -> Plan:
    """Arms side by side, replication ``r`` of every arm with seed ``seed + r``."""
    resolved = [Point(arm=a.arm, overrides=a.overrides, scenarios=_scenarios(a.scenarios))
                for a in arms]
    return _base("compare", world, reps, seed, until, scenarios, overrides, resolved)


def sensitivity_plan(world: str, varies: Sequence[Vary], *, method: str = "sobol",
                     samples: int = 64, reps: int = 1, seed: int = 0,
                     until: str | None = None, scenarios: Sequence[str] = (),
                     overrides: Sequence[tuple[str, Any]] | Mapping[str, Any] = ()) -> Plan:
    """SALib's sample for ``method`` over ``varies``, one point per row."""
    check_positive(samples, "--samples", "base samples")
    rows = sensitivity_sample(varies, method, samples, seed)
    points = [Point("design", overrides=p, params=p) for p in sample_points(varies, rows)]
    settings: Pairs = (("method", method), ("samples", samples),
                       ("vary", [v.to_json() for v in varies]))
    return _base("sensitivity", world, reps, seed, until, scenarios, overrides, points, settings)


def plan_varies(plan: Plan) -> list[Vary]:
    """The varied parameters recorded in a sweep's or sensitivity plan's settings."""
    out = []
    for item in plan.setting("vary", []):
        if "values" in item:
            out.append(Vary(key=item["key"], values=tuple(item["values"])))
        else:
            out.append(Vary(key=item["key"], lo=item["lo"], hi=item["hi"],
                            levels=item["levels"], integer=item["integer"]))
    return out


def plan_sample(plan: Plan) -> np.ndarray:
    """The raw SALib sample behind a sensitivity plan (recomputed, it is seeded)."""
    return sensitivity_sample(plan_varies(plan), plan.setting("method"),
                              plan.setting("samples"), plan.seed)
