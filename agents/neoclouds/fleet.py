"""Fleets: batches of GPUs by generation (IT load, value, depreciation), ASICs bought."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

DAYS_PER_YEAR: Final = 365.0


@dataclass(slots=True)
class GpuBatch:
    """GPUs of one generation commissioned together at one site.

    A batch serves a contract (``contract`` set, paid by its fees) or is cloud capacity
    sold by the hour: at a fixed price if ``price_usd_per_gpu_hour`` is set, else at the
    market rent of its generation. The share of its hours billed is ``utilization``, or,
    with a target, a line from ``utilization`` when commissioned to ``utilization_target``
    on ``t_target_days``, flat after.
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
    utilization_target: float | None = None
    t_target_days: float | None = None
    from_start: bool = False
    """Part of the fleet the world starts with (its revenue is calibrated as reported)."""

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

    def depreciation_usd(self, t0_days: float, t1_days: float, salvage_share: float) -> float:
        """Straight-line depreciation to ``salvage_share`` over [t0, t1] within its life."""
        life_days = self.useful_life_years * DAYS_PER_YEAR
        return (self.cost_usd * (1.0 - salvage_share) * self.service_days(t0_days, t1_days)
                / life_days)

    def utilization_at(self, t_days: float) -> float:
        """The share of hours billed on ``t_days``."""
        target, t_target = self.utilization_target, self.t_target_days
        if target is None or t_target is None or t_days >= t_target:
            return self.utilization if target is None else target
        t0 = self.t_commissioned_days
        if t_target <= t0:
            return target
        return self.utilization + (target - self.utilization) * (t_days - t0) / (t_target - t0)

    def billed_gpu_days(self, t0_days: float, t1_days: float) -> float:
        """GPU-days billed over [t0, t1]: service days at the mean share billed."""
        lo = max(t0_days, self.t_commissioned_days)
        hi = min(t1_days, self.t_retire_days)
        if hi <= lo:
            return 0.0
        mid = (self.utilization_at(lo) + self.utilization_at(hi)) * 0.5
        if self.t_target_days is not None and lo < self.t_target_days < hi:  # the ramp ends
            tt = self.t_target_days  # inside: a line, then flat
            mid = ((self.utilization_at(lo) + self.utilization_at(tt)) * 0.5 * (tt - lo)
                   + self.utilization_at(tt) * (hi - tt)) / (hi - lo)
        return self.gpus * (hi - lo) * mid


@dataclass(slots=True)
class AsicPurchase:
    """ASICs bought: their cost, depreciated straight-line over their life."""

    cost_usd: float
    t_bought_days: float
    life_days: float

    def depreciation_usd(self, t0_days: float, t1_days: float) -> float:
        """Depreciation over [t0, t1] within the machines' life."""
        lo = max(t0_days, self.t_bought_days)
        hi = min(t1_days, self.t_bought_days + self.life_days)
        return self.cost_usd * max(0.0, hi - lo) / self.life_days
