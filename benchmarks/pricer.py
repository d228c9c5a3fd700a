"""C. Pricer: 10,000 convertible notes against a QuantLib loop (``bench_pricer``).

Runs :func:`benchmarks.bench_pricer.main` (100, 200 and 500 steps; ``--quick``: a tiny
smoke run), echoes its table, and reads the ratio column and its exit status (non-zero if
any price differs from QuantLib's by more than 1e-9 relative). Target: >= 2x QuantLib's
prices per second at every step count.
"""

from __future__ import annotations

import contextlib
import io
import re

from benchmarks import bench_pricer
from benchmarks.common import header, verdict

TARGET = 2.0
ROW = re.compile(r"^\s*(\d+) \|.*\|\s*([\d.]+)x \|")


def main(quick: bool) -> int:
    """Run section C."""
    header("C", "Pricer: vectorized convertible pricer vs a QuantLib loop, same answers")
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        status = bench_pricer.main(["--quick"] if quick else [])
    print(buffer.getvalue(), end="")
    for line in buffer.getvalue().splitlines():
        match = ROW.match(line)
        if match:
            steps, ratio = int(match.group(1)), float(match.group(2))
            print(f"target at {steps} steps: {ratio:.2f}x >= {TARGET:.0f}x: "
                  f"{verdict(ratio, TARGET)}")
    return status
