"""What every benchmark section shares: machine facts, repeated timings, and the printing.

The machine is shared and noisy, so every figure is the median of several repeats with
its min and max, and every ratio is taken side by side: the variants run interleaved in
the same process, round by round, and the ratio is computed per round.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import os
import platform
import statistics
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import simpy

from abm import memo
from abm.build import build_kind
from abm.files import package_versions
from abm.finance import issuance
from abm.model import Model

VERSIONED = ("numpy", "simpy", "mesa", "pandas", "networkx", "QuantLib", "dask", "distributed")


@dataclass(frozen=True)
class Spread:
    """Median, min and max of repeated measurements."""

    median: float
    low: float
    high: float
    count: int

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        """The spread of ``values`` (at least one)."""
        return cls(statistics.median(values), min(values), max(values), len(values))

    def fmt(self, spec: str = ",.3g", unit: str = "") -> str:
        """``median [min, max]`` with each number formatted by ``spec``."""
        return (f"{self.median:{spec}}{unit} [{self.low:{spec}}, {self.high:{spec}}]")


def cpu_model() -> str:
    """The CPU's model name (Linux), else what ``platform`` knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def versions() -> dict[str, str]:
    """Installed versions of the packages the benchmarks compare against."""
    return package_versions(VERSIONED, missing="-")


def machine_info() -> str:
    """One line a results table can be dated and placed by."""
    cores = os.cpu_count() or 0
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores
    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    pkgs = " ".join(f"{k} {v}" for k, v in versions().items())
    return (f"{dt.datetime.now():%Y-%m-%d %H:%M} | {cpu_model()} | {cores} cores "
            f"({usable} usable) | load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} | "
            f"{platform.system()} {platform.release()} | python {platform.python_version()} | "
            f"{pkgs} | neocloud-abm {build_kind()}")


def header(letter: str, title: str) -> None:
    """Print a section header (the smoke test looks for ``== A.`` ... ``== F.``)."""
    print(f"\n== {letter}. {title}", flush=True)


def timed(run: Callable[[], object]) -> float:
    """Seconds one call of ``run`` takes (after a collection, so garbage is not billed)."""
    gc.collect()
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def interleaved(variants: Mapping[str, Callable[[], object]],
                rounds: int) -> dict[str, list[float]]:
    """Seconds per call of each variant, the variants taking turns round by round."""
    seconds: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(rounds):
        for name, run in variants.items():
            seconds[name].append(timed(run))
    return seconds


def ratios(numerator: Sequence[float], denominator: Sequence[float]) -> Spread:
    """Per-round ratios of two interleaved series."""
    return Spread.of([a / b for a, b in zip(numerator, denominator, strict=True)])


def verdict(value: float, target: float, *, at_least: bool = True) -> str:
    """``ok`` or ``MISSED`` against a target."""
    met = value >= target if at_least else value <= target
    return "ok" if met else "MISSED"


def table(rows: Sequence[Sequence[str]], header_row: Sequence[str]) -> None:
    """Print rows as a plain aligned table."""
    widths = [max(len(str(r[i])) for r in [header_row, *rows]) for i in range(len(header_row))]
    line = " | ".join(f"{h:<{w}}" for h, w in zip(header_row, widths, strict=True))
    print(line)
    print("-" * len(line))
    for row in rows:
        print(" | ".join(f"{c:<{w}}" for c, w in zip(row, widths, strict=True)), flush=True)


@contextlib.contextmanager
def memo_in(folder: str) -> Iterator[None]:
    """Point the convert-terms memo (:mod:`abm.memo`) at ``folder``, workers included."""
    before = os.environ.get(memo.ENV)
    os.environ[memo.ENV] = folder
    issuance.reopen_memo()
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(memo.ENV, None)
        else:
            os.environ[memo.ENV] = before
        issuance.reopen_memo()


class CountingEnvironment(simpy.Environment):
    """SimPy's environment counting the events it processes (its public ``step``)."""

    def __init__(self) -> None:
        super().__init__()
        self.steps = 0

    def step(self) -> None:
        """Process the next event, and count it."""
        self.steps += 1
        super().step()


def events_processed(model: Model) -> int:
    """SimPy events a finished run processed (its environment a :class:`CountingEnvironment`)."""
    env = model.env
    if not isinstance(env, CountingEnvironment):
        raise TypeError("events_processed: build the model with env=CountingEnvironment()")
    return env.steps
