"""Carry out a plan: validate, open the folder, run what is missing, aggregate, analyse, report.

The order matters for the promises an experiment makes: everything the user typed is
validated before any run; the folder's ``experiment.json`` is written before the first
shard, so an interrupted experiment can be resumed by the same command; runs already in
``shards/`` are skipped; results are read back from shards in run-id order, so they are
identical whatever the executor, the worker count, or how many times it was resumed.

A full disk or a read-only folder is a fault of where results go, not of a run: the
experiment stops at the first one with a :class:`~abm.config.ConfigError` naming the file
and how many runs are saved, leaving the finished shards in place to resume from.
"""

from __future__ import annotations

import contextlib
import dataclasses
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from abm.config import ConfigError
from abm.files import is_storage_error, storage_error
from experiments.analysis.observations import ObservationSet, load_observations
from experiments.analysis.outcomes import Outcome, parse_outcome
from experiments.many.aggregate import DEFAULT_BUDGET_BYTES, aggregate, peak_rss_mb
from experiments.many.executors import batch_size, batches, check_options, make_executor
from experiments.many.progress import progress_bar
from experiments.many.result import ExperimentResult, RunStats
from experiments.many.shards import atomic_write_frame, list_shards
from experiments.many.specs import Plan, RunSpec
from experiments.many.store import SCRATCH, ExperimentStore
from experiments.many.validate import PlanCheck, plan_input_hashes, validate_plan
from experiments.many.worker import SHARDS, STORAGE_FAULT, RunOutcome

Echo = Callable[[str], object]
DEFAULT_ROOT = Path("experiments_out")


def default_folder(plan: Plan) -> Path:
    """``experiments_out/<kind>-<world>-<fingerprint>``: the same command, the same folder."""
    return DEFAULT_ROOT / f"{plan.kind}-{Path(plan.world).stem}-{plan.fingerprint()[:8]}"


def _silent(_line: str) -> None:
    return None


def prepare(plan: Plan, outcomes: Sequence[str] = ()) -> tuple[Plan, PlanCheck, list[Outcome]]:
    """Validate a plan and its outcomes; attach the hashes of what the runs depend on."""
    check = validate_plan(plan)
    parsed = [parse_outcome(o, check.metrics, check.start_date, check.until) for o in outcomes]
    return dataclasses.replace(plan, inputs=plan_input_hashes(plan)), check, parsed


def load_plan_observations(plan: Plan, check: PlanCheck,
                           observations: str | Path | None) -> ObservationSet | None:
    """The observations a score plan needs, checked against its world (none otherwise)."""
    if (plan.kind == "score") != (observations is not None):
        raise ConfigError("--observations", str(observations or ""),
                          "expected observations with a score plan, and only with one")
    if observations is None:
        return None
    return load_observations(observations, check.metrics, check.start_date, check.until)


def _storage_fault(outcome: RunOutcome) -> bool:
    return not outcome.ok and outcome.error.startswith(STORAGE_FAULT)


def _execute_runs(todo: list[RunSpec], store: ExperimentStore, stats: RunStats, *,
                  workers: int, dask: str | None, quiet: bool, echo: Echo) -> None:
    started = time.perf_counter()
    fault = ""
    with make_executor(workers, dask) as executor:
        stats.executor = executor.description
        stats.startup_seconds = time.perf_counter() - started
        echo(f"running {len(todo)} runs on {executor.description}")
        size = batch_size(len(todo), executor.workers)
        bar = progress_bar(len(todo), "runs", quiet=quiet)
        try:
            with contextlib.closing(executor.run(batches(todo, size), str(store.folder))) as runs:
                for outcomes in runs:
                    faults = [o.error for o in outcomes if _storage_fault(o)]
                    counted = [o for o in outcomes if not _storage_fault(o)]
                    stats.reported_ok.update(o.run_id for o in counted if o.ok)
                    stats.ran += len(counted)
                    stats.failed += sum(not o.ok for o in counted)
                    bar.update(len(outcomes))
                    if stats.failed:
                        bar.set_postfix(failed=stats.failed)
                    if faults:  # the disk, not the run: stop here, keep what finished
                        fault = faults[0][len(STORAGE_FAULT):]
                        break
        except KeyboardInterrupt:
            bar.close()
            done = len(store.finished())
            echo(f"interrupted: {done} runs are saved in {store.folder}; run the same command "
                 "again to resume")
            raise
        except Exception as exc:  # a dead worker process or cluster: keep what finished
            if is_storage_error(exc):  # a failure record could not be written either
                fault = str(storage_error(exc, exc.filename or store.folder))
            else:
                stats.executor_error = f"{type(exc).__name__}: {exc}"
        finally:
            bar.close()
            stats.run_seconds = time.perf_counter() - started
    if fault:
        raise storage_stop(store.folder, todo, fault)


