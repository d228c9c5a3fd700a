"""A neocloud's decisions, in one swappable object: bids, mining, speculative GPUs.

``DefaultPolicy`` bids where it can deliver soonest: the site with the most unpromised
power, a ready date from power, hall and GPU lead times, and a price at the market rent
(GPU cloud) or a target yield on the shell (lease), plus its markup. Each month it idles
ASICs whose hashprice no longer covers their power, restarts them when it does, and orders
speculative cloud GPUs as its parameters say.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Final

from abm.agent import ProcessBody
from agents.deals.contracts import CREDIT_AFTER_MONTHS, VENDOR_PAYMENT_DAYS, Contract, Tranche
from agents.deals.tender import Bid, Tender
from agents.neoclouds.appraisal import (
    Candidate,
    appraise,
    day_halls_ready,
    floor_price,
    hall_mw_needed,
)
from agents.neoclouds.mining_choices import review as review_mining
from agents.neoclouds.neocloud import Neocloud, Policy
from agents.neoclouds.power_seeking import seek_power
from agents.neoclouds.site import Site

BID_PREP_DAYS: Final = 7.0
MIN_BID_MW: Final = 25.0
SPECULATIVE_QUARTER_DAYS: Final = 365.0 / 4.0



class DefaultPolicy(Policy):
    """The reference decision rules, parameterized by the company's ``PolicySpec``."""

    def __init__(self) -> None:
        self._t_last_speculative = -1e9

    # --- monthly ---------------------------------------------------------------------
    def plan(self, c: Neocloud) -> None:
        """Pause or resume ASICs by margin; place speculative GPU orders; seek power."""
        if c.policy_spec.pause_unprofitable_mining:
            self._steer_mining(c)
        review_mining(c, lambda: funding_headroom_usd(c))
        self._order_speculative(c)
        if c.bids_on is not None:
            seek_power(c, lambda: funding_headroom_usd(c))

    def _steer_mining(self, c: Neocloud) -> None:
        usd_per_eh_day = c.btc.usd_per_eh_day.at(c.now)
        for site in c.sites.values():
            if site.mining_ehs <= 0:
                continue
            profitable = usd_per_eh_day > c.mining_power_usd_per_eh_day(site.j_per_th)
            if not profitable and site.mining_paused_ehs < site.mining_ehs:
                site.mining_paused_ehs = site.mining_ehs
                site.t_paused_days = c.now
                c.loads_changed()
                c.log("mining.paused", site=site.name, ehs=site.mining_ehs,
                      hashprice_usd_per_ph_day=usd_per_eh_day / 1000.0)
            elif profitable and site.mining_paused_ehs > 0:
                site.mining_paused_ehs = 0.0
                site.t_paused_days = None
                c.loads_changed()
                c.log("mining.resumed", site=site.name, ehs=site.mining_ehs,
                      hashprice_usd_per_ph_day=usd_per_eh_day / 1000.0)

    def _order_speculative(self, c: Neocloud) -> None:
        policy = c.policy_spec
        if not policy.speculative_gpus_per_quarter or policy.speculative_site is None:
            return
        if policy.speculative_until is not None and c.model.today > policy.speculative_until:
            return
        if c.now - self._t_last_speculative < SPECULATIVE_QUARTER_DAYS - 1e-9:
            return
        site = c.sites[policy.speculative_site]
        generation = c.vendor.latest_generation(c.now)
        gen = c.vendor.generations[generation]
        gpus = policy.speculative_gpus_per_quarter
        it_mw = gpus * gen.kw_it_per_gpu / 1000.0
        if site.uncommitted_it_mw < it_mw:
            return
        if funding_headroom_usd(c) < gpus * gen.price_usd_per_gpu * (1.0 - c.spec.gpu_debt_share):
            return  # cannot fund uncontracted GPUs now (see agents.neoclouds.financing)
        self._t_last_speculative = c.now
        t_ship = c.vendor.quote_ship_day(generation, gpus, c.now) + policy.transit_days
        t_hall = day_halls_ready(c, site, it_mw)
        candidate = Candidate(
            kind="own", site=site.name, it_mw=it_mw, gpus=gpus,
            gpu_usd_per_gpu=gen.price_usd_per_gpu, gpu_life_years=gen.useful_life_years,
            t_gpu_paid_days=t_ship, t_service_days=max(t_ship, t_hall) + policy.commissioning_days,
            term_months=gen.useful_life_years * 12.0, price=c.rents.rent(generation),
            hall_mw=hall_mw_needed(c, site, it_mw), utilization=policy.cloud_utilization,
            gpu_debt_rate=c.financing.gpu_loan_rate_for(c.name))
        economics = appraise(c, candidate)
        if not economics.clears:
            c.log_dict("capacity.declined", None, {
                "site": site.name, "gpus": gpus, "generation": generation,
                "rent_usd_per_gpu_hour": candidate.price, **economics.data()})
            return
        decision = c.log_dict("capacity.planned", None, {
            "site": site.name, "gpus": gpus, "it_mw": it_mw, "generation": generation,
            **economics.data()})
        own = Contract(f"{c.name}.cloud.{decision}", c.name, c.name, site.name, "gpu_cloud",
                       0.0, 1.0, gpu_generation=generation)
        own.tranches.append(Tranche(1, it_mw, gpus, 0.0))
        own.signed_event = decision
        c.speculative.append(own)
        c.sign(own)

    # --- tenders -----------------------------------------------------------------------
    def bid(self, c: Neocloud, tender: Tender) -> ProcessBody:
        """Wait the preparation time, then submit the quote (if any) before the deadline."""
        yield c.sleep(min(BID_PREP_DAYS, max(0.0, tender.t_deadline_days - c.now)))
        bid = self.quote(c, tender)
        if bid is not None and c.now <= tender.t_deadline_days:
            tender.bids.append(bid)

    def quote(self, c: Neocloud, tender: Tender) -> Bid | None:
        """Price and date a bid from the best site; None if it cannot or will not bid.

        It does not when no site can host it, or when the price its hurdle needs is far
        above what the market pays (``bid.declined``). The bid is priced at the market's
        rent plus the markup, or at the floor the company's hurdle sets if that is higher.
        """
        policy = c.policy_spec
        mw = min(tender.it_mw, policy.max_bid_mw)
        site = _best_site(c, mw)
        if site is None:
            return None
        mw = min(mw, site.uncommitted_it_mw)
        need_per_mw = equity_need_per_it_mw(c, tender.kind,
                                            hall_mw_needed(c, site, mw) > 0)
        affordable_mw = funding_headroom_usd(c) / need_per_mw if need_per_mw > 0 else mw
        mw = min(mw, affordable_mw)
        if mw < min(MIN_BID_MW, tender.it_mw):
            return None
        t_power = _power_ready_day(c, site, mw)
        if t_power is None:
            return None
        t_hall = day_halls_ready(c, site, mw)
        t_ready = max(t_power, t_hall)
        gpus, generation, gpu_usd, life, t_paid = 0, None, 0.0, 0.0, c.now
        if tender.kind == "gpu_cloud":
            generation = c.vendor.latest_generation(c.now)
            gen = c.vendor.generations[generation]
            gpus = int(mw * 1000.0 / gen.kw_it_per_gpu)
            gpu_usd, life = gen.price_usd_per_gpu, gen.useful_life_years
            t_ship = c.vendor.quote_ship_day(generation, gpus, c.now)
            t_paid = t_ship + VENDOR_PAYMENT_DAYS
            t_ready = max(t_ready, t_ship + policy.transit_days)
            market = c.rents.rent(generation)
        else:
            market = c.rents.lease_rent_usd_per_kw_month()
        t_ready += policy.commissioning_days
        candidate = Candidate(
            kind=tender.kind, site=site.name, it_mw=mw, gpus=gpus, gpu_usd_per_gpu=gpu_usd,
            gpu_life_years=life, t_gpu_paid_days=t_paid, t_service_days=t_ready,
            term_months=tender.term_years * 12.0, price=market * (1.0 + policy.bid_markup),
            hall_mw=hall_mw_needed(c, site, mw), prepayment_share=tender.prepayment_share,
            credit_after_months=CREDIT_AFTER_MONTHS,
            gpu_debt_rate=c.financing.gpu_loan_rate_for(tender.customer))
        floor = floor_price(c, candidate)
        unit = "price_usd_per_gpu_hour" if tender.kind == "gpu_cloud" else "rent_usd_per_kw_month"
        if floor > market * (1.0 + policy.bid_ceiling_premium):
            c.log_dict("bid.declined", tender.opened_event, {
                "tender": tender.id, "customer": tender.customer, "reason": "below_hurdle",
                "floor_" + unit: floor, "market_" + unit: market,
                "hurdle_irr": c.hurdle_irr()})
            return None
        price = max(floor, candidate.price)
        economics = appraise(c, replace(candidate, price=price))
        event = c.log_dict("bid.submitted", tender.opened_event, {
            "tender": tender.id, "customer": tender.customer, "site": site.name, "it_mw": mw,
            "ready_date": c.model.clock.date_of(t_ready).isoformat(), unit: price,
            "floor_" + unit: floor, **economics.data()})
        return Bid(tender.id, c.name, site.name, mw, t_ready, price, gpus, generation,
                   c.spec.credit_rating, event, economics)


