"""Typed parameters of GPU supply and the GPU rental market: generations, prices, rents."""

from __future__ import annotations

import datetime as dt

from pydantic import Field, model_validator

from agents.section import Section


class GpuGenerationSpec(Section):
    """A GPU generation: when it ships, what it costs, draws and rents for."""

    available_date: dt.date
    price_usd_per_gpu: float = Field(ge=1000, le=1_000_000,
                                     description="all-in: rack, network, services")
    kw_it_per_gpu: float = Field(ge=0.1, le=10, description="IT kW per GPU all-in")
    lead_time_days: float = Field(ge=0, le=730)
    allocation_gpus_per_quarter: float = Field(ge=1000, le=10_000_000,
                                               description="vendor supply to neoclouds")
    useful_life_years: float = Field(ge=1, le=15, description="depreciation and retirement")
    rent_usd_per_gpu_hour: float | None = Field(default=None, ge=0.05, le=100, description=(
        "the rent index at the world's start, for a generation already renting"))
    launch_premium: float = Field(default=1.3, ge=0.2, le=5, description=(
        "its rent at launch over the newest generation's, for one launching later"))
    launch_slip_days_mean: float = Field(default=0.0, ge=0, le=730, description=(
        "mean of an exponential slip of a later launch past its available date"))


class GpuMarketSpec(Section):
    """The GPU vendor, and the rental market's index by generation."""

    vendor: str
    rent_vol_annual: float = Field(default=0.15, ge=0, le=2, description=(
        "volatility of each generation's rent index"))
    rent_common_share: float = Field(default=0.7, ge=0, le=1, description=(
        "correlation of the generations' rent shocks"))
    rent_pressure_annual: float = Field(default=0.6, ge=0, le=5, description=(
        "log-rent change a year at full tightness (unmet demand with no new supply)"))
    tightness_scale_mw: float = Field(default=500.0, ge=1, le=100_000, description=(
        "MW of unmet demand or new supply that moves tightness halfway"))
    tightness_half_life_days: float = Field(default=90.0, ge=1, le=3650, description=(
        "how long unmet demand and new supply weigh on rents"))
    background_supply_mw_per_month: float = Field(default=0.0, ge=0, le=5000, description=(
        "rental capacity suppliers outside the world bring to market, IT MW a month"))
    launch_aging: float = Field(default=0.15, ge=0, le=0.9, description=(
        "share of rent older generations lose when a newer one launches"))
    lease_share_of_cloud_revenue: float = Field(default=0.17, ge=0.01, le=1, description=(
        "a powered lease's rent per kW, per unit of the GPU-cloud revenue the kW earns"))
    build_hall_usd_per_it_mw: float = Field(default=15e6, ge=100000.0, le=1e8, description=(
        "what a buyer's own AI hall costs, per IT MW (the rent it would pay to avoid it)"))
    build_power_usd_per_mwh: float = Field(default=45.0, ge=0, le=500, description=(
        "the power price a buyer's own hall would pay"))
    build_opex_share_of_capex_annual: float = Field(default=0.06, ge=0, le=0.5, description=(
        "a buyer's own running costs a year beyond power, per dollar of GPUs and hall"))
    build_utilization: float = Field(default=0.9, ge=0.05, le=1, description=(
        "the share of its own GPUs' hours a buyer would use"))
    generations: dict[str, GpuGenerationSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _a_generation_rents_at_the_start(self) -> GpuMarketSpec:
        if not any(g.rent_usd_per_gpu_hour is not None for g in self.generations.values()):
            raise ValueError("at least one generation needs rent_usd_per_gpu_hour (the "
                             "rent index at the start)")
        return self
