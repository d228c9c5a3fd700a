"""A neocloud: sites and power, GPU and mining fleets, contracts, and its books.

Its life is a set of SimPy processes: each contract tranche goes order -> ship ->
prepayment -> vendor payment and GPU-backed debt -> delivery -> hall ready -> commissioning
(retiring ASICs to free power if needed) -> service; each convertible note waits for its
maturity. At every month end its books close: mining, AI fees, power, opex, capex,
interest and debt service are posted to the ledger, and when cash falls below the buffer
it sells shares at the market (the first-cut financing rule).
"""

from __future__ import annotations

import datetime as dt

from abm.accrual import Accrual
from abm.agent import Agent, ProcessBody
from abm.finance.debt import AmortizingLoan, ConvertibleNote
from abm.model import Model
from agents.bitcoin import Bitcoin
from agents.books import METRICS, BuildProgram, close_books, sample_metrics
from agents.contracts import DAYS_PER_YEAR, Contract, Tranche
from agents.customer import Customer
from agents.fleet import GpuBatch
from agents.markets import Markets
from agents.site import Site
from agents.specs import ContractSpec, NeocloudSpec
from agents.statements import MonthFlows

HOURS_PER_DAY = 24.0


class Neocloud(Agent):
    """A company turning grid power into compute (and, while it pays, Bitcoin)."""

    def __init__(self, model: Model, name: str, spec: NeocloudSpec, btc: Bitcoin,
                 markets: Markets) -> None:
        super().__init__(model, name)
        self.spec, self.btc, self.markets = spec, btc, markets
        self.sites = {
            n: Site(n, name, s.utility, s.secured_mw, s.energized_mw, s.it_built_mw,
                    s.mining_ehs, spec.mining_j_per_th, spec.pue)
            for n, s in spec.sites.items()
        }
        self.batches: list[GpuBatch] = []
        self.cloud_arr_usd_per_gpu = 0.0
        if spec.fleet is not None:
            fl = spec.fleet
            self.batches.append(GpuBatch("existing", fl.site, fl.gpus, fl.kw_it_per_gpu,
                                         fl.gpus * fl.cost_usd_per_gpu, fl.useful_life_years, 0.0))
            self.sites[fl.site].install_gpus(self.batches[0].it_mw)
            self.cloud_arr_usd_per_gpu = (fl.price_usd_per_gpu_hour * fl.utilization
                                          * HOURS_PER_DAY * DAYS_PER_YEAR)
        self.contracts: list[Contract] = []
        self._customers: dict[str, Customer] = {}
        self._contract_specs: dict[str, ContractSpec] = {}
        self.loans: list[AmortizingLoan] = []
        self.notes = [ConvertibleNote(c.name, c.principal_usd, c.coupon_rate,
                                      model.clock.t_of(c.maturity_date), c.conversion_price_usd,
                                      c.cap_price_usd) for c in spec.convertibles]
        self.shares_outstanding = spec.shares_outstanding
        self.deferred_revenue_usd = 0.0
        self._online_events: dict[tuple[str, int], int] = {}
        self._billed: set[tuple[str, int]] = set()
        self._power_changed = model.env.event()
        self._mining = Accrual(self.hashrate_ehs)
        self._load = Accrual(self.load_mw)
        self.cloud_gpus = self.gpus
        self._cloud_gpus = Accrual(self.cloud_gpus)
        self.builds: list[BuildProgram] = []
        self._t_closed = 0.0
        self.month = MonthFlows()
        markets.list_company(name, spec.share_price_usd, spec.share_vol_annual)
        model.ledger.open_account(name, spec.cash_usd)
        model.on_month_end(self._close_books)

    # --- state -------------------------------------------------------------------------
    @property
    def hashrate_ehs(self) -> float:
        """Mining hashrate in service."""
        return sum(s.mining_ehs for s in self.sites.values())

    @property
    def load_mw(self) -> float:
        """Power drawn across sites."""
        return sum(s.load_mw for s in self.sites.values())

    @property
    def gpus(self) -> int:
        """GPUs in service."""
        return sum(b.gpus for b in self.batches)

    @property
    def cash_usd(self) -> float:
        """Cash, as the ledger has it."""
        return self.model.ledger.cash_usd(self.name)

    def share_price_usd(self) -> float:
        """The share price today."""
        return self.markets.share_price_usd(self.name, self.now)

    # --- contracts -----------------------------------------------------------------------
    def take_contract(self, spec: ContractSpec, contract_id: str, customer: Customer) -> Contract:
        """Hold a signed contract; its tranches start when the run starts."""
        clock = self.model.clock
        total_mw = sum(t.it_mw for t in spec.tranches)
        contract = Contract(contract_id, self.name, customer.name, spec.site, spec.value_usd,
                            spec.term_years, spec.prepayment_share,
                            spec.prepayment_credit_after_months)
        for i, t in enumerate(spec.tranches):
            contract.tranches.append(Tranche(i + 1, t.it_mw, t.gpus, clock.t_of(t.ship_date),
                                             clock.t_of(t.hall_ready_date),
                                             spec.value_usd * t.it_mw / total_mw))
        self.contracts.append(contract)
        customer.contracts.append(contract)
        self._customers[contract_id] = customer
        self._contract_specs[contract_id] = spec
        return contract

    def start(self) -> None:
        """Start contract deliveries and note maturities."""
        for contract in self.contracts:
            spec = self._contract_specs[contract.id]
            contract.signed_event = self.log(
                "contract.signed", customer=contract.customer, contract=contract.id,
                value_usd=contract.value_usd, it_mw=contract.it_mw, arr_usd=contract.arr_usd,
                signed_date=spec.signed_date.isoformat())
            for tranche in contract.tranches:
                self.process(self._deliver(contract, spec, tranche))
        for note in self.notes:
            self.process(self._mature(note))

    def _deliver(self, contract: Contract, spec: ContractSpec, tranche: Tranche) -> ProcessBody:
        gpu_cost = spec.gpu_capex_usd * tranche.it_mw / contract.it_mw
        order = self.log("gpu.ordered", cause=contract.signed_event, contract=contract.id,
                         tranche=tranche.index, gpus=tranche.gpus, cost_usd=gpu_cost)
        slip = self.stream(f"hall.{contract.id}.{tranche.index}")
        t_hall = tranche.t_hall_ready_days + (
            float(slip.exponential(spec.hall_slip_days_mean)) if spec.hall_slip_days_mean else 0.0)
        hall = self.process(self._build_hall(contract, spec, tranche, t_hall, order))
        yield self.env.timeout(max(0.0, tranche.t_ship_days - self.now))
        ship = self.log("gpu.shipped", cause=order, contract=contract.id, tranche=tranche.index,
                        gpus=tranche.gpus)
        self._customers[contract.id].prepay(contract, tranche, ship)
        self.deferred_revenue_usd += tranche.prepaid_usd
        self.process(self._pay_vendor(contract, spec, tranche, gpu_cost, ship))
        yield self.env.timeout(spec.transit_days)
        delivered = self.log("gpu.delivered", cause=ship, contract=contract.id,
                             tranche=tranche.index, gpus=tranche.gpus)
        yield hall
        yield self.env.timeout(spec.commissioning_days)
        site = self.sites[contract.site]
        it_mw = tranche.it_mw
        while not site.can_install(it_mw):
            retired = site.retire_mining_for(it_mw * site.pue)
            if retired > 0:
                self._mining.set(self.hashrate_ehs, self.now)
                self.log("mining.retired", cause=delivered, site=site.name, ehs=retired,
                         freed_mw=retired * site.j_per_th)
            if not site.can_install(it_mw):
                yield self._power_changed
        site.install_gpus(it_mw)
        self._load.set(self.load_mw, self.now)
        self.batches.append(GpuBatch("gb300", site.name, tranche.gpus, it_mw * 1000 / tranche.gpus,
                                     gpu_cost, 5.0, self.now, contract.id))
        tranche.t_online_days = self.now
        online = self.log("capacity.online", cause=delivered, contract=contract.id,
                          tranche=tranche.index, it_mw=it_mw, gpus=tranche.gpus)
        self._online_events[(contract.id, tranche.index)] = online

    def _build_hall(self, contract: Contract, spec: ContractSpec, tranche: Tranche,
                    t_ready: float, cause: int) -> ProcessBody:
        cost_usd = spec.building_capex_usd_per_mw * tranche.it_mw
        self.builds.append(BuildProgram(contract.site, cost_usd, self.now, t_ready, cause))
        yield self.env.timeout(max(0.0, t_ready - self.now))
        self.sites[contract.site].build_halls(tranche.it_mw)
        self.log("hall.completed", cause=cause, site=contract.site, it_mw=tranche.it_mw,
                 slip_days=round(t_ready - tranche.t_hall_ready_days, 1))

    def _pay_vendor(self, contract: Contract, spec: ContractSpec, tranche: Tranche,
                    cost_usd: float, cause: int) -> ProcessBody:
        yield self.env.timeout(spec.vendor_payment_days)
        paid = self.log("gpu.paid", cause=cause, contract=contract.id, tranche=tranche.index,
                        amount_usd=cost_usd)
        self.model.ledger.post(self.name, "capex.gpu", -cost_usd, self.now, paid)
        self.month.capex_usd += cost_usd
        loan_usd = cost_usd * self.spec.gpu_debt_share
        if loan_usd > 0:
            drawn = self.log("debt.drawn", cause=paid, instrument="gpu_backed", amount_usd=loan_usd,
                             rate=self.spec.gpu_debt_rate, contract=contract.id)
            self.loans.append(AmortizingLoan(f"gpu.{contract.id}.{tranche.index}", loan_usd,
                                             self.spec.gpu_debt_rate,
                                             self.spec.gpu_debt_term_years * DAYS_PER_YEAR,
                                             self.now))
            self.model.ledger.post(self.name, "financing.debt", loan_usd, self.now, drawn)

    def _mature(self, note: ConvertibleNote) -> ProcessBody:
        yield self.env.timeout(max(0.0, note.t_maturity_days - self.now))
        price = self.share_price_usd()
        note.outstanding = False
        if price >= note.conversion_price_usd:
            self.shares_outstanding += note.conversion_shares
            self.log("convert.converted", note=note.name, shares=note.conversion_shares,
                     share_price_usd=price, conversion_price_usd=note.conversion_price_usd)
        else:
            repaid = self.log("debt.repaid", instrument=note.name, amount_usd=note.principal_usd,
                              share_price_usd=price)
            self.model.ledger.post(self.name, "financing.convert_repaid", -note.principal_usd,
                                   self.now, repaid)

    # --- power ---------------------------------------------------------------------------
    def receive_power(self, site: str, mw: float, cause: int) -> None:
        """Take newly energized power from a utility; wakes anything waiting for power."""
        self.sites[site].energize(mw)
        self.log("site.energized", cause=cause, site=site, mw=mw,
                 energized_mw=self.sites[site].energized_mw)
        waiting, self._power_changed = self._power_changed, self.env.event()
        waiting.succeed()

    # --- books ---------------------------------------------------------------------------
    def _close_books(self, month_end: dt.date) -> None:
        close_books(self, month_end)

    def metric_names(self) -> tuple[str, ...]:
        """The metrics every company reports (see ../shared/MODEL.md)."""
        return METRICS

    def metrics(self) -> tuple[float, ...]:
        """Month-end values, in :meth:`metric_names` order."""
        return sample_metrics(self)
