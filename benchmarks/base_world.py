"""B. Base world: one run 2025-11-06 -> 2030-12-31, and a 1,000-run Monte Carlo of it.

Times ``worlds.run.run_world("iren", seed, until="2030-12-31")`` with the event log on and
off, interleaved with a bare-SimPy population (section A's callback style) so the
per-event costs are compared side by side. A run's SimPy events are counted on a separate
build of the same seed, whose environment counts the steps it takes (SimPy's public
``step``, :class:`benchmarks.common.CountingEnvironment`). Our cost per event is almost all the
model's own work (month-end books, max flows, tenders), not the kernel: the ratio says
how much work an event carries. Then the real thing: ``experiments.monte_carlo`` of
1,000 runs on the local pool of 2 workers (target <= 60 s); a 20-run pilot first, and
the full 1,000 only if the pilot projects at most ten minutes (else the projection). Each
Monte Carlo's line carries the host's speed (bare SimPy's cost an event) just before and
just after it: this machine's speed moves by up to 2x from one minute to the next.
"""

from __future__ import annotations

import datetime as dt
import statistics
import tempfile
import time
from collections.abc import Callable
from typing import Any

from benchmarks import kernel
from benchmarks.common import (
    CountingEnvironment,
    Spread,
    events_processed,
    header,
    interleaved,
    memo_in,
    ratios,
    table,
    verdict,
)
from worlds.build import build_model
from worlds.catalog import load_world
from worlds.run import package, run_world

UNTIL = "2030-12-31"
QUICK_UNTIL = "2025-11-30"  # --quick: a smoke run of one month
MC_RUNS = 1_000
MC_TARGET_SECONDS = 60.0
MC_PILOT_RUNS = 20
MC_FULL_IF_UNDER_SECONDS = 600.0  # all 1,000 only if the pilot says <= 10 min (it overstates:
# its few runs solve every convert's terms afresh, which 1,000 runs mostly read back)
BARE_AGENTS, BARE_DAYS = 1_000, 100


def events_of_run(seed: int, until: str = UNTIL) -> int:
    """SimPy events one run of the base world processes."""
    spec, _ = load_world("iren")
    end = dt.date.fromisoformat(until)
    model = build_model(spec, seed, end, log_events=False, env=CountingEnvironment())
    model.run(end)
    return events_processed(model)


def phases(seed: int, log_events: bool, until: str) -> dict[str, float]:
    """Seconds of each phase of one run: load and validate, build, run, package."""
    end = dt.date.fromisoformat(until)
    t0 = time.perf_counter()
    spec, _path = load_world("iren")
    t1 = time.perf_counter()
    model = build_model(spec, seed, end, log_events=log_events)
    t2 = time.perf_counter()
    model.run(end)
    t3 = time.perf_counter()
    package(model, spec, {"world": "iren", "seed": seed})
    t4 = time.perf_counter()
    return {"load": t1 - t0, "build": t2 - t1, "run": t3 - t2, "package": t4 - t3}


def measure(rounds: int, until: str) -> dict[str, Any]:
    """Interleaved rounds: base world log on, log off, and bare SimPy's callback population."""
    seed = iter(range(10_000))  # log on and log off run the same seed in each round
    bare: dict[str, int] = {}
    current = [0]

    def run(log_events: bool) -> None:
        if log_events:
            current[0] = next(seed)
        run_world("iren", current[0], until=until, log_events=log_events)

    def bare_run() -> None:
        bare["wakes"] = bare_population()

    run_world("iren", 0, until=until)  # warm imports and caches
    variants: dict[str, Callable[[], object]] = {
        "log on": lambda: run(True),
        "log off": lambda: run(False),
        "bare simpy": bare_run,
    }
    seconds = interleaved(variants, rounds)
    events = [events_of_run(s, until) for s in range(min(rounds, 5))]
    return {"seconds": seconds, "events": Spread.of([float(e) for e in events]),
            "bare_wakes": bare["wakes"]}


def bare_population() -> int:
    """One run of section A's bare-SimPy callback population; returns its wake-ups."""
    draw = kernel.draws(BARE_AGENTS, BARE_DAYS)
    return kernel.simpy_callback(BARE_AGENTS, BARE_DAYS, draw)


def host_gauge_us(repeats: int = 3) -> float:
    """Bare SimPy's cost an event right now (median of ``repeats``): how fast the host runs.

    This machine's speed moves by up to 2x from one measurement to the next; taken just
    before and just after a Monte Carlo, it says in which phase the Monte Carlo ran.
    """
    costs = []
    for _ in range(repeats):
        start = time.perf_counter()
        wakes = bare_population()
        costs.append(1e6 * (time.perf_counter() - start) / wakes)
    return statistics.median(costs)


