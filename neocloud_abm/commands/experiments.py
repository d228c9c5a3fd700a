"""Experiment commands of ``abm``: mc, sweep, compare, sensitivity and report.

Each takes the run options of ``abm run`` (world, ``--seed`` as the base seed,
``--until``, ``--scenario``, ``--set``) plus ``--out DIR``, ``--workers K``, ``--dask
local|tcp://host:port``, ``--quiet``, ``--force`` and ``--no-report``. Rerunning a command
with the same ``--out`` resumes it. Status is 0 when every run finished, 1 when some
failed (they are listed), 2 for a mistake in the command (nothing is run).
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from abm.config import ConfigError
from neocloud_abm.commands.options import add_run_options, run_options

if TYPE_CHECKING:
    from experiments.many.result import ExperimentResult
    from experiments.many.specs import Plan

EXAMPLES = {
    "mc": "abm mc iren --reps 200 --until 2028-12-31 --scenario btc_bear --out runs/mc-bear",
    "sweep": "abm sweep iren --vary iren.pue=1.1:1.4:4 --vary iren.cash_usd=1e9:3e9 "
             "--design grid --reps 5",
    "compare": "abm compare iren --business-models --reps 100   |   abm compare iren "
               "--scenario btc_bear --scenario halls_slip --reps 50",
    "sensitivity": "abm sensitivity iren --vary bitcoin.price_vol_annual=0.3:0.8 --vary "
                   "iren.pue=1.1:1.4 --method sobol --samples 32 "
                   "--outcome iren.cash_usd@2027-12-31",
}


def _count(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None


def add_experiment_options(parser: argparse.ArgumentParser, reps: int) -> None:
    """Add the run options and the options every experiment command shares."""
    add_run_options(parser)
    parser.add_argument("--reps", type=_count, default=reps,
                        help=f"replications (seeds) per point, default {reps}")
    parser.add_argument("--out", type=Path, default=None,
                        help="experiment folder (default: experiments_out/KIND-WORLD-HASH; "
                        "the same command resumes it)")
    parser.add_argument("--workers", type=_count, default=None,
                        help="local worker processes (default: all cores; 1 = in process)")
    parser.add_argument("--dask", default=None, metavar="ADDR",
                        help="run on Dask: 'local' starts a LocalCluster, or tcp://host:port")
    parser.add_argument("--quiet", action="store_true", help="no progress bar or status lines")
    parser.add_argument("--force", action="store_true",
                        help="start over in a folder holding another experiment")
    parser.add_argument("--no-report", dest="report", action="store_false",
                        help="skip the PNG plots and report.html")


def _vary_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--vary", action="append", default=[], metavar="KEY=LO:HI[:N]",
                        help="a parameter range to vary (repeatable); grids also take "
                        "KEY=A,B,C")
    parser.add_argument("--samples", type=_count, default=None,
                        help="design size (lhs/sobol points; sensitivity base samples)")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``abm mc``, ``sweep``, ``compare``, ``sensitivity`` and ``report``."""
    mc = sub.add_parser("mc", help="Monte Carlo: many seeds of one world",
                        epilog=f"example: {EXAMPLES['mc']}")
    add_experiment_options(mc, reps=100)
    mc.set_defaults(handler=handle_mc)

    sweep = sub.add_parser("sweep", help="runs over a design of parameter values",
                           epilog=f"example: {EXAMPLES['sweep']}")
    add_experiment_options(sweep, reps=1)
    _vary_options(sweep)
    sweep.add_argument("--design", choices=("grid", "lhs", "sobol"), default="grid")
    sweep.add_argument("--outcome", dest="outcomes", action="append", default=[],
                       metavar="METRIC@WHEN", help="outcomes of the design table (repeatable)")
    sweep.set_defaults(handler=handle_sweep)

    compare = sub.add_parser(
        "compare", help="arms side by side under common random numbers",
        description="Each --scenario is an arm; --arm NAME:KEY=VALUE adds (or extends) an "
        "arm of overrides; the first arm is the reference of the paired differences.",
        epilog=f"examples: {EXAMPLES['compare']}")
    add_experiment_options(compare, reps=100)
    compare.add_argument("--arm", dest="arms", action="append", default=[],
                         metavar="NAME:KEY=VALUE", help="an arm's override (repeatable)")
    compare.add_argument("--business-models", action="store_true",
                         help="the ready experiment: integrated cloud vs lease host for the "
                         "world's first neocloud, same demand draws")
    compare.add_argument("--outcome", dest="outcomes", action="append", default=[],
                         metavar="METRIC@WHEN", help="outcomes to compare (repeatable)")
    compare.add_argument("--confidence", type=float, default=0.95,
                         help="confidence of the paired-difference intervals (default 0.95)")
    compare.set_defaults(handler=handle_compare)

    sens = sub.add_parser("sensitivity", help="Sobol' or Morris indices with SALib",
                          epilog=f"example: {EXAMPLES['sensitivity']}")
    add_experiment_options(sens, reps=1)
    _vary_options(sens)
    sens.add_argument("--method", choices=("sobol", "morris"), default="sobol")
    sens.add_argument("--outcome", dest="outcomes", action="append", default=[],
                      metavar="METRIC@WHEN", required=True,
                      help="e.g. iren.cash_usd@2027-12-31, iren.cash_usd@min (repeatable)")
    sens.set_defaults(handler=handle_sensitivity)

    rep = sub.add_parser("report", help="write report.html of an experiment folder")
    rep.add_argument("folder", type=Path, help="an experiment folder")
    rep.set_defaults(handler=handle_report)


