"""Delivering contracts: each tranche is a SimPy process from signature to service.

GPU cloud: hall build and GPU order start together; at shipment the customer prepays and
the vendor is paid (with GPU-backed debt priced off the customer's credit, see
:mod:`agents.neoclouds.financing`) within its terms; after transit, a ready hall and enough power
(retiring ASICs if the policy allows), commissioning brings the tranche online, unless the
company never managed to pay for its GPUs. A lease: a powered shell is built and the
tenant's load goes in. A watchdog terminates a tranche still not online past its
contract's limit; GPUs already ordered for it still arrive, are paid for, and are sold as
cloud capacity instead.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import simpy

from abm.agent import ProcessBody
from abm.events import Scalar
from abm.finance.debt import ConstructionLoan
from agents.deals.contracts import DAYS_PER_YEAR, Contract, Tranche
from agents.gpus.vendor import Shipment
from agents.neoclouds.appraisal import day_halls_in_stock
from agents.neoclouds.books import pay
from agents.neoclouds.commitments import BuildProgram
from agents.neoclouds.financing import Financing
from agents.neoclouds.fleet import GpuBatch
from agents.neoclouds.site import Site
from agents.neoclouds.state import Company


def start_contract(c: Company, f: Financing, contract: Contract, cause: int | None = None,
                   signed_data: Mapping[str, Scalar] | None = None) -> None:
    """Log the signature (if not yet) and start every tranche's delivery and watchdog.

    ``signed_data`` joins the signature's event (the company's return test of it).
    """
    if contract.signed_event is None:
        contract.signed_event = c.log_dict("contract.signed", cause, {
            "customer": contract.customer, "contract": contract.id,
            "contract_kind": contract.kind, "value_usd": contract.value_usd,
            "it_mw": contract.it_mw, "arr_usd": contract.arr_usd, "site": contract.site,
            **(signed_data or {})})
        if cause is not None:
            f.on_contract_signed(contract, contract.signed_event)
    for tranche in contract.tranches:
        c.sites[contract.site].committed_it_mw += tranche.it_mw
        if tranche.t_online_days is not None and tranche.t_online_days <= c.now:
            if c.sites[contract.site].can_install(tranche.it_mw):
                _already_online(c, contract, tranche)
            else:  # the world's figures leave no room for it: online once there is
                tranche.t_online_days = None
                c.process(_online_when_room(c, contract, tranche))
            continue
        c.process(deliver(c, f, contract, tranche))
        if tranche.t_needed_by_days is not None:
            c.process(_watchdog(c, contract, tranche))


def _already_online(c: Company, contract: Contract, tranche: Tranche) -> None:
    site = c.sites[contract.site]
    site.hall_claims_mw += tranche.it_mw
    site.install_gpus(tranche.it_mw, tenant=contract.kind == "lease")
    if contract.kind == "gpu_cloud":
        gen = c.vendor.generations[c.vendor.latest_generation(c.now)]
        c.batches.append(GpuBatch("existing", site.name, tranche.gpus,
                                  tranche.it_mw * 1000 / max(tranche.gpus, 1),
                                  tranche.gpus * gen.price_usd_per_gpu, gen.useful_life_years,
                                  c.now, contract.id))
    c.loads_changed()
    online = c.log("capacity.online", cause=contract.signed_event, contract=contract.id,
                   tranche=tranche.index, it_mw=tranche.it_mw, gpus=tranche.gpus,
                   site=site.name)
    c.online_events[(contract.id, tranche.index)] = online
    _hand_over(c, contract, tranche, online)


def _online_when_room(c: Company, contract: Contract, tranche: Tranche) -> ProcessBody:
    """A tranche the world says is in service, but its site has no room for.

    It comes into service once there is (``fleet.waiting`` says how much is missing).
    """
    site = c.sites[contract.site]
    c.log("fleet.waiting", cause=contract.signed_event, site=site.name, contract=contract.id,
          tranche=tranche.index, gpus=tranche.gpus, it_mw=tranche.it_mw,
          power_free_mw=site.free_mw, short_mw=tranche.it_mw * site.pue - site.free_mw)
    yield from wait_for_room(c, site, tranche.it_mw, contract.signed_event)
    _already_online(c, contract, tranche)
    tranche.t_online_days = c.now


def wait_for_room(c: Company, site: Site, it_mw: float, cause: int | None) -> ProcessBody:
    """Wait until AI equipment of ``it_mw`` fits ``site``.

    ASICs are retired for it if the policy allows (``mining.retired``); else it waits
    for power.
    """
    while not site.can_install(it_mw):
        if c.retire_asics_for(site, it_mw, cause) > 0:
            c.loads_changed()
        if not site.can_install(it_mw):
            yield c.wait_power()


def deliver(c: Company, f: Financing, contract: Contract, tranche: Tranche) -> ProcessBody:
    """Bring one tranche from signature to service."""
    site, policy = c.sites[contract.site], c.policy_spec
    own_capacity = contract.customer == c.name
    hall = c.process(_build_hall(c, contract, tranche))
    ready_cause = contract.signed_event
    shipment: Shipment | None = None
    paying: simpy.Process | None = None
    if contract.kind == "gpu_cloud":
        gen = contract.gpu_generation or c.vendor.latest_generation(c.now)
        t_ship = (tranche.t_ship_days if tranche.t_ship_days is not None
                  else c.vendor.quote_ship_day(gen, tranche.gpus, c.now))
        ordered = len(c.model.log)  # the id of the vendor's gpu.ordered, logged first
        order = c.vendor.order(c.name, gen, tranche.gpus, contract.signed_event,
                               ship_day=tranche.t_ship_days)
        booked_usd = c.vendor.generations[gen].price_usd_per_gpu * tranche.gpus
        c.unpaid_gpu_usd += booked_usd
        f.commit_gpu(f"{contract.id}.{tranche.index}", booked_usd,
                               0.0 if own_capacity else contract.prepayment_usd(tranche),
                               max(t_ship, c.now) + contract.vendor_payment_days, ordered)
        shipment = yield order
        assert shipment is not None
        if not tranche.cancelled and not own_capacity:
            _prepay(c, contract, tranche, shipment.ship_event)
        cost = (shipment.cost_usd if contract.gpu_cost_usd_per_gpu is None
                else contract.gpu_cost_usd_per_gpu * tranche.gpus)
        paying = c.process(_pay_vendor(c, f, contract, tranche.index, cost, booked_usd,
                                       shipment.ship_event))
        yield c.sleep(policy.transit_days)
        ready_cause = c.log("gpu.delivered", cause=shipment.ship_event, contract=contract.id,
                            tranche=tranche.index, gpus=tranche.gpus, site=site.name)
    yield hall
    yield c.sleep(policy.commissioning_days)
    if paying is not None and not (yield paying):
        return  # the vendor was never paid and took its GPUs back (gpu.payment_failed)
    it_mw = (tranche.gpus * shipment.kw_it_per_gpu / 1000.0) if shipment else tranche.it_mw
    yield from wait_for_room(c, site, it_mw, ready_cause)
    site.install_gpus(it_mw, tenant=contract.kind == "lease")
    if shipment is not None:
        batch = GpuBatch(shipment.generation, site.name, tranche.gpus, shipment.kw_it_per_gpu,
                         cost, shipment.useful_life_years, c.now,
                         None if tranche.cancelled or own_capacity else contract.id,
                         utilization=policy.cloud_utilization)
        c.batches.append(batch)
        c.process(_retire_batch(c, batch))
    c.loads_changed()
    if tranche.cancelled or own_capacity:  # hours for sale, beyond what buyers contracted
        c.rents.report_supply(it_mw)
        c.log("capacity.online", cause=ready_cause, it_mw=tranche.it_mw, gpus=tranche.gpus,
              site=site.name, use="cloud")
        return
    tranche.t_online_days = c.now
    online = c.log("capacity.online", cause=ready_cause, contract=contract.id,
                   tranche=tranche.index, it_mw=tranche.it_mw, gpus=tranche.gpus, site=site.name)
    c.online_events[(contract.id, tranche.index)] = online
    _hand_over(c, contract, tranche, online)
    credit = contract.delay_credit_for(tranche, c.now)
    if credit > 0:
        tranche.delay_credit_usd = credit
        c.log("contract.delay_credits", cause=online, contract=contract.id,
              tranche=tranche.index, amount_usd=credit,
              late_days=c.now - (tranche.t_needed_by_days or c.now))


def _build_hall(c: Company, contract: Contract, tranche: Tranche) -> ProcessBody:
    site, policy = c.sites[contract.site], c.policy_spec
    if day_halls_in_stock(c, site, tranche.it_mw, tranche.t_needed_by_days) is not None:
        site.hall_claims_mw += tranche.it_mw  # built, or a host's, handed over in time
        return
    site.hall_claims_mw += tranche.it_mw
    rng = c.stream(f"hall.{contract.id}.{tranche.index}")
    scale = c.build_time_scale  # the world's knob: a power crunch stretches builds
    if tranche.t_hall_ready_days is not None:
        slip_mean = contract.hall_slip_days_mean * scale
        t_ready = tranche.t_hall_ready_days + (float(rng.exponential(slip_mean))
                                               if slip_mean else 0.0)
    else:
        days = policy.hall_build_days_median * scale * float(np.exp(
            policy.hall_build_days_sigma * rng.standard_normal()))
        t_ready = c.now + days
    per_mw = policy.shell_capex_usd_per_mw if contract.kind == "lease" else (
        policy.hall_capex_usd_per_mw)
    started = c.log("hall.started", cause=contract.signed_event, site=site.name,
                    it_mw=tranche.it_mw, ready_date=c.model.clock.date_of(t_ready).isoformat(),
                    cost_usd=per_mw * tranche.it_mw)
    share = c.spec.building_debt_share
    loan = None
    if share > 0:
        loan = ConstructionLoan(f"build.{contract.id}.{tranche.index}", c.spec.building_debt_rate,
                                c.spec.building_debt_term_years * DAYS_PER_YEAR, t_ready)
        c.log("debt.committed", cause=started, instrument="construction",
              amount_usd=share * per_mw * tranche.it_mw, rate=c.spec.building_debt_rate)
    c.builds.append(BuildProgram(site.name, per_mw * tranche.it_mw, c.now, t_ready, started,
                                 loan, share))
    yield c.sleep(max(0.0, t_ready - c.now))
    site.build_halls(tranche.it_mw)
    planned = tranche.t_hall_ready_days
    c.log("hall.completed", cause=started, site=site.name, it_mw=tranche.it_mw,
          slip_days=round(t_ready - planned, 1) if planned is not None else None)


def lease_key(contract: Contract, tranche: Tranche) -> str:
    """How a tenant's site names the halls one lease tranche will hand over."""
    return f"{contract.id}.{tranche.index}"


