"""A powered site: secured, energized and built MW, and what load runs on it.

Physical units are conserved here: load (mining plus AI facility load) never exceeds
energized power, which never exceeds secured power; GPU IT load never exceeds built
data-hall IT capacity. Every MW of energized power is mining, AI or idle.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from mypy_extensions import mypyc_attr

EPS_MW: Final = 1e-6


@mypyc_attr(native_class=False)  # an exception class: plain Python in the compiled build
class CapacityError(RuntimeError):
    """A change that would break a site's physical limits."""


@dataclass(slots=True)
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
    tenant_it_mw: float = 0.0
    committed_it_mw: float = 0.0
    hall_claims_mw: float = 0.0
    power_expected: list[tuple[float, float]] = field(default_factory=list)
    mining_paused_ehs: float = 0.0
    t_paused_days: float | None = None
    """When its ASICs were last paused (None: running)."""
    leased_halls: dict[str, tuple[float, float]] = field(default_factory=dict)
    """Halls leased from hosts, not yet handed over: lease tranche -> (day due, IT MW)."""

    def __post_init__(self) -> None:
        self.check()

    @property
    def mining_load_mw(self) -> float:
        """Power drawn by running ASICs: EH/s x J/TH = MW (paused ASICs draw nothing)."""
        return (self.mining_ehs - self.mining_paused_ehs) * self.j_per_th

    @property
    def ai_load_mw(self) -> float:
        """Facility power drawn by AI equipment, own GPUs and tenants' (IT load x PUE)."""
        return (self.gpu_it_mw + self.tenant_it_mw) * self.pue

    @property
    def own_load_mw(self) -> float:
        """Power the company pays for (a tenant pays for its own)."""
        return self.mining_load_mw + self.gpu_it_mw * self.pue

    @property
    def halls_room_mw(self) -> float:
        """Built hall IT capacity no equipment, own or a tenant's, stands in yet."""
        return self.it_built_mw - self.gpu_it_mw - self.tenant_it_mw

    @property
    def free_halls_mw(self) -> float:
        """Hall IT capacity, built or leased to come, nothing has claimed yet."""
        leased = sum(mw for _, mw in self.leased_halls.values())
        return max(0.0, self.it_built_mw + leased - self.hall_claims_mw)

    def day_halls_free(self, it_mw: float) -> float | None:
        """The day unclaimed halls, built or leased, first hold ``it_mw`` (None: never).

        A day at or before today means now.
        """
        free = self.it_built_mw - self.hall_claims_mw
        if free >= it_mw - EPS_MW:
            return 0.0
        for t, mw in sorted(self.leased_halls.values()):
            free += mw
            if free >= it_mw - EPS_MW:
                return t
        return None

    @property
    def uncommitted_it_mw(self) -> float:
        """IT MW the secured power could still host beyond what is promised.

        Counts all secured power, including what ASICs use today (they can be retired).
        """
        return max(0.0, self.secured_mw / self.pue - self.committed_it_mw)

    @property
    def load_mw(self) -> float:
        """All power drawn."""
        return self.mining_load_mw + self.ai_load_mw

    @property
    def idle_mw(self) -> float:
        """Energized power that nothing draws."""
        return self.energized_mw - self.load_mw

    @property
    def free_mw(self) -> float:
        """Energized power no equipment holds: paused ASICs keep theirs, they may restart."""
        return self.energized_mw - self.mining_ehs * self.j_per_th - self.ai_load_mw

    def energize(self, mw: float) -> None:
        """Add energized power (granted by the utility); it fills the expected schedule."""
        if self.energized_mw + mw > self.secured_mw + EPS_MW:
            raise CapacityError(f"{self.company}.{self.name}: energizing {mw} MW exceeds "
                                f"secured {self.secured_mw} MW")
        self.energized_mw += mw
        remaining = mw
        while remaining > EPS_MW and self.power_expected:
            t, expected = self.power_expected[0]
            if expected > remaining + EPS_MW:
                self.power_expected[0] = (t, expected - remaining)
                break
            remaining -= expected
            self.power_expected.pop(0)

    def expect_power(self, t_days: float, mw: float) -> None:
        """Note power a utility is expected to energize on ``t_days`` (for planning)."""
        self.power_expected.append((t_days, mw))
        self.power_expected.sort()

    def day_power_reaches(self, facility_mw: float) -> float | None:
        """The expected day energized power first reaches ``facility_mw`` (None: never)."""
        total = self.energized_mw
        if total >= facility_mw - EPS_MW:
            return 0.0
        for t, mw in self.power_expected:
            total += mw
            if total >= facility_mw - EPS_MW:
                return t
        return None

    def build_halls(self, it_mw: float) -> None:
        """Add finished data-hall IT capacity."""
        self.it_built_mw += it_mw

    def expect_leased_halls(self, key: str, t_days: float, it_mw: float) -> None:
        """Note halls a host will hand over under lease tranche ``key`` (for planning)."""
        self.leased_halls[key] = (t_days, it_mw)

    def receive_leased_halls(self, key: str, it_mw: float) -> None:
        """Take over a host's finished, powered halls: their IT MW and facility power."""
        self.leased_halls.pop(key, None)
        self.it_built_mw += it_mw
        self.secured_mw += it_mw * self.pue
        self.energized_mw += it_mw * self.pue

    def lose_leased_halls(self, key: str) -> None:
        """Strike halls a host will no longer hand over (its lease tranche ended)."""
        self.leased_halls.pop(key, None)

    def retire_mining_for(self, facility_mw: float) -> float:
        """Retire just enough ASICs to free ``facility_mw`` of headroom; returns EH/s retired.

        Paused ASICs go first (they earn nothing), then running ones.
        """
        shortfall = facility_mw - self.free_mw
        if shortfall <= EPS_MW or self.mining_ehs <= 0:
            return 0.0
        needed_ehs = shortfall / self.j_per_th
        paused = min(self.mining_paused_ehs, needed_ehs)
        running_ehs = min(self.mining_ehs - self.mining_paused_ehs, needed_ehs - paused)
        self.mining_paused_ehs -= paused
        self.mining_ehs -= paused + running_ehs
        return paused + running_ehs

    def curtail_plan(self, mw: float) -> tuple[float, float]:
        """MW to cut to shed ``mw`` of load: mining first, then AI; nothing changes here."""
        mining_mw = min(max(mw, 0.0), self.mining_load_mw)
        ai_mw = min(max(mw - mining_mw, 0.0), self.ai_load_mw)
        return mining_mw, ai_mw

    def can_install(self, it_mw: float) -> bool:
        """Whether AI equipment with this IT load fits the halls and the power now."""
        return it_mw <= self.halls_room_mw + EPS_MW and it_mw * self.pue <= self.free_mw + EPS_MW

    def install_gpus(self, it_mw: float, *, tenant: bool = False) -> None:
        """Put AI equipment drawing ``it_mw`` of IT load into service (own or a tenant's)."""
        if not self.can_install(it_mw):
            raise CapacityError(f"{self.company}.{self.name}: {it_mw} MW IT does not fit "
                                f"(halls {self.halls_room_mw:.1f} MW free, "
                                f"power {self.free_mw:.1f} MW free)")
        if tenant:
            self.tenant_it_mw += it_mw
        else:
            self.gpu_it_mw += it_mw

    def remove_gpus(self, it_mw: float, *, tenant: bool = False) -> None:
        """Take AI equipment out of service (retired GPUs, an ended lease)."""
        if tenant:
            self.tenant_it_mw = max(0.0, self.tenant_it_mw - it_mw)
        else:
            self.gpu_it_mw = max(0.0, self.gpu_it_mw - it_mw)

    def check(self) -> None:
        """Raise if any physical limit is broken."""
        if not (-EPS_MW <= self.load_mw <= self.energized_mw + EPS_MW
                and self.free_mw >= -EPS_MW
                and self.energized_mw <= self.secured_mw + EPS_MW
                and self.gpu_it_mw + self.tenant_it_mw <= self.it_built_mw + EPS_MW
                and 0.0 <= self.mining_paused_ehs <= self.mining_ehs + 1e-9):
            raise CapacityError(
                f"{self.company}.{self.name}: load {self.load_mw:.1f} <= energized "
                f"{self.energized_mw:.1f} <= secured {self.secured_mw:.1f} MW, AI IT "
                f"{self.gpu_it_mw + self.tenant_it_mw:.1f} <= built {self.it_built_mw:.1f} MW "
                "must hold")
