"""The GPU rental market: a rent index per generation, moved by supply and demand.

Each generation renting at the world's start begins at its sourced index. Every month
each index moves by the market's tightness and a random shock (its own stream, ``rents``):

    d log R_g = pressure x tightness x dt + vol x sqrt(dt) x (shared shock, own shock)

Tightness is in [-1, 1]: ``(U - N - P) / (U + N + P + scale)``, where ``U`` is the IT MW
that customers tendered and nobody offered, ``N`` the IT MW of AI capacity that came into
service without a buyer (capacity sold by the hour; contracted capacity meets a need that
was never unmet), with what suppliers outside the world bring each month, and ``P`` the
IT MW offered at prices customers would not pay, each decaying with
a half-life (customers and companies report them as they happen). Demand that cannot be
met pushes rents up; new supply, and sellers asking more than buyers pay, push them down.

A generation not yet renting launches on its available date plus a drawn slip: its rent
starts at the newest generation's times its launch premium, and every older generation
loses ``launch_aging`` of its rent (``gpu.launched``). Nothing decays by formula.
"""

from __future__ import annotations

import math
from typing import Final

from abm.agent import Agent, ProcessBody
from abm.model import Model
from agents.gpus.specs import GpuMarketSpec

DAYS_PER_MONTH: Final = 365.0 / 12.0
HOURS_PER_MONTH: Final = 730.0
HOURS_PER_YEAR: Final = 8760.0
PUE_REFERENCE: Final = 1.2
"""The PUE of a buyer's own liquid-cooled hall (Applied Digital designs for 1.18)."""
DAYS_PER_YEAR: Final = 365.0
DRAW_BLOCK: Final = 64


