"""Utilities (first cut): energize already-queued interconnects around their targets.

Each interconnect in a utility's queue is a SimPy process: it waits for its target date
plus a slip drawn from the utility's own stream, then energizes the site in tranches and
tells the company. The grid graph, queue policies and studies arrive with the actors work.
"""

from __future__ import annotations

from typing import Protocol

from abm.agent import Agent, ProcessBody
from abm.model import Model
from agents.grid_specs import InterconnectSpec, UtilitySpec


class PowerTaker(Protocol):
    """What a utility needs from a company it energizes."""

    def receive_power(self, site: str, mw: float, cause: int) -> None:
        """Take ``mw`` of newly energized power at ``site``."""


class Utility(Agent):
    """A grid utility working through its interconnect queue."""

    def __init__(self, model: Model, name: str, spec: UtilitySpec) -> None:
        super().__init__(model, name)
        self.spec = spec
        self.energized_mw = 0.0
        self.queued_mw = sum(ic.mw for ic in spec.interconnects)

    def start(self) -> None:
        """Start one process per queued interconnect."""
        for ic in self.spec.interconnects:
            self.process(self._energize(ic))

    def _energize(self, ic: InterconnectSpec) -> ProcessBody:
        queued = self.log("interconnect.queued", company=ic.company, site=ic.site, mw=ic.mw,
                          target_date=ic.target_date.isoformat())
        slip_days = float(self.rng.exponential(ic.slip_days_mean)) if ic.slip_days_mean else 0.0
        t_first = max(self.model.clock.t_of(ic.target_date) + slip_days, self.now)
        taker: PowerTaker = self.model.agents[ic.company]  # type: ignore[assignment]
        tranche_mw = ic.mw / ic.tranches
        for i in range(ic.tranches):
            t = t_first + i * ic.tranche_spacing_days
            yield self.env.timeout(max(0.0, t - self.now))
            event = self.log("interconnect.energized", cause=queued, company=ic.company,
                             site=ic.site, mw=tranche_mw, tranche=i + 1, of=ic.tranches,
                             slip_days=round(slip_days, 1))
            self.queued_mw -= tranche_mw
            self.energized_mw += tranche_mw
            taker.receive_power(ic.site, tranche_mw, event)

    def metric_names(self) -> tuple[str, ...]:
        """Month-end queue metrics."""
        return ("queue_mw", "energized_mw")

    def metrics(self) -> tuple[float, ...]:
        """MW still queued and MW energized by this utility during the run."""
        return (self.queued_mw, self.energized_mw)
