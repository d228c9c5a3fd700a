"""Customers: buyers of capacity whose need grows with the regime, and who tender for it.

A customer's need in IT MW grows at the shared regime's rate (scaled for the customer,
with noise). At its own cadence it looks at what its contracts do not cover: with some
probability it expands with an incumbent directly; otherwise it opens a tender, lets every
neocloud of the right kind bid until the deadline, then awards by time to power, price,
credit and relationship. Contracts terminated for late delivery are tendered again.

What it pays follows the market: a bid is acceptable up to the rent index of its GPU
generation (or, for a powered lease, the lease rent the index implies) times the regime's
willingness to pay, plus a premium for a firm contract and more as its unmet need grows.
What no acceptable bid fills is reported to the rent market as unmet demand.
"""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import Final

import numpy as np

from abm.agent import Agent, ProcessBody
from abm.model import Model
from agents.customers.specs import CustomerSpec
from agents.deals.contracts import CREDIT_AFTER_MONTHS, DAYS_PER_YEAR, Contract, Tranche
from agents.deals.specs import TenderRulesSpec
from agents.deals.tender import Bid, Tender, rank_bids
from agents.gpus.rents import RentMarket
from agents.markets.demand import Demand
from agents.neoclouds.neocloud import Neocloud

DRAW_BLOCK: Final = 256


