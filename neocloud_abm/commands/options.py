"""Options every world-running command shares, and the parser whose errors are one line.

``abm``'s commands add their parsers with :func:`add_run_options` and read them back with
:func:`run_options`; a mistake in an option is one line and exit status 2 (:class:`Parser`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NoReturn

from abm.config import parse_override


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
