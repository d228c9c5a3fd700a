"""Typed parameters of utilities, their grids and interconnect queues (world-file sections)."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from agents.section import Section


class InterconnectSpec(Section):
    """A request already in a utility's queue, with its target energization."""

    company: str
    site: str
    mw: float = Field(gt=0)
    target_date: dt.date
    slip_days_mean: float = Field(ge=0)
    tranches: int = Field(ge=1, le=24)
    tranche_spacing_days: float = Field(ge=0)


class UtilitySpec(Section):
    """A utility (grid operator) and the interconnects it is working on."""

    display_name: str
    region: str
    interconnects: list[InterconnectSpec] = Field(default_factory=list)
