"""E. Memory: peak resident memory of the parent process of a 10,000-run Monte Carlo.

Runs ``experiments.monte_carlo`` of the base world with a short horizon (to 2025-11-30,
so 10,000 runs take minutes) on the local pool of 2 workers, in a fresh Python process,
and reports that process's peak RSS (``VmHWM``: the parent that plans, collects and
aggregates; the workers' peak, ``getrusage`` of the children, is reported apart), with its
peak after the imports as the floor. Shards are streamed by the aggregation, so the
parent's peak should hardly grow with the number of runs: a smaller Monte Carlo is
measured the same way for comparison.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from typing import Any

from benchmarks.common import header, table

SHORT_UNTIL = "2025-11-30"
CHILD = """
import json, resource, sys, time
from pathlib import Path
from experiments.api import monte_carlo

def peak_mb():
    # VmHWM: this process image's own peak (ru_maxrss survives exec on Linux, so a child
    # would inherit its parent's peak)
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024.0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0

if __name__ == "__main__":
    floor = peak_mb()
    start = time.perf_counter()
    result = monte_carlo("iren", reps=int(sys.argv[1]), until=sys.argv[2], out=sys.argv[3],
                         workers=2, report=False)
    errors = result.failures["error"].head(1).tolist() if len(result.failures) else []
    print(json.dumps({
        "seconds": time.perf_counter() - start, "ok": result.ok,
        "error": str(result.stats.executor_error or (errors[0] if errors else "")),
        "rss_after_imports_mb": floor, "parent_peak_mb": peak_mb(),
        "worker_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0,
        "aggregate_seconds": result.stats.aggregate_seconds}))
"""


def measure(runs: int) -> dict[str, Any]:
    """Run a Monte Carlo of ``runs`` in a fresh process; its memory and time."""
    with tempfile.TemporaryDirectory() as tmp:
        script = f"{tmp}/mc_memory.py"
        with open(script, "w") as fh:
            fh.write(CHILD)
        out = subprocess.run([sys.executable, script, str(runs), SHORT_UNTIL, f"{tmp}/mc"],
                             capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"memory child failed: {out.stderr[-2000:]}")
    report: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return report


def main(quick: bool) -> int:
    """Run section E."""
    header("E", "Memory: peak RSS of the parent of a 10,000-run Monte Carlo")
    sizes = (12,) if quick else (1_000, 10_000)
    rows, reports = [], []
    for runs in sizes:
        r = measure(runs)
        reports.append(r)
        rows.append([f"{runs:,}", f"{r['seconds']:.0f} s", f"{r['rss_after_imports_mb']:.0f} MB",
                     f"{r['parent_peak_mb']:.0f} MB", f"{r['worker_peak_mb']:.0f} MB",
                     f"{r['aggregate_seconds']:.1f} s", "ok" if r["ok"] else "FAILED"])
    print(f"base world to {SHORT_UNTIL}, local pool of 2 workers, one measurement per size")
    table(rows, ["runs", "wall", "parent RSS after imports", "parent peak RSS",
                 "worker peak RSS", "aggregation", "runs ok"])
    for runs, r in zip(sizes, reports, strict=True):
        if not r["ok"]:
            print(f"{runs:,} runs: not all finished: {r['error']}")
    return 0
