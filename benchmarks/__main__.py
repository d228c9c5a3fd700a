"""``python -m benchmarks [--quick] [--only A,C,...]``: side-by-side measurements.

A kernel (ours vs bare SimPy vs Mesa), B base world (one run; a 1,000-run Monte Carlo),
C pricer (vs QuantLib), D executors (local pool, Dask), E memory (10,000-run Monte
Carlo), F scaling (horizon, neoclouds). ``--quick`` is a smoke run of every section in
well under a minute (what CI runs); the full run takes tens of minutes. Results and how
to read them: ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time

from benchmarks.common import machine_info

PEERS = ("QuantLib", "mesa", "psutil")
"""What the benchmarks measure against or with: the ``bench`` extra."""
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


def missing_peers() -> list[str]:
    """The packages of the ``bench`` extra that this install lacks."""
    return [name for name in PEERS if importlib.util.find_spec(name) is None]


def main(argv: list[str] | None = None, prog: str = "python -m benchmarks") -> int:
    """Run the chosen sections; non-zero if any failed (2: the ``bench`` extra is missing)."""
    parser = argparse.ArgumentParser(prog=prog,
                                     description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--quick", action="store_true", help="a small smoke run of each section")
    parser.add_argument("--only", type=parse_only, default=list(SECTIONS),
                        help="comma-separated sections, e.g. A,C (default: all)")
    args = parser.parse_args(argv)
    missing = missing_peers()
    if missing:
        sys.stderr.write(f"{prog}: needs {', '.join(missing)}: install the bench extra, "
                         "pip install 'neocloud-abm[bench]' (or -e '.[bench]' in a checkout)\n")
        return 2
    from benchmarks import base_world, executors, kernel, memory, pricer, scaling

    sections = {"A": kernel, "B": base_world, "C": pricer, "D": executors, "E": memory,
                "F": scaling}
    print(f"neocloud-abm benchmarks{' (quick smoke run)' if args.quick else ''}")
    print(f"machine: {machine_info()}", flush=True)
    failed = []
    started = time.perf_counter()
    for letter in args.only:
        section_start = time.perf_counter()
        module = sections[letter]
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
