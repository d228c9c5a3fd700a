"""A powered site: secured, energized and built MW, and what load runs on it.

Physical units are conserved here: load (mining plus AI facility load) never exceeds
energized power, which never exceeds secured power; GPU IT load never exceeds built
data-hall IT capacity. Every MW of energized power is mining, AI or idle.
"""

from __future__ import annotations

from dataclasses import dataclass

EPS_MW = 1e-6


class CapacityError(RuntimeError):
    """A change that would break a site's physical limits."""


@dataclass
class Site:
    """One site of one company."""

    name: str
    company: str
    utility: str
    secured_mw: float
    energized_mw: float
    it_built_mw: float
    mining_ehs: float
    j_per_th: float
    pue: float
    gpu_it_mw: float = 0.0

    def __post_init__(self) -> None:
        self.check()

    @property
    def mining_load_mw(self) -> float:
        """Power drawn by ASICs: EH/s x J/TH = MW."""
        return self.mining_ehs * self.j_per_th

    @property
    def ai_load_mw(self) -> float:
        """Facility power drawn by GPUs (IT load x PUE)."""
        return self.gpu_it_mw * self.pue

    @property
    def load_mw(self) -> float:
        """All power drawn."""
        return self.mining_load_mw + self.ai_load_mw

    @property
    def idle_mw(self) -> float:
        """Energized power that nothing draws."""
        return self.energized_mw - self.load_mw

    def energize(self, mw: float) -> None:
        """Add energized power (granted by the utility)."""
        if self.energized_mw + mw > self.secured_mw + EPS_MW:
            raise CapacityError(f"{self.company}.{self.name}: energizing {mw} MW exceeds "
                                f"secured {self.secured_mw} MW")
        self.energized_mw += mw

    def build_halls(self, it_mw: float) -> None:
        """Add finished data-hall IT capacity."""
        self.it_built_mw += it_mw

    def retire_mining_for(self, facility_mw: float) -> float:
        """Retire just enough ASICs to free ``facility_mw`` of headroom; returns EH/s retired."""
        shortfall = facility_mw - self.idle_mw
        if shortfall <= EPS_MW:
            return 0.0
        ehs = min(self.mining_ehs, shortfall / self.j_per_th)
        self.mining_ehs -= ehs
        return ehs

    def can_install(self, it_mw: float) -> bool:
        """Whether GPUs with this IT load fit the halls and the power now."""
        fits_halls = self.gpu_it_mw + it_mw <= self.it_built_mw + EPS_MW
        return fits_halls and it_mw * self.pue <= self.idle_mw + EPS_MW

    def install_gpus(self, it_mw: float) -> None:
        """Put GPUs drawing ``it_mw`` of IT load into service."""
        if not self.can_install(it_mw):
            raise CapacityError(f"{self.company}.{self.name}: {it_mw} MW IT does not fit "
                                f"(halls {self.it_built_mw - self.gpu_it_mw:.1f} MW free, "
                                f"power {self.idle_mw:.1f} MW idle)")
        self.gpu_it_mw += it_mw

    def check(self) -> None:
        """Raise if any physical limit is broken."""
        if not (-EPS_MW <= self.load_mw <= self.energized_mw + EPS_MW
                and self.energized_mw <= self.secured_mw + EPS_MW
                and self.gpu_it_mw <= self.it_built_mw + EPS_MW):
            raise CapacityError(
                f"{self.company}.{self.name}: load {self.load_mw:.1f} <= energized "
                f"{self.energized_mw:.1f} <= secured {self.secured_mw:.1f} MW, GPU IT "
                f"{self.gpu_it_mw:.1f} <= built {self.it_built_mw:.1f} MW must hold")
