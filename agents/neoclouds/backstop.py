"""A capacity backstop: a buyer of last resort for a cloud's unsold GPU-hours.

NVIDIA agreed to buy CoreWeave's residual unsold capacity up to $6.3B (iren sheet). Each
month the buyer pays for the hours of the company's uncontracted GPUs that went unsold,
at the rent they would have sold at, until the cap is spent or the agreement ends.
Contracted GPUs are the customer's to use, so they draw nothing; nor does the fleet the
world starts with, whose revenue is calibrated to what the company last reported.
"""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from agents.section import Section


class BackstopSpec(Section):
    """A buyer's commitment to take a cloud's unsold capacity, up to a cap."""

    buyer: str = Field(description="who pays (a party outside the world's books is fine)")
    cap_usd: float = Field(ge=0, le=1e11, description="all it will ever pay")
    until_date: dt.date = Field(description="the last day it buys")


class Backstop:
    """What is left of a backstop, drawn month by month."""

    def __init__(self, spec: BackstopSpec, t_until_days: float) -> None:
        self.spec = spec
        self.t_until_days = t_until_days
        self.left_usd = spec.cap_usd
        self.first_draw_event: int | None = None
        """The event of its first month's payment (the cause of the rest)."""

    def draw(self, unsold_usd: float, t_days: float) -> float:
        """What the buyer pays for ``unsold_usd`` of a month ending on ``t_days``."""
        if t_days > self.t_until_days + 31.0 or self.left_usd <= 0.0:
            return 0.0
        paid = min(max(unsold_usd, 0.0), self.left_usd)
        self.left_usd -= paid
        return paid
