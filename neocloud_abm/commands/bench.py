"""``abm bench``: run the benchmark suite (the same as ``python -m benchmarks``).

The benchmarks compare against bare SimPy, Mesa and QuantLib, which come with the
``[bench]`` extra (and ``[test]``); the suite itself is installed with the package.
"""

from __future__ import annotations

import argparse

from benchmarks.__main__ import main


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``abm bench``."""
    parser = sub.add_parser("bench", help="run the benchmarks (kernel, base world, pricer, "
                            "executors, memory, scaling)")
    parser.add_argument("--quick", action="store_true", help="a small smoke run of each section")
    parser.add_argument("--only", default=None, metavar="A,C",
                        help="comma-separated sections (default: all)")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Run the suite (installed with the package as ``benchmarks``; peers in ``[bench]``)."""
    argv = (["--quick"] if args.quick else []) + (["--only", args.only] if args.only else [])
    return int(main(argv, prog="abm bench"))
