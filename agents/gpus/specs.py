"""Typed parameters of GPU supply: generations, prices, power, lead times and rents."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from agents.section import Section


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
