"""A candidate site as companies see it: what it is, what it costs, who holds it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from agents.grid.specs import LoadKind

Status = Literal["open", "filed", "secured", "rejected", "acquired", "withdrawn"]


@dataclass(frozen=True)
class Candidate:
    """A candidate site as companies see it now (a snapshot)."""

    name: str
    utility: str
    region: str
    prospective_mw: float
    load_kind: LoadKind
    powered_mw: float
    price_usd: float | None
    status: Status
    holder: str | None
    option_usd: float = 0.0
    """The fee to file for it (unpowered candidates)."""

    @property
    def cost_usd(self) -> float:
        """What taking it costs now: its price if powered, else its option fee."""
        return self.price_usd if self.price_usd is not None else self.option_usd

    @property
    def buyable(self) -> bool:
        """Whether it is open and already powered, so a company can buy it now."""
        return self.status == "open" and self.powered_mw > 0 and self.price_usd is not None
