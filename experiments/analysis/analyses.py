"""The analysis each kind of experiment adds to its summary and bands.

- comparison: outcome distributions per arm and paired differences (``compare.parquet``);
- sensitivity: Sobol' or Morris indices per outcome and parameter (``sensitivity.parquet``);
- sweep: one row per design point with the values set and median outcomes
  (``design.parquet``);
- score: each observation against the runs, and a summary (``scores.parquet``,
  ``score_summary.parquet``).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from abm.config import ConfigError
from experiments.analysis.comparison import paired_table
from experiments.analysis.outcomes import Outcome, default_outcomes, outcome_values, parse_outcome
from experiments.many.shards import atomic_write_frame
from experiments.many.validate import PlanCheck

if TYPE_CHECKING:
    from experiments.analysis.observations import ObservationSet
    from experiments.many.result import ExperimentResult


def focus_outcomes(check: PlanCheck, texts: Sequence[str] = ()) -> list[Outcome]:
    """Outcomes given, or the focus company's defaults (those the world has)."""
    if texts:
        return [parse_outcome(t, check.metrics, check.start_date, check.until) for t in texts]
    company = check.companies[0]
    out = []
    for text in default_outcomes(company):
        try:
            out.append(parse_outcome(text, check.metrics, check.start_date, check.until))
        except ConfigError:
            continue
    return out


def analyse(result: ExperimentResult, check: PlanCheck, shards: Mapping[str, Path],
            outcomes: Sequence[Outcome], confidence: float,
            observations: ObservationSet | None = None) -> None:
    """Add the kind's analysis to ``result`` and write it to the experiment folder."""
    plan, summary, folder = result.plan, result.summary, result.folder
    if plan.kind == "score" and observations is not None:
        from experiments.analysis.scorecard import score_experiment

        started = time.perf_counter()
        ids = summary.loc[summary["status"] == "ok", "run_id"].tolist()
        result.scores, result.score_summary = score_experiment(folder, observations, ids,
                                                               shards)
        result.stats.score_seconds = time.perf_counter() - started
    elif plan.kind == "compare":
        chosen = list(outcomes) or focus_outcomes(check)
        values = outcome_values(chosen, summary, shards, check.start_date)
        table = paired_table(values, plan.arms(), summary[["arm", "rep"]], confidence)
        atomic_write_frame(table, folder / "compare.parquet")
        result.comparison = table
    elif plan.kind == "sensitivity":
        _sensitivity(result, check, shards, outcomes)
    elif plan.kind == "sweep":
        chosen = list(outcomes) or focus_outcomes(check)
        values = outcome_values(chosen, summary, shards, check.start_date)
        sets = [c for c in summary.columns if c.startswith("set.")]
        design = summary[["point", *sets]].groupby("point").first()
        medians = values.groupby(summary["point"].to_numpy()).median()
        table = design.join(medians).reset_index()
        atomic_write_frame(table, folder / "design.parquet")
        result.design = table


def _sensitivity(result: ExperimentResult, check: PlanCheck, shards: Mapping[str, Path],
                 outcomes: Sequence[Outcome]) -> None:
    from experiments.analysis.indices import analyze, point_means
    from experiments.many.plans import plan_sample, plan_varies

    plan, summary = result.plan, result.summary
    if result.stats.failed or result.stats.missing:
        result.notes.append("sensitivity indices need every run; rerun the same command to "
                            "retry the failed runs")
        return
    chosen = list(outcomes) or focus_outcomes(check)[:1]
    values = outcome_values(chosen, summary, shards, check.start_date)
    means = point_means(values, summary["point"], len(plan.points))
    indices = analyze(plan.setting("method"), plan_varies(plan), plan_sample(plan), means,
                      plan.seed)
    atomic_write_frame(indices, result.folder / "sensitivity.parquet")
    result.sensitivity = indices