def _tenant_site(c: Company, contract: Contract) -> tuple[Company, str] | None:
    """The neocloud and its site a lease's halls join (None: they stay the host's only)."""
    if contract.kind != "lease" or contract.tenant_site is None:
        return None
    tenant = c.model.agents.get(contract.customer)
    return (tenant, contract.tenant_site) if isinstance(tenant, Company) else None


def _hand_over(c: Company, contract: Contract, tranche: Tranche, cause: int) -> None:
    """A lease tranche online: its powered halls become room in the tenant's site."""
    found = _tenant_site(c, contract)
    if found is not None:
        tenant, site = found
        tenant.receive_leased_halls(site, lease_key(contract, tranche), tranche.it_mw,
                                    c.name, cause)


def _prepay(c: Company, contract: Contract, tranche: Tranche, cause: int) -> None:
    amount = contract.prepayment_usd(tranche)
    if amount <= 0:
        return
    tranche.prepaid_usd = amount
    event = c.model.log.append(c.now, contract.customer, "contract.prepaid", cause,
                               {"contract": contract.id, "tranche": tranche.index,
                                "amount_usd": amount})
    pay(c.model, contract.customer, c.name, amount, "deferred.prepayment", event)
    c.deferred_revenue_usd += amount


def _pay_vendor(c: Company, f: Financing, contract: Contract, tranche_index: int, cost_usd: float,
                booked_usd: float, cause: int) -> ProcessBody:
    """Pay within the vendor's terms, with GPU-backed debt (:mod:`agents.neoclouds.financing`)."""
    yield c.sleep(contract.vendor_payment_days)
    paid = yield from f.pay_gpus(f"{contract.id}.{tranche_index}", contract,
                                           tranche_index, cost_usd, cause)
    c.unpaid_gpu_usd -= booked_usd
    return paid