def storage_stop(folder: Path, runs: Sequence[RunSpec], detail: str) -> ConfigError:
    """The one-line error of an experiment stopped by a full disk or a read-only folder."""
    ids = {r.run_id for r in runs}
    saved = len(ids & set(list_shards(folder / SHARDS)))
    return ConfigError("--out", str(folder), f"{detail}; {saved} of {len(ids)} runs are saved; "
                       "free some space or make the folder writable, then run the same "
                       "command again to resume")


def execute(plan: Plan, *, out: str | Path | None = None, workers: int = 1,
            dask: str | None = None, quiet: bool = True, force: bool = False,
            report: bool = True, outcomes: Sequence[str] = (), confidence: float = 0.95,
            command: str = "", echo: Echo | None = None,
            budget_bytes: int = DEFAULT_BUDGET_BYTES,
            observations: str | Path | None = None) -> ExperimentResult:
    """Run ``plan`` into ``out`` (resuming it) and return the aggregated results.

    A score plan takes ``observations`` (a TOML or CSV file), checked before any run and
    scored after the runs (``scores.parquet``, ``score_summary.parquet``).
    """
    say = echo or _silent
    check_options(workers, dask)
    plan, check, parsed = prepare(plan, outcomes)
    observed = load_plan_observations(plan, check, observations)
    folder = Path(out) if out is not None else default_folder(plan)
    analysis: dict[str, Any] = {"outcomes": [o.text for o in parsed], "confidence": confidence}
    if observed is not None:
        analysis.update(observations=str(observed.path), observations_sha=observed.sha)
    runs = list(plan.runs())
    stats = RunStats()
    try:
        with ExperimentStore.open(folder, plan, force=force, command=command,
                                  analysis=analysis) as store:
            done = store.finished()
            todo = [r for r in runs if r.run_id not in done]
            stats.skipped = len(runs) - len(todo)
            say(_header(plan, check, stats.skipped))
            if todo:
                _execute_runs(todo, store, stats, workers=workers, dask=dask, quiet=quiet,
                              echo=say)
            result = _collect(plan, check, store, runs, stats, parsed, confidence, quiet,
                              budget_bytes, observed)
            if report:
                from experiments.reports.html import write_report

                write_report(folder)
    except OSError as exc:
        if not is_storage_error(exc):
            raise
        detail = str(storage_error(exc, exc.filename or folder))
        raise storage_stop(folder, runs, detail) from None
    return result


def _header(plan: Plan, check: PlanCheck, skipped: int) -> str:
    shape = (f"{len(plan.points)} points x {plan.reps} reps" if len(plan.points) > 1
             else f"{plan.reps} reps")
    last = plan.seed + plan.reps - 1
    seeds = f"seed {plan.seed}" if last == plan.seed else f"seeds {plan.seed}-{last}"
    resumed = f"; {skipped} already done, resuming" if skipped else ""
    return (f"{plan.kind} {Path(plan.world).stem}: {plan.n_runs} runs ({shape}), {seeds}, "
            f"{check.start_date} to {check.until}{resumed}")


def _collect(plan: Plan, check: PlanCheck, store: ExperimentStore, runs: list[RunSpec],
             stats: RunStats, parsed: list[Outcome], confidence: float, quiet: bool,
             budget_bytes: int, observed: ObservationSet | None) -> ExperimentResult:
    started = time.perf_counter()
    shards = store.finished()
    ids = {r.run_id for r in runs}
    records = store.failure_records(ids - set(shards))
    failures = {rec["run_id"]: rec["error"] for rec in records}
    stats.failed = len(failures)
    stats.missing = len(ids - set(shards) - set(failures))
    unseen = stats.reported_ok - set(shards)
    if unseen and not stats.executor_error:
        stats.executor_error = (f"workers reported {len(unseen)} runs done whose shards are not "
                                f"in {store.shards}; with a remote Dask cluster the --out "
                                "folder must be on a file system the workers share")

    def bar(total: int, label: str) -> Any:
        return progress_bar(total, label, quiet=quiet, unit="shard")

    agg = aggregate(runs, shards, failures, budget_bytes=budget_bytes,
                    spill_dir=store.folder / SCRATCH, progress=bar)
    atomic_write_frame(agg.summary, store.folder / "summary.parquet")
    atomic_write_frame(agg.bands, store.folder / "bands.parquet")
    result = ExperimentResult(folder=store.folder, plan=plan, summary=agg.summary,
                              bands=agg.bands, failures=_failure_frame(records), stats=stats)
    if not agg.summary.empty and (agg.summary["status"] == "ok").any():
        from experiments.analysis.analyses import analyse

        analyse(result, check, shards, parsed, confidence, observed)
    stats.aggregate_seconds = time.perf_counter() - started
    stats.peak_rss_mb = peak_rss_mb()
    return result


def _failure_frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    columns = ["run_id", "arm", "seed", "overrides", "scenarios", "error", "agent", "date",
               "compiled", "rerun", "traceback"]
    rows = [{c: (str(r.get(c)) if c in ("overrides", "scenarios") else r.get(c))
             for c in columns} for r in records]
    return pd.DataFrame(rows, columns=columns)
