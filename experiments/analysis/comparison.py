"""Compare arms under common random numbers: distributions side by side, paired differences.

Every arm's replication ``r`` runs with the same seed, so arm ``k`` minus the reference
arm (the first) is a *paired* difference per replication: demand, Bitcoin and slip draws
cancel and only the arms' difference remains. The confidence interval of the mean paired
difference is t-based (``mean +- t(1 - a/2, n - 1) sd / sqrt(n)``) over replications where
both arms give a value.

The ready experiment :func:`business_model_arms` pits an integrated cloud against a lease
host under the same demand draws, by overriding the company's ``business_model``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from abm.config import ConfigError
from experiments.many.specs import Pairs, Point

BUSINESS_MODELS = ("integrated_cloud", "lease_host")
REFERENCE_COLUMNS = ("outcome", "arm", "n", "mean", "sd", "p5", "p50", "p95", "diff_n",
                     "diff_mean", "diff_lo", "diff_hi", "share_higher")


def business_model_arms(company: str = "iren",
                        models: Sequence[str] = BUSINESS_MODELS) -> dict[str, Pairs]:
    """Arms that differ only in ``company``'s business model (integrated cloud vs lease host)."""
    return {model: ((f"{company}.business_model", model),) for model in models}


def parse_arm(text: str) -> tuple[str, tuple[str, Any]]:
    """Parse ``--arm NAME:KEY=VALUE`` into the arm's name and one override."""
    from abm.config import parse_override

    name, sep, setting = text.partition(":")
    name = name.strip()
    if not sep or not name or not setting.strip():
        raise ConfigError("--arm", text, "expected NAME:KEY=VALUE, e.g. "
                          "lease:iren.business_model=lease_host")
    try:
        return name, parse_override(setting)
    except ConfigError as exc:
        raise ConfigError("--arm", text, exc.expected) from None


def arm_points(scenario_arms: Sequence[str], override_arms: Mapping[str, Pairs]) -> list[Point]:
    """Points of a comparison; with one arm, the world as it is becomes the reference."""
    from pathlib import Path

    points = [Point(arm=Path(s).stem, scenarios=(s,)) for s in scenario_arms]
    points += [Point(arm=name, overrides=pairs) for name, pairs in override_arms.items()]
    names = [p.arm for p in points]
    for name in names:
        if names.count(name) > 1:
            raise ConfigError("--arm", name, "two arms have this name; name each arm once")
    if not points:
        raise ConfigError("compare", "", "expected arms: two or more --scenario NAME, "
                          "--arm NAME:KEY=VALUE, or --business-models")
    if len(points) == 1:
        if points[0].arm == "base":
            raise ConfigError("--arm", "base", "is the name of the unchanged world; pick another")
        points.insert(0, Point(arm="base"))
    return points


def _t_quantile(confidence: float, dof: int) -> float:
    from scipy import stats

    return float(stats.t.ppf(0.5 + confidence / 2.0, dof))


def paired_table(values: pd.DataFrame, arms: Sequence[str], reps: pd.DataFrame,
                 confidence: float = 0.95) -> pd.DataFrame:
    """Per outcome and arm: the distribution, and the paired difference to ``arms[0]``.

    ``values`` holds one column per outcome and one row per run; ``reps`` gives each
    row's arm and replication (columns ``arm`` and ``rep``). Rows with a missing value
    are left out of that outcome (and of its pairs).
    """
    rows: list[dict[str, Any]] = []
    keyed = values.assign(_arm=reps["arm"].to_numpy(), _rep=reps["rep"].to_numpy())
    for outcome in values.columns:
        wide = keyed.pivot_table(index="_rep", columns="_arm", values=outcome,
                                 aggfunc="first", dropna=False)
        reference = wide[arms[0]] if arms[0] in wide else pd.Series(dtype="float64")
        for arm in arms:
            column = wide[arm].dropna() if arm in wide else pd.Series(dtype="float64")
            x = column.to_numpy(dtype="float64")
            row: dict[str, Any] = {"outcome": outcome, "arm": arm, "n": int(x.size)}
            row.update(_describe(x))
            row.update(_paired(wide, arm, reference, arms[0], confidence))
            rows.append(row)
    return pd.DataFrame(rows, columns=list(REFERENCE_COLUMNS))


def _describe(x: np.ndarray) -> dict[str, float]:
    if x.size == 0:
        return dict.fromkeys(("mean", "sd", "p5", "p50", "p95"), float("nan"))
    p5, p50, p95 = np.quantile(x, (0.05, 0.5, 0.95))
    sd = float(np.std(x, ddof=1)) if x.size > 1 else float("nan")
    return {"mean": float(x.mean()), "sd": sd, "p5": float(p5), "p50": float(p50),
            "p95": float(p95)}


def _paired(wide: pd.DataFrame, arm: str, reference: pd.Series, reference_arm: str,
            confidence: float) -> dict[str, float]:
    empty = {"diff_n": 0, "diff_mean": float("nan"), "diff_lo": float("nan"),
             "diff_hi": float("nan"), "share_higher": float("nan")}
    if arm == reference_arm or arm not in wide:
        return empty
    both = pd.concat([wide[arm], reference], axis=1).dropna()
    d = (both.iloc[:, 0] - both.iloc[:, 1]).to_numpy(dtype="float64")
    if d.size == 0:
        return empty
    mean = float(d.mean())
    if d.size > 1:
        half = _t_quantile(confidence, d.size - 1) * float(np.std(d, ddof=1)) / np.sqrt(d.size)
    else:
        half = float("nan")
    return {"diff_n": int(d.size), "diff_mean": mean, "diff_lo": mean - half,
            "diff_hi": mean + half, "share_higher": float(np.mean(d > 0))}
