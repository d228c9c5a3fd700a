"""Distress: a company that cannot pay, what it does, and how it comes out.

A company whose cash is negative when its books close (its raises failed or fell short)
enters distress (``distress.entered``, caused by its last failed raise if any) and cuts
capex: it bids on nothing and orders no capacity of its own until it comes out
(``distress.capex_cut``). Then, at each month end while short of its cash buffer:

* **Rescue financing** (``distress.rescue_loan``): a loan at the risk-free rate plus
  ``rescue_spread`` over ``rescue_term_years``, up to ``rescue_ltv`` of its collateral
  (the equity in its GPUs and halls: book value less the GPU-backed and construction
  loans on them; energized and secured power at a value per MW) less the rescue loans
  already drawn.
* **Restructuring** (``distress.restructured``) when rescue lenders will not cover the
  shortfall: convertible notes and rescue loans are exchanged for new shares worth
  ``recovery_share`` of their claims at today's price; their coupons and repayments end,
  and the collateral the rescue loans held is free for a new rescue loan. Contracts the
  company cannot deliver are terminated by their customers' own clocks and tendered again.

It comes out (``distress.exited``) at a month end with cash above its buffer and no gap
in its cash plan. Month-end cash below zero can then only follow a ``distress.*`` event:
what rescue and restructuring could not cover.
"""

from __future__ import annotations

from typing import Final

from abm.finance.debt import AmortizingLoan
from agents.deals.contracts import DAYS_PER_YEAR
from agents.neoclouds.access import CapitalAccess
from agents.neoclouds.cash_plan import CashPlan
from agents.neoclouds.valuation import construction_debt_usd, gpu_debt_usd, rescue_debt_usd

MIN_RESCUE_USD: Final = 1e6


class Distress:
    """One company's distress state and the steps it takes (see the module docstring)."""

    def __init__(self, f: CapitalAccess) -> None:
        self.f, self.c = f, f.c
        self.spec = f.spec.distress
        self.active = False
        self.entered_event: int | None = None
        self.restructurings = 0

    def check(self, plan: CashPlan) -> None:
        """At a month end, after the books close: enter, act, or come out of distress."""
        c = self.c
        if not self.active:
            if c.cash_usd >= 0.0:
                return
            self._enter()
        elif c.cash_usd >= c.cash_buffer_usd and plan.gap_usd <= 0.0:
            self.active = False
            c.log("distress.exited", cause=self.entered_event, cash_usd=c.cash_usd)
            return
        shortfall = c.cash_buffer_usd - c.cash_usd
        if shortfall <= MIN_RESCUE_USD:
            return
        lent = self._rescue(shortfall)
        if lent < shortfall - MIN_RESCUE_USD and c.cash_usd < 0.0:
            self._restructure()
            self._rescue(c.cash_buffer_usd - c.cash_usd)

    def _enter(self) -> None:
        c, f = self.c, self.f
        self.active = True
        self.entered_event = c.log("distress.entered", cause=f.last_failure_event,
                                   cash_usd=c.cash_usd, leverage_turns=c.leverage_turns)
        c.log("distress.capex_cut", cause=self.entered_event,
              commitments_usd=sum(k.cost_usd for k in c.commitments.values()),
              building_usd=sum(p.remaining_usd(c.now) for p in c.builds))

    def collateral_usd(self) -> float:
        """What rescue lenders count: the equity in GPUs and halls, and power per MW.

        The equity in GPUs and halls is their book value less the loans against them.
        """
        c, spec = self.c, self.spec
        salvage = c.spec.costs.gpu_salvage_share
        gpus = sum(b.cost_usd - b.depreciation_usd(b.t_commissioned_days, c.now, salvage)
                   for b in c.batches if b.in_service)
        life_days = c.spec.costs.hall_life_years * DAYS_PER_YEAR
        halls = sum(p.cost_usd - p.depreciation_usd(p.t_start_days, c.now, life_days)
                    - p.remaining_usd(c.now) for p in c.builds)
        energized = sum(s.energized_mw for s in c.sites.values())
        secured = sum(s.secured_mw for s in c.sites.values())
        power = (energized * spec.energized_collateral_usd_per_mw
                 + max(0.0, secured - energized) * spec.secured_collateral_usd_per_mw)
        return (max(0.0, gpus - gpu_debt_usd(c)) + max(0.0, halls - construction_debt_usd(c))
                + power)

    def _rescue(self, amount_usd: float) -> float:
        """Borrow up to ``amount_usd`` from rescue lenders; returns what they lent."""
        c, f = self.c, self.f
        collateral = self.collateral_usd()
        room = self.spec.rescue_ltv * collateral - rescue_debt_usd(c)
        lent = min(amount_usd, room)
        if lent < MIN_RESCUE_USD:
            return 0.0
        rate = f.markets.spec.credit.risk_free_rate + self.spec.rescue_spread
        event = c.log("distress.rescue_loan", cause=self.entered_event, amount_usd=lent,
                      rate=rate, collateral_usd=collateral,
                      rescue_debt_usd=rescue_debt_usd(c))
        c.rescue_loans.append(AmortizingLoan(f"rescue.{event}", lent, rate,
                                                self.spec.rescue_term_years * DAYS_PER_YEAR,
                                                c.now))
        c.model.ledger.post(c.name, "financing.rescue_debt", lent, c.now, event)
        return lent

    def _restructure(self) -> None:
        """Exchange notes and rescue loans for shares worth ``recovery_share`` of them."""
        c = self.c
        notes = [n for n in c.notes if n.outstanding]
        rescue = rescue_debt_usd(c)
        claims = sum(n.principal_usd for n in notes) + rescue
        price = c.share_price_usd() if c.listed else c.spec.share_price_usd
        if claims <= 0.0 or price <= 0.0:
            return
        shares = self.spec.recovery_share * claims / price
        self.restructurings += 1
        c.shares.issue(shares, "distress.restructured", self.entered_event, claims_usd=claims,
                       notes=len(notes), rescue_debt_usd=rescue, share_price_usd=price,
                       dilution=shares / c.shares_outstanding)
        for note in notes:
            note.outstanding = False
        for loan in c.rescue_loans:
            loan.balance_usd = 0.0