def _or(value: int | None, default: int) -> int:
    return default if value is None else value


def _base(args: argparse.Namespace) -> dict[str, Any]:
    opts = run_options(args)
    return {"seed": opts.seed, "until": opts.until, "overrides": opts.overrides,
            "reps": args.reps}


def handle_mc(args: argparse.Namespace) -> int:
    """``abm mc``."""
    from experiments.many.plans import monte_carlo_plan

    opts = run_options(args)
    plan = monte_carlo_plan(opts.world, scenarios=opts.scenarios, **_base(args))
    return run_plan(plan, args)


def handle_sweep(args: argparse.Namespace) -> int:
    """``abm sweep``."""
    from experiments.many.designs import parse_vary
    from experiments.many.plans import sweep_plan

    opts = run_options(args)
    varies = [parse_vary(v) for v in args.vary]
    plan = sweep_plan(opts.world, varies, design=args.design, samples=_or(args.samples, 16),
                      scenarios=opts.scenarios, **_base(args))
    return run_plan(plan, args, args.outcomes)


def handle_compare(args: argparse.Namespace) -> int:
    """``abm compare``: each --scenario is an arm, --arm adds override arms."""
    from experiments.analysis.comparison import arm_points, business_model_arms, parse_arm
    from experiments.many.plans import compare_plan

    opts = run_options(args)
    arms: dict[str, tuple[tuple[str, Any], ...]] = {}
    if args.business_models:
        company = _first_neocloud(opts.world, opts.overrides)
        arms.update(business_model_arms(company))
    for text in args.arms:
        name, pair = parse_arm(text)
        arms[name] = (*arms.get(name, ()), pair)
    if not 0.5 <= args.confidence < 1.0:
        raise ConfigError("--confidence", str(args.confidence), "expected a number in "
                          "[0.5, 1), e.g. 0.95")
    points = arm_points(opts.scenarios, arms)
    plan = compare_plan(opts.world, points, **_base(args))
    return run_plan(plan, args, args.outcomes, args.confidence)


def _first_neocloud(world: str, overrides: tuple[tuple[str, Any], ...]) -> str:
    from worlds.catalog import load_world

    spec, _path = load_world(world, overrides)
    return next(iter(spec.neoclouds))


def handle_sensitivity(args: argparse.Namespace) -> int:
    """``abm sensitivity``."""
    from experiments.many.designs import parse_vary
    from experiments.many.plans import sensitivity_plan

    opts = run_options(args)
    varies = [parse_vary(v) for v in args.vary]
    default = 64 if args.method == "sobol" else 10
    plan = sensitivity_plan(opts.world, varies, method=args.method,
                            samples=_or(args.samples, default), scenarios=opts.scenarios,
                            **_base(args))
    return run_plan(plan, args, args.outcomes)


def handle_report(args: argparse.Namespace) -> int:
    """``abm report DIR``."""
    from experiments.many.store import read_manifest
    from experiments.reports.html import write_report

    read_manifest(args.folder)
    path = write_report(args.folder)
    print(f"report: {path}")
    return 0


def run_plan(plan: Plan, args: argparse.Namespace, outcomes: list[str] | None = None,
             confidence: float = 0.95) -> int:
    """Run an experiment command's plan, print its results; the command's exit status."""
    return exit_status(run_and_print(plan, args, outcomes, confidence))


