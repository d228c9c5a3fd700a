"""Typed parameters of a neocloud or miner: sites, fleet, notes, policy and financing.

A world's ``neoclouds.<name>`` sections. Defaults marked NF are reasoned values where the
fact sheets have none.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, model_validator

from abm.finance.coupon_schedule import COUPON_FREQUENCIES, DayCount
from agents.markets.specs import DEFAULT_INSTRUMENTS, Instrument, Rating, Settlement
from agents.neoclouds.backstop import BackstopSpec
from agents.section import Section

GPU_LTV_BY_RATING: dict[Rating, float] = {"AAA": 1.0, "AA": 1.0, "A": 1.0, "BBB": 0.95,
                                           "BB": 0.85, "B": 0.75, "NR": 0.7}
"""A GPU lender's advance by the customer's credit, per ``gpu_debt_share`` (NF)."""


class DistressSpec(Section):
    """What a company that cannot pay does: rescue financing, then a restructuring (NF)."""

    rescue_spread: float = Field(default=0.12, ge=0, le=0.5, description=(
        "a rescue loan pays the risk-free rate plus this"))
    rescue_ltv: float = Field(default=0.5, ge=0, le=1, description=(
        "rescue lenders lend up to this share of collateral, less secured debt"))
    rescue_term_years: float = Field(default=3.0, ge=0.5, le=10)
    energized_collateral_usd_per_mw: float = Field(default=1.5e6, ge=0, le=1e8, description=(
        "what a rescue lender counts an energized MW for"))
    secured_collateral_usd_per_mw: float = Field(default=0.25e6, ge=0, le=1e8, description=(
        "what a rescue lender counts a MW secured, not yet energized, for"))
    recovery_share: float = Field(default=0.6, ge=0.01, le=1, description=(
        "in a restructuring, notes and rescue loans become shares worth this share of them"))


class FinancingSpec(Section):
    """How one company raises money when its cash plan shows a gap (defaults are NF)."""

    instruments: list[Instrument] = Field(default_factory=lambda: list(DEFAULT_INSTRUMENTS),
                                          description="tried in this order")
    credit_spread: float | None = Field(default=None, ge=0, le=0.5, description=(
        "the company's own spread; None: the spread of its credit rating"))
    gap_horizon_months: float = Field(default=12.0, ge=1, le=36, description=(
        "the cash plan pre-funds committed capex and debt service this far ahead"))
    capacity_haircut: float = Field(default=0.5, ge=0, le=0.95, description=(
        "when bidding, count on raising at a market cap this much below today's"))
    capped_call: bool = True
    settlement: Settlement = "physical"
    induce_conversions: bool = False
    induce_moneyness: float = Field(default=2.5, ge=1.05, le=10, description=(
        "induce conversion when the share price is this multiple of the conversion price"))
    induce_premium_share: float = Field(default=0.03, ge=0, le=0.5, description=(
        "cash sweetener per principal for an induced conversion"))
    private_round_usd_per_year: float = Field(default=0.0, ge=0, le=1e11)
    private_round_days: float = Field(default=90.0, ge=0, le=730)
    payment_grace_days: float = Field(default=60.0, ge=0, le=730, description=(
        "a vendor waits this long for a late GPU payment before cancelling the order"))
    window_momentum: float = Field(default=0.30, ge=0, le=10, description=(
        "a rise of the share price over three months that opens the window to raise more"))
    window_news_days: float = Field(default=30.0, ge=0, le=365, description=(
        "days after a contract signed during which the window is open"))
    window_horizon_factor: float = Field(default=1.5, ge=1, le=4, description=(
        "with the window open, pre-fund this many times the horizon"))
    min_days_between_converts: float = Field(default=120.0, ge=0, le=730, description=(
        "a new convertible waits this long after the last, unless cash is below the buffer"))
    refinance_within_years: float = Field(default=2.0, ge=0, le=10, description=(
        "a new convertible buys back older notes out of the money maturing this soon"))
    refinance_share_of_proceeds: float = Field(default=0.5, ge=0, le=1)
    atm_program_usd: float | None = Field(default=None, ge=1e6, le=1e11, description=(
        "an ATM program's size (None: no limit); a new one is filed when it is sold out"))
    atm_refile_days: float = Field(default=90.0, ge=0, le=730, description=(
        "days from a sold-out ATM program to the next"))
    max_leverage_turns: float = Field(default=6.0, ge=0.5, le=30, description=(
        "above this net debt / forward EBITDA the company issues no new convertible debt"))
    min_dscr: float = Field(default=1.05, ge=1, le=3, description=(
        "debt-service coverage a GPU facility must keep; a breach stops its draws"))
    gpu_ltv_by_rating: dict[Rating, Annotated[float, Field(ge=0, le=1)]] = Field(
        default_factory=lambda: dict(GPU_LTV_BY_RATING),
        description="GPU-backed lending against a contract, per gpu_debt_share, by customer")
    distress: DistressSpec = Field(default_factory=lambda: DistressSpec())


    @model_validator(mode="after")
    def _every_rating(self) -> FinancingSpec:
        missing = sorted(set(GPU_LTV_BY_RATING) - set(self.gpu_ltv_by_rating))
        if missing:
            raise ValueError(f"gpu_ltv_by_rating needs every rating, missing {missing}")
        if any(not 0 <= x <= 1 for x in self.gpu_ltv_by_rating.values()):
            raise ValueError("gpu_ltv_by_rating values must be within [0, 1]")
        return self

class SiteSpec(Section):
    """A powered site: secured grid power, what is energized, and what runs on it."""

    utility: str
    secured_mw: float = Field(ge=0, le=20_000)
    energized_mw: float = Field(ge=0, le=20_000)
    mining_ehs: float = Field(ge=0, le=500)
    it_built_mw: float = Field(ge=0, le=20_000, description="data-hall IT capacity built")

    @model_validator(mode="after")
    def _energized_within_secured(self) -> SiteSpec:
        if self.energized_mw > self.secured_mw:
            raise ValueError(f"energized_mw ({self.energized_mw}) exceeds secured_mw "
                             f"({self.secured_mw})")
        return self


class FleetSpec(Section):
    """A batch of GPUs the company owns at the start: in service, or arriving.

    It sells its hours as cloud capacity: at a fixed price if it has one, else at its
    generation's rent index. The share of hours billed ramps from ``utilization`` at the
    start to ``utilization_target`` on ``target_date`` (a management target: it slips by a
    drawn delay); a batch with an ``online_date`` comes into service then (also slipping).
    """

    site: str
    gpus: int = Field(ge=0, le=2_000_000)
    generation: str | None = Field(default=None, description=(
        "rents at this generation's index (None: at its fixed price)"))
    kw_it_per_gpu: float = Field(ge=0.1, le=10)
    price_usd_per_gpu_hour: float | None = Field(default=None, ge=0, le=100)
    utilization: float = Field(ge=0, le=1, description="share of hours billed at the start")
    utilization_target: float | None = Field(default=None, ge=0, le=1)
    target_date: dt.date | None = None
    target_slip_days_mean: float = Field(default=0.0, ge=0, le=730)
    online_date: dt.date | None = Field(default=None, description=(
        "comes into service then (None: in service at the start)"))
    online_slip_days_mean: float = Field(default=0.0, ge=0, le=730)
    cost_usd_per_gpu: float = Field(ge=0, le=1_000_000)
    useful_life_years: float = Field(ge=1, le=15)

    @model_validator(mode="after")
    def _priced_and_targeted(self) -> FleetSpec:
        if (self.generation is None) == (self.price_usd_per_gpu_hour is None):
            raise ValueError("a fleet batch rents at a generation's index or at a fixed "
                             "price_usd_per_gpu_hour: give exactly one")
        if (self.utilization_target is None) != (self.target_date is None):
            raise ValueError("utilization_target and target_date go together")
        return self


class CostSpec(Section):
    """What a company spends to run, by what it runs; its taxes; its assets' lives."""

    overhead_usd_per_month: float = Field(default=10e6, ge=0, le=1e9, description=(
        "corporate overhead that does not scale: management, listing, systems"))
    overhead_share_of_revenue: float = Field(default=0.04, ge=0, le=0.5, description=(
        "overhead that grows with the business (sales, support, G&A)"))
    site_opex_usd_per_it_mw_month: float = Field(default=25_000.0, ge=0, le=500_000, description=(
        "running an AI hall: staff, maintenance, insurance, property tax, per IT MW in service"))
    gpu_opex_share_of_capex_annual: float = Field(default=0.026, ge=0, le=0.5, description=(
        "repairs, spares, network and software a year, per dollar of GPUs in service"))
    mining_opex_usd_per_ehs_month: float = Field(default=50_000.0, ge=0, le=1e6, description=(
        "running mining sites beyond their power, per EH/s running"))
    tax_rate: float = Field(default=0.21, ge=0, le=0.6, description="on positive pre-tax income")
    hall_life_years: float = Field(default=20.0, ge=1, le=60, description=(
        "halls and shells depreciate over this"))
    gpu_salvage_share: float = Field(default=0.10, ge=0, le=0.9, description=(
        "GPUs depreciate to this share of their cost"))


