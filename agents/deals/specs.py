"""Typed parameters of contracts signed before the start, and of how tenders are judged."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from agents.section import Section


class TrancheSpec(Section):
    """One phase of a signed contract: its IT MW, GPUs and dates."""

    it_mw: float = Field(ge=0.1, le=10_000)
    gpus: int = Field(default=0, ge=0, le=5_000_000,
                      description="0 for a lease (the tenant brings GPUs)")
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
    value_usd: float = Field(ge=1e6, le=1e12)
    term_years: float = Field(ge=0.5, le=30)
    gpu_generation: str | None = None
    gpu_capex_usd: float | None = Field(default=None, ge=0, le=1e12,
                                        description="negotiated hardware cost, if known")
    prepayment_share: float = Field(default=0.0, ge=0, le=1)
    prepayment_credit_after_months: int = Field(default=0, ge=0, le=120)
    vendor_payment_days: float = Field(default=30.0, ge=0, le=365)
    hall_slip_days_mean: float = Field(default=0.0, ge=0, le=1460)
    cure_days: float = Field(default=60.0, ge=0, le=730)
    terminate_after_days: float = Field(default=180.0, ge=0, le=1825)
    delay_credit_share_per_month: float = Field(default=0.10, ge=0, le=1)
    tenant_site: str | None = Field(default=None, description=(
        "a lease to a neocloud: the tenant's site whose halls and power each tranche "
        "supplies as it comes online (None: the tenant's load simply sits at the host)"))
    tranches: list[TrancheSpec] = Field(min_length=1)


class TenderRulesSpec(Section):
    """How customers rank bids: time to power first, then price, credit, relationship."""

    ready_tolerance_days: float = Field(ge=0, le=730,
                                        description="ready dates this close count as equal")
    relationship_discount: float = Field(ge=0, le=0.5, description="price edge of an incumbent")
    credit_weight: float = Field(ge=0, le=1, description="price edge per credit notch (0..1)")
