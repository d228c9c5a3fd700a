"""A company's cash plan: what it must pay over the next months, what comes in, the gap.

The plan asks for money before a payment falls due, not after cash has run out. It counts:

* GPU payments ordered but not yet paid that fall due within the horizon (the vendor's
  planned shipment plus its payment terms), net of the GPU-backed loan expected against
  each, and the customer prepayments that come with their shipment;
* building spend falling in the horizon, net of its construction loan;
* debt service in the horizon (loan interest and amortization, note coupons, notes that
  mature and must be repaid in cash);
* prepayments at risk: a tranche still not online whose customer may terminate within the
  horizon takes its prepayment back;
* operating cash flow at the last closed month's EBITDA.

``gap = buffer + payments - inflows - cash``; a positive gap asks for a raise. The cause of
the gap is the single commitment that weighs most (a contract's GPU order, a hall build).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from agents.deals.contracts import DAYS_PER_MONTH
from agents.neoclouds.commitments import Commitment
from agents.neoclouds.state import Company

DAYS_PER_YEAR: Final = 365.0


@dataclass(frozen=True, slots=True)
class CashPlan:
    """Payments and inflows expected over ``horizon_days``, and what they leave short."""

    horizon_days: float
    cash_usd: float
    buffer_usd: float
    gpu_usd: float
    building_usd: float
    debt_service_usd: float
    notes_due_usd: float
    refunds_at_risk_usd: float
    prepayments_usd: float
    operating_usd: float
    cause: int | None

    @property
    def gap_usd(self) -> float:
        """Money to raise so that cash stays above the buffer through the horizon."""
        out = (self.gpu_usd + self.building_usd + self.debt_service_usd + self.notes_due_usd
               + self.refunds_at_risk_usd)
        return self.buffer_usd + out - self.prepayments_usd - self.operating_usd - self.cash_usd


def project(c: Company, commitments: Iterable[Commitment], horizon_days: float,
            share_price_usd: float, monthly_ebitda_usd: float) -> CashPlan:
    """The plan of ``c`` from now over ``horizon_days``.

    Notes are judged in or out of the money at ``share_price_usd``; operating cash flow
    runs at ``monthly_ebitda_usd`` (the last month closed).
    """
    t0, t1 = c.now, c.now + horizon_days
    blame = _Blame()  # the commitment that weighs most (the first of equals)
    gpu = prepay = 0.0
    for k in commitments:
        if k.t_due_days <= t1:
            gpu += k.equity_usd
            prepay += k.prepayment_usd
            blame.weigh(k.equity_usd, k.cause)
    building = 0.0
    for p in c.builds:
        spend = p.spend_usd(t0, t1) * (1.0 - (p.debt_share if p.loan is not None else 0.0))
        building += spend
        blame.weigh(spend, p.cause)
    service = 0.0
    for loan in (*c.loans, *c.rescue_loans):
        if loan.balance_usd > 0:
            service += loan.balance_usd * loan.rate_annual * horizon_days / DAYS_PER_YEAR
            service += min(loan.balance_usd, loan.principal_usd * horizon_days / loan.term_days)
    for p in c.builds:
        cl = p.loan
        if cl is not None and cl.balance_usd > 0:
            service += cl.balance_usd * cl.rate_annual * horizon_days / DAYS_PER_YEAR
            amortizing = max(0.0, min(t1, cl.t_amortize_days + cl.term_days)
                             - max(t0, cl.t_amortize_days))
            service += min(cl.balance_usd, cl.drawn_usd * amortizing / cl.term_days)
    due = 0.0
    for note in c.notes:
        if not note.outstanding:
            continue
        service += note.coupon_usd(t0, t1)
        in_money = share_price_usd >= note.conversion_price_usd
        if note.t_maturity_days <= t1 and (note.settlement == "net_share" or not in_money):
            due += note.principal_usd
    refunds = 0.0
    for contract in c.contracts:
        for tr in contract.tranches:
            if tr.prepaid_usd > 0 and tr.t_online_days is None and not tr.cancelled:
                t_limit = contract.t_terminate_days(tr)
                if t_limit is not None and t_limit <= t1:
                    refunds += tr.prepaid_usd
                    blame.weigh(tr.prepaid_usd, contract.signed_event)
    operating = monthly_ebitda_usd * horizon_days / DAYS_PER_MONTH
    return CashPlan(horizon_days, c.cash_usd, c.cash_buffer_usd, gpu, building, service,
                    due, refunds, prepay, operating, blame.cause)


class _Blame:
    """The cause of the largest payment weighed so far (the first of equal ones)."""

    def __init__(self) -> None:
        self.usd = -math.inf
        self.cause: int | None = None

    def weigh(self, usd: float, cause: int | None) -> None:
        """Consider a payment of ``usd`` caused by event ``cause``."""
        if usd > self.usd:
            self.usd, self.cause = usd, cause


def pending_equity_usd(c: Company, commitments: Iterable[Commitment]) -> float:
    """Equity still to put into what is already committed: GPUs and halls, all of it."""
    items = list(commitments)
    gpu = builds = 0.0
    for k in items:
        gpu += k.equity_usd - k.prepayment_usd
    for p in c.builds:
        builds += p.remaining_usd(c.now) * (1.0 - (p.debt_share if p.loan is not None else 0.0))
    return gpu + builds
