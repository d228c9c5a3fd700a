"""Grid emergencies: the utility orders large loads down for hours, mining first.

Emergency dates and durations are drawn up front in blocks (a Poisson process per utility
from its own ``curtailment`` stream). In each emergency the utility asks every company site
on its grid at or above the large-load threshold to shed a share of its load; the company
decides what to cut (mining first, contracted AI protected) and answers with the MW cut.
Without a curtailment obligation (first-come-first-served rules) the utility only asks for
load that can flex, i.e. mining; once SB 6 style rules apply large loads must shed, AI
included if mining is not enough, which costs the company.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final, Protocol

import numpy as np

from abm.agent import Agent, ProcessBody
from agents.grid.taker import PowerTaker
from agents.neoclouds.site import EPS_MW, Site

BLOCK_YEARS: Final = 10.0
DAYS_PER_YEAR: Final = 365.25


class SiteHolder(Protocol):
    """A company whose sites the utility can see (their load, energized and secured MW)."""

    sites: dict[str, Site]


def sites_on(agents: dict[str, Agent], utility: str) -> Iterator[tuple[str, Site]]:
    """(company, site) for every site any agent holds on ``utility``'s grid."""
    for name, agent in agents.items():
        sites = getattr(agent, "sites", None)
        if not isinstance(sites, dict):
            continue
        for site in sites.values():
            if isinstance(site, Site) and site.utility == utility:
                yield name, site


class EmergencyProgram:
    """The emergencies of one utility and the load they shed."""

    def __init__(self, utility: Agent, rate_per_year: float, hours_mean: float,
                 shed_share: float, threshold_mw: float, obligation_from_days: float) -> None:
        self.utility = utility
        self.rate_per_year = rate_per_year
        self.hours_mean = hours_mean
        self.shed_share = shed_share
        self.threshold_mw = threshold_mw
        self.obligation_from_days = obligation_from_days
        self.rng = utility.stream("curtailment")
        self.curtailed_mwh = 0.0
        self.ai_curtailed_mwh = 0.0
        self.emergencies = 0

    def draw_block(self, t_from_days: float) -> tuple[np.ndarray, np.ndarray]:
        """Emergency start times (days) and durations (hours) over the next block of years."""
        n = int(self.rng.poisson(self.rate_per_year * BLOCK_YEARS))
        t = t_from_days + np.sort(self.rng.uniform(0.0, BLOCK_YEARS * DAYS_PER_YEAR, n))
        hours = self.rng.exponential(self.hours_mean, n)
        return t, hours

    def run(self) -> ProcessBody:
        """Walk the drawn emergencies, block after block, shedding load at each."""
        if self.rate_per_year <= 0 or self.shed_share <= 0:
            return
        t_block = 0.0
        while True:
            times, hours = self.draw_block(t_block)
            for t, h in zip(times.tolist(), hours.tolist(), strict=True):
                yield self.utility.sleep(max(0.0, t - self.utility.now))
                self.shed(h)
            t_block += BLOCK_YEARS * DAYS_PER_YEAR
            yield self.utility.sleep(max(0.0, t_block - self.utility.now))

    def shed(self, hours: float) -> int:
        """One emergency now: ask each large site to shed; returns the event id."""
        agents = self.utility.model.agents
        targets = [(c, s) for c, s in sites_on(agents, self.utility.name)
                   if s.energized_mw >= self.threshold_mw - EPS_MW and s.load_mw > EPS_MW]
        obliged = self.utility.now >= self.obligation_from_days
        asked = [self._ask_mw(site, obliged) for _c, site in targets]
        event = self.utility.log("grid.curtailment", hours=round(hours, 3),
                                 shed_share=self.shed_share, obligation=obliged,
                                 sites=len(targets), requested_mw=float(sum(asked)))
        self.emergencies += 1
        for (company, site), mw in zip(targets, asked, strict=True):
            taker = agents[company]
            if mw <= EPS_MW or not isinstance(taker, PowerTaker):
                continue
            mining_mw, ai_mw = taker.curtail(site.name, mw, hours, event)
            self.curtailed_mwh += (mining_mw + ai_mw) * hours
            self.ai_curtailed_mwh += ai_mw * hours
        return event

    def _ask_mw(self, site: Site, obliged: bool) -> float:
        """MW to ask of a site: a share of its load, only its mining without an obligation."""
        mw = self.shed_share * site.load_mw
        return mw if obliged else min(mw, site.mining_load_mw)
