"""``abm bench``: run the benchmark suite (the same as ``python -m benchmarks``).

The benchmarks compare against bare SimPy, Mesa and QuantLib, which come with the
``[test]`` extra; the suite itself is installed with the package.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys

PEERS = ("QuantLib", "mesa")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``abm bench``."""
    parser = sub.add_parser("bench", help="run the benchmarks (kernel, base world, pricer, "
                            "executors, memory, scaling)")
    parser.add_argument("--quick", action="store_true", help="a small smoke run of each section")
    parser.add_argument("--only", default=None, metavar="A,C",
                        help="comma-separated sections (default: all)")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Run the suite (installed with the package as ``benchmarks``)."""
    missing = [name for name in PEERS if importlib.util.find_spec(name) is None]
    if missing:
        sys.stderr.write(f"abm bench: needs {', '.join(missing)}, which come with the test "
                         "extra: pip install -e '.[test]'\n")
        return 2
    from benchmarks.__main__ import main

    argv = (["--quick"] if args.quick else []) + (["--only", args.only] if args.only else [])
    return int(main(argv))
