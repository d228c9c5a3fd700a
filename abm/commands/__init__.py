"""Commands of ``abm``: each module registers one or a few subcommands."""

from __future__ import annotations

import argparse

from abm.commands import bench, run


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register the engine's own commands."""
    run.register(sub)
    bench.register(sub)
