"""A company's financing: when it raises money, how much it could raise, what debt costs.

At every month end the company's cash plan (:mod:`agents.neoclouds.cash_plan`) looks ahead
``gap_horizon_months``; a gap starts a raise, a SimPy process: ``capital.gap`` (caused by
the commitment that weighs most), then the company's instruments in its order
(:mod:`agents.neoclouds.raises`: a convertible sized to the gap, ATM equity within the volume limit,
a private round for an unlisted company). A market that is closed (a chance set by the
regime and the rate-shock window) or a note that cannot price at par logs
``capital.raise_failed``; the next month end tries again, at the terms of its day.

A GPU payment comes due ``vendor_payment_days`` after shipment. The vendor is paid from
cash plus a GPU-backed loan priced off the customer's credit: the risk-free rate plus the
customer's spread plus ``gpu_loan_premium`` (a Microsoft contract borrows cheaper than an
unrated lab's). If cash falls short, the company raises at once and the vendor waits up to
``payment_grace_days``; past that the order is cancelled (``gpu.payment_failed``) and the
tranche cannot be delivered.

The policy asks :meth:`Financing.headroom_usd` before bidding: cash above the buffer plus
what the company could raise (:meth:`Financing.raise_capacity_usd`) less the equity its
commitments still need, so a company does not sign what it cannot fund.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Final

import simpy

from abm.agent import ProcessBody
from abm.finance.debt import AmortizingLoan
from agents.deals.contracts import DAYS_PER_MONTH, DAYS_PER_YEAR, Contract
from agents.markets.capital import Markets
from agents.markets.fundamentals import Fundamentals
from agents.markets.specs import Rating
from agents.neoclouds.access import CapitalAccess
from agents.neoclouds.cash_plan import CashPlan, pending_equity_usd, project
from agents.neoclouds.cfo import (
    check_covenants,
    convert_allowed,
    gpu_loan_usd,
    raise_target_usd,
    window_open,
)
from agents.neoclouds.commitments import Commitment
from agents.neoclouds.distress import Distress
from agents.neoclouds.intrinsic import forward_ebitda_usd, present_value, streams
from agents.neoclouds.raises import issue_convert, private_round, sell_atm
from agents.neoclouds.state import Company
from agents.neoclouds.valuation import (
    BookFigures,
    book_figures,
    contracted_arr_usd,
    fundamentals_of,
    leverage_turns,
)

MIN_RAISE_USD: Final = 25e6
WAIT_STEP_DAYS: Final = 7.0
ANCHOR_DELAY_DAYS: Final = 1e-6


class Financing(CapitalAccess):
    """Raises money for one company when its cash plan shows a gap, and pays for GPUs."""

    def __init__(self, c: Company, markets: Markets) -> None:
        super().__init__(c, markets)
        self.distress = Distress(self)
        self.raising: simpy.Process | None = None
        self.last_ebitda_usd = 0.0
        self._figures: BookFigures | None = None

    # --- the month -----------------------------------------------------------------------
    def start(self) -> None:
        """Anchor the share price to the company's books."""
        if self.c.listed:
            self.c.process(self._anchor())

    def _anchor(self) -> ProcessBody:
        """Anchor once the start's deliveries have booked their GPU orders and builds."""
        yield self.c.sleep(ANCHOR_DELAY_DAYS)
        self.markets.anchor(self.c.name, self.fundamentals())

    def after_close(self) -> None:
        """After the books close: show the market the books; raise if the plan is short."""
        c = self.c
        self.last_ebitda_usd = c.month.ebitda_usd
        fundamentals = self.fundamentals()
        if c.listed:
            self.markets.update(c.name, fundamentals)
        check_covenants(self)
        plan = self.plan()
        self.last_plan = plan
        self.distress.check(plan)
        wide = (self.plan(self.spec.window_horizon_factor)
                if self.spec.window_horizon_factor > 1.0 and window_open(self) else None)
        target = raise_target_usd(plan, wide)
        if target > MIN_RAISE_USD and self.raising is None:
            self.raising = c.process(self._raise(target, plan, plan.cause))

    def distressed(self) -> bool:
        """A raise failed within the market's retry window, or the company is in distress."""
        return super().distressed() or self.distress.active

    def fundamentals(self) -> Fundamentals:
        """The snapshot the market values the company from (its figures kept for the path).

        Leverage (net debt over forward EBITDA) sets the market's discount rates, at which
        the operations in place are valued.
        """
        c = self.c
        figures = book_figures(c, c.share_price_usd())
        flows = streams(c)
        c.leverage_turns = leverage_turns(c, figures.notes_debt_usd,
                                          forward_ebitda_usd(c, flows))
        inplace = present_value(c, flows, *self.markets.discount_rates(c.now, c.leverage_turns))
        self._figures = replace(figures, inplace_value_usd=inplace.value_usd,
                                leverage_turns=c.leverage_turns)
        return fundamentals_of(c, self._figures)

    def month_figures(self, price_usd: float) -> BookFigures:
        """The figures the month end showed the market, or fresh ones if there were none.

        Taken once, by the path's month-end sample right after the books close: nothing
        runs between the two that could change contracts, notes or the day's price (the
        time and price are checked all the same).
        """
        figures, self._figures = self._figures, None
        if figures is None or figures.t_days != self.c.now or figures.price_usd != price_usd:
            figures = book_figures(self.c, price_usd)
        value = (self.markets.value_per_share_usd(self.c.name, self.c.now) if self.c.listed
                 else 0.0)
        return replace(figures, leverage_turns=self.c.leverage_turns, value_per_share_usd=value)

    def plan(self, horizon_factor: float = 1.0) -> CashPlan:
        """The cash plan over the company's horizon (times ``horizon_factor``), now."""
        return project(self.c, self.c.commitments.values(),
                       self.spec.gap_horizon_months * DAYS_PER_MONTH * horizon_factor,
                       self.c.share_price_usd(), self.last_ebitda_usd)

    # --- what the policy asks ------------------------------------------------------------


    def headroom_usd(self) -> float:
        """Equity the company could still put into new projects (see the module docstring).

        Debt service, notes due and prepayments at risk over the horizon that operating cash
        flow does not cover come off first: a company that must raise to service its debt
        has less to bid with. Right after a failed raise there is none: the company stops
        bidding and ordering.
        """
        c, plan = self.c, self.plan()
        servicing = max(0.0, plan.debt_service_usd + plan.notes_due_usd
                        + plan.refunds_at_risk_usd - plan.operating_usd)
        capacity = self.raise_capacity_usd(self.spec.capacity_haircut)
        headroom = (c.cash_usd - c.cash_buffer_usd + capacity - servicing
                    - pending_equity_usd(c, self.c.commitments.values()))
        return min(headroom, 0.0) if self.distressed() else headroom

    # --- capacity of each instrument -------------------------------------------------------





    # --- the raise -------------------------------------------------------------------------
    def _raise(self, gap_usd: float, plan: CashPlan, cause: int | None) -> ProcessBody:
        c = self.c
        gap = c.log("capital.gap", cause=cause, gap_usd=gap_usd, cash_usd=plan.cash_usd,
                    buffer_usd=plan.buffer_usd, gpu_usd=plan.gpu_usd,
                    building_usd=plan.building_usd, debt_service_usd=plan.debt_service_usd,
                    notes_due_usd=plan.notes_due_usd,
                    refunds_at_risk_usd=plan.refunds_at_risk_usd,
                    prepayments_usd=plan.prepayments_usd,
                    operating_usd=plan.operating_usd, horizon_days=plan.horizon_days)
        failures = self.failures
        try:
            if self.market_closed():
                self.failed(gap, "market_closed", gap_usd)
                return 0.0
            remaining = gap_usd
            for instrument in self.spec.instruments:
                if remaining <= MIN_RAISE_USD:
                    break
                if instrument == "convert" and c.listed and convert_allowed(self):
                    remaining -= yield from issue_convert(self, remaining, gap)
                elif instrument == "atm" and c.listed:
                    remaining -= yield from sell_atm(self, remaining, gap)
                elif instrument == "private_round" and not c.listed:
                    remaining -= yield from private_round(self, remaining, gap)
            if remaining > MIN_RAISE_USD and self.failures == failures:
                if remaining < gap_usd - MIN_RAISE_USD:  # raised what the market allowed
                    c.log("capital.raise_short", cause=gap, amount_usd=remaining,
                          raised_usd=gap_usd - remaining)
                else:
                    self.failed(gap, "no_capacity", remaining, raised_usd=gap_usd - remaining)
            return gap_usd - remaining
        finally:
            self.raising = None


    # --- GPU payments ------------------------------------------------------------------------
    def customer_rating(self, contract: Contract) -> Rating:
        """The credit behind a contract: its customer's rating (own capacity: the company's)."""
        rating = self.markets.rating_of(contract.customer)
        return rating if rating is not None else self.c.spec.credit_rating

    def gpu_loan_rate(self, contract: Contract) -> float:
        """Rate of a loan against GPUs serving ``contract``, priced off its customer."""
        return self.gpu_loan_rate_for(contract.customer)

    def gpu_loan_rate_for(self, customer: str) -> float:
        """Rate of a loan against GPUs serving ``customer`` (itself: the company's credit)."""
        m = self.markets
        rating = m.rating_of(customer) or self.c.spec.credit_rating
        return (m.spec.credit.risk_free_rate + m.spec.credit.gpu_loan_premium
                + m.credit_spread(rating, self.c.now))

    def commit_gpu(self, key: str, cost_usd: float, prepayment_usd: float, t_due_days: float,
                   cause: int | None) -> None:
        """Record a GPU order to be paid on ``t_due_days`` (for the plan and the headroom)."""
        equity = cost_usd * (1.0 - self.c.spec.gpu_debt_share)
        self.c.commitments[key] = Commitment(key, cost_usd, equity, prepayment_usd, t_due_days,
                                           cause)

    def pay_gpus(self, key: str, contract: Contract, tranche_index: int, cost_usd: float,
                 cause: int) -> ProcessBody:
        """Pay the vendor (cash plus a GPU-backed loan); returns False if it never could."""
        c = self.c
        rate = self.gpu_loan_rate(contract)
        loan_usd = gpu_loan_usd(self, contract, tranche_index, cost_usd, rate)
        funded = yield from self._fund(cost_usd - loan_usd, cause)
        self.c.commitments.pop(key, None)
        if not funded:
            c.log("gpu.payment_failed", cause=cause, contract=contract.id,
                  tranche=tranche_index, amount_usd=cost_usd, cash_usd=c.cash_usd)
            return False
        paid = c.log("gpu.paid", cause=cause, contract=contract.id, tranche=tranche_index,
                     amount_usd=cost_usd)
        if loan_usd > 0:  # the lender funds at payment: loan in, then the vendor paid
            drawn = c.log("debt.drawn", cause=paid, instrument="gpu_backed", amount_usd=loan_usd,
                          rate=rate, contract=contract.id, customer=contract.customer,
                          customer_rating=self.customer_rating(contract),
                          ltv=loan_usd / cost_usd)
            loan = AmortizingLoan(f"gpu.{contract.id}.{tranche_index}", loan_usd, rate,
                                  c.spec.gpu_debt_term_years * DAYS_PER_YEAR, c.now)
            c.loans.append(loan)
            self.facilities.setdefault(contract.id, []).append((tranche_index, loan, cost_usd))
            c.model.ledger.post(c.name, "financing.debt", loan_usd, c.now, drawn)
        c.model.ledger.post(c.name, "capex.gpu", -cost_usd, c.now, paid)
        return True

    def _fund(self, amount_usd: float, cause: int) -> ProcessBody:
        """Wait (raising if need be) until cash covers ``amount_usd``, within the grace."""
        c = self.c
        deadline = c.now + self.spec.payment_grace_days
        while c.cash_usd < amount_usd:
            if c.now >= deadline:
                return False
            if self.raising is None and not self.distressed():
                need = amount_usd - c.cash_usd + c.cash_buffer_usd
                self.raising = c.process(self._raise(need, self.plan(), cause))
            step = c.env.timeout(min(WAIT_STEP_DAYS, max(deadline - c.now, 1e-6)))
            yield (step | self.raising) if self.raising is not None else step
        return True

    # --- news ------------------------------------------------------------------------------
    def on_contract_signed(self, contract: Contract, event: int) -> None:
        """A contract signed during the run moves the share price up (announcement)."""
        c = self.c
        self.t_last_contract_days = c.now
        if not c.listed or contract.arr_usd <= 0:
            return
        forward = max(contracted_arr_usd(c, c.now) - contract.arr_usd, contract.arr_usd)
        self.markets.news(c.name, "contract", contract.arr_usd / forward, event)