def run_and_print(plan: Plan, args: argparse.Namespace, outcomes: list[str] | None = None,
                  confidence: float = 0.95,
                  observations: Path | None = None) -> ExperimentResult:
    """Run a plan with the command's options and print its results."""
    from experiments.many.validate import check_positive
    from experiments.runner import execute

    default = os.cpu_count() or 1
    workers = check_positive(default if args.workers is None else args.workers, "--workers",
                             "workers")
    result = execute(plan, out=args.out, workers=workers, dask=args.dask, quiet=args.quiet,
                     force=args.force, report=args.report, outcomes=outcomes or (),
                     confidence=confidence, command=shlex.join(["abm", *sys.argv[1:]]),
                     echo=None if args.quiet else _echo, observations=observations)
    _print_results(result, args.quiet)
    return result


def _echo(line: str) -> None:
    print(line, flush=True)


BIG_EXPERIMENT_RUNS = 200
"""Runs from which an experiment on the plain Python build points to the compiled build."""
PLAIN_BUILD_NOTE = ("note: this is the plain Python build; the compiled build runs experiments "
                    "faster, with the same results (README, 'For big experiments')")


def _plain_build() -> bool:
    """Whether the engine runs from its sources (not the compiled build)."""
    import abm.model
    from abm.build import is_compiled

    return not is_compiled(abm.model)


def _print_results(result: ExperimentResult, quiet: bool) -> None:
    from experiments.many.summary import companies_of
    from experiments.reports import tables

    stats, summary = result.stats, result.summary
    if not quiet and stats.ran:
        startup = (f"; start-up {stats.startup_seconds:.1f} s"
                   if stats.startup_seconds >= 0.5 else "")
        print(f"ran {stats.ran} runs in {stats.run_seconds:.1f} s "
              f"({stats.runs_per_second:.1f} runs/s{startup})")
        if stats.ran >= BIG_EXPERIMENT_RUNS and _plain_build():
            print(PLAIN_BUILD_NOTE)
    if not quiet:
        scored = f" (scored in {stats.score_seconds:.2f} s)" if result.scores is not None else ""
        print(f"aggregated in {stats.aggregate_seconds:.1f} s{scored}; parent peak RSS "
              f"{stats.peak_rss_mb:.0f} MB")
    companies = companies_of(result.bands["metric"].unique()) if len(result.bands) else []
    kind = result.plan.kind
    if kind == "mc" and companies and len(summary):
        arm = result.plan.arms()[0]
        print(f"\n{companies[0].upper()} over {int((summary['status'] == 'ok').sum())} runs:")
        print(tables.end_values(summary, companies[0], arm).to_string(index=False))
        print()
        print(tables.milestones(summary, companies[0], arm).to_string(index=False))
    elif kind == "compare" and result.comparison is not None:
        print("\nmedian [p5, p95] per arm; paired difference: mean [confidence interval]")
        print(tables.comparison(result.comparison).to_string(index=False))
    elif kind == "sensitivity" and result.sensitivity is not None:
        method = result.plan.setting("method")
        print(f"\n{method} indices (most influential first):")
        print(tables.sensitivity(result.sensitivity, method).to_string(index=False))
    elif kind == "score" and result.scores is not None and result.score_summary is not None:
        print(f"\n{len(result.scores)} observations: the runs' 90% band (p5-p95) and median "
              "against what happened")
        print(tables.scorecard(result.scores).to_string(index=False))
        print("\n" + tables.score_summary_line(result.score_summary))
    elif kind == "sweep" and result.design is not None:
        print(f"\n{len(result.design)} design points (first 40):")
        print(tables.design(result.design).to_string(index=False))
    for note in result.notes:
        print(f"note: {note}")
    print(f"\nexperiment folder: {result.folder}")


def exit_status(result: ExperimentResult) -> int:
    """0 when every run finished; 1 (with the failures listed) when some did not."""
    stats = result.stats
    if result.ok:
        return 0
    total = result.plan.n_runs
    if stats.failed:
        sys.stderr.write(f"abm: {stats.failed} of {total} runs failed:\n")
        from worlds.failures import record_line  # lazy: only a failed experiment needs it

        for rec in result.failures.head(20).to_dict("records"):
            record_file = result.folder / "failures" / f"{rec['run_id']}.json"
            sys.stderr.write(f"  {rec['run_id']} ({rec['arm']}): "
                             f"{record_line(rec, record_file)}\n")
        sys.stderr.write(f"tracebacks in {result.folder / 'failures'}; rerun the same "
                         "command to retry them\n")
    if stats.missing:
        reason = f" ({stats.executor_error})" if stats.executor_error else ""
        sys.stderr.write(f"abm: {stats.missing} of {total} runs did not finish{reason}; rerun "
                         "the same command to resume\n")
    return 1
