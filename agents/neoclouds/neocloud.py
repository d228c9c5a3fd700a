"""A neocloud: a company (:mod:`agents.neoclouds.state`) with its processes, policy and CFO.

Contract tranches are delivered by :mod:`agents.neoclouds.delivery`; tenders are answered
by its policy (a :class:`Policy`, :mod:`agents.neoclouds.policy` for the reference rules);
a monthly planning process lets the policy pause or resume ASICs and order speculative
GPUs. Its financing (:mod:`agents.neoclouds.financing`) raises money when its cash plan
shows a gap and pays for GPUs; each convertible note lives its own process
(:mod:`agents.neoclouds.conversions`). At every month end its books close
(:mod:`agents.neoclouds.books`), then the financing looks ahead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from mypy_extensions import mypyc_attr

from abm.agent import ProcessBody
from abm.events import Scalar
from abm.model import Model
from agents.bitcoin.network import Bitcoin
from agents.deals.contracts import Contract
from agents.deals.tender import Bid, Tender
from agents.gpus.rents import RentMarket
from agents.gpus.vendor import GpuVendor
from agents.grid.candidate import Candidate
from agents.markets.capital import Markets
from agents.neoclouds.appraisal import appraise, contract_candidate
from agents.neoclouds.books import METRICS, close_books, sample_metrics
from agents.neoclouds.conversions import note_lifecycle
from agents.neoclouds.delivery import start_contract
from agents.neoclouds.financing import Financing
from agents.neoclouds.fleet import GpuBatch
from agents.neoclouds.power_seeking import site_bid_usd, take_site
from agents.neoclouds.specs import NeocloudSpec
from agents.neoclouds.state import Company

DAYS_PER_MONTH = 365.0 / 12.0


@mypyc_attr(allow_interpreted_subclasses=True)  # tests write policies of their own
class Policy:
    """What a neocloud's decision-maker answers (the reference rules: ``DefaultPolicy``)."""

    def plan(self, c: Neocloud) -> None:
        """Monthly decisions (mining, speculative capacity, power)."""
        raise NotImplementedError

    def bid(self, c: Neocloud, tender: Tender) -> ProcessBody:
        """Prepare and submit a bid (or decline) for ``tender``."""
        raise NotImplementedError

    def quote(self, c: Neocloud, tender: Tender) -> Bid | None:
        """The bid this company would make for ``tender`` right now, if any."""
        raise NotImplementedError


class Neocloud(Company):
    """A company turning grid power into compute (and, while it pays, Bitcoin)."""

    def __init__(self, model: Model, name: str, spec: NeocloudSpec, btc: Bitcoin,
                 markets: Markets, vendor: GpuVendor, rents: RentMarket) -> None:
        super().__init__(model, name, spec, btc, markets, vendor, rents)
        self.financing = Financing(self, markets)
        self.policy: Policy | None = None
        model.on_month_end(self._close_books)
        model.on_month_end(self._look_ahead, late=True)

    # --- processes -----------------------------------------------------------------------
    def start(self) -> None:
        """Start deliveries, notes' lives, financing, planning and the fleet's arrivals."""
        for contract in list(self.contracts):
            start_contract(self, self.financing, contract, None, self._signed_economics(contract))
        self.financing.start()
        for note in self.notes:
            self.process(note_lifecycle(self, self.financing, note))
        self.process(self._plan_monthly())
        for batch in self.batches:
            if not batch.in_service:
                self.process(self._arrive(batch))

    def _signed_economics(self, contract: Contract) -> dict[str, float]:
        """The return test of a contract signed before the start, on its own terms."""
        if contract.signed_event is not None or contract.customer == self.name:
            return {}
        gpu_usd, life = 0.0, 0.0
        if contract.kind == "gpu_cloud" and contract.gpu_generation is not None:
            gen = self.vendor.generations[contract.gpu_generation]
            gpu_usd = (contract.gpu_cost_usd_per_gpu if contract.gpu_cost_usd_per_gpu is not None
                       else gen.price_usd_per_gpu)
            life = gen.useful_life_years
        rate = self.financing.gpu_loan_rate(contract)
        return appraise(self, contract_candidate(self, contract, gpu_usd, life, rate)).data()

    def _arrive(self, batch: GpuBatch) -> ProcessBody:
        """A batch of the starting fleet comes into service on its day.

        As much of it as fits (retiring ASICs if the policy allows); the rest waits for
        power.
        """
        yield self.sleep(max(0.0, batch.t_commissioned_days - self.now))
        waiting: int | None = None
        while True:
            retired = self.retire_asics_for(self.sites[batch.site], batch.it_mw, waiting)
            rest = self.place_batch(batch)
            if batch.in_service or retired > 0:
                self.loads_changed()
            if batch.in_service:
                self.rents.report_supply(batch.it_mw)
                self.log("capacity.online", cause=waiting, site=batch.site, gpus=batch.gpus,
                         it_mw=batch.it_mw, generation=batch.generation, use="cloud")
            if rest is None:
                return
            if waiting is None or rest is not batch:
                waiting = self.note_waiting(rest, waiting)
            batch = rest
            yield self.wait_power()

    def _plan_monthly(self) -> ProcessBody:
        while True:
            if self.policy is not None:
                self.policy.plan(self)
            yield self.sleep(DAYS_PER_MONTH)

    # --- what other agents call ------------------------------------------------------------
    def on_tender(self, tender: Tender) -> None:
        """A customer opened a tender: let the policy decide whether and how to bid."""
        if self.policy is not None and self.bids_on == tender.kind:
            self.process(self.policy.bid(self, tender))

    def quote(self, tender: Tender) -> Bid | None:
        """What this company would bid on ``tender`` now (an incumbent asked directly)."""
        if self.policy is None or self.bids_on != tender.kind:
            return None
        return self.policy.quote(self, tender)

    def site_bid_usd(self, candidate: Candidate) -> float:
        """What it bids for a site just offered: its value, if it seeks power and can pay."""
        if self.policy is None or self.bids_on is None:
            return 0.0
        return site_bid_usd(self, candidate, self.financing.headroom_usd)

    def take_site(self, candidate: Candidate, cause: int) -> None:
        """Take a site the market awarded it."""
        take_site(self, candidate, cause)

    def sign(self, contract: Contract, cause: int | None = None,
             data: Mapping[str, Scalar] | None = None) -> None:
        """Take on a contract (awarded to it, or its own capacity) and start delivering it.

        ``data`` joins the ``contract.signed`` event (the return test of the contract).
        """
        if contract.customer != self.name:
            self.contracts.append(contract)
        start_contract(self, self.financing, contract, cause, data)

    # --- books ---------------------------------------------------------------------------
    def _close_books(self, month_end: dt.date) -> None:
        close_books(self, month_end)

    def _look_ahead(self, month_end: dt.date) -> None:
        """Once every company's books have closed: value, plan, raise, or act in distress."""
        del month_end
        self.financing.after_close()

    def metric_names(self) -> tuple[str, ...]:
        """The metrics every company reports (docs/architecture.md lists them)."""
        return METRICS

    def metrics(self) -> tuple[float, ...]:
        """Month-end values, in :meth:`metric_names` order."""
        return sample_metrics(self, self.financing.month_figures(self.share_price_usd()))
