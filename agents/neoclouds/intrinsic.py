"""What a company's operations in place are worth: cash flows the market discounts.

The market values a listed company (:mod:`agents.markets.capital`) from what it holds.
This module turns its contracts and fleets into cash-flow streams (:class:`Stream`):

* a contract tranche (the company the provider): its fee over the rest of its term, from
  the day it comes online (or is due), less what serving it costs: power and the hall for
  GPU cloud, the hall alone for a lease, the GPUs' upkeep, overhead that grows with
  revenue; then tax; and its GPUs' book value at the term's end;
* a lease the company rents from a host (the company the lessee): the rent it owes;
* GPUs sold by the hour: today's rent, falling as the company expects
  (``rent_outlook_decline_annual``; a fixed price does not fall), at their billed share
  over the rest of their useful life, less their running costs and tax, plus salvage.

A stream's present value is a closed form (:func:`abm.finance.discount.pv_flow`) at the
market's rate for contracted or for uncontracted cash flows. Its run-rate a year from now
gives the forward EBITDA that leverage is measured on. Mining (valued on the day's
hashprice) and power (valued per MW) are the market's, not here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from abm.finance.discount import discount_factor, pv_flow
from agents.deals.contracts import Contract, Tranche
from agents.neoclouds.state import Company

DAYS_PER_YEAR: Final = 365.0
HOURS_PER_YEAR: Final = 8760.0
MONTHS_PER_YEAR: Final = 12.0


@dataclass(frozen=True, slots=True)
class Stream:
    """A cash flow from ``t0`` to ``t1`` (years from now) and what is left at its end."""

    contracted: bool
    revenue_usd_per_year: float
    """At time 0 (a falling rent is this much now); negative for rent owed."""
    cost_usd_per_year: float
    decline_annual: float
    depreciation_usd_per_year: float
    t0_years: float
    t1_years: float
    residual_usd: float


@dataclass(frozen=True, slots=True)
class InPlace:
    """Present values of the operations in place, by the rate they are discounted at."""

    contracted_usd: float
    cloud_usd: float

    @property
    def value_usd(self) -> float:
        """Both together."""
        return self.contracted_usd + self.cloud_usd


def streams(c: Company) -> list[Stream]:
    """Every cash-flow stream of ``c``'s contracts, leases and hourly GPUs, from now."""
    out: list[Stream] = []
    for contract in c.contracts:
        if contract.customer == c.name:
            continue
        for tranche in contract.tranches:
            stream = _tranche_stream(c, contract, tranche)
            if stream is not None:
                out.append(stream)
    for lease in c.leases:
        for tranche in lease.tranches:
            stream = _rent_stream(c, lease, tranche)
            if stream is not None:
                out.append(stream)
    for batch in c.batches:
        if batch.contract is not None:
            continue
        t0 = max(0.0, batch.t_commissioned_days - c.now) / DAYS_PER_YEAR
        t1 = max(0.0, batch.t_retire_days - c.now) / DAYS_PER_YEAR
        if t1 <= t0:
            continue
        share = (batch.utilization_target if batch.utilization_target is not None
                 else batch.utilization)
        revenue = batch.gpus * share * HOURS_PER_YEAR * c.rent_of(batch)
        fixed = batch.price_usd_per_gpu_hour is not None
        salvage = batch.cost_usd * c.spec.costs.gpu_salvage_share
        cost = running_cost_usd_per_year(c, batch.site, batch.it_mw, batch.cost_usd, True)
        out.append(Stream(
            False, revenue, cost, 0.0 if fixed else c.policy_spec.rent_outlook_decline_annual,
            (batch.cost_usd - salvage) / batch.useful_life_years, t0, t1, salvage))
    return out


def _tranche_stream(c: Company, contract: Contract, tranche: Tranche) -> Stream | None:
    """A tranche the company serves, from now to the end of its term (None: nothing left)."""
    if tranche.cancelled or tranche.value_usd <= 0:
        return None
    on = _t_on(c, tranche)
    off = on + contract.term_days
    t0, t1 = max(0.0, on - c.now) / DAYS_PER_YEAR, (off - c.now) / DAYS_PER_YEAR
    if t1 <= t0:
        return None
    gpu_usd, life_years = _gpu_cost(c, contract, tranche)
    cloud = contract.kind == "gpu_cloud"
    salvage_share = c.spec.costs.gpu_salvage_share
    used = min(1.0, contract.term_years / life_years) if life_years > 0 else 1.0
    residual = gpu_usd * (1.0 - (1.0 - salvage_share) * used)
    cost = running_cost_usd_per_year(c, contract.site, tranche.it_mw, gpu_usd, cloud)
    return Stream(True, contract.fee_usd_per_day(tranche) * DAYS_PER_YEAR, cost, 0.0,
                  (gpu_usd - residual) / contract.term_years, t0, t1, residual)


