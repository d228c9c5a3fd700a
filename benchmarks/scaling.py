"""F. Scaling: run cost against the horizon (5, 10, 20 years) and the number of neoclouds.

Horizon: the base world run to its start plus 5, 10 and 20 years (its paths are sized to
the horizon). Neoclouds: synthetic worlds from the base world's spec (``model_dump`` ->
edit -> ``WorldSpec.model_validate``): fewer companies drop the last rivals with their
contracts and interconnects; more clone the rivals round-robin under new names (sites,
fleets, notes and policies; no contracts), so every company runs its books, plans and
bids. Runs are built and run directly (log off; no packaging), with the section's own
convert-terms memo, warmed by an untimed pass over every size and seed the rounds run: a
memo miss (a ~10 ms solve) would otherwise land on whichever size runs a seed first. Cost
should grow linearly: the exponent b of cost ~ x^b between successive sizes is printed
(b <= 1 is linear or better: fixed costs are amortized), with the SimPy events per run
and the cost an event, which stays flat when the cost follows the work.
"""

from __future__ import annotations

import copy
import datetime as dt
import gc
import math
import tempfile
import time
from collections.abc import Sequence
from typing import Any

from benchmarks.common import CountingEnvironment, Spread, events_processed, header, memo_in, table
from worlds.build import build_model
from worlds.catalog import load_world
from worlds.spec import WorldSpec


def years_after(start: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` later (Feb 29 -> Feb 28)."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return start.replace(year=start.year + years, day=28)


def with_neoclouds(spec: WorldSpec, count: int) -> WorldSpec:
    """The world with ``count`` neoclouds (the focus company first, then rivals)."""
    data: dict[str, Any] = spec.model_dump()
    names = list(data["neoclouds"])
    if count <= len(names):
        keep = set(names[:count])
        dropped = set(names) - keep
        data["neoclouds"] = {n: v for n, v in data["neoclouds"].items() if n in keep}
        data["contracts"] = {k: v for k, v in data["contracts"].items()
                             if v["provider"] in keep and v["customer"] not in dropped}
        for utility in data["utilities"].values():
            utility["interconnects"] = [ic for ic in utility["interconnects"]
                                        if ic["company"] in keep]
    else:
        rivals, i = names[1:], 0
        while len(data["neoclouds"]) < count:
            base = rivals[i % len(rivals)]
            data["neoclouds"][f"{base}_c{i // len(rivals) + 1}"] = copy.deepcopy(
                data["neoclouds"][base])
            i += 1
    return WorldSpec.model_validate(data)


def run_cost(spec: WorldSpec, until: dt.date, seed: int) -> tuple[float, int]:
    """Seconds to build and run ``spec`` to ``until`` (event log off), and its SimPy events."""
    gc.collect()
    start = time.perf_counter()
    model = build_model(spec, seed, until, log_events=False, env=CountingEnvironment())
    model.run(until)
    seconds = time.perf_counter() - start
    return seconds, events_processed(model)


def exponents(sizes: Sequence[float], costs: Sequence[float]) -> list[float]:
    """b of cost ~ size^b between each pair of successive sizes."""
    return [math.log(c2 / c1) / math.log(s2 / s1)
            for (s1, c1), (s2, c2) in zip(zip(sizes, costs, strict=True),
                                           zip(sizes[1:], costs[1:], strict=True), strict=False)]


def sweep(label: str, sizes: Sequence[int], specs: Sequence[WorldSpec],
          untils: Sequence[dt.date], rounds: int) -> None:
    """Warm the memo, then interleaved rounds over the sizes (seed r in round r); print
    cost and events per run, cost an event, and the exponents of cost against size."""
    cases = list(zip(specs, untils, strict=True))
    for r in range(rounds):  # untimed: every convert a timed run sizes is in the memo
        for spec, until in cases:
            run_cost(spec, until, seed=r)
    seconds: list[list[float]] = [[] for _ in sizes]
    events: list[list[float]] = [[] for _ in sizes]
    for r in range(rounds):
        for i, (spec, until) in enumerate(cases):
            secs, count = run_cost(spec, until, seed=r)
            seconds[i].append(secs)
            events[i].append(float(count))
    spreads = [Spread.of(s) for s in seconds]
    per_event = [Spread.of([1e6 * s / e for s, e in zip(secs, evs, strict=True)])
                 for secs, evs in zip(seconds, events, strict=True)]
    rows = [[f"{size}", s.fmt(".3f", " s"), Spread.of(e).fmt(",.0f"), p.fmt(".1f", " us"),
             f"{s.median / size * 1000:.1f} ms"]
            for size, s, e, p in zip(sizes, spreads, events, per_event, strict=True)]
    table(rows, [label, "seconds per run", "SimPy events per run", "cost an event",
                 "per unit"])
    bs = exponents([float(s) for s in sizes], [s.median for s in spreads])
    print(f"exponent b (cost ~ {label}^b) between successive sizes: "
          + ", ".join(f"{b:.2f}" for b in bs)
          + f" -> {'linear or better' if max(bs) <= 1.1 else 'SUPERLINEAR'}")


def main(quick: bool) -> int:
    """Run section F."""
    header("F", "Scaling: run cost against horizon and number of neoclouds")
    spec, _ = load_world("iren")
    rounds = 1 if quick else 5
    with tempfile.TemporaryDirectory() as tmp, memo_in(tmp):
        _sweeps(spec, quick, rounds)
    return 0


def _sweeps(spec: WorldSpec, quick: bool, rounds: int) -> None:
    start = spec.world.start_date
    if quick:
        months = (1, 2, 4)
        untils = [start + dt.timedelta(days=30 * m) for m in months]
        print(f"horizon (quick: months), {rounds} round(s):")
        sweep("months", months, [spec] * len(months), untils, rounds)
        counts, until = (3, 6, 12), start + dt.timedelta(days=30)
    else:
        years = (5, 10, 20)
        print(f"horizon, {rounds} rounds (seeds 0..{rounds - 1}; memo warm), event log off:")
        sweep("years", years, [spec] * len(years), [years_after(start, y) for y in years],
              rounds)
        counts, until = (5, 20, 80), spec.world.until
    print(f"\nneoclouds (to {until}), {rounds} round(s):")
    sweep("neoclouds", counts, [with_neoclouds(spec, n) for n in counts],
          [until] * len(counts), rounds)
