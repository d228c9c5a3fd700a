"""GPU fleets: batches of GPUs by generation, their IT load, value and depreciation."""

from __future__ import annotations

from dataclasses import dataclass

DAYS_PER_YEAR = 365.0


@dataclass
class GpuBatch:
    """GPUs of one generation commissioned together at one site."""

    generation: str
    site: str
    gpus: int
    kw_it_per_gpu: float
    cost_usd: float
    useful_life_years: float
    t_commissioned_days: float
    contract: str | None = None

    @property
    def it_mw(self) -> float:
        """IT load of the batch."""
        return self.gpus * self.kw_it_per_gpu / 1000.0

    def depreciation_usd(self, t0_days: float, t1_days: float) -> float:
        """Straight-line depreciation over [t0, t1] within the useful life."""
        life_days = self.useful_life_years * DAYS_PER_YEAR
        lo = max(t0_days, self.t_commissioned_days)
        hi = min(t1_days, self.t_commissioned_days + life_days)
        return self.cost_usd * max(0.0, hi - lo) / life_days
