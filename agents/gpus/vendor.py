"""The GPU vendor: generations, quarterly allocations to neoclouds, lead times.

Each generation ships from its launch (the rent market's: its available date, or that
date plus a drawn slip for a generation still to come), in quarterly allocations; an
order is queued behind earlier orders of the same generation, so a crowded quarter pushes
shipments out. Rents are the market's (:mod:`agents.gpus.rents`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import simpy

from abm.agent import Agent, ProcessBody
from abm.model import Model
from agents.gpus.rents import RentMarket
from agents.gpus.specs import GpuGenerationSpec, GpuMarketSpec

DAYS_PER_QUARTER: Final = 365.0 / 4.0
DAYS_PER_YEAR: Final = 365.0


@dataclass(frozen=True, slots=True)
class Shipment:
    """What an order's event carries when the GPUs ship."""

    order_event: int
    ship_event: int
    generation: str
    gpus: int
    cost_usd: float
    kw_it_per_gpu: float
    useful_life_years: float


class GpuVendor(Agent):
    """Sells GPUs by generation within quarterly allocations."""

    def __init__(self, model: Model, spec: GpuMarketSpec, rents: RentMarket,
                 name: str = "gpu_vendor") -> None:
        super().__init__(model, name)
        self.spec = spec
        self.generations = dict(sorted(spec.generations.items(),
                                       key=lambda kv: kv[1].available_date))
        self._t_available = {name: rents.t_launch.get(name, model.clock.t_of(gen.available_date))
                             for name, gen in self.generations.items()}
        self._booked: dict[tuple[str, int], float] = {}
        self.gpus_shipped = 0
        self.revenue_usd = 0.0

    def t_available(self, generation: str) -> float:
        """Sim day the generation first ships."""
        return self._t_available[generation]

    def latest_generation(self, t_days: float) -> str:
        """The newest generation shipping by ``t_days`` (the oldest if none yet)."""
        latest = next(iter(self.generations))
        for name in self.generations:
            if self.t_available(name) <= t_days:
                latest = name
        return latest

    def quote_ship_day(self, generation: str, gpus: int, t_days: float) -> float:
        """The day an order placed on ``t_days`` would ship, given allocations booked."""
        return self._plan(generation, gpus, t_days, book=False)

    def _plan(self, generation: str, gpus: int, t_days: float, *, book: bool) -> float:
        gen = self.generations[generation]
        earliest = max(t_days + gen.lead_time_days, self.t_available(generation))
        quarter = int(earliest // DAYS_PER_QUARTER)
        remaining = float(gpus)
        while True:
            free = gen.allocation_gpus_per_quarter - self._booked.get((generation, quarter), 0.0)
            take = min(free, remaining)
            if take > 0 and book:
                self._booked[(generation, quarter)] = self._booked.get((generation, quarter),
                                                                       0.0) + take
            remaining -= max(take, 0.0)
            if remaining <= 1e-9:
                return max(earliest, quarter * DAYS_PER_QUARTER)
            quarter += 1

    def order(self, company: str, generation: str, gpus: int, cause: int | None,
              ship_day: float | None = None) -> simpy.Event:
        """Order GPUs; the returned event fires with a :class:`Shipment` when they ship.

        ``ship_day`` fixes the date of a contracted delivery (such as Dell's tranches for
        Microsoft); otherwise the allocation queue decides.
        """
        gen = self.generations[generation]
        planned = self._plan(generation, gpus, self.now, book=True)
        day = planned if ship_day is None else max(ship_day, self.now)
        cost = gpus * gen.price_usd_per_gpu
        order = self.log("gpu.ordered", cause=cause, buyer=company, generation=generation,
                         gpus=gpus, cost_usd=cost, ship_date=self.model.clock.date_of(day)
                         .isoformat())
        done = self.env.event()
        self.process(self._ship(done, order, generation, gpus, cost, gen, day))
        return done

    def _ship(self, done: simpy.Event, order: int, generation: str, gpus: int, cost: float,
              gen: GpuGenerationSpec, day: float) -> ProcessBody:
        yield self.sleep(max(0.0, day - self.now))
        ship = self.log("gpu.shipped", cause=order, generation=generation, gpus=gpus)
        self.gpus_shipped += gpus
        self.revenue_usd += cost
        done.succeed(Shipment(order, ship, generation, gpus, cost, gen.kw_it_per_gpu,
                              gen.useful_life_years))

    def metric_names(self) -> tuple[str, ...]:
        """Month-end vendor metrics."""
        return ("gpus_shipped", "revenue_usd")

    def metrics(self) -> tuple[float, ...]:
        """Cumulative shipments and sales."""
        return (float(self.gpus_shipped), self.revenue_usd)
