"""Typed parameters of utilities, their grids, queues and the power pipeline (world sections).

A utility carries its queue policy (first-come-first-served studies or Texas SB 6 style
batch studies), study-time distribution, deposits, emergency curtailment, BC-style call
caps, the grid it serves (supplies, substations, lines, sites) and the background large-load
requesters that fill its queue. The power pipeline lists candidate sites companies compete
for. Every quantity carries its unit in its name; every range is checked before a run.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, model_validator

from agents.section import Section

LoadKind = Literal["ai", "datacenter", "mining"]
QueuePolicy = Literal["fifo", "sb6_batch"]


class InterconnectSpec(Section):
    """A request already studied and approved, with its target energization."""

    company: str
    site: str
    mw: float = Field(ge=1, le=10_000)
    target_date: dt.date = Field(description="first tranche's target energization")
    slip_days_mean: float = Field(ge=0, le=1460,
                                  description="mean slip past the target (exponential)")
    tranches: int = Field(ge=1, le=24)
    tranche_spacing_days: float = Field(ge=0, le=1460)


class SupplySpec(Section):
    """A generation or import node: MW it can serve to large loads, and how that grows."""

    capacity_mw: float = Field(ge=1, le=1_000_000,
                               description="MW available to large loads at the start")
    growth_mw_per_year: float = Field(default=0.0, ge=0, le=1e6,
                                      description="MW added per year (new generation)")


class EdgeSpec(Section):
    """A transmission path between two grid nodes with its MW limit."""

    from_node: str
    to_node: str
    capacity_mw: float = Field(ge=1, le=1_000_000)
    both_ways: bool = Field(default=False, description="also add the reverse direction")


class GridSiteSpec(Section):
    """A site attached to a substation: its connection limit and load already there."""

    substation: str
    attach_capacity_mw: float = Field(ge=1, le=100_000,
                                      description="MW the site's connection can carry")
    existing_load_mw: float = Field(default=0.0, ge=0, le=100_000, description=(
        "MW already committed at the site at the start by whoever holds it; a company's "
        "secured MW replaces it when larger"))


class GridSpec(Section):
    """A utility's grid: supplies, substations, lines and sites, as a directed graph."""

    supplies: dict[str, SupplySpec] = Field(min_length=1, description=(
        "generation and import nodes (called supplies: ``sources`` cites figures)"))
    substations: list[str] = Field(min_length=1)
    edges: list[EdgeSpec] = Field(min_length=1)
    sites: dict[str, GridSiteSpec] = Field(default_factory=dict)
    default_substation: str | None = Field(default=None, description=(
        "where a site not listed here is attached (without a connection limit)"))

    @model_validator(mode="after")
    def _nodes_known(self) -> GridSpec:
        names = [*self.supplies, *self.substations, *self.sites]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"grid node names must be unique, {dupes} repeat")
        nodes = set(names)
        for i, edge in enumerate(self.edges):
            for end in (edge.from_node, edge.to_node):
                if end not in nodes:
                    raise ValueError(f"edges.{i}: unknown node {end!r}, expected one of "
                                     f"the supplies, substations or sites")
        for name, site in self.sites.items():
            if site.substation not in self.substations:
                raise ValueError(f"sites.{name}.substation {site.substation!r} is not one of "
                                 f"the substations {self.substations}")
        if self.default_substation is not None and self.default_substation not in self.substations:
            raise ValueError(f"default_substation {self.default_substation!r} is not one of "
                             f"the substations {self.substations}")
        return self


class BackgroundSpec(Section):
    """Large-load requesters not modelled as agents; their load competes for headroom."""

    initial_queue_mw: float = Field(ge=0, le=1e7, description=(
        "the whole queue at the start, including the listed interconnects"))
    arrivals_per_year: float = Field(ge=0, le=1e5, description="new requests per year")
    request_mw_median: float = Field(ge=1, le=100_000)
    request_mw_sigma: float = Field(ge=0, le=3, description="sigma of log MW (lognormal)")
    request_mw_min: float = Field(ge=1, le=100_000)
    request_mw_max: float = Field(ge=1, le=100_000)
    connect_share: float = Field(ge=0, le=1, description=(
        "share of requests that mean to connect; the others withdraw"))
    withdraw_days_mean: float = Field(ge=1, le=36_500, description=(
        "mean days from filing to withdrawal for requests that do not connect"))
    withdraw_shape: float = Field(default=1.0, ge=0.5, le=5, description=(
        "Weibull shape of the days to withdrawal: 1 a constant hazard, above 1 a hazard "
        "that grows with the time waited (same mean)"))
    node_shares: dict[str, Annotated[float, Field(ge=0, le=1000)]] = Field(
        min_length=1, description="where requests attach: grid node -> weight (normalized)")

    @model_validator(mode="after")
    def _sizes(self) -> BackgroundSpec:
        if not self.request_mw_min <= self.request_mw_median <= self.request_mw_max:
            raise ValueError("expected request_mw_min <= request_mw_median <= request_mw_max")
        weights = list(self.node_shares.values())
        if any(w < 0 for w in weights) or sum(weights) <= 0:
            raise ValueError("node_shares must be >= 0 with a positive sum")
        return self


