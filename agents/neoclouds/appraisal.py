"""A company's candidate projects as cash flows: bids, contracts and its own capacity.

:func:`project_of` turns a :class:`Candidate` (what would be built where, for whom, at
what price and when) into a :class:`agents.neoclouds.returns.Project` with the company's
own figures: its power price and the site's PUE, its costs by what it runs, its tax rate,
its assets' lives, the hall it must build (if the site's halls are full), and the
financing the project unlocks: GPU-backed debt priced off the customer's credit and a
construction loan for the hall. A contract bills its fee whatever the GPUs' use; the
company's own capacity sells hours at the market's rent, which it expects to fall.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

from abm.finance.project import (
    HOURS_PER_MONTH,
    Economics,
    Project,
    equity_npv,
    evaluate,
    floor_revenue,
)
from agents.deals.contracts import Contract
from agents.neoclouds.site import Site
from agents.neoclouds.state import Company

DAYS_PER_MONTH: Final = 365.0 / 12.0
MONTHS_PER_YEAR: Final = 12.0


@dataclass(frozen=True, slots=True)
class Candidate:
    """A project as the company sees it when it decides (times in sim days)."""

    kind: str
    """``gpu_cloud`` (a contract billed per GPU-hour), ``lease`` (per kW-month) or ``own``."""
    site: str
    it_mw: float
    gpus: int
    gpu_usd_per_gpu: float
    gpu_life_years: float
    t_gpu_paid_days: float
    t_service_days: float
    term_months: float
    price: float
    """USD a GPU-hour (cloud, own) or a kW-month (lease)."""
    hall_mw: float = 0.0
    prepayment_share: float = 0.0
    credit_after_months: float = 0.0
    gpu_debt_rate: float = 0.0
    utilization: float = 1.0


def day_halls_in_stock(c: Company, site: Site, it_mw: float,
                       due_days: float | None = None) -> float | None:
    """The day ``site``'s halls, built or leased to come, hold ``it_mw`` (None: build).

    Halls a host hands over later than a new hall would be built (or than ``due_days``,
    when the work has a deadline further out) are not waited for.
    """
    t_free = site.day_halls_free(it_mw)
    if t_free is None:
        return None
    limit = c.now + build_days(c, site, it_mw)
    if due_days is not None:
        limit = max(limit, due_days)
    return max(c.now, t_free) if t_free <= limit else None


def day_halls_ready(c: Company, site: Site, it_mw: float) -> float:
    """The day halls for ``it_mw`` can be ready: from stock, or built from today."""
    stock = day_halls_in_stock(c, site, it_mw)
    return stock if stock is not None else c.now + build_days(c, site, it_mw)


def hall_mw_needed(c: Company, site: Site, it_mw: float) -> float:
    """IT MW of hall to build for ``it_mw`` at ``site``: all of it unless its halls hold it."""
    return 0.0 if day_halls_in_stock(c, site, it_mw) is not None else it_mw


def build_days(c: Company, site: Site, it_mw: float) -> float:
    """Days to build ``it_mw`` of hall at ``site`` (the policy's median)."""
    del site, it_mw
    return c.spec.policy.hall_build_days_median


def _revenue(c: Company, k: Candidate, price: float) -> float:
    """Revenue a month at ``price`` (at the start of service)."""
    if k.kind == "lease":
        return price * k.it_mw * 1000.0
    return price * k.gpus * HOURS_PER_MONTH * k.utilization


def _fixed_opex(c: Company, k: Candidate) -> float:
    """Opex a month that does not scale with revenue: power, the hall, the GPUs."""
    costs = c.spec.costs
    opex = k.it_mw * costs.site_opex_usd_per_it_mw_month
    if k.kind != "lease":  # a tenant pays its own power and looks after its own GPUs
        site = c.sites[k.site]
        opex += (k.it_mw * site.pue * HOURS_PER_MONTH
                 * c.expected_power_usd_per_mwh(site.utility))
        opex += k.gpus * k.gpu_usd_per_gpu * costs.gpu_opex_share_of_capex_annual / 12.0
    return opex


def project_of(c: Company, k: Candidate) -> Project:
    """``k``'s cash flows for company ``c`` at ``k.price``, from now."""
    spec, costs, policy = c.spec, c.spec.costs, c.spec.policy
    now = c.now

    def months(t_days: float) -> float:
        return max(0.0, t_days - now) / DAYS_PER_MONTH

    revenue = _revenue(c, k, k.price)
    per_mw = policy.shell_capex_usd_per_mw if k.kind == "lease" else policy.hall_capex_usd_per_mw
    build = policy.hall_build_days_median / DAYS_PER_MONTH if k.hall_mw > 0 else 0.0
    value = revenue * k.term_months
    own = k.kind == "own"
    return Project(
        revenue_usd_per_month=revenue,
        opex_usd_per_month=_fixed_opex(c, k) + costs.overhead_share_of_revenue * revenue,
        term_months=k.term_months,
        service_start_month=months(k.t_service_days),
        gpu_capex_usd=k.gpus * k.gpu_usd_per_gpu,
        gpu_payment_month=months(k.t_gpu_paid_days),
        hall_capex_usd=per_mw * k.hall_mw,
        build_months=build,
        prepayment_usd=k.prepayment_share * value,
        credit_after_months=k.credit_after_months,
        revenue_decline_monthly=(1.0 - (1.0 - policy.rent_outlook_decline_annual)
                                 ** (1.0 / MONTHS_PER_YEAR)) if own else 0.0,
        gpu_life_months=k.gpu_life_years * MONTHS_PER_YEAR,
        gpu_salvage_share=costs.gpu_salvage_share,
        hall_life_months=costs.hall_life_years * MONTHS_PER_YEAR,
        gpu_debt_share=spec.gpu_debt_share if k.gpus else 0.0,
        gpu_debt_rate=k.gpu_debt_rate,
        gpu_debt_months=spec.gpu_debt_term_years * MONTHS_PER_YEAR,
        hall_debt_share=spec.building_debt_share,
        hall_debt_rate=spec.building_debt_rate,
        hall_debt_months=spec.building_debt_term_years * MONTHS_PER_YEAR,
        tax_rate=costs.tax_rate)


def appraise(c: Company, k: Candidate) -> Economics:
    """``k``'s return test against the company's hurdle."""
    return evaluate(project_of(c, k), c.hurdle_irr())


def floor_price(c: Company, k: Candidate) -> float:
    """The price at which ``k`` earns exactly the company's hurdle."""
    unit = _revenue(c, k, 1.0)
    if unit <= 0:
        return math.inf
    revenue = floor_revenue(project_of(c, k), c.hurdle_irr(),
                            c.spec.costs.overhead_share_of_revenue)
    return revenue / unit


def contract_candidate(c: Company, contract: Contract, gpu_usd_per_gpu: float,
                       gpu_life_years: float, gpu_debt_rate: float) -> Candidate:
    """A signed contract as one project: its tranches' MW, GPUs, value and mean dates.

    The hall is what the site's free halls cannot hold; service starts when its tranches
    are due (online, needed-by, or a hall build and commissioning from now).
    """
    site = c.sites[contract.site]
    mw = contract.it_mw
    gpus = sum(t.gpus for t in contract.tranches if not t.cancelled)
    days = [t.t_online_days if t.t_online_days is not None else
            t.t_needed_by_days if t.t_needed_by_days is not None else
            c.now + c.policy_spec.hall_build_days_median + c.policy_spec.commissioning_days
            for t in contract.tranches if not t.cancelled]
    t_service = sum(days) / len(days) if days else c.now
    term_months = contract.term_years * MONTHS_PER_YEAR
    if contract.kind == "lease":
        price = contract.value_usd / term_months / (mw * 1000.0) if mw > 0 else 0.0
    else:
        price = contract.value_usd / term_months / (gpus * HOURS_PER_MONTH) if gpus else 0.0
    return Candidate(
        kind=contract.kind, site=contract.site, it_mw=mw, gpus=gpus,
        gpu_usd_per_gpu=gpu_usd_per_gpu, gpu_life_years=gpu_life_years,
        t_gpu_paid_days=max(c.now, t_service - c.policy_spec.commissioning_days
                            - c.policy_spec.transit_days) + contract.vendor_payment_days,
        t_service_days=t_service, term_months=term_months, price=price,
        hall_mw=hall_mw_needed(c, site, mw),
        prepayment_share=contract.prepayment_share,
        credit_after_months=float(contract.prepayment_credit_after_months),
        gpu_debt_rate=gpu_debt_rate)


HALL_LEASE_TERM_YEARS: Final = 15.0
"""A powered-shell lease's term, as the sheet's hosts sign them (Galaxy Helios: 15 years)."""


def leased_hall_npv_usd(c: Company, site: str, it_mw: float) -> float:
    """The NPV at ``c``'s hurdle of a hall of ``it_mw`` at ``site``, leased out.

    Built from today and leased at today's market rent for a host's lease term, at the
    company's own costs and financing.
    """
    policy = c.policy_spec
    t_service = c.now + policy.hall_build_days_median + policy.commissioning_days
    lease = Candidate(kind="lease", site=site, it_mw=it_mw, gpus=0, gpu_usd_per_gpu=0.0,
                      gpu_life_years=1.0, t_gpu_paid_days=c.now, t_service_days=t_service,
                      term_months=HALL_LEASE_TERM_YEARS * 12.0,
                      price=c.rents.lease_rent_usd_per_kw_month(), hall_mw=it_mw)
    return equity_npv(project_of(c, lease), c.hurdle_irr())