def _watchdog(c: Company, contract: Contract, tranche: Tranche) -> ProcessBody:
    t_limit = contract.t_terminate_days(tranche)
    assert t_limit is not None
    yield c.sleep(max(0.0, t_limit - c.now))
    if tranche.t_online_days is not None:
        return
    tranche.cancelled = True
    contract.status = "terminated"
    c.sites[contract.site].committed_it_mw -= tranche.it_mw
    event = c.log("contract.terminated", cause=contract.signed_event, contract=contract.id,
                  tranche=tranche.index, customer=contract.customer, it_mw=tranche.it_mw,
                  late_days=c.now - (tranche.t_needed_by_days or c.now))
    found = _tenant_site(c, contract)
    if found is not None:
        tenant, site = found
        tenant.sites[site].lose_leased_halls(lease_key(contract, tranche))
    if tranche.prepaid_usd > 0:
        pay(c.model, c.name, contract.customer, tranche.prepaid_usd, "deferred.refund", event)
        c.deferred_revenue_usd -= tranche.prepaid_usd
        tranche.prepaid_usd = 0.0


def _retire_batch(c: Company, batch: GpuBatch) -> ProcessBody:
    yield c.sleep(max(0.0, batch.t_retire_days - c.now))
    batch.in_service = False
    c.sites[batch.site].remove_gpus(batch.it_mw)
    c.loads_changed()
    c.log("gpu.retired", generation=batch.generation, gpus=batch.gpus, site=batch.site)
