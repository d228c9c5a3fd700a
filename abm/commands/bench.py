"""``abm bench``: run the benchmark suite (``python -m benchmarks``) from a source checkout.

The benchmarks compare against bare SimPy, Mesa and QuantLib and are not part of the
installed package unless ``benchmarks`` is listed among its packages; from a checkout's
root this command finds them there, and otherwise says how to run them.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import cast

SuiteMain = Callable[[list[str]], int]

HOW = "from a source checkout's root: python -m benchmarks [--quick] [--only A,C,...]"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``abm bench``."""
    parser = sub.add_parser("bench", help="run the benchmarks (kernel, base world, pricer, "
                            "executors, memory, scaling)")
    parser.add_argument("--quick", action="store_true", help="a small smoke run of each section")
    parser.add_argument("--only", default=None, metavar="A,C",
                        help="comma-separated sections (default: all)")
    parser.set_defaults(handler=handle)


def _find_main() -> SuiteMain | None:
    """``benchmarks.__main__.main`` if installed, or in the current folder's checkout."""
    for attempt in range(2):
        try:
            return cast(SuiteMain, importlib.import_module("benchmarks.__main__").main)
        except ModuleNotFoundError as exc:
            if exc.name not in ("benchmarks", "benchmarks.__main__"):
                raise
            here = Path.cwd()
            if attempt or not (here / "benchmarks" / "__main__.py").is_file():
                return None
            sys.path.insert(0, str(here))
    return None


def handle(args: argparse.Namespace) -> int:
    """Run the suite, or explain where it lives."""
    main = _find_main()
    if main is None:
        sys.stderr.write(f"abm bench: the benchmarks are not installed with the package; {HOW}\n")
        return 2
    argv = (["--quick"] if args.quick else []) + (["--only", args.only] if args.only else [])
    return int(main(argv))
