"""The 1,000-run Monte Carlo of the base world in several installs, interleaved.

``python -m benchmarks.side_by_side PYTHON [PYTHON ...] [--reps 1000] [--rounds 2]`` runs
``monte_carlo("iren", reps, workers=2)`` in a fresh process of each interpreter (a plain
or compiled install, of this tree or another), round by round, each with its own convert
memo: empty in the first round, warm after. It runs from a temporary folder, so that each
interpreter imports its installed package rather than a checkout's sources. It prints one
line a run and, per install, the seconds of each round: how docs/performance.md compares
two trees side by side.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
from pathlib import Path

RUN = """
import json, sys, tempfile, time
try:
    from experiments.api import monte_carlo
except ImportError:  # trees before experiments.api held the public functions
    from experiments import monte_carlo
from abm.build import build_kind
with tempfile.TemporaryDirectory() as out:
    t = time.perf_counter()
    r = monte_carlo("iren", reps=int(sys.argv[1]), workers=2, out=out + "/mc", report=False)
    print(json.dumps({"build": build_kind(), "seconds": time.perf_counter() - t,
                      "runs": r.stats.ran}))
"""


def main(argv: list[str] | None = None) -> int:
    """Run each interpreter's Monte Carlo, round by round, and print the seconds."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.side_by_side")
    parser.add_argument("pythons", nargs="+", help="interpreters of the installs to compare")
    parser.add_argument("--reps", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    seconds: dict[str, list[float]] = {p: [] for p in args.pythons}
    with tempfile.TemporaryDirectory() as work:
        for round_ in range(args.rounds):
            for i, python in enumerate(args.pythons):
                memo = Path(work) / f"memo{i}"
                memo.mkdir(exist_ok=True)
                done = subprocess.run([python, "-c", RUN, str(args.reps)], cwd=work, text=True,
                                      capture_output=True, check=True,
                                      env={"NEOCLOUD_ABM_CACHE": str(memo), "PATH": "/usr/bin"})
                result = json.loads(done.stdout.splitlines()[-1])
                seconds[python].append(result["seconds"])
                print(f"round {round_ + 1} ({'empty' if round_ == 0 else 'warm'} memo) {python}: "
                      f"{result['seconds']:.1f} s, {result['runs']} runs, {result['build']}",
                      flush=True)
    for python, values in seconds.items():
        print(f"{python}: " + " / ".join(f"{s:.1f}" for s in values) + " s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
