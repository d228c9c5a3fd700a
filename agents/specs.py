"""Typed, validated parameters of every actor, read from a world file before a run.

Each section forbids unknown keys, rejects NaN and infinity, and checks signs and ranges,
so a mistake is caught with its dotted key before anything runs. Each section may carry
a ``sources`` table mapping its keys to where the figure comes from.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, model_validator

from agents.capital_specs import CapitalMarketsSpec, FinancingSpec, Settlement
from agents.grid_specs import PipelineSpec, UtilitySpec
from agents.market_specs import CustomerSpec, DemandSpec, GpuMarketSpec, TenderRulesSpec
from agents.section import Section

RESERVED_NAMES = frozenset({"btc", "demand", "markets", "gpu_vendor", "pipeline", "world"})


class WorldInfo(Section):
    """Name, dates and a one-line description of the world."""

    name: str
    description: str = ""
    start_date: dt.date
    until: dt.date = Field(description="default horizon of a run")
    study_time_scale: float = Field(default=1.0, gt=0, le=20, description=(
        "multiplies every grid study time (company, batch and background requests)"))
    build_time_scale: float = Field(default=1.0, gt=0, le=20, description=(
        "multiplies build times: energization after approval, listed interconnect slips, "
        "hall build days and listed hall slips"))

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
    """A convertible note outstanding at the start (a cap price means a capped call held)."""

    name: str
    principal_usd: float = Field(gt=0)
    coupon_rate: float = Field(ge=0, le=1)
    maturity_date: dt.date
    conversion_price_usd: float = Field(gt=0)
    cap_price_usd: float | None = Field(default=None, gt=0)
    settlement: Settlement = "physical"
    call_start_date: dt.date | None = Field(default=None,
                                            description="soft call from this date (None: never)")
    call_trigger: float = Field(default=1.3, ge=1, description="x conversion price to call")

    @model_validator(mode="after")
    def _cap_above_conversion(self) -> ConvertibleSpec:
        if self.cap_price_usd is not None and self.cap_price_usd < self.conversion_price_usd:
            raise ValueError(f"cap_price_usd ({self.cap_price_usd}) is below "
                             f"conversion_price_usd ({self.conversion_price_usd})")
        return self


class PolicySpec(Section):
    """How a neocloud decides: bids, builds, GPU orders, mining, power (defaults are NF)."""

    bid_markup: float = Field(default=0.10, ge=-0.5, le=2,
                              description="price over the market GPU rent or cost-based rent")
    lease_yield_annual: float = Field(default=0.15, gt=0, le=1,
                                      description="lease rent per year / shell capex (D)")
    max_bid_mw: float = Field(default=300.0, gt=0, description="largest IT MW in one bid")
    hall_build_days_median: float = Field(default=300.0, gt=0)
    hall_build_days_sigma: float = Field(default=0.25, ge=0, le=2,
                                         description="lognormal sigma of build time")
    hall_capex_usd_per_mw: float = Field(default=15e6, ge=0,
                                         description="liquid-cooled AI hall, per IT MW")
    shell_capex_usd_per_mw: float = Field(default=10e6, ge=0,
                                          description="powered shell for a lease, per IT MW")
    commissioning_days: float = Field(default=45.0, ge=0)
    transit_days: float = Field(default=14.0, ge=0)
    mining_to_ai: bool = Field(default=True, description="retire ASICs to free power for AI")
    pause_unprofitable_mining: bool = Field(default=True,
                                            description="idle ASICs when hashprice < power cost")
    speculative_gpus_per_quarter: int = Field(default=0, ge=0,
                                              description="uncontracted cloud GPUs to add")
    speculative_site: str | None = None
    speculative_until: dt.date | None = None
    cloud_utilization: float = Field(default=0.85, ge=0, le=1,
                                     description="share of uncontracted GPU-hours sold")
    power_request_free_mw: float = Field(default=0.0, ge=0,
                                         description="seek new power when unsold MW falls below")
    power_slip_allowance_days: float = Field(default=60.0, ge=0,
                                             description="added to expected energization dates")
    max_new_equity_share: float = Field(default=0.25, ge=0, le=5,
                                        description="new equity it would raise, per market cap")


class NeocloudSpec(Section):
    """A neocloud or miner: sites, fleets, money and the rules it finances itself by."""

    display_name: str
    business_model: Literal["integrated_cloud", "lease_host", "miner"]
    listed: bool = True
    credit_rating: Literal["AAA", "AA", "A", "BBB", "BB", "B", "NR"] = "B"
    cash_usd: float
    shares_outstanding: float = Field(gt=0)
    share_price_usd: float = Field(gt=0)
    share_vol_annual: float = Field(default=0.8, gt=0, le=5, description="NF default 80%/yr")
    power_price_usd_per_mwh: float = Field(default=45.0, ge=0,
                                           description="NF default $45/MWh industrial power")
    pue: float = Field(default=1.2, ge=1, le=3, description="NF default 1.2")
    mining_j_per_th: float = Field(default=18.0, gt=0, description="NF default 18 J/TH")
    other_opex_usd_per_month: float = Field(default=10e6, ge=0, description="NF default")
    cash_buffer_usd: float = Field(default=200e6, ge=0, description="NF default")
    atm_discount: float = Field(default=0.03, ge=0, lt=1, description="NF default 3%")
    atm_max_usd_per_month: float = Field(default=300e6, ge=0, description="NF default")
    gpu_debt_share: float = Field(default=0.5, ge=0, le=1,
                                  description="share of GPU capex borrowed against the GPUs")
    gpu_debt_term_years: float = Field(default=5.0, gt=0, description="NF default 5 years")
    building_debt_share: float = Field(default=0.5, ge=0, le=1,
                                       description="share of hall capex borrowed (project loans)")
    building_debt_rate: float = Field(default=0.08, ge=0, le=1, description="NF default 8%/yr")
    building_debt_term_years: float = Field(default=10.0, gt=0, description="NF default 10 years")
    sites: dict[str, SiteSpec]
    fleet: FleetSpec | None = None
    convertibles: list[ConvertibleSpec] = Field(default_factory=list)
    policy: PolicySpec = Field(default_factory=PolicySpec)
    financing: FinancingSpec = Field(default_factory=FinancingSpec)

    @model_validator(mode="after")
    def _sites_exist(self) -> NeocloudSpec:
        for key, site in (("fleet.site", self.fleet.site if self.fleet else None),
                          ("policy.speculative_site", self.policy.speculative_site)):
            if site is not None and site not in self.sites:
                raise ValueError(f"{key} {site!r} is not one of its sites {sorted(self.sites)}")
        return self


class TrancheSpec(Section):
    """One phase of a signed contract: its IT MW, GPUs and dates."""

    it_mw: float = Field(gt=0)
    gpus: int = Field(default=0, ge=0, description="0 for a lease (the tenant brings GPUs)")
    ship_date: dt.date | None = Field(default=None, description="GPU shipment (cloud only)")
    hall_ready_date: dt.date | None = None
    needed_by: dt.date | None = None
    online_date: dt.date | None = Field(default=None,
                                        description="already in service on this date")


class ContractSpec(Section):
    """A contract signed before the start, and its terms."""

    provider: str
    customer: str
    site: str
    kind: Literal["gpu_cloud", "lease"] = "gpu_cloud"
    signed_date: dt.date
    value_usd: float = Field(gt=0)
    term_years: float = Field(gt=0)
    gpu_generation: str | None = None
    gpu_capex_usd: float | None = Field(default=None, ge=0,
                                        description="negotiated hardware cost, if known")
    prepayment_share: float = Field(default=0.0, ge=0, le=1)
    prepayment_credit_after_months: int = Field(default=0, ge=0)
    vendor_payment_days: float = Field(default=30.0, ge=0)
    hall_slip_days_mean: float = Field(default=0.0, ge=0)
    cure_days: float = Field(default=60.0, ge=0)
    terminate_after_days: float = Field(default=180.0, ge=0)
    delay_credit_share_per_month: float = Field(default=0.10, ge=0, le=1)
    tranches: list[TrancheSpec] = Field(min_length=1)


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
        dupes = sorted({n for n in names if names.count(n) > 1} | (set(names) & RESERVED_NAMES))
        if dupes:
            return dupes[0], ("agent names must be unique across utilities, neoclouds, "
                              f"customers and not one of {sorted(RESERVED_NAMES)}")
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
                room_mw = site.secured_mw - site.energized_mw
                if ic.mw > room_mw + 1e-9:
                    return (f"{key}.mw", f"expected at most the site's secured but "
                            f"unenergized power ({room_mw:g} MW), got {ic.mw:g}")
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
        return None

    def _site_problem(self, company: str, site: str, key: str) -> tuple[str, str] | None:
        if company not in self.neoclouds:
            return (f"{key}.company" if "interconnects" in key else f"{key}.provider",
                    f"expected one of the neoclouds {sorted(self.neoclouds)}, got {company!r}")
        sites = self.neoclouds[company].sites
        if site not in sites:
            return f"{key}.site", f"expected one of {company}'s sites {sorted(sites)}, got {site!r}"
        return None