def _rent_stream(c: Company, lease: Contract, tranche: Tranche) -> Stream | None:
    """Rent the company owes a host for a tranche, from now to the end of its term."""
    if tranche.cancelled or tranche.value_usd <= 0:
        return None
    on = _t_on(c, tranche)
    t0 = max(0.0, on - c.now) / DAYS_PER_YEAR
    t1 = (on + lease.term_days - c.now) / DAYS_PER_YEAR
    if t1 <= t0:
        return None
    return Stream(True, -lease.fee_usd_per_day(tranche) * DAYS_PER_YEAR, 0.0, 0.0, 0.0,
                  t0, t1, 0.0)


def _t_on(c: Company, tranche: Tranche) -> float:
    """The day a tranche comes (or came) online: its day, its due day, or a build away."""
    if tranche.t_online_days is not None:
        return tranche.t_online_days
    if tranche.t_needed_by_days is not None:
        return max(c.now, tranche.t_needed_by_days)
    return c.now + c.policy_spec.hall_build_days_median + c.policy_spec.commissioning_days


def _gpu_cost(c: Company, contract: Contract, tranche: Tranche) -> tuple[float, float]:
    """(cost of the tranche's GPUs, their useful life in years); none for a lease."""
    generation = contract.gpu_generation
    if contract.kind != "gpu_cloud" or generation not in c.vendor.generations:
        return 0.0, 0.0
    gen = c.vendor.generations[generation]
    per_gpu = (contract.gpu_cost_usd_per_gpu if contract.gpu_cost_usd_per_gpu is not None
               else gen.price_usd_per_gpu)
    return tranche.gpus * per_gpu, gen.useful_life_years


def running_cost_usd_per_year(c: Company, site: str, it_mw: float, gpu_usd: float,
                              cloud: bool) -> float:
    """What serving ``it_mw`` costs a year: the hall, and for GPU cloud power and upkeep."""
    costs = c.spec.costs
    cost = it_mw * costs.site_opex_usd_per_it_mw_month * MONTHS_PER_YEAR
    if cloud:
        if site in c.sites:
            pue = c.sites[site].pue
            price = c.expected_power_usd_per_mwh(c.sites[site].utility)
        else:
            pue, price = c.spec.pue, c.power_price_usd_per_mwh
        cost += it_mw * pue * HOURS_PER_YEAR * price
        cost += gpu_usd * costs.gpu_opex_share_of_capex_annual
    return cost


def present_value(c: Company, all_streams: list[Stream], contracted_rate: float,
                  cloud_rate: float) -> InPlace:
    """The streams' present value after tax, each at its rate (see the module docstring)."""
    tax, overhead = c.spec.costs.tax_rate, c.spec.costs.overhead_share_of_revenue
    contracted = cloud = 0.0
    for s in all_streams:
        rate = contracted_rate if s.contracted else cloud_rate
        revenue = pv_flow(s.revenue_usd_per_year * (1.0 - overhead), s.t0_years, s.t1_years,
                          rate, s.decline_annual)
        if s.revenue_usd_per_year < 0:  # rent owed: no overhead, tax or residual
            revenue = pv_flow(s.revenue_usd_per_year, s.t0_years, s.t1_years, rate)
        cost = pv_flow(s.cost_usd_per_year, s.t0_years, s.t1_years, rate)
        depreciation = pv_flow(s.depreciation_usd_per_year, s.t0_years, s.t1_years, rate)
        value = revenue - cost - tax * max(0.0, revenue - cost - depreciation)
        value += s.residual_usd * discount_factor(s.t1_years, rate)
        if s.contracted:
            contracted += value
        else:
            cloud += value
    return InPlace(contracted, cloud)


def forward_ebitda_usd(c: Company, all_streams: list[Stream]) -> float:
    """EBITDA a year from now.

    The streams then in service, mining at today's hashprice, less the overhead that does
    not scale.
    """
    overhead = c.spec.costs.overhead_share_of_revenue
    total = 0.0
    for s in all_streams:
        if s.t0_years <= 1.0 < s.t1_years:
            revenue = s.revenue_usd_per_year * (1.0 - s.decline_annual)
            total += revenue * (1.0 - overhead if revenue > 0 else 1.0) - s.cost_usd_per_year
    margin = max(0.0, c.btc.usd_per_eh_day.at(c.now) - c.mining_cost_usd_per_eh_day)
    mining_opex = c.spec.costs.mining_opex_usd_per_ehs_month * MONTHS_PER_YEAR
    total += c.hashrate_ehs * (margin * DAYS_PER_YEAR - mining_opex)
    return total - c.spec.costs.overhead_usd_per_month * MONTHS_PER_YEAR
