"""Typed, validated parameters of every actor, read from a world file before a run.

Each section forbids unknown keys, rejects NaN and infinity, and checks signs and ranges,
so a mistake is caught with its dotted key before anything runs. Each section may carry
a ``sources`` table mapping its keys to where the figure comes from.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, model_validator

from agents.grid_specs import UtilitySpec
from agents.section import Section


class WorldInfo(Section):
    """Name, dates and a one-line description of the world."""

    name: str
    description: str = ""
    start_date: dt.date
    until: dt.date = Field(description="default horizon of a run")

    @model_validator(mode="after")
    def _ordered(self) -> WorldInfo:
        if self.until <= self.start_date:
            raise ValueError(f"until ({self.until}) must come after start_date ({self.start_date})")
        return self


class BitcoinSpec(Section):
    """The Bitcoin network and price at the start, and how they move."""

    price_usd: float = Field(gt=0)
    price_vol_annual: float = Field(gt=0, le=5)
    price_tail_df: float = Field(gt=2, description="Student-t degrees of freedom of daily returns")
    price_drift_annual: float = 0.0
    network_hashrate_ehs: float = Field(gt=0)
    hashrate_growth_annual: float = Field(ge=-0.9, le=5)
    hashrate_vol_annual: float = Field(ge=0, le=2)
    block_height: int = Field(gt=0)
    blocks_per_day: float = Field(gt=0)
    subsidy_btc: float = Field(gt=0)
    halving_interval_blocks: int = Field(gt=0)
    fees_share_of_subsidy: float = Field(ge=0, le=5)


class SiteSpec(Section):
    """A powered site: secured grid power, what is energized, and what runs on it."""

    utility: str
    secured_mw: float = Field(ge=0)
    energized_mw: float = Field(ge=0)
    mining_ehs: float = Field(ge=0)
    it_built_mw: float = Field(ge=0, description="data-hall IT capacity built")

    @model_validator(mode="after")
    def _energized_within_secured(self) -> SiteSpec:
        if self.energized_mw > self.secured_mw:
            raise ValueError(f"energized_mw ({self.energized_mw}) exceeds secured_mw "
                             f"({self.secured_mw})")
        return self


class FleetSpec(Section):
    """GPUs in service at the start and what they earn."""

    site: str
    gpus: int = Field(ge=0)
    kw_it_per_gpu: float = Field(gt=0)
    price_usd_per_gpu_hour: float = Field(ge=0)
    utilization: float = Field(ge=0, le=1)
    cost_usd_per_gpu: float = Field(ge=0)
    useful_life_years: float = Field(gt=0)


class ConvertibleSpec(Section):
    """A convertible note outstanding at the start."""

    name: str
    principal_usd: float = Field(gt=0)
    coupon_rate: float = Field(ge=0, le=1)
    maturity_date: dt.date
    conversion_price_usd: float = Field(gt=0)
    cap_price_usd: float | None = Field(default=None, gt=0)


class NeocloudSpec(Section):
    """A neocloud or miner: sites, fleets, money and the rules it finances itself by."""

    display_name: str
    business_model: Literal["integrated_cloud", "lease_host", "miner"]
    cash_usd: float
    shares_outstanding: float = Field(gt=0)
    share_price_usd: float = Field(gt=0)
    share_vol_annual: float = Field(gt=0, le=5)
    power_price_usd_per_mwh: float = Field(ge=0)
    pue: float = Field(ge=1, le=3)
    mining_j_per_th: float = Field(gt=0)
    other_opex_usd_per_month: float = Field(ge=0)
    cash_buffer_usd: float = Field(ge=0)
    atm_discount: float = Field(ge=0, lt=1)
    atm_max_usd_per_month: float = Field(ge=0)
    gpu_debt_share: float = Field(ge=0, le=1)
    gpu_debt_rate: float = Field(ge=0, le=1)
    gpu_debt_term_years: float = Field(gt=0)
    sites: dict[str, SiteSpec]
    fleet: FleetSpec | None = None
    convertibles: list[ConvertibleSpec] = Field(default_factory=list)

    @model_validator(mode="after")
    def _fleet_site_exists(self) -> NeocloudSpec:
        if self.fleet is not None and self.fleet.site not in self.sites:
            raise ValueError(f"fleet.site {self.fleet.site!r} is not one of its sites "
                             f"{sorted(self.sites)}")
        return self


class CustomerSpec(Section):
    """A buyer of capacity."""

    display_name: str
    credit_rating: str


class TrancheSpec(Section):
    """One phase of a contract: its IT MW, GPUs and hardware shipping date."""

    it_mw: float = Field(gt=0)
    gpus: int = Field(gt=0)
    ship_date: dt.date
    hall_ready_date: dt.date


class ContractSpec(Section):
    """A signed capacity contract (GPU cloud services) and its financing terms."""

    provider: str
    customer: str
    site: str
    signed_date: dt.date
    value_usd: float = Field(gt=0)
    term_years: float = Field(gt=0)
    prepayment_share: float = Field(ge=0, le=1)
    prepayment_credit_after_months: int = Field(ge=0)
    gpu_capex_usd: float = Field(ge=0)
    vendor_payment_days: float = Field(ge=0)
    transit_days: float = Field(ge=0)
    commissioning_days: float = Field(ge=0)
    hall_slip_days_mean: float = Field(ge=0)
    building_capex_usd_per_mw: float = Field(ge=0)
    tranches: list[TrancheSpec] = Field(min_length=1)


class WorldSpec(Section):
    """A whole world: every actor's parameters, cross-checked."""

    world: WorldInfo
    bitcoin: BitcoinSpec
    utilities: dict[str, UtilitySpec] = Field(default_factory=dict)
    neoclouds: dict[str, NeocloudSpec]
    customers: dict[str, CustomerSpec] = Field(default_factory=dict)
    contracts: dict[str, ContractSpec] = Field(default_factory=dict)

    def reference_problem(self) -> tuple[str, str] | None:
        """The first cross-reference that does not hold, as (dotted key, expectation)."""
        names = [*self.utilities, *self.neoclouds, *self.customers]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            return dupes[0], "agent names must be unique across utilities, neoclouds, customers"
        for name, company in self.neoclouds.items():
            for site_name, site in company.sites.items():
                if site.utility not in self.utilities:
                    return (f"neoclouds.{name}.sites.{site_name}.utility",
                            f"expected one of the utilities {sorted(self.utilities)}, "
                            f"got {site.utility!r}")
        for uname, utility in self.utilities.items():
            for i, ic in enumerate(utility.interconnects):
                key = f"utilities.{uname}.interconnects.{i}"
                problem = self._site_problem(ic.company, ic.site, key)
                if problem:
                    return problem
                site = self.neoclouds[ic.company].sites[ic.site]
                room_mw = site.secured_mw - site.energized_mw
                if ic.mw > room_mw + 1e-9:
                    return (f"{key}.mw", f"expected at most the site's secured but "
                            f"unenergized power ({room_mw:g} MW), got {ic.mw:g}")
        for cname, contract in self.contracts.items():
            key = f"contracts.{cname}"
            if contract.customer not in self.customers:
                return (f"{key}.customer", f"expected one of the customers "
                        f"{sorted(self.customers)}, got {contract.customer!r}")
            problem = self._site_problem(contract.provider, contract.site, key)
            if problem:
                return problem
        return None

    def _site_problem(self, company: str, site: str, key: str) -> tuple[str, str] | None:
        if company not in self.neoclouds:
            return (f"{key}.company" if "interconnects" in key else f"{key}.provider",
                    f"expected one of the neoclouds {sorted(self.neoclouds)}, got {company!r}")
        sites = self.neoclouds[company].sites
        if site not in sites:
            return f"{key}.site", f"expected one of {company}'s sites {sorted(sites)}, got {site!r}"
        return None
