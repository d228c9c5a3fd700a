"""GPU fleets: batches of GPUs by generation, their IT load, value and depreciation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

DAYS_PER_YEAR: Final = 365.0


@dataclass(slots=True)
class GpuBatch:
    """GPUs of one generation commissioned together at one site.

    A batch serves a contract (``contract`` set, paid by its fees) or is cloud capacity
    sold by the hour: at a fixed price if ``price_usd_per_gpu_hour`` is set, else at the
    market rent of its generation, at ``utilization``.
    """

    generation: str
    site: str
    gpus: int
    kw_it_per_gpu: float
    cost_usd: float
    useful_life_years: float
    t_commissioned_days: float
    contract: str | None = None
    price_usd_per_gpu_hour: float | None = None
    utilization: float = 0.85
    in_service: bool = True

    @property
    def it_mw(self) -> float:
        """IT load of the batch."""
        return self.gpus * self.kw_it_per_gpu / 1000.0

    @property
    def t_retire_days(self) -> float:
        """The day the batch reaches the end of its useful life."""
        return self.t_commissioned_days + self.useful_life_years * DAYS_PER_YEAR

    def service_days(self, t0_days: float, t1_days: float) -> float:
        """Days of [t0, t1] the batch was in service."""
        lo = max(t0_days, self.t_commissioned_days)
        return max(0.0, min(t1_days, self.t_retire_days) - lo)

    def depreciation_usd(self, t0_days: float, t1_days: float) -> float:
        """Straight-line depreciation over [t0, t1] within the useful life."""
        life_days = self.useful_life_years * DAYS_PER_YEAR
        return self.cost_usd * self.service_days(t0_days, t1_days) / life_days
