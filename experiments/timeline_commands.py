"""Timeline commands of ``abm`` (timeline, why, diff)."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the timeline commands."""
