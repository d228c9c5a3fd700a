"""The month's statement: every flow is zeroed at the close, whatever fields it has."""

from __future__ import annotations

from dataclasses import fields

from agents.neoclouds.statements import MonthFlows


def test_reset_zeroes_every_flow() -> None:
    """``reset`` names its fields one by one: a flow added later and not reset fails here."""
    flows = MonthFlows(**{f.name: float(i + 1) for i, f in enumerate(fields(MonthFlows))})
    flows.reset()
    assert all(getattr(flows, f.name) == 0.0 for f in fields(MonthFlows))
    assert flows == MonthFlows()