class ConvertibleSpec(Section):
    """A convertible note outstanding at the start (a cap price means a capped call held)."""

    name: str
    principal_usd: float = Field(ge=1e6, le=1e11)
    coupon_rate: float = Field(ge=0, le=1)
    coupons_per_year: int = Field(default=2, ge=1, le=12, description=(
        "coupon payments a year, on dates counted back from maturity (NF default: "
        "semiannual, as US convertible notes pay)"))
    day_count: DayCount = Field(default="30/360", description=(
        "how a coupon period's interest accrues: 30/360, actual/365 or actual/360 "
        "(NF default: 30/360, as US convertible notes accrue)"))
    maturity_date: dt.date
    conversion_price_usd: float = Field(ge=0.01, le=10_000)
    cap_price_usd: float | None = Field(default=None, ge=0.01, le=100_000)
    settlement: Settlement = "physical"
    call_start_date: dt.date | None = Field(default=None,
                                            description="soft call from this date (None: never)")
    call_trigger: float = Field(default=1.3, ge=1, le=5, description="x conversion price to call")

    @model_validator(mode="after")
    def _valid_terms(self) -> ConvertibleSpec:
        if self.coupons_per_year not in COUPON_FREQUENCIES:
            raise ValueError(f"coupons_per_year ({self.coupons_per_year}) must be one of "
                             f"{COUPON_FREQUENCIES}")
        if self.cap_price_usd is not None and self.cap_price_usd < self.conversion_price_usd:
            raise ValueError(f"cap_price_usd ({self.cap_price_usd}) is below "
                             f"conversion_price_usd ({self.conversion_price_usd})")
        return self


