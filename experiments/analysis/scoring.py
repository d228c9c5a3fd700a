"""Scores of an ensemble forecast against what happened: CRPS, PIT, bands and coverage.

An experiment's runs are an ensemble: for one observed value ``y`` the model's forecast is
the empirical distribution of the runs' values ``x_1 .. x_n``. Three numbers say how good
that forecast was:

- the **90% band** (p5 to p95, numpy's linear quantiles, as the experiment's bands) and
  whether ``y`` falls inside it; over many observations the share inside (the *coverage*)
  should be near 90%, lower when the model is overconfident, higher when it is vague;
- the **PIT** (probability integral transform), the share of runs below ``y``, ties
  counted half: ``(#{x < y} + #{x = y} / 2) / n``. A value outside every run's range has
  PIT 0 or 1; a calibrated model's PIT values are uniform on [0, 1];
- the **CRPS** (continuous ranked probability score) of the empirical distribution, in the
  metric's unit, lower is better: ``mean|x - y| - mean|x - x'| / 2`` (Gneiting and
  Raftery 2007, eq. 21, with the ensemble's own CDF). It rewards a sharp forecast near
  the value and reduces to the absolute error for a single run.

Every function is vectorized over observations (columns of a runs x observations array)
and ignores NaN runs (runs that failed or lack the metric).
"""

from __future__ import annotations

import math

import numpy as np

BAND = (0.05, 0.50, 0.95)
"""Quantiles reported for each observation: the 90% band and the median."""


def _finite(sample: np.ndarray) -> np.ndarray:
    values = np.asarray(sample, dtype="float64").ravel()
    return np.sort(values[np.isfinite(values)])


def crps_ensemble(sample: np.ndarray, value: float) -> float:
    """CRPS of the empirical distribution of ``sample`` for the outcome ``value``.

    ``mean|x - y| - (1 / 2n^2) sum_ij |x_i - x_j|``, computed in O(n log n) from the
    sorted sample: ``sum_ij |x_i - x_j| = 2 sum_i x_(i) (2i - n - 1)`` (1-based ranks).
    NaN when the sample has no finite value or ``value`` is not finite.
    """
    xs = _finite(sample)
    n = xs.size
    if n == 0 or not math.isfinite(value):
        return float("nan")
    spread = 2.0 * float(np.dot(xs, 2.0 * np.arange(1, n + 1) - n - 1)) / (n * n)
    return float(np.mean(np.abs(xs - value)) - 0.5 * spread)


def pit(sample: np.ndarray, value: float) -> float:
    """Share of ``sample`` below ``value``, ties counted half (NaN if nothing to count)."""
    xs = _finite(sample)
    if xs.size == 0 or not math.isfinite(value):
        return float("nan")
    below = np.searchsorted(xs, value, side="left")
    upto = np.searchsorted(xs, value, side="right")
    return float((below + 0.5 * (upto - below)) / xs.size)


def band(sample: np.ndarray) -> tuple[float, float, float]:
    """(p5, p50, p95) of the finite values of ``sample`` (NaN when there are none)."""
    xs = _finite(sample)
    if xs.size == 0:
        return float("nan"), float("nan"), float("nan")
    p5, p50, p95 = np.quantile(xs, BAND)
    return float(p5), float(p50), float(p95)


def normal_crps(mean: float, sd: float, value: float) -> float:
    """Closed-form CRPS of a normal N(mean, sd^2) for ``value`` (Gneiting et al. 2005)."""
    z = (value - mean) / sd
    pdf = math.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi)
    cdf = 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))
    return sd * (z * (2.0 * cdf - 1.0) + 2.0 * pdf - 1.0 / math.sqrt(math.pi))


def score_columns(values: np.ndarray, observed: np.ndarray) -> dict[str, np.ndarray]:
    """Scores of each observation (a column of ``values``, runs x observations).

    Runs counted, p5, p50, p95, inside the 90% band, PIT and CRPS.

    An observation with no finite run value has NaN scores and counts as outside.
    """
    columns = values.shape[1] if values.ndim == 2 else 0
    out = {name: np.full(columns, np.nan) for name in ("p5", "p50", "p95", "pit", "crps")}
    out["runs"] = np.zeros(columns, dtype="int64")
    out["inside"] = np.zeros(columns, dtype=bool)
    for j in range(columns):
        sample, y = values[:, j], float(observed[j])
        out["runs"][j] = int(np.isfinite(sample).sum())
        out["p5"][j], out["p50"][j], out["p95"][j] = band(sample)
        out["pit"][j] = pit(sample, y)
        out["crps"][j] = crps_ensemble(sample, y)
        out["inside"][j] = bool(out["p5"][j] <= y <= out["p95"][j])
    return out


def pit_histogram(pits: np.ndarray, bins: int = 10) -> np.ndarray:
    """Counts of PIT values in ``bins`` equal bins of [0, 1] (1.0 falls in the last)."""
    finite = np.asarray(pits, dtype="float64")
    finite = finite[np.isfinite(finite)]
    counts, _edges = np.histogram(np.clip(finite, 0.0, 1.0), bins=bins, range=(0.0, 1.0))
    return counts
