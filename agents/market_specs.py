"""Typed parameters of the market actors: demand regime, customers, GPU supply, tenders."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, model_validator

from agents.section import Section

Regime = Literal["boom", "digestion", "bust"]
REGIMES: tuple[Regime, ...] = ("boom", "digestion", "bust")


class ForcedRegimeSpec(Section):
    """A turn of the cycle forced on a date; the chain goes on from the forced regime."""

    date: dt.date
    regime: Regime


class DemandSpec(Section):
    """The AI demand regime all customers share: a monthly Markov chain."""

    start_regime: Regime
    stay_boom_monthly: float = Field(ge=0, le=1, description="P(boom -> boom) per month")
    boom_to_bust_share: float = Field(ge=0, le=1, description="of leaving boom, share to bust")
    stay_digestion_monthly: float = Field(ge=0, le=1)
    digestion_to_boom_share: float = Field(ge=0, le=1)
    stay_bust_monthly: float = Field(ge=0, le=1)
    bust_to_digestion_share: float = Field(ge=0, le=1)
    growth_boom_annual: float = Field(ge=-1, le=5, description="customer need growth in a boom")
    growth_digestion_annual: float = Field(ge=-1, le=5)
    growth_bust_annual: float = Field(ge=-1, le=5)
    growth_noise_annual: float = Field(ge=0, le=2)
    forced: list[ForcedRegimeSpec] = Field(default_factory=list)


class CustomerSpec(Section):
    """A buyer of capacity: its credit, what it buys, how its need grows and how it tenders."""

    display_name: str
    credit_rating: Literal["AAA", "AA", "A", "BBB", "BB", "B", "NR"]
    buys: Literal["gpu_cloud", "lease", "both"] = "gpu_cloud"
    need_mw: float = Field(default=0.0, ge=0, description="unmet IT MW at the start")
    need_growth_share: float = Field(default=1.0, ge=0, le=5,
                                     description="scales the regime's growth for this buyer")
    tender_mw_min: float = Field(default=50.0, gt=0)
    tender_mw_max: float = Field(default=300.0, gt=0)
    tenders_per_year: float = Field(default=0.0, ge=0, le=52)
    lead_time_days: float = Field(default=270.0, gt=0, description="needed-by after opening")
    bid_window_days: float = Field(default=30.0, gt=0)
    cloud_term_years: float = Field(default=5.0, gt=0)
    lease_term_years: float = Field(default=15.0, gt=0)
    max_price_usd_per_gpu_hour: float = Field(default=3.5, gt=0)
    max_rent_usd_per_kw_month: float = Field(default=180.0, gt=0)
    expansion_probability: float = Field(default=0.3, ge=0, le=1,
                                         description="chance a need goes to an incumbent")
    prepayment_share: float = Field(default=0.0, ge=0, le=1)
    cure_days: float = Field(default=60.0, ge=0, description="grace after needed-by")
    terminate_after_days: float = Field(default=180.0, ge=0,
                                        description="late beyond needed-by + this: terminate")
    delay_credit_share_per_month: float = Field(default=0.10, ge=0, le=1)

    @model_validator(mode="after")
    def _tender_range(self) -> CustomerSpec:
        if self.tender_mw_max < self.tender_mw_min:
            raise ValueError(f"tender_mw_max ({self.tender_mw_max}) is below tender_mw_min "
                             f"({self.tender_mw_min})")
        return self


class GpuGenerationSpec(Section):
    """A GPU generation: when it ships, what it costs, draws and rents for."""

    available_date: dt.date
    price_usd_per_gpu: float = Field(gt=0, description="all-in: rack, network, services")
    kw_it_per_gpu: float = Field(gt=0, description="IT kW per GPU all-in")
    lead_time_days: float = Field(ge=0)
    allocation_gpus_per_quarter: float = Field(gt=0, description="vendor supply to neoclouds")
    launch_rental_usd_per_gpu_hour: float = Field(gt=0)
    useful_life_years: float = Field(gt=0)


class GpuMarketSpec(Section):
    """The GPU vendor and the rental market."""

    vendor: str
    rental_decay_annual: float = Field(ge=0, le=3, description="rental price decay with age")
    newer_generation_discount: float = Field(ge=0, lt=1,
                                             description="rental step down per newer generation")
    generations: dict[str, GpuGenerationSpec] = Field(min_length=1)


class TenderRulesSpec(Section):
    """How customers rank bids: time to power first, then price, credit, relationship."""

    ready_tolerance_days: float = Field(ge=0, description="ready dates this close count as equal")
    relationship_discount: float = Field(ge=0, lt=1, description="price edge of an incumbent")
    credit_weight: float = Field(ge=0, le=1, description="price edge per credit notch (0..1)")