class PolicySpec(Section):
    """How a neocloud decides: bids, builds, GPU orders, mining, power (defaults are NF)."""

    bid_markup: float = Field(default=0.0, ge=-0.5, le=2,
                              description="price over the market's rent, floored at the hurdle")
    max_bid_mw: float = Field(default=300.0, ge=1, le=10_000,
                              description="largest IT MW in one bid")
    hall_build_days_median: float = Field(default=300.0, ge=30, le=3650)
    hall_build_days_sigma: float = Field(default=0.25, ge=0, le=2,
                                         description="lognormal sigma of build time")
    hall_capex_usd_per_mw: float = Field(default=15e6, ge=0, le=1e8,
                                         description="liquid-cooled AI hall, per IT MW")
    shell_capex_usd_per_mw: float = Field(default=10e6, ge=0, le=1e8,
                                          description="powered shell for a lease, per IT MW")
    commissioning_days: float = Field(default=45.0, ge=0, le=730)
    transit_days: float = Field(default=14.0, ge=0, le=365)
    mining_to_ai: bool = Field(default=True, description="retire ASICs to free power for AI")
    pause_unprofitable_mining: bool = Field(default=True,
                                            description="idle ASICs when hashprice < power cost")
    speculative_gpus_per_quarter: int = Field(default=0, ge=0, le=1_000_000,
                                              description="uncontracted cloud GPUs to add")
    speculative_site: str | None = None
    speculative_until: dt.date | None = None
    cloud_utilization: float = Field(default=0.85, ge=0, le=1,
                                     description="share of uncontracted GPU-hours sold")
    power_request_free_mw: float = Field(default=0.0, ge=0, le=20_000,
                                         description="seek new power when unsold MW falls below")
    power_slip_allowance_days: float = Field(default=60.0, ge=0, le=1460,
                                             description="added to expected energization dates")
    max_new_equity_share: float = Field(default=0.25, ge=0, le=5,
                                        description="new equity it would raise, per market cap")
    hurdle_irr: float = Field(default=0.10, ge=-0.5, le=1.0, description=(
        "the least equity IRR a project must earn to be bid or built, unlevered in calm "
        "markets"))
    hurdle_follows_capital_cost: bool = Field(default=True, description=(
        "the hurdle rises with what the market adds to its cost of capital: its leverage, "
        "the regime's credit spreads, a rate shock"))
    bid_ceiling_premium: float = Field(default=0.30, ge=0, le=5, description=(
        "no bid when its floor price is above the market's by more than this"))
    rent_outlook_decline_annual: float = Field(default=0.15, ge=0, le=0.9, description=(
        "how fast it expects market rents to fall, valuing uncontracted capacity"))
    hashprice_outlook_decline_annual: float = Field(default=0.10, ge=0, le=0.9, description=(
        "how fast it expects revenue per EH/s to fall as the network grows (halvings apart)"))
    upgrade_asics: bool = Field(default=True, description=(
        "replace a site's ASICs with new machines when the return clears its hurdle"))
    idle_asic_retire_days: float = Field(default=365.0, ge=30, le=3650, description=(
        "ASICs paused this long are retired"))
    pivot_to_hosting: bool = Field(default=True, description=(
        "a miner bids to host AI when a leased hall beats mining per MW"))


