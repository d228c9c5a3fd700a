"""Contracts as data: tranches, fees, prepayment and credit-back, delay credits, termination.

A contract is GPU cloud capacity (priced per GPU-hour) or a powered lease (priced per
kW-month), deployed in tranches. Each tranche earns a daily fee for ``term_years`` from
the day it comes online. The customer may prepay a share of each tranche before delivery;
the prepayment is deferred revenue, credited back evenly over the service months after
``prepayment_credit_after_months``. A tranche online later than needed-by plus the cure
period earns the customer delay credits against its invoices; one still not online
``terminate_after_days`` past needed-by may be terminated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, Literal

from agents.deals.tender import ContractKind

DAYS_PER_YEAR: Final = 365.0
DAYS_PER_MONTH: Final = DAYS_PER_YEAR / 12.0
CREDIT_AFTER_MONTHS: Final = 24
"""Months of service after which a prepayment is credited back (as in IREN-Microsoft)."""
VENDOR_PAYMENT_DAYS: Final = 30.0
"""Days after shipment a GPU vendor is paid (Dell's terms in IREN-Microsoft)."""
Status = Literal["active", "terminated"]


@dataclass(slots=True)
class Tranche:
    """One phase of a contract and its state during the run."""

    index: int
    it_mw: float
    gpus: int
    value_usd: float
    t_needed_by_days: float | None = None
    t_ship_days: float | None = None
    t_hall_ready_days: float | None = None
    t_online_days: float | None = None
    prepaid_usd: float = 0.0
    delay_credit_usd: float = 0.0
    cancelled: bool = False


class BillingLine:
    """What one tranche earns over a billing period (read-only; a plain class for speed)."""

    def __init__(self, revenue_usd: float, prepayment_credit_usd: float) -> None:
        self.revenue_usd: Final = revenue_usd
        self.prepayment_credit_usd: Final = prepayment_credit_usd

    @property
    def cash_usd(self) -> float:
        """Cash the customer pays: revenue less the prepayment credited back."""
        return self.revenue_usd - self.prepayment_credit_usd


@dataclass(slots=True)
class Contract:
    """A signed capacity contract between a provider and a customer."""

    id: str
    provider: str
    customer: str
    site: str
    kind: ContractKind
    value_usd: float
    term_years: float
    prepayment_share: float = 0.0
    prepayment_credit_after_months: int = 0
    cure_days: float = 60.0
    terminate_after_days: float = 180.0
    delay_credit_share_per_month: float = 0.0
    gpu_generation: str | None = None
    gpu_cost_usd_per_gpu: float | None = None
    vendor_payment_days: float = 30.0
    hall_slip_days_mean: float = 0.0
    tenant_site: str | None = None
    """A lease to a neocloud: its site that each tranche's halls join when online."""
    tranches: list[Tranche] = field(default_factory=list)
    status: Status = "active"
    signed_event: int | None = None

    @property
    def it_mw(self) -> float:
        """IT MW across tranches still to be (or being) served."""
        return sum((t.it_mw for t in self.tranches if not t.cancelled), 0.0)

    @property
    def arr_usd(self) -> float:
        """Annual revenue at full ramp of the tranches not cancelled."""
        fees = sum(self.fee_usd_per_day(t) for t in self.tranches if not t.cancelled)
        return fees * DAYS_PER_YEAR

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

    def delay_credit_for(self, tranche: Tranche, t_online_days: float) -> float:
        """Credits owed for coming online at ``t_online_days`` (zero within the cure period)."""
        if tranche.t_needed_by_days is None:
            return 0.0
        late_days = t_online_days - tranche.t_needed_by_days - self.cure_days
        monthly_fee = self.fee_usd_per_day(tranche) * DAYS_PER_MONTH
        return max(0.0, late_days) / DAYS_PER_MONTH * monthly_fee * (
            self.delay_credit_share_per_month)

    def t_terminate_days(self, tranche: Tranche) -> float | None:
        """The day the customer may terminate if the tranche is still not online."""
        if tranche.t_needed_by_days is None:
            return None
        return tranche.t_needed_by_days + self.terminate_after_days

    def bill(self, tranche: Tranche, t0_days: float, t1_days: float) -> BillingLine:
        """Revenue (net of delay credits) and prepayment credit of a tranche over [t0, t1]."""
        if tranche.t_online_days is None or tranche.cancelled:
            return BillingLine(0.0, 0.0)
        on, off = tranche.t_online_days, tranche.t_online_days + self.term_days
        fee = _overlap(t0_days, t1_days, on, off) * self.fee_usd_per_day(tranche)
        delay_credit = min(fee, tranche.delay_credit_usd)
        tranche.delay_credit_usd -= delay_credit
        c0 = on + self.prepayment_credit_after_months * DAYS_PER_MONTH
        credit = (tranche.prepaid_usd * _overlap(t0_days, t1_days, c0, off) / (off - c0)
                  if off > c0 else 0.0)
        return BillingLine(fee - delay_credit, credit)

    def run_rate_arr_usd(self, t_days: float) -> float:
        """Annualized fee of the tranches in service at ``t_days``."""
        total = 0.0
        for tr in self.tranches:
            if (not tr.cancelled and tr.t_online_days is not None
                    and tr.t_online_days <= t_days < tr.t_online_days + self.term_days):
                total += self.fee_usd_per_day(tr) * DAYS_PER_YEAR
        return total

    def in_term(self, t_days: float) -> bool:
        """Whether any live tranche still has service to deliver after ``t_days``."""
        return any(
            not tr.cancelled and (tr.t_online_days is None
                                  or t_days < tr.t_online_days + self.term_days)
            for tr in self.tranches)

    def contracted_arr_usd(self, t_days: float) -> float:
        """Annual value of live tranches still in term (signed, whether online or not)."""
        total = 0.0
        for tr in self.tranches:
            if not tr.cancelled and (tr.t_online_days is None
                                     or t_days < tr.t_online_days + self.term_days):
                total += self.fee_usd_per_day(tr) * DAYS_PER_YEAR
        return total


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))
