"""Capex a company has promised and not yet spent: GPU orders and hall builds."""

from __future__ import annotations

from dataclasses import dataclass

from abm.finance.debt import ConstructionLoan


@dataclass(slots=True)
class Commitment:
    """A GPU payment promised to the vendor and not yet made."""

    key: str
    cost_usd: float
    equity_usd: float
    prepayment_usd: float
    t_due_days: float
    cause: int | None


@dataclass(slots=True)
class BuildProgram:
    """Construction spending spread evenly over [t_start, t_end], part borrowed."""

    site: str
    cost_usd: float
    t_start_days: float
    t_end_days: float
    cause: int
    loan: ConstructionLoan | None = None
    debt_share: float = 0.0

    def remaining_usd(self, t_days: float) -> float:
        """Spending still to come after ``t_days``."""
        return self.spend_usd(t_days, max(t_days, self.t_end_days))

    def spend_usd(self, t0_days: float, t1_days: float) -> float:
        """Spending that falls in [t0, t1]."""
        span = self.t_end_days - self.t_start_days
        if span <= 0:
            return 0.0
        overlap = max(0.0, min(t1_days, self.t_end_days) - max(t0_days, self.t_start_days))
        return self.cost_usd * overlap / span

    def depreciation_usd(self, t0_days: float, t1_days: float, life_days: float) -> float:
        """Straight-line depreciation over [t0, t1], from completion over ``life_days``."""
        end = self.t_end_days + life_days
        overlap = max(0.0, min(t1_days, end) - max(t0_days, self.t_end_days))
        return self.cost_usd * overlap / life_days
