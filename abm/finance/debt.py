"""Debt instruments as small state machines: amortizing loans and convertible notes.

Interest accrues by the day (actual/365) and is paid in the month it accrues; loans
amortize straight-line over their term. These are the schedules; the ledger entries are
posted by the borrower.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class AmortizingLoan:
    """A term loan drawn once, repaid straight-line, with simple daily interest."""

    name: str
    principal_usd: float
    rate_annual: float
    term_days: float
    t_drawn_days: float
    balance_usd: float = -1.0

    def __post_init__(self) -> None:
        if self.balance_usd < 0:
            self.balance_usd = self.principal_usd

    def accrue(self, t0_days: float, t1_days: float) -> tuple[float, float]:
        """Interest and principal due for [t0, t1]; reduces the balance by the principal."""
        lo = max(t0_days, self.t_drawn_days)
        if t1_days <= lo or self.balance_usd <= 0:
            return 0.0, 0.0
        days = t1_days - lo
        interest = self.balance_usd * self.rate_annual * days / 365.0
        principal = min(self.balance_usd, self.principal_usd * days / self.term_days)
        self.balance_usd -= principal
        return interest, principal


@dataclass(slots=True)
class ConvertibleNote:
    """A convertible note: coupon, maturity and conversion price (shares per $ = 1/price).

    ``cap_price_usd`` set means the issuer holds a capped call from the conversion price
    to the cap covering the note's conversion shares. ``settlement`` is ``"physical"``
    (all conversion shares) or ``"net_share"`` (principal in cash, the excess in shares).
    From ``t_call_start_days`` the issuer may call the note when the share price is at
    least ``call_trigger`` x the conversion price (a soft call); ``None`` is never.
    """

    name: str
    principal_usd: float
    coupon_rate: float
    t_maturity_days: float
    conversion_price_usd: float
    cap_price_usd: float | None = None
    outstanding: bool = True
    settlement: str = "physical"
    t_call_start_days: float | None = None
    call_trigger: float = 1.3
    issued_event: int | None = None

    @property
    def conversion_shares(self) -> float:
        """Shares delivered if the whole note converts."""
        return self.principal_usd / self.conversion_price_usd

    def coupon_usd(self, t0_days: float, t1_days: float) -> float:
        """Coupon accrued over [t0, t1] while the note is outstanding."""
        if not self.outstanding:
            return 0.0
        days = max(0.0, min(t1_days, self.t_maturity_days) - t0_days)
        return self.principal_usd * self.coupon_rate * days / 365.0


@dataclass(slots=True)
class ConstructionLoan:
    """A project loan drawn as a build spends, amortized straight-line after completion."""

    name: str
    rate_annual: float
    term_days: float
    t_amortize_days: float
    drawn_usd: float = 0.0
    balance_usd: float = 0.0

    def draw(self, amount_usd: float) -> None:
        """Borrow ``amount_usd`` more (a share of this period's construction spend)."""
        self.drawn_usd += amount_usd
        self.balance_usd += amount_usd

    def accrue(self, t0_days: float, t1_days: float) -> tuple[float, float]:
        """Interest on the balance over [t0, t1], and principal due once amortizing."""
        if self.balance_usd <= 0 or t1_days <= t0_days:
            return 0.0, 0.0
        interest = self.balance_usd * self.rate_annual * (t1_days - t0_days) / 365.0
        lo = max(t0_days, self.t_amortize_days)
        hi = min(t1_days, self.t_amortize_days + self.term_days)
        principal = min(self.balance_usd, self.drawn_usd * max(0.0, hi - lo) / self.term_days)
        self.balance_usd -= principal
        return interest, principal
