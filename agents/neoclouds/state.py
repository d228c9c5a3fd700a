"""A neocloud's state: sites and power, fleets, contracts, debt and shares, and its books.

:class:`Company` is what the modules acting for a company read and change: its delivery
(:mod:`agents.neoclouds.delivery`), books (:mod:`agents.neoclouds.books`), valuation, cash
plan and financing. It takes power from utilities and sheds load in grid emergencies
(:class:`agents.grid.taker.PowerTaker`). Its processes, policy and financing are added by
:class:`agents.neoclouds.neocloud.Neocloud`.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Final

import simpy

from abm.accrual import Accrual
from abm.agent import ProcessBody
from abm.finance.debt import AmortizingLoan, ConvertibleNote
from abm.model import Model
from agents.bitcoin.network import Bitcoin
from agents.deals.contracts import Contract
from agents.gpus.rents import RentMarket
from agents.gpus.vendor import GpuVendor
from agents.grid.power_prices import market_of
from agents.grid.taker import PowerTaker
from agents.markets.capital import Markets
from agents.neoclouds.backstop import Backstop
from agents.neoclouds.commitments import BuildProgram, Commitment
from agents.neoclouds.fleet import AsicPurchase, GpuBatch
from agents.neoclouds.power_bill import PowerBook
from agents.neoclouds.share_register import ShareRegister
from agents.neoclouds.site import Site
from agents.neoclouds.specs import FleetSpec, NeocloudSpec, PolicySpec, SiteSpec
from agents.neoclouds.statements import MonthFlows

HOURS_PER_DAY: Final = 24.0
BIDS_ON: Final = {"integrated_cloud": "gpu_cloud", "lease_host": "lease"}
"""The tender kind each business model answers (a miner answers none)."""
AI_CUT_CREDIT_MULTIPLE: Final = 2.0
"""Service credit for contracted AI load cut in a grid emergency, per hour of fees lost."""


class Company(PowerTaker):
    """What a neocloud or miner holds and owes, and what it does to its own sites."""

    def __init__(self, model: Model, name: str, spec: NeocloudSpec, btc: Bitcoin,
                 markets: Markets, vendor: GpuVendor, rents: RentMarket) -> None:
        super().__init__(model, name)
        self.spec, self.btc, self.markets, self.vendor = spec, btc, markets, vendor
        self.rents = rents
        self.sites = {n: self._starting_site(n, s) for n, s in spec.sites.items()}
        self.batches: list[GpuBatch] = []
        for fl in spec.fleet:
            self._start_batch(self._starting_batch(fl))
        self.contracts: list[Contract] = []
        self.leases: list[Contract] = []
        self.speculative: list[Contract] = []
        self.unpaid_gpu_usd = 0.0
        self.seeking_power = False
        self.builds: list[BuildProgram] = []
        self.loans: list[AmortizingLoan] = []
        """GPU-backed loans."""
        self.rescue_loans: list[AmortizingLoan] = []
        """Loans from rescue lenders in distress (:mod:`agents.neoclouds.distress`)."""
        self.notes = [ConvertibleNote(
            c.name, c.principal_usd, c.coupon_rate, model.clock.t_of(c.maturity_date),
            c.conversion_price_usd, c.cap_price_usd, settlement=c.settlement,
            t_call_start_days=(model.clock.t_of(c.call_start_date)
                               if c.call_start_date is not None else None),
            call_trigger=c.call_trigger) for c in spec.convertibles]
        self.shares = ShareRegister(self, spec.shares_outstanding)
        self.deferred_revenue_usd = 0.0
        self.commitments: dict[str, Commitment] = {}
        """GPU orders promised to the vendor and not yet paid, by key."""
        self.online_events: dict[tuple[str, int], int] = {}
        self.billed: set[tuple[str, int]] = set()
        self.build_time_scale = 1.0  # the world's knob (WorldInfo), set by the builder
        self._power_changed = model.env.event()
        self.mining = Accrual(self.hashrate_ehs)
        self.load = Accrual(self.own_load_mw)
        self.backstop = (Backstop(spec.capacity_backstop,
                                  model.clock.t_of(spec.capacity_backstop.until_date))
                         if spec.capacity_backstop is not None else None)
        """A buyer of last resort for its unsold cloud hours (:mod:`agents.neoclouds.backstop`)."""
        self.asic_purchases: list[AsicPurchase] = []
        """ASICs bought in the run (:mod:`agents.neoclouds.mining_choices`)."""
        self.t_mining_review = -1e9
        self.pivoted = False
        """A miner that now bids to host AI."""
        self.power = PowerBook(model)
        """Its loads on grids with a power market (:mod:`agents.neoclouds.power_bill`)."""
        self.power.relevel(self.sites, spec.mining_uptime, 0.0)
        self.t_closed = 0.0
        self.month = MonthFlows()
        self.tax_loss_usd = 0.0
        """Losses carried forward against future taxable income."""
        self.leverage_turns = 0.0
        """Net debt over forward EBITDA at the last month end (the market's view)."""
        if spec.listed:
            markets.list_company(name, spec.share_price_usd, spec.share_vol_annual)
        model.ledger.open_account(name, spec.cash_usd)
        markets.rate(name, spec.credit_rating)

    # --- state -------------------------------------------------------------------------
    @property
    def listed(self) -> bool:
        """Whether its shares trade (a price, converts and ATM sales)."""
        return self.spec.listed

    @property
    def policy_spec(self) -> PolicySpec:
        """The parameters of its decisions."""
        return self.spec.policy

    def hurdle_irr(self) -> float:
        """The least equity IRR it invests at now.

        Its policy's hurdle, plus what the market adds to its cost of capital
        (:meth:`Markets.cost_of_capital_add`) if its policy says so. A CFO whose debt costs
        more asks more of each project: a company levered past the market's free turns, or
        one in a digestion or a bust, prices its bids higher, pays less for a site and
        upgrades fewer ASICs.
        """
        policy = self.spec.policy
        if not policy.hurdle_follows_capital_cost:
            return policy.hurdle_irr
        return policy.hurdle_irr + self.markets.cost_of_capital_add(self.now, self.leverage_turns)

    @property
    def power_price_usd_per_mwh(self) -> float:
        """What its power costs."""
        return self.spec.power_price_usd_per_mwh

    def expected_power_usd_per_mwh(self, utility: str) -> float:
        """What firm load on ``utility``'s grid expects to pay: fixed, or partly market."""
        market = market_of(self.model, utility)
        if market is None:
            return self.spec.power_price_usd_per_mwh
        fixed = self.spec.power_fixed_share
        return (fixed * self.spec.power_price_usd_per_mwh
                + (1.0 - fixed) * market.expected_usd_per_mwh)

    @property
    def mining_cost_usd_per_eh_day(self) -> float:
        """What an EH/s of its ASICs costs a day in power (J/TH x hours x USD/MWh).

        At its installed ASICs' mean J/TH (sites upgrade apart), else its spec's.
        """
        ehs = sum(s.mining_ehs for s in self.sites.values())
        j_per_th = (sum(s.mining_ehs * s.j_per_th for s in self.sites.values()) / ehs
                    if ehs > 0 else self.spec.mining_j_per_th)
        return self.mining_power_usd_per_eh_day(j_per_th)

    def mining_power_usd_per_eh_day(self, j_per_th: float) -> float:
        """What an EH/s of ASICs at ``j_per_th`` costs a day in power at its price."""
        return j_per_th * HOURS_PER_DAY * self.spec.power_price_usd_per_mwh

    @property
    def cash_buffer_usd(self) -> float:
        """The cash it keeps in hand; its cash plan raises before falling below it."""
        return self.spec.cash_buffer_usd

    @property
    def hashrate_ehs(self) -> float:
        """Mining hashrate operating: installed ASICs not paused, times their uptime."""
        running = sum(s.mining_ehs - s.mining_paused_ehs for s in self.sites.values())
        return running * self.spec.mining_uptime

    @property
    def own_load_mw(self) -> float:
        """Power the company pays for, across sites (ASICs down draw none)."""
        down = 1.0 - self.spec.mining_uptime
        return sum((s.own_load_mw - down * s.mining_load_mw for s in self.sites.values()), 0.0)

    @property
    def gpus(self) -> int:
        """Own GPUs in service."""
        return sum(b.gpus for b in self.batches if b.in_service)

    @property
    def shares_outstanding(self) -> float:
        """Basic shares outstanding (changed only through :attr:`shares`)."""
        return self.shares.outstanding

    @property
    def cash_usd(self) -> float:
        """Cash, as the ledger has it."""
        return self.model.ledger.cash_usd(self.name)

    @property
    def bids_on(self) -> str | None:
        """The tender kind this business model answers (None: it does not bid)."""
        return "lease" if self.pivoted else BIDS_ON.get(self.spec.business_model)

    def _starting_site(self, name: str, s: SiteSpec) -> Site:
        """A site as the world starts it, holding only the ASICs its energized power runs.

        More ASICs than that (a higher J/TH, less energized power) are not installed; the
        start says so (``start.adjusted``).
        """
        j_per_th = self.spec.mining_j_per_th
        runs_ehs = s.energized_mw / j_per_th
        if s.mining_ehs > runs_ehs:
            self.log("start.adjusted", site=name, what="mining_ehs", declared=s.mining_ehs,
                     placed=runs_ehs, short_mw=(s.mining_ehs - runs_ehs) * j_per_th)
        return Site(name, self.name, s.utility, s.secured_mw, s.energized_mw, s.it_built_mw,
                    min(s.mining_ehs, runs_ehs), j_per_th, self.spec.pue)

    def _start_batch(self, batch: GpuBatch) -> None:
        """Hold a batch of the starting fleet.

        One in service at the start is placed by the rule deliveries follow; what does
        not fit waits for room (``fleet.waiting``).
        """
        self.batches.append(batch)
        if batch.in_service:
            batch.in_service = False
            self.retire_asics_for(self.sites[batch.site], batch.it_mw, None)
            rest = self.place_batch(batch)
            if rest is not None:
                self.note_waiting(rest, None)

    def retire_asics_for(self, site: Site, it_mw: float, cause: int | None) -> float:
        """Retire ASICs so AI equipment of ``it_mw`` has power at ``site``; EH/s retired.

        Only if the policy allows (``mining.retired``); the caller re-levels the loads.
        """
        if site.can_install(it_mw) or not self.spec.policy.mining_to_ai:
            return 0.0
        retired = site.retire_mining_for(it_mw * site.pue)
        if retired > 0:
            self.log("mining.retired", cause=cause, site=site.name, ehs=retired,
                     freed_mw=retired * site.j_per_th)
        return retired

    def place_batch(self, batch: GpuBatch) -> GpuBatch | None:
        """Put a batch out of service into service, as much of it as fits now.

        The GPUs that do not fit (halls or power) stay out.

        Returns the batch of GPUs left waiting (``batch`` itself if none fit, a new batch
        the company now holds if some did), or None once all are in service.
        """
        site = self.sites[batch.site]
        room_mw = min(site.halls_room_mw, site.free_mw / site.pue)
        fits = batch.gpus if site.can_install(batch.it_mw) else max(0, min(
            batch.gpus, math.floor(room_mw * 1000.0 / batch.kw_it_per_gpu * (1 - 1e-9))))
        if fits == 0 and batch.gpus > 0:
            return batch
        rest = None
        if fits < batch.gpus:
            rest = replace(batch, gpus=batch.gpus - fits, in_service=False,
                           cost_usd=batch.cost_usd * (batch.gpus - fits) / batch.gpus)
            batch.cost_usd -= rest.cost_usd
            batch.gpus = fits
            self.batches.append(rest)
        site.install_gpus(batch.it_mw)
        batch.in_service = True
        batch.t_commissioned_days = max(batch.t_commissioned_days, self.now)
        return rest

    def note_waiting(self, batch: GpuBatch, cause: int | None) -> int:
        """Log that GPUs of the fleet wait for room at their site, and by how much."""
        site = self.sites[batch.site]
        return self.log("fleet.waiting", cause=cause, site=site.name, gpus=batch.gpus,
                        it_mw=batch.it_mw, halls_free_mw=site.halls_room_mw,
                        power_free_mw=site.free_mw,
                        short_mw=max(batch.it_mw * site.pue - site.free_mw,
                                     batch.it_mw - site.halls_room_mw))

    def _starting_batch(self, fl: FleetSpec) -> GpuBatch:
        """A batch of the starting fleet: in service now, or arriving on its drawn day.

        Its site holds room for it from the start; the share of its hours billed ramps
        to its target, whose date slips by a drawn delay (its own stream, ``fleet``).
        """
        clock, rng = self.model.clock, self.stream("fleet")
        t_online = 0.0
        if fl.online_date is not None:
            t_online = max(0.0, clock.t_of(fl.online_date)) + (
                float(rng.exponential(fl.online_slip_days_mean))
                if fl.online_slip_days_mean > 0 else 0.0)
        t_target = None
        if fl.target_date is not None:
            t_target = max(t_online, clock.t_of(fl.target_date)) + (
                float(rng.exponential(fl.target_slip_days_mean))
                if fl.target_slip_days_mean > 0 else 0.0)
        batch = GpuBatch(fl.generation or "existing", fl.site, fl.gpus, fl.kw_it_per_gpu,
                         fl.gpus * fl.cost_usd_per_gpu, fl.useful_life_years, t_online,
                         price_usd_per_gpu_hour=fl.price_usd_per_gpu_hour,
                         utilization=fl.utilization, in_service=t_online <= 0.0,
                         utilization_target=fl.utilization_target, t_target_days=t_target,
                         from_start=True)
        site = self.sites[fl.site]
        site.committed_it_mw += batch.it_mw
        site.hall_claims_mw += batch.it_mw  # its hall is taken: contracts build their own
        return batch

    def rent_of(self, batch: GpuBatch) -> float:
        """What an hour of ``batch`` sells for now: its fixed price, or its market's rent."""
        if batch.price_usd_per_gpu_hour is not None:
            return batch.price_usd_per_gpu_hour
        return self.rents.rent(batch.generation)

    def share_price_usd(self) -> float:
        """The share price today (listed companies only)."""
        return self.markets.share_price_usd(self.name, self.now) if self.listed else 0.0

    def loads_changed(self) -> None:
        """Re-level the accruals after any change of running ASICs or own AI load."""
        self.mining.set(self.hashrate_ehs, self.now)
        self.load.set(self.own_load_mw, self.now)
        self.power.relevel(self.sites, self.spec.mining_uptime, self.now)

    # --- what other agents call ------------------------------------------------------------
    def receive_power(self, site: str, mw: float, cause: int) -> None:
        """Take newly energized power from a utility; wakes anything waiting for power."""
        self.sites[site].energize(mw)
        self.log("site.energized", cause=cause, site=site, mw=mw,
                 energized_mw=self.sites[site].energized_mw)
        self.power_changed()

    def receive_leased_halls(self, site: str, key: str, it_mw: float, host: str,
                             cause: int) -> None:
        """Take over halls a host leased to it (lease tranche ``key``); wakes waiters."""
        self.sites[site].receive_leased_halls(key, it_mw)
        self.log("site.leased_halls", cause=cause, site=site, host=host, it_mw=it_mw,
                 energized_mw=self.sites[site].energized_mw)
        self.power_changed()

    def add_site(self, site: str, utility: str, secured_mw: float, cause: int) -> None:
        """Hold a newly secured or acquired site (power comes later, by energization)."""
        if site in self.sites:
            self.sites[site].secured_mw += secured_mw
            return
        self.sites[site] = Site(site, self.name, utility, secured_mw, 0.0, 0.0, 0.0,
                                self.spec.mining_j_per_th, self.spec.pue)

    def power_changed(self) -> simpy.Event:
        """Wake every process waiting for power; returns the next event to wait on."""
        waiting, self._power_changed = self._power_changed, self.env.event()
        waiting.succeed()
        return self._power_changed

    def wait_power(self) -> simpy.Event:
        """An event that fires the next time this company's power changes."""
        return self._power_changed

    def curtail(self, site: str, mw: float, hours: float, cause: int) -> tuple[float, float]:
        """Shed ``mw`` for ``hours`` in a grid emergency: mining first, AI only if it must.

        Returns (mining MW cut, AI MW cut). Paused ASICs restart after ``hours``; cutting
        contracted AI load costs a service credit of the fees lost, times
        :data:`AI_CUT_CREDIT_MULTIPLE`.
        """
        where = self.sites[site]
        mining_cut, ai_cut = where.curtail_plan(mw)
        if mining_cut > 0:
            ehs = mining_cut / where.j_per_th
            where.mining_paused_ehs += ehs
            self.loads_changed()
            self.process(self._resume_mining(where, ehs, hours))
        if ai_cut > 0:
            credit = (ai_cut / where.pue * self._fees_per_it_mw_day(site) * hours / 24.0
                      * AI_CUT_CREDIT_MULTIPLE)
            event = self.log("grid.ai_load_cut", cause=cause, site=site, mw=ai_cut,
                             hours=hours, amount_usd=credit)
            self.model.ledger.post(self.name, "opex.curtailment_credit", -credit, self.now,
                                   event)
            self.month.opex_other_usd += credit  # the month's opex (and EBITDA) carry it
        return mining_cut, ai_cut

    def _resume_mining(self, site: Site, ehs: float, hours: float) -> ProcessBody:
        yield self.sleep(hours / 24.0)
        site.mining_paused_ehs = max(0.0, site.mining_paused_ehs - ehs)
        self.loads_changed()

    def _fees_per_it_mw_day(self, site: str) -> float:
        """Contract fees a day per IT MW in service at ``site``."""
        fees = [(k.fee_usd_per_day(t), t.it_mw) for k in self.contracts if k.site == site
                for t in k.tranches if t.t_online_days is not None and not t.cancelled]
        mw = sum(m for _, m in fees)
        return sum(f for f, _ in fees) / mw if mw > 0 else 0.0
