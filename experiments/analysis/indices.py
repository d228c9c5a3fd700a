"""Global sensitivity of outcomes to varied parameters with SALib: Sobol' indices or Morris.

The design (:func:`experiments.many.designs.sensitivity_sample`) gives one point per row of
SALib's sample; each point runs ``reps`` replications with the shared seeds (common
random numbers), and the outcome of a point is the mean over its replications. The
indices come back tidy: one row per (outcome, parameter), with the method's measures:

- Sobol': ``S1`` (first order), ``ST`` (total order) and their confidence half-widths;
- Morris: ``mu_star`` (mean absolute elementary effect), ``mu``, ``sigma``, ``mu_star_conf``.

The bootstrap of the confidence intervals is seeded from the experiment's base seed.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from abm.config import ConfigError
from experiments.many.designs import MORRIS_LEVELS, Vary, salib_problem

SOBOL_COLUMNS = ("S1", "S1_conf", "ST", "ST_conf")
MORRIS_COLUMNS = ("mu_star", "mu_star_conf", "mu", "sigma")


def point_means(values: pd.DataFrame, points: pd.Series, n_points: int) -> pd.DataFrame:
    """Mean of each outcome over a point's replications; rows indexed 0..n_points-1."""
    means = values.groupby(points.to_numpy()).mean()
    return means.reindex(range(n_points))


def analyze(method: str, varies: Sequence[Vary], sample: np.ndarray, outcomes: pd.DataFrame,
            seed: int) -> pd.DataFrame:
    """Indices of every outcome column (one row per design point) for ``method``."""
    problem = salib_problem(varies)
    frames = []
    for outcome in outcomes.columns:
        y = outcomes[outcome].to_numpy(dtype="float64")
        missing = int(np.isnan(y).sum())
        if missing:
            raise ConfigError("--outcome", outcome, f"has no value at {missing} of {y.size} "
                              "design points (failed runs or a milestone never reached); "
                              "rerun to retry failures or choose another outcome")
        frame = _sobol(problem, y, seed) if method == "sobol" else _morris(problem, sample, y,
                                                                           seed)
        frame.insert(0, "outcome", outcome)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def _sobol(problem: dict[str, object], y: np.ndarray, seed: int) -> pd.DataFrame:
    from SALib.analyze import sobol

    if float(np.std(y)) == 0.0:
        return _constant(problem, SOBOL_COLUMNS)
    result = sobol.analyze(problem, y, calc_second_order=False, seed=seed)
    return pd.DataFrame({"parameter": problem["names"],
                         **{c: np.asarray(result[c], dtype="float64") for c in SOBOL_COLUMNS}})


def _morris(problem: dict[str, object], sample: np.ndarray, y: np.ndarray,
            seed: int) -> pd.DataFrame:
    from SALib.analyze import morris

    result = morris.analyze(problem, sample, y, num_levels=MORRIS_LEVELS, seed=seed)
    return pd.DataFrame({"parameter": problem["names"],
                         **{c: np.asarray(result[c], dtype="float64") for c in MORRIS_COLUMNS}})


def _constant(problem: dict[str, object], columns: Sequence[str]) -> pd.DataFrame:
    """An outcome that never moves is sensitive to nothing: all indices zero."""
    names = list(problem["names"])  # type: ignore[call-overload]
    return pd.DataFrame({"parameter": names, **{c: np.zeros(len(names)) for c in columns}})


def ranking(indices: pd.DataFrame, method: str) -> pd.DataFrame:
    """Parameters ordered by importance per outcome (ST for Sobol', mu_star for Morris)."""
    key = "ST" if method == "sobol" else "mu_star"
    return indices.sort_values(["outcome", key], ascending=[True, False], kind="stable")
