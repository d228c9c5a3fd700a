"""``python -m benchmarks [--quick] [--only A,C,...]``: side-by-side measurements.

A kernel (ours vs bare SimPy vs Mesa), B base world (one run; a 1,000-run Monte Carlo),
C pricer (vs QuantLib), D executors (local pool, Dask), E memory (10,000-run Monte
Carlo), F scaling (horizon, neoclouds). ``--quick`` is a smoke run of every section in
well under a minute (what CI runs); the full run takes tens of minutes. Results and how
to read them: ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time

from benchmarks.common import machine_info

SECTIONS = {"A": "kernel", "B": "base_world", "C": "pricer", "D": "executors", "E": "memory",
            "F": "scaling"}


def parse_only(text: str) -> list[str]:
    """``A,C`` -> ["A", "C"], refusing unknown letters."""
    letters = [p.strip().upper() for p in text.split(",") if p.strip()]
    unknown = [p for p in letters if p not in SECTIONS]
    if unknown or not letters:
        raise argparse.ArgumentTypeError(f"expected letters from {','.join(SECTIONS)}, "
                                         f"got {text!r}")
    return letters


def main(argv: list[str] | None = None) -> int:
    """Run the chosen sections; non-zero if any failed."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks",
                                     description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--quick", action="store_true", help="a small smoke run of each section")
    parser.add_argument("--only", type=parse_only, default=list(SECTIONS),
                        help="comma-separated sections, e.g. A,C (default: all)")
    args = parser.parse_args(argv)
    print(f"neocloud-abm benchmarks{' (quick smoke run)' if args.quick else ''}")
    print(f"machine: {machine_info()}", flush=True)
    failed = []
    started = time.perf_counter()
    for letter in args.only:
        section_start = time.perf_counter()
        module = importlib.import_module(f"benchmarks.{SECTIONS[letter]}")
        try:
            status = int(module.main(args.quick))
        except Exception as exc:  # report and go on to the next section
            print(f"section {letter} failed: {type(exc).__name__}: {exc}", flush=True)
            status = 1
        if status:
            failed.append(letter)
        print(f"(section {letter}: {time.perf_counter() - section_start:.1f} s)", flush=True)
    print(f"\ndone in {time.perf_counter() - started:.1f} s"
          + (f"; FAILED sections: {','.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