class NeocloudSpec(Section):
    """A neocloud or miner: sites, fleets, money and the rules it finances itself by."""

    display_name: str
    business_model: Literal["integrated_cloud", "lease_host", "miner"]
    listed: bool = True
    credit_rating: Rating = "B"
    cash_usd: float = Field(ge=0, le=1e11)
    shares_outstanding: float = Field(ge=1, le=1e11)
    share_price_usd: float = Field(ge=0.01, le=10_000)
    share_vol_annual: float = Field(default=0.8, ge=0.05, le=5, description="NF default 80%/yr")
    power_price_usd_per_mwh: float = Field(default=45.0, ge=0, le=500,
                                           description="NF default $45/MWh industrial power")
    power_fixed_share: float = Field(default=1.0, ge=0, le=1, description=(
        "share of its load on a grid with a power market bought at its fixed price "
        "(PPAs, hedges); the rest pays the wholesale price"))
    curtail_mining_in_spikes: bool = Field(default=True, description=(
        "ASICs on a market grid stop in price spikes (fixed-price power is sold back)"))
    pue: float = Field(default=1.2, ge=1, le=3, description="NF default 1.2")
    mining_j_per_th: float = Field(default=18.0, ge=5, le=100, description="NF default 18 J/TH")
    mining_uptime: float = Field(default=1.0, ge=0.01, le=1, description=(
        "share of installed hashrate that runs (repairs, curtailment, ramp)"))
    cash_buffer_usd: float = Field(default=200e6, ge=0, le=1e10, description="NF default")
    atm_discount: float = Field(default=0.03, ge=0, le=0.5, description="NF default 3%")
    atm_max_usd_per_month: float = Field(default=300e6, ge=0, le=1e10, description="NF default")
    gpu_debt_share: float = Field(default=0.5, ge=0, le=1,
                                  description="share of GPU capex borrowed against the GPUs")
    gpu_debt_term_years: float = Field(default=5.0, ge=0.5, le=15, description="NF default 5 years")
    building_debt_share: float = Field(default=0.5, ge=0, le=1,
                                       description="share of hall capex borrowed (project loans)")
    building_debt_rate: float = Field(default=0.08, ge=0, le=1, description="NF default 8%/yr")
    building_debt_term_years: float = Field(default=10.0, ge=1, le=40,
                                            description="NF default 10 years")
    sites: dict[str, SiteSpec]
    fleet: list[FleetSpec] = Field(default_factory=list)
    costs: CostSpec = Field(default_factory=CostSpec)
    convertibles: list[ConvertibleSpec] = Field(default_factory=list)
    policy: PolicySpec = Field(default_factory=PolicySpec)
    financing: FinancingSpec = Field(default_factory=FinancingSpec)
    capacity_backstop: BackstopSpec | None = Field(default=None, description=(
        "a buyer of last resort for its uncontracted GPUs' unsold hours"))

    @model_validator(mode="after")
    def _sites_exist(self) -> NeocloudSpec:
        places = [(f"fleet.{i}.site", batch.site) for i, batch in enumerate(self.fleet)]
        for key, site in [*places, ("policy.speculative_site", self.policy.speculative_site)]:
            if site is not None and site not in self.sites:
                raise ValueError(f"{key} {site!r} is not one of its sites {sorted(self.sites)}")
        return self
