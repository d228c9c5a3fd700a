"""The scorecard of an experiment: each observation against the runs, and a summary.

The runs' value of every observation is read from the shards once each, in run-id order
(so scores are identical whatever the worker count or how often the experiment was
resumed); :mod:`experiments.analysis.scoring` turns each column into p5 / p50 / p95, PIT
and CRPS. The experiment folder keeps two tables:

- ``scores.parquet``: one row per observation (value, band, inside, PIT, CRPS, errors);
- ``score_summary.parquet``: one row: 90%-band coverage, mean relative CRPS, median band
  width relative to the value, the share of observations where the median beat
  consensus, and the PIT histogram.

Two folders' tables compare with :func:`against` (``abm score ... --against DIR``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from abm.config import ConfigError
from experiments.analysis.observations import Observation, ObservationSet
from experiments.analysis.scoring import pit_histogram, score_columns
from experiments.many.aggregate import read_in_order
from experiments.many.shards import ShardHead, atomic_write_frame, read_matrix
from experiments.reports.formatting import base_unit

SCORES = "scores.parquet"
SUMMARY = "score_summary.parquet"
PIT_BINS = 10


Plan = list[tuple[int, np.ndarray, float]]
"""Per observation: its metric's column, the month-end rows it reads, and its scale
(``-1`` for a metric the run lacks; a level's scale is 0: it reads one row, unsummed)."""


def _rows(obs: Observation, dates: np.ndarray) -> np.ndarray:
    """Which month ends of a run hold an observation's level, or make up its flow."""
    days = dates.astype("datetime64[D]")
    if obs.date is not None:
        return np.flatnonzero(days == np.datetime64(obs.date, "D"))[:1]
    lo, hi = np.datetime64(obs.start, "D"), np.datetime64(obs.end, "D")
    return np.flatnonzero((days >= lo) & (days <= hi))


def _plan(head: ShardHead, observations: Sequence[Observation]) -> Plan:
    columns = {m: i for i, m in enumerate(head.metrics)}
    return [(columns.get(obs.metric, -1), _rows(obs, head.dates),
             0.0 if obs.kind == "level" else obs.scale) for obs in observations]


def observed_values(observations: Sequence[Observation], run_ids: Sequence[str],
                    shards: Mapping[str, Path]) -> np.ndarray:
    """A (runs x observations) array of the runs' values, NaN for runs without a shard.

    Runs of one experiment mostly share their metrics and month ends: which cells each
    observation reads is worked out once per distinct layout, not once per run.
    """
    out = np.full((len(run_ids), len(observations)), np.nan)
    paths = [shards.get(rid) for rid in run_ids]
    plans: dict[tuple[tuple[str, ...], bytes], Plan] = {}
    for i, read in enumerate(read_in_order(read_matrix, paths)):
        if read is None:
            continue
        head, values = read
        key = (head.metrics, head.dates.tobytes())
        plan = plans.get(key)
        if plan is None:
            plan = plans[key] = _plan(head, observations)
        row = out[i]
        for j, (column, rows, scale) in enumerate(plan):
            if column >= 0 and rows.size:
                cells = values[rows, column]
                row[j] = cells[0] if scale == 0.0 else float(cells.sum()) * scale
    return out


def score_table(observations: Sequence[Observation], values: np.ndarray) -> pd.DataFrame:
    """One row per observation: what happened, the runs' band, PIT, CRPS and errors."""
    observed = np.array([o.value for o in observations], dtype="float64")
    scores = score_columns(values, observed)
    consensus = np.array([np.nan if o.consensus is None else o.consensus
                          for o in observations], dtype="float64")
    scale = np.abs(observed)
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = np.where(scale > 0, 1.0 / scale, np.nan)
    median_error = scores["p50"] - observed
    consensus_error = consensus - observed
    beats = np.where(np.isfinite(consensus_error),
                     np.abs(median_error) < np.abs(consensus_error), np.nan)
    return pd.DataFrame({
        "observation": [o.name for o in observations],
        "metric": [o.metric for o in observations],
        "kind": [o.kind for o in observations],
        "when": [o.when for o in observations],
        "unit": [base_unit(o.metric) or "count" for o in observations],
        "value": observed, "runs": scores["runs"],
        "p5": scores["p5"], "p50": scores["p50"], "p95": scores["p95"],
        "inside": scores["inside"], "pit": scores["pit"], "crps": scores["crps"],
        "crps_rel": scores["crps"] * relative,
        "band_width_rel": (scores["p95"] - scores["p5"]) * relative,
        "median_error": median_error, "median_error_rel": median_error * relative,
        "consensus": consensus, "consensus_error": consensus_error,
        "median_beats_consensus": beats,
        "source": [o.source for o in observations], "note": [o.note for o in observations],
    })


def score_summary(table: pd.DataFrame, runs: int) -> pd.DataFrame:
    """One row summing up a scorecard.

    Coverage of the 90% band, mean relative CRPS, median relative band width, the
    median's record against consensus, and the PIT histogram (``pit_0`` .. ``pit_9``).
    """
    beats = table["median_beats_consensus"].dropna()
    counts = pit_histogram(table["pit"].to_numpy(dtype="float64"), PIT_BINS)
    row: dict[str, float | int] = {
        "observations": len(table), "runs": runs,
        "coverage_90": float(table["inside"].mean()) if len(table) else float("nan"),
        "mean_crps_rel": float(table["crps_rel"].mean()),
        "median_band_width_rel": float(table["band_width_rel"].median()),
        "with_consensus": len(beats),
        "median_beats_consensus": float(beats.mean()) if len(beats) else float("nan"),
    }
    row.update({f"pit_{k}": int(c) for k, c in enumerate(counts)})
    return pd.DataFrame([row])


def score_experiment(folder: Path, observations: ObservationSet, run_ids: Sequence[str],
                     shards: Mapping[str, Path]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Score the finished runs of an experiment and write both tables into its folder."""
    done = [rid for rid in run_ids if rid in shards]
    values = observed_values(observations.items, done, shards)
    table = score_table(observations.items, values)
    summary = score_summary(table, len(done))
    atomic_write_frame(table, folder / SCORES)
    atomic_write_frame(summary, folder / SUMMARY)
    return table, summary


def read_scores(folder: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The two score tables of a scored experiment folder (a ConfigError if it has none)."""
    root = Path(folder)
    if not (root / SCORES).exists() or not (root / SUMMARY).exists():
        raise ConfigError("--against", str(root), f"expected a scored experiment folder "
                          f"(with {SCORES} and {SUMMARY}); run abm score into it first")
    return pd.read_parquet(root / SCORES), pd.read_parquet(root / SUMMARY)


SUMMARY_MEASURES = ("coverage_90", "mean_crps_rel", "median_band_width_rel",
                    "median_beats_consensus")


def against(mine: tuple[pd.DataFrame, pd.DataFrame],
            other: tuple[pd.DataFrame, pd.DataFrame]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A scorecard next to another: per shared observation and for the summary.

    Observations are matched by name, metric and date; the first frame has both CRPS, the
    change (this minus other: negative is better) and both inside flags; the second the
    summary measures side by side with their changes.
    """
    keys = ["observation", "metric", "when"]
    left = mine[0][[*keys, "value", "crps", "crps_rel", "inside", "pit"]]
    right = other[0][[*keys, "crps", "crps_rel", "inside", "pit"]]
    both = left.merge(right, on=keys, suffixes=("", "_other"), how="inner")
    both["crps_change"] = both["crps"] - both["crps_other"]
    both["crps_rel_change"] = both["crps_rel"] - both["crps_rel_other"]
    rows = []
    for measure in ("observations", "runs", *SUMMARY_MEASURES):
        a, b = float(mine[1][measure].iloc[0]), float(other[1][measure].iloc[0])
        rows.append({"measure": measure, "this": a, "other": b, "change": a - b})
    return both, pd.DataFrame(rows)