class RentMarket(Agent):
    """The rent index of every GPU generation, and what moves it."""

    def __init__(self, model: Model, spec: GpuMarketSpec, name: str = "gpu") -> None:
        super().__init__(model, name)
        self.spec = spec
        by_date = sorted(spec.generations.items(), key=lambda kv: kv[1].available_date)
        self.order = [g for g, _ in by_date]
        self.index: dict[str, float] = {
            g: gen.rent_usd_per_gpu_hour for g, gen in by_date
            if gen.rent_usd_per_gpu_hour is not None}
        launch_rng = self.stream("launch")
        self.t_launch: dict[str, float] = {}
        for g, gen in by_date:
            if g not in self.index:
                slip = (float(launch_rng.exponential(gen.launch_slip_days_mean))
                        if gen.launch_slip_days_mean > 0 else 0.0)
                self.t_launch[g] = max(0.0, model.clock.t_of(gen.available_date)) + slip
        self.unmet_mw = 0.0
        self.new_supply_mw = 0.0
        self.priced_out_mw = 0.0
        self._t_decayed = 0.0
        self._shocks = self.stream("rents")
        self._block: list[list[float]] = []

    # --- what the market quotes ---------------------------------------------------------
    def rent(self, generation: str) -> float:
        """Today's index of ``generation`` (USD a GPU-hour; NaN before it launches)."""
        return self.index.get(generation, math.nan)

    def renting(self) -> list[str]:
        """The generations renting now, oldest first."""
        return [g for g in self.order if g in self.index]

    def newest(self) -> str:
        """The newest generation renting now."""
        return self.renting()[-1]

    def lease_rent_usd_per_kw_month(self) -> float:
        """The rent a powered lease earns: a share of what a kW of the newest GPUs earns."""
        newest = self.newest()
        kw = self.spec.generations[newest].kw_it_per_gpu
        return (self.index[newest] * HOURS_PER_MONTH / kw
                * self.spec.lease_share_of_cloud_revenue)

    def build_rent_usd_per_gpu_hour(self, generation: str, capital_cost: float) -> float:
        """What an hour of ``generation`` costs a buyer who builds its own capacity.

        Its GPUs and hall recovered over the GPUs' life at ``capital_cost`` a year, plus
        power and running costs, over the hours it would use.
        """
        spec, gen = self.spec, self.spec.generations[generation]
        kw = gen.kw_it_per_gpu
        capex = gen.price_usd_per_gpu + kw / 1000.0 * spec.build_hall_usd_per_it_mw
        years = gen.useful_life_years
        recovery = (capex / years if capital_cost <= 0
                    else capex * capital_cost / (1.0 - (1.0 + capital_cost) ** -years))
        power = kw / 1000.0 * PUE_REFERENCE * HOURS_PER_YEAR * spec.build_power_usd_per_mwh
        running = capex * spec.build_opex_share_of_capex_annual
        return (recovery + power + running) / (HOURS_PER_YEAR * spec.build_utilization)

    def build_lease_usd_per_kw_month(self, capital_cost: float, life_years: float) -> float:
        """What a kW of hall costs a buyer who builds its own shell, a month."""
        hall = self.spec.build_hall_usd_per_it_mw / 1000.0
        recovery = (hall / life_years if capital_cost <= 0
                    else hall * capital_cost / (1.0 - (1.0 + capital_cost) ** -life_years))
        return (recovery + hall * self.spec.build_opex_share_of_capex_annual) / 12.0

    def tightness(self) -> float:
        """Unmet demand against new supply, in [-1, 1] (decayed to now)."""
        self._decay()
        u, n = self.unmet_mw, self.new_supply_mw + self.priced_out_mw
        return (u - n) / (u + n + self.spec.tightness_scale_mw)

    # --- what customers and companies report --------------------------------------------
    def report_unmet(self, it_mw: float) -> None:
        """A tender closed with ``it_mw`` that nobody filled."""
        self._decay()
        self.unmet_mw += it_mw

    def report_priced_out(self, it_mw: float) -> None:
        """A tender closed with ``it_mw`` offered above what the customer would pay."""
        self._decay()
        self.priced_out_mw += it_mw

    def report_supply(self, it_mw: float) -> None:
        """``it_mw`` of AI capacity came into service."""
        self._decay()
        self.new_supply_mw += it_mw

    def _decay(self) -> None:
        elapsed = self.now - self._t_decayed
        if elapsed > 0:
            keep = 0.5 ** (elapsed / self.spec.tightness_half_life_days)
            self.unmet_mw *= keep
            self.new_supply_mw *= keep
            self.priced_out_mw *= keep
            self._t_decayed = self.now

    # --- the processes --------------------------------------------------------------------
    def start(self) -> None:
        """Move the indices monthly; launch each later generation on its day."""
        self.process(self._monthly())
        for g, t in self.t_launch.items():
            self.process(self._launch(g, t))

    def _monthly(self) -> ProcessBody:
        spec, dt = self.spec, 1.0 / 12.0
        own = math.sqrt(1.0 - spec.rent_common_share ** 2)
        while True:
            yield self.sleep(DAYS_PER_MONTH)
            self.report_supply(spec.background_supply_mw_per_month)
            x = self.tightness()
            shocks = self._next_shocks()
            common = shocks[0]
            for i, g in enumerate(self.order):
                if g in self.index:
                    z = spec.rent_common_share * common + own * shocks[1 + i]
                    step = (spec.rent_pressure_annual * x * dt
                            + spec.rent_vol_annual * math.sqrt(dt) * z)
                    self.index[g] *= math.exp(step)

    def _next_shocks(self) -> list[float]:
        """Standard normals for a month: one shared, one per generation."""
        if not self._block:
            self._block = self._shocks.standard_normal(
                (DRAW_BLOCK, 1 + len(self.order))).tolist()[::-1]
        return self._block.pop()

    def _launch(self, generation: str, t_days: float) -> ProcessBody:
        yield self.sleep(max(0.0, t_days - self.now))
        gen = self.spec.generations[generation]
        newest = self.newest()
        launch_rent = self.index[newest] * gen.launch_premium
        for g in self.renting():
            self.index[g] *= 1.0 - self.spec.launch_aging
        self.index[generation] = launch_rent
        self.log("gpu.launched", generation=generation, rent_usd_per_gpu_hour=launch_rent,
                 premium_over=newest, aging=self.spec.launch_aging)

    def metric_names(self) -> tuple[str, ...]:
        """Each generation's rent index and the market's tightness."""
        return (*(f"{g}.rent_usd_per_gpu_hour" for g in self.order), "rent_tightness")

    def metrics(self) -> tuple[float, ...]:
        """Values of :meth:`metric_names` now."""
        return (*(self.rent(g) for g in self.order), self.tightness())