def funding_headroom_usd(c: Neocloud) -> float:
    """Equity the company could still put into new projects.

    Cash above its buffer, plus what its financing could raise at today's market (converts
    within the outstanding limit, ATM within the volume limit and ``max_new_equity_share``
    of market cap; nothing right after a failed raise), less the equity part of GPUs
    ordered but unpaid and of halls still to be built: :meth:`Financing.headroom_usd`.
    """
    return c.financing.headroom_usd()


def equity_need_per_it_mw(c: Neocloud, kind: str, needs_hall: bool) -> float:
    """Equity a new IT MW takes: the unborrowed part of its GPUs (cloud) and its hall."""
    spec, policy = c.spec, c.policy_spec
    hall_per_mw = policy.hall_capex_usd_per_mw if kind == "gpu_cloud" else (
        policy.shell_capex_usd_per_mw)
    need = hall_per_mw * (1.0 - spec.building_debt_share) if needs_hall else 0.0
    if kind == "gpu_cloud":
        gen = c.vendor.generations[c.vendor.latest_generation(c.now)]
        need += gen.price_usd_per_gpu * 1000.0 / gen.kw_it_per_gpu * (1.0 - spec.gpu_debt_share)
    return need


def _best_site(c: Neocloud, mw: float) -> Site | None:
    """The site that can host the most of ``mw`` soonest (energized headroom first)."""
    candidates = [s for s in c.sites.values() if s.uncommitted_it_mw >= min(mw, 25.0)]
    if not candidates:
        return None
    return max(candidates, key=lambda s: (_energized_room_it_mw(c, s) >= mw,
                                          s.uncommitted_it_mw, s.name))


def _mining_that_stays_mw(c: Neocloud, site: Site) -> float:
    return 0.0 if c.policy_spec.mining_to_ai else site.mining_load_mw


def _energized_room_it_mw(c: Neocloud, site: Site) -> float:
    """IT MW the site's energized power can host beyond what is promised (ASICs may go)."""
    return (site.energized_mw - _mining_that_stays_mw(c, site)) / site.pue - site.committed_it_mw


def _power_ready_day(c: Neocloud, site: Site, mw: float) -> float | None:
    """When the site can power ``mw`` more IT beyond its promises: now, later, or never.

    Later is when the utility's expected energizations first cover every promise plus this
    one, with the policy's allowance for slips.
    """
    needed_mw = (site.committed_it_mw + mw) * site.pue + _mining_that_stays_mw(c, site)
    day = site.day_power_reaches(needed_mw)
    if day is None:
        return None
    if day <= c.now:
        return c.now
    return day + c.policy_spec.power_slip_allowance_days
