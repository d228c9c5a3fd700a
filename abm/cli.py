"""The ``abm`` command: parse arguments, call the library, print; nothing else.

Each command lives in its own module with a ``register(subparsers)`` function that adds
its parser and sets ``handler``; this module collects them, owns the options every
world-running command shares, and turns user mistakes (and a full disk or a read-only
output folder) into one line and exit status 2.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NoReturn

from abm.config import ConfigError, parse_override
from abm.files import describe_os_error, is_storage_error

COMMAND_MODULES = ("abm.commands", "experiments.commands", "experiments.timeline_commands",
                   "worlds.commands")


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line and exit 2."""

    def error(self, message: str) -> NoReturn:
        """Print one line naming the problem and exit with status 2."""
        sys.stderr.write(f"{self.prog}: error: {message} (see {self.prog} --help)\n")
        raise SystemExit(2)


def whole_number(minimum: int) -> Callable[[str], int]:
    """An argparse type: a whole number of at least ``minimum``, else a one-line error."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected a whole number >= {minimum}, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"expected a whole number >= {minimum}, got {value}")
        return value

    return parse


seed_value = whole_number(0)


@dataclass(frozen=True)
class RunOptions:
    """What every world-running command takes: world, seed, horizon, scenarios, overrides."""

    world: str
    seed: int
    until: str | None
    scenarios: tuple[str, ...]
    overrides: tuple[tuple[str, Any], ...]


def add_run_options(parser: argparse.ArgumentParser, *, world: bool = True) -> None:
    """Add the options of ``abm run`` that every world-running command shares."""
    if world:
        parser.add_argument("world", nargs="?", default="iren",
                            help="a bundled world's name or a path to a TOML file (default: iren)")
    parser.add_argument("--seed", type=seed_value, default=0, help="(base) run seed, default 0")
    parser.add_argument("--until", default=None, help="last day YYYY-MM-DD (default: the world's)")
    parser.add_argument("--scenario", dest="scenarios", action="append", default=[],
                        metavar="NAME", help="lay a scenario overlay on the world (repeatable)")
    parser.add_argument("--set", dest="overrides", action="append", default=[],
                        metavar="KEY=VALUE",
                        help="override a parameter, e.g. iren.cash_usd=2.5e9 (repeatable)")


def run_options(args: argparse.Namespace) -> RunOptions:
    """Read the shared run options back from parsed arguments (``--set`` parsed here)."""
    return RunOptions(
        world=getattr(args, "world", "iren"),
        seed=args.seed,
        until=args.until,
        scenarios=tuple(args.scenarios),
        overrides=tuple(parse_override(text) for text in args.overrides),
    )


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface, with every registered command."""
    parser = Parser(prog="abm", description="Simulate IREN and the race to turn grid power "
                    "into AI compute.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
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
