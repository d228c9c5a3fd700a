"""What an experiment runs: its plan (points x replications) and the small spec of each run.

An experiment is a list of *points* (parameter sets: a comparison's arms, a sweep's or a
sensitivity design's samples, or the single point of a Monte Carlo) times ``reps``
replications. Run ``(point p, rep r)`` uses seed ``base_seed + r``: every point sees the
same random draws for the same replication (common random numbers), so differences
between points are not blurred by sampling noise, and adding replications later only adds
runs. A run's id, ``p00003-r000012``, names its shard and sorts in plan order.
"""

from __future__ import annotations

import hashlib
import json
import re
import shlex
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

Pairs = tuple[tuple[str, Any], ...]
KINDS = ("mc", "sweep", "compare", "sensitivity", "score")
_RUN_ID = re.compile(r"^p(\d{5})-r(\d{6})$")


def run_id(point: int, rep: int) -> str:
    """The id of replication ``rep`` of point ``point``: fixed width, so it sorts in order."""
    return f"p{point:05d}-r{rep:06d}"


def parse_run_id(text: str) -> tuple[int, int] | None:
    """``(point, rep)`` of a run id, or None if ``text`` is not one."""
    match = _RUN_ID.match(text)
    return (int(match.group(1)), int(match.group(2))) if match else None


@dataclass(frozen=True)
class RunSpec:
    """Everything a worker needs to make one run: small, frozen and picklable."""

    run_id: str
    point: int
    rep: int
    arm: str
    world: str
    seed: int
    until: str | None
    scenarios: tuple[str, ...]
    overrides: Pairs
    params: Pairs = ()

    def describe(self) -> str:
        """One line naming the run for messages: id, arm, seed and what was set."""
        shown = " ".join(f"{k}={v}" for k, v in self.params)
        return f"{self.run_id} ({self.arm}, seed {self.seed}{', ' + shown if shown else ''})"

    def command(self) -> str:
        """The ``abm run`` command that makes this run alone (same world, seed, overlays)."""
        return rerun_command(self.world, self.seed, self.until, self.scenarios,
                             self.overrides)


def rerun_command(world: str, seed: int, until: str | None, scenarios: Sequence[str],
                  overrides: Sequence[tuple[str, Any]]) -> str:
    """``abm run WORLD --seed S [--until D] [--scenario X] [--set K=V]``, shell-quoted."""
    argv = ["abm", "run", world, "--seed", str(seed)]
    if until is not None:
        argv += ["--until", str(until)]
    for name in scenarios:
        argv += ["--scenario", name]
    for key, value in overrides:
        argv += ["--set", f"{key}={_toml(value)}"]
    return " ".join(shlex.quote(a) for a in argv)


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value)
    return str(value)


@dataclass(frozen=True)
class Point:
    """One parameter set of an experiment, laid over the experiment's base options.

    ``arm`` groups points for quantile bands and comparisons (``base`` for a Monte Carlo,
    the arm's name in a comparison, ``design`` for sweeps and sensitivity designs);
    ``params`` are the values a design chose, kept as summary columns.
    """

    arm: str
    overrides: Pairs = ()
    scenarios: tuple[str, ...] = ()
    params: Pairs = ()

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready description."""
        return {"arm": self.arm, "overrides": [list(p) for p in self.overrides],
                "scenarios": list(self.scenarios), "params": [list(p) for p in self.params]}


@dataclass(frozen=True)
class Plan:
    """An experiment's design: base run options, points, replications and settings.

    ``settings`` hold how the points were made (design, samples, varied ranges, method);
    together with the base options and the points they are the experiment's identity,
    which a resumed experiment must match. ``reps`` is not part of it: more (or fewer)
    replications reuse the runs already made.
    """

    kind: str
    world: str
    until: str | None
    seed: int
    reps: int
    scenarios: tuple[str, ...] = ()
    overrides: Pairs = ()
    points: tuple[Point, ...] = (Point("base"),)
    settings: Pairs = ()
    inputs: dict[str, str] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"plan: kind must be one of {KINDS}, got {self.kind!r}")
        if self.reps < 1 or not self.points:
            raise ValueError("plan: needs at least one point and one replication")

    @property
    def n_runs(self) -> int:
        """Runs in the plan: points x replications."""
        return len(self.points) * self.reps

    def arms(self) -> list[str]:
        """Arm names in the order they first appear."""
        return list(dict.fromkeys(p.arm for p in self.points))

    def setting(self, name: str, default: Any = None) -> Any:
        """One of the settings by name."""
        return dict(self.settings).get(name, default)

    def runs(self) -> Iterator[RunSpec]:
        """Every run of the plan in id order (point-major, then replication)."""
        for index, point in enumerate(self.points):
            for rep in range(self.reps):
                yield RunSpec(
                    run_id=run_id(index, rep), point=index, rep=rep, arm=point.arm,
                    world=self.world, seed=self.seed + rep, until=self.until,
                    scenarios=(*self.scenarios, *point.scenarios),
                    overrides=(*self.overrides, *point.overrides), params=point.params)

    def identity(self) -> dict[str, Any]:
        """What must match for a folder's finished runs to belong to this plan."""
        return {
            "kind": self.kind, "world": self.world, "until": self.until,
            "base_seed": self.seed, "scenarios": list(self.scenarios),
            "overrides": [list(p) for p in self.overrides],
            "settings": {k: v for k, v in self.settings},
            "points": [p.to_json() for p in self.points],
            "inputs": dict(sorted(self.inputs.items())),
        }

    def fingerprint(self) -> str:
        """A short hash of :meth:`identity`."""
        return hashlib.sha256(canonical_json(self.identity()).encode()).hexdigest()[:16]


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no spacing; dates and other values as their text."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def identity_differences(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Top-level keys whose values differ between two identities (for error messages)."""
    keys = sorted(set(old) | set(new))
    return [k for k in keys if canonical_json(old.get(k)) != canonical_json(new.get(k))]
