"""Typed parameters of the customers: hyperscalers and AI labs that buy capacity."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from agents.markets.specs import Rating
from agents.section import Section


class CustomerSpec(Section):
    """A buyer of capacity: its credit, what it buys, how its need grows and how it tenders."""

    display_name: str
    credit_rating: Rating
    buys: Literal["gpu_cloud", "lease", "both"] = "gpu_cloud"
    need_mw: float = Field(default=0.0, ge=0, le=100_000, description="unmet IT MW at the start")
    need_growth_share: float = Field(default=1.0, ge=0, le=5,
                                     description="scales the regime's growth for this buyer")
    tender_mw_min: float = Field(default=50.0, ge=1, le=10_000)
    tender_mw_max: float = Field(default=300.0, ge=1, le=10_000)
    tenders_per_year: float = Field(default=0.0, ge=0, le=52)
    lead_time_days: float = Field(default=270.0, ge=30, le=1825,
                                  description="needed-by after opening")
    bid_window_days: float = Field(default=30.0, ge=1, le=365)
    cloud_term_years: float = Field(default=5.0, ge=1, le=15)
    lease_term_years: float = Field(default=15.0, ge=1, le=30)
    wtp_premium: float = Field(default=0.0, ge=-0.5, le=2, description=(
        "what it pays over the market's rent for a firm multi-year contract"))
    wtp_urgency: float = Field(default=0.20, ge=0, le=2, description=(
        "extra it pays as its unmet need grows to all of its need"))
    capital_cost: float = Field(default=0.08, ge=0, le=0.5, description=(
        "its cost of capital: what building its own capacity would cost it"))
    build_premium: float = Field(default=0.30, ge=0, le=3, description=(
        "what it pays over its own build's cost to have capacity sooner"))
    expansion_probability: float = Field(default=0.3, ge=0, le=1,
                                         description="chance a need goes to an incumbent")
    prepayment_share: float = Field(default=0.0, ge=0, le=1)
    cure_days: float = Field(default=60.0, ge=0, le=730, description="grace after needed-by")
    terminate_after_days: float = Field(default=180.0, ge=0, le=1825,
                                        description="late beyond needed-by + this: terminate")
    delay_credit_share_per_month: float = Field(default=0.10, ge=0, le=1)

    @model_validator(mode="after")
    def _tender_range(self) -> CustomerSpec:
        if self.tender_mw_max < self.tender_mw_min:
            raise ValueError(f"tender_mw_max ({self.tender_mw_max}) is below tender_mw_min "
                             f"({self.tender_mw_min})")
        return self
