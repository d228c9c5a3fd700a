"""Build a Model from a validated WorldSpec: every actor, wired to the others."""

from __future__ import annotations

import datetime as dt

import simpy

from abm.events import LogEvents
from abm.model import Model
from agents.bitcoin.network import Bitcoin
from agents.customers.customer import Customer
from agents.deals.contracts import Contract, Tranche
from agents.deals.specs import ContractSpec
from agents.gpus.rents import RentMarket
from agents.gpus.vendor import GpuVendor
from agents.grid.pipeline import PowerPipeline
from agents.grid.power_prices import PowerPrices
from agents.grid.utility import Utility
from agents.markets.capital import Markets
from agents.markets.demand import Demand
from agents.neoclouds.delivery import lease_key
from agents.neoclouds.neocloud import Neocloud
from agents.neoclouds.policy import DefaultPolicy
from worlds.spec import WorldSpec

HORIZON_MARGIN_DAYS = 31


def build_model(spec: WorldSpec, seed: int, until: dt.date, *,
                log_events: LogEvents = True, env: simpy.Environment | None = None) -> Model:
    """A ready-to-run model of ``spec`` with its random streams rooted at ``seed``.

    ``env``: a fresh SimPy environment to run on (default: the model makes one).
    """
    model = Model(spec.world.start_date, seed, log_events=log_events, env=env)
    horizon_days = int(model.clock.t_of(until)) + HORIZON_MARGIN_DAYS
    btc = Bitcoin(model, spec.bitcoin, horizon_days)
    demand = Demand(model, spec.demand, horizon_days)
    markets = Markets(model, horizon_days, spec.markets, demand, btc)
    rents = RentMarket(model, spec.gpu_market)
    vendor = GpuVendor(model, spec.gpu_market, rents)
    for name, u in spec.utilities.items():
        Utility(model, name, u, study_time_scale=spec.world.study_time_scale,
                build_time_scale=spec.world.build_time_scale)
        if u.power_market is not None:
            PowerPrices(model, name, u.power_market, horizon_days)
    PowerPipeline(model, "pipeline", spec.pipeline)
    companies = {name: Neocloud(model, name, n, btc, markets, vendor, rents)
                 for name, n in spec.neoclouds.items()}
    for company in companies.values():
        company.policy = DefaultPolicy()
        company.build_time_scale = spec.world.build_time_scale
    for utility in spec.utilities.values():
        for ic in utility.interconnects:
            site = companies[ic.company].sites[ic.site]
            for i in range(ic.tranches):
                site.expect_power(model.clock.t_of(ic.target_date) + i * ic.tranche_spacing_days,
                                  ic.mw / ic.tranches)
    customers = {name: Customer(model, name, c, demand, spec.tenders, rents)
                 for name, c in spec.customers.items()}
    for name, c in spec.customers.items():
        markets.rate(name, c.credit_rating)
    for contract_id, k in spec.contracts.items():
        contract = contract_from_spec(model, contract_id, k)
        companies[k.provider].contracts.append(contract)
        buyer = customers.get(k.customer) or companies[k.customer]
        if isinstance(buyer, Customer):
            buyer.contracts.append(contract)
        else:
            buyer.leases.append(contract)
            if k.tenant_site is not None:  # the tenant plans on the halls before they come
                site = buyer.sites[k.tenant_site]
                for tr in contract.tranches:
                    due = (tr.t_online_days if tr.t_online_days is not None
                           else tr.t_hall_ready_days if tr.t_hall_ready_days is not None
                           else tr.t_needed_by_days)
                    site.expect_leased_halls(lease_key(contract, tr), due or 0.0, tr.it_mw)
    return model


def contract_from_spec(model: Model, contract_id: str, k: ContractSpec) -> Contract:
    """A signed contract from its world-file terms (value split by tranche MW)."""
    clock = model.clock
    total_mw = sum(t.it_mw for t in k.tranches)
    total_gpus = sum(t.gpus for t in k.tranches)
    contract = Contract(
        contract_id, k.provider, k.customer, k.site, k.kind, k.value_usd, k.term_years,
        k.prepayment_share, k.prepayment_credit_after_months, k.cure_days,
        k.terminate_after_days, k.delay_credit_share_per_month, gpu_generation=k.gpu_generation,
        gpu_cost_usd_per_gpu=(k.gpu_capex_usd / total_gpus
                              if k.gpu_capex_usd is not None and total_gpus else None),
        vendor_payment_days=k.vendor_payment_days, hall_slip_days_mean=k.hall_slip_days_mean,
        tenant_site=k.tenant_site)

    def t(day: dt.date | None) -> float | None:
        return None if day is None else clock.t_of(day)

    for i, tr in enumerate(k.tranches):
        contract.tranches.append(Tranche(
            i + 1, tr.it_mw, tr.gpus, k.value_usd * tr.it_mw / total_mw,
            t_needed_by_days=t(tr.needed_by), t_ship_days=t(tr.ship_date),
            t_hall_ready_days=t(tr.hall_ready_date),
            t_online_days=t(tr.online_date)))
    return contract
