"""Measure the parent's peak memory when it aggregates many shards.

``python -m experiments.many.memcheck --runs 10000`` makes one real run of the world, writes
``--runs`` synthetic shards shaped like it (its path times seeded noise, so quantiles have
work to do), then aggregates them in a fresh process and prints that process's peak
resident memory, its time, and whether the values spilled to disk. Tests use the same
functions on a few hundred shards.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.many.aggregate import DEFAULT_BUDGET_BYTES, aggregate, peak_rss_mb
from experiments.many.shards import list_shards, write_shard
from experiments.many.specs import RunSpec, run_id


def synthetic_specs(n_runs: int) -> list[RunSpec]:
    """Specs of ``n_runs`` Monte Carlo runs of the base world (seeds 0..n-1)."""
    return [RunSpec(run_id=run_id(0, r), point=0, rep=r, arm="base", world="iren", seed=r,
                    until=None, scenarios=(), overrides=()) for r in range(n_runs)]


def template_path(world: str = "iren", until: str | None = None) -> tuple[pd.DataFrame,
                                                                          dict[str, int]]:
    """One real run's path and event counts, the shape synthetic shards copy."""
    from worlds.run import simulate

    model, _spec, _meta = simulate(world, 0, until)
    return model.recorder.to_frame(), model.log.kind_counts()


def write_synthetic_shards(folder: Path, n_runs: int, path: pd.DataFrame,
                           events: dict[str, int], seed: int = 0) -> list[RunSpec]:
    """Write ``n_runs`` shards: ``path`` times lognormal noise drawn per run."""
    folder.mkdir(parents=True, exist_ok=True)
    specs = synthetic_specs(n_runs)
    values = path.to_numpy(dtype="float64")
    for spec in specs:
        rng = np.random.default_rng([seed, spec.rep])
        noisy = values * rng.lognormal(0.0, 0.2, size=values.shape)
        write_shard(folder, spec, pd.DataFrame(noisy, index=path.index, columns=path.columns),
                    events)
    return specs


def aggregate_folder(folder: Path, n_runs: int, budget_bytes: int) -> dict[str, Any]:
    """Aggregate ``n_runs`` synthetic shards in ``folder``; time, peak memory, spill."""
    started = time.perf_counter()
    before = peak_rss_mb()
    with tempfile.TemporaryDirectory() as scratch:
        result = aggregate(synthetic_specs(n_runs), list_shards(folder),
                           budget_bytes=budget_bytes, spill_dir=Path(scratch) / "spill")
    return {"runs": n_runs, "seconds": round(time.perf_counter() - started, 2),
            "peak_rss_mb": round(peak_rss_mb(), 1), "rss_before_mb": round(before, 1),
            "spilled": result.spilled, "summary_mb": round(
                float(result.summary.memory_usage(deep=True).sum()) / 2**20, 1),
            "bands_rows": len(result.bands)}


def measure_in_subprocess(folder: Path, n_runs: int,
                          budget_bytes: int = DEFAULT_BUDGET_BYTES) -> dict[str, Any]:
    """Run :func:`aggregate_folder` in a fresh Python, so its peak is the aggregation's own."""
    code = ("import json, sys; from pathlib import Path; "
            "from experiments.many.memcheck import aggregate_folder; "
            "print(json.dumps(aggregate_folder(Path(sys.argv[1]), int(sys.argv[2]), "
            "int(sys.argv[3]))))")
    out = subprocess.run([sys.executable, "-c", code, str(folder), str(n_runs),
                          str(budget_bytes)], capture_output=True, text=True, check=True)
    report: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return report


def main(argv: list[str] | None = None) -> int:
    """Write synthetic shards and report the aggregation's peak memory."""
    parser = argparse.ArgumentParser(prog="python -m experiments.many.memcheck",
                                     description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--dir", type=Path, default=None, help="shard folder (default: temp)")
    parser.add_argument("--budget-mb", type=int, default=DEFAULT_BUDGET_BYTES // 2**20)
    parser.add_argument("--until", default=None)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.dir or Path(tmp) / "shards"
        have = len(list_shards(folder))
        if have < args.runs:
            path, events = template_path("iren", args.until)
            started = time.perf_counter()
            write_synthetic_shards(folder, args.runs, path, events)
            print(f"wrote {args.runs} shards of {path.shape[0]} months x {path.shape[1]} "
                  f"metrics in {time.perf_counter() - started:.1f} s", flush=True)
        report = measure_in_subprocess(folder, args.runs, args.budget_mb * 2**20)
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
