"""What to vary and how to sample it: ``--vary`` ranges, grid, LHS, Sobol' and Morris designs.

A range is ``KEY=LO:HI[:N]`` (``N`` grid levels, default 3) or, for a grid only, a list of
values ``KEY=A,B,C``. A range whose ends are both whole numbers is an integer parameter:
sampled values are rounded. Random designs are seeded from the experiment's base seed,
so the same command gives the same points. Samplers come from SALib (LHS, Saltelli's
Sobol' scheme, Morris trajectories and the Sobol' sequence).
"""

from __future__ import annotations

import itertools
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from abm.config import ConfigError

DESIGNS = ("grid", "lhs", "sobol")
METHODS = ("sobol", "morris")
DEFAULT_LEVELS = 3
MORRIS_LEVELS = 4
Params = tuple[tuple[str, Any], ...]


@dataclass(frozen=True)
class Vary:
    """A parameter to vary: a numeric range ``lo..hi`` (with grid levels) or listed values."""

    key: str
    lo: float = 0.0
    hi: float = 0.0
    levels: int | None = None
    integer: bool = False
    values: tuple[Any, ...] | None = None

    def grid_values(self) -> list[Any]:
        """The grid levels: the listed values, or ``levels`` evenly spaced from lo to hi."""
        if self.values is not None:
            return list(self.values)
        raw = np.linspace(self.lo, self.hi, self.levels or DEFAULT_LEVELS)
        levels = self.scale(raw)
        if not self.integer:  # 1.2, not 1.2000000000000002
            levels = [float(f"{v:.12g}") for v in levels]
        return list(dict.fromkeys(levels))

    def scale(self, unit_or_raw: np.ndarray, unit: bool = False) -> list[Any]:
        """Values from raw numbers (or from [0, 1) when ``unit``), rounded if integer."""
        raw = self.lo + unit_or_raw * (self.hi - self.lo) if unit else unit_or_raw
        if self.integer:
            return [round(float(v)) for v in raw]
        return [float(v) for v in raw]

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready description (part of the experiment's identity)."""
        if self.values is not None:
            return {"key": self.key, "values": list(self.values)}
        return {"key": self.key, "lo": self.lo, "hi": self.hi, "levels": self.levels,
                "integer": self.integer}


def _number(text: str, whole: str) -> int | float:
    try:
        value = tomllib.loads(f"v = {text.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        value = None
    if isinstance(value, bool) or not isinstance(value, int | float) or not np.isfinite(value):
        raise ConfigError("--vary", whole, f"expected a finite number, got {text.strip()!r}")
    return value


def _value(text: str) -> Any:
    try:
        return tomllib.loads(f"v = {text.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        return text.strip()


def parse_vary(text: str) -> Vary:
    """Parse ``KEY=LO:HI[:N]`` or ``KEY=A,B,C``; a malformed one is a ConfigError."""
    key, sep, spec = text.partition("=")
    key = key.strip()
    if not sep or not key or any(not part for part in key.split(".")) or not spec.strip():
        raise ConfigError("--vary", text, "expected KEY=LO:HI[:N] or KEY=A,B,C, e.g. "
                          "iren.pue=1.1:1.4:4")
    if ":" not in spec:
        values = tuple(_value(v) for v in spec.split(","))
        if len(values) < 2 or len(set(map(repr, values))) != len(values):
            raise ConfigError("--vary", text, "expected two or more different values A,B,...")
        return Vary(key=key, values=values)
    parts = spec.split(":")
    if len(parts) not in (2, 3):
        raise ConfigError("--vary", text, "expected KEY=LO:HI or KEY=LO:HI:N")
    lo, hi = _number(parts[0], text), _number(parts[1], text)
    if not lo < hi:
        raise ConfigError("--vary", text, f"expected LO < HI, got {lo} and {hi}")
    levels = None
    if len(parts) == 3:
        n = _number(parts[2], text)
        if not isinstance(n, int) or n < 2:
            raise ConfigError("--vary", text, f"expected N (grid levels) a whole number >= 2, "
                              f"got {parts[2].strip()!r}")
        levels = n
    integer = isinstance(lo, int) and isinstance(hi, int)
    return Vary(key=key, lo=float(lo), hi=float(hi), levels=levels, integer=integer)


def check_varies(varies: Sequence[Vary], design: str) -> None:
    """Refuse repeated keys, and lists or ``:N`` levels outside a grid."""
    if not varies:
        raise ConfigError("--vary", "", "expected at least one KEY=LO:HI[:N]")
    keys = [v.key for v in varies]
    for key in keys:
        if keys.count(key) > 1:
            raise ConfigError("--vary", key, "given twice; vary each key once")
    if design != "grid":
        for v in varies:
            if v.values is not None:
                raise ConfigError("--vary", v.key, f"a list of values needs --design grid; "
                                  f"{design} samples a range LO:HI")
            if v.levels is not None:
                raise ConfigError("--vary", v.key, f"':N' sets grid levels; with {design} "
                                  "set the number of samples with --samples")


def salib_problem(varies: Sequence[Vary]) -> dict[str, Any]:
    """SALib's problem dictionary for numeric ranges."""
    return {"num_vars": len(varies), "names": [v.key for v in varies],
            "bounds": [[v.lo, v.hi] for v in varies]}


def _points(varies: Sequence[Vary], rows: np.ndarray, unit: bool) -> list[Params]:
    columns = [v.scale(rows[:, j], unit=unit) for j, v in enumerate(varies)]
    return [tuple((v.key, columns[j][i]) for j, v in enumerate(varies))
            for i in range(rows.shape[0])]


def grid(varies: Sequence[Vary]) -> list[Params]:
    """Every combination of every parameter's levels (the last key varies fastest)."""
    levels = [v.grid_values() for v in varies]
    return [tuple(zip((v.key for v in varies), combo, strict=True))
            for combo in itertools.product(*levels)]


def latin_hypercube(varies: Sequence[Vary], samples: int, seed: int) -> list[Params]:
    """``samples`` Latin hypercube points (SALib), seeded."""
    from SALib.sample import latin

    rows = np.asarray(latin.sample(salib_problem(varies), samples, seed=seed))
    return _points(varies, rows, unit=False)


def sobol_sequence(varies: Sequence[Vary], samples: int) -> list[Params]:
    """The first ``samples`` points of the Sobol' low-discrepancy sequence (SALib)."""
    from SALib.sample import sobol_sequence as sequence

    rows = np.asarray(sequence.sample(samples, len(varies)))
    return _points(varies, rows, unit=True)


def sweep_points(varies: Sequence[Vary], design: str, samples: int, seed: int) -> list[Params]:
    """A sweep's points by design name (``grid``, ``lhs`` or ``sobol``)."""
    check_varies(varies, design)
    if design == "grid":
        return grid(varies)
    if design == "lhs":
        return latin_hypercube(varies, samples, seed)
    if design == "sobol":
        return sobol_sequence(varies, samples)
    raise ConfigError("--design", design, f"expected one of {', '.join(DESIGNS)}")


def sensitivity_sample(varies: Sequence[Vary], method: str, samples: int,
                       seed: int) -> np.ndarray:
    """The SALib sample of a sensitivity method: Saltelli for Sobol', trajectories for Morris.

    Sobol' (first and total order) makes ``samples x (D + 2)`` points and needs
    ``samples`` a power of two; Morris makes ``samples x (D + 1)`` points on a
    ``MORRIS_LEVELS``-level grid.
    """
    check_varies(varies, method)
    problem = salib_problem(varies)
    if method == "sobol":
        if samples < 2 or samples & (samples - 1):
            raise ConfigError("--samples", str(samples), "expected a power of two >= 2 for "
                              "Sobol' indices (e.g. 64)")
        from SALib.sample import sobol

        return np.asarray(sobol.sample(problem, samples, calc_second_order=False, seed=seed))
    if method == "morris":
        from SALib.sample import morris

        return np.asarray(morris.sample(problem, samples, num_levels=MORRIS_LEVELS, seed=seed))
    raise ConfigError("--method", method, f"expected one of {', '.join(METHODS)}")


def sample_points(varies: Sequence[Vary], rows: np.ndarray) -> list[Params]:
    """Parameter sets from a raw sample matrix (one row per point)."""
    return _points(varies, rows, unit=False)