class Customer(Agent):
    """A hyperscaler or AI lab that buys GPU capacity or leases powered shells."""

    def __init__(self, model: Model, name: str, spec: CustomerSpec, demand: Demand,
                 rules: TenderRulesSpec, rents: RentMarket) -> None:
        super().__init__(model, name)
        self.spec, self.demand, self.rules, self.rents = spec, demand, rules, rents
        self.contracts: list[Contract] = []
        self.need_mw = spec.need_mw
        self._t_need = 0.0
        self._draws = self._draw_block()
        self._i = 0
        self.tenders_opened = 0

    def _draw_block(self) -> list[list[float]]:
        """Four uniforms for each of the next tenders, drawn together (one call per block).

        As Python floats (the same values): a row is read as numbers, not as an array.
        """
        draws: list[list[float]] = self.stream("tenders").random((DRAW_BLOCK, 4)).tolist()
        return draws

    def _next_draws(self) -> list[float]:
        if self._i >= DRAW_BLOCK:
            self._draws, self._i = self._draw_block(), 0
        row = self._draws[self._i]
        self._i += 1
        return row

    @property
    def contracted_mw(self) -> float:
        """IT MW under live contracts (online or being delivered)."""
        return sum((k.it_mw for k in self.contracts), 0.0)

    def start(self) -> None:
        """Start tendering (if this customer tenders at all)."""
        if self.spec.tenders_per_year > 0:
            self.process(self._procure())

    def _grow_need(self) -> None:
        dt_years = (self.now - self._t_need) / DAYS_PER_YEAR
        if dt_years <= 0:
            return
        u = self._next_draws()[3]
        noise = self.demand.spec.growth_noise_annual * math.sqrt(dt_years) * _normal(u)
        growth = self.demand.growth_at(self.now) * self.spec.need_growth_share
        self.need_mw *= float(np.exp(growth * dt_years + noise))
        self._t_need = self.now

    def _procure(self) -> ProcessBody:
        while True:
            u_wait, u_size, u_expand, _ = self._next_draws()
            yield self.sleep(-np.log(1.0 - u_wait) * DAYS_PER_YEAR
                             / self.spec.tenders_per_year)
            self._grow_need()
            gap = self.need_mw - self.contracted_mw
            if gap < self.spec.tender_mw_min:
                continue
            mw = float(min(self.spec.tender_mw_max, self.spec.tender_mw_min
                           + u_size * (min(gap, self.spec.tender_mw_max)
                                       - self.spec.tender_mw_min)))
            incumbents = self._incumbents()
            if incumbents and u_expand < self.spec.expansion_probability:
                self._expand(incumbents, mw)
            else:
                yield from self._tender(mw, incumbents)

    def _incumbents(self) -> list[str]:
        """Providers with a live contract and no termination with this customer."""
        terminated = {k.provider for k in self.contracts if k.status == "terminated"}
        return sorted({k.provider for k in self.contracts if k.provider != self.name}
                      - terminated)

    def _kind(self) -> str:
        return "lease" if self.spec.buys == "lease" else "gpu_cloud"

    def _new_tender(self, mw: float, expansion_of: str | None) -> Tender:
        self.tenders_opened += 1
        kind = self._kind()
        term = self.spec.lease_term_years if kind == "lease" else self.spec.cloud_term_years
        t_needed = self.now + self.spec.lead_time_days
        tender_id = f"{self.name}.t{self.tenders_opened}"
        opened = self.log("tender.opened", tender=tender_id, contract_kind=kind, it_mw=mw,
                          needed_by=self.model.clock.date_of(t_needed).isoformat(),
                          term_years=term, expansion_of=expansion_of)
        return Tender(tender_id, self.name, kind, mw, t_needed, term,  # type: ignore[arg-type]
                      self.now + self.spec.bid_window_days, opened, expansion_of,
                      self.spec.prepayment_share)

    def _bidders(self) -> list[Neocloud]:
        return [a for a in self.model.of_type(Neocloud) if a.name != self.name]

    def _tender(self, mw: float, incumbents: list[str]) -> ProcessBody:
        tender = self._new_tender(mw, None)
        for company in self._bidders():
            company.on_tender(tender)
        yield self.sleep(self.spec.bid_window_days)
        self._award(tender, set(incumbents))

    def _expand(self, incumbents: list[str], mw: float) -> None:
        tender = self._new_tender(mw, incumbents[0])
        for name in incumbents:
            bid = self.model.agent(name, Neocloud).quote(tender)
            if bid is not None:
                tender.bids.append(bid)
        self._award(tender, set(incumbents))

    def _market_and_own(self, kind: str, generation: str | None) -> tuple[float, float]:
        """The market's rent now, and the most it would pay rather than build.

        That ceiling is what building the capacity itself would cost it (at its cost of
        capital), plus what it pays to have the capacity sooner.
        """
        spec, rents = self.spec, self.rents
        if kind == "gpu_cloud":
            generation = generation or rents.newest()
            own = rents.build_rent_usd_per_gpu_hour(generation, spec.capital_cost)
            return rents.rent(generation), own * (1.0 + spec.build_premium)
        own = rents.build_lease_usd_per_kw_month(spec.capital_cost, spec.lease_term_years)
        return rents.lease_rent_usd_per_kw_month(), own * (1.0 + spec.build_premium)

    def willingness_to_pay(self, kind: str, generation: str | None) -> float:
        """The most it pays now: USD a GPU-hour of ``generation``, or a kW-month leased.

        The market's rent moved by the regime, a premium for a firm contract and its
        urgency, but never more than its own build would cost it (with the premium for
        speed).
        """
        spec = self.spec
        market, ceiling = self._market_and_own(kind, generation)
        urgency = max(0.0, min(1.0, 1.0 - self.contracted_mw / self.need_mw)
                      if self.need_mw > 0 else 0.0)
        regime = self.demand.spec.wtp(self.demand.regime_at(self.now))
        pays = market * regime * (1.0 + spec.wtp_premium + spec.wtp_urgency * urgency)
        return min(pays, ceiling)

    def acceptable(self, bid: Bid, tender: Tender) -> bool:
        """Within what it pays and not so late the contract would be terminated."""
        late_limit = tender.t_needed_by_days + self.spec.terminate_after_days
        return (bid.price <= self.willingness_to_pay(tender.kind, bid.generation)
                and bid.t_ready_days <= late_limit)

    def _award(self, tender: Tender, incumbents: set[str]) -> None:
        ranked = [b for b in rank_bids(tender, incumbents, self.rules.ready_tolerance_days,
                                       self.rules.relationship_discount, self.rules.credit_weight)
                  if self.acceptable(b, tender)]
        late_limit = tender.t_needed_by_days + self.spec.terminate_after_days
        priced_out = sum(b.it_mw for b in tender.bids
                         if b.t_ready_days <= late_limit and b not in ranked)
        remaining = tender.it_mw
        for bid in ranked:
            if remaining <= 1e-6:
                break
            provider = self.model.agent(bid.company, Neocloud)
            mw = min(bid.it_mw, remaining)
            share = mw / bid.it_mw
            gpus = round(bid.gpus * share)
            annual = bid.annual_value_usd(tender.kind) * share
            unit = ("price_usd_per_gpu_hour" if tender.kind == "gpu_cloud"
                    else "rent_usd_per_kw_month")
            awarded = self.log_dict("contract.awarded", bid.event, {
                "tender": tender.id, "provider": bid.company, "it_mw": mw,
                "value_usd": annual * tender.term_years, unit: bid.price})
            contract = Contract(f"{tender.id}.{bid.company}", bid.company, self.name, bid.site,
                                tender.kind, annual * tender.term_years, tender.term_years,
                                self.spec.prepayment_share, CREDIT_AFTER_MONTHS,
                                self.spec.cure_days,
                                self.spec.terminate_after_days,
                                self.spec.delay_credit_share_per_month,
                                gpu_generation=bid.generation)
            contract.tranches.append(Tranche(1, mw, gpus, annual * tender.term_years,
                                             t_needed_by_days=tender.t_needed_by_days))
            self.contracts.append(contract)
            economics = {} if bid.economics is None else bid.economics.scaled(share).data()
            provider.sign(contract, awarded, economics)
            remaining -= mw
        if remaining > 1e-6:
            offered = min(remaining, priced_out)
            market, ceiling = self._market_and_own(tender.kind, None)
            builds = market > ceiling  # the market asks more than its own build: it builds
            self.log("tender.unfilled", cause=tender.opened_event, tender=tender.id,
                     it_mw=remaining, bids=len(tender.bids), acceptable=len(ranked),
                     priced_out_mw=offered, builds_own=builds)
            if not builds:
                self.rents.report_unmet(remaining - offered)
            self.rents.report_priced_out(offered)

    def metric_names(self) -> tuple[str, ...]:
        """Month-end need and contracted capacity."""
        return ("need_mw", "contracted_mw")

    def metrics(self) -> tuple[float, ...]:
        """Need (grown to now) and IT MW under contract."""
        self._grow_need()
        return (self.need_mw, self.contracted_mw)


_STANDARD_NORMAL: Final = NormalDist()


def _normal(u: float) -> float:
    """A standard normal from a uniform (inverse CDF, Acklam's rational approximation)."""
    return _STANDARD_NORMAL.inv_cdf(min(max(u, 1e-12), 1 - 1e-12))