class PowerMarketSpec(Section):
    """A region's wholesale power price: a mean-reverting level and summer spikes."""

    base_usd_per_mwh: float = Field(ge=1, le=1000, description="long-run level off spikes")
    vol_annual: float = Field(default=0.5, ge=0, le=5, description="log-price noise")
    half_life_days: float = Field(default=20.0, ge=1, le=3650)
    spike_days_per_summer: float = Field(default=0.0, ge=0, le=122, description=(
        "days with a price spike, June to September (Poisson)"))
    spike_hours_mean: float = Field(default=4.0, ge=0.25, le=24)
    spike_usd_per_mwh: float = Field(default=1000.0, ge=0, le=10_000, description=(
        "median price in a spike's hours (lognormal)"))
    spike_sigma: float = Field(default=0.7, ge=0, le=3)


class UtilitySpec(Section):
    """A utility (grid operator): queue policy, studies, deposits, emergencies and grid."""

    display_name: str
    region: str
    interconnects: list[InterconnectSpec] = Field(default_factory=list, description=(
        "requests already approved at the start, energized around their targets"))
    policy: QueuePolicy = Field(default="fifo", description=(
        "fifo: each request studied in its turn; sb6_batch: large loads in batch studies"))
    study_days_median: float = Field(default=180.0, ge=1, le=3650, description=(
        "median days a study takes once it starts (lognormal)"))
    study_days_sigma: float = Field(default=0.5, ge=0, le=3, description=(
        "sigma of log study days (0: every study takes the median)"))
    study_slots: int = Field(default=50, ge=1, le=100_000, description=(
        "studies the utility runs at a time; requests wait their turn in filing order"))
    batch_interval_days: float = Field(default=180.0, ge=1, le=3650, description=(
        "sb6_batch: days between batch closes"))
    batch_start_date: dt.date | None = Field(default=None, description=(
        "sb6_batch: the rules apply from this date (or the start): large loads filed from "
        "then join batches closing every batch_interval_days, and must shed in emergencies"))
    batch_start_latest_date: dt.date | None = Field(default=None, description=(
        "sb6_batch: if set, the rules' start is drawn uniformly between batch_start_date "
        "and this date (a rulemaking's uncertain date)"))
    large_load_threshold_mw: float = Field(default=75.0, ge=1, le=100_000, description=(
        "SB 6 large load: batch-studied, deposit, curtailed in emergencies"))
    deposit_usd_per_mw: float = Field(default=0.0, ge=0, le=1e8, description=(
        "deposit paid on filing, per MW requested"))
    sb6_deposit_usd_per_mw: float = Field(default=0.0, ge=0, le=1e8, description=(
        "sb6_batch: deposit for large loads instead of deposit_usd_per_mw"))
    deposit_refundable_share: float = Field(default=1.0, ge=0, le=1, description=(
        "share of the deposit returned on energization (or on rejection)"))
    first_tranche_days: float = Field(default=180.0, ge=0, le=3650, description=(
        "days from approval to the first energized tranche"))
    tranche_count: int = Field(default=2, ge=1, le=24, description=(
        "equal tranches an approval is energized in"))
    tranche_spacing_days: float = Field(default=90.0, ge=0, le=3650, description=(
        "days between energized tranches"))
    min_approval_mw: float = Field(default=1.0, ge=0, le=1e4, description=(
        "below this much headroom a request is rejected"))
    emergency_rate_per_year: float = Field(default=0.0, ge=0, le=52, description=(
        "grid emergencies a year (Poisson) in which large loads are curtailed"))
    emergency_hours_mean: float = Field(default=4.0, ge=0.1, le=720, description=(
        "mean hours an emergency lasts (exponential)"))
    emergency_shed_share: float = Field(default=0.0, ge=0, le=1, description=(
        "share of each large site's load the utility asks to shed in an emergency"))
    no_new_mining: bool = Field(default=False, description="reject new mining load")
    ai_call_cap_mw: float | None = Field(default=None, ge=0, le=1e5, description=(
        "MW of AI load awarded per call period (None: no call, no cap)"))
    datacenter_call_cap_mw: float | None = Field(default=None, ge=0, le=1e5, description=(
        "MW of data-centre load awarded per call period (None: no call, no cap)"))
    call_period_years: float = Field(default=2.0, ge=0.25, le=50, description=(
        "years each call's caps cover"))
    call_start_date: dt.date | None = Field(default=None, description=(
        "first call; capped loads are not decided before it"))
    grid: GridSpec | None = Field(default=None, description="None: no headroom limit")
    power_market: PowerMarketSpec | None = Field(default=None, description=(
        "the wholesale price loads on this grid pay (None: each company's fixed price)"))
    background: BackgroundSpec | None = Field(default=None, description=(
        "large-load requesters not modelled as agents (None: none)"))

    @model_validator(mode="after")
    def _consistent(self) -> UtilitySpec:
        if self.batch_start_latest_date is not None and (
                self.policy != "sb6_batch" or self.batch_start_date is None
                or self.batch_start_latest_date < self.batch_start_date):
            raise ValueError("batch_start_latest_date needs policy = \"sb6_batch\" and a "
                             "batch_start_date on or before it")
        capped = self.ai_call_cap_mw is not None or self.datacenter_call_cap_mw is not None
        if capped and self.call_start_date is None:
            raise ValueError("call caps need a call_start_date")
        if self.background is not None and self.grid is not None:
            nodes = {*self.grid.substations, *self.grid.sites}
            unknown = sorted(set(self.background.node_shares) - nodes)
            if unknown:
                raise ValueError(f"background.node_shares: {unknown} are not substations or "
                                 f"sites of the grid")
        return self


