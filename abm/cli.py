"""The ``abm`` command: parse arguments, call the library, print; nothing else.

Every user mistake exits with status 2 and one line naming the file or option, the key
and what was expected.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from abm.config import ConfigError, parse_override
from abm.report import key_events_table, year_end_table


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line and exit 2."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"{self.prog}: error: {message} (see {self.prog} --help)\n")
        raise SystemExit(2)


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 0, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 0, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    parser = _Parser(prog="abm", description="Simulate IREN and the race to turn grid power "
                     "into AI compute.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    run = sub.add_parser("run", help="run a world once and write a run folder")
    run.add_argument("world", nargs="?", default="iren",
                     help="a bundled world's name or a path to a TOML file (default: iren)")
    run.add_argument("--seed", type=_seed, default=0, help="run seed (default 0)")
    run.add_argument("--until", default=None, help="last day YYYY-MM-DD (default: the world's)")
    run.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                     help="override a parameter, e.g. iren.cash_usd=2.5e9 (repeatable)")
    run.add_argument("--out", type=Path, default=None,
                     help="run folder (default: runs/WORLD-sSEED-TIMESTAMP)")
    run.add_argument("--force", action="store_true", help="write into a non-empty folder")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``abm`` console script."""
    args = build_parser().parse_args(argv)
    try:
        if args.command == "run":
            return _run(args)
    except ConfigError as exc:
        sys.stderr.write(f"abm: error: {exc}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("abm: interrupted\n")
        return 130
    return 2


def _out_folder(args: argparse.Namespace) -> Path:
    out: Path | None = args.out
    if out is None:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        out = Path("runs") / f"{Path(args.world).stem}-s{args.seed}-{stamp}"
    if out.exists() and not out.is_dir():
        raise ConfigError("--out", str(out), "expected a folder, found a file")
    if out.is_dir() and any(out.iterdir()) and not args.force:
        raise ConfigError("--out", str(out), "folder is not empty; pass --force to overwrite")
    return out


def _run(args: argparse.Namespace) -> int:
    from worlds.run import run_world

    overrides = [parse_override(text) for text in args.overrides]
    out = _out_folder(args)
    result = run_world(args.world, args.seed, args.until, overrides)
    focus = result.meta["focus"]
    print(f"{result.meta['world']} seed {args.seed}, {result.meta['start_date']} to "
          f"{result.meta['until']}: {len(result.events)} events\n")
    print(year_end_table(result.path, focus))
    print()
    print(key_events_table(result.events))
    try:
        result.save(out)
    except OSError as exc:
        sys.stderr.write(f"abm: error: cannot write run folder {out}: {exc.strerror}\n")
        return 1
    print(f"\nrun folder: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
