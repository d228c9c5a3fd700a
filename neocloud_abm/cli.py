"""The ``abm`` command: parse arguments, call the library, print; nothing else.

Each command lives in its own module with a ``register(subparsers)`` function that adds
its parser and sets ``handler``; this module collects them, owns the options every
world-running command shares, and turns user mistakes (and a full disk or a read-only
output folder) into one line and exit status 2.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from abm.config import ConfigError
from abm.files import describe_os_error, is_storage_error
from neocloud_abm.commands import bench, experiments, explore, run, score, timeline, worlds
from neocloud_abm.commands.options import Parser


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface, with every registered command."""
    parser = Parser(prog="abm", description="Simulate IREN and the race to turn grid power "
                    "into AI compute.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    for commands in (run, experiments, score, timeline, worlds, explore, bench):
        commands.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``abm`` console script."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except ConfigError as exc:
        sys.stderr.write(f"abm: error: {exc}\n")
        return 2
    except BrokenPipeError:  # the reader left (``abm ... | head``): stop quietly, as Unix tools do
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so the exit's flush of stdout does not raise
        return 128 + 13  # SIGPIPE
    except OSError as exc:  # a full disk or a read-only folder: the place, not the command
        if not is_storage_error(exc):
            raise
        sys.stderr.write(f"abm: error: {describe_os_error(exc)}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("abm: interrupted\n")
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
