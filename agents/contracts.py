"""Contracts as data: a capacity contract's tranches, fees, prepayment and its credit-back.

A contract is deployed in tranches. Each tranche earns a daily fee for ``term_years`` from
the day it comes online. The customer prepays a share of each tranche's value before
delivery; that prepayment is credited back against invoices, evenly, over the service
months after ``prepayment_credit_after_months``. Revenue is the fee; cash is the fee less
the credit, and the prepayment is deferred revenue until credited.
"""

from __future__ import annotations

from dataclasses import dataclass, field

DAYS_PER_YEAR = 365.0
DAYS_PER_MONTH = DAYS_PER_YEAR / 12.0


@dataclass
class Tranche:
    """One phase of a contract and its state during the run."""

    index: int
    it_mw: float
    gpus: int
    t_ship_days: float
    t_hall_ready_days: float
    value_usd: float
    t_online_days: float | None = None
    prepaid_usd: float = 0.0


@dataclass
class BillingLine:
    """What one tranche earns over a billing period."""

    revenue_usd: float
    credit_usd: float

    @property
    def cash_usd(self) -> float:
        """Cash the customer pays: the fee less the prepayment credited back."""
        return self.revenue_usd - self.credit_usd


@dataclass
class Contract:
    """A signed capacity contract between a provider and a customer."""

    id: str
    provider: str
    customer: str
    site: str
    value_usd: float
    term_years: float
    prepayment_share: float
    prepayment_credit_after_months: int
    tranches: list[Tranche] = field(default_factory=list)
    signed_event: int | None = None

    @property
    def it_mw(self) -> float:
        """IT MW across all tranches."""
        return sum(t.it_mw for t in self.tranches)

    @property
    def arr_usd(self) -> float:
        """Annual revenue at full ramp."""
        return self.value_usd / self.term_years

    @property
    def term_days(self) -> float:
        """Service days of each tranche."""
        return self.term_years * DAYS_PER_YEAR

    def fee_usd_per_day(self, tranche: Tranche) -> float:
        """The tranche's daily fee."""
        return tranche.value_usd / self.term_days

    def prepayment_usd(self, tranche: Tranche) -> float:
        """What the customer pays before the tranche is delivered."""
        return self.prepayment_share * tranche.value_usd

    def credit_window_days(self, tranche: Tranche) -> tuple[float, float]:
        """Service-time window [start, end] over which the prepayment is credited back."""
        assert tranche.t_online_days is not None
        start = tranche.t_online_days + self.prepayment_credit_after_months * DAYS_PER_MONTH
        return start, tranche.t_online_days + self.term_days

    def bill(self, tranche: Tranche, t0_days: float, t1_days: float) -> BillingLine:
        """Fee and credit of one tranche for the period [t0, t1]."""
        if tranche.t_online_days is None:
            return BillingLine(0.0, 0.0)
        on, off = tranche.t_online_days, tranche.t_online_days + self.term_days
        service_days = _overlap(t0_days, t1_days, on, off)
        c0, c1 = self.credit_window_days(tranche)
        credit_days = _overlap(t0_days, t1_days, c0, c1)
        credit = tranche.prepaid_usd * credit_days / (c1 - c0) if c1 > c0 else 0.0
        return BillingLine(service_days * self.fee_usd_per_day(tranche), credit)

    def run_rate_arr_usd(self, t_days: float) -> float:
        """Annualized fee of the tranches in service at ``t_days``."""
        return sum(
            self.fee_usd_per_day(tr) * DAYS_PER_YEAR
            for tr in self.tranches
            if tr.t_online_days is not None and tr.t_online_days <= t_days
            < tr.t_online_days + self.term_days
        )

    def in_term(self, t_days: float) -> bool:
        """Whether any tranche still has service to deliver after ``t_days``."""
        return any(tr.t_online_days is None or t_days < tr.t_online_days + self.term_days
                   for tr in self.tranches)


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))
