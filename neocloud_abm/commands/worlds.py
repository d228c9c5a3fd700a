"""``abm worlds`` and ``abm describe``: what worlds and scenarios exist, and what is in one.

``abm worlds`` lists the bundled worlds and scenario overlays with their one-line
descriptions. ``abm describe WORLD`` prints every parameter of a world (after any
``--scenario`` overlays and ``--set`` overrides) with its value, unit and source.
"""

from __future__ import annotations

import argparse
import sys

from abm.config import ConfigError, parse_override, read_toml
from worlds.catalog import read_scenario, scenario_names, world_names, world_path
from worlds.describe import FORMATS, describe_world, grep_rows, render


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``abm worlds`` and ``abm describe``."""
    worlds = sub.add_parser("worlds", help="list bundled worlds and scenario overlays",
                            description="List the bundled worlds and scenario overlays, "
                            "each with its one-line description.")
    worlds.set_defaults(handler=handle_worlds)
    describe = sub.add_parser(
        "describe", help="print every parameter of a world with its value, unit and source",
        description="Print every parameter of a world, after --scenario overlays and --set "
        "overrides, with its value, unit and source (the fact-sheet row it traces to, "
        "'default (NF)' for a code default, or the scenario or --set that changed it).")
    describe.add_argument("world", nargs="?", default="iren",
                          help="a bundled world's name or a path to a TOML file (default: iren)")
    describe.add_argument("--scenario", dest="scenarios", action="append", default=[],
                          metavar="NAME", help="lay a scenario overlay on the world (repeatable)")
    describe.add_argument("--set", dest="overrides", action="append", default=[],
                          metavar="KEY=VALUE",
                          help="override a parameter, e.g. iren.cash_usd=2.5e9 (repeatable)")
    describe.add_argument("--format", choices=FORMATS, default="table",
                          help="table (default), csv or json")
    describe.add_argument("--grep", metavar="TEXT", default=None,
                          help="only parameters whose key or value contains TEXT "
                          "(case-insensitive)")
    describe.set_defaults(handler=handle_describe)


def worlds_listing() -> str:
    """The bundled worlds and scenarios, one line each, as ``abm worlds`` prints them."""
    lines = ["worlds (abm run WORLD):"]
    names = world_names()
    width = max((len(n) for n in [*names, *scenario_names()]), default=0)
    for name in names:
        path = world_path(name)
        head = read_toml(path).get("world")
        description = head.get("description", "") if isinstance(head, dict) else ""
        if not isinstance(description, str) or not description:
            raise ConfigError(str(path), "world.description", "expected a one-line description")
        lines.append(f"  {name:<{width}}  {description}")
    lines.append("")
    lines.append("scenarios (--scenario NAME, repeatable):")
    for name in scenario_names():
        description, _overlay, _path = read_scenario(name)
        lines.append(f"  {name:<{width}}  {description}")
    return "\n".join(lines)


def handle_worlds(args: argparse.Namespace) -> int:
    """Print the listing."""
    del args
    print(worlds_listing())
    return 0


def handle_describe(args: argparse.Namespace) -> int:
    """Print the world's parameters (exit 1 if ``--grep`` matches none, like grep)."""
    overrides = [parse_override(text) for text in args.overrides]
    rows = describe_world(args.world, args.scenarios, overrides)
    if args.grep is not None:
        rows = grep_rows(rows, args.grep)
        if not rows:
            sys.stderr.write(f"abm: no parameter of {args.world} matches {args.grep!r}\n")
            return 1
    print(render(rows, args.format))
    return 0
