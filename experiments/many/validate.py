"""Check an experiment in the parent before any run: world, scenarios, keys, dates, outcomes.

Every point of the plan is loaded and validated exactly as a worker will load it, so a
typo in ``--set``, ``--vary``, ``--arm`` or ``--scenario`` is one line and exit status 2
before a single run is spent. The check also fingerprints what the runs depend on (the
world and scenario files and the model's code) so a resumed experiment can refuse to mix
runs of two different models.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from abm.clock import Clock, parse_date
from abm.config import ConfigError
from experiments.many.specs import Plan, Point

_PACKAGE_ROOT = Path(__file__).resolve().parents[2]
CODE_PARTS = ("abm", "agents", "worlds", "experiments/many/worker.py",
              "experiments/many/summary.py", "experiments/many/shards.py",
              "experiments/many/specs.py")
"""Sources whose change changes a run's shard; their hash is part of an experiment."""
NOT_CODE = ("worlds/observations",)
"""Data under ``CODE_PARTS`` that no run reads (what a score compares the runs with)."""


@dataclass(frozen=True)
class PlanCheck:
    """What validation learnt: dates, month ends, metric names and companies of the world."""

    start_date: dt.date
    until: dt.date
    month_ends: tuple[dt.date, ...]
    metrics: tuple[str, ...]
    companies: tuple[str, ...]


def resolve_input(name: str, bundled: Sequence[str]) -> str:
    """A bundled name as is; a path made absolute (workers may not share the cwd)."""
    return name if name in bundled else str(Path(name).resolve())


def file_sha(path: Path) -> str:
    """A short hash of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def code_sha() -> str:
    """A short hash of the model code that runs in workers (``CODE_PARTS``)."""
    digest = hashlib.sha256()
    for part in CODE_PARTS:
        root = _PACKAGE_ROOT / part
        if not root.exists():
            raise FileNotFoundError(f"code hash: {root} is missing (CODE_PARTS)")
        files = [root] if root.is_file() else sorted(
            [*root.rglob("*.py"), *root.rglob("*.toml")])
        files = [f for f in files
                 if not f.relative_to(_PACKAGE_ROOT).as_posix().startswith(NOT_CODE)]
        for path in files:
            digest.update(str(path.relative_to(_PACKAGE_ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def input_hashes(world: str, scenarios: Sequence[str]) -> dict[str, str]:
    """Hashes of the world's files, each scenario file and the model code.

    A world that extends another hashes the files of both.
    """
    from worlds.catalog import scenario_path, world_files

    files = world_files(world)
    whole = "".join(file_sha(f) for f in files)
    digest = file_sha(files[0]) if len(files) == 1 else hashlib.sha256(
        whole.encode()).hexdigest()[:16]
    out = {"code": code_sha(), f"world:{world}": digest}
    for scenario in scenarios:
        out[f"scenario:{scenario}"] = file_sha(scenario_path(scenario))
    return out


def _source(point: Point) -> str:
    if point.params:
        return "--vary"
    if point.arm not in ("base", "design"):
        return f"--arm {point.arm}"
    return "--set"


def check_until(start: dt.date, until: str | None, default: dt.date) -> dt.date:
    """The run horizon: ``until`` parsed and after the start, or the world's default."""
    if until is None:
        return default
    try:
        end = parse_date(until)
    except ValueError as exc:
        raise ConfigError("--until", "", str(exc)) from None
    if end <= start:
        raise ConfigError("--until", "", f"expected a date after the world's start {start}, "
                          f"got {end}")
    return end


MAX_CHECKED_POINTS = 256
"""Designs with more points check each parameter's extremes plus this many points."""


def points_to_check(points: Sequence[Point]) -> list[Point]:
    """The points to validate before running: all of them, or a large design's extremes.

    A large design checks each parameter's lowest and highest points and
    ``MAX_CHECKED_POINTS`` evenly spaced ones; a point that still fails to load is
    recorded as a failed run like any other.
    """
    if len(points) <= MAX_CHECKED_POINTS:
        return list(points)
    chosen = {round(i * (len(points) - 1) / (MAX_CHECKED_POINTS - 1))
              for i in range(MAX_CHECKED_POINTS)}
    keys = {k for p in points for k, v in p.params if isinstance(v, int | float)}
    for key in keys:
        values = [(dict(p.params).get(key), i) for i, p in enumerate(points)]
        numeric = [(v, i) for v, i in values if isinstance(v, int | float)]
        chosen.update({min(numeric)[1], max(numeric)[1]})
    return [points[i] for i in sorted(chosen)]


def _vary_bounds(plan: Plan) -> list[tuple[str, float, float]]:
    """(key, lowest, highest) of each numeric ``--vary`` recorded in the plan."""
    out = []
    for item in plan.setting("vary", []):
        values = item.get("values") or [item.get("lo"), item.get("hi")]
        numbers = [float(v) for v in values
                   if isinstance(v, int | float) and not isinstance(v, bool)]
        if numbers:
            out.append((str(item["key"]), min(numbers), max(numbers)))
    return out


def validate_plan(plan: Plan) -> PlanCheck:
    """Load the plan's points as a worker would; any mistake raises ConfigError."""
    from worlds.build import build_model
    from worlds.catalog import load_world
    from worlds.ranges import check_vary_ranges

    base, _path = load_world(plan.world, plan.overrides, plan.scenarios)
    check_vary_ranges(plan.world, plan.scenarios, plan.overrides, _vary_bounds(plan))
    until = check_until(base.world.start_date, plan.until, base.world.until)
    seen: set[str] = set()
    for point in points_to_check(plan.points):
        if not point.overrides and not point.scenarios:
            continue
        key = repr((point.overrides, point.scenarios))
        if key in seen:
            continue
        seen.add(key)
        try:
            load_world(plan.world, (*plan.overrides, *point.overrides),
                       (*plan.scenarios, *point.scenarios))
        except ConfigError as exc:
            if exc.source != "--set":
                raise
            shown = " ".join(f"{k}={v}" for k, v in point.params or point.overrides)
            raise ConfigError(_source(point), exc.key, f"{exc.expected} (at {shown})") from None
    try:
        model = build_model(base, plan.seed, until, log_events=False)
    except Exception as exc:  # every run would fail the same way: say so before any runs
        source = "--set" if plan.overrides else (plan.scenarios[-1] if plan.scenarios
                                                 else plan.world)
        raise ConfigError(source, "", f"the world does not build with these options "
                          f"({type(exc).__name__}: {exc}); `abm run` with the same options "
                          "shows the traceback") from None
    metrics = tuple(f"{a.name}.{n}" for a in model.agents.values() for n in a.metric_names())
    clock = Clock(base.world.start_date)
    ends = tuple(d for d in clock.month_ends(until) if d <= until)
    return PlanCheck(start_date=base.world.start_date, until=until, month_ends=ends,
                     metrics=metrics, companies=tuple(base.neoclouds))


def check_positive(value: int, option: str, what: str = "runs") -> int:
    """A count option (``--reps``, ``--workers``, ``--samples``) must be >= 1."""
    if value < 1:
        raise ConfigError(option, str(value), f"expected a whole number >= 1 of {what}")
    return value


def plan_input_hashes(plan: Plan) -> dict[str, str]:
    """Input hashes of a validated plan: its world, every scenario it uses, the model code."""
    scenarios = [*plan.scenarios, *(s for p in plan.points for s in p.scenarios)]
    return input_hashes(plan.world, list(dict.fromkeys(scenarios)))