def monte_carlo(runs: int, workers: int, until: str) -> tuple[float, Any, tuple[float, float]]:
    """Wall seconds of an ``experiments.monte_carlo`` of the base world, and its stats.

    With them, the host's speed (:func:`host_gauge_us`) just before and just after it.
    """
    from experiments.api import monte_carlo as mc

    before = host_gauge_us()
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        result = mc("iren", reps=runs, until=until, out=f"{tmp}/mc", workers=workers,
                    report=False)
        seconds = time.perf_counter() - start
    if not result.ok:
        raise RuntimeError(f"Monte Carlo failed: {result.stats}")
    return seconds, result.stats, (before, host_gauge_us())


def monte_carlo_line(runs: int, wall: float, stats: Any, gauge: tuple[float, float],
                     memo_state: str) -> str:
    """One line on a Monte Carlo's timing, with the host's speed around it."""
    return (f"Monte Carlo, {memo_state}: {runs:,} runs of the base world on {stats.executor}: "
            f"{wall:.1f} s wall (executor start {stats.startup_seconds:.1f} s, runs "
            f"{stats.run_seconds:.1f} s, aggregate {stats.aggregate_seconds:.1f} s, this "
            f"process's peak RSS so far {stats.peak_rss_mb:.0f} MB); {runs / wall:.2f} runs/s; "
            f"host: bare SimPy {gauge[0]:.2f} us an event just before, {gauge[1]:.2f} just after")


def main(quick: bool) -> int:
    """Run section B (with its own convert-terms memo, empty at the start)."""
    with tempfile.TemporaryDirectory() as tmp:
        with memo_in(f"{tmp}/single"):
            _single_runs(quick)
        return _monte_carlo(quick, tmp)


def _single_runs(quick: bool) -> None:
    header("B", f"Base world: one run 2025-11-06 -> {UNTIL}; a {MC_RUNS:,}-run Monte Carlo")
    rounds, until = (2, QUICK_UNTIL) if quick else (5, UNTIL)
    if quick:
        print(f"quick: runs end on {until}, so the Monte Carlo verdict below is not the target's")
    cold = time.perf_counter()
    run_world("iren", 0, until=until)
    cold = time.perf_counter() - cold
    for seed in range(1, rounds):  # the rounds' seeds, so that they run with a warm memo
        run_world("iren", seed, until=until)
    result = measure(rounds, until)
    seconds, events = result["seconds"], result["events"]
    bare_per_event = [s / result["bare_wakes"] for s in seconds["bare simpy"]]
    rows = []
    for name in ("log on", "log off"):
        secs = seconds[name]
        per_event = [s / events.median for s in secs]
        rows.append([
            name, Spread.of(secs).fmt(".3f", " s"), Spread.of([1 / s for s in secs]).fmt(".2f"),
            Spread.of([events.median / s for s in secs]).fmt(",.0f"),
            Spread.of([1e6 * p for p in per_event]).fmt(".1f", " us"),
            ratios(per_event, bare_per_event).fmt(",.0f", "x"),
        ])
    print(f"first run in this process, empty memo (imports warm): {cold:.2f} s; then "
          f"{rounds} interleaved rounds (seed r in round r, memo warm); SimPy events per run "
          f"{events.fmt(',.0f')}; bare SimPy callback style (N={BARE_AGENTS:,}): "
          f"{Spread.of([1e6 * p for p in bare_per_event]).fmt('.2f', ' us')} per event")
    table(rows, ["event log", "seconds per run", "runs/s", "events/s", "cost per event",
                 "vs bare SimPy per event"])
    parts = phases(1, log_events=True, until=until)
    print("one run, log on, by phase: " + ", ".join(
        f"{k} {1000 * v:.1f} ms" for k, v in parts.items()))


def _monte_carlo(quick: bool, tmp: str) -> int:
    until = QUICK_UNTIL if quick else UNTIL
    workers = 1 if quick else 2  # --quick: in process (section D smoke-tests the pool)
    runs = 2 if quick else MC_PILOT_RUNS
    with memo_in(f"{tmp}/pilot"):
        wall, stats, gauge = monte_carlo(runs, workers, until)
    projected = wall / runs * MC_RUNS
    label = f"projected from {runs} runs, empty memo"
    if not quick and projected <= MC_FULL_IF_UNDER_SECONDS:
        runs = MC_RUNS
        with memo_in(f"{tmp}/mc"):  # empty: a machine's first experiment
            wall, stats, gauge = monte_carlo(runs, workers, until)
            print(monte_carlo_line(runs, wall, stats, gauge, "empty memo"))
            projected, label = wall, "measured, empty memo"
            warm, warm_stats, warm_gauge = monte_carlo(runs, workers, until)  # same seeds
            print(monte_carlo_line(runs, warm, warm_stats, warm_gauge,
                                   "memo warm from the run above"))
    else:
        print(monte_carlo_line(runs, wall, stats, gauge, "empty memo"))
    print(f"target: {MC_RUNS:,} runs in <= {MC_TARGET_SECONDS:.0f} s: {projected:.1f} s "
          f"({label}): {verdict(projected, MC_TARGET_SECONDS, at_least=False)}")
    return 0
