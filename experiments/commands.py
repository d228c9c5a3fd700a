"""Experiment commands of ``abm`` (mc, sweep, compare, sensitivity, report)."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the experiment commands."""
