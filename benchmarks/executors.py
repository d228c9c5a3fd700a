"""D. Executors: 1,000 tiny runs in process, on the local pool and on a Dask LocalCluster.

Uses the experiments package's own executors (``InlineExecutor``, ``PoolExecutor``,
``DaskExecutor("local", n)``) on the run specs of a Monte Carlo plan whose runs are tiny
(the base world to 2025-11-30: one month close). Each run writes its shard, as in a real
experiment. Overhead per run = (wall x workers - the seconds the runs themselves took, as
each worker timed them) / runs: worker start-up, imports, pickling, scheduling and idle
time, measured within one executor's own run so machine noise between executors does not
enter. Start-up is the time to construct the executor (a Dask cluster starts there; the
local pool spawns its processes lazily, so its start-up is in the overhead).
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.common import Spread, header, table

TINY_UNTIL = "2025-11-30"
BATCH = 8


def _specs(runs: int) -> list[Any]:
    from experiments.many.plans import monte_carlo_plan

    return list(monte_carlo_plan("iren", reps=runs, until=TINY_UNTIL).runs())


def _makers() -> dict[str, Callable[[], Any]]:
    from experiments.many import executors as ex

    return {
        "in process": ex.InlineExecutor,
        "local pool, 1 worker": lambda: ex.PoolExecutor(1),
        "local pool, 2 workers": lambda: ex.PoolExecutor(2),
        "dask local, 1 worker": lambda: ex.DaskExecutor("local", 1),
        "dask local, 2 workers": lambda: ex.DaskExecutor("local", 2),
    }


def run_on(make: Callable[[], Any], specs: list[Any]) -> tuple[float, float, float, int]:
    """(wall, start-up, seconds inside the runs, workers) to run ``specs`` on a fresh executor."""
    batches = [specs[i:i + BATCH] for i in range(0, len(specs), BATCH)]
    done, busy = 0, 0.0
    with tempfile.TemporaryDirectory() as folder:
        for sub in ("shards", "failures"):  # what the experiment store would have made
            Path(folder, sub).mkdir()
        start = time.perf_counter()
        executor = make()
        started = time.perf_counter()
        try:
            for outcomes in executor.run(batches, folder):
                done += sum(1 for o in outcomes if o.ok)
                busy += sum(o.seconds for o in outcomes)
            workers = int(executor.workers)
        finally:
            executor.close()
        wall = time.perf_counter() - start
        failures = sorted(Path(folder, "failures").glob("*.json"))
        if done != len(specs):
            detail = failures[0].read_text()[-1500:] if failures else ""
            raise RuntimeError(f"only {done} of {len(specs)} runs finished {detail}")
    return wall, started - start, busy, workers


def main(quick: bool) -> int:
    """Run section D."""
    header("D", "Executors: tiny runs in process, on the local pool and on Dask LocalCluster")
    runs, rounds = (8, 1) if quick else (1_000, 2)
    makers = _makers()
    if quick:  # a smoke run of each kind of executor
        makers = {k: v for k, v in makers.items() if not k.endswith("2 workers")}
    specs = _specs(runs)
    walls: dict[str, list[float]] = {name: [] for name in makers}
    starts: dict[str, list[float]] = {name: [] for name in makers}
    overheads: dict[str, list[float]] = {name: [] for name in makers}
    for _ in range(rounds):
        for name, make in makers.items():
            wall, startup, busy, workers = run_on(make, specs)
            walls[name].append(wall)
            starts[name].append(startup)
            overheads[name].append(1000 * (wall * workers - busy) / runs)
    print(f"{runs:,} runs of the base world to {TINY_UNTIL}, batches of {BATCH}, "
          f"{rounds} round(s) (median [min, max])")
    rows = []
    for name in makers:
        spread = Spread.of(walls[name])
        per_run = Spread.of([1000 * w / runs for w in walls[name]])
        rows.append([name, spread.fmt(".1f", " s"), Spread.of(starts[name]).fmt(".2f", " s"),
                     per_run.fmt(".1f", " ms"), Spread.of(overheads[name]).fmt(".1f", " ms")])
    table(rows, ["executor", "wall", "start-up", "wall per run", "overhead per run"])
    for kind in ("local pool", "dask local"):
        one, two = walls.get(f"{kind}, 1 worker"), walls.get(f"{kind}, 2 workers")
        if one and two:
            speedup = Spread.of(one).median / Spread.of(two).median
            print(f"{kind}: speed-up from 1 to 2 workers {speedup:.2f}x (ideal 2.00x on 2 cores)")
    return 0
