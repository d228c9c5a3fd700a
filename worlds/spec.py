"""A world file validated: every actor's section, cross-checked before a run.

Each section forbids unknown keys, rejects NaN and infinity, and checks signs and ranges,
so a mistake is caught with its dotted key before anything runs. Each section may carry
a ``sources`` table mapping its keys to where the figure comes from.
"""

from __future__ import annotations

import datetime as dt

from pydantic import Field, model_validator

from agents.bitcoin.specs import BitcoinSpec
from agents.customers.specs import CustomerSpec
from agents.deals.specs import ContractSpec, TenderRulesSpec
from agents.gpus.specs import GpuMarketSpec
from agents.grid.power_prices import market_name
from agents.grid.specs import PipelineSpec, UtilitySpec
from agents.markets.specs import CapitalMarketsSpec, DemandSpec
from agents.neoclouds.specs import NeocloudSpec
from agents.section import Section

RESERVED_NAMES = frozenset({"btc", "demand", "markets", "gpu", "gpu_vendor", "pipeline",
                            "world"})


class WorldInfo(Section):
    """Name, dates and a one-line description of the world."""

    name: str
    description: str = ""
    start_date: dt.date
    until: dt.date = Field(description="default horizon of a run")
    study_time_scale: float = Field(default=1.0, ge=0.1, le=20, description=(
        "multiplies every grid study time (company, batch and background requests)"))
    build_time_scale: float = Field(default=1.0, ge=0.1, le=20, description=(
        "multiplies build times: energization after approval, listed interconnect slips, "
        "hall build days and listed hall slips"))

    @model_validator(mode="after")
    def _ordered(self) -> WorldInfo:
        if self.until <= self.start_date:
            raise ValueError(f"until ({self.until}) must come after start_date ({self.start_date})")
        return self


class WorldSpec(Section):
    """A whole world: every actor's parameters, cross-checked."""

    world: WorldInfo
    bitcoin: BitcoinSpec
    utilities: dict[str, UtilitySpec] = Field(default_factory=dict)
    neoclouds: dict[str, NeocloudSpec]
    customers: dict[str, CustomerSpec] = Field(default_factory=dict)
    contracts: dict[str, ContractSpec] = Field(default_factory=dict)
    demand: DemandSpec
    gpu_market: GpuMarketSpec
    tenders: TenderRulesSpec
    pipeline: PipelineSpec = Field(default_factory=PipelineSpec)
    markets: CapitalMarketsSpec = Field(default_factory=CapitalMarketsSpec)

    def reference_problem(self) -> tuple[str, str] | None:
        """The first cross-reference that does not hold, as (dotted key, expectation)."""
        names = [*self.utilities, *self.neoclouds, *self.customers]
        markets = {market_name(u) for u, spec in self.utilities.items()
                   if spec.power_market is not None}
        dupes = sorted({n for n in names if names.count(n) > 1}
                       | (set(names) & (RESERVED_NAMES | markets)))
        if dupes:
            return dupes[0], ("agent names must be unique across utilities, neoclouds, "
                              f"customers and not one of {sorted(RESERVED_NAMES | markets)}")
        for name, company in self.neoclouds.items():
            for site_name, site in company.sites.items():
                if site.utility not in self.utilities:
                    return (f"neoclouds.{name}.sites.{site_name}.utility",
                            f"expected one of the utilities {sorted(self.utilities)}, "
                            f"got {site.utility!r}")
                grid = self.utilities[site.utility].grid
                attach = grid.sites.get(site_name) if grid is not None else None
                if attach is not None and site.secured_mw > attach.attach_capacity_mw + 1e-9:
                    return (f"neoclouds.{name}.sites.{site_name}.secured_mw",
                            f"expected at most the grid connection of {site_name} "
                            f"(utilities.{site.utility}.grid.sites.{site_name}."
                            f"attach_capacity_mw = {attach.attach_capacity_mw:g}), "
                            f"got {site.secured_mw:g}")
        for uname, utility in self.utilities.items():
            for i, ic in enumerate(utility.interconnects):
                key = f"utilities.{uname}.interconnects.{i}"
                problem = self._site_problem(ic.company, ic.site, key)
                if problem:
                    return problem
                site = self.neoclouds[ic.company].sites[ic.site]
                others = self.incoming_mw(ic.company, ic.site) - ic.mw
                room_mw = site.secured_mw - site.energized_mw - others
                if ic.mw > room_mw + 1e-9:
                    return (f"{key}.mw", f"expected at most the site's secured but "
                            f"unenergized power not promised to other interconnects "
                            f"({room_mw:g} MW), got {ic.mw:g}")
        for cname, contract in self.contracts.items():
            key = f"contracts.{cname}"
            buyers = sorted({*self.customers, *self.neoclouds} - {contract.provider})
            if contract.customer not in buyers:
                return (f"{key}.customer", f"expected one of the customers or neoclouds "
                        f"{buyers}, got {contract.customer!r}")
            generation = contract.gpu_generation
            if generation is not None and generation not in self.gpu_market.generations:
                return (f"{key}.gpu_generation", f"expected one of "
                        f"{sorted(self.gpu_market.generations)}, got {generation!r}")
            if contract.kind == "gpu_cloud" and generation is None:
                return f"{key}.gpu_generation", "expected a GPU generation for a gpu_cloud contract"
            problem = self._site_problem(contract.provider, contract.site, key)
            if problem:
                return problem
            if contract.tenant_site is not None:
                if contract.kind != "lease" or contract.customer not in self.neoclouds:
                    return (f"{key}.tenant_site", "expected only on a lease to a neocloud "
                            f"(got a {contract.kind} to {contract.customer!r})")
                sites = self.neoclouds[contract.customer].sites
                if contract.tenant_site not in sites:
                    return (f"{key}.tenant_site", f"expected one of {contract.customer}'s "
                            f"sites {sorted(sites)}, got {contract.tenant_site!r}")
        return None

    def incoming_mw(self, company: str, site: str) -> float:
        """MW the listed interconnects will still energize at a company's site."""
        return sum((ic.mw for u in self.utilities.values() for ic in u.interconnects
                    if ic.company == company and ic.site == site), 0.0)

    def _site_problem(self, company: str, site: str, key: str) -> tuple[str, str] | None:
        if company not in self.neoclouds:
            return (f"{key}.company" if "interconnects" in key else f"{key}.provider",
                    f"expected one of the neoclouds {sorted(self.neoclouds)}, got {company!r}")
        sites = self.neoclouds[company].sites
        if site not in sites:
            return f"{key}.site", f"expected one of {company}'s sites {sorted(sites)}, got {site!r}"
        return None