class CandidateSiteSpec(Section):
    """A prospective site companies can file for, or buy if it is already powered."""

    display_name: str = ""
    utility: str
    region: str
    substation: str = Field(description="grid node the site would attach to")
    prospective_mw: float = Field(ge=1, le=100_000, description="MW the site could take")
    load_kind: LoadKind = "ai"
    powered_mw: float = Field(default=0.0, ge=0, le=100_000,
                              description="MW already energized (buyable)")
    asking_usd_per_mw: float | None = Field(default=None, ge=0, le=1e9, description=(
        "price of a powered site per energized MW"))
    option_usd_per_mw: float = Field(default=0.0, ge=0, le=1e8, description=(
        "fee paid on filing for an unpowered site (land and queue position), per MW"))

    @model_validator(mode="after")
    def _buyable(self) -> CandidateSiteSpec:
        if self.powered_mw > self.prospective_mw:
            raise ValueError(f"powered_mw ({self.powered_mw}) exceeds prospective_mw "
                             f"({self.prospective_mw})")
        if self.powered_mw > 0 and self.asking_usd_per_mw is None:
            raise ValueError("a powered candidate needs asking_usd_per_mw")
        return self


class SiteArrivalSpec(Section):
    """Sites that come to market in a region over time (a Poisson process)."""

    utility: str
    substations: list[str] = Field(min_length=1, description="grid nodes a site may attach to")
    sites_per_year: float = Field(ge=0, le=100)
    mw_median: float = Field(ge=1, le=10_000, description="prospective MW of a site (lognormal)")
    mw_sigma: float = Field(default=0.5, ge=0, le=3)
    powered_share: float = Field(default=0.0, ge=0, le=1, description=(
        "share of sites already energized (bought outright); the rest are filed for"))
    powered_usd_per_mw: float = Field(default=0.0, ge=0, le=1e8, description=(
        "median price of a powered site per energized MW"))
    option_usd_per_mw: float = Field(default=0.0, ge=0, le=1e8, description=(
        "median fee for an unpowered site's land and queue position, per MW"))
    price_sigma: float = Field(default=0.3, ge=0, le=3)
    offer_days: float = Field(default=90.0, ge=1, le=3650, description=(
        "days a site stays on the market before a buyer outside the world takes it"))
    load_kind: LoadKind = "ai"


class PipelineSpec(Section):
    """The power pipeline: candidate sites across utilities and regions."""

    candidates: dict[str, CandidateSiteSpec] = Field(default_factory=dict)
    arrivals: dict[str, SiteArrivalSpec] = Field(default_factory=dict, description=(
        "sites coming to market over the run, by region"))
    bid_window_days: float = Field(default=14.0, ge=0, le=365, description=(
        "days companies have to bid for a site once it is offered"))

    def reference_problem(self, utilities: dict[str, UtilitySpec]) -> tuple[str, str] | None:
        """The first candidate naming an unknown utility or grid node, as (key, expected)."""
        for name, c in self.candidates.items():
            key = f"pipeline.candidates.{name}"
            if c.utility not in utilities:
                return (f"{key}.utility",
                        f"expected one of the utilities {sorted(utilities)}, got {c.utility!r}")
            grid = utilities[c.utility].grid
            if grid is not None and c.substation not in grid.substations:
                return (f"{key}.substation", f"expected one of {c.utility}'s substations "
                        f"{grid.substations}, got {c.substation!r}")
            if grid is not None and name in {*grid.supplies, *grid.substations, *grid.sites}:
                return key, f"a candidate may not reuse the grid node name {name!r}"
        for region, a in self.arrivals.items():
            key = f"pipeline.arrivals.{region}"
            if a.utility not in utilities:
                return (f"{key}.utility",
                        f"expected one of the utilities {sorted(utilities)}, got {a.utility!r}")
            grid = utilities[a.utility].grid
            unknown = sorted(set(a.substations) - set(grid.substations if grid else ()))
            if grid is not None and unknown:
                return (f"{key}.substations", f"expected {a.utility}'s substations "
                        f"{grid.substations}, got {unknown}")
        return None
