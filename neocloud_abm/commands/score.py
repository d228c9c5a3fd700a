"""``abm score``: run a world over many seeds and score it against what really happened.

``abm score WORLD --observations FILE`` runs a Monte Carlo through the experiment
machinery (pool or Dask, resumable, progress bar) and reports, per observation, the runs'
p5 / p50 / p95, whether the value is inside the 90% band, its PIT and CRPS, the median's
error and consensus's; then the coverage of the 90% band, the mean relative CRPS, the
median band width and the median's record against consensus. The experiment folder keeps
``scores.parquet`` and ``score_summary.parquet``; ``--against DIR`` prints the changes
from another scored folder (another world, or the same world under another version).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from neocloud_abm.commands.experiments import add_experiment_options, exit_status, run_and_print
from neocloud_abm.commands.options import run_options

EXAMPLE = ("abm score hindcast_2025_07 --observations worlds/observations/hindcast_2025_07.toml "
           "--reps 200 --workers 2")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``abm score``."""
    score = sub.add_parser(
        "score", help="score a world's runs against observed values (CRPS, PIT, coverage)",
        description="Run a world over --reps seeds and score the runs against a file of "
        "observations (TOML or CSV: metric, date or from/to, value, source[, unit, "
        "consensus, label, note]).", epilog=f"example: {EXAMPLE}")
    add_experiment_options(score, reps=100)
    score.add_argument("--observations", type=Path, required=True, metavar="FILE",
                       help="what really happened: a TOML or CSV file of observations")
    score.add_argument("--against", type=Path, default=None, metavar="SCORE_DIR",
                       help="print the changes from another scored experiment folder")
    score.set_defaults(handler=handle_score)


def handle_score(args: argparse.Namespace) -> int:
    """``abm score``."""
    from experiments.analysis.scorecard import against, read_scores
    from experiments.many.plans import score_plan
    from experiments.reports import tables

    opts = run_options(args)
    other = read_scores(args.against) if args.against is not None else None
    plan = score_plan(opts.world, args.reps, seed=opts.seed, until=opts.until,
                      scenarios=opts.scenarios, overrides=opts.overrides)
    result = run_and_print(plan, args, observations=args.observations)
    if other is not None and result.scores is not None and result.score_summary is not None:
        both, summary = against((result.scores, result.score_summary), other)
        print(f"\nagainst {args.against} ({len(both)} shared observations; change = this "
              "minus other, lower CRPS is better):")
        print(tables.summary_changes(summary).to_string(index=False))
        if len(both):
            print()
            print(tables.score_changes(both).to_string(index=False))
    return exit_status(result)
